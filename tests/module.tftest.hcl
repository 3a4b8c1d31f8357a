# What the module builds from its inputs: the function and its package, the ENRICHMENT_RULES contract,
# the Firehose processor, encryption, the search domain, the backup bucket, names and tags.
# IAM policies are rendered by the real provider in iam.tftest.hcl; validation lives in validation.tftest.hcl.

mock_provider "aws" {
  source = "./tests/mocks/aws"
}

mock_provider "archive" {
  source = "./tests/mocks/archive"
}

variables {
  opensearch_public_endpoint_enabled = true
}

run "function_defaults" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.function_name == "ctr-enrichment" && aws_lambda_function.this.handler == "ctr_enrichment.handler.lambda_handler"
    error_message = "The function must be named after var.name and use the ctr_enrichment.handler.lambda_handler entry point."
  }
  assert {
    condition     = aws_lambda_function.this.runtime == "python3.13" && aws_lambda_function.this.architectures == tolist(["arm64"])
    error_message = "The function must default to python3.13 on arm64."
  }
  assert {
    condition     = aws_lambda_function.this.memory_size == 256 && aws_lambda_function.this.timeout == 60 && aws_lambda_function.this.reserved_concurrent_executions == null
    error_message = "The function must default to 256 MB, 60 s and no reserved concurrency."
  }
  assert {
    condition     = aws_lambda_function.this.tracing_config[0].mode == "PassThrough"
    error_message = "X-Ray tracing must be off (PassThrough) unless lambda_tracing_enabled is set."
  }
  assert {
    condition     = aws_lambda_function.this.source_code_hash == data.archive_file.lambda_plan.output_base64sha256 && aws_lambda_function.this.filename == archive_file.lambda.output_path
    error_message = "The function must upload the package the apply builds, with the hash of the identical package the plan built as source_code_hash."
  }
  assert {
    condition     = endswith(archive_file.lambda.output_path, "/builds/ctr-enrichment-lambda.zip") && startswith(archive_file.lambda.output_path, path.root) && data.archive_file.lambda_plan.output_path != archive_file.lambda.output_path
    error_message = "The package must be built under path.root/builds, the plan-time copy beside it (never the same file)."
  }
  assert {
    condition     = aws_lambda_function.this.logging_config[0].log_group == aws_cloudwatch_log_group.lambda.name && aws_cloudwatch_log_group.lambda.name == "/aws/lambda/ctr-enrichment"
    error_message = "The function must log to the log group the module creates for it."
  }
  assert {
    condition     = aws_cloudwatch_log_group.lambda.retention_in_days == 365 && aws_cloudwatch_log_group.firehose.retention_in_days == 365
    error_message = "Log groups must keep logs for log_retention_in_days (default 365)."
  }
}

run "function_settings" {
  command = plan

  variables {
    lambda_runtime                        = "python3.12"
    lambda_architecture                   = "x86_64"
    lambda_memory_size_mb                 = 1024
    lambda_timeout_seconds                = 300
    lambda_reserved_concurrent_executions = 20
    lambda_tracing_enabled                = true
    log_retention_days                    = 30
  }

  assert {
    condition     = aws_lambda_function.this.runtime == "python3.12" && aws_lambda_function.this.architectures == tolist(["x86_64"])
    error_message = "lambda_runtime and lambda_architecture must reach the function."
  }
  assert {
    condition     = aws_lambda_function.this.memory_size == 1024 && aws_lambda_function.this.timeout == 300 && aws_lambda_function.this.reserved_concurrent_executions == 20
    error_message = "Memory, timeout and reserved concurrency must reach the function."
  }
  assert {
    condition     = aws_lambda_function.this.tracing_config[0].mode == "Active"
    error_message = "lambda_tracing_enabled must turn on Active X-Ray tracing."
  }
  assert {
    condition     = aws_cloudwatch_log_group.lambda.retention_in_days == 30 && aws_cloudwatch_log_group.firehose.retention_in_days == 30 && aws_cloudwatch_log_group.opensearch[0].retention_in_days == 30
    error_message = "log_retention_in_days must reach every log group."
  }
}

