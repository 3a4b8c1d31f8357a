output "delivery_stream_arn" {
  description = "ARN of the Firehose delivery stream: select it in Amazon Connect's data streaming settings for contact trace records (Direct PUT; with kinesis_source, Amazon Connect streams to the Kinesis data stream instead)."
  value       = aws_kinesis_firehose_delivery_stream.this.arn
}

output "delivery_stream_name" {
  description = "Name of the Firehose delivery stream."
  value       = aws_kinesis_firehose_delivery_stream.this.name
}

output "lambda_function_arn" {
  description = "ARN of the enrichment function."
  value       = aws_lambda_function.this.arn
}

output "lambda_function_name" {
  description = "Name of the enrichment function; also the FunctionName dimension of its metrics."
  value       = aws_lambda_function.this.function_name
}

output "lambda_role_arn" {
  description = "ARN of the enrichment function's execution role."
  value       = aws_iam_role.lambda.arn
}

output "lambda_role_name" {
  description = "Name of the enrichment function's execution role."
  value       = aws_iam_role.lambda.name
}

output "lambda_log_group_name" {
  description = "CloudWatch log group of the enrichment function (its logs and embedded-format metrics)."
  value       = aws_cloudwatch_log_group.lambda.name
}

output "firehose_role_arn" {
  description = "ARN of the Firehose delivery role: admit it in the access policy of an existing domain, and map it to a write role when fine-grained access control is on."
  value       = aws_iam_role.firehose.arn
}

output "firehose_role_name" {
  description = "Name of the Firehose delivery role."
  value       = aws_iam_role.firehose.name
}

output "firehose_log_group_name" {
  description = "CloudWatch log group of Firehose delivery errors."
  value       = aws_cloudwatch_log_group.firehose.name
}

output "lookup_table_name" {
  description = "Name of the module's lookup table (created, or given as lookup_table_arn); null when there is none."
  value       = try(aws_dynamodb_table.lookup[0].name, local.lookup_table_name)
}

output "lookup_table_arn" {
  description = "ARN of the module's lookup table (created, or given as lookup_table_arn); null when there is none."
  value       = try(aws_dynamodb_table.lookup[0].arn, local.lookup_table_arn)
}

output "opensearch_domain_arn" {
  description = "ARN of the search domain Firehose delivers to (created, or given as opensearch_domain_arn); null with destination = \"opensearchserverless\"."
  value       = try(aws_opensearch_domain.this[0].arn, local.domain_destination ? var.opensearch_domain_arn : null)
}

output "opensearch_domain_endpoint" {
  description = "HTTPS endpoint host of the search domain (created, or given as opensearch_domain_endpoint); null when unknown."
  value       = try(aws_opensearch_domain.this[0].endpoint, var.opensearch_domain_endpoint)
}

output "opensearch_dashboards_endpoint" {
  description = "OpenSearch Dashboards endpoint of the domain or collection the module created (or of the existing collection); null otherwise."
  value       = try(aws_opensearch_domain.this[0].dashboard_endpoint, aws_opensearchserverless_collection.this[0].dashboard_endpoint, data.aws_opensearchserverless_collection.existing[0].dashboard_endpoint, null)
}

output "opensearch_domain_access_policy_json" {
  description = "With an existing domain (create_opensearch_domain = false): an access policy document (JSON) whose statement admits the Firehose role (es:ESHttpGet, es:ESHttpPost, es:ESHttpPut on <domain ARN>/*). Add the statement to the domain's access policy; with opensearch_domain_cross_account_enabled, the account that owns the domain does so. null otherwise."
  value       = local.existing_domain_access_policy == null ? null : jsonencode(local.existing_domain_access_policy)
}

output "opensearch_collection_arn" {
  description = "ARN of the OpenSearch Serverless collection Firehose delivers to (created, or given as opensearch_collection_arn); null with a domain destination."
  value       = local.collection_arn
}

