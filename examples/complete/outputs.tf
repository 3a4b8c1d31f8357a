output "delivery_stream_name" {
  description = "Firehose stream to select in Amazon Connect (Data streaming > Contact Trace Records), and to send test records to."
  value       = module.ctr_enrichment.delivery_stream_name
}

output "delivery_stream_arn" {
  description = "ARN of the Firehose delivery stream."
  value       = module.ctr_enrichment.delivery_stream_arn
}

output "opensearch_dashboards_url" {
  description = "OpenSearch Dashboards, reachable from dashboards_allowed_cidr_blocks."
  value       = "https://${module.ctr_enrichment.opensearch_dashboards_endpoint}"
}

output "lookup_table_name" {
  description = "DynamoDB table with the seeded customers."
  value       = module.ctr_enrichment.lookup_table_name
}

output "backup_bucket_name" {
  description = "S3 bucket that receives documents Firehose could not deliver."
  value       = module.ctr_enrichment.backup_bucket_name
}

output "lambda_function_name" {
  description = "Enrichment function (logs in /aws/lambda/<name>, metrics in the CtrEnrichment namespace)."
  value       = module.ctr_enrichment.lambda_function_name
}

output "opensearch_domain_endpoint" {
  description = "Endpoint host of the domain, for ctr-enrichment opensearch-setup --endpoint."
  value       = module.ctr_enrichment.opensearch_domain_endpoint
}
