################################################################################
# General
################################################################################

variable "name" {
  description = "Name prefix for every resource the module creates. 3-28 characters of a-z, 0-9 and '-', starting with a letter and not ending with '-' (the OpenSearch domain takes this name, and domain names are at most 28 characters)."
  type        = string
  default     = "ctr-enrichment"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,26}[a-z0-9]$", var.name))
    error_message = "name must be 3-28 characters of a-z, 0-9 and '-', start with a letter and not end with '-' (for example \"ctr-enrichment\")."
  }
  # Prefixes AWS refuses in names made from this one: security groups "<name>-firehose"/"<name>-opensearch"
  # may not start with "sg-" (provider aws_security_group.name: StringDoesNotMatch(^sg-); botocore ec2
  # CreateSecurityGroupRequest.GroupName: "Can't start with sg-"), and the backup bucket
  # "<name>-backup-<account>-<region>" may not start with "xn--", "sthree-" or "amzn-s3-demo-" (S3 User Guide,
  # "General purpose bucket naming rules").
  validation {
    condition     = length(regexall("^(sg-|xn--|sthree-|amzn-s3-demo-)", var.name)) == 0
    error_message = "name \"${var.name}\" starts with a prefix AWS reserves: security group names may not start with \"sg-\", and S3 bucket names not with \"xn--\", \"sthree-\" or \"amzn-s3-demo-\". Choose another name."
  }
}

variable "tags" {
  description = "Tags added to every taggable resource the module creates."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256])
    error_message = "tags keys must be 1-128 characters and values at most 256 characters."
  }
  # Every taggable resource gets the same tags, so they must satisfy the strictest service: IAM (botocore iam
  # tagKeyType/tagValueType), Lambda (TagKey/TagValue) and CloudWatch Logs (TagKey/TagValue) allow only
  # letters, spaces, digits and _ . : / = + - @ (Firehose also %); Firehose keys may not start with "aws:"
  # (firehose TagKey "^(?!aws:)..."); IAM roles, log groups and Firehose streams hold at most 50 tags
  # (iam tagListType, logs Tags, firehose TagKeyList). The security groups also get a Name tag.
  validation {
    condition = alltrue([
      for k, v in var.tags : can(regex("^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+$", k)) && can(regex("^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$", v)) && !startswith(k, "aws:")
    ])
    error_message = "tags may use only letters, digits, spaces and _ . : / = + - @ in keys and values (what IAM, Lambda and CloudWatch Logs accept), and keys may not start with \"aws:\": check ${join(", ", [for k, v in var.tags : jsonencode(k) if !(can(regex("^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+$", k)) && can(regex("^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$", v)) && !startswith(k, "aws:"))])}."
  }
  validation {
    condition     = length(var.tags) <= 50 && (!try(var.vpc_config.create_security_groups, false) || length(merge(var.tags, { Name = "" })) <= 50)
    error_message = "tags holds ${length(var.tags)} tags; AWS allows at most 50 per resource (49 besides Name with vpc_config.create_security_groups, which tags its security groups with Name)."
  }
}

variable "kms_key_arn" {
  description = "ARN of a customer managed KMS key that encrypts everything the module creates (lookup table, log groups, function environment, delivery stream, backup bucket, search domain). null uses AWS owned or AWS managed keys. The key policy must let CloudWatch Logs, Firehose and the two roles use it."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (not an alias), or null."
  }
}

# IAM role names are global to the account, so the defaults carry the Region: the same `name` in two Regions
# no longer collides. Set a name to keep an existing role's name (or follow your naming rules).
variable "lambda_role_name" {
  description = "Name of the enrichment function's IAM execution role. null: \"<name>-lambda-<region>\" (IAM role names are account-wide; the Region keeps two deployments of the same name apart)."
  type        = string
  default     = null

  validation {
    # botocore iam roleNameType: 1-64 characters of [\w+=,.@-].
    condition     = var.lambda_role_name == null ? true : can(regex("^[\\w+=,.@-]{1,64}$", var.lambda_role_name))
    error_message = "lambda_role_name must be 1-64 characters of letters, digits and + = , . @ _ - (IAM role names), or null."
  }
}

variable "firehose_role_name" {
  description = "Name of the Firehose delivery stream's IAM role. null: \"<name>-firehose-<region>\" (IAM role names are account-wide; the Region keeps two deployments of the same name apart)."
  type        = string
  default     = null

  validation {
    # botocore iam roleNameType: 1-64 characters of [\w+=,.@-].
    condition     = var.firehose_role_name == null ? true : can(regex("^[\\w+=,.@-]{1,64}$", var.firehose_role_name))
    error_message = "firehose_role_name must be 1-64 characters of letters, digits and + = , . @ _ - (IAM role names), or null."
  }
  validation {
    # IAM role names are unique per account, case-insensitively (IAM User Guide, "IAM identifiers").
    condition     = lower(coalesce(var.firehose_role_name, "${var.name}-firehose-${local.region}")) != lower(coalesce(var.lambda_role_name, "${var.name}-lambda-${local.region}"))
    error_message = "firehose_role_name and lambda_role_name would both name the role \"${coalesce(var.firehose_role_name, "-")}\": IAM role names are unique per account (case-insensitively). Give the two roles different names."
  }
}

variable "iam_role_permissions_boundary_arn" {
  description = "ARN of a managed policy set as the permissions boundary of both IAM roles the module creates, or null for none."
  type        = string
  default     = null

  validation {
    condition     = var.iam_role_permissions_boundary_arn == null ? true : can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.iam_role_permissions_boundary_arn))
    error_message = "iam_role_permissions_boundary_arn must be an IAM policy ARN such as arn:aws:iam::123456789012:policy/boundary, or null."
  }
}

variable "log_retention_days" {
  description = "Retention of the CloudWatch log groups the module creates (function, delivery errors, search domain). 0 keeps logs forever."
  type        = number
  default     = 365

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts: 0 (never expire), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

################################################################################
# Enrichment function
################################################################################

variable "lambda_runtime" {
  description = "Python runtime of the enrichment function."
  type        = string
  default     = "python3.13"

  validation {
    condition     = contains(["python3.11", "python3.12", "python3.13", "python3.14"], var.lambda_runtime)
    error_message = "lambda_runtime must be python3.11, python3.12, python3.13 or python3.14 (the function needs Python 3.11 or later)."
  }
}

variable "lambda_architecture" {
  description = "Instruction set of the enrichment function: arm64 (Graviton, cheaper) or x86_64."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be \"arm64\" or \"x86_64\"."
  }
}

variable "lambda_memory_size_mb" {
  description = "Memory of the enrichment function in MB (CPU scales with it)."
  type        = number
  default     = 256

  validation {
    condition     = floor(var.lambda_memory_size_mb) == var.lambda_memory_size_mb && var.lambda_memory_size_mb >= 128 && var.lambda_memory_size_mb <= 10240
    error_message = "lambda_memory_size_mb must be a whole number of MB from 128 to 10240."
  }
}

variable "lambda_timeout_seconds" {
  description = "Timeout of the enrichment function in seconds. Firehose waits at most 300 seconds for a transformation."
  type        = number
  default     = 60

  validation {
    condition     = floor(var.lambda_timeout_seconds) == var.lambda_timeout_seconds && var.lambda_timeout_seconds >= 1 && var.lambda_timeout_seconds <= 300
    error_message = "lambda_timeout_seconds must be a whole number of seconds from 1 to 300 (the Firehose maximum for a transformation)."
  }
}

variable "lambda_reserved_concurrent_executions" {
  description = "Concurrency reserved for the enrichment function, or null to use the account's unreserved pool."
  type        = number
  default     = null

  validation {
    condition     = var.lambda_reserved_concurrent_executions == null ? true : floor(var.lambda_reserved_concurrent_executions) == var.lambda_reserved_concurrent_executions && var.lambda_reserved_concurrent_executions >= 1
    error_message = "lambda_reserved_concurrent_executions must be a whole number of at least 1 (0 would stop the function), or null."
  }
}

variable "lambda_tracing_enabled" {
  description = "Controls whether the enrichment function sends traces to AWS X-Ray (tracing mode Active instead of PassThrough)."
  type        = bool
  default     = false
}

