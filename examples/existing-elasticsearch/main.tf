provider "aws" {
  region = var.region
}

# The original setup, rebuilt with the module: Amazon Connect → Firehose → the enrichment function →
# a legacy Elasticsearch domain, with customers looked up in a DynamoDB table that already exists.
module "ctr_enrichment" {
  source = "../../"

  name = var.name
  tags = var.tags

  # Bring your own lookup table: its partition key holds the caller's number in canonical form (+ and
  # digits), as the phone rule normalises it.
  create_lookup_table   = false
  lookup_table_arn      = var.lookup_table_arn
  lookup_table_hash_key = var.lookup_table_hash_key

  enrichment_rules = [{
    name       = "customer"
    source     = "CustomerEndpoint.Address"
    target     = "Customer"
    normalize  = "phone"
    attributes = var.customer_attributes
  }]

  # Bring your own Elasticsearch domain, through Firehose's Elasticsearch destination. Its access policy
  # must admit the firehose_role_arn output (see README).
  destination                = "elasticsearch"
  create_opensearch_domain   = false
  opensearch_domain_arn      = var.elasticsearch_domain_arn
  opensearch_domain_endpoint = var.elasticsearch_domain_endpoint
  elasticsearch_type_name    = var.elasticsearch_type_name
  index_name                 = var.index_name

  # Amazon Connect streams its contact records into the stream (optional: null leaves Connect as it is).
  connect_instance_id = var.connect_instance_id

  # Alarms when a topic is given.
  create_alarms       = var.alarm_sns_topic_arn != null
  alarm_sns_topic_arn = var.alarm_sns_topic_arn
}
