# ARN-shaped values for the attributes the module passes on or outputs.

mock_resource "aws_lambda_function" {
  defaults = {
    arn           = "arn:aws:lambda:us-east-1:123456789012:function:mock"
    qualified_arn = "arn:aws:lambda:us-east-1:123456789012:function:mock:$LATEST"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::123456789012:role/mock"
  }
}

mock_resource "aws_dynamodb_table" {
  defaults = {
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/mock"
  }
}

mock_resource "aws_opensearch_domain" {
  defaults = {
    arn                = "arn:aws:es:us-east-1:123456789012:domain/mock"
    endpoint           = "search-mock-abc123.us-east-1.es.amazonaws.com"
    dashboard_endpoint = "search-mock-abc123.us-east-1.es.amazonaws.com/_dashboards"
  }
}

mock_resource "aws_s3_bucket" {
  defaults = {
    arn = "arn:aws:s3:::mock-bucket"
  }
}

mock_resource "aws_kinesis_firehose_delivery_stream" {
  defaults = {
    arn = "arn:aws:firehose:us-east-1:123456789012:deliverystream/mock"
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = {
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:mock"
  }
}

mock_resource "aws_connect_instance_storage_config" {
  defaults = {
    association_id = "2f6a7c1d3e55aa0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b"
  }
}

mock_resource "aws_iam_service_linked_role" {
  defaults = {
    arn  = "arn:aws:iam::123456789012:role/aws-service-role/opensearchservice.amazonaws.com/AWSServiceRoleForAmazonOpenSearchService"
    name = "AWSServiceRoleForAmazonOpenSearchService"
  }
}

mock_resource "aws_cloudwatch_metric_alarm" {
  defaults = {
    arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:mock"
  }
}

# Security groups: an ID that looks like one (generic mocks leave `id` unknown during plan).
mock_resource "aws_security_group" {
  defaults = {
    id  = "sg-0aaaaaaaaaaaaaaaa"
    arn = "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0aaaaaaaaaaaaaaaa"
  }
}

# OpenSearch Serverless: IDs, ARN and endpoints shaped as AWS reports them (the collection endpoint with its scheme).
mock_resource "aws_opensearchserverless_collection" {
  defaults = {
    id                  = "07tjusf2h91cunochc"
    arn                 = "arn:aws:aoss:us-east-1:123456789012:collection/07tjusf2h91cunochc"
    collection_endpoint = "https://07tjusf2h91cunochc.us-east-1.aoss.amazonaws.com"
    dashboard_endpoint  = "https://07tjusf2h91cunochc.us-east-1.aoss.amazonaws.com/_dashboards"
  }
}

mock_resource "aws_opensearchserverless_vpc_endpoint" {
  defaults = {
    id = "vpce-050f79086ee71ac05"
  }
}