variable "enrichment_rules" {
  description = "The enrichment rules, rendered with jsonencode into the function's ENRICHMENT_RULES. Each rule reads `source` (a dotted CTR path), looks it up by the partition key `key` in `table` (a table name or ARN) and writes the item under `target` (a dotted path). `table` defaults to the module's lookup table and `key` to `lookup_table_hash_key` on that table. `attributes` maps output names to table attributes (null: every attribute but the key). `normalize` is \"phone\" (canonicalise phone numbers before the lookup), \"email\" (trim and lower-case an address) or \"none\". A phone rule's `key_format` says how its table writes numbers: \"e164\" (the default, +81312345678) or \"national\" (0312345678, as dialled inside `country`, an ISO 3166 alpha-2 region such as \"JP\"; callers from other countries are looked up as E.164). `endpoint_types` (such as [\"TELEPHONE_NUMBER\"] or [\"EMAIL_ADDRESS\"]) looks up only records whose endpoint Type, the field beside `source`, is one of them; two rules on one source with no type in common may share a target (one rule per channel)."
  type = list(object({
    name           = string
    source         = string
    target         = string
    table          = optional(string)
    key            = optional(string)
    attributes     = optional(map(string))
    normalize      = optional(string, "none")
    key_format     = optional(string)
    country        = optional(string)
    endpoint_types = optional(list(string))
  }))
  default = [{
    name      = "customer"
    source    = "CustomerEndpoint.Address"
    target    = "Customer"
    normalize = "phone"
  }]

  validation {
    condition     = length(var.enrichment_rules) >= 1
    error_message = "enrichment_rules must hold at least one rule."
  }
  validation {
    condition     = alltrue([for r in var.enrichment_rules : can(regex("^(?:${local.contract.rule_name_pattern})$", r.name))])
    error_message = "Every enrichment_rules[*].name must be 1-64 characters of letters, digits, '_' and '-', not starting with '-'."
  }
  validation {
    condition     = length(distinct([for r in var.enrichment_rules : r.name])) == length(var.enrichment_rules)
    error_message = "enrichment_rules[*].name must be unique: give each rule its own name."
  }
  validation {
    condition = alltrue(flatten([for r in var.enrichment_rules : [
      for path in [r.source, r.target] :
      can(regex("^[^.\\s\\x{0b}\\x{1c}-\\x{1f}\\x{85}\\pZ](?:[^.]*[^.\\s\\x{0b}\\x{1c}-\\x{1f}\\x{85}\\pZ])?(?:\\.[^.\\s\\x{0b}\\x{1c}-\\x{1f}\\x{85}\\pZ](?:[^.]*[^.\\s\\x{0b}\\x{1c}-\\x{1f}\\x{85}\\pZ])?)*$", path))
    ]]))
    error_message = "Every enrichment_rules[*].source and enrichment_rules[*].target must be a dotted path such as \"CustomerEndpoint.Address\": non-empty segments separated by '.', with no spaces around a segment."
  }
  validation {
    condition     = alltrue([for r in var.enrichment_rules : split(".", r.target)[0] != "EnrichmentStatus"])
    error_message = "No enrichment_rules[*].target may write into \"EnrichmentStatus\": the function owns that field. Choose another target."
  }
  validation {
    condition = alltrue(flatten([for r in var.enrichment_rules : [
      for o in var.enrichment_rules : slice(split(".", r.target), 0, min(length(split(".", r.target)), length(split(".", o.source)))) != slice(split(".", o.source), 0, min(length(split(".", r.target)), length(split(".", o.source))))
    ]]))
    error_message = "An enrichment_rules[*].target overlaps an enrichment_rules[*].source (one equals or contains the other): the caller's original data must be kept, so write each rule's result somewhere else."
  }
  validation {
    # Rules may share a target only as one rule per channel (config.share_a_target): the same source and
    # target, and endpoint_types with no type in common, so at most one of them writes into any record.
    condition = alltrue(flatten([for i, r in var.enrichment_rules : [
      for j, o in var.enrichment_rules : i == j || slice(split(".", r.target), 0, min(length(split(".", r.target)), length(split(".", o.target)))) != slice(split(".", o.target), 0, min(length(split(".", r.target)), length(split(".", o.target)))) || (
        r.target == o.target && r.source == o.source && r.endpoint_types != null && o.endpoint_types != null && length(setintersection(coalesce(r.endpoint_types, []), coalesce(o.endpoint_types, []))) == 0
      )
    ]]))
    error_message = "Two enrichment_rules[*].target paths overlap (one equals or contains the other): give each rule its own target. Two rules may share a target only with the same source and endpoint_types that have no type in common (one rule per channel)."
  }
  validation {
    condition     = alltrue([for r in var.enrichment_rules : r.table == null ? true : can(regex("^(?:${local.contract.table_pattern})$", r.table))])
    error_message = "Every enrichment_rules[*].table must be a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -) or a table ARN, or be left out for the module's lookup table."
  }
  validation {
    condition     = alltrue([for r in var.enrichment_rules : r.key == null ? true : length(r.key) >= 1 && length(base64encode(r.key)) <= 340])
    error_message = "Every enrichment_rules[*].key must be the table's partition key attribute name (1-255 bytes), or be left out to use lookup_table_hash_key."
  }
  validation {
    condition     = alltrue([for r in var.enrichment_rules : r.attributes == null ? true : length(r.attributes) >= 1 && alltrue([for k, v in r.attributes : length(k) >= 1 && length(v) >= 1])])
    error_message = "Every enrichment_rules[*].attributes must be null (every attribute but the key) or a non-empty map of non-empty output names to non-empty table attribute names."
  }
  validation {
    condition     = alltrue([for r in var.enrichment_rules : contains(local.contract.normalize_modes, r.normalize)])
    error_message = "Every enrichment_rules[*].normalize must be \"phone\", \"email\" or \"none\"."
  }
  validation {
    condition     = alltrue([for r in var.enrichment_rules : r.key_format == null || contains(local.contract.key_formats, coalesce(r.key_format, "-"))])
    error_message = "Every enrichment_rules[*].key_format must be \"e164\" (the default: +81312345678, as Amazon Connect sends callers) or \"national\" (0312345678, with `country`)."
  }
  validation {
    condition     = alltrue([for r in var.enrichment_rules : r.normalize == "phone" || (r.key_format == null && r.country == null)])
    error_message = "enrichment_rules rule(s) ${join(", ", [for r in var.enrichment_rules : r.name if !(r.normalize == "phone" || (r.key_format == null && r.country == null))])} set key_format or country, which apply to phone numbers only: set normalize = \"phone\", or remove them."
  }
  validation {
    condition     = alltrue([for r in var.enrichment_rules : r.country == null || contains(keys(local.numbering.countries), coalesce(r.country, "-"))])
    error_message = "Every enrichment_rules[*].country must be an ISO 3166 alpha-2 region in upper case whose national numbers the function can write, such as \"JP\", \"GB\", \"DE\" or \"US\" (the countries of lambda_src/ctr_enrichment/numbering.json), or be left out."
  }
  validation {
    condition     = alltrue([for r in var.enrichment_rules : r.key_format != "national" || r.country != null])
    error_message = "enrichment_rules rule(s) ${join(", ", [for r in var.enrichment_rules : r.name if !(r.key_format != "national" || r.country != null)])} have key_format = \"national\" without country: name the region whose national numbers the table holds, such as country = \"JP\"."
  }
  validation {
    condition = alltrue([for r in var.enrichment_rules : r.endpoint_types == null || (
      length(coalesce(r.endpoint_types, [])) >= 1 && length(distinct(coalesce(r.endpoint_types, []))) == length(coalesce(r.endpoint_types, [])) &&
      alltrue([for t in coalesce(r.endpoint_types, []) : t != null && contains(local.contract.endpoint_types, coalesce(t, "-"))])
    )])
    error_message = "Every enrichment_rules[*].endpoint_types must be a non-empty list of distinct Amazon Connect endpoint types (${join(", ", local.contract.endpoint_types)}), or be left out for every type."
  }

  # The checks below see each rule as the function will get it: `table` and `key` filled in from the module's
  # lookup table as local.enrichment_rules (lambda.tf) fills them in. A validation may not read a local derived
  # from its own variable (Terraform reports a cycle), so the two defaults are written out again here, from
  # local.rule_default_keys; tests/validation.tftest.hcl and tests/aws_rules.tftest.hcl plan both sides of each.
  validation {
    condition     = var.create_lookup_table || var.lookup_table_arn != null || alltrue([for r in var.enrichment_rules : r.table != null])
    error_message = "enrichment_rules rule(s) ${join(", ", [for r in var.enrichment_rules : r.name if r.table == null])} name no table, and the module has no lookup table (create_lookup_table = false, lookup_table_arn = null): give each of them its table, or set create_lookup_table = true or lookup_table_arn."
  }
  validation {
    condition     = alltrue([for r in var.enrichment_rules : r.key != null || r.table == null || contains(keys(local.rule_default_keys), coalesce(r.table, "-"))])
    error_message = "enrichment_rules rule(s) ${join(", ", [for r in var.enrichment_rules : r.name if !(r.key != null || r.table == null || contains(keys(local.rule_default_keys), coalesce(r.table, "-")))])} read a table other than the module's lookup table: give each of them its key (that table's partition key attribute name)."
  }
  validation {
    # A table has one partition key. Tables are compared by ARN, since a rule may name one by name or by ARN.
    condition = alltrue([
      for table, table_keys in {
        for r in var.enrichment_rules :
        (r.table == null ? coalesce(local.lookup_table_arn, "-") : startswith(r.table, "arn:") ? r.table : "${local.dynamodb_table_arn_prefix}${r.table}")
        => r.key != null ? r.key : lookup(local.rule_default_keys, coalesce(r.table, local.lookup_table_name, "-"), null)...
      } : length(distinct(compact(table_keys))) <= 1
    ])
    error_message = "enrichment_rules: rules that read the same table must use the same key (a table has one partition key; a rule on the module's table without a key uses lookup_table_hash_key = \"${var.lookup_table_hash_key}\"). Check the key of every rule on: ${join(", ", [
      for table, table_keys in {
        for r in var.enrichment_rules :
        (r.table == null ? coalesce(local.lookup_table_arn, "-") : startswith(r.table, "arn:") ? r.table : "${local.dynamodb_table_arn_prefix}${r.table}")
        => r.key != null ? r.key : lookup(local.rule_default_keys, coalesce(r.table, local.lookup_table_name, "-"), null)...
      } : table if length(distinct(compact(table_keys))) > 1
    ])}."
  }
  validation {
    # Lambda allows 4 KB for all environment variables together, measured on the JSON of the whole map as
    # lambda.tf explains (local.lambda_settings_environment), here with these rules rendered into
    # ENRICHMENT_RULES.
    condition = alltrue([
      for environment in [jsonencode(merge(local.lambda_settings_environment, {
        ENRICHMENT_RULES = jsonencode([for r in var.enrichment_rules : merge({ for f, v in r : f => v if v != null || !contains(local.rule_fields_rendered_when_set, f) }, {
          table = r.table != null ? r.table : local.lookup_table_name
          key   = r.key != null ? r.key : lookup(local.rule_default_keys, coalesce(r.table, local.lookup_table_name, "-"), null)
        })])
      }))] : 3 * length(base64encode(environment)) / 4 - length(regexall("=", base64encode(environment))) <= 4096
    ])
    error_message = "enrichment_rules: the function's environment (ENRICHMENT_RULES and the settings, as the JSON Lambda measures) would be ${join("", [
      for environment in [jsonencode(merge(local.lambda_settings_environment, {
        ENRICHMENT_RULES = jsonencode([for r in var.enrichment_rules : merge({ for f, v in r : f => v if v != null || !contains(local.rule_fields_rendered_when_set, f) }, {
          table = r.table != null ? r.table : local.lookup_table_name
          key   = r.key != null ? r.key : lookup(local.rule_default_keys, coalesce(r.table, local.lookup_table_name, "-"), null)
        })])
      }))] : tostring(3 * length(base64encode(environment)) / 4 - length(regexall("=", base64encode(environment))))
    ])} bytes, above Lambda's 4 KB limit: use fewer or shorter rules (for example attributes = null instead of long attribute maps)."
  }
}

variable "on_lookup_error" {
  description = "What the function does with a record whose lookup failed (throttling, timeouts): deliver_unenriched, processing_failed (Firehose backs it up to S3) or retry_batch (fail the invocation so Firehose retries the batch)."
  type        = string
  default     = "deliver_unenriched"

  validation {
    condition     = contains(local.contract.on_lookup_error_policies, var.on_lookup_error)
    error_message = "on_lookup_error must be \"deliver_unenriched\", \"processing_failed\" or \"retry_batch\"."
  }
}

