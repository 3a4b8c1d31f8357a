resource "aws_kinesis_firehose_delivery_stream" "this" {
  name        = local.delivery_stream_name
  destination = var.destination

  # Amazon Connect writes with PutRecordBatch (Direct PUT), so server-side encryption applies.
  server_side_encryption {
    enabled  = true
    key_type = var.kms_key_arn != null ? "CUSTOMER_MANAGED_CMK" : "AWS_OWNED_CMK"
    key_arn  = var.kms_key_arn
  }

  dynamic "opensearch_configuration" {
    for_each = var.destination == "opensearch" ? [1] : []
    content {
      domain_arn            = local.domain_arn
      role_arn              = aws_iam_role.firehose.arn
      index_name            = var.index_name
      index_rotation_period = var.index_rotation_period
      buffering_interval    = var.buffering_interval
      buffering_size        = var.buffering_size
      retry_duration        = var.retry_duration
      s3_backup_mode        = var.s3_backup_mode

      # Only for NO_DOCUMENT_ID: the provider reads the block back only when DescribeDeliveryStream returns
      # DocumentIdOptions (flattenAmazonopensearchserviceDestinationDescription, delivery_stream.go), and its
      # acceptance test of the basic OpenSearch configuration expects "document_id_options.# = 0"
      # (delivery_stream_test.go): rendering FIREHOSE_DEFAULT explicitly risks a diff on every plan.
      dynamic "document_id_options" {
        for_each = var.document_id_format == "FIREHOSE_DEFAULT" ? [] : [var.document_id_format]
        content {
          default_document_id_format = document_id_options.value
        }
      }

      s3_configuration {
        role_arn           = aws_iam_role.firehose.arn
        bucket_arn         = local.backup_bucket_arn
        compression_format = var.backup_compression_format
        kms_key_arn        = var.kms_key_arn

        cloudwatch_logging_options {
          enabled         = true
          log_group_name  = aws_cloudwatch_log_group.firehose.name
          log_stream_name = aws_cloudwatch_log_stream.firehose["backup"].name
        }
      }

      processing_configuration {
        enabled = local.processing_configuration.enabled

        dynamic "processors" {
          for_each = local.processing_configuration.processors
          content {
            type = processors.value.type

            dynamic "parameters" {
              for_each = processors.value.parameters
              content {
                parameter_name  = parameters.value.name
                parameter_value = parameters.value.value
              }
            }
          }
        }
      }

      cloudwatch_logging_options {
        enabled         = true
        log_group_name  = aws_cloudwatch_log_group.firehose.name
        log_stream_name = aws_cloudwatch_log_stream.firehose["destination"].name
      }

      dynamic "vpc_config" {
        for_each = local.vpc_enabled ? [1] : []
        content {
          role_arn           = aws_iam_role.firehose.arn
          subnet_ids         = local.vpc_subnet_ids
          security_group_ids = local.firehose_security_group_ids
        }
      }
    }
  }

  dynamic "elasticsearch_configuration" {
    for_each = var.destination == "elasticsearch" ? [1] : []
    content {
      domain_arn            = local.domain_arn
      role_arn              = aws_iam_role.firehose.arn
      index_name            = var.index_name
      index_rotation_period = var.index_rotation_period
      buffering_interval    = var.buffering_interval
      buffering_size        = var.buffering_size
      retry_duration        = var.retry_duration
      s3_backup_mode        = var.s3_backup_mode
      # Legacy Elasticsearch 6.x needs a document type; 7.x and later must not get one.
      type_name = var.elasticsearch_type_name

      s3_configuration {
        role_arn           = aws_iam_role.firehose.arn
        bucket_arn         = local.backup_bucket_arn
        compression_format = var.backup_compression_format
        kms_key_arn        = var.kms_key_arn

        cloudwatch_logging_options {
          enabled         = true
          log_group_name  = aws_cloudwatch_log_group.firehose.name
          log_stream_name = aws_cloudwatch_log_stream.firehose["backup"].name
        }
      }

      processing_configuration {
        enabled = local.processing_configuration.enabled

        dynamic "processors" {
          for_each = local.processing_configuration.processors
          content {
            type = processors.value.type

            dynamic "parameters" {
              for_each = processors.value.parameters
              content {
                parameter_name  = parameters.value.name
                parameter_value = parameters.value.value
              }
            }
          }
        }
      }

      cloudwatch_logging_options {
        enabled         = true
        log_group_name  = aws_cloudwatch_log_group.firehose.name
        log_stream_name = aws_cloudwatch_log_stream.firehose["destination"].name
      }

      dynamic "vpc_config" {
        for_each = local.vpc_enabled ? [1] : []
        content {
          role_arn           = aws_iam_role.firehose.arn
          subnet_ids         = local.vpc_subnet_ids
          security_group_ids = local.firehose_security_group_ids
        }
      }
    }
  }

  tags = var.tags

  # Firehose checks at creation that it can use the function, the domain and the bucket.
  depends_on = [
    aws_iam_role_policy.firehose,
    aws_lambda_function.this,
    aws_opensearch_domain_policy.this,
    aws_s3_bucket_policy.backup,
  ]

  lifecycle {
    precondition {
      condition     = !(var.create_opensearch_domain && var.opensearch_domain_arn != null)
      error_message = "opensearch_domain_arn names an existing domain, but create_opensearch_domain is true: set create_opensearch_domain = false to deliver to it, or remove opensearch_domain_arn."
    }
    precondition {
      condition     = var.create_opensearch_domain || var.opensearch_domain_arn != null
      error_message = "create_opensearch_domain is false, so the module needs opensearch_domain_arn: the ARN of the existing domain to deliver to."
    }
    precondition {
      condition     = !(var.create_opensearch_domain && var.opensearch_domain_endpoint != null)
      error_message = "opensearch_domain_endpoint describes an existing domain (with opensearch_domain_arn); the created domain reports its own endpoint. Remove opensearch_domain_endpoint or set create_opensearch_domain = false."
    }
    precondition {
      condition     = !(var.create_backup_bucket && var.backup_bucket_arn != null)
      error_message = "backup_bucket_arn names an existing bucket, but create_backup_bucket is true: set create_backup_bucket = false to use it, or remove backup_bucket_arn."
    }
    precondition {
      condition     = var.create_backup_bucket || var.backup_bucket_arn != null
      error_message = "create_backup_bucket is false, so the module needs backup_bucket_arn: the ARN of the existing bucket for failed documents."
    }
    precondition {
      condition     = var.destination == "elasticsearch" || var.elasticsearch_type_name == null
      error_message = "elasticsearch_type_name is only for destination = \"elasticsearch\" (legacy Elasticsearch 6.x); OpenSearch has no document types. Remove it."
    }
    precondition {
      condition     = var.destination == "opensearch" || var.document_id_format == "FIREHOSE_DEFAULT"
      error_message = "document_id_format = \"NO_DOCUMENT_ID\" is only available with destination = \"opensearch\"; the Elasticsearch destination always uses Firehose document IDs."
    }
    precondition {
      condition     = !(var.destination == "elasticsearch" && var.create_opensearch_domain && local.opensearch_engine == "Elasticsearch" && local.opensearch_engine_major < 7) || var.elasticsearch_type_name != null
      error_message = "Elasticsearch ${var.opensearch_engine_version} indexes need a document type: set elasticsearch_type_name (for example \"_doc\")."
    }
    precondition {
      condition     = !(var.create_opensearch_domain && (local.opensearch_engine == "OpenSearch" || local.opensearch_engine_major >= 7)) || var.elasticsearch_type_name == null
      error_message = "${var.opensearch_engine_version} has no document types: remove elasticsearch_type_name."
    }
    precondition {
      condition     = !local.create_security_groups || var.create_opensearch_domain
      error_message = "vpc_config.create_security_groups creates the security groups of Firehose and of the domain the module creates; an existing domain keeps its own groups. With create_opensearch_domain = false, list in vpc_config.security_group_ids groups that the existing domain's group admits on HTTPS (443)."
    }
    precondition {
      condition     = !local.vpc_enabled || length(var.dashboards_allowed_cidrs) == 0
      error_message = "dashboards_allowed_cidrs only works on a public endpoint; a VPC domain is reached through the VPC (use dashboards_principal_arns, and vpc_config.allowed_cidr_blocks or your own security groups, instead)."
    }
    precondition {
      condition     = var.create_opensearch_domain || (length(var.dashboards_allowed_cidrs) == 0 && length(var.dashboards_principal_arns) == 0 && var.opensearch_master_user_arn == null)
      error_message = "dashboards_allowed_cidrs, dashboards_principal_arns and opensearch_master_user_arn configure the domain the module creates; with an existing domain (create_opensearch_domain = false) manage its access policy and security yourself."
    }
    precondition {
      condition     = !var.create_alarms || var.alarm_sns_topic_arn != null
      error_message = "create_alarms needs alarm_sns_topic_arn: the ARN of the SNS topic the alarms notify."
    }
    precondition {
      condition     = !var.create_alarms || var.alarm_period * var.alarm_evaluation_periods <= (var.alarm_period < 3600 ? 86400 : 604800)
      error_message = "alarm_period (${var.alarm_period} s) times alarm_evaluation_periods (${var.alarm_evaluation_periods}) must be at most one day for periods under an hour, and at most seven days otherwise (CloudWatch's limit)."
    }
    precondition {
      condition     = !var.create_alarms || var.alarm_thresholds.data_freshness_seconds > var.buffering_interval + var.processor_buffer_interval
      error_message = "alarm_thresholds.data_freshness_seconds (${var.alarm_thresholds.data_freshness_seconds}) must exceed buffering_interval + processor_buffer_interval (${var.buffering_interval + var.processor_buffer_interval} s): records wait that long in the buffers by design, so the alarm would always fire."
    }
  }
}
