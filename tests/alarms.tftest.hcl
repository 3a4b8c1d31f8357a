# CloudWatch alarms: none by default; with create_alarms, each alarm watches the right metric (namespace,
# name, dimensions, statistic) against its threshold and notifies the topic. The function's own metrics
# come from its EMF line (namespace metrics_namespace, dimension FunctionName); that the names match what
# the handler emits is checked against the handler itself in tests/test_terraform_alarms.py.

mock_provider "aws" {
  source = "./tests/mocks/aws"
}

mock_provider "archive" {
  source = "./tests/mocks/archive"
}

variables {
  opensearch_public_endpoint_enabled = true
  alarm_sns_topic_arn                = "arn:aws:sns:us-east-1:123456789012:ctr-alarms"
}

run "no_alarms_by_default" {
  command = plan

  variables {
    alarm_sns_topic_arn = null
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.this) == 0
    error_message = "Alarms must be opt-in (create_alarms)."
  }
}

run "default_alarms_for_the_opensearch_destination" {
  command = plan

  variables {
    create_alarms = true
  }

  # Each alarm as "<name> | <namespace> | <metric> | <dimensions> | <statistic> <comparison> <threshold>".
  assert {
    condition = {
      for key, alarm in aws_cloudwatch_metric_alarm.this : key => format(
        "%s | %s | %s | %s | %s %s %v",
        alarm.alarm_name, alarm.namespace, alarm.metric_name, jsonencode(alarm.dimensions),
        alarm.statistic, alarm.comparison_operator, alarm.threshold,
      )
      } == {
      lambda-errors     = "ctr-enrichment-lambda-errors | AWS/Lambda | Errors | {\"FunctionName\":\"ctr-enrichment\"} | Sum GreaterThanThreshold 0"
      lambda-throttles  = "ctr-enrichment-lambda-throttles | AWS/Lambda | Throttles | {\"FunctionName\":\"ctr-enrichment\"} | Sum GreaterThanThreshold 0"
      lambda-duration   = "ctr-enrichment-lambda-duration | AWS/Lambda | Duration | {\"FunctionName\":\"ctr-enrichment\"} | Maximum GreaterThanThreshold 48000"
      processing-failed = "ctr-enrichment-processing-failed | CtrEnrichment | ProcessingFailed | {\"FunctionName\":\"ctr-enrichment\"} | Sum GreaterThanThreshold 0"
      lookup-errors     = "ctr-enrichment-lookup-errors | CtrEnrichment | LookupErrors | {\"FunctionName\":\"ctr-enrichment\"} | Sum GreaterThanThreshold 0"
      delivery-success  = "ctr-enrichment-delivery-success | AWS/Firehose | DeliveryToAmazonOpenSearchService.Success | {\"DeliveryStreamName\":\"ctr-enrichment\"} | Average LessThanThreshold 1"
      data-freshness    = "ctr-enrichment-data-freshness | AWS/Firehose | DeliveryToAmazonOpenSearchService.DataFreshness | {\"DeliveryStreamName\":\"ctr-enrichment\"} | Maximum GreaterThanThreshold 900"
    }
    error_message = "Each alarm must watch its metric (namespace, name, dimensions, statistic) against its default threshold; the duration alarm at 80 % of the 60 s timeout (48,000 ms)."
  }
  assert {
    condition = alltrue([for alarm in aws_cloudwatch_metric_alarm.this :
      alarm.alarm_actions == toset(["arn:aws:sns:us-east-1:123456789012:ctr-alarms"]) &&
      alarm.ok_actions == toset(["arn:aws:sns:us-east-1:123456789012:ctr-alarms"]) &&
      alarm.actions_enabled &&
      alarm.period == 300 && alarm.evaluation_periods == (alarm.alarm_name == "ctr-enrichment-delivery-success" ? 3 : 1) &&
      alarm.treat_missing_data == "notBreaching"
    ])
    error_message = "Every alarm must notify the topic on ALARM and OK, over 300 s, one period (delivery-success three: longer than the 300 s Firehose retries a refused stale copy), with missing data (no traffic) not breaching."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["lambda-errors"].dimensions["FunctionName"] == aws_lambda_function.this.function_name && aws_cloudwatch_metric_alarm.this["delivery-success"].dimensions["DeliveryStreamName"] == aws_kinesis_firehose_delivery_stream.this.name
    error_message = "The dimensions must name the function and the stream the module creates."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["processing-failed"].namespace == aws_lambda_function.this.environment[0].variables["METRICS_NAMESPACE"]
    error_message = "The function-metric alarms must watch the namespace the function publishes to."
  }
}

