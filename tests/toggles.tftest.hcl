# Resource counts and wiring for every combination of the create_* toggles (lookup table, search domain,
# backup bucket), with both destinations.

mock_provider "aws" {
  source = "./tests/mocks/aws"
}

mock_provider "archive" {
  source = "./tests/mocks/archive"
}

variables {
  opensearch_public_endpoint_enabled = true
}

run "create_table_create_domain_create_bucket_opensearch" {
  command = plan

  variables {
    destination              = "opensearch"
    create_lookup_table      = true
    create_opensearch_domain = true
    create_backup_bucket     = true
  }

  assert {
    condition = {
      lookup_table         = length(aws_dynamodb_table.lookup)
      search_domain        = length(aws_opensearch_domain.this)
      domain_policy        = length(aws_opensearch_domain_policy.this)
      domain_log_group     = length(aws_cloudwatch_log_group.opensearch)
      domain_log_policy    = length(aws_cloudwatch_log_resource_policy.opensearch)
      backup_bucket        = length(aws_s3_bucket.backup)
      bucket_policy        = length(aws_s3_bucket_policy.backup)
      bucket_encryption    = length(aws_s3_bucket_server_side_encryption_configuration.backup)
      opensearch_config    = length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration)
      elasticsearch_config = length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration)
      } == {
      lookup_table         = 1
      search_domain        = 1
      domain_policy        = 1
      domain_log_group     = 1
      domain_log_policy    = 1
      backup_bucket        = 1
      bucket_policy        = 1
      bucket_encryption    = 1
      opensearch_config    = 1
      elasticsearch_config = 0
    }
    error_message = "Unexpected resources for this combination of create_* toggles and destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.destination == "opensearch"
    error_message = "The stream must use the opensearch destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].domain_arn == "arn:aws:es:us-east-1:123456789012:domain/ctr-enrichment"
    error_message = "The stream must deliver to the created domain."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].s3_configuration[0].bucket_arn == "arn:aws:s3:::ctr-enrichment-backup-123456789012-us-east-1"
    error_message = "The stream must back up to the created bucket."
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"])[0].table == "ctr-enrichment-lookup"
    error_message = "The default rule must read the created lookup table."
  }
}

run "create_table_create_domain_create_bucket_elasticsearch" {
  command = plan

  variables {
    destination               = "elasticsearch"
    opensearch_engine_version = "Elasticsearch_7.10"
    create_lookup_table       = true
    create_opensearch_domain  = true
    create_backup_bucket      = true
  }

  assert {
    condition = {
      lookup_table         = length(aws_dynamodb_table.lookup)
      search_domain        = length(aws_opensearch_domain.this)
      domain_policy        = length(aws_opensearch_domain_policy.this)
      domain_log_group     = length(aws_cloudwatch_log_group.opensearch)
      domain_log_policy    = length(aws_cloudwatch_log_resource_policy.opensearch)
      backup_bucket        = length(aws_s3_bucket.backup)
      bucket_policy        = length(aws_s3_bucket_policy.backup)
      bucket_encryption    = length(aws_s3_bucket_server_side_encryption_configuration.backup)
      opensearch_config    = length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration)
      elasticsearch_config = length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration)
      } == {
      lookup_table         = 1
      search_domain        = 1
      domain_policy        = 1
      domain_log_group     = 1
      domain_log_policy    = 1
      backup_bucket        = 1
      bucket_policy        = 1
      bucket_encryption    = 1
      opensearch_config    = 0
      elasticsearch_config = 1
    }
    error_message = "Unexpected resources for this combination of create_* toggles and destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.destination == "elasticsearch"
    error_message = "The stream must use the elasticsearch destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].domain_arn == "arn:aws:es:us-east-1:123456789012:domain/ctr-enrichment"
    error_message = "The stream must deliver to the created domain."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].s3_configuration[0].bucket_arn == "arn:aws:s3:::ctr-enrichment-backup-123456789012-us-east-1"
    error_message = "The stream must back up to the created bucket."
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"])[0].table == "ctr-enrichment-lookup"
    error_message = "The default rule must read the created lookup table."
  }
}

