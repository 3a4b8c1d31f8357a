# The examples, planned through a module block: each doubles as a test of the module's documented usage.
# Mock values are applied during plan, so the outputs of what the examples create are known. (The
# resources inside the module are asserted on a real plan of each example in
# tests/test_terraform_examples.py.)

mock_provider "aws" {
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