run "package_holds_only_the_python_sources" {
  command = plan

  assert {
    condition     = contains(local.lambda_source_files, "ctr_enrichment/config.py") && contains(local.lambda_source_files, "ctr_enrichment/__init__.py") && contains(local.lambda_source_files, "ctr_enrichment/contract.json")
    error_message = "The package must contain the ctr_enrichment package at the zip root, with the contract.json its config reads."
  }
  assert {
    condition     = alltrue([for f in local.lambda_source_files : (endswith(f, ".py") || endswith(f, ".json")) && length(regexall("__pycache__|(^|/)tests?/|(^|/)test_", f)) == 0])
    error_message = "The package must hold Python sources and their JSON data only: no caches, no tests."
  }
  assert {
    condition     = sort([for s in archive_file.lambda.source : s.filename]) == local.lambda_source_files
    error_message = "Every selected source file, and nothing else, must go into the archive."
  }
  assert {
    condition     = alltrue([for s in archive_file.lambda.source : s.content == file("${path.root}/lambda_src/${s.filename}")])
    error_message = "Each archive entry must hold the file's current content."
  }
  assert {
    condition = (
      archive_file.lambda.source == data.archive_file.lambda_plan.source &&
      archive_file.lambda.type == data.archive_file.lambda_plan.type &&
      archive_file.lambda.output_file_mode == data.archive_file.lambda_plan.output_file_mode
    )
    error_message = "The package built at apply and the one hashed at plan must come from identical inputs."
  }
}

run "enrichment_rules_default" {
  command = plan

  assert {
    condition = jsondecode(aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"]) == [{
      name       = "customer"
      source     = "CustomerEndpoint.Address"
      table      = "ctr-enrichment-lookup"
      key        = "number"
      attributes = null
      target     = "Customer"
      normalize  = "phone"
    }]
    error_message = "The default rule must look CustomerEndpoint.Address up (as a phone number) in the module's table by \"number\" and write Customer: ${aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"]}"
  }
  assert {
    condition = aws_lambda_function.this.environment[0].variables == tomap({
      ENRICHMENT_RULES  = output.enrichment_rules
      ON_LOOKUP_ERROR   = "deliver_unenriched"
      CACHE_TTL_SECONDS = "300"
      METRICS_NAMESPACE = "CtrEnrichment"
      LOG_LEVEL         = "INFO"
    })
    error_message = "The function's environment must hold exactly the five settings, with their defaults; no CACHE_MAX_ENTRIES, so that memory alone bounds the cache."
  }
}

