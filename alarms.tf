locals {
  # Firehose names its delivery metrics after the destination type. DataFreshness exists for the OpenSearch
  # and OpenSearch Serverless destinations but not for the legacy Elasticsearch one: Firehose's "CloudWatch alarms
  # best practices" list DeliveryToS3, -ToIceberg, -ToSplunk, -ToAmazonOpenSearchService,
  # -ToAmazonOpenSearchServerless and -ToHttpEndpoint.DataFreshness, and the Elasticsearch destination publishes only
  # DeliveryToElasticsearch.Bytes, .Records and .Success. An alarm on a metric that is never published sits in OK
  # forever (missing data is not breaching), so there is no data-freshness alarm for destination = "elasticsearch".
  delivery_metric_prefix = {
    opensearch           = "DeliveryToAmazonOpenSearchService"
    elasticsearch        = "DeliveryToElasticsearch"
    opensearchserverless = "DeliveryToAmazonOpenSearchServerless"
  }[var.destination]
  delivery_target = local.domain_destination ? "search domain" : "collection"
  data_freshness_alarm = var.destination != "elasticsearch" ? {
    data-freshness = {
      description = "The oldest record in ${local.delivery_stream_name} waited more than ${var.alarm_thresholds.data_freshness_seconds} s for delivery to the ${local.delivery_target}."
      namespace   = "AWS/Firehose"
      metric_name = "${local.delivery_metric_prefix}.DataFreshness"
      dimensions  = { DeliveryStreamName = local.delivery_stream_name }
      statistic   = "Maximum"
      comparison  = "GreaterThanThreshold"
      threshold   = var.alarm_thresholds.data_freshness_seconds
    }
  } : {}

  # Every alarm, by key (the alarm is named "<name>-<key>"). Dimensions use the names the module gives the
  # function and the stream, so the alarms are fully known at plan time.
  alarm_definitions = merge(local.data_freshness_alarm, {
    lambda-errors = {
      description = "The enrichment function ${local.function_name} failed invocations (Firehose retries the whole batch, then sends it to the backup bucket)."
      namespace   = "AWS/Lambda"
      metric_name = "Errors"
      dimensions  = { FunctionName = local.function_name }
      statistic   = "Sum"
      comparison  = "GreaterThanThreshold"
      threshold   = var.alarm_thresholds.lambda_errors
    }
    lambda-throttles = {
      description = "Invocations of the enrichment function ${local.function_name} were throttled (raise its concurrency or the account's)."
      namespace   = "AWS/Lambda"
      metric_name = "Throttles"
      dimensions  = { FunctionName = local.function_name }
      statistic   = "Sum"
      comparison  = "GreaterThanThreshold"
      threshold   = var.alarm_thresholds.lambda_throttles
    }
    lambda-duration = {
      description = "The enrichment function ${local.function_name} ran longer than ${var.alarm_thresholds.lambda_duration_percent} % of its ${var.lambda_timeout_seconds} s timeout."
      namespace   = "AWS/Lambda"
      metric_name = "Duration"
      dimensions  = { FunctionName = local.function_name }
      statistic   = "Maximum"
      comparison  = "GreaterThanThreshold"
      threshold   = var.lambda_timeout_seconds * 1000 * var.alarm_thresholds.lambda_duration_percent / 100
    }
    processing-failed = {
      description = "The enrichment function answered ProcessingFailed for records (invalid data, oversize, or lookups failing with ON_LOOKUP_ERROR=processing_failed); Firehose wrote them to the backup bucket's processing-failed/ prefix."
      namespace   = var.metrics_namespace
      metric_name = "ProcessingFailed"
      dimensions  = { FunctionName = local.function_name }
      statistic   = "Sum"
      comparison  = "GreaterThanThreshold"
      threshold   = var.alarm_thresholds.processing_failed
    }
    lookup-errors = {
      description = "DynamoDB lookups of the enrichment function failed (throttling, errors, timeouts); the records were handled as ON_LOOKUP_ERROR says."
      namespace   = var.metrics_namespace
      metric_name = "LookupErrors"
      dimensions  = { FunctionName = local.function_name }
      statistic   = "Sum"
      comparison  = "GreaterThanThreshold"
      threshold   = var.alarm_thresholds.lookup_errors
    }
    delivery-success = {
      description = "The share of documents from ${local.delivery_stream_name} that the ${local.delivery_target} accepted stayed below ${var.alarm_thresholds.delivery_success} for ${local.delivery_success_evaluation_periods} periods, longer than Firehose retries one document (mapping conflicts, access denied, a red cluster; not a refused stale copy of a contact); Firehose then backs them up to the bucket. See the Firehose error log group."
      namespace   = "AWS/Firehose"
      metric_name = "${local.delivery_metric_prefix}.Success"
      dimensions  = { DeliveryStreamName = local.delivery_stream_name }
      statistic   = "Average"
      comparison  = "LessThanThreshold"
      threshold   = var.alarm_thresholds.delivery_success
    }
  })
}

locals {
  # With one document per contact (ctr-enrichment opensearch-setup), the domain refuses an older copy of a
  # contact with 409, and Firehose counts it against DeliveryTo*.Success while it retries it: for at most
  # retry_duration_seconds, which touch at most ceil(retry_duration_seconds / alarm_period_seconds) + 1 periods.
  # Needing one period more than that, the alarm fires on refusals that last (access denied, mapping conflicts,
  # a red cluster), not on a stale copy. See the README's "At-least-once delivery".
  delivery_success_evaluation_periods = max(var.alarm_evaluation_periods, ceil(var.retry_duration_seconds / var.alarm_period_seconds) + 2)
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = var.create_alarms ? local.alarm_definitions : {}

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  period              = var.alarm_period_seconds
  evaluation_periods  = each.key == "delivery-success" ? local.delivery_success_evaluation_periods : var.alarm_evaluation_periods
  # No data means no traffic (Firehose and the function publish nothing when idle): not a failure.
  treat_missing_data = "notBreaching"

  actions_enabled = true
  alarm_actions   = [var.alarm_sns_topic_arn]
  ok_actions      = [var.alarm_sns_topic_arn]

  tags = var.tags

  # The cross-variable rules for the alarms are validations of alarm_sns_topic_arn, alarm_evaluation_periods and
  # alarm_thresholds (variables.tf): a mistake is reported once, naming the input to change.
}
