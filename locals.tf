data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region
  dns_suffix = data.aws_partition.current.dns_suffix

  # Names: `var.name` drives every one of them.
  function_name             = var.name
  lambda_role_name          = coalesce(var.lambda_role_name, "${var.name}-lambda-${local.region}")
  firehose_role_name        = coalesce(var.firehose_role_name, "${var.name}-firehose-${local.region}")
  delivery_stream_name      = var.name
  domain_name               = var.name
  lookup_table_name         = var.create_lookup_table ? "${var.name}-lookup" : var.lookup_table_name
  backup_bucket_name        = var.create_backup_bucket ? "${var.name}-backup-${local.account_id}-${local.region}" : try(split(":::", var.backup_bucket_arn)[1], null)
  lambda_log_group_name     = "/aws/lambda/${local.function_name}"
  firehose_log_group_name   = "/aws/kinesisfirehose/${local.delivery_stream_name}"
  opensearch_log_group_name = "/aws/opensearch/${local.domain_name}"
  firehose_log_streams      = { destination = "DestinationDelivery", backup = "BackupDelivery" }

  # ARNs are built from the names above rather than read from the resources, so that the IAM policies,
  # the access policies and the processor configuration are fully known at plan time: a reviewer sees
  # them in `terraform plan`, and the tests can assert on them offline. Where AWS needs the resource to
  # exist first, the dependency is an explicit `depends_on`. (The one exception: security groups the module
  # creates for VPC delivery get their IDs from AWS, so with them the Firehose policy is known after apply.)
  lambda_function_arn      = "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${local.function_name}"
  firehose_role_arn        = "arn:${local.partition}:iam::${local.account_id}:role/${local.firehose_role_name}"
  lambda_log_group_arn     = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.lambda_log_group_name}"
  firehose_log_group_arn   = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.firehose_log_group_name}"
  opensearch_log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.opensearch_log_group_name}"
  domain_arn               = var.create_opensearch_domain ? "arn:${local.partition}:es:${local.region}:${local.account_id}:domain/${local.domain_name}" : var.opensearch_domain_arn
  backup_bucket_arn        = var.create_backup_bucket ? "arn:${local.partition}:s3:::${local.backup_bucket_name}" : var.backup_bucket_arn
  lookup_table_arn         = local.lookup_table_name == null ? null : "arn:${local.partition}:dynamodb:${local.region}:${local.account_id}:table/${local.lookup_table_name}"

  # With kms_key_arn the delivery stream is encrypted with that key, and since 2026-04-20 a new stream encrypted
  # with a customer managed key requires its PutRecord/PutRecordBatch callers to hold kms:GenerateDataKey and
  # kms:Decrypt on the key (AWS notice "Enhanced security controls for Amazon Data Firehose", quoted in
  # ministryofjustice/modernisation-platform#12957). The caller here is Amazon Connect, through its
  # service-linked role AWSServiceRoleForAmazonConnect_<unique-id> (path aws-service-role/connect.amazonaws.com/;
  # Amazon Connect Administrator Guide, "Use service-linked roles for Amazon Connect"). That role's policy is
  # AWS's, so the grant has to come from the key policy: this is the statement to add (output
  # connect_kms_key_policy_json). "_" ends the prefix so that AWSServiceRoleForAmazonConnectSynchronization_*
  # does not match; the account condition keeps the wildcard principal to this account.
  connect_kms_key_policy = var.kms_key_arn == null ? null : {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AmazonConnectWritesToTheEncryptedDeliveryStream"
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource  = "*"
      Condition = {
        StringEquals = { "aws:PrincipalAccount" = local.account_id }
        ArnLike      = { "aws:PrincipalArn" = "arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_*" }
      }
    }]
  }

  # Switches derived from the inputs.
  vpc_enabled = var.vpc_config != null
  # VPC delivery: the subnets, and the security groups of the Firehose interfaces and of the created domain
  # (the same given groups, or the two the module creates).
  vpc_subnet_ids              = local.vpc_enabled ? var.vpc_config.subnet_ids : []
  create_security_groups      = local.vpc_enabled && try(var.vpc_config.create_security_groups, false)
  firehose_security_group_ids = local.create_security_groups ? aws_security_group.firehose[*].id : try(var.vpc_config.security_group_ids, [])
  domain_security_group_ids   = local.create_security_groups ? aws_security_group.opensearch[*].id : try(var.vpc_config.security_group_ids, [])

  fine_grained_access       = var.opensearch_master_user_arn != null
  opensearch_log_publishing = var.create_opensearch_domain && var.opensearch_log_publishing_enabled
  opensearch_engine         = split("_", var.opensearch_engine_version)[0]
  opensearch_engine_major   = tonumber(split(".", split("_", var.opensearch_engine_version)[1])[0])
  opensearch_engine_minor   = tonumber(split(".", var.opensearch_engine_version)[1])

  # The configuration contract the function checks at cold start (lambda_src/ctr_enrichment/contract.json):
  # the variables' validations read the same patterns and choices, so plan and cold start refuse alike.
  contract = jsondecode(file("${path.module}/lambda_src/ctr_enrichment/contract.json"))

  # ENRICHMENT_RULES: each rule with exactly the keys the function's config parser expects. A rule without
  # a table reads the module's lookup table; a rule on that table without a key uses its hash key.
  enrichment_rules = [for rule in var.lookups : {
    name       = rule.name
    source     = rule.source
    table      = rule.table != null ? rule.table : local.lookup_table_name
    key        = rule.key != null ? rule.key : (rule.table == null || rule.table == local.lookup_table_name ? var.lookup_table_hash_key : null)
    attributes = rule.attributes
    target     = rule.target
    normalize  = rule.normalize
  }]
  # The tables the rules name, as ARNs: exactly what the function may read.
  rule_table_arns = distinct([
    for rule in local.enrichment_rules :
    startswith(rule.table, "arn:") ? rule.table : "arn:${local.partition}:dynamodb:${local.region}:${local.account_id}:table/${rule.table}"
    if rule.table != null
  ])
  rule_keys_by_table = { for rule in local.enrichment_rules : coalesce(rule.table, "-") => rule.key... }

  # Lookup keys. The function looks a record up by the source value as the rule's `normalize` leaves it
  # (lookup_key in lambda_src/ctr_enrichment/enrichment.py, normalize_phone in phone.py), so a table key that
  # this normalisation would change can never be found. For each mode, the keys it leaves unchanged, as an RE2
  # pattern; this is the one place that says so: a new key format (issue 14: national numbers) adds or widens
  # an entry here. tests/test_terraform_aws_rules.py feeds the same keys to this and to the Python code.
  lookup_key_unchanged_by = {
    # Any value with something besides white space (lookup_key skips blank values; Python's whitespace).
    none = "[^\\s\\x{0b}\\x{1c}-\\x{1f}\\x{85}\\pZ]"
    # normalize_phone's canonical form: "+" and ASCII digits, or ASCII digits not starting "00" (it turns a
    # leading "00" into "+"); no separators, no white space, no full-width digits.
    phone = "^(?:\\+[0-9]+|0|0?[1-9][0-9]*)$"
  }
  lookup_key_max_bytes = 2048 # enrichment.MAX_KEY_BYTES: DynamoDB's limit for a partition key
  # The `normalize` modes of the rules that read the module's own table (lookup_table_items is checked
  # against them).
  lookup_table_rule_modes = distinct([
    for rule in local.enrichment_rules : rule.normalize
    if rule.table != null && (rule.table == local.lookup_table_name || endswith(rule.table, ":table/${coalesce(local.lookup_table_name, "-")}"))
  ])

  # The cache is bounded by bytes the function derives from its memory size (AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  # set by Lambda); CACHE_MAX_ENTRIES is rendered only when cache_max_entries sets a second bound.
  lambda_environment = merge({
    ENRICHMENT_RULES  = jsonencode(local.enrichment_rules)
    ON_LOOKUP_ERROR   = var.on_lookup_error
    CACHE_TTL_SECONDS = tostring(var.cache_ttl_seconds)
    METRICS_NAMESPACE = var.metrics_namespace
    LOG_LEVEL         = var.log_level
  }, var.cache_max_entries == null ? {} : { CACHE_MAX_ENTRIES = tostring(var.cache_max_entries) })
  # Lambda allows 4 KB for all environment variables together, measured on the JSON-serialised Variables
  # map: its error prints the string it measured, {"NAME":"value",...} with every quote inside a value
  # escaped as \" (InvalidParameterValueException "...exceeded the 4KB limit. String measured: ...", quoted
  # in github-aws-runners/terraform-aws-github-runner#3594). ENRICHMENT_RULES is itself JSON, so each of its
  # quotes costs two bytes. jsonencode writes the same document (it also escapes < > & as \u003c..., which
  # can only make this count higher than Lambda's); UTF-8 attribute names such as 契約者会社名 count three
  # bytes a character. Byte length from the base64 length.
  lambda_environment_json  = jsonencode(local.lambda_environment)
  lambda_environment_bytes = 3 * length(base64encode(local.lambda_environment_json)) / 4 - length(regexall("=", base64encode(local.lambda_environment_json)))

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

  # The Lambda processor, written once and shared by both destination blocks. Firehose fills in its own
  # defaults (NumberOfRetries 3, BufferSizeInMBs 1, BufferIntervalInSeconds 60) and the AWS provider leaves
  # parameters that equal those defaults out of the state, so a parameter is rendered only when it differs
  # from its default: that keeps every plan after the first one empty. LambdaArn is always rendered, with
  # `:$LATEST` as Firehose expects. `parameters` is a set in the provider schema, so its order carries no
  # meaning; the list below is in the documented order for readers.
  lambda_processor_parameters = [
    { name = "LambdaArn", value = "${local.lambda_function_arn}:$LATEST", render = true },
    { name = "BufferSizeInMBs", value = tostring(var.processor_buffer_size_mb), render = var.processor_buffer_size_mb != 1 },
    { name = "BufferIntervalInSeconds", value = tostring(var.processor_buffer_interval), render = var.processor_buffer_interval != 60 },
    { name = "NumberOfRetries", value = tostring(var.processor_retries), render = var.processor_retries != 3 },
  ]
  processing_configuration = {
    enabled = true
    processors = [{
      type       = "Lambda"
      parameters = [for p in local.lambda_processor_parameters : { name = p.name, value = p.value } if p.render]
    }]
  }
}
