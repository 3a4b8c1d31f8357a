output "delivery_stream_name" {
  description = "Firehose stream in the contact-centre account."
  value       = module.ctr_enrichment.delivery_stream_name
}

output "firehose_role_arn" {
  description = "Role Firehose delivers with: map it with ctr-enrichment opensearch-setup --firehose-role-arn when the domain has fine-grained access control."
  value       = module.ctr_enrichment.firehose_role_arn
}

output "firehose_domain_access_policy_json" {
  description = "The statement the analytics domain's access policy needs, as a policy document (JSON)."
  value       = module.ctr_enrichment.opensearch_domain_access_policy_json
}

output "analytics_domain_access_policy" {
  description = "The access policy this configuration writes to the analytics domain (its statements and the Firehose one); null with manage_analytics_domain_policy = false."
  value       = var.manage_analytics_domain_policy ? local.merged_access_policy : null
}