run "create_table_create_domain_existing_bucket_opensearch" {
  command = plan

  variables {
    destination              = "opensearch"
    create_lookup_table      = true
    create_opensearch_domain = true
    create_backup_bucket     = false
    backup_bucket_arn        = "arn:aws:s3:::existing-ctr-backup"
  }

  assert {
    condition = {
      lookup_table         = length(aws_dynamodb_table.lookup)
      search_domain        = length(aws_opensearch_domain.this)
      domain_policy        = length(aws_opensearch_domain_policy.this)
      domain_log_group     = length(aws_cloudwatch_log_group.opensearch)
      domain_log_policy    = length(aws_cloudwatch_log_resource_policy.opensearch)
      backup_bucket        = length(aws_s3_bucket.backup)
      bucket_policy        = length(aws_s3_bucket_policy.backup)
      bucket_encryption    = length(aws_s3_bucket_server_side_encryption_configuration.backup)
      opensearch_config    = length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration)
      elasticsearch_config = length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration)
      } == {
      lookup_table         = 1
      search_domain        = 1
      domain_policy        = 1
      domain_log_group     = 1
      domain_log_policy    = 1
      backup_bucket        = 0
      bucket_policy        = 0
      bucket_encryption    = 0
      opensearch_config    = 1
      elasticsearch_config = 0
    }
    error_message = "Unexpected resources for this combination of create_* toggles and destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.destination == "opensearch"
    error_message = "The stream must use the opensearch destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].domain_arn == "arn:aws:es:us-east-1:123456789012:domain/ctr-enrichment"
    error_message = "The stream must deliver to the created domain."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].s3_configuration[0].bucket_arn == "arn:aws:s3:::existing-ctr-backup"
    error_message = "The stream must back up to the given bucket."
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"])[0].table == "ctr-enrichment-lookup"
    error_message = "The default rule must read the created lookup table."
  }
}

run "create_table_create_domain_existing_bucket_elasticsearch" {
  command = plan

  variables {
    destination               = "elasticsearch"
    opensearch_engine_version = "Elasticsearch_7.10"
    create_lookup_table       = true
    create_opensearch_domain  = true
    create_backup_bucket      = false
    backup_bucket_arn         = "arn:aws:s3:::existing-ctr-backup"
  }

  assert {
    condition = {
      lookup_table         = length(aws_dynamodb_table.lookup)
      search_domain        = length(aws_opensearch_domain.this)
      domain_policy        = length(aws_opensearch_domain_policy.this)
      domain_log_group     = length(aws_cloudwatch_log_group.opensearch)
      domain_log_policy    = length(aws_cloudwatch_log_resource_policy.opensearch)
      backup_bucket        = length(aws_s3_bucket.backup)
      bucket_policy        = length(aws_s3_bucket_policy.backup)
      bucket_encryption    = length(aws_s3_bucket_server_side_encryption_configuration.backup)
      opensearch_config    = length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration)
      elasticsearch_config = length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration)
      } == {
      lookup_table         = 1
      search_domain        = 1
      domain_policy        = 1
      domain_log_group     = 1
      domain_log_policy    = 1
      backup_bucket        = 0
      bucket_policy        = 0
      bucket_encryption    = 0
      opensearch_config    = 0
      elasticsearch_config = 1
    }
    error_message = "Unexpected resources for this combination of create_* toggles and destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.destination == "elasticsearch"
    error_message = "The stream must use the elasticsearch destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].domain_arn == "arn:aws:es:us-east-1:123456789012:domain/ctr-enrichment"
    error_message = "The stream must deliver to the created domain."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].s3_configuration[0].bucket_arn == "arn:aws:s3:::existing-ctr-backup"
    error_message = "The stream must back up to the given bucket."
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"])[0].table == "ctr-enrichment-lookup"
    error_message = "The default rule must read the created lookup table."
  }
}

