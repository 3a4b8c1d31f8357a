# destination = "opensearchserverless": the collection the module creates with its encryption, network, data access
# and lifecycle policies (decoded here), or an existing collection read by its ARN; the delivery stream's
# opensearchserverless_configuration; no domain; the alarms on the Serverless metrics.

mock_provider "aws" {
  source          = "./tests/mocks/aws"
  override_during = plan
}

mock_provider "archive" {
  source = "./tests/mocks/archive"
}

variables {
  destination                        = "opensearchserverless"
  opensearch_public_endpoint_enabled = true
}

run "creates_a_public_time_series_collection_and_its_policies" {
  command = plan

  variables {
    dashboards_allowed_principal_arns = ["arn:aws:iam::123456789012:role/analyst"]
  }

  assert {
    condition     = aws_opensearchserverless_collection.this[0].name == "ctr-enrichment" && aws_opensearchserverless_collection.this[0].type == "TIMESERIES" && aws_opensearchserverless_collection.this[0].standby_replicas == "ENABLED"
    error_message = "The collection must be named after var.name, TIMESERIES with standby replicas by default."
  }
  assert {
    condition     = length(aws_opensearch_domain.this) == 0 && length(aws_opensearch_domain_policy.this) == 0 && length(aws_cloudwatch_log_group.opensearch) == 0
    error_message = "An OpenSearch Serverless destination must create no domain (create_opensearch_domain applies to domain destinations only)."
  }
  assert {
    condition = jsondecode(aws_opensearchserverless_security_policy.encryption[0].policy) == {
      Rules       = [{ ResourceType = "collection", Resource = ["collection/ctr-enrichment"] }]
      AWSOwnedKey = true
    } && aws_opensearchserverless_security_policy.encryption[0].type == "encryption"
    error_message = "Without kms_key_arn the collection must be encrypted with an AWS owned key."
  }
  assert {
    condition = jsondecode(aws_opensearchserverless_security_policy.network[0].policy) == [{
      Rules = [
        { ResourceType = "collection", Resource = ["collection/ctr-enrichment"] },
        { ResourceType = "dashboard", Resource = ["collection/ctr-enrichment"] },
      ]
      AllowFromPublic = true
    }] && aws_opensearchserverless_security_policy.network[0].type == "network"
    error_message = "With opensearch_public_endpoint_enabled and no vpc_config the collection and its dashboards must be public."
  }
  assert {
    condition     = jsondecode(aws_opensearchserverless_access_policy.this[0].policy)[0].Principal == ["arn:aws:iam::123456789012:role/ctr-enrichment-firehose-us-east-1"] && jsondecode(aws_opensearchserverless_access_policy.this[0].policy)[0].Rules == [{ ResourceType = "index", Resource = ["index/ctr-enrichment/ctr"], Permission = ["aoss:CreateIndex", "aoss:UpdateIndex", "aoss:WriteDocument"] }]
    error_message = "The data access policy must let exactly the Firehose role create, update and write the one index it delivers to."
  }
  assert {
    condition     = jsondecode(aws_opensearchserverless_access_policy.this[0].policy)[1].Principal == ["arn:aws:iam::123456789012:role/analyst"] && !contains(flatten([for rule in jsondecode(aws_opensearchserverless_access_policy.this[0].policy)[1].Rules : rule.Permission]), "aoss:DeleteIndex")
    error_message = "dashboards_allowed_principal_arns must get a rule of their own, without deleting indices."
  }
  assert {
    condition     = length(aws_opensearchserverless_lifecycle_policy.this) == 0
    error_message = "Without opensearch_collection_retention_days documents are kept: no lifecycle policy."
  }
}

run "delivers_to_the_collection_endpoint" {
  command = plan

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.destination == "opensearchserverless" && length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration) == 0
    error_message = "The delivery stream must use the OpenSearch Serverless destination only."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearchserverless_configuration[0].collection_endpoint == "https://07tjusf2h91cunochc.us-east-1.aoss.amazonaws.com" && output.opensearch_collection_endpoint == "https://07tjusf2h91cunochc.us-east-1.aoss.amazonaws.com"
    error_message = "Firehose must deliver to the collection's endpoint, an https URL."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearchserverless_configuration[0].index_name == "ctr" && aws_kinesis_firehose_delivery_stream.this.opensearchserverless_configuration[0].s3_configuration[0].bucket_arn == "arn:aws:s3:::ctr-enrichment-backup-123456789012-us-east-1"
    error_message = "Firehose must write index_name and back failed documents up to the module's bucket."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearchserverless_configuration[0].processing_configuration[0].processors[0].type == "Lambda"
    error_message = "Records must go through the enrichment function."
  }
  assert {
    condition     = output.opensearch_collection_arn == "arn:aws:aoss:us-east-1:123456789012:collection/07tjusf2h91cunochc" && output.opensearch_domain_arn == null && output.opensearch_dashboards_endpoint == "https://07tjusf2h91cunochc.us-east-1.aoss.amazonaws.com/_dashboards"
    error_message = "The outputs must name the collection and its dashboards, and no domain."
  }
}