variable "on_non_ctr_record" {
  description = "What the function does with a record that is a JSON object but not a contact trace record (no `ContactId` string at its top level), such as the agent events a Kinesis data stream shared with Amazon Connect's agent event stream carries: deliver_unenriched (delivered exactly as it came; the index side leaves documents without ContactId untouched), drop (answered Dropped: Firehose discards it) or processing_failed (Firehose backs it up to S3). Such records are counted in the NonCtrRecords metric."
  type        = string
  default     = "deliver_unenriched"

  validation {
    condition     = contains(local.contract.on_non_ctr_record_policies, var.on_non_ctr_record)
    error_message = "on_non_ctr_record must be \"deliver_unenriched\", \"drop\" or \"processing_failed\"."
  }
}

variable "cache_ttl_seconds" {
  description = "How long the function caches a lookup result (found or not found), in seconds. 0 disables the cache."
  type        = number
  default     = 300

  validation {
    condition     = var.cache_ttl_seconds >= 0
    error_message = "cache_ttl_seconds must be a number of seconds >= 0."
  }
}

variable "cache_max_entries" {
  description = "A second bound on the function's cache, in lookup results; 0 disables the cache. null (the default): the cache is bounded only by the bytes the function sets aside for it from lambda_memory_size_mb, which keeps it within memory whatever the items weigh."
  type        = number
  default     = null

  validation {
    condition     = var.cache_max_entries == null ? true : floor(var.cache_max_entries) == var.cache_max_entries && var.cache_max_entries >= 0
    error_message = "cache_max_entries must be a whole number >= 0, or null to bound the cache by memory alone."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the function's embedded-metric-format metrics (dimension FunctionName)."
  type        = string
  default     = "CtrEnrichment"

  validation {
    # botocore cloudwatch Namespace: 1-255 characters, pattern "[^:].*" (no leading colon); the characters are
    # the contract's (lambda_src/ctr_enrichment/contract.json), which the function checks at cold start too.
    condition     = can(regex("^(?:${local.contract.metrics_namespace_pattern})$", var.metrics_namespace)) && trimspace(var.metrics_namespace) != "" && !startswith(var.metrics_namespace, local.contract.metrics_namespace_reserved_prefix)
    error_message = "metrics_namespace must be 1-255 characters of 0-9 A-Z a-z . - _ / # : and space, not blank, not starting with \":\" (CloudWatch's Namespace pattern) and not starting with \"AWS/\"."
  }
}

variable "log_level" {
  description = "Log level of the enrichment function."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(local.contract.log_levels, var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARNING, ERROR or CRITICAL."
  }
}

################################################################################
# Lookup table
################################################################################

variable "create_lookup_table" {
  description = "Controls whether the module creates the DynamoDB lookup table (on-demand, point-in-time recovery, encrypted). Set to false and give lookup_table_arn to use an existing table."
  type        = bool
  default     = true
}

variable "lookup_table_arn" {
  description = "ARN of an existing DynamoDB table (partition key lookup_table_hash_key, type S) to use as the module's lookup table, with create_lookup_table = false; in the provider's Region and account. May stay null when every rule in enrichment_rules names its own table."
  type        = string
  default     = null

  validation {
    condition     = var.lookup_table_arn == null ? true : can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$", var.lookup_table_arn))
    error_message = "lookup_table_arn must be a DynamoDB table ARN such as arn:aws:dynamodb:us-east-1:123456789012:table/customers, or null."
  }
  validation {
    condition     = !(var.create_lookup_table && var.lookup_table_arn != null)
    error_message = "lookup_table_arn names an existing table, but create_lookup_table is true: set create_lookup_table = false to use it, or remove lookup_table_arn."
  }
  # The function reads its own table with a client of its own Region, and the rules name it by name, which
  # resolves in the function's account. (A table elsewhere can still be read by a rule that names its ARN.)
  validation {
    condition     = !can(regex("^arn:[^:]+:dynamodb:[^:]+:[0-9]{12}:", var.lookup_table_arn)) || try(split(":", var.lookup_table_arn)[3] == local.region && split(":", var.lookup_table_arn)[4] == local.account_id, false)
    error_message = "lookup_table_arn ${coalesce(var.lookup_table_arn, "-")} is in Region ${try(split(":", var.lookup_table_arn)[3], "-")}, account ${try(split(":", var.lookup_table_arn)[4], "-")}, but the function runs in Region ${local.region}, account ${local.account_id}: use a table there, or name it by ARN in the `table` of the enrichment_rules that read it."
  }
}

variable "lookup_table_hash_key" {
  description = "Partition key (type S) of the module's lookup table, and the key of every rule that reads that table without naming its own key."
  type        = string
  default     = "number"

  validation {
    condition     = length(var.lookup_table_hash_key) >= 1 && length(base64encode(var.lookup_table_hash_key)) <= 340
    error_message = "lookup_table_hash_key must be an attribute name of 1-255 bytes."
  }
}

variable "lookup_table_deletion_protection_enabled" {
  description = "Controls whether deletion protection is enabled on the lookup table the module creates."
  type        = bool
  default     = false
}

variable "lookup_table_items" {
  description = "Rows to seed into the lookup table the module creates, keyed by partition key value (for phone rules the form they look callers up in: \"+15555550100\", or with key_format = \"national\" \"0312345678\"); each row maps attribute names to string values. Handy for examples and tests."
  type        = map(map(string))
  default     = {}

  validation {
    condition     = alltrue([for k, item in var.lookup_table_items : length(k) >= 1 && alltrue([for a, v in item : length(a) >= 1])])
    error_message = "lookup_table_items keys (partition key values) and attribute names must be non-empty."
  }
  validation {
    condition     = var.create_lookup_table || length(var.lookup_table_items) == 0
    error_message = "lookup_table_items seeds the table the module creates, but create_lookup_table is false: remove lookup_table_items, or set create_lookup_table = true."
  }
  # A key is findable when the normalisation of some rule on the table leaves it unchanged (dynamodb.tf,
  # lookup_key_unchanged_by), and within DynamoDB's 2,048 bytes.
  validation {
    condition = alltrue([
      for k in keys(var.lookup_table_items) :
      3 * length(base64encode(k)) / 4 - length(regexall("=", base64encode(k))) <= local.lookup_key_max_bytes &&
      (length(local.lookup_table_rule_formats) == 0 || anytrue([for format in local.lookup_table_rule_formats : can(regex(local.lookup_key_unchanged_by[format].pattern, k)) && (!local.lookup_key_unchanged_by[format].lower_case || lower(k) == k)]))
    ])
    error_message = "lookup_table_items key(s) ${join(", ", [for k in keys(var.lookup_table_items) : jsonencode(k) if !(3 * length(base64encode(k)) / 4 - length(regexall("=", base64encode(k))) <= local.lookup_key_max_bytes && (length(local.lookup_table_rule_formats) == 0 || anytrue([for format in local.lookup_table_rule_formats : can(regex(local.lookup_key_unchanged_by[format].pattern, k)) && (!local.lookup_key_unchanged_by[format].lower_case || lower(k) == k)])))])} can never be found: the rules on the module's table (${join(", ", [for f in local.lookup_table_rule_formats : replace(f, "/", " ")])}) look each record up in canonical form, which these keys are not (or they exceed 2,048 bytes). Write phone numbers as the phone rule looks them up: \"+\" and digits only, such as \"+15555550100\"; with key_format = \"national\", the country's own numbers as dialled there, digits only (\"0312345678\" for country = \"JP\"), and other countries' numbers as \"+\" and digits. Write email addresses trimmed and in lower case."
  }
}

################################################################################
# Delivery stream
################################################################################

# The source of the delivery stream. Direct PUT (null) is what Amazon Connect's Kinesis Firehose streaming writes
# to; a Kinesis data stream is what Connect's Kinesis Data Streams option writes to, and what other consumers of the
# same contact records (or of the agent event stream) read.
variable "kinesis_source" {
  description = "An existing Kinesis data stream for the delivery stream to read from, instead of Direct PUT: `stream_arn`, and `kms_key_arn` when the stream is encrypted with a customer managed KMS key (leave it out for an unencrypted stream or the AWS managed key alias/aws/kinesis). Firehose then reads the stream from its LATEST position, the Firehose role may read exactly that stream (and decrypt with that key through Kinesis), the delivery stream has no server-side encryption of its own (the stream's applies), and connect_instance_id points Amazon Connect's contact records at the stream. null (the default): Direct PUT."
  type = object({
    stream_arn  = string
    kms_key_arn = optional(string)
  })
  default = null

  validation {
    # botocore firehose KinesisStreamARN: arn:.*:kinesis:<region>:<account>:stream/[a-zA-Z0-9_.-]+; stream names are
    # 1-128 characters (botocore kinesis StreamName).
    condition     = var.kinesis_source == null ? true : can(regex("^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/[a-zA-Z0-9_.-]{1,128}$", var.kinesis_source.stream_arn))
    error_message = "kinesis_source.stream_arn must be a Kinesis data stream ARN such as arn:aws:kinesis:us-east-1:123456789012:stream/connect-ctr."
  }
  # Firehose reads a source stream of its own Region and account (a Kinesis data stream as source is documented
  # only within one account; cross-account sources are documented for Amazon MSK alone), and Amazon Connect writes
  # to a stream of its own Region and account.
  validation {
    condition     = var.kinesis_source == null ? true : try(split(":", var.kinesis_source.stream_arn)[3] == local.region && split(":", var.kinesis_source.stream_arn)[4] == local.account_id, false)
    error_message = "kinesis_source.stream_arn ${try(var.kinesis_source.stream_arn, "-")} is in Region ${try(split(":", var.kinesis_source.stream_arn)[3], "-")}, account ${try(split(":", var.kinesis_source.stream_arn)[4], "-")}, but the AWS provider deploys the delivery stream to Region ${local.region}, account ${local.account_id}: Firehose reads a Kinesis data stream of its own Region and account. Use a stream there."
  }
  validation {
    condition     = try(var.kinesis_source.kms_key_arn, null) == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kinesis_source.kms_key_arn)) && try(split(":", var.kinesis_source.kms_key_arn)[3] == split(":", var.kinesis_source.stream_arn)[3], false)
    error_message = "kinesis_source.kms_key_arn must be the key ARN (not an alias) of the customer managed KMS key that encrypts the stream, in the stream's Region, such as arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab; leave it out for the AWS managed key alias/aws/kinesis, which needs no permission."
  }
}