run "create_table_existing_domain_create_bucket_opensearch" {
  command = plan

  variables {
    destination              = "opensearch"
    create_lookup_table      = true
    create_opensearch_domain = false
    create_backup_bucket     = true
    opensearch_domain_arn    = "arn:aws:es:us-east-1:123456789012:domain/existing"
  }

  assert {
    condition = {
      lookup_table         = length(aws_dynamodb_table.lookup)
      search_domain        = length(aws_opensearch_domain.this)
      domain_policy        = length(aws_opensearch_domain_policy.this)
      domain_log_group     = length(aws_cloudwatch_log_group.opensearch)
      domain_log_policy    = length(aws_cloudwatch_log_resource_policy.opensearch)
      backup_bucket        = length(aws_s3_bucket.backup)
      bucket_policy        = length(aws_s3_bucket_policy.backup)
      bucket_encryption    = length(aws_s3_bucket_server_side_encryption_configuration.backup)
      opensearch_config    = length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration)
      elasticsearch_config = length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration)
      } == {
      lookup_table         = 1
      search_domain        = 0
      domain_policy        = 0
      domain_log_group     = 0
      domain_log_policy    = 0
      backup_bucket        = 1
      bucket_policy        = 1
      bucket_encryption    = 1
      opensearch_config    = 1
      elasticsearch_config = 0
    }
    error_message = "Unexpected resources for this combination of create_* toggles and destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.destination == "opensearch"
    error_message = "The stream must use the opensearch destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].domain_arn == "arn:aws:es:us-east-1:123456789012:domain/existing"
    error_message = "The stream must deliver to the given domain."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].s3_configuration[0].bucket_arn == "arn:aws:s3:::ctr-enrichment-backup-123456789012-us-east-1"
    error_message = "The stream must back up to the created bucket."
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"])[0].table == "ctr-enrichment-lookup"
    error_message = "The default rule must read the created lookup table."
  }
}

run "create_table_existing_domain_create_bucket_elasticsearch" {
  command = plan

  variables {
    destination              = "elasticsearch"
    create_lookup_table      = true
    create_opensearch_domain = false
    create_backup_bucket     = true
    opensearch_domain_arn    = "arn:aws:es:us-east-1:123456789012:domain/existing"
  }

  assert {
    condition = {
      lookup_table         = length(aws_dynamodb_table.lookup)
      search_domain        = length(aws_opensearch_domain.this)
      domain_policy        = length(aws_opensearch_domain_policy.this)
      domain_log_group     = length(aws_cloudwatch_log_group.opensearch)
      domain_log_policy    = length(aws_cloudwatch_log_resource_policy.opensearch)
      backup_bucket        = length(aws_s3_bucket.backup)
      bucket_policy        = length(aws_s3_bucket_policy.backup)
      bucket_encryption    = length(aws_s3_bucket_server_side_encryption_configuration.backup)
      opensearch_config    = length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration)
      elasticsearch_config = length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration)
      } == {
      lookup_table         = 1
      search_domain        = 0
      domain_policy        = 0
      domain_log_group     = 0
      domain_log_policy    = 0
      backup_bucket        = 1
      bucket_policy        = 1
      bucket_encryption    = 1
      opensearch_config    = 0
      elasticsearch_config = 1
    }
    error_message = "Unexpected resources for this combination of create_* toggles and destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.destination == "elasticsearch"
    error_message = "The stream must use the elasticsearch destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].domain_arn == "arn:aws:es:us-east-1:123456789012:domain/existing"
    error_message = "The stream must deliver to the given domain."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].s3_configuration[0].bucket_arn == "arn:aws:s3:::ctr-enrichment-backup-123456789012-us-east-1"
    error_message = "The stream must back up to the created bucket."
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"])[0].table == "ctr-enrichment-lookup"
    error_message = "The default rule must read the created lookup table."
  }
}

