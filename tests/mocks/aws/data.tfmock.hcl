# Shared defaults for mock_provider "aws": values that the module parses or that must look real.

mock_data "aws_caller_identity" {
  defaults = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:user/terraform-test"
    user_id    = "AIDAMOCKUSER"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition          = "aws"
    dns_suffix         = "amazonaws.com"
    reverse_dns_prefix = "com.amazonaws"
  }
}

mock_data "aws_region" {
  defaults = {
    region      = "us-east-1"
    name        = "us-east-1"
    description = "US East (N. Virginia)"
    endpoint    = "ec2.us-east-1.amazonaws.com"
  }
}

# Generic mocks are random strings, which IAM resources would reject: a policy must be JSON. Tests that
# assert on the policies themselves render them with the real provider (tests/iam.tftest.hcl).
mock_data "aws_iam_policy_document" {
  defaults = {
    json          = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    minified_json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  }
}

# VPC delivery with created security groups looks the subnet's VPC up.
mock_data "aws_subnet" {
  defaults = {
    vpc_id            = "vpc-0123456789abcdef0"
    availability_zone = "us-east-1a"
  }
}

# An existing OpenSearch Serverless collection (opensearch_collection_arn), as BatchGetCollection describes it.
mock_data "aws_opensearchserverless_collection" {
  defaults = {
    name                = "contact-centre"
    type                = "TIMESERIES"
    arn                 = "arn:aws:aoss:us-east-1:123456789012:collection/abc123def456ghi"
    collection_endpoint = "https://abc123def456ghi.us-east-1.aoss.amazonaws.com"
    dashboard_endpoint  = "https://abc123def456ghi.us-east-1.aoss.amazonaws.com/_dashboards"
  }
}

# The analytics account's domain in examples/cross-account-domain: an access policy with one statement of its own
# and an earlier copy of the Firehose statement, which the example's merge must replace rather than duplicate.
mock_data "aws_opensearch_domain" {
  defaults = {
    arn             = "arn:aws:es:us-east-1:210987654321:domain/analytics"
    access_policies = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Analysts\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::210987654321:role/Analyst\"},\"Action\":\"es:ESHttp*\",\"Resource\":\"arn:aws:es:us-east-1:210987654321:domain/analytics/*\"},{\"Sid\":\"FirehoseDeliveryCtrCentral\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/old\"},\"Action\":\"es:ESHttpPost\",\"Resource\":\"arn:aws:es:us-east-1:210987654321:domain/analytics/*\"}]}"
  }
}