run "enrichment_rules_custom" {
  command = plan

  variables {
    lookup_table_hash_key = "phone"
    enrichment_rules = [
      {
        name       = "customer"
        source     = "CustomerEndpoint.Address"
        target     = "Customer"
        normalize  = "phone"
        attributes = { Name = "name", Tier = "tier" }
      },
      {
        name   = "agent-profile"
        source = "Agent.Username"
        target = "Enriched.Agent"
        table  = "agents"
        key    = "username"
      },
      {
        name   = "queue_sla"
        source = "Queue.Name"
        target = "Enriched.Queue"
        table  = "arn:aws:dynamodb:eu-west-1:210987654321:table/queues"
        key    = "queue"
      },
    ]
    on_lookup_error   = "retry_batch"
    cache_ttl_seconds = 0.5
    cache_max_entries = 0
    metrics_namespace = "Contact Centre/CTR"
    log_level         = "DEBUG"
  }

  assert {
    condition = jsondecode(aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"]) == [
      {
        name       = "customer"
        source     = "CustomerEndpoint.Address"
        table      = "ctr-enrichment-lookup"
        key        = "phone"
        attributes = { Name = "name", Tier = "tier" }
        target     = "Customer"
        normalize  = "phone"
      },
      {
        name       = "agent-profile"
        source     = "Agent.Username"
        table      = "agents"
        key        = "username"
        attributes = null
        target     = "Enriched.Agent"
        normalize  = "none"
      },
      {
        name       = "queue_sla"
        source     = "Queue.Name"
        table      = "arn:aws:dynamodb:eu-west-1:210987654321:table/queues"
        key        = "queue"
        attributes = null
        target     = "Enriched.Queue"
        normalize  = "none"
      },
    ]
    error_message = "Rules must keep their own tables, keys and attributes, default to the module table and its hash key, and to normalize = none."
  }
  assert {
    condition     = local.rule_table_arns == tolist(["arn:aws:dynamodb:us-east-1:123456789012:table/ctr-enrichment-lookup", "arn:aws:dynamodb:us-east-1:123456789012:table/agents", "arn:aws:dynamodb:eu-west-1:210987654321:table/queues"])
    error_message = "Every table a rule names must become one ARN (names in this account and Region, ARNs as given)."
  }
  assert {
    condition     = aws_lambda_function.this.environment[0].variables["ON_LOOKUP_ERROR"] == "retry_batch" && aws_lambda_function.this.environment[0].variables["CACHE_TTL_SECONDS"] == "0.5" && aws_lambda_function.this.environment[0].variables["CACHE_MAX_ENTRIES"] == "0" && aws_lambda_function.this.environment[0].variables["METRICS_NAMESPACE"] == "Contact Centre/CTR" && aws_lambda_function.this.environment[0].variables["LOG_LEVEL"] == "DEBUG"
    error_message = "The handler settings must reach the environment as the handler parses them."
  }
  assert {
    condition     = aws_dynamodb_table.lookup[0].hash_key == "phone" && one(aws_dynamodb_table.lookup[0].attribute).name == "phone" && one(aws_dynamodb_table.lookup[0].attribute).type == "S"
    error_message = "The lookup table's partition key must be lookup_table_hash_key, of type S."
  }
}

run "processor_defaults_render_only_the_function" {
  command = plan

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].processing_configuration[0].enabled
    error_message = "Record transformation must be enabled."
  }
  assert {
    condition     = [for p in aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].processing_configuration[0].processors : p.type] == ["Lambda"]
    error_message = "There must be exactly one processor, of type Lambda."
  }
  assert {
    condition = {
      for p in aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].processing_configuration[0].processors[0].parameters : p.parameter_name => p.parameter_value
      } == {
      LambdaArn = "arn:aws:lambda:us-east-1:123456789012:function:ctr-enrichment:$LATEST"
    }
    error_message = "With Firehose's defaults (1 MB, 60 s, 3 retries) only LambdaArn (with :$LATEST) may be rendered, or the provider would plan a change on every run."
  }
}

run "processor_non_defaults_render_all_four_parameters" {
  command = plan

  variables {
    processor_buffering_size_mb          = 0.5
    processor_buffering_interval_seconds = 120
    processor_retries                    = 5
  }

  assert {
    condition = {
      for p in aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].processing_configuration[0].processors[0].parameters : p.parameter_name => p.parameter_value
      } == {
      LambdaArn               = "arn:aws:lambda:us-east-1:123456789012:function:ctr-enrichment:$LATEST"
      BufferSizeInMBs         = "0.5"
      BufferIntervalInSeconds = "120"
      NumberOfRetries         = "5"
    }
    error_message = "All four Lambda parameters must be rendered with the configured values."
  }
  assert {
    condition     = [for p in local.lambda_processor_parameters : p.name] == ["LambdaArn", "BufferSizeInMBs", "BufferIntervalInSeconds", "NumberOfRetries"]
    error_message = "The processor parameters must be declared in the fixed order LambdaArn, BufferSizeInMBs, BufferIntervalInSeconds, NumberOfRetries."
  }
}