run "create_table_existing_domain_existing_bucket_opensearch" {
  command = plan

  variables {
    destination              = "opensearch"
    create_lookup_table      = true
    create_opensearch_domain = false
    create_backup_bucket     = false
    opensearch_domain_arn    = "arn:aws:es:us-east-1:123456789012:domain/existing"
    backup_bucket_arn        = "arn:aws:s3:::existing-ctr-backup"
  }

  assert {
    condition = {
      lookup_table         = length(aws_dynamodb_table.lookup)
      search_domain        = length(aws_opensearch_domain.this)
      domain_policy        = length(aws_opensearch_domain_policy.this)
      domain_log_group     = length(aws_cloudwatch_log_group.opensearch)
      domain_log_policy    = length(aws_cloudwatch_log_resource_policy.opensearch)
      backup_bucket        = length(aws_s3_bucket.backup)
      bucket_policy        = length(aws_s3_bucket_policy.backup)
      bucket_encryption    = length(aws_s3_bucket_server_side_encryption_configuration.backup)
      opensearch_config    = length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration)
      elasticsearch_config = length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration)
      } == {
      lookup_table         = 1
      search_domain        = 0
      domain_policy        = 0
      domain_log_group     = 0
      domain_log_policy    = 0
      backup_bucket        = 0
      bucket_policy        = 0
      bucket_encryption    = 0
      opensearch_config    = 1
      elasticsearch_config = 0
    }
    error_message = "Unexpected resources for this combination of create_* toggles and destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.destination == "opensearch"
    error_message = "The stream must use the opensearch destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].domain_arn == "arn:aws:es:us-east-1:123456789012:domain/existing"
    error_message = "The stream must deliver to the given domain."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].s3_configuration[0].bucket_arn == "arn:aws:s3:::existing-ctr-backup"
    error_message = "The stream must back up to the given bucket."
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"])[0].table == "ctr-enrichment-lookup"
    error_message = "The default rule must read the created lookup table."
  }
}

run "create_table_existing_domain_existing_bucket_elasticsearch" {
  command = plan

  variables {
    destination              = "elasticsearch"
    create_lookup_table      = true
    create_opensearch_domain = false
    create_backup_bucket     = false
    opensearch_domain_arn    = "arn:aws:es:us-east-1:123456789012:domain/existing"
    backup_bucket_arn        = "arn:aws:s3:::existing-ctr-backup"
  }

  assert {
    condition = {
      lookup_table         = length(aws_dynamodb_table.lookup)
      search_domain        = length(aws_opensearch_domain.this)
      domain_policy        = length(aws_opensearch_domain_policy.this)
      domain_log_group     = length(aws_cloudwatch_log_group.opensearch)
      domain_log_policy    = length(aws_cloudwatch_log_resource_policy.opensearch)
      backup_bucket        = length(aws_s3_bucket.backup)
      bucket_policy        = length(aws_s3_bucket_policy.backup)
      bucket_encryption    = length(aws_s3_bucket_server_side_encryption_configuration.backup)
      opensearch_config    = length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration)
      elasticsearch_config = length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration)
      } == {
      lookup_table         = 1
      search_domain        = 0
      domain_policy        = 0
      domain_log_group     = 0
      domain_log_policy    = 0
      backup_bucket        = 0
      bucket_policy        = 0
      bucket_encryption    = 0
      opensearch_config    = 0
      elasticsearch_config = 1
    }
    error_message = "Unexpected resources for this combination of create_* toggles and destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.destination == "elasticsearch"
    error_message = "The stream must use the elasticsearch destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].domain_arn == "arn:aws:es:us-east-1:123456789012:domain/existing"
    error_message = "The stream must deliver to the given domain."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].s3_configuration[0].bucket_arn == "arn:aws:s3:::existing-ctr-backup"
    error_message = "The stream must back up to the given bucket."
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"])[0].table == "ctr-enrichment-lookup"
    error_message = "The default rule must read the created lookup table."
  }
}

