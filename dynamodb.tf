locals {
  # Lookup keys. The function looks a record up by the source value as the rule's `normalize` (and, for a phone
  # rule, `key_format` and `country`) leaves it (lookup_key in lambda_src/ctr_enrichment/enrichment.py; phone.py),
  # so a table key that this normalisation would change can never be found. For each key format, the keys it
  # leaves unchanged, as an RE2 pattern, and whether they must also be in lower case; this is the one place that
  # says so. tests/terraform/test_terraform_aws_rules.py feeds the same keys to this and to the Python code.
  lookup_key_phone_digits = "0|0?[1-9][0-9]*"                      # canonical numbers without a country code ("00" becomes "+")
  lookup_key_not_blank    = "\\s\\x{0b}\\x{1c}-\\x{1f}\\x{85}\\pZ" # Python's white space, which lookup_key skips
  lookup_key_unchanged_by = merge(
    {
      # Any value with something besides white space (lookup_key skips blank values).
      none = { pattern = "[^${local.lookup_key_not_blank}]", lower_case = false }
      # normalize_phone's canonical form, key_format "e164": "+" and ASCII digits, or ASCII digits not starting
      # "00" (it turns a leading "00" into "+"); no separators, no white space, no full-width digits.
      phone = { pattern = "^(?:\\+[0-9]+|${local.lookup_key_phone_digits})$", lower_case = false }
      # normalize_email: an address with an "@", trimmed of white space and in lower case.
      email = { pattern = "(?s)^(?:[^${local.lookup_key_not_blank}].*)?@(?:.*[^${local.lookup_key_not_blank}])?$", lower_case = true }
    },
    {
      # key_format "national": the function turns callers of the country's calling code into national numbers
      # (to_national), so "+" and digits stay unchanged only for other calling codes: "+" and digits that do not
      # start with the code, built digit by digit (RE2 has no look-ahead). Numbers without a country code, as
      # with "e164".
      for country, code in local.numbering.countries : "phone/national/${country}" => {
        pattern = "^(?:\\+(?:${join("|", concat(
          [for i in range(length(code)) : "${substr(code, 0, i)}[${join("", [for d in range(10) : tostring(d) if tostring(d) != substr(code, i, 1)])}][0-9]*"],
          [for i in range(1, length(code)) : substr(code, 0, i)],
        ))})|${local.lookup_key_phone_digits})$"
        lower_case = false
      }
    },
  )
  lookup_key_max_bytes = 2048 # enrichment.MAX_KEY_BYTES: DynamoDB's limit for a partition key
  # The key formats of the rules that read the module's own table (lookup_table_items is checked against them).
  lookup_table_rule_formats = distinct([
    for rule in local.enrichment_rules :
    rule.normalize == "phone" && try(rule.key_format, null) == "national" ? "phone/national/${try(rule.country, "")}" : rule.normalize
    if contains(keys(local.rule_default_keys), rule.table)
  ])
}

resource "aws_dynamodb_table" "lookup" {
  #checkov:skip=CKV_AWS_119:DynamoDB always encrypts at rest; without kms_key_arn the AWS owned key is used (no KMS cost or key policy to manage), with it the customer managed key.
  count = var.create_lookup_table ? 1 : 0

  name                        = local.lookup_table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = var.lookup_table_hash_key
  deletion_protection_enabled = var.lookup_table_deletion_protection_enabled

  attribute {
    name = var.lookup_table_hash_key
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  # `enabled = false` does not mean unencrypted: it selects the AWS owned key. `true` with a key ARN
  # selects the customer managed key.
  server_side_encryption {
    enabled     = var.kms_key_arn != null
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}

resource "aws_dynamodb_table_item" "seed" {
  for_each = { for key, item in var.lookup_table_items : key => item if var.create_lookup_table }

  table_name = aws_dynamodb_table.lookup[0].name
  hash_key   = aws_dynamodb_table.lookup[0].hash_key
  item = jsonencode(merge(
    { for attribute, value in each.value : attribute => { S = value } },
    { (var.lookup_table_hash_key) = { S = each.key } },
  ))
}
