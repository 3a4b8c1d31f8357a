output "delivery_stream_name" {
  description = "Firehose stream that receives the contact records."
  value       = module.ctr_enrichment.delivery_stream_name
}

output "firehose_role_arn" {
  description = "Role Firehose delivers with: admit it in the Elasticsearch domain's access policy (es:ESHttpGet, es:ESHttpPost, es:ESHttpPut on <domain ARN>/*)."
  value       = module.ctr_enrichment.firehose_role_arn
}

output "connect_instance_storage_config_association_id" {
  description = "Association of the Amazon Connect instance's contact records with the stream; null without connect_instance_id."
  value       = module.ctr_enrichment.connect_instance_storage_config_association_id
}

output "lambda_function_name" {
  description = "Enrichment function (logs in /aws/lambda/<name>)."
  value       = module.ctr_enrichment.lambda_function_name
}

output "backup_bucket_name" {
  description = "S3 bucket that receives documents Firehose could not deliver."
  value       = module.ctr_enrichment.backup_bucket_name
}

output "cloudwatch_metric_alarm_arns" {
  description = "The pipeline's alarms, by key; empty without alarm_sns_topic_arn."
  value       = module.ctr_enrichment.cloudwatch_metric_alarm_arns
}