run "existing_table_create_domain_create_bucket_opensearch" {
  command = plan

  variables {
    destination              = "opensearch"
    create_lookup_table      = false
    create_opensearch_domain = true
    create_backup_bucket     = true
    lookup_table_arn         = "arn:aws:dynamodb:us-east-1:123456789012:table/existing-customers"
  }

  assert {
    condition = {
      lookup_table         = length(aws_dynamodb_table.lookup)
      search_domain        = length(aws_opensearch_domain.this)
      domain_policy        = length(aws_opensearch_domain_policy.this)
      domain_log_group     = length(aws_cloudwatch_log_group.opensearch)
      domain_log_policy    = length(aws_cloudwatch_log_resource_policy.opensearch)
      backup_bucket        = length(aws_s3_bucket.backup)
      bucket_policy        = length(aws_s3_bucket_policy.backup)
      bucket_encryption    = length(aws_s3_bucket_server_side_encryption_configuration.backup)
      opensearch_config    = length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration)
      elasticsearch_config = length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration)
      } == {
      lookup_table         = 0
      search_domain        = 1
      domain_policy        = 1
      domain_log_group     = 1
      domain_log_policy    = 1
      backup_bucket        = 1
      bucket_policy        = 1
      bucket_encryption    = 1
      opensearch_config    = 1
      elasticsearch_config = 0
    }
    error_message = "Unexpected resources for this combination of create_* toggles and destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.destination == "opensearch"
    error_message = "The stream must use the opensearch destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].domain_arn == "arn:aws:es:us-east-1:123456789012:domain/ctr-enrichment"
    error_message = "The stream must deliver to the created domain."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].s3_configuration[0].bucket_arn == "arn:aws:s3:::ctr-enrichment-backup-123456789012-us-east-1"
    error_message = "The stream must back up to the created bucket."
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"])[0].table == "existing-customers"
    error_message = "The default rule must read the given lookup table."
  }
}

run "existing_table_create_domain_create_bucket_elasticsearch" {
  command = plan

  variables {
    destination               = "elasticsearch"
    opensearch_engine_version = "Elasticsearch_7.10"
    create_lookup_table       = false
    create_opensearch_domain  = true
    create_backup_bucket      = true
    lookup_table_arn          = "arn:aws:dynamodb:us-east-1:123456789012:table/existing-customers"
  }

  assert {
    condition = {
      lookup_table         = length(aws_dynamodb_table.lookup)
      search_domain        = length(aws_opensearch_domain.this)
      domain_policy        = length(aws_opensearch_domain_policy.this)
      domain_log_group     = length(aws_cloudwatch_log_group.opensearch)
      domain_log_policy    = length(aws_cloudwatch_log_resource_policy.opensearch)
      backup_bucket        = length(aws_s3_bucket.backup)
      bucket_policy        = length(aws_s3_bucket_policy.backup)
      bucket_encryption    = length(aws_s3_bucket_server_side_encryption_configuration.backup)
      opensearch_config    = length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration)
      elasticsearch_config = length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration)
      } == {
      lookup_table         = 0
      search_domain        = 1
      domain_policy        = 1
      domain_log_group     = 1
      domain_log_policy    = 1
      backup_bucket        = 1
      bucket_policy        = 1
      bucket_encryption    = 1
      opensearch_config    = 0
      elasticsearch_config = 1
    }
    error_message = "Unexpected resources for this combination of create_* toggles and destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.destination == "elasticsearch"
    error_message = "The stream must use the elasticsearch destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].domain_arn == "arn:aws:es:us-east-1:123456789012:domain/ctr-enrichment"
    error_message = "The stream must deliver to the created domain."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].s3_configuration[0].bucket_arn == "arn:aws:s3:::ctr-enrichment-backup-123456789012-us-east-1"
    error_message = "The stream must back up to the created bucket."
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"])[0].table == "existing-customers"
    error_message = "The default rule must read the given lookup table."
  }
}

