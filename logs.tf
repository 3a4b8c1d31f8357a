resource "aws_cloudwatch_log_group" "lambda" {
  name              = local.lambda_log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

# Firehose error logging: one group, one stream for delivery to the domain and one for the S3 backup.
resource "aws_cloudwatch_log_group" "firehose" {
  name              = local.firehose_log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_cloudwatch_log_stream" "firehose" {
  for_each = local.firehose_log_streams

  name           = each.value
  log_group_name = aws_cloudwatch_log_group.firehose.name
}

resource "aws_cloudwatch_log_group" "opensearch" {
  count = local.opensearch_log_publishing ? 1 : 0

  name              = local.opensearch_log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_cloudwatch_log_resource_policy" "opensearch" {
  count = local.opensearch_log_publishing ? 1 : 0

  policy_name     = "${var.name}-opensearch-logs"
  policy_document = data.aws_iam_policy_document.opensearch_logs[0].json
}
