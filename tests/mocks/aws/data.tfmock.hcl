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