run "existing_table_create_domain_existing_bucket_opensearch" {
  command = plan

  variables {
    destination              = "opensearch"
    create_lookup_table      = false
    create_opensearch_domain = true
    create_backup_bucket     = false
    lookup_table_arn         = "arn:aws:dynamodb:us-east-1:123456789012:table/existing-customers"
    backup_bucket_arn        = "arn:aws:s3:::existing-ctr-backup"
  }

  assert {
    condition = {
      lookup_table         = length(aws_dynamodb_table.lookup)
      search_domain        = length(aws_opensearch_domain.this)
      domain_policy        = length(aws_opensearch_domain_policy.this)
      domain_log_group     = length(aws_cloudwatch_log_group.opensearch)
      domain_log_policy    = length(aws_cloudwatch_log_resource_policy.opensearch)
      backup_bucket        = length(aws_s3_bucket.backup)
      bucket_policy        = length(aws_s3_bucket_policy.backup)
      bucket_encryption    = length(aws_s3_bucket_server_side_encryption_configuration.backup)
      opensearch_config    = length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration)
      elasticsearch_config = length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration)
      } == {
      lookup_table         = 0
      search_domain        = 1
      domain_policy        = 1
      domain_log_group     = 1
      domain_log_policy    = 1
      backup_bucket        = 0
      bucket_policy        = 0
      bucket_encryption    = 0
      opensearch_config    = 1
      elasticsearch_config = 0
    }
    error_message = "Unexpected resources for this combination of create_* toggles and destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.destination == "opensearch"
    error_message = "The stream must use the opensearch destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].domain_arn == "arn:aws:es:us-east-1:123456789012:domain/ctr-enrichment"
    error_message = "The stream must deliver to the created domain."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].s3_configuration[0].bucket_arn == "arn:aws:s3:::existing-ctr-backup"
    error_message = "The stream must back up to the given bucket."
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"])[0].table == "existing-customers"
    error_message = "The default rule must read the given lookup table."
  }
}

run "existing_table_create_domain_existing_bucket_elasticsearch" {
  command = plan

  variables {
    destination               = "elasticsearch"
    opensearch_engine_version = "Elasticsearch_7.10"
    create_lookup_table       = false
    create_opensearch_domain  = true
    create_backup_bucket      = false
    lookup_table_arn          = "arn:aws:dynamodb:us-east-1:123456789012:table/existing-customers"
    backup_bucket_arn         = "arn:aws:s3:::existing-ctr-backup"
  }

  assert {
    condition = {
      lookup_table         = length(aws_dynamodb_table.lookup)
      search_domain        = length(aws_opensearch_domain.this)
      domain_policy        = length(aws_opensearch_domain_policy.this)
      domain_log_group     = length(aws_cloudwatch_log_group.opensearch)
      domain_log_policy    = length(aws_cloudwatch_log_resource_policy.opensearch)
      backup_bucket        = length(aws_s3_bucket.backup)
      bucket_policy        = length(aws_s3_bucket_policy.backup)
      bucket_encryption    = length(aws_s3_bucket_server_side_encryption_configuration.backup)
      opensearch_config    = length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration)
      elasticsearch_config = length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration)
      } == {
      lookup_table         = 0
      search_domain        = 1
      domain_policy        = 1
      domain_log_group     = 1
      domain_log_policy    = 1
      backup_bucket        = 0
      bucket_policy        = 0
      bucket_encryption    = 0
      opensearch_config    = 0
      elasticsearch_config = 1
    }
    error_message = "Unexpected resources for this combination of create_* toggles and destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.destination == "elasticsearch"
    error_message = "The stream must use the elasticsearch destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].domain_arn == "arn:aws:es:us-east-1:123456789012:domain/ctr-enrichment"
    error_message = "The stream must deliver to the created domain."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].s3_configuration[0].bucket_arn == "arn:aws:s3:::existing-ctr-backup"
    error_message = "The stream must back up to the given bucket."
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"])[0].table == "existing-customers"
    error_message = "The default rule must read the given lookup table."
  }
}

