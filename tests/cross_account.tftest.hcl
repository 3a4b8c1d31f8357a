# A domain in another account (opensearch_domain_cross_account_enabled): Firehose addresses it by endpoint
# (cluster_endpoint, never together with domain_arn), for both domain destinations, and the module outputs the
# access-policy statement the domain's owner applies. (The role's statement is in iam.tftest.hcl, the validations
# in validation.tftest.hcl.)

mock_provider "aws" {
  source          = "./tests/mocks/aws"
  override_during = plan
}

mock_provider "archive" {
  source = "./tests/mocks/archive"
}

variables {
  create_opensearch_domain                = false
  opensearch_domain_arn                   = "arn:aws:es:us-east-1:210987654321:domain/analytics"
  opensearch_domain_endpoint              = "search-analytics-abc123.us-east-1.es.amazonaws.com"
  opensearch_domain_cross_account_enabled = true
}

run "firehose_delivers_to_the_endpoint_of_the_other_accounts_domain" {
  command = plan

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].cluster_endpoint == "https://search-analytics-abc123.us-east-1.es.amazonaws.com"
    error_message = "Firehose must address a domain of another account by its endpoint, as a URL."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].domain_arn == null
    error_message = "domain_arn must not be set with cluster_endpoint (the provider's ConflictsWith)."
  }
  assert {
    condition     = output.opensearch_domain_arn == "arn:aws:es:us-east-1:210987654321:domain/analytics" && output.opensearch_domain_endpoint == "search-analytics-abc123.us-east-1.es.amazonaws.com"
    error_message = "The outputs must name the other account's domain."
  }
}

run "the_legacy_elasticsearch_destination_takes_the_endpoint_too" {
  command = plan

  variables {
    destination = "elasticsearch"
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].cluster_endpoint == "https://search-analytics-abc123.us-east-1.es.amazonaws.com" && aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].domain_arn == null
    error_message = "The Elasticsearch destination must address a domain of another account by endpoint as well."
  }
}

run "a_same_account_existing_domain_keeps_its_arn" {
  command = plan

  variables {
    opensearch_domain_arn                   = "arn:aws:es:us-east-1:123456789012:domain/analytics"
    opensearch_domain_cross_account_enabled = false
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].domain_arn == "arn:aws:es:us-east-1:123456789012:domain/analytics" && aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].cluster_endpoint == null
    error_message = "A domain of the provider's account must still be addressed by ARN."
  }
}