run "elasticsearch_destination_metrics" {
  command = plan

  variables {
    create_alarms             = true
    destination               = "elasticsearch"
    opensearch_engine_version = "Elasticsearch_7.10"
  }

  assert {
    condition     = [aws_cloudwatch_metric_alarm.this["delivery-success"].namespace, aws_cloudwatch_metric_alarm.this["delivery-success"].metric_name] == ["AWS/Firehose", "DeliveryToElasticsearch.Success"]
    error_message = "The Elasticsearch destination publishes DeliveryToElasticsearch.* metrics."
  }
  # Finding 7: only metrics the legacy destination publishes (DeliveryToElasticsearch.Bytes, .Records,
  # .Success); it has no DataFreshness, so no freshness alarm that could never fire.
  assert {
    condition     = alltrue([for alarm in aws_cloudwatch_metric_alarm.this : contains(["DeliveryToElasticsearch.Bytes", "DeliveryToElasticsearch.Records", "DeliveryToElasticsearch.Success"], alarm.metric_name) if alarm.namespace == "AWS/Firehose"])
    error_message = "An alarm watches a Firehose metric the Elasticsearch destination does not publish: ${join(", ", [for alarm in aws_cloudwatch_metric_alarm.this : alarm.metric_name if alarm.namespace == "AWS/Firehose"])}."
  }
  assert {
    condition     = keys(aws_cloudwatch_metric_alarm.this) == ["delivery-success", "lambda-duration", "lambda-errors", "lambda-throttles", "lookup-errors", "processing-failed"]
    error_message = "The Elasticsearch destination gets every alarm but data-freshness."
  }
}

run "custom_thresholds_namespace_and_window" {
  command = plan

  variables {
    create_alarms            = true
    name                     = "acme-ctr"
    metrics_namespace        = "Contact Centre/CTR"
    lambda_timeout_seconds   = 120
    alarm_period_seconds     = 60
    alarm_evaluation_periods = 5
    alarm_thresholds = {
      lambda_errors           = 2
      lambda_throttles        = 10
      lambda_duration_percent = 75
      processing_failed       = 3
      lookup_errors           = 50
      delivery_success        = 0.95
      data_freshness_seconds  = 1800
    }
    tags = { Team = "contact-centre" }
  }

  assert {
    condition = { for key, alarm in aws_cloudwatch_metric_alarm.this : key => alarm.threshold } == {
      lambda-errors     = 2
      lambda-throttles  = 10
      lambda-duration   = 90000
      processing-failed = 3
      lookup-errors     = 50
      delivery-success  = 0.95
      data-freshness    = 1800
    }
    error_message = "Each threshold must reach its alarm; the duration threshold is 75 % of 120 s (90,000 ms)."
  }
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["processing-failed"].namespace == "Contact Centre/CTR" &&
      aws_cloudwatch_metric_alarm.this["lookup-errors"].namespace == "Contact Centre/CTR" &&
      aws_cloudwatch_metric_alarm.this["processing-failed"].dimensions == tomap({ FunctionName = "acme-ctr" }) &&
      aws_cloudwatch_metric_alarm.this["data-freshness"].dimensions == tomap({ DeliveryStreamName = "acme-ctr" })
    )
    error_message = "The function-metric alarms must follow metrics_namespace, and every dimension the names."
  }
  assert {
    condition     = alltrue([for key, alarm in aws_cloudwatch_metric_alarm.this : startswith(alarm.alarm_name, "acme-ctr-") && alarm.period == 60 && alarm.evaluation_periods == (key == "delivery-success" ? 7 : 5) && alarm.tags == tomap({ Team = "contact-centre" })])
    error_message = "Alarms must be named after var.name, use the period and evaluation periods given (delivery-success: ceil(300 s retry / 60 s) + 2 = 7), and carry var.tags."
  }
}

run "delivery_success_outlasts_the_retry_of_a_stale_copy" {
  command = plan

  variables {
    create_alarms            = true
    retry_duration_seconds   = 3600
    alarm_period_seconds     = 600
    alarm_evaluation_periods = 2
  }

  # A refused older copy of a contact fails for at most retry_duration (3,600 s): at most 7 periods of 600 s.
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["delivery-success"].evaluation_periods == 8 && aws_cloudwatch_metric_alarm.this["data-freshness"].evaluation_periods == 2
    error_message = "delivery-success must need ceil(retry_duration / alarm_period) + 2 periods (8 here); the other alarms keep alarm_evaluation_periods."
  }
}

run "delivery_success_keeps_a_longer_evaluation_given" {
  command = plan

  variables {
    create_alarms            = true
    retry_duration_seconds   = 0
    alarm_evaluation_periods = 4
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["delivery-success"].evaluation_periods == 4
    error_message = "alarm_evaluation_periods above the retry window must win for delivery-success too."
  }
}