run "processor_is_shared_by_the_elasticsearch_destination" {
  command = plan

  variables {
    destination                 = "elasticsearch"
    opensearch_engine_version   = "Elasticsearch_7.10"
    processor_buffering_size_mb = 3
    processor_retries           = 0
  }

  assert {
    condition = {
      for p in aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].processing_configuration[0].processors[0].parameters : p.parameter_name => p.parameter_value
      } == {
      LambdaArn       = "arn:aws:lambda:us-east-1:123456789012:function:ctr-enrichment:$LATEST"
      BufferSizeInMBs = "3"
      NumberOfRetries = "0"
    }
    error_message = "The Elasticsearch destination must use the same processor configuration."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].type_name == null
    error_message = "Elasticsearch 7 and later must not get a type name."
  }
  assert {
    condition     = aws_opensearch_domain.this[0].engine_version == "Elasticsearch_7.10"
    error_message = "opensearch_engine_version must reach the domain."
  }
}

run "elasticsearch_6_gets_its_type_name" {
  command = plan

  variables {
    destination               = "elasticsearch"
    opensearch_engine_version = "Elasticsearch_6.8"
    elasticsearch_type_name   = "_doc"
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].type_name == "_doc"
    error_message = "elasticsearch_type_name must reach the Elasticsearch destination."
  }
}

run "delivery_settings" {
  command = plan

  variables {
    index_name                 = "connect-ctr"
    index_rotation_period      = "OneWeek"
    buffering_interval_seconds = 0
    buffering_size_mb          = 100
    opensearch_instance_type   = "r6g.large.search" # 100 MiB HTTP requests: room for a 100 MB buffer
    retry_duration_seconds     = 7200
    backup_mode                = "AllDocuments"
    document_id_format         = "NO_DOCUMENT_ID"
    backup_compression_format  = "UNCOMPRESSED"
  }

  assert {
    condition = {
      index_name            = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].index_name
      index_rotation_period = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].index_rotation_period
      buffering_interval    = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].buffering_interval
      buffering_size        = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].buffering_size
      retry_duration        = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].retry_duration
      s3_backup_mode        = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].s3_backup_mode
      document_id           = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].document_id_options[0].default_document_id_format
      compression           = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].s3_configuration[0].compression_format
      } == {
      index_name            = "connect-ctr"
      index_rotation_period = "OneWeek"
      buffering_interval    = 0
      buffering_size        = 100
      retry_duration        = 7200
      s3_backup_mode        = "AllDocuments"
      document_id           = "NO_DOCUMENT_ID"
      compression           = "UNCOMPRESSED"
    }
    error_message = "The delivery settings must reach the OpenSearch destination."
  }
}

run "delivery_error_logging" {
  command = plan

  assert {
    condition     = toset([for s in aws_cloudwatch_log_stream.firehose : s.name]) == toset(["DestinationDelivery", "BackupDelivery"]) && alltrue([for s in aws_cloudwatch_log_stream.firehose : s.log_group_name == "/aws/kinesisfirehose/ctr-enrichment"])
    error_message = "The module must create the Firehose error log group with a destination and a backup stream."
  }
  assert {
    condition = (
      aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].cloudwatch_logging_options[0].enabled &&
      aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].cloudwatch_logging_options[0].log_group_name == "/aws/kinesisfirehose/ctr-enrichment" &&
      aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].cloudwatch_logging_options[0].log_stream_name == "DestinationDelivery" &&
      aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].s3_configuration[0].cloudwatch_logging_options[0].enabled &&
      aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].s3_configuration[0].cloudwatch_logging_options[0].log_stream_name == "BackupDelivery"
    )
    error_message = "Delivery and backup errors must be logged to their streams."
  }
}