variable "destination" {
  description = "Firehose destination type: \"opensearch\" (an Amazon OpenSearch Service domain), \"elasticsearch\" (a legacy Elasticsearch domain) or \"opensearchserverless\" (an Amazon OpenSearch Serverless collection: see create_opensearch_collection)."
  type        = string
  default     = "opensearch"

  validation {
    condition     = contains(["opensearch", "elasticsearch", "opensearchserverless"], var.destination)
    error_message = "destination must be \"opensearch\", \"elasticsearch\" or \"opensearchserverless\"."
  }
  # Firehose's Elasticsearch destination is the legacy one, for Elasticsearch domains; the OpenSearch
  # destination serves OpenSearch and Elasticsearch 7.10 domains alike (Firehose Developer Guide, "Choose
  # Amazon OpenSearch Service for your destination"). An OpenSearch_* domain through the legacy destination
  # is not a documented pairing.
  validation {
    condition     = var.destination != "elasticsearch" || !var.create_opensearch_domain || startswith(var.opensearch_engine_version, "Elasticsearch_")
    error_message = "destination = \"elasticsearch\" is Firehose's legacy destination for Elasticsearch domains; the domain the module creates runs ${var.opensearch_engine_version}. Use destination = \"opensearch\" (it serves Elasticsearch 7.10 domains too)."
  }
}

variable "index_name" {
  description = "Index that Firehose writes the enriched CTRs to (with index_rotation_period, Firehose appends a date suffix)."
  type        = string
  default     = "ctr"

  validation {
    condition     = can(regex("^[^-_+A-Z\\\\/*?\"<>| ,#:][^A-Z\\\\/*?\"<>| ,#:]{0,79}$", var.index_name)) && !contains([".", ".."], var.index_name)
    error_message = "index_name must be 1-80 characters, lowercase, not start with '-', '_' or '+', and contain none of \\ / * ? \" < > | space , # :."
  }
}

variable "index_rotation_period" {
  description = "How often Firehose starts a new index: NoRotation, OneHour, OneDay, OneWeek or OneMonth."
  type        = string
  default     = "OneDay"

  validation {
    condition     = contains(["NoRotation", "OneHour", "OneDay", "OneWeek", "OneMonth"], var.index_rotation_period)
    error_message = "index_rotation_period must be NoRotation, OneHour, OneDay, OneWeek or OneMonth."
  }
  # AmazonOpenSearchServerlessDestinationConfiguration has no IndexRotationPeriod (botocore firehose; provider
  # opensearchserverless_configuration has no index_rotation_period): every document goes to index_name.
  validation {
    condition     = var.destination != "opensearchserverless" || var.index_rotation_period == "OneDay"
    error_message = "index_rotation_period = \"${var.index_rotation_period}\": Firehose's OpenSearch Serverless destination does not rotate indices, every document goes to index_name. Remove index_rotation_period (retention comes from opensearch_collection_retention_days instead)."
  }
}

variable "elasticsearch_type_name" {
  description = "Document type for a legacy Elasticsearch 6.x destination (required there; Elasticsearch 7+ and OpenSearch have no types). Only valid with destination = \"elasticsearch\"."
  type        = string
  default     = null

  validation {
    condition     = var.elasticsearch_type_name == null ? true : length(var.elasticsearch_type_name) >= 1 && length(var.elasticsearch_type_name) <= 100
    error_message = "elasticsearch_type_name must be 1-100 characters, or null."
  }
  validation {
    condition     = var.destination == "elasticsearch" || var.elasticsearch_type_name == null
    error_message = "elasticsearch_type_name is only for destination = \"elasticsearch\" (legacy Elasticsearch 6.x); OpenSearch has no document types. Remove it."
  }
  # Types: required by Elasticsearch before 7, refused from 7 on and by OpenSearch. Known for a domain the
  # module creates; for an existing domain the module cannot see the version.
  validation {
    condition     = !(var.destination == "elasticsearch" && local.create_domain && local.opensearch_engine == "Elasticsearch" && local.opensearch_engine_major < 7) || var.elasticsearch_type_name != null
    error_message = "elasticsearch_type_name is required: Elasticsearch ${var.opensearch_engine_version} indexes need a document type (for example \"_doc\")."
  }
  validation {
    condition     = !(local.create_domain && (local.opensearch_engine == "OpenSearch" || local.opensearch_engine_major >= 7)) || var.elasticsearch_type_name == null
    error_message = "elasticsearch_type_name must be removed: ${var.opensearch_engine_version} has no document types."
  }
}

variable "document_id_format" {
  description = "How documents get their IDs: FIREHOSE_DEFAULT (stable IDs, no duplicates on retry) or NO_DOCUMENT_ID (the domain assigns IDs; faster, may duplicate). OpenSearch destination only."
  type        = string
  default     = "FIREHOSE_DEFAULT"

  validation {
    condition     = contains(["FIREHOSE_DEFAULT", "NO_DOCUMENT_ID"], var.document_id_format)
    error_message = "document_id_format must be \"FIREHOSE_DEFAULT\" or \"NO_DOCUMENT_ID\"."
  }
  validation {
    condition     = var.destination == "opensearch" || var.document_id_format == "FIREHOSE_DEFAULT"
    error_message = "document_id_format = \"NO_DOCUMENT_ID\" is only available with destination = \"opensearch\"; the Elasticsearch destination always uses Firehose document IDs."
  }
}

variable "buffering_interval_seconds" {
  description = "Seconds Firehose buffers records before delivering them to the search domain (0-900)."
  type        = number
  default     = 60

  validation {
    condition     = floor(var.buffering_interval_seconds) == var.buffering_interval_seconds && var.buffering_interval_seconds >= 0 && var.buffering_interval_seconds <= 900
    error_message = "buffering_interval_seconds must be a whole number of seconds from 0 to 900."
  }
}

variable "buffering_size_mb" {
  description = "MB Firehose buffers before delivering to the search domain (1-100)."
  type        = number
  default     = 5

  validation {
    condition     = floor(var.buffering_size_mb) == var.buffering_size_mb && var.buffering_size_mb >= 1 && var.buffering_size_mb <= 100
    error_message = "buffering_size_mb must be a whole number of MB from 1 to 100."
  }
  # Firehose turns each full buffer into one _bulk request ("buffers incoming records based on the buffering
  # configuration ... then generates an OpenSearch Service bulk request", Firehose Developer Guide, "Understand
  # data delivery"), which adds an action line per document (about 100 bytes, 2-5 % of a CTR). OpenSearch
  # Service refuses HTTP requests over 10 MiB on T2 and T3 instance types (OpenSearch Service quotas,
  # "Network quotas"; 413 Request Entity Too Large), so a 10 MB buffer can already overflow: every batch
  # would go to the backup bucket instead. For a domain the module creates, keep the buffer at 9 MB or less.
  validation {
    condition     = var.buffering_size_mb <= 9 || !local.create_domain || length(regexall("^t[23]\\.", var.opensearch_instance_type)) == 0
    error_message = "buffering_size_mb = ${var.buffering_size_mb} MB: Firehose sends each buffer as one _bulk request, and ${var.opensearch_instance_type} accepts HTTP requests of at most 10 MiB, action lines included. Use buffering_size_mb = 9 or less, or a larger instance type (100 MiB requests)."
  }
}

variable "retry_duration_seconds" {
  description = "Seconds Firehose keeps retrying a failed delivery to the search domain before backing the documents up to S3 (0-7200)."
  type        = number
  default     = 300

  validation {
    condition     = floor(var.retry_duration_seconds) == var.retry_duration_seconds && var.retry_duration_seconds >= 0 && var.retry_duration_seconds <= 7200
    error_message = "retry_duration_seconds must be a whole number of seconds from 0 to 7200."
  }
}

variable "backup_mode" {
  description = "Which documents Firehose also writes to the backup bucket: FailedDocumentsOnly or AllDocuments."
  type        = string
  default     = "FailedDocumentsOnly"

  validation {
    condition     = contains(["FailedDocumentsOnly", "AllDocuments"], var.backup_mode)
    error_message = "backup_mode must be \"FailedDocumentsOnly\" or \"AllDocuments\"."
  }
}

variable "backup_compression_format" {
  description = "Compression of the objects Firehose writes to the backup bucket: UNCOMPRESSED, GZIP, ZIP, Snappy or HADOOP_SNAPPY."
  type        = string
  default     = "GZIP"

  validation {
    condition     = contains(["UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY"], var.backup_compression_format)
    error_message = "backup_compression_format must be UNCOMPRESSED, GZIP, ZIP, Snappy or HADOOP_SNAPPY."
  }
}

variable "processor_buffering_size_mb" {
  description = "MB of records Firehose buffers before invoking the enrichment function (0.2-3)."
  type        = number
  default     = 1

  validation {
    condition     = var.processor_buffering_size_mb >= 0.2 && var.processor_buffering_size_mb <= 3
    error_message = "processor_buffering_size_mb must be from 0.2 to 3 MB."
  }
}

variable "processor_buffering_interval_seconds" {
  description = "Seconds Firehose buffers records before invoking the enrichment function (0-900)."
  type        = number
  default     = 60

  validation {
    condition     = floor(var.processor_buffering_interval_seconds) == var.processor_buffering_interval_seconds && var.processor_buffering_interval_seconds >= 0 && var.processor_buffering_interval_seconds <= 900
    error_message = "processor_buffering_interval_seconds must be a whole number of seconds from 0 to 900."
  }
}

variable "processor_retries" {
  description = "How often Firehose retries a failed invocation of the enrichment function (0-300)."
  type        = number
  default     = 3

  validation {
    condition     = floor(var.processor_retries) == var.processor_retries && var.processor_retries >= 0 && var.processor_retries <= 300
    error_message = "processor_retries must be a whole number from 0 to 300."
  }
}

################################################################################
# Search domain
################################################################################

variable "create_opensearch_domain" {
  description = "Controls whether the module creates the Amazon OpenSearch Service domain (destination \"opensearch\" or \"elasticsearch\"). Set to false and give opensearch_domain_arn to deliver to an existing domain. Not used with destination = \"opensearchserverless\" (see create_opensearch_collection)."
  type        = bool
  default     = true
}