run "existing_table_existing_domain_create_bucket_opensearch" {
  command = plan

  variables {
    destination              = "opensearch"
    create_lookup_table      = false
    create_opensearch_domain = false
    create_backup_bucket     = true
    lookup_table_arn         = "arn:aws:dynamodb:us-east-1:123456789012:table/existing-customers"
    opensearch_domain_arn    = "arn:aws:es:us-east-1:123456789012:domain/existing"
  }

  assert {
    condition = {
      lookup_table         = length(aws_dynamodb_table.lookup)
      search_domain        = length(aws_opensearch_domain.this)
      domain_policy        = length(aws_opensearch_domain_policy.this)
      domain_log_group     = length(aws_cloudwatch_log_group.opensearch)
      domain_log_policy    = length(aws_cloudwatch_log_resource_policy.opensearch)
      backup_bucket        = length(aws_s3_bucket.backup)
      bucket_policy        = length(aws_s3_bucket_policy.backup)
      bucket_encryption    = length(aws_s3_bucket_server_side_encryption_configuration.backup)
      opensearch_config    = length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration)
      elasticsearch_config = length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration)
      } == {
      lookup_table         = 0
      search_domain        = 0
      domain_policy        = 0
      domain_log_group     = 0
      domain_log_policy    = 0
      backup_bucket        = 1
      bucket_policy        = 1
      bucket_encryption    = 1
      opensearch_config    = 1
      elasticsearch_config = 0
    }
    error_message = "Unexpected resources for this combination of create_* toggles and destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.destination == "opensearch"
    error_message = "The stream must use the opensearch destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].domain_arn == "arn:aws:es:us-east-1:123456789012:domain/existing"
    error_message = "The stream must deliver to the given domain."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].s3_configuration[0].bucket_arn == "arn:aws:s3:::ctr-enrichment-backup-123456789012-us-east-1"
    error_message = "The stream must back up to the created bucket."
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"])[0].table == "existing-customers"
    error_message = "The default rule must read the given lookup table."
  }
}

run "existing_table_existing_domain_create_bucket_elasticsearch" {
  command = plan

  variables {
    destination              = "elasticsearch"
    create_lookup_table      = false
    create_opensearch_domain = false
    create_backup_bucket     = true
    lookup_table_arn         = "arn:aws:dynamodb:us-east-1:123456789012:table/existing-customers"
    opensearch_domain_arn    = "arn:aws:es:us-east-1:123456789012:domain/existing"
  }

  assert {
    condition = {
      lookup_table         = length(aws_dynamodb_table.lookup)
      search_domain        = length(aws_opensearch_domain.this)
      domain_policy        = length(aws_opensearch_domain_policy.this)
      domain_log_group     = length(aws_cloudwatch_log_group.opensearch)
      domain_log_policy    = length(aws_cloudwatch_log_resource_policy.opensearch)
      backup_bucket        = length(aws_s3_bucket.backup)
      bucket_policy        = length(aws_s3_bucket_policy.backup)
      bucket_encryption    = length(aws_s3_bucket_server_side_encryption_configuration.backup)
      opensearch_config    = length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration)
      elasticsearch_config = length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration)
      } == {
      lookup_table         = 0
      search_domain        = 0
      domain_policy        = 0
      domain_log_group     = 0
      domain_log_policy    = 0
      backup_bucket        = 1
      bucket_policy        = 1
      bucket_encryption    = 1
      opensearch_config    = 0
      elasticsearch_config = 1
    }
    error_message = "Unexpected resources for this combination of create_* toggles and destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.destination == "elasticsearch"
    error_message = "The stream must use the elasticsearch destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].domain_arn == "arn:aws:es:us-east-1:123456789012:domain/existing"
    error_message = "The stream must deliver to the given domain."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].s3_configuration[0].bucket_arn == "arn:aws:s3:::ctr-enrichment-backup-123456789012-us-east-1"
    error_message = "The stream must back up to the created bucket."
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"])[0].table == "existing-customers"
    error_message = "The default rule must read the given lookup table."
  }
}

