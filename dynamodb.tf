resource "aws_dynamodb_table" "lookup" {
  #checkov:skip=CKV_AWS_119:DynamoDB always encrypts at rest; without kms_key_arn the AWS owned key is used (no KMS cost or key policy to manage), with it the customer managed key.
  count = var.create_lookup_table ? 1 : 0

  name                        = local.lookup_table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = var.lookup_table_hash_key
  deletion_protection_enabled = var.lookup_table_deletion_protection

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
