# The examples, planned through a module block: each doubles as a test of the module's documented usage.
# Mock values are applied during plan, so the outputs of what the examples create are known. (The
# resources inside the module are asserted on a real plan of each example in
# tests/test_terraform_examples.py.)

mock_provider "aws" {
  source          = "./tests/mocks/aws"
  override_during = plan
}

# The analytics account's provider configuration of examples/cross-account-domain.
mock_provider "aws" {
  alias           = "analytics"
  source          = "./tests/mocks/aws"
  override_during = plan
}

mock_provider "archive" {
  source = "./tests/mocks/archive"
}

run "complete_example_plans" {
  command = plan

  module {
    source = "./examples/complete"
  }

  variables {
    dashboards_allowed_cidr_blocks = ["203.0.113.7/32"]
  }

  assert {
    condition     = output.delivery_stream_name == "ctr-demo" && output.lambda_function_name == "ctr-demo" && output.lookup_table_name == "ctr-demo-lookup"
    error_message = "The example must name everything after its name variable."
  }
  assert {
    condition     = output.backup_bucket_name == "ctr-demo-backup-123456789012-us-east-1"
    error_message = "The example must create its own backup bucket."
  }
  assert {
    condition     = length(module.ctr_enrichment.enrichment_rules) > 0 && jsondecode(module.ctr_enrichment.enrichment_rules)[0].attributes == { Name = "name", Tier = "tier", Account = "account" }
    error_message = "The example's customer rule must project the seeded attributes."
  }
}

run "existing_elasticsearch_example_plans" {
  command = plan

  module {
    source = "./examples/existing-elasticsearch"
  }

  variables {
    lookup_table_arn              = "arn:aws:dynamodb:us-east-1:123456789012:table/contact-centre-customers"
    lookup_table_hash_key         = "phone"
    elasticsearch_domain_arn      = "arn:aws:es:us-east-1:123456789012:domain/contact-centre"
    elasticsearch_domain_endpoint = "search-contact-centre-abc123.us-east-1.es.amazonaws.com"
    connect_instance_id           = "5b4b2b1e-6f1c-4c8e-9d0a-2f6a7c1d3e55"
    alarm_sns_topic_arn           = "arn:aws:sns:us-east-1:123456789012:ctr-alarms"
  }

  assert {
    condition = {
      table    = module.ctr_enrichment.lookup_table_name
      rule     = jsondecode(module.ctr_enrichment.enrichment_rules)[0]
      domain   = module.ctr_enrichment.opensearch_domain_arn
      endpoint = module.ctr_enrichment.opensearch_domain_endpoint
      } == {
      table = "contact-centre-customers"
      rule = {
        name       = "customer"
        source     = "CustomerEndpoint.Address"
        table      = "contact-centre-customers"
        key        = "phone"
        attributes = { CompanyName = "company_name" }
        target     = "Customer"
        normalize  = "phone"
      }
      domain   = "arn:aws:es:us-east-1:123456789012:domain/contact-centre"
      endpoint = "search-contact-centre-abc123.us-east-1.es.amazonaws.com"
    }
    error_message = "The example must read the given table by its key and deliver to the given Elasticsearch domain."
  }
  assert {
    condition     = module.ctr_enrichment.opensearch_dashboards_endpoint == null && module.ctr_enrichment.opensearch_security_group_id == null
    error_message = "The example must not create a domain or security groups."
  }
  assert {
    condition     = output.connect_instance_storage_config_association_id != null && length(output.cloudwatch_metric_alarm_arns) == 6
    error_message = "With an instance ID and a topic the example must wire Amazon Connect and create the alarms (all but data-freshness, which the Elasticsearch destination does not publish)."
  }
  assert {
    condition     = output.delivery_stream_name == "ctr-legacy" && output.backup_bucket_name == "ctr-legacy-backup-123456789012-us-east-1"
    error_message = "The example must name everything after its name variable and create its backup bucket."
  }
}

run "existing_elasticsearch_example_without_connect_or_alarms" {
  command = plan

  module {
    source = "./examples/existing-elasticsearch"
  }

  variables {
    lookup_table_arn              = "arn:aws:dynamodb:us-east-1:123456789012:table/contact-centre-customers"
    elasticsearch_domain_arn      = "arn:aws:es:us-east-1:123456789012:domain/contact-centre"
    elasticsearch_domain_endpoint = "search-contact-centre-abc123.us-east-1.es.amazonaws.com"
    elasticsearch_type_name       = "_doc"
  }

  assert {
    condition     = output.connect_instance_storage_config_association_id == null && length(output.cloudwatch_metric_alarm_arns) == 0
    error_message = "Without an instance ID or a topic the example must leave Amazon Connect alone and create no alarms."
  }
}