run "existing_table_existing_domain_existing_bucket_opensearch" {
  command = plan

  variables {
    destination              = "opensearch"
    create_lookup_table      = false
    create_opensearch_domain = false
    create_backup_bucket     = false
    lookup_table_arn         = "arn:aws:dynamodb:us-east-1:123456789012:table/existing-customers"
    opensearch_domain_arn    = "arn:aws:es:us-east-1:123456789012:domain/existing"
    backup_bucket_arn        = "arn:aws:s3:::existing-ctr-backup"
  }

  assert {
    condition = {
      lookup_table         = length(aws_dynamodb_table.lookup)
      search_domain        = length(aws_opensearch_domain.this)
      domain_policy        = length(aws_opensearch_domain_policy.this)
      domain_log_group     = length(aws_cloudwatch_log_group.opensearch)
      domain_log_policy    = length(aws_cloudwatch_log_resource_policy.opensearch)
      backup_bucket        = length(aws_s3_bucket.backup)
      bucket_policy        = length(aws_s3_bucket_policy.backup)
      bucket_encryption    = length(aws_s3_bucket_server_side_encryption_configuration.backup)
      opensearch_config    = length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration)
      elasticsearch_config = length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration)
      } == {
      lookup_table         = 0
      search_domain        = 0
      domain_policy        = 0
      domain_log_group     = 0
      domain_log_policy    = 0
      backup_bucket        = 0
      bucket_policy        = 0
      bucket_encryption    = 0
      opensearch_config    = 1
      elasticsearch_config = 0
    }
    error_message = "Unexpected resources for this combination of create_* toggles and destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.destination == "opensearch"
    error_message = "The stream must use the opensearch destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].domain_arn == "arn:aws:es:us-east-1:123456789012:domain/existing"
    error_message = "The stream must deliver to the given domain."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].s3_configuration[0].bucket_arn == "arn:aws:s3:::existing-ctr-backup"
    error_message = "The stream must back up to the given bucket."
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"])[0].table == "existing-customers"
    error_message = "The default rule must read the given lookup table."
  }
}

run "existing_table_existing_domain_existing_bucket_elasticsearch" {
  command = plan

  variables {
    destination              = "elasticsearch"
    create_lookup_table      = false
    create_opensearch_domain = false
    create_backup_bucket     = false
    lookup_table_arn         = "arn:aws:dynamodb:us-east-1:123456789012:table/existing-customers"
    opensearch_domain_arn    = "arn:aws:es:us-east-1:123456789012:domain/existing"
    backup_bucket_arn        = "arn:aws:s3:::existing-ctr-backup"
  }

  assert {
    condition = {
      lookup_table         = length(aws_dynamodb_table.lookup)
      search_domain        = length(aws_opensearch_domain.this)
      domain_policy        = length(aws_opensearch_domain_policy.this)
      domain_log_group     = length(aws_cloudwatch_log_group.opensearch)
      domain_log_policy    = length(aws_cloudwatch_log_resource_policy.opensearch)
      backup_bucket        = length(aws_s3_bucket.backup)
      bucket_policy        = length(aws_s3_bucket_policy.backup)
      bucket_encryption    = length(aws_s3_bucket_server_side_encryption_configuration.backup)
      opensearch_config    = length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration)
      elasticsearch_config = length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration)
      } == {
      lookup_table         = 0
      search_domain        = 0
      domain_policy        = 0
      domain_log_group     = 0
      domain_log_policy    = 0
      backup_bucket        = 0
      bucket_policy        = 0
      bucket_encryption    = 0
      opensearch_config    = 0
      elasticsearch_config = 1
    }
    error_message = "Unexpected resources for this combination of create_* toggles and destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.destination == "elasticsearch"
    error_message = "The stream must use the elasticsearch destination."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].domain_arn == "arn:aws:es:us-east-1:123456789012:domain/existing"
    error_message = "The stream must deliver to the given domain."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].s3_configuration[0].bucket_arn == "arn:aws:s3:::existing-ctr-backup"
    error_message = "The stream must back up to the given bucket."
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"])[0].table == "existing-customers"
    error_message = "The default rule must read the given lookup table."
  }
}

