output "delivery_stream_name" {
  description = "Firehose stream that receives the contact records."
  value       = module.ctr_enrichment.delivery_stream_name
}

output "opensearch_collection_arn" {
  description = "ARN of the collection."
  value       = module.ctr_enrichment.opensearch_collection_arn
}

output "opensearch_collection_endpoint" {
  description = "Collection endpoint: create the index here before the first record arrives (see README)."
  value       = module.ctr_enrichment.opensearch_collection_endpoint
}

output "opensearch_dashboards_url" {
  description = "OpenSearch Dashboards of the collection, for dashboards_allowed_principal_arns."
  value       = module.ctr_enrichment.opensearch_dashboards_endpoint
}

output "firehose_role_arn" {
  description = "Role Firehose delivers with (named in the collection's data access policy)."
  value       = module.ctr_enrichment.firehose_role_arn
}

output "backup_bucket_name" {
  description = "S3 bucket that receives documents the collection refused."
  value       = module.ctr_enrichment.backup_bucket_name
}
