# Outputs: `<resource>_<attribute>` of what the module created, the given identifiers of what it was
# given, null for what does not exist. Mock values are applied during plan so computed attributes are known.

mock_provider "aws" {
  source          = "./tests/mocks/aws"
  override_during = plan
}

mock_provider "archive" {
  source = "./tests/mocks/archive"
}

# Security group IDs are not mocked by default; distinct values show which output carries which group.
override_resource {
  target          = aws_security_group.firehose
  override_during = plan
  values = {
    id = "sg-0f1e0f1e0f1e0f1e0"
  }
}

override_resource {
  target          = aws_security_group.opensearch
  override_during = plan
  values = {
    id = "sg-0d0d0d0d0d0d0d0d0"
  }
}

variables {
  opensearch_public_endpoint_enabled = true
}

run "outputs_of_created_resources" {
  command = plan

  assert {
    condition = {
      delivery_stream_arn            = output.delivery_stream_arn
      delivery_stream_name           = output.delivery_stream_name
      lambda_function_arn            = output.lambda_function_arn
      lambda_function_name           = output.lambda_function_name
      lambda_role_arn                = output.lambda_role_arn
      lambda_log_group_name          = output.lambda_log_group_name
      firehose_role_arn              = output.firehose_role_arn
      firehose_log_group_name        = output.firehose_log_group_name
      lookup_table_name              = output.lookup_table_name
      lookup_table_arn               = output.lookup_table_arn
      opensearch_domain_arn          = output.opensearch_domain_arn
      opensearch_domain_endpoint     = output.opensearch_domain_endpoint
      opensearch_dashboards_endpoint = output.opensearch_dashboards_endpoint
      backup_bucket_arn              = output.backup_bucket_arn
      backup_bucket_name             = output.backup_bucket_name
      metrics_namespace              = output.metrics_namespace
      } == {
      delivery_stream_arn            = aws_kinesis_firehose_delivery_stream.this.arn
      delivery_stream_name           = "ctr-enrichment"
      lambda_function_arn            = aws_lambda_function.this.arn
      lambda_function_name           = "ctr-enrichment"
      lambda_role_arn                = aws_iam_role.lambda.arn
      lambda_log_group_name          = "/aws/lambda/ctr-enrichment"
      firehose_role_arn              = aws_iam_role.firehose.arn
      firehose_log_group_name        = "/aws/kinesisfirehose/ctr-enrichment"
      lookup_table_name              = "ctr-enrichment-lookup"
      lookup_table_arn               = "arn:aws:dynamodb:us-east-1:123456789012:table/mock"
      opensearch_domain_arn          = "arn:aws:es:us-east-1:123456789012:domain/mock"
      opensearch_domain_endpoint     = "search-mock-abc123.us-east-1.es.amazonaws.com"
      opensearch_dashboards_endpoint = "search-mock-abc123.us-east-1.es.amazonaws.com/_dashboards"
      backup_bucket_arn              = "arn:aws:s3:::mock-bucket"
      backup_bucket_name             = "ctr-enrichment-backup-123456789012-us-east-1"
      metrics_namespace              = "CtrEnrichment"
    }
    error_message = "Outputs must expose the created resources' attributes."
  }
  assert {
    condition     = output.lambda_function_arn == "arn:aws:lambda:us-east-1:123456789012:function:mock" && output.firehose_role_arn == "arn:aws:iam::123456789012:role/mock"
    error_message = "Outputs must come from the resources, not from the names the module built."
  }
  assert {
    condition = (
      output.connect_instance_storage_config_association_id == null &&
      output.firehose_security_group_id == null &&
      output.opensearch_security_group_id == null &&
      output.opensearch_service_linked_role_arn == null &&
      length(output.cloudwatch_metric_alarm_arns) == 0
    )
    error_message = "Outputs of the opt-in features must be null (or an empty map of alarms) when they are off."
  }
}