run "retention_search_type_key_and_no_standby_replicas" {
  command = plan

  variables {
    opensearch_collection_retention_days           = 400
    opensearch_collection_standby_replicas_enabled = false
    kms_key_arn                                    = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition = jsondecode(aws_opensearchserverless_lifecycle_policy.this[0].policy) == {
      Rules = [{ ResourceType = "index", Resource = ["index/ctr-enrichment/ctr"], MinIndexRetention = "400d" }]
    } && aws_opensearchserverless_lifecycle_policy.this[0].type == "retention"
    error_message = "opensearch_collection_retention_days must become a retention policy on the index Firehose writes."
  }
  assert {
    condition     = aws_opensearchserverless_collection.this[0].standby_replicas == "DISABLED"
    error_message = "opensearch_collection_standby_replicas_enabled = false must turn standby replicas off."
  }
  assert {
    condition     = jsondecode(aws_opensearchserverless_security_policy.encryption[0].policy).KmsARN == "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" && jsondecode(aws_opensearchserverless_security_policy.encryption[0].policy).AWSOwnedKey == false
    error_message = "kms_key_arn must encrypt the collection too."
  }
}

run "a_private_collection_is_reached_through_its_vpc_endpoint" {
  command = plan

  variables {
    opensearch_public_endpoint_enabled = false
    opensearch_collection_type         = "SEARCH"
    vpc_config = {
      subnet_ids             = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
      create_security_groups = true
    }
  }

  assert {
    condition     = aws_opensearchserverless_vpc_endpoint.this[0].vpc_id == "vpc-0123456789abcdef0" && toset(aws_opensearchserverless_vpc_endpoint.this[0].subnet_ids) == toset(["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]) && toset(aws_opensearchserverless_vpc_endpoint.this[0].security_group_ids) == toset([aws_security_group.opensearch[0].id])
    error_message = "The VPC endpoint must sit in the subnets, behind the destination security group the module creates."
  }
  assert {
    condition     = jsondecode(aws_opensearchserverless_security_policy.network[0].policy)[0].AllowFromPublic == false && jsondecode(aws_opensearchserverless_security_policy.network[0].policy)[0].SourceVPCEs == ["vpce-050f79086ee71ac05"]
    error_message = "A private collection must admit only its VPC endpoint."
  }
  assert {
    condition     = toset(aws_kinesis_firehose_delivery_stream.this.opensearchserverless_configuration[0].vpc_config[0].security_group_ids) == toset([aws_security_group.firehose[0].id])
    error_message = "Firehose must deliver from its own security group, which the endpoint's group admits on 443."
  }
  assert {
    condition     = aws_opensearchserverless_collection.this[0].type == "SEARCH" && startswith(aws_security_group.opensearch[0].description, "OpenSearch Serverless VPC endpoint")
    error_message = "The collection type must be passed through, and the destination group must say what it guards."
  }
}

run "an_existing_collection_is_read_by_its_arn" {
  command = plan

  variables {
    create_opensearch_collection = false
    opensearch_collection_arn    = "arn:aws:aoss:us-east-1:123456789012:collection/abc123def456ghi"
  }

  assert {
    condition     = length(aws_opensearchserverless_collection.this) == 0 && length(aws_opensearchserverless_access_policy.this) == 0 && data.aws_opensearchserverless_collection.existing[0].id == "abc123def456ghi"
    error_message = "An existing collection must be read by the ID in its ARN, and nothing created for it."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearchserverless_configuration[0].collection_endpoint == "https://abc123def456ghi.us-east-1.aoss.amazonaws.com"
    error_message = "Firehose must deliver to the existing collection's endpoint."
  }
  assert {
    condition = jsondecode(output.opensearch_collection_data_access_policy_json) == [{
      Description = "Firehose delivery stream ctr-enrichment writes ctr"
      Rules       = [{ ResourceType = "index", Resource = ["index/contact-centre/ctr"], Permission = ["aoss:CreateIndex", "aoss:UpdateIndex", "aoss:WriteDocument"] }]
      Principal   = ["arn:aws:iam::123456789012:role/ctr-enrichment-firehose-us-east-1"]
    }]
    error_message = "The output must give the collection's owner the data access rule for the Firehose role, on the collection's name."
  }
}

run "alarms_watch_the_serverless_delivery_metrics" {
  command = plan

  variables {
    create_alarms       = true
    alarm_sns_topic_arn = "arn:aws:sns:us-east-1:123456789012:ctr-alarms"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["delivery-success"].metric_name == "DeliveryToAmazonOpenSearchServerless.Success" && aws_cloudwatch_metric_alarm.this["data-freshness"].metric_name == "DeliveryToAmazonOpenSearchServerless.DataFreshness"
    error_message = "The delivery alarms must watch the metrics Firehose publishes for an OpenSearch Serverless destination."
  }
}

run "a_private_collection_can_use_the_vpc_endpoint_its_vpc_has" {
  command = plan

  variables {
    opensearch_public_endpoint_enabled    = false
    opensearch_collection_vpc_endpoint_id = "vpce-0a1b2c3d4e5f60718"
    vpc_config = {
      subnet_ids         = ["subnet-0123456789abcdef0"]
      security_group_ids = ["sg-0123456789abcdef0"]
    }
  }

  assert {
    condition     = length(aws_opensearchserverless_vpc_endpoint.this) == 0 && jsondecode(aws_opensearchserverless_security_policy.network[0].policy)[0].SourceVPCEs == ["vpce-0a1b2c3d4e5f60718"]
    error_message = "With opensearch_collection_vpc_endpoint_id the network policy must admit that endpoint, and no second one be created."
  }
}

run "protection_guards_the_collection" {
  command = plan

  variables {
    opensearch_prevent_destroy_enabled = true
  }

  assert {
    condition     = terraform_data.opensearch_collection_protection[0].input == "ctr-enrichment" && length(terraform_data.opensearch_domain_protection) == 0
    error_message = "opensearch_prevent_destroy_enabled must guard the collection the module creates."
  }
}
