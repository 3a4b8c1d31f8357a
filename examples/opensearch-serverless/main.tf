provider "aws" {
  region = var.region
}

# Amazon Connect → Firehose → the enrichment function → an OpenSearch Serverless collection that the module
# creates, with its encryption, network and data access policies, and a retention of the documents.
module "ctr_enrichment" {
  source = "../../"

  name = var.name
  tags = var.tags

  destination = "opensearchserverless"

  # A time-series collection (AWS's default type for logs and events) that deletes documents after
  # retention_days. Standby replicas off: half the minimum capacity, for a trial; keep them for production.
  create_opensearch_collection                   = true
  opensearch_collection_type                     = "TIMESERIES"
  opensearch_collection_retention_days           = var.retention_days
  opensearch_collection_standby_replicas_enabled = var.standby_replicas_enabled

  # A public endpoint: every request is still signed and must pass IAM and the data access policy, which
  # admits the Firehose role and the analysts' role below. Give vpc_config for a collection reached through a
  # VPC endpoint instead.
  opensearch_public_endpoint_enabled = true
  dashboards_allowed_principal_arns  = var.dashboards_allowed_principal_arns

  # Amazon Connect streams its contact records into the delivery stream (optional).
  connect_instance_id = var.connect_instance_id

  enrichment_rules = [{
    name       = "customer"
    source     = "CustomerEndpoint.Address"
    target     = "Customer"
    normalize  = "phone"
    attributes = { CompanyName = "company_name" }
  }]

  # The example is meant to be destroyed again.
  backup_bucket_force_destroy_enabled = true
  backup_expiration_days              = 7
}