run "vpc_opensearch_example_plans" {
  command = plan

  module {
    source = "./examples/vpc-opensearch"
  }

  variables {
    subnet_ids                     = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
    connect_instance_id            = "5b4b2b1e-6f1c-4c8e-9d0a-2f6a7c1d3e55"
    dashboards_allowed_cidr_blocks = ["10.20.0.0/16"]
  }

  assert {
    condition     = output.connect_instance_storage_config_association_id != null
    error_message = "The example must wire the Amazon Connect instance to the stream."
  }
  assert {
    condition     = output.firehose_security_group_id != null && output.opensearch_security_group_id != null
    error_message = "The example must create the Firehose and domain security groups."
  }
  assert {
    condition     = output.opensearch_domain_endpoint == "search-mock-abc123.us-east-1.es.amazonaws.com" && output.opensearch_dashboards_url == "https://search-mock-abc123.us-east-1.es.amazonaws.com/_dashboards"
    error_message = "The example must create the domain and point at its Dashboards."
  }
  assert {
    condition     = jsondecode(module.ctr_enrichment.enrichment_rules)[0].attributes == { CompanyName = "company_name", Tier = "tier" }
    error_message = "The example's rule must project CompanyName, which the calls-by-company dashboard charts."
  }
  assert {
    condition     = length(output.cloudwatch_metric_alarm_arns) == 0
    error_message = "Without a topic the example must create no alarms."
  }
  assert {
    condition     = output.apply_dashboards_command == "ctr-enrichment opensearch-setup --endpoint search-mock-abc123.us-east-1.es.amazonaws.com --region us-east-1"
    error_message = "The example must print the command that installs the index template and dashboards."
  }
}

run "kinesis_source_example_plans" {
  command = plan

  module {
    source = "./examples/kinesis-source"
  }

  variables {
    kinesis_stream_arn         = "arn:aws:kinesis:us-east-1:123456789012:stream/connect-ctr"
    kinesis_stream_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    connect_instance_id        = "5b4b2b1e-6f1c-4c8e-9d0a-2f6a7c1d3e55"
    subnet_ids                 = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  }

  assert {
    condition     = output.delivery_stream_name == "ctr-stream" && output.connect_instance_storage_config_association_id != null
    error_message = "The example must name the stream after its name variable and point Amazon Connect at the Kinesis stream."
  }
  assert {
    condition     = jsondecode(output.connect_kms_key_policy_json).Statement[0].Condition.StringEquals["kms:EncryptionContext:aws:kinesis:arn"] == "arn:aws:kinesis:us-east-1:123456789012:stream/connect-ctr"
    error_message = "With the stream's key the example must print the statement that lets Amazon Connect write to the stream."
  }
  assert {
    condition     = jsondecode(module.ctr_enrichment.enrichment_rules)[0].attributes == { CompanyName = "company_name" }
    error_message = "The example's rule must project CompanyName, which the calls-by-company dashboard charts."
  }
}

run "opensearch_serverless_example_plans" {
  command = plan

  module {
    source = "./examples/opensearch-serverless"
  }

  variables {
    dashboards_allowed_principal_arns = ["arn:aws:iam::123456789012:role/ContactCentreAnalyst"]
  }

  assert {
    condition     = output.opensearch_collection_endpoint == "https://07tjusf2h91cunochc.us-east-1.aoss.amazonaws.com" && output.opensearch_dashboards_url == "https://07tjusf2h91cunochc.us-east-1.aoss.amazonaws.com/_dashboards"
    error_message = "The example must create the collection and point at its dashboards."
  }
  assert {
    condition     = output.delivery_stream_name == "ctr-aoss" && module.ctr_enrichment.opensearch_domain_arn == null
    error_message = "The example must deliver to the collection, with no domain."
  }
}

run "cross_account_domain_example_plans_and_merges_the_domain_policy" {
  command = plan

  module {
    source = "./examples/cross-account-domain"
  }

  variables {
    analytics_role_arn        = "arn:aws:iam::210987654321:role/SearchPolicyAdmin"
    analytics_domain_arn      = "arn:aws:es:us-east-1:210987654321:domain/analytics"
    analytics_domain_endpoint = "search-analytics-abc123.us-east-1.es.amazonaws.com"
  }

  assert {
    condition     = [for s in jsondecode(output.analytics_domain_access_policy).Statement : s.Sid] == ["Analysts", "FirehoseDeliveryCtrCentral"]
    error_message = "The domain's own statements must be kept and the earlier Firehose statement replaced, not duplicated: ${output.analytics_domain_access_policy}"
  }
  assert {
    condition     = jsondecode(output.analytics_domain_access_policy).Statement[1].Principal.AWS == "arn:aws:iam::123456789012:role/ctr-central-firehose-us-east-1"
    error_message = "The Firehose statement written must name this deployment's role."
  }
  assert {
    condition     = output.firehose_domain_access_policy_json == module.ctr_enrichment.opensearch_domain_access_policy_json
    error_message = "The example must print the statement for an analytics team that applies it itself."
  }
}

run "cross_account_domain_example_can_leave_the_policy_to_the_other_team" {
  command = plan

  module {
    source = "./examples/cross-account-domain"
  }

  variables {
    analytics_role_arn             = "arn:aws:iam::210987654321:role/SearchPolicyAdmin"
    analytics_domain_arn           = "arn:aws:es:us-east-1:210987654321:domain/analytics"
    analytics_domain_endpoint      = "search-analytics-abc123.us-east-1.es.amazonaws.com"
    manage_analytics_domain_policy = false
  }

  assert {
    condition     = output.analytics_domain_access_policy == null && output.firehose_domain_access_policy_json != null
    error_message = "Without manage_analytics_domain_policy the example must write no domain policy and only print the statement."
  }
}
