# The deployment package, built twice from the same inputs (the Python sources, as file contents in the
# configuration) by the same archiver, so byte for byte the same zip:
# - at plan time by the data source, only to learn its hash: `source_code_hash` is then known in the plan,
#   and a plan shows exactly when the code changes;
# - at apply time by the resource, into the file the function uploads. A plan saved with `plan -out` and
#   applied in a fresh checkout (Terraform Cloud, Atlantis, any CI that plans and applies in separate jobs)
#   would otherwise point at a zip that only existed in the planning job
#   (hashicorp/terraform-provider-archive#39).
# The resource's postcondition stops the apply, before the function is touched, if the package built now is
# not the one the plan hashed.
data "archive_file" "lambda_plan" {
  type             = "zip"
  output_path      = "${path.root}/builds/${var.name}-lambda.plan.zip"
  output_file_mode = "0644"

  dynamic "source" {
    for_each = local.lambda_package_sources
    content {
      filename = source.key
      content  = source.value
    }
  }
}

# The hash the plan deploys, as a resource: whenever it changes, even with the same sources (for example a
# hashicorp/archive upgrade that compresses differently), the package below is built again during the apply
# that deploys it, also in a checkout that never had builds/.
resource "terraform_data" "lambda_package_hash" {
  input = data.archive_file.lambda_plan.output_base64sha256
}

resource "archive_file" "lambda" {
  type             = "zip"
  output_path      = "${path.root}/builds/${var.name}-lambda.zip"
  output_file_mode = "0644"

  dynamic "source" {
    for_each = local.lambda_package_sources
    content {
      filename = source.key
      content  = source.value
    }
  }

  lifecycle {
    replace_triggered_by = [terraform_data.lambda_package_hash]

    postcondition {
      condition     = self.output_base64sha256 == data.archive_file.lambda_plan.output_base64sha256
      error_message = "The package built during apply (${self.output_base64sha256}) is not the one the plan hashed (${data.archive_file.lambda_plan.output_base64sha256}): apply the plan with the same lambda_src/ and the same hashicorp/archive version it was made with."
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
  filename         = archive_file.lambda.output_path
  source_code_hash = data.archive_file.lambda_plan.output_base64sha256
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
