provider "aws" {
  region = var.region
}

# Amazon Connect already streams its contact trace records, and its agent events, into a Kinesis data stream
# that other consumers read. The delivery stream reads the same stream, enriches the contact records and delivers
# them to a private OpenSearch domain; agent events are handled as on_non_ctr_record says.
module "ctr_enrichment" {
  source = "../../"

  name = var.name
  tags = var.tags

  # The source: the existing stream, and the customer managed key it is encrypted with (null for an unencrypted
  # stream or the AWS managed key aws/kinesis). Firehose reads from the stream's LATEST position.
  kinesis_source = {
    stream_arn  = var.kinesis_stream_arn
    kms_key_arn = var.kinesis_stream_kms_key_arn
  }

  # With an instance ID the module points the instance's contact-record streaming at the Kinesis stream
  # (storage type KINESIS_STREAM). Leave it null when the instance already streams there.
  connect_instance_id = var.connect_instance_id

  # Records on the stream that are not contact trace records (agent events share it here).
  on_non_ctr_record = var.on_non_ctr_record

  enrichment_rules = [{
    name       = "customer"
    source     = "CustomerEndpoint.Address"
    target     = "Customer"
    normalize  = "phone"
    attributes = { CompanyName = "company_name" }
  }]

  # A private domain in your subnets, one per Availability Zone, with the security groups the module creates.
  vpc_config = {
    subnet_ids             = var.subnet_ids
    create_security_groups = true
  }
  opensearch_availability_zone_count = length(var.subnet_ids)
  opensearch_instance_count          = length(var.subnet_ids)
  dashboards_allowed_cidr_blocks     = var.dashboards_allowed_cidr_blocks

  # The example is meant to be destroyed again.
  backup_bucket_force_destroy_enabled = true
  backup_expiration_days              = 7
}