run "encryption_by_default" {
  command = plan

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.server_side_encryption[0].enabled && aws_kinesis_firehose_delivery_stream.this.server_side_encryption[0].key_type == "AWS_OWNED_CMK"
    error_message = "The stream must be encrypted at rest (AWS owned key by default)."
  }
  assert {
    condition     = aws_opensearch_domain.this[0].encrypt_at_rest[0].enabled && aws_opensearch_domain.this[0].node_to_node_encryption[0].enabled
    error_message = "The domain must encrypt data at rest and between nodes."
  }
  assert {
    condition     = aws_opensearch_domain.this[0].domain_endpoint_options[0].enforce_https && aws_opensearch_domain.this[0].domain_endpoint_options[0].tls_security_policy == "Policy-Min-TLS-1-2-2019-07"
    error_message = "The domain must enforce HTTPS with TLS 1.2 or later."
  }
  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.backup[0].rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "The backup bucket must encrypt with SSE-S3 by default."
  }
  assert {
    condition     = !aws_dynamodb_table.lookup[0].server_side_encryption[0].enabled && aws_dynamodb_table.lookup[0].point_in_time_recovery[0].enabled
    error_message = "The lookup table must use the AWS owned key by default and keep point-in-time recovery on."
  }
}

run "customer_managed_key_everywhere" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.server_side_encryption[0].key_type == "CUSTOMER_MANAGED_CMK" && aws_kinesis_firehose_delivery_stream.this.server_side_encryption[0].key_arn == var.kms_key_arn
    error_message = "The stream must use the customer managed key."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].s3_configuration[0].kms_key_arn == var.kms_key_arn
    error_message = "Backup objects must be encrypted with the customer managed key."
  }
  assert {
    condition     = aws_dynamodb_table.lookup[0].server_side_encryption[0].enabled && aws_dynamodb_table.lookup[0].server_side_encryption[0].kms_key_arn == var.kms_key_arn
    error_message = "The lookup table must use the customer managed key."
  }
  assert {
    condition     = aws_lambda_function.this.kms_key_arn == var.kms_key_arn
    error_message = "The function's environment must be encrypted with the customer managed key."
  }
  assert {
    condition     = alltrue([for g in [aws_cloudwatch_log_group.lambda, aws_cloudwatch_log_group.firehose, aws_cloudwatch_log_group.opensearch[0]] : g.kms_key_id == var.kms_key_arn])
    error_message = "Every log group must use the customer managed key."
  }
  assert {
    condition     = aws_opensearch_domain.this[0].encrypt_at_rest[0].kms_key_id == var.kms_key_arn
    error_message = "The domain must encrypt at rest with the customer managed key."
  }
  assert {
    condition = (
      one(one(aws_s3_bucket_server_side_encryption_configuration.backup[0].rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms" &&
      one(one(aws_s3_bucket_server_side_encryption_configuration.backup[0].rule).apply_server_side_encryption_by_default).kms_master_key_id == var.kms_key_arn &&
      one(aws_s3_bucket_server_side_encryption_configuration.backup[0].rule).bucket_key_enabled
    )
    error_message = "The backup bucket must default to SSE-KMS with the customer managed key and an S3 bucket key."
  }
}

run "search_domain_defaults" {
  command = plan

  assert {
    condition = (
      aws_opensearch_domain.this[0].domain_name == "ctr-enrichment" &&
      aws_opensearch_domain.this[0].engine_version == "OpenSearch_2.19" &&
      aws_opensearch_domain.this[0].cluster_config[0].instance_type == "t3.small.search" &&
      aws_opensearch_domain.this[0].cluster_config[0].instance_count == 1 &&
      !aws_opensearch_domain.this[0].cluster_config[0].zone_awareness_enabled
    )
    error_message = "The default domain must be a single t3.small.search node running OpenSearch_2.19."
  }
  assert {
    condition     = aws_opensearch_domain.this[0].ebs_options[0].ebs_enabled && aws_opensearch_domain.this[0].ebs_options[0].volume_size == 10 && aws_opensearch_domain.this[0].ebs_options[0].volume_type == "gp3"
    error_message = "The domain must get 10 GiB of gp3 storage per node."
  }
  assert {
    condition     = length(aws_opensearch_domain.this[0].advanced_security_options) == 0 && length(aws_opensearch_domain.this[0].vpc_options) == 0
    error_message = "Fine-grained access control and VPC placement must be opt-in."
  }
  assert {
    condition     = one(aws_opensearch_domain.this[0].log_publishing_options).log_type == "ES_APPLICATION_LOGS" && one(aws_opensearch_domain.this[0].log_publishing_options).cloudwatch_log_group_arn == "arn:aws:logs:us-east-1:123456789012:log-group:/aws/opensearch/ctr-enrichment"
    error_message = "The domain must publish its application logs to the log group the module creates."
  }
  assert {
    condition     = aws_opensearch_domain_policy.this[0].domain_name == aws_opensearch_domain.this[0].domain_name
    error_message = "The access policy must be attached to the created domain."
  }
}

run "search_domain_in_a_vpc_across_zones" {
  command = plan

  variables {
    opensearch_public_endpoint_enabled = false
    vpc_config = {
      subnet_ids         = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
      security_group_ids = ["sg-0123456789abcdef0"]
    }
    opensearch_availability_zone_count = 2
    opensearch_instance_count          = 4
    opensearch_instance_type           = "r6g.large.search"
    opensearch_ebs_volume_size_gib     = 100
  }

  assert {
    condition     = toset(aws_opensearch_domain.this[0].vpc_options[0].subnet_ids) == toset(var.vpc_config.subnet_ids) && toset(aws_opensearch_domain.this[0].vpc_options[0].security_group_ids) == toset(var.vpc_config.security_group_ids)
    error_message = "The domain must be placed in the given subnets and security groups."
  }
  assert {
    condition     = aws_opensearch_domain.this[0].cluster_config[0].zone_awareness_enabled && aws_opensearch_domain.this[0].cluster_config[0].zone_awareness_config[0].availability_zone_count == 2 && aws_opensearch_domain.this[0].cluster_config[0].instance_count == 4
    error_message = "The domain must spread its nodes over the configured Availability Zones."
  }
  assert {
    condition     = toset(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].vpc_config[0].subnet_ids) == toset(var.vpc_config.subnet_ids) && toset(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].vpc_config[0].security_group_ids) == toset(var.vpc_config.security_group_ids)
    error_message = "Firehose must deliver through the same subnets and security groups."
  }
}