variable "opensearch_domain_arn" {
  description = "ARN of an existing OpenSearch Service (or Elasticsearch) domain to deliver to, with create_opensearch_domain = false; in the provider's Region, and in its account unless opensearch_domain_cross_account_enabled. Its access policy must admit the Firehose role: the opensearch_domain_access_policy_json output is the statement to add."
  type        = string
  default     = null

  validation {
    condition     = var.opensearch_domain_arn == null ? true : can(regex("^arn:aws[a-z-]*:es:[a-z0-9-]+:[0-9]{12}:domain/[a-z][a-z0-9-]{2,27}$", var.opensearch_domain_arn))
    error_message = "opensearch_domain_arn must be a domain ARN such as arn:aws:es:us-east-1:123456789012:domain/ctr, or null."
  }
  validation {
    condition     = local.domain_destination || var.opensearch_domain_arn == null
    error_message = "opensearch_domain_arn names a domain, but destination = \"opensearchserverless\" delivers to an OpenSearch Serverless collection: remove opensearch_domain_arn (an existing collection is opensearch_collection_arn), or choose a domain destination."
  }
  validation {
    condition     = !(local.create_domain && var.opensearch_domain_arn != null)
    error_message = "opensearch_domain_arn names an existing domain, but create_opensearch_domain is true: set create_opensearch_domain = false to deliver to it, or remove opensearch_domain_arn."
  }
  validation {
    condition     = !local.domain_destination || local.create_domain || var.opensearch_domain_arn != null
    error_message = "opensearch_domain_arn is required with create_opensearch_domain = false: the ARN of the existing domain to deliver to."
  }
  # The stream, its role and the domain's access policy are built for a domain in the provider's Region and
  # account; a domain elsewhere would plan and then fail to deliver. A domain in another account is a mode of its
  # own (opensearch_domain_cross_account_enabled): Firehose then addresses it by its endpoint (cluster_endpoint),
  # and the domain's owner admits the Firehose role. The Region must match either way (Firehose delivers to a
  # domain in its own Region; the cross-account procedure of the Firehose Developer Guide keeps both in one).
  validation {
    condition     = !can(regex("^arn:[^:]+:es:[^:]+:[0-9]{12}:", var.opensearch_domain_arn)) || try(split(":", var.opensearch_domain_arn)[3] == local.region, false)
    error_message = "opensearch_domain_arn ${coalesce(var.opensearch_domain_arn, "-")} is in Region ${try(split(":", var.opensearch_domain_arn)[3], "-")}, but the AWS provider deploys the stream to Region ${local.region}: use a domain in that Region, or configure the provider for the domain's."
  }
  validation {
    condition     = !can(regex("^arn:[^:]+:es:[^:]+:[0-9]{12}:", var.opensearch_domain_arn)) || var.opensearch_domain_cross_account_enabled || try(split(":", var.opensearch_domain_arn)[4] == local.account_id, false)
    error_message = "opensearch_domain_arn ${coalesce(var.opensearch_domain_arn, "-")} is in account ${try(split(":", var.opensearch_domain_arn)[4], "-")}, but the AWS provider deploys the stream to account ${local.account_id}: for a domain another account owns, set opensearch_domain_cross_account_enabled = true (with opensearch_domain_endpoint) and have that account apply the opensearch_domain_access_policy_json output; otherwise use a domain of account ${local.account_id}."
  }
  validation {
    condition     = !var.opensearch_domain_cross_account_enabled || try(split(":", var.opensearch_domain_arn)[4] != local.account_id, true)
    error_message = "opensearch_domain_cross_account_enabled is set, but opensearch_domain_arn ${coalesce(var.opensearch_domain_arn, "-")} is in this very account (${local.account_id}): remove opensearch_domain_cross_account_enabled, so that Firehose addresses the domain by its ARN and its role may describe it."
  }
}

