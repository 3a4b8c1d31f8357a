output "delivery_stream_name" {
  description = "Firehose stream that reads the Kinesis data stream."
  value       = module.ctr_enrichment.delivery_stream_name
}

output "firehose_role_arn" {
  description = "Role Firehose reads the stream and delivers with."
  value       = module.ctr_enrichment.firehose_role_arn
}

output "connect_kms_key_policy_json" {
  description = "With kinesis_stream_kms_key_arn: the key policy statement that lets Amazon Connect write to the encrypted stream (add it to the key's policy); null otherwise."
  value       = module.ctr_enrichment.connect_kms_key_policy_json
}

output "connect_instance_storage_config_association_id" {
  description = "Association of the Amazon Connect instance's contact records with the Kinesis stream; null without connect_instance_id."
  value       = module.ctr_enrichment.connect_instance_storage_config_association_id
}

output "opensearch_domain_endpoint" {
  description = "Endpoint host of the private domain, for ctr-enrichment opensearch-setup --endpoint from inside the VPC."
  value       = module.ctr_enrichment.opensearch_domain_endpoint
}

output "lambda_function_name" {
  description = "Enrichment function (its NonCtrRecords metric counts the agent events it saw)."
  value       = module.ctr_enrichment.lambda_function_name
}