run "public_domain_has_no_vpc_delivery" {
  command = plan

  assert {
    condition     = length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].vpc_config) == 0
    error_message = "Without vpc_config Firehose must deliver to the public endpoint."
  }
}

run "fine_grained_access_control" {
  command = plan

  variables {
    opensearch_master_user_arn = "arn:aws:iam::123456789012:role/search-admin"
  }

  assert {
    condition = (
      aws_opensearch_domain.this[0].advanced_security_options[0].enabled &&
      !aws_opensearch_domain.this[0].advanced_security_options[0].anonymous_auth_enabled &&
      !aws_opensearch_domain.this[0].advanced_security_options[0].internal_user_database_enabled &&
      aws_opensearch_domain.this[0].advanced_security_options[0].master_user_options[0].master_user_arn == "arn:aws:iam::123456789012:role/search-admin"
    )
    error_message = "opensearch_master_user_arn must turn on fine-grained access control with that IAM master user and no anonymous access."
  }
}

run "domain_log_publishing_can_be_turned_off" {
  command = plan

  variables {
    opensearch_log_publishing_enabled = false
  }

  assert {
    condition     = length(aws_opensearch_domain.this[0].log_publishing_options) == 0 && length(aws_cloudwatch_log_group.opensearch) == 0 && length(aws_cloudwatch_log_resource_policy.opensearch) == 0
    error_message = "Without log publishing the domain must not get a log group or a log resource policy."
  }
}

