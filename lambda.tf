data "archive_file" "lambda" {
  type             = "zip"
  output_path      = "${path.root}/builds/${var.name}-lambda.zip"
  output_file_mode = "0644"

  dynamic "source" {
    for_each = toset(local.lambda_source_files)
    content {
      filename = source.value
      content  = file("${local.lambda_source_dir}/${source.value}")
    }
  }
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:Firehose invokes the function synchronously; a dead-letter queue only applies to asynchronous invocations. Failed records go to the S3 backup.
  #checkov:skip=CKV_AWS_117:The function only calls DynamoDB and CloudWatch over their public, IAM-authenticated endpoints; a VPC would add NAT or endpoint cost without reducing exposure.
  #checkov:skip=CKV_AWS_272:Code signing needs an AWS Signer profile the module cannot assume exists; integrity comes from source_code_hash of the package built from this repository.
  function_name    = local.function_name
  description      = "Enriches Amazon Connect contact trace records from DynamoDB in Firehose (${var.name})."
  role             = aws_iam_role.lambda.arn
  handler          = "ctr_enrichment.handler.lambda_handler"
  runtime          = var.lambda_runtime
  architectures    = [var.lambda_architecture]
  memory_size      = var.lambda_memory_size
  timeout          = var.lambda_timeout
  filename         = data.archive_file.lambda.output_path
  source_code_hash = data.archive_file.lambda.output_base64sha256
  kms_key_arn      = var.kms_key_arn

  reserved_concurrent_executions = var.lambda_reserved_concurrent_executions

  environment {
    variables = local.lambda_environment
  }

  tracing_config {
    mode = var.lambda_tracing_enabled ? "Active" : "PassThrough"
  }

  logging_config {
    log_format = "Text"
    log_group  = local.lambda_log_group_name
  }

  tags = var.tags

  depends_on = [
    aws_cloudwatch_log_group.lambda,
    aws_iam_role_policy.lambda,
  ]

  lifecycle {
    precondition {
      condition     = !(var.create_lookup_table && var.lookup_table_name != null)
      error_message = "lookup_table_name names an existing table, but create_lookup_table is true: set create_lookup_table = false to use \"${coalesce(var.lookup_table_name, "-")}\", or remove lookup_table_name."
    }
    precondition {
      condition     = alltrue([for rule in local.enrichment_rules : rule.table != null])
      error_message = "The lookups rule(s) ${join(", ", [for rule in local.enrichment_rules : rule.name if rule.table == null])} name no table and the module has no lookup table: set their table, or create_lookup_table = true, or lookup_table_name."
    }
    precondition {
      condition     = alltrue([for rule in local.enrichment_rules : rule.key != null])
      error_message = "The lookups rule(s) ${join(", ", [for rule in local.enrichment_rules : rule.name if rule.key == null])} read a table other than the module's lookup table: give each its key (the table's partition key attribute name)."
    }
    precondition {
      condition     = alltrue([for table, keys in local.rule_keys_by_table : length(distinct(keys)) == 1])
      error_message = "Rules that read the same table must use the same key (a table has one partition key); check the key of every rule on: ${join(", ", [for table, keys in local.rule_keys_by_table : table if length(distinct(keys)) > 1])}."
    }
    precondition {
      condition     = local.lambda_environment_bytes <= 4096
      error_message = "The function's environment would be ${local.lambda_environment_bytes} bytes, above Lambda's 4 KB limit: use fewer or shorter lookups rules (for example attributes = null instead of long attribute maps)."
    }
    precondition {
      condition     = var.create_lookup_table || length(var.lookup_table_items) == 0
      error_message = "lookup_table_items seeds the table the module creates, but create_lookup_table is false: remove lookup_table_items or set create_lookup_table = true."
    }
  }
}

# The deployed package must contain the entry point that `handler` names. A warning, not an error, so the
# module still plans while the function is being written.
check "lambda_handler_is_packaged" {
  assert {
    condition     = contains(local.lambda_source_files, "ctr_enrichment/handler.py")
    error_message = "lambda_src/ctr_enrichment/handler.py is missing: the function's handler ctr_enrichment.handler.lambda_handler would not import."
  }
}
