output "delivery_stream_name" {
  description = "Firehose stream that receives the contact records."
  value       = module.ctr_enrichment.delivery_stream_name
}

output "connect_instance_storage_config_association_id" {
  description = "Association of the Amazon Connect instance's contact records with the stream."
  value       = module.ctr_enrichment.connect_instance_storage_config_association_id
}

output "opensearch_domain_endpoint" {
  description = "Private endpoint of the domain (reachable from the VPC and dashboards_allowed_cidr_blocks)."
  value       = module.ctr_enrichment.opensearch_domain_endpoint
}

output "opensearch_dashboards_url" {
  description = "OpenSearch Dashboards, from inside the VPC or dashboards_allowed_cidr_blocks."
  value       = "https://${module.ctr_enrichment.opensearch_dashboards_endpoint}"
}

output "firehose_security_group_id" {
  description = "Security group of Firehose's network interfaces."
  value       = module.ctr_enrichment.firehose_security_group_id
}

output "opensearch_security_group_id" {
  description = "Security group of the domain: add 443 ingress rules for more clients."
  value       = module.ctr_enrichment.opensearch_security_group_id
}

output "cloudwatch_metric_alarm_arns" {
  description = "The pipeline's alarms, by key; empty without alarm_sns_topic_arn."
  value       = module.ctr_enrichment.cloudwatch_metric_alarm_arns
}

output "apply_dashboards_command" {
  description = "Run from a host in dashboards_allowed_cidr_blocks (pip install the module's Python package there, or use a checkout after make setup), with credentials of a dashboards_allowed_principal_arns principal: installs the ingest pipeline (one document per contact), the index template and the \"calls by company\" dashboard. Add --time-zone and --retention-days as the README's Operations section describes."
  value       = "ctr-enrichment opensearch-setup --endpoint ${module.ctr_enrichment.opensearch_domain_endpoint} --region ${var.region}"
}