run "backup_bucket_is_private_and_expires" {
  command = plan

  variables {
    backup_expiration_days              = 14
    backup_bucket_force_destroy_enabled = true
  }

  assert {
    condition     = aws_s3_bucket.backup[0].bucket == "ctr-enrichment-backup-123456789012-us-east-1" && aws_s3_bucket.backup[0].force_destroy
    error_message = "The bucket name must derive from var.name, the account and the Region; force_destroy must follow the input."
  }
  assert {
    condition = (
      aws_s3_bucket_public_access_block.backup[0].block_public_acls &&
      aws_s3_bucket_public_access_block.backup[0].block_public_policy &&
      aws_s3_bucket_public_access_block.backup[0].ignore_public_acls &&
      aws_s3_bucket_public_access_block.backup[0].restrict_public_buckets
    )
    error_message = "All public access to the backup bucket must be blocked."
  }
  assert {
    condition     = aws_s3_bucket_ownership_controls.backup[0].rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "Object ownership must be enforced (ACLs disabled)."
  }
  assert {
    condition     = aws_s3_bucket_versioning.backup[0].versioning_configuration[0].status == "Enabled"
    error_message = "Versioning must be on."
  }
  assert {
    condition = (
      aws_s3_bucket_lifecycle_configuration.backup[0].rule[0].status == "Enabled" &&
      aws_s3_bucket_lifecycle_configuration.backup[0].rule[0].expiration[0].days == 14 &&
      aws_s3_bucket_lifecycle_configuration.backup[0].rule[0].noncurrent_version_expiration[0].noncurrent_days == 1 &&
      aws_s3_bucket_lifecycle_configuration.backup[0].rule[0].abort_incomplete_multipart_upload[0].days_after_initiation == 1
    )
    error_message = "Backups must expire after backup_expiration_days, with old versions and incomplete uploads cleaned up."
  }
}

run "lookup_table_settings_and_seed_items" {
  command = plan

  variables {
    lookup_table_deletion_protection_enabled = true
    lookup_table_items = {
      "+15555550100" = { name = "Jane Doe", tier = "gold" }
      "+15555550101" = { name = "John Roe" }
    }
  }

  assert {
    condition     = aws_dynamodb_table.lookup[0].billing_mode == "PAY_PER_REQUEST" && aws_dynamodb_table.lookup[0].deletion_protection_enabled
    error_message = "The lookup table must be on-demand, with deletion protection when asked for."
  }
  assert {
    condition     = length(aws_dynamodb_table_item.seed) == 2 && alltrue([for item in aws_dynamodb_table_item.seed : item.table_name == "ctr-enrichment-lookup" && item.hash_key == "number"])
    error_message = "Every seed row must go into the module's table."
  }
  assert {
    condition = jsondecode(aws_dynamodb_table_item.seed["+15555550100"].item) == {
      number = { S = "+15555550100" }
      name   = { S = "Jane Doe" }
      tier   = { S = "gold" }
    }
    error_message = "A seed row must hold its key and its attributes as DynamoDB strings."
  }
}

