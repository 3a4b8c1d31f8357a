provider "aws" {
  region = var.region
}

# A private pipeline: the OpenSearch domain lives in your VPC (one node per subnet, one subnet per
# Availability Zone), Firehose delivers to it through network interfaces in the same subnets, and the
# Amazon Connect instance streams its contact records into Firehose.
module "ctr_enrichment" {
  source = "../../"

  name = var.name
  tags = var.tags

  connect_instance_id = var.connect_instance_id

  vpc_config = {
    subnet_ids = var.subnet_ids
    # Two security groups: Firehose → domain on 443, plus 443 from dashboards_allowed_cidr_blocks.
    create_security_groups = true
  }
  # Who may reach the domain: your VPN/bastion networks (on 443, through the domain's security group) and
  # the IAM principals its access policy admits.
  dashboards_allowed_cidr_blocks        = var.dashboards_allowed_cidr_blocks
  opensearch_availability_zone_count    = length(var.subnet_ids)
  opensearch_instance_count             = length(var.subnet_ids)
  create_opensearch_service_linked_role = var.create_opensearch_service_linked_role
  dashboards_allowed_principal_arns     = var.dashboards_allowed_principal_arns

  # A few customers with the attributes the "calls by company" dashboard charts.
  lookup_table_items = {
    "+81312345678"  = { company_name = "株式会社サンプル商事", tier = "gold" }
    "+14155550123"  = { company_name = "Acme Corporation", tier = "silver" }
    "+442079460958" = { company_name = "Globex Ltd", tier = "bronze" }
  }
  enrichment_rules = [{
    name       = "customer"
    source     = "CustomerEndpoint.Address"
    target     = "Customer"
    normalize  = "phone"
    attributes = { CompanyName = "company_name", Tier = "tier" }
  }]

  create_alarms       = var.alarm_sns_topic_arn != null
  alarm_sns_topic_arn = var.alarm_sns_topic_arn

  # The example is meant to be destroyed again.
  backup_bucket_force_destroy_enabled = true
}
