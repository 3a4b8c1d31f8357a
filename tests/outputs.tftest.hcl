# Outputs: `<resource>_<attribute>` of what the module created, the given identifiers of what it was
# given, null for what does not exist. Mock values are applied during plan so computed attributes are known.

mock_provider "aws" {
  source          = "./tests/mocks/aws"
  override_during = plan
}

mock_provider "archive" {
  source = "./tests/mocks/archive"
}

variables {
  opensearch_allow_public_endpoint = true
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
}

run "outputs_of_given_resources" {
  command = plan

  variables {
    create_lookup_table        = false
    lookup_table_name          = "customers"
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
    lookups             = [{ name = "agent", source = "Agent.Username", target = "AgentProfile", table = "agents", key = "username" }]
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