run "names_follow_the_prefix" {
  command = plan

  variables {
    name = "acme-ctr"
  }

  assert {
    condition = {
      function        = aws_lambda_function.this.function_name
      stream          = aws_kinesis_firehose_delivery_stream.this.name
      domain          = aws_opensearch_domain.this[0].domain_name
      table           = aws_dynamodb_table.lookup[0].name
      bucket          = aws_s3_bucket.backup[0].bucket
      lambda_role     = aws_iam_role.lambda.name
      firehose_role   = aws_iam_role.firehose.name
      lambda_logs     = aws_cloudwatch_log_group.lambda.name
      firehose_logs   = aws_cloudwatch_log_group.firehose.name
      domain_logs     = aws_cloudwatch_log_group.opensearch[0].name
      log_policy      = aws_cloudwatch_log_resource_policy.opensearch[0].policy_name
      package         = basename(archive_file.lambda.output_path)
      rule_table      = jsondecode(aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"])[0].table
      processor_arn   = one(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].processing_configuration[0].processors[0].parameters).parameter_value
      stream_domain   = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].domain_arn
      stream_backup   = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].s3_configuration[0].bucket_arn
      lookup_table_id = output.lookup_table_name
      } == {
      function        = "acme-ctr"
      stream          = "acme-ctr"
      domain          = "acme-ctr"
      table           = "acme-ctr-lookup"
      bucket          = "acme-ctr-backup-123456789012-us-east-1"
      lambda_role     = "acme-ctr-lambda-us-east-1"
      firehose_role   = "acme-ctr-firehose-us-east-1"
      lambda_logs     = "/aws/lambda/acme-ctr"
      firehose_logs   = "/aws/kinesisfirehose/acme-ctr"
      domain_logs     = "/aws/opensearch/acme-ctr"
      log_policy      = "acme-ctr-opensearch-logs"
      package         = "acme-ctr-lambda.zip"
      rule_table      = "acme-ctr-lookup"
      processor_arn   = "arn:aws:lambda:us-east-1:123456789012:function:acme-ctr:$LATEST"
      stream_domain   = "arn:aws:es:us-east-1:123456789012:domain/acme-ctr"
      stream_backup   = "arn:aws:s3:::acme-ctr-backup-123456789012-us-east-1"
      lookup_table_id = "acme-ctr-lookup"
    }
    error_message = "Every name must derive from var.name, and every ARN the module builds must match the resource it names."
  }
}

run "tags_reach_every_taggable_resource" {
  command = plan

  variables {
    tags = { Team = "contact-centre", CostCentre = "1234" }
  }

  assert {
    condition = alltrue([for tags in [
      aws_lambda_function.this.tags,
      aws_iam_role.lambda.tags,
      aws_iam_role.firehose.tags,
      aws_kinesis_firehose_delivery_stream.this.tags,
      aws_dynamodb_table.lookup[0].tags,
      aws_opensearch_domain.this[0].tags,
      aws_s3_bucket.backup[0].tags,
      aws_cloudwatch_log_group.lambda.tags,
      aws_cloudwatch_log_group.firehose.tags,
      aws_cloudwatch_log_group.opensearch[0].tags,
    ] : tags == tomap({ Team = "contact-centre", CostCentre = "1234" })])
    error_message = "var.tags must reach every taggable resource."
  }
}

# Lambda's 4 KB is measured in bytes of the JSON document: 94 attribute names and values in Japanese (three
# bytes a character) fit (4,087 bytes), 95 do not (4,127 bytes), although the 95 measure only about 2,400
# characters (figures from Python's json.dumps of the planned environment, without CACHE_MAX_ENTRIES).
run "environment_size_is_counted_in_bytes" {
  command = plan

  variables {
    enrichment_rules = [{
      name       = "customer"
      source     = "CustomerEndpoint.Address"
      target     = "Customer"
      attributes = { for i in range(94) : format("会社名%03d", i) => "契約者会社名" }
    }]
  }

  assert {
    condition     = 3 * length(base64encode(jsonencode(aws_lambda_function.this.environment[0].variables))) / 4 - length(regexall("=", base64encode(jsonencode(aws_lambda_function.this.environment[0].variables)))) > length(jsonencode(aws_lambda_function.this.environment[0].variables)) + 1500
    error_message = "The planned environment must be far longer in bytes than in characters (the names are three bytes a character)."
  }
}

run "rejects_environment_over_4_kb_in_bytes_though_under_in_characters" {
  command = plan

  variables {
    enrichment_rules = [{
      name       = "customer"
      source     = "CustomerEndpoint.Address"
      target     = "Customer"
      attributes = { for i in range(95) : format("会社名%03d", i) => "契約者会社名" }
    }]
  }

  expect_failures = [var.enrichment_rules]
}