variable "opensearch_domain_endpoint" {
  description = "HTTPS endpoint host of the existing domain in opensearch_domain_arn (its `endpoint`, such as vpc-ctr-abc123.us-east-1.es.amazonaws.com), passed through to the opensearch_domain_endpoint output for `ctr-enrichment opensearch-setup`. Optional for a domain in the provider's account; required with opensearch_domain_cross_account_enabled, where Firehose delivers to https://<this host> (cluster_endpoint)."
  type        = string
  default     = null

  validation {
    condition     = var.opensearch_domain_endpoint == null ? true : can(regex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$", var.opensearch_domain_endpoint))
    error_message = "opensearch_domain_endpoint must be a host name such as search-ctr-abc123.us-east-1.es.amazonaws.com (no scheme, no path), or null."
  }
  validation {
    condition     = !(local.create_domain && var.opensearch_domain_endpoint != null) && (local.domain_destination || var.opensearch_domain_endpoint == null)
    error_message = "opensearch_domain_endpoint describes an existing domain (with opensearch_domain_arn); the domain the module creates reports its own endpoint, and an OpenSearch Serverless collection has none of this kind. Remove opensearch_domain_endpoint, or set create_opensearch_domain = false for a domain destination."
  }
  # Firehose takes ClusterEndpoint instead of DomainARN for a domain of another account (Firehose Developer Guide,
  # "Cross-account delivery to an OpenSearch Service destination"): without it there is nothing to deliver to.
  validation {
    condition     = !local.cross_account_domain || var.opensearch_domain_endpoint != null
    error_message = "opensearch_domain_endpoint is required with opensearch_domain_cross_account_enabled: Firehose cannot look a domain of another account up by its ARN and delivers to this endpoint instead. Give the domain's `endpoint` (its owner reads it from the console or `aws opensearch describe-domain`), such as search-analytics-abc123.us-east-1.es.amazonaws.com."
  }
}

variable "opensearch_domain_cross_account_enabled" {
  description = "Controls whether the existing domain in opensearch_domain_arn belongs to another AWS account (a central analytics account). Firehose then delivers to https://<opensearch_domain_endpoint> (its ClusterEndpoint, since it cannot address a domain of another account by ARN), the Firehose role's policy names the domain without the control-plane actions it cannot use across accounts, and the other account admits the role with the opensearch_domain_access_policy_json output (see \"A domain in another account\" in the README). Only with create_opensearch_domain = false and a domain destination."
  type        = bool
  default     = false

  validation {
    condition     = !var.opensearch_domain_cross_account_enabled || (local.domain_destination && !var.create_opensearch_domain)
    error_message = "opensearch_domain_cross_account_enabled is for an existing domain of another account: set create_opensearch_domain = false with its opensearch_domain_arn and opensearch_domain_endpoint (destination \"opensearch\" or \"elasticsearch\"), or remove opensearch_domain_cross_account_enabled."
  }
  # That the domain is really another account's is checked with opensearch_domain_arn (a validation may not read a
  # variable whose own validations read this one).
}

variable "opensearch_engine_version" {
  description = "Engine of the domain the module creates, as OpenSearch_X.Y or Elasticsearch_X.Y."
  type        = string
  default     = "OpenSearch_2.19"

  validation {
    condition     = can(regex("^(OpenSearch|Elasticsearch)_[0-9]+\\.[0-9]+$", var.opensearch_engine_version))
    error_message = "opensearch_engine_version must look like OpenSearch_2.19 or Elasticsearch_7.10."
  }
}

variable "opensearch_instance_type" {
  description = "Instance type of the domain's data nodes."
  type        = string
  default     = "t3.small.search"

  validation {
    # aws_opensearch_domain calls the OpenSearch API (2021-01-01), whose instance types all end in ".search"
    # (botocore opensearch OpenSearchPartitionInstanceType); "*.elasticsearch" names belong to the legacy es
    # API. The provider does not check the value, so a wrong one would fail at CreateDomain.
    condition     = can(regex("^[a-z0-9]+\\.[a-z0-9]+\\.search$", var.opensearch_instance_type))
    error_message = "opensearch_instance_type must be an OpenSearch Service instance type such as t3.small.search or r6g.large.search (\"*.elasticsearch\" names belong to the legacy Elasticsearch API)."
  }
}

variable "opensearch_instance_count" {
  description = "Number of data nodes; a multiple of opensearch_availability_zone_count."
  type        = number
  default     = 1

  validation {
    condition     = floor(var.opensearch_instance_count) == var.opensearch_instance_count && var.opensearch_instance_count >= 1 && var.opensearch_instance_count <= 1002
    error_message = "opensearch_instance_count must be a whole number from 1 to 1002."
  }
  validation {
    condition     = !local.create_domain || var.opensearch_instance_count % var.opensearch_availability_zone_count == 0
    error_message = "opensearch_instance_count (${var.opensearch_instance_count}) must be a multiple of opensearch_availability_zone_count (${var.opensearch_availability_zone_count}), so that every zone holds the same number of nodes."
  }
}

variable "opensearch_availability_zone_count" {
  description = "Availability Zones the domain spreads its nodes over (1 = no zone awareness, 2 or 3)."
  type        = number
  default     = 1

  validation {
    condition     = contains([1, 2, 3], var.opensearch_availability_zone_count)
    error_message = "opensearch_availability_zone_count must be 1, 2 or 3."
  }
  # A VPC domain has one subnet per Availability Zone (the same subnets as Firehose's interfaces).
  validation {
    condition     = !local.create_domain || var.vpc_config == null ? true : length(var.vpc_config.subnet_ids) == var.opensearch_availability_zone_count
    error_message = "opensearch_availability_zone_count is ${var.opensearch_availability_zone_count}, but vpc_config.subnet_ids has ${length(try(var.vpc_config.subnet_ids, []))} subnet(s): a VPC domain needs one subnet per Availability Zone. Set opensearch_availability_zone_count to the number of subnets (and opensearch_instance_count to a multiple of it), or list one subnet per zone."
  }
}

variable "opensearch_ebs_volume_size_gib" {
  description = "GiB of EBS storage per data node (the maximum depends on the instance type)."
  type        = number
  default     = 10

  validation {
    condition     = floor(var.opensearch_ebs_volume_size_gib) == var.opensearch_ebs_volume_size_gib && var.opensearch_ebs_volume_size_gib >= 10
    error_message = "opensearch_ebs_volume_size_gib must be a whole number of GiB, at least 10."
  }
}

variable "opensearch_ebs_volume_type" {
  description = "EBS volume type of the data nodes: gp3, gp2 or io1."
  type        = string
  default     = "gp3"

  validation {
    condition     = contains(["gp3", "gp2", "io1"], var.opensearch_ebs_volume_type)
    error_message = "opensearch_ebs_volume_type must be \"gp3\", \"gp2\" or \"io1\"."
  }
}

# IOPS and throughput of the data nodes' EBS volumes (botocore opensearch EBSOptions.Iops: "Applicable only for
# the gp3 and provisioned IOPS EBS volume types"; Throughput: "only for the gp3 volume type"). The ranges:
# gp3 from its 3,000 IOPS / 125 MiB/s baseline up to 16,000 IOPS / 1,000 MiB/s, raised by as much again for
# every full 3 TiB of volume (OpenSearch Service, "EBS volume size quotas"; gp3 update of July 2023), at
# most 0.25 MiB/s per provisioned IOPS (EC2 User Guide, gp3 volumes); io1 from 100 to 16,000 IOPS and at most
# 50 IOPS per GiB (EC2 User Guide, Provisioned IOPS SSD volumes; OpenSearch caps io1 at 16,000). AWS checks the
# instance type's own limits (DescribeInstanceTypeLimits) when it creates the domain.
variable "opensearch_ebs_iops" {
  description = "Baseline IOPS of each data node's EBS volume. Required with opensearch_ebs_volume_type = \"io1\" (100-16,000, at most 50 per GiB of opensearch_ebs_volume_size_gib); optional with gp3 (3,000-16,000, plus 16,000 for every full 3 TiB; null keeps the 3,000 baseline); not allowed with gp2."
  type        = number
  default     = null

  validation {
    condition     = var.opensearch_ebs_iops != null || var.opensearch_ebs_volume_type != "io1"
    error_message = "opensearch_ebs_volume_type = \"io1\" (provisioned IOPS) needs opensearch_ebs_iops: 100-16,000 and at most 50 per GiB of volume (${50 * var.opensearch_ebs_volume_size_gib} for ${var.opensearch_ebs_volume_size_gib} GiB). Or use gp3, which includes 3,000 IOPS."
  }
  validation {
    condition = var.opensearch_ebs_iops == null ? true : floor(var.opensearch_ebs_iops) == var.opensearch_ebs_iops && (
      var.opensearch_ebs_volume_type == "io1" ? var.opensearch_ebs_iops >= 100 && var.opensearch_ebs_iops <= min(16000, 50 * var.opensearch_ebs_volume_size_gib) :
      var.opensearch_ebs_volume_type == "gp3" ? var.opensearch_ebs_iops >= 3000 && var.opensearch_ebs_iops <= 16000 * (1 + floor(var.opensearch_ebs_volume_size_gib / 3072)) :
      false
    )
    error_message = "opensearch_ebs_iops (${coalesce(var.opensearch_ebs_iops, 0)}) does not fit opensearch_ebs_volume_type = \"${var.opensearch_ebs_volume_type}\": io1 takes 100-16,000 IOPS and at most 50 per GiB; gp3 takes 3,000-16,000 (plus 16,000 for every full 3 TiB of volume); gp2 takes none (leave it null)."
  }
}

variable "opensearch_ebs_throughput_mibps" {
  description = "Throughput in MiB/s of each data node's gp3 EBS volume: 125-1,000 (plus 1,000 for every full 3 TiB), at most 0.25 MiB/s per IOPS (opensearch_ebs_iops, 3,000 when null). null keeps the 125 MiB/s baseline. gp3 only."
  type        = number
  default     = null

  validation {
    condition = var.opensearch_ebs_throughput_mibps == null ? true : (
      var.opensearch_ebs_volume_type == "gp3" &&
      floor(var.opensearch_ebs_throughput_mibps) == var.opensearch_ebs_throughput_mibps &&
      var.opensearch_ebs_throughput_mibps >= 125 &&
      var.opensearch_ebs_throughput_mibps <= 1000 * (1 + floor(var.opensearch_ebs_volume_size_gib / 3072)) &&
      var.opensearch_ebs_throughput_mibps <= 0.25 * coalesce(var.opensearch_ebs_iops, 3000)
    )
    error_message = "opensearch_ebs_throughput_mibps (${coalesce(var.opensearch_ebs_throughput_mibps, 0)} MiB/s) needs opensearch_ebs_volume_type = \"gp3\" and 125-1,000 MiB/s (plus 1,000 for every full 3 TiB), at most 0.25 MiB/s per IOPS: ${floor(0.25 * coalesce(var.opensearch_ebs_iops, 3000))} MiB/s with ${coalesce(var.opensearch_ebs_iops, 3000)} IOPS."
  }
}

variable "opensearch_tls_security_policy" {
  description = "TLS policy of the domain endpoint; both allowed values require TLS 1.2 or later."
  type        = string
  default     = "Policy-Min-TLS-1-2-2019-07"

  validation {
    condition     = contains(["Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10"], var.opensearch_tls_security_policy)
    error_message = "opensearch_tls_security_policy must be \"Policy-Min-TLS-1-2-2019-07\" or \"Policy-Min-TLS-1-2-PFS-2023-10\" (TLS 1.2 or later)."
  }
}

variable "opensearch_master_user_arn" {
  description = "IAM principal ARN that becomes the master user when set: turns on fine-grained access control (then map the firehose_role_arn output to a role with write access in OpenSearch security). null leaves it off."
  type        = string
  default     = null

  validation {
    condition     = var.opensearch_master_user_arn == null ? true : can(regex("^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:.+$", var.opensearch_master_user_arn))
    error_message = "opensearch_master_user_arn must be an IAM user or role ARN such as arn:aws:iam::123456789012:role/search-admin, or null."
  }
  validation {
    condition     = local.create_domain || var.opensearch_master_user_arn == null
    error_message = "opensearch_master_user_arn configures the domain the module creates; with an existing domain (create_opensearch_domain = false) manage its security yourself, and an OpenSearch Serverless collection has no master user (its data access policy admits dashboards_allowed_principal_arns): remove opensearch_master_user_arn."
  }
  # Fine-grained access control: OpenSearch, or Elasticsearch 6.7 and later.
  validation {
    condition     = var.opensearch_master_user_arn == null || !local.create_domain || local.opensearch_engine == "OpenSearch" || local.opensearch_engine_major > 6 || (local.opensearch_engine_major == 6 && local.opensearch_engine_minor >= 7)
    error_message = "opensearch_master_user_arn turns on fine-grained access control, which needs OpenSearch or Elasticsearch 6.7 or later; opensearch_engine_version is ${var.opensearch_engine_version}. Remove opensearch_master_user_arn, or use a newer engine."
  }
}

variable "opensearch_prevent_destroy_enabled" {
  description = "Controls whether Terraform refuses every plan that would destroy or replace the domain or collection the module creates (and every CTR indexed in it): `terraform destroy`, create_opensearch_domain (or create_opensearch_collection) = false, and changes AWS can only make by replacing it, such as kms_key_arn, vpc_config or removing opensearch_master_user_arn. Recommended for production. Turning it off again takes a `terraform state rm` (see \"Upgrade and replacement notes\" in the README)."
  type        = bool
  default     = false
}

variable "opensearch_log_publishing_enabled" {
  description = "Controls whether the domain the module creates publishes its application (error) logs to a CloudWatch log group. Uses one CloudWatch Logs resource policy (10 per account and Region)."
  type        = bool
  default     = true
}

variable "opensearch_public_endpoint_enabled" {
  description = "Controls whether the domain or collection the module creates may have an internet-facing endpoint, when there is no vpc_config. A domain's access policy, or a collection's data access policy, still admits only the Firehose role and dashboards_allowed_principal_arns (and, on a domain, dashboards_allowed_cidr_blocks). false (the default) refuses to plan a public domain or collection."
  type        = bool
  default     = false

  validation {
    condition     = !(local.create_domain || local.create_collection) || var.vpc_config != null || var.opensearch_public_endpoint_enabled
    error_message = "The search ${local.create_collection ? "collection" : "domain"} would get an internet-facing endpoint: give vpc_config (subnets, and security groups or create_security_groups = true) to keep it private, or set opensearch_public_endpoint_enabled = true to accept a public endpoint restricted by its ${local.create_collection ? "data access policy" : "access policy"}."
  }
}

# Who may reach the domain the module creates (its REST API and OpenSearch Dashboards): principals by IAM
# identity, networks by address. Both configure the domain the module creates; an existing domain keeps its own
# access policy and security groups.
variable "dashboards_allowed_principal_arns" {
  description = "IAM principal ARNs allowed to use the domain or collection the module creates (OpenSearch Dashboards and the REST API, with signed requests), on a public or a VPC endpoint: the domain's access policy, or the collection's data access policy, admits them (a collection also needs aoss:APIAccessAll and aoss:DashboardsAccessAll in the principals' own IAM policies)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.dashboards_allowed_principal_arns : can(regex("^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:.+$", p))])
    error_message = "dashboards_allowed_principal_arns must hold IAM user or role ARNs such as arn:aws:iam::123456789012:role/analyst."
  }
  validation {
    condition     = local.create_domain || local.create_collection || length(var.dashboards_allowed_principal_arns) == 0
    error_message = "dashboards_allowed_principal_arns configures the access policy of the domain or collection the module creates; with an existing one (create_opensearch_domain or create_opensearch_collection = false) admit them in its own policy, and remove dashboards_allowed_principal_arns."
  }
  # A data access policy's principals "must be within the current AWS account. Cross-account access isn't supported"
  # (OpenSearch Service Developer Guide, "Data access control for Amazon OpenSearch Serverless").
  validation {
    condition     = !local.create_collection || alltrue([for p in var.dashboards_allowed_principal_arns : try(split(":", p)[4] == local.account_id, false)])
    error_message = "dashboards_allowed_principal_arns for an OpenSearch Serverless collection must be principals of account ${local.account_id}: a collection's data access policy admits no other account's principals. Remove ${join(", ", [for p in var.dashboards_allowed_principal_arns : p if !try(split(":", p)[4] == local.account_id, false)])}."
  }
}