run "outputs_of_the_opt_in_features" {
  command = plan

  variables {
    opensearch_public_endpoint_enabled    = false
    connect_instance_id                   = "5b4b2b1e-6f1c-4c8e-9d0a-2f6a7c1d3e55"
    vpc_config                            = { subnet_ids = ["subnet-0123456789abcdef0"], create_security_groups = true }
    create_opensearch_service_linked_role = true
    create_alarms                         = true
    alarm_sns_topic_arn                   = "arn:aws:sns:us-east-1:123456789012:ctr-alarms"
  }

  assert {
    condition = {
      association = output.connect_instance_storage_config_association_id
      firehose_sg = output.firehose_security_group_id
      domain_sg   = output.opensearch_security_group_id
      slr         = output.opensearch_service_linked_role_arn
      alarms      = output.cloudwatch_metric_alarm_arns
      } == {
      association = "2f6a7c1d3e55aa0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b"
      firehose_sg = "sg-0f1e0f1e0f1e0f1e0"
      domain_sg   = "sg-0d0d0d0d0d0d0d0d0"
      slr         = "arn:aws:iam::123456789012:role/aws-service-role/opensearchservice.amazonaws.com/AWSServiceRoleForAmazonOpenSearchService"
      alarms      = { for key, alarm in aws_cloudwatch_metric_alarm.this : key => alarm.arn }
    }
    error_message = "Outputs must expose the association, the created security groups, the service-linked role and the alarms."
  }
  assert {
    condition     = keys(output.cloudwatch_metric_alarm_arns) == ["data-freshness", "delivery-success", "lambda-duration", "lambda-errors", "lambda-throttles", "lookup-errors", "processing-failed"]
    error_message = "Every alarm must be in the alarm output, by key."
  }
}

run "outputs_of_given_resources" {
  command = plan

  variables {
    create_lookup_table        = false
    lookup_table_arn           = "arn:aws:dynamodb:us-east-1:123456789012:table/customers"
    create_opensearch_domain   = false
    opensearch_domain_arn      = "arn:aws:es:us-east-1:123456789012:domain/existing"
    opensearch_domain_endpoint = "search-existing-abc.us-east-1.es.amazonaws.com"
    create_backup_bucket       = false
    backup_bucket_arn          = "arn:aws:s3:::existing-ctr-backup"
  }

  assert {
    condition = {
      lookup_table_name          = output.lookup_table_name
      lookup_table_arn           = output.lookup_table_arn
      opensearch_domain_arn      = output.opensearch_domain_arn
      opensearch_domain_endpoint = output.opensearch_domain_endpoint
      backup_bucket_arn          = output.backup_bucket_arn
      backup_bucket_name         = output.backup_bucket_name
      } == {
      lookup_table_name          = "customers"
      lookup_table_arn           = "arn:aws:dynamodb:us-east-1:123456789012:table/customers"
      opensearch_domain_arn      = "arn:aws:es:us-east-1:123456789012:domain/existing"
      opensearch_domain_endpoint = "search-existing-abc.us-east-1.es.amazonaws.com"
      backup_bucket_arn          = "arn:aws:s3:::existing-ctr-backup"
      backup_bucket_name         = "existing-ctr-backup"
    }
    error_message = "Outputs of given resources must be the given identifiers."
  }
  assert {
    condition     = output.opensearch_dashboards_endpoint == null
    error_message = "The dashboards endpoint of a domain the module did not create must be null."
  }
}

run "outputs_without_a_module_table" {
  command = plan

  variables {
    create_lookup_table = false
    enrichment_rules    = [{ name = "agent", source = "Agent.Username", target = "AgentProfile", table = "agents", key = "username" }]
  }

  assert {
    condition     = output.lookup_table_name == null && output.lookup_table_arn == null
    error_message = "Without a module lookup table its outputs must be null."
  }
  assert {
    condition     = jsondecode(output.enrichment_rules)[0].table == "agents"
    error_message = "enrichment_rules must expose the rendered rules."
  }
}