output "opensearch_collection_endpoint" {
  description = "Endpoint (https://<id>.<region>.aoss.amazonaws.com) of the OpenSearch Serverless collection Firehose delivers to; null with a domain destination."
  value       = local.collection_endpoint
}

output "opensearch_collection_data_access_policy_json" {
  description = "With an existing collection (create_opensearch_collection = false): a data access policy (JSON) with the rule that lets the Firehose role write index_name (aoss:CreateIndex, aoss:UpdateIndex, aoss:WriteDocument). Add it to the collection's data access policies. null otherwise."
  value       = local.existing_collection ? jsonencode([merge(local.firehose_collection_access, { Rules = [merge(local.firehose_collection_access.Rules[0], { Resource = ["index/${data.aws_opensearchserverless_collection.existing[0].name}/${var.index_name}"] })] })]) : null
}

output "backup_bucket_arn" {
  description = "ARN of the S3 bucket for failed documents (created, or given as backup_bucket_arn)."
  value       = try(aws_s3_bucket.backup[0].arn, var.backup_bucket_arn)
}

output "backup_bucket_name" {
  description = "Name of the S3 bucket for failed documents (created, or given as backup_bucket_arn)."
  value       = try(aws_s3_bucket.backup[0].bucket, local.backup_bucket_name)
}

output "enrichment_rules" {
  description = "The ENRICHMENT_RULES JSON document the function is configured with."
  value       = local.lambda_environment["ENRICHMENT_RULES"]
}

output "metrics_namespace" {
  description = "CloudWatch namespace of the function's metrics (Records, Found, NotFound, Skipped, LookupErrors, ProcessingFailed, Dropped, NonCtrRecords, Oversize, DynamoDBCalls, CacheHits, Duration), dimension FunctionName."
  value       = var.metrics_namespace
}

output "connect_kms_key_policy_json" {
  description = "The key policy document (JSON) whose statement lets Amazon Connect's service-linked role (AWSServiceRoleForAmazonConnect_*) use the key it writes contact records with. Direct PUT with kms_key_arn: kms:GenerateDataKey and kms:Decrypt, which Firehose requires of the callers of a stream encrypted with a customer managed key, for the key policy of kms_key_arn. With kinesis_source and its kms_key_arn: kms:GenerateDataKey through Kinesis for that stream, which Kinesis requires of producers, for the key policy of the stream's key. See \"Using a customer-managed KMS key\" in the README. null without such a key."
  value       = local.connect_kms_key_policy == null ? null : jsonencode(local.connect_kms_key_policy)
}

output "connect_instance_storage_config_association_id" {
  description = "Association ID of the Amazon Connect instance's contact-trace-record streaming to the delivery stream; null without connect_instance_id."
  value       = try(aws_connect_instance_storage_config.ctr[0].association_id, null)
}

output "firehose_security_group_id" {
  description = "ID of the security group the module created for Firehose's network interfaces (vpc_config.create_security_groups); null otherwise."
  value       = try(aws_security_group.firehose[0].id, null)
}

output "opensearch_security_group_id" {
  description = "ID of the security group the module created for the search domain, or the collection's VPC endpoint (vpc_config.create_security_groups): add ingress rules on 443 to it for more clients; null otherwise."
  value       = try(aws_security_group.opensearch[0].id, null)
}

output "opensearch_service_linked_role_arn" {
  description = "ARN of the OpenSearch service-linked role, when the module created it (create_opensearch_service_linked_role); null otherwise."
  value       = try(aws_iam_service_linked_role.opensearch[0].arn, null)
}

output "cloudwatch_metric_alarm_arns" {
  description = "ARNs of the CloudWatch alarms by key (lambda-errors, lambda-throttles, lambda-duration, processing-failed, lookup-errors, delivery-success, and data-freshness with destination = \"opensearch\" or \"opensearchserverless\"); empty without create_alarms."
  value       = { for key, alarm in aws_cloudwatch_metric_alarm.this : key => alarm.arn }
}