variable "dashboards_allowed_cidr_blocks" {
  description = "Networks (CIDR blocks, IPv4 or IPv6) allowed to reach the domain the module creates, for OpenSearch Dashboards in a browser and `ctr-enrichment opensearch-setup`. On a public endpoint, the access policy admits requests from them without signing. In a VPC (vpc_config with create_security_groups = true), the domain's security group admits HTTPS (443) from them, such as your VPN or bastion; requests are then authorised by the access policy (dashboards_allowed_principal_arns) or fine-grained access control."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.dashboards_allowed_cidr_blocks : can(cidrhost(c, 0)) && !contains(["0.0.0.0/0", "::/0"], c)])
    error_message = "dashboards_allowed_cidr_blocks must hold CIDR blocks such as 203.0.113.0/24 or 10.20.0.0/16; 0.0.0.0/0 and ::/0 would open the domain to the internet."
  }
  validation {
    condition     = local.create_domain || length(var.dashboards_allowed_cidr_blocks) == 0
    error_message = "dashboards_allowed_cidr_blocks configures the domain the module creates; with an existing domain (create_opensearch_domain = false) manage its access policy and security groups yourself, and an OpenSearch Serverless network policy admits the internet or VPC endpoints, never address ranges (its VPC endpoint's security group can): remove dashboards_allowed_cidr_blocks."
  }
  # In a VPC the networks are admitted by a security group rule, which the module can only add to the group it
  # creates (an IP-based access policy does not apply to VPC domains: OpenSearch Service Developer Guide,
  # "Launching your Amazon OpenSearch Service domains within a VPC").
  validation {
    condition     = var.vpc_config == null ? true : length(var.dashboards_allowed_cidr_blocks) == 0 || var.vpc_config.create_security_groups
    error_message = "dashboards_allowed_cidr_blocks opens the security group the module creates for a VPC domain, but vpc_config lists its own security_group_ids: add HTTPS (443) rules for these networks to your groups instead and remove dashboards_allowed_cidr_blocks, or set vpc_config.create_security_groups = true."
  }
}

variable "create_opensearch_service_linked_role" {
  description = "Controls whether the module creates the service-linked role AWSServiceRoleForAmazonOpenSearchService, which OpenSearch Service needs to place a domain's network interfaces in a VPC. An account has it once: create it here only when no domain in the account has created it yet (it fails with \"has been taken\" otherwise). Only with vpc_config and a domain the module creates."
  type        = bool
  default     = false

  validation {
    condition     = !var.create_opensearch_service_linked_role || (var.vpc_config != null && local.create_domain)
    error_message = "create_opensearch_service_linked_role is only needed for a VPC domain the module creates: set vpc_config and create_opensearch_domain = true, or leave create_opensearch_service_linked_role false."
  }
}

################################################################################
# OpenSearch Serverless collection (destination = "opensearchserverless")
################################################################################

variable "create_opensearch_collection" {
  description = "Controls whether the module creates the OpenSearch Serverless collection for destination = \"opensearchserverless\", with its encryption policy (kms_key_arn or an AWS owned key), network policy (public with opensearch_public_endpoint_enabled, or a VPC endpoint in vpc_config's subnets) and data access policy (the Firehose role, and dashboards_allowed_principal_arns). Set to false and give opensearch_collection_arn to deliver to an existing collection. Not used with a domain destination."
  type        = bool
  default     = true
}

variable "opensearch_collection_arn" {
  description = "ARN of an existing OpenSearch Serverless collection to deliver to (arn:aws:aoss:<region>:<account>:collection/<id>), with destination = \"opensearchserverless\" and create_opensearch_collection = false; in the provider's Region and account. The module reads its name, endpoint and type; its data access policy must admit the Firehose role: the opensearch_collection_data_access_policy_json output is the rule to add."
  type        = string
  default     = null

  validation {
    # botocore opensearchserverless CollectionId: [a-z0-9]{3,40}.
    condition     = var.opensearch_collection_arn == null ? true : can(regex("^arn:aws[a-z-]*:aoss:[a-z0-9-]+:[0-9]{12}:collection/[a-z0-9]{3,40}$", var.opensearch_collection_arn))
    error_message = "opensearch_collection_arn must be an OpenSearch Serverless collection ARN such as arn:aws:aoss:us-east-1:123456789012:collection/07tjusf2h91cunochc, or null."
  }
  validation {
    condition     = var.destination == "opensearchserverless" || var.opensearch_collection_arn == null
    error_message = "opensearch_collection_arn names an OpenSearch Serverless collection, but destination is \"${var.destination}\": set destination = \"opensearchserverless\" to deliver to it, or remove opensearch_collection_arn."
  }
  validation {
    condition     = !(var.destination == "opensearchserverless" && var.create_opensearch_collection && var.opensearch_collection_arn != null)
    error_message = "opensearch_collection_arn names an existing collection, but create_opensearch_collection is true: set create_opensearch_collection = false to deliver to it, or remove opensearch_collection_arn."
  }
  validation {
    condition     = var.destination != "opensearchserverless" || var.create_opensearch_collection || var.opensearch_collection_arn != null
    error_message = "opensearch_collection_arn is required with create_opensearch_collection = false: the ARN of the existing collection to deliver to."
  }
  validation {
    condition     = var.opensearch_collection_arn == null ? true : try(split(":", var.opensearch_collection_arn)[3] == local.region && split(":", var.opensearch_collection_arn)[4] == local.account_id, false)
    error_message = "opensearch_collection_arn ${coalesce(var.opensearch_collection_arn, "-")} is in Region ${try(split(":", var.opensearch_collection_arn)[3], "-")}, account ${try(split(":", var.opensearch_collection_arn)[4], "-")}, but the AWS provider deploys the stream to Region ${local.region}, account ${local.account_id}: use a collection there, or configure the provider for the collection's."
  }
}

# Collection types (botocore opensearchserverless CollectionType; OpenSearch Service Developer Guide, "What is Amazon
# OpenSearch Serverless?"): TIMESERIES keeps recent data hot and older data in S3, supports data lifecycle
# (retention) policies, and assigns every document its own ID ("you can't index by custom document ID or update by
# upsert requests"); SEARCH keeps everything hot and takes document IDs. VECTORSEARCH is for k-NN embeddings.
variable "opensearch_collection_type" {
  description = "Type of the collection the module creates: TIMESERIES (the default, and AWS's: log analytics, retention with opensearch_collection_retention_days, document IDs assigned by the collection) or SEARCH (everything in hot storage, no retention policies)."
  type        = string
  default     = "TIMESERIES"

  validation {
    condition     = contains(["TIMESERIES", "SEARCH"], var.opensearch_collection_type)
    error_message = "opensearch_collection_type must be \"TIMESERIES\" or \"SEARCH\" (VECTORSEARCH collections hold k-NN vectors, not contact trace records)."
  }
}

variable "opensearch_collection_standby_replicas_enabled" {
  description = "Controls whether the collection the module creates keeps standby replicas in another Availability Zone. On by default (AWS's default); off halves the minimum capacity OpenSearch Serverless bills (see \"What a collection costs\" in the README) at the price of zonal redundancy, for development and test collections."
  type        = bool
  default     = true
}

variable "opensearch_collection_vpc_endpoint_id" {
  description = "ID of an existing OpenSearch Serverless VPC endpoint (vpce-...) in vpc_config's VPC, for the private collection the module creates; null (the default) creates one in vpc_config's subnets. One endpoint serves every collection of the Region from its VPC (OpenSearch Serverless attaches a private hosted zone for *.aoss.<region>.amazonaws.com to the VPC), so give the one the VPC already has."
  type        = string
  default     = null

  validation {
    # botocore opensearchserverless VpcEndpointId: vpce-[0-9a-z]*, 1-255 characters.
    condition     = var.opensearch_collection_vpc_endpoint_id == null ? true : can(regex("^vpce-[0-9a-z]{1,250}$", var.opensearch_collection_vpc_endpoint_id))
    error_message = "opensearch_collection_vpc_endpoint_id must be an OpenSearch Serverless VPC endpoint ID such as vpce-050f79086ee71ac05, or null."
  }
  validation {
    condition     = var.opensearch_collection_vpc_endpoint_id == null || (local.create_collection && var.vpc_config != null)
    error_message = "opensearch_collection_vpc_endpoint_id admits a VPC endpoint in the network policy of the private collection the module creates: it needs destination = \"opensearchserverless\", create_opensearch_collection = true and vpc_config; otherwise remove it."
  }
}

variable "opensearch_collection_retention_days" {
  description = "Days OpenSearch Serverless keeps documents in index_name of the TIMESERIES collection the module creates before deleting them (a data lifecycle policy, MinIndexRetention; deletion is best effort, within 48 hours or 10 % of the period). null (the default) keeps them indefinitely."
  type        = number
  default     = null

  validation {
    # "You can set this period to be from 24h to 3650d" (OpenSearch Service Developer Guide, "Using data lifecycle
    # policies with Amazon OpenSearch Serverless").
    condition     = var.opensearch_collection_retention_days == null ? true : floor(var.opensearch_collection_retention_days) == var.opensearch_collection_retention_days && var.opensearch_collection_retention_days >= 1 && var.opensearch_collection_retention_days <= 3650
    error_message = "opensearch_collection_retention_days must be a whole number of days from 1 to 3650, or null to keep documents indefinitely."
  }
  # "Only time series collections support data lifecycle policies" (same guide page).
  validation {
    condition     = var.opensearch_collection_retention_days == null || (local.create_collection && var.opensearch_collection_type == "TIMESERIES")
    error_message = "opensearch_collection_retention_days sets a data lifecycle policy, which only a TIMESERIES collection the module creates can have (destination = \"opensearchserverless\", create_opensearch_collection = true, opensearch_collection_type = \"TIMESERIES\"): change those, or remove opensearch_collection_retention_days."
  }
}

################################################################################
# Backup bucket
################################################################################

variable "create_backup_bucket" {
  description = "Controls whether the module creates the S3 bucket for failed (or all) documents. Set to false and give backup_bucket_arn to use an existing bucket."
  type        = bool
  default     = true
}

variable "backup_bucket_arn" {
  description = "ARN of an existing S3 bucket for the documents Firehose backs up, with create_backup_bucket = false."
  type        = string
  default     = null

  validation {
    condition     = var.backup_bucket_arn == null ? true : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.backup_bucket_arn))
    error_message = "backup_bucket_arn must be an S3 bucket ARN such as arn:aws:s3:::my-ctr-backup, or null."
  }
  validation {
    condition     = !(var.create_backup_bucket && var.backup_bucket_arn != null)
    error_message = "backup_bucket_arn names an existing bucket, but create_backup_bucket is true: set create_backup_bucket = false to use it, or remove backup_bucket_arn."
  }
  validation {
    condition     = var.create_backup_bucket || var.backup_bucket_arn != null
    error_message = "backup_bucket_arn is required with create_backup_bucket = false: the ARN of the existing bucket for failed documents."
  }
}

