locals {
  # ENRICHMENT_RULES: each rule with the keys the function's config parser expects: the seven it has always
  # had, and key_format, country and endpoint_types only when set, so that rules which do not use them render
  # byte for byte as before (no change to the function on upgrade, no bytes of the 4 KB environment spent on
  # nulls). A rule without a table reads the module's lookup table; a rule on that table, named by name or ARN,
  # without a key uses its hash key. The rule validations in variables.tf render the rules the same way.
  rule_fields_rendered_when_set = ["key_format", "country", "endpoint_types"]
  rule_default_keys             = { for table in compact([local.lookup_table_name, local.lookup_table_arn]) : table => var.lookup_table_hash_key }
  enrichment_rules = [for rule in var.enrichment_rules : merge(
    { for field, value in rule : field => value if value != null || !contains(local.rule_fields_rendered_when_set, field) },
    {
      table = rule.table != null ? rule.table : local.lookup_table_name
      key   = rule.key != null ? rule.key : lookup(local.rule_default_keys, coalesce(rule.table, local.lookup_table_name, "-"), null)
    },
  )]
  # The tables the rules name, as ARNs: exactly what the function may read.
  rule_table_arns = distinct([
    for rule in local.enrichment_rules :
    startswith(rule.table, "arn:") ? rule.table : "${local.dynamodb_table_arn_prefix}${rule.table}"
    if rule.table != null
  ])

  # The function's settings besides its rules (what the handler reads at cold start, lambda_src/ctr_enrichment/
  # config.py). Lambda allows 4 KB for all environment variables together, measured on the JSON-serialised
  # Variables map: its error prints the string it measured, {"NAME":"value",...} with every quote inside a value
  # escaped as \" (InvalidParameterValueException "...exceeded the 4KB limit. String measured: ...", quoted in
  # github-aws-runners/terraform-aws-github-runner#3594). ENRICHMENT_RULES is itself JSON, so each of its quotes
  # costs two bytes. jsonencode writes the same document (it also escapes < > & as \u003c..., which can only make
  # the count higher than Lambda's); UTF-8 attribute names such as 契約者会社名 count three bytes a character.
  # The enrichment_rules validation measures it (byte length from the base64 length).
  # The cache is bounded by bytes the function derives from its memory size (AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  # set by Lambda); CACHE_MAX_ENTRIES is rendered only when cache_max_entries sets a second bound.
  # ON_NON_CTR_RECORD likewise only when it differs from the function's default (deliver_unenriched): every byte of
  # the 4 KB is the rules'.
  lambda_settings_environment = merge({
    ON_LOOKUP_ERROR   = var.on_lookup_error
    CACHE_TTL_SECONDS = tostring(var.cache_ttl_seconds)
    METRICS_NAMESPACE = var.metrics_namespace
    LOG_LEVEL         = var.log_level
    },
    var.cache_max_entries == null ? {} : { CACHE_MAX_ENTRIES = tostring(var.cache_max_entries) },
    var.on_non_ctr_record == "deliver_unenriched" ? {} : { ON_NON_CTR_RECORD = var.on_non_ctr_record },
  )
  lambda_environment = merge(local.lambda_settings_environment, { ENRICHMENT_RULES = jsonencode(local.enrichment_rules) })

  # The deployable package: every Python module under lambda_src/ (the zip root, so `ctr_enrichment` is a
  # top-level package) and its JSON data (contract.json), without tests. Listing the files with fileset()
  # keeps caches (__pycache__, *.pyc) and anything else out, independently of the archive provider's
  # exclude-pattern dialect.
  lambda_source_dir = "${path.module}/lambda_src"
  lambda_source_files = sort([
    for f in fileset(local.lambda_source_dir, "**/*.{py,json}") : f
    if length(regexall("(^|/)(tests?|__pycache__)/|(^|/)(test_[^/]*|[^/]*_test|conftest)\\.py$", f)) == 0
  ])
  # File name in the zip => content. The bytes are whatever the checkout holds: .gitattributes pins the
  # sources to LF, so a Windows (core.autocrlf) checkout packages, and hashes, the same zip as any other.
  lambda_package_sources = { for f in local.lambda_source_files : f => file("${local.lambda_source_dir}/${f}") }
}

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
  memory_size      = var.lambda_memory_size_mb
  timeout          = var.lambda_timeout_seconds
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
}

# The deployed package must contain the entry point that `handler` names. A warning, not an error, so the
# module still plans while the function is being written.
check "lambda_handler_is_packaged" {
  assert {
    condition     = contains(local.lambda_source_files, "ctr_enrichment/handler.py")
    error_message = "lambda_src/ctr_enrichment/handler.py is missing: the function's handler ctr_enrichment.handler.lambda_handler would not import."
  }
}
