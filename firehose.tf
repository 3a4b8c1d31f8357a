locals {
  # The Lambda processor, written once and shared by both destination blocks. Firehose fills in its own
  # defaults (NumberOfRetries 3, BufferSizeInMBs 1, BufferIntervalInSeconds 60) and the AWS provider leaves
  # parameters that equal those defaults out of the state, so a parameter is rendered only when it differs
  # from its default: that keeps every plan after the first one empty. LambdaArn is always rendered, with
  # `:$LATEST` as Firehose expects. `parameters` is a set in the provider schema, so its order carries no
  # meaning; the list below is in the documented order for readers.
  lambda_processor_parameters = [
    { name = "LambdaArn", value = "${local.lambda_function_arn}:$LATEST", render = true },
    { name = "BufferSizeInMBs", value = tostring(var.processor_buffering_size_mb), render = var.processor_buffering_size_mb != 1 },
    { name = "BufferIntervalInSeconds", value = tostring(var.processor_buffering_interval_seconds), render = var.processor_buffering_interval_seconds != 60 },
    { name = "NumberOfRetries", value = tostring(var.processor_retries), render = var.processor_retries != 3 },
  ]
  processing_configuration = {
    enabled = true
    processors = [{
      type       = "Lambda"
      parameters = [for p in local.lambda_processor_parameters : { name = p.name, value = p.value } if p.render]
    }]
  }

  # A domain of another account is addressed by its endpoint: Firehose's ClusterEndpoint "instead of DomainARN"
  # (Firehose Developer Guide, "Cross-account delivery to an OpenSearch Service destination"). The provider refuses
  # both at once (opensearch_configuration/elasticsearch_configuration cluster_endpoint ConflictsWith domain_arn,
  # delivery_stream.go), and the API wants a URL (botocore AmazonopensearchserviceClusterEndpoint: "https:.*").
  destination_domain_arn       = local.cross_account_domain ? null : local.domain_arn
  destination_cluster_endpoint = local.cross_account_domain ? "https://${var.opensearch_domain_endpoint}" : null
}

resource "aws_kinesis_firehose_delivery_stream" "this" {
  name        = local.delivery_stream_name
  destination = var.destination

  # Direct PUT (Amazon Connect writes with PutRecordBatch): the stream encrypts what it holds, with kms_key_arn or
  # an AWS owned key. With a Kinesis data stream as source Firehose "no longer stores the data at rest. Instead, the
  # data is stored in the Kinesis stream", encrypted by the stream's key (Firehose Developer Guide, server-side
  # encryption), and the provider refuses the block: kinesis_source_configuration ConflictsWith
  # server_side_encryption (resourceDeliveryStream, internal/service/firehose/delivery_stream.go), which only the
  # AWS-rules layer checks offline (tests/aws_rules/provider_rules.py).
  dynamic "server_side_encryption" {
    for_each = local.kinesis_source_enabled ? [] : [1]
    content {
      enabled  = true
      key_type = var.kms_key_arn != null ? "CUSTOMER_MANAGED_CMK" : "AWS_OWNED_CMK"
      key_arn  = var.kms_key_arn
    }
  }

  # An existing Kinesis data stream (kinesis_source): Firehose reads it with the delivery role (iam.tf), from the
  # LATEST position. Changing the source replaces the stream (ForceNew).
  dynamic "kinesis_source_configuration" {
    for_each = local.kinesis_source_enabled ? [var.kinesis_source.stream_arn] : []
    content {
      kinesis_stream_arn = kinesis_source_configuration.value
      role_arn           = aws_iam_role.firehose.arn
    }
  }

  # The three destination blocks are the provider's three schemas for the same settings, so they are written out
  # three times; tests/test_terraform_toggles.py plans them side by side and fails when they differ in anything but
  # what the schema gives one of them only: document_id_options (OpenSearch), type_name (legacy Elasticsearch),
  # domain_arn/cluster_endpoint/index_rotation_period (domains) and collection_endpoint (OpenSearch Serverless).
  dynamic "opensearch_configuration" {
    for_each = var.destination == "opensearch" ? [1] : []
    content {
      domain_arn            = local.destination_domain_arn
      cluster_endpoint      = local.destination_cluster_endpoint
      role_arn              = aws_iam_role.firehose.arn
      index_name            = var.index_name
      index_rotation_period = var.index_rotation_period
      buffering_interval    = var.buffering_interval_seconds
      buffering_size        = var.buffering_size_mb
      retry_duration        = var.retry_duration_seconds
      s3_backup_mode        = var.backup_mode

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
      domain_arn            = local.destination_domain_arn
      cluster_endpoint      = local.destination_cluster_endpoint
      role_arn              = aws_iam_role.firehose.arn
      index_name            = var.index_name
      index_rotation_period = var.index_rotation_period
      buffering_interval    = var.buffering_interval_seconds
      buffering_size        = var.buffering_size_mb
      retry_duration        = var.retry_duration_seconds
      s3_backup_mode        = var.backup_mode
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

  # OpenSearch Serverless: the collection's endpoint, one index (no rotation, no document type, no document ID
  # options: AmazonOpenSearchServerlessDestinationConfiguration has none of them), VPC delivery for a collection
  # reached through a VPC endpoint.
  dynamic "opensearchserverless_configuration" {
    for_each = local.domain_destination ? [] : [1]
    content {
      collection_endpoint = local.collection_endpoint
      role_arn            = aws_iam_role.firehose.arn
      index_name          = var.index_name
      buffering_interval  = var.buffering_interval_seconds
      buffering_size      = var.buffering_size_mb
      retry_duration      = var.retry_duration_seconds
      s3_backup_mode      = var.backup_mode

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

  # Firehose checks at creation that it can use the function, the destination and the bucket (and reads the
  # source stream from the moment it exists).
  depends_on = [
    aws_iam_role_policy.firehose,
    aws_lambda_function.this,
    aws_opensearch_domain_policy.this,
    aws_opensearchserverless_access_policy.this,
    aws_opensearchserverless_security_policy.network,
    aws_s3_bucket_policy.backup,
  ]
}