variable "backup_expiration_days" {
  description = "Days after which objects in the backup bucket the module creates expire."
  type        = number
  default     = 90

  validation {
    condition     = floor(var.backup_expiration_days) == var.backup_expiration_days && var.backup_expiration_days >= 1
    error_message = "backup_expiration_days must be a whole number of days, at least 1."
  }
}

variable "backup_bucket_force_destroy_enabled" {
  description = "Controls whether destroying the module also deletes the backup bucket when it still holds objects."
  type        = bool
  default     = false
}

################################################################################
# Network: VPC delivery
################################################################################

variable "vpc_config" {
  description = "VPC delivery. Firehose delivers through network interfaces in subnet_ids, and the domain the module creates is placed in the same subnets (one per Availability Zone). Either list the security_group_ids to use (they must allow HTTPS, port 443, from the Firehose interfaces to the domain), or set create_security_groups = true: the module then creates one security group for the Firehose interfaces (egress HTTPS to the domain's group only) and one for the domain (ingress HTTPS from the Firehose group and from dashboards_allowed_cidr_blocks only). null (the default) delivers to a public endpoint, which a created domain allows only with opensearch_public_endpoint_enabled."
  type = object({
    subnet_ids             = list(string)
    security_group_ids     = optional(list(string), [])
    create_security_groups = optional(bool, false)
  })
  default = null

  validation {
    condition     = var.vpc_config == null ? true : length(var.vpc_config.subnet_ids) >= 1
    error_message = "vpc_config.subnet_ids is empty: give at least one subnet ID (one per Availability Zone of the domain), or set vpc_config = null to deliver to a public endpoint."
  }
  validation {
    condition     = var.vpc_config == null ? true : length(var.vpc_config.subnet_ids) <= 16 && length(distinct(var.vpc_config.subnet_ids)) == length(var.vpc_config.subnet_ids) && alltrue([for s in var.vpc_config.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "vpc_config.subnet_ids must hold at most 16 distinct subnet IDs such as subnet-0123456789abcdef0 (Firehose's limit)."
  }
  validation {
    condition     = var.vpc_config == null ? true : length(var.vpc_config.security_group_ids) <= 5 && alltrue([for s in var.vpc_config.security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", s))])
    error_message = "vpc_config.security_group_ids must hold at most 5 security group IDs such as sg-0123456789abcdef0 (Firehose's and OpenSearch Service's limit)."
  }
  validation {
    condition     = var.vpc_config == null ? true : (length(var.vpc_config.security_group_ids) > 0) != var.vpc_config.create_security_groups
    error_message = "vpc_config needs exactly one source of security groups: list security_group_ids (allowing HTTPS from Firehose to the domain), or set create_security_groups = true and leave security_group_ids empty."
  }
  validation {
    condition     = var.vpc_config == null ? true : !var.vpc_config.create_security_groups || local.create_domain || local.create_collection
    error_message = "vpc_config.create_security_groups creates the security groups of Firehose and of the domain (or the collection's VPC endpoint) the module creates; an existing domain or collection keeps its own groups. List in vpc_config.security_group_ids groups that the existing destination's group admits on HTTPS (443)."
  }
  # The OpenSearch Serverless VPC endpoint the module creates for a private collection takes 1-6 subnets
  # (provider aws_opensearchserverless_vpc_endpoint subnet_ids SizeBetween(1, 6)).
  validation {
    condition     = var.vpc_config == null || !local.create_collection ? true : length(var.vpc_config.subnet_ids) <= 6
    error_message = "vpc_config.subnet_ids holds ${length(try(var.vpc_config.subnet_ids, []))} subnets, but the OpenSearch Serverless VPC endpoint the module creates for the collection takes at most 6 (one per Availability Zone is enough)."
  }
}

################################################################################
# Amazon Connect
################################################################################

variable "connect_instance_id" {
  description = "ID of the Amazon Connect instance whose contact trace records stream into the delivery stream, or with kinesis_source into that Kinesis data stream (the UUID at the end of the instance ARN, in the same Region). When set, the module associates the stream with the instance (data streaming of contact records, as the console's Data streaming page does); null leaves Amazon Connect untouched, for an instance that already streams its contact records where they should go."
  type        = string
  default     = null

  validation {
    condition     = var.connect_instance_id == null ? true : can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.connect_instance_id))
    error_message = "connect_instance_id must be an Amazon Connect instance ID such as 5b4b2b1e-6f1c-4c8e-9d0a-2f6a7c1d3e55 (the part after instance/ in the instance ARN), or null."
  }
}

################################################################################
# Alarms
################################################################################

variable "create_alarms" {
  description = "Controls whether the module creates CloudWatch alarms (function errors, throttles and duration near its timeout; records that failed processing and failed lookups from the function's metrics; delivery success of the stream, and its data freshness with destination = \"opensearch\" or \"opensearchserverless\", the destinations that publish it) that notify alarm_sns_topic_arn."
  type        = bool
  default     = false
}

variable "alarm_sns_topic_arn" {
  description = "ARN of the SNS topic the alarms notify when they go into ALARM and back to OK. Required with create_alarms. An encrypted topic needs a customer managed key that lets cloudwatch.amazonaws.com use it."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_sns_topic_arn == null ? true : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.alarm_sns_topic_arn))
    error_message = "alarm_sns_topic_arn must be the ARN of a standard SNS topic such as arn:aws:sns:us-east-1:123456789012:ctr-alarms (CloudWatch alarms cannot notify FIFO topics), or null."
  }
  validation {
    condition     = !var.create_alarms || var.alarm_sns_topic_arn != null
    error_message = "alarm_sns_topic_arn is required with create_alarms = true: the ARN of the SNS topic the alarms notify."
  }
}

variable "alarm_thresholds" {
  description = "Alarm thresholds, per period: lambda_errors, lambda_throttles, processing_failed (records the function answered ProcessingFailed) and lookup_errors (failed DynamoDB lookups) alarm above that many; lambda_duration_percent alarms when the function's longest run exceeds that percentage of lambda_timeout_seconds; delivery_success alarms when the share of documents the domain accepted falls below it (0-1); data_freshness_seconds alarms when the oldest undelivered record is older."
  type = object({
    lambda_errors           = optional(number, 0)
    lambda_throttles        = optional(number, 0)
    lambda_duration_percent = optional(number, 80)
    processing_failed       = optional(number, 0)
    lookup_errors           = optional(number, 0)
    delivery_success        = optional(number, 1)
    data_freshness_seconds  = optional(number, 900)
  })
  default = {}

  validation {
    condition = alltrue([
      for v in [var.alarm_thresholds.lambda_errors, var.alarm_thresholds.lambda_throttles, var.alarm_thresholds.processing_failed, var.alarm_thresholds.lookup_errors] :
      floor(v) == v && v >= 0
    ])
    error_message = "alarm_thresholds.lambda_errors, lambda_throttles, processing_failed and lookup_errors must be whole numbers of at least 0 (0: alarm on the first one)."
  }
  validation {
    condition     = var.alarm_thresholds.lambda_duration_percent > 0 && var.alarm_thresholds.lambda_duration_percent < 100
    error_message = "alarm_thresholds.lambda_duration_percent must be above 0 and below 100 (a run that reaches 100 % has already timed out), for example 80."
  }
  validation {
    condition     = var.alarm_thresholds.delivery_success > 0 && var.alarm_thresholds.delivery_success <= 1
    error_message = "alarm_thresholds.delivery_success is a share of documents: it must be above 0 and at most 1 (1: alarm when any document was not delivered)."
  }
  validation {
    condition     = floor(var.alarm_thresholds.data_freshness_seconds) == var.alarm_thresholds.data_freshness_seconds && var.alarm_thresholds.data_freshness_seconds >= 60 && var.alarm_thresholds.data_freshness_seconds <= 86400
    error_message = "alarm_thresholds.data_freshness_seconds must be a whole number of seconds from 60 to 86400 (Firehose keeps undelivered data for at most 24 hours)."
  }
  # Records wait in both buffers by design; the data-freshness alarm does not exist for destination = "elasticsearch".
  validation {
    condition     = !var.create_alarms || var.destination == "elasticsearch" || var.alarm_thresholds.data_freshness_seconds > var.buffering_interval_seconds + var.processor_buffering_interval_seconds
    error_message = "alarm_thresholds.data_freshness_seconds (${var.alarm_thresholds.data_freshness_seconds}) must exceed buffering_interval_seconds + processor_buffering_interval_seconds (${var.buffering_interval_seconds + var.processor_buffering_interval_seconds} s): records wait that long in the buffers by design, so the alarm would always fire."
  }
}

variable "alarm_period_seconds" {
  description = "Seconds over which each alarm aggregates its metric: 60 or a multiple of 60, at most 86400."
  type        = number
  default     = 300

  validation {
    condition     = floor(var.alarm_period_seconds) == var.alarm_period_seconds && var.alarm_period_seconds >= 60 && var.alarm_period_seconds <= 86400 && var.alarm_period_seconds % 60 == 0
    error_message = "alarm_period_seconds must be a multiple of 60 seconds from 60 to 86400 (the metrics have one-minute resolution)."
  }
}

variable "alarm_evaluation_periods" {
  description = "How many consecutive periods must breach before an alarm fires. alarm_period_seconds times this may be at most one day (seven days for periods of an hour or more)."
  type        = number
  default     = 1

  validation {
    condition     = floor(var.alarm_evaluation_periods) == var.alarm_evaluation_periods && var.alarm_evaluation_periods >= 1
    error_message = "alarm_evaluation_periods must be a whole number of at least 1."
  }
  validation {
    condition     = !var.create_alarms || var.alarm_period_seconds * var.alarm_evaluation_periods <= (var.alarm_period_seconds < 3600 ? 86400 : 604800)
    error_message = "alarm_evaluation_periods (${var.alarm_evaluation_periods}) times alarm_period_seconds (${var.alarm_period_seconds} s) must be at most one day for periods under an hour, and at most seven days otherwise (CloudWatch's limit)."
  }
}
