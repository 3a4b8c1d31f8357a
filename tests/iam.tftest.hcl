# The IAM, domain, log and bucket policies, rendered to JSON by the real aws provider and decoded here.
# A mocked aws_iam_policy_document would only echo its mock default, so this file uses the real provider
# (plan only, fake credentials, no API calls: the identity, Region and partition data sources are
# overridden) and mocks only the archive provider.

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "mock_access_key"
  secret_key                  = "mock_secret_key"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  skip_requesting_account_id  = true
}

mock_provider "archive" {
  source = "./tests/mocks/archive"
}

override_data {
  target          = data.aws_caller_identity.current
  override_during = plan
  values = {
    account_id = "111122223333"
    arn        = "arn:aws:iam::111122223333:user/terraform-test"
    user_id    = "AIDAMOCKUSER"
  }
}

# Region and partition are local lookups in the provider; fixed here all the same, so no run can depend
# on how a provider version resolves them.
override_data {
  target          = data.aws_region.current
  override_during = plan
  values = {
    region = "us-east-1"
    name   = "us-east-1"
  }
}

override_data {
  target          = data.aws_partition.current
  override_during = plan
  values = {
    partition  = "aws"
    dns_suffix = "amazonaws.com"
  }
}

# The roles' IDs are known only after apply; fixed values let the tests follow the wiring at plan time.
override_resource {
  target          = aws_iam_role.lambda
  override_during = plan
  values = {
    id  = "overridden-lambda-role-id"
    arn = "arn:aws:iam::111122223333:role/ctr-enrichment-lambda-us-east-1"
  }
}

override_resource {
  target          = aws_iam_role.firehose
  override_during = plan
  values = {
    id  = "overridden-firehose-role-id"
    arn = "arn:aws:iam::111122223333:role/ctr-enrichment-firehose-us-east-1"
  }
}

# VPC delivery with created security groups: the subnet lookup and the groups' IDs, fixed so the EC2
# statements can be followed at plan time without an API call.
override_data {
  target          = data.aws_subnet.delivery
  override_during = plan
  values = {
    vpc_id = "vpc-0a1b2c3d4e5f60718"
  }
}

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

# OpenSearch Serverless: a collection the module creates gets its ARN from AWS, and an existing one is read with
# BatchGetCollection; both fixed here, so the role's statement can be followed without an API call.
override_resource {
  target          = aws_opensearchserverless_collection.this
  override_during = plan
  values = {
    id                  = "07tjusf2h91cunochc"
    arn                 = "arn:aws:aoss:us-east-1:111122223333:collection/07tjusf2h91cunochc"
    collection_endpoint = "https://07tjusf2h91cunochc.us-east-1.aoss.amazonaws.com"
  }
}

override_data {
  target          = data.aws_opensearchserverless_collection.existing
  override_during = plan
  values = {
    name                = "contact-centre"
    type                = "SEARCH"
    collection_endpoint = "https://abc123def456ghi.us-east-1.aoss.amazonaws.com"
  }
}

variables {
  opensearch_public_endpoint_enabled = true
}

run "function_policy_defaults" {
  command = plan

  assert {
    condition     = [for s in jsondecode(data.aws_iam_policy_document.lambda.json).Statement : s.Sid] == ["WriteOwnLogs", "ReadLookupTables"]
    error_message = "Without a KMS key or tracing the function may only write its logs and read the lookup tables: ${data.aws_iam_policy_document.lambda.json}"
  }
  assert {
    condition = [for s in jsondecode(data.aws_iam_policy_document.lambda.json).Statement : {
      effect    = s.Effect
      actions   = toset(flatten([s.Action]))
      resources = toset(flatten([s.Resource]))
      }] == [
      {
        effect    = "Allow"
        actions   = toset(["logs:CreateLogStream", "logs:PutLogEvents"])
        resources = toset(["arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/ctr-enrichment:*"])
      },
      {
        effect    = "Allow"
        actions   = toset(["dynamodb:BatchGetItem", "dynamodb:GetItem"])
        resources = toset(["arn:aws:dynamodb:us-east-1:111122223333:table/ctr-enrichment-lookup"])
      },
    ]
    error_message = "The function may write only to its own log group and read only the module's lookup table: ${data.aws_iam_policy_document.lambda.json}"
  }
  assert {
    condition     = aws_iam_role_policy.lambda.policy == data.aws_iam_policy_document.lambda.json && aws_iam_role_policy.lambda.role == "overridden-lambda-role-id"
    error_message = "The rendered policy must be the inline policy of the function's role."
  }
}

run "function_policy_covers_exactly_the_rule_tables" {
  command = plan

  variables {
    create_lookup_table = false
    lookup_table_arn    = "arn:aws:dynamodb:us-east-1:111122223333:table/customers"
    enrichment_rules = [
      { name = "customer", source = "CustomerEndpoint.Address", target = "Customer", normalize = "phone" },
      { name = "agent", source = "Agent.Username", target = "AgentProfile", table = "agents", key = "username" },
      { name = "queue", source = "Queue.Name", target = "QueueInfo", table = "arn:aws:dynamodb:eu-west-1:444455556666:table/queues", key = "queue" },
      { name = "queue_again", source = "Queue.ARN", target = "QueueById", table = "arn:aws:dynamodb:eu-west-1:444455556666:table/queues", key = "queue" },
    ]
  }

  assert {
    condition = toset(flatten([one([for s in jsondecode(data.aws_iam_policy_document.lambda.json).Statement : s.Resource if s.Sid == "ReadLookupTables"])])) == toset([
      "arn:aws:dynamodb:us-east-1:111122223333:table/customers",
      "arn:aws:dynamodb:us-east-1:111122223333:table/agents",
      "arn:aws:dynamodb:eu-west-1:444455556666:table/queues",
    ])
    error_message = "The function must be able to read exactly the tables the rules name: ${data.aws_iam_policy_document.lambda.json}"
  }
}

run "function_policy_with_key_and_tracing" {
  command = plan

  variables {
    kms_key_arn            = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    lambda_tracing_enabled = true
  }

  assert {
    condition = [for s in jsondecode(data.aws_iam_policy_document.lambda.json).Statement : {
      effect    = s.Effect
      actions   = toset(flatten([s.Action]))
      resources = toset(flatten([s.Resource]))
      } if s.Sid == "DecryptWithModuleKey"] == [{
      effect    = "Allow"
      actions   = toset(["kms:Decrypt"])
      resources = toset(["arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"])
    }]
    error_message = "With a key the function may decrypt with that key only: ${data.aws_iam_policy_document.lambda.json}"
  }
  assert {
    condition = (
      toset(flatten([one([for s in jsondecode(data.aws_iam_policy_document.lambda.json).Statement : s.Action if s.Sid == "XRayTracing"])])) == toset(["xray:PutTraceSegments", "xray:PutTelemetryRecords"]) &&
      flatten([one([for s in jsondecode(data.aws_iam_policy_document.lambda.json).Statement : s.Resource if s.Sid == "XRayTracing"])]) == ["*"]
    )
    error_message = "With tracing the function may send traces (X-Ray requires Resource \"*\"): ${data.aws_iam_policy_document.lambda.json}"
  }
}

run "firehose_policy_defaults" {
  command = plan

  assert {
    condition = {
      for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : s.Sid => {
        effect    = s.Effect
        actions   = toset(flatten([s.Action]))
        resources = toset(flatten([s.Resource]))
      }
      } == {
      WriteBackupBucket = {
        effect    = "Allow"
        actions   = toset(["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:PutObject"])
        resources = toset(["arn:aws:s3:::ctr-enrichment-backup-111122223333-us-east-1", "arn:aws:s3:::ctr-enrichment-backup-111122223333-us-east-1/*"])
      }
      InvokeEnrichmentFunction = {
        effect    = "Allow"
        actions   = toset(["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"])
        resources = toset(["arn:aws:lambda:us-east-1:111122223333:function:ctr-enrichment", "arn:aws:lambda:us-east-1:111122223333:function:ctr-enrichment:*"])
      }
      DeliverToDomain = {
        effect    = "Allow"
        actions   = toset(["es:DescribeDomain", "es:DescribeDomains", "es:DescribeDomainConfig", "es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut"])
        resources = toset(["arn:aws:es:us-east-1:111122223333:domain/ctr-enrichment", "arn:aws:es:us-east-1:111122223333:domain/ctr-enrichment/*"])
      }
      WriteErrorLogs = {
        effect  = "Allow"
        actions = toset(["logs:PutLogEvents"])
        resources = toset([
          "arn:aws:logs:us-east-1:111122223333:log-group:/aws/kinesisfirehose/ctr-enrichment:log-stream:DestinationDelivery",
          "arn:aws:logs:us-east-1:111122223333:log-group:/aws/kinesisfirehose/ctr-enrichment:log-stream:BackupDelivery",
        ])
      }
    }
    error_message = "Firehose may use exactly the backup bucket, the function (and its versions), the domain and its two log streams: ${data.aws_iam_policy_document.firehose.json}"
  }
  assert {
    condition     = aws_iam_role_policy.firehose.policy == data.aws_iam_policy_document.firehose.json && aws_iam_role_policy.firehose.role == "overridden-firehose-role-id"
    error_message = "The rendered policy must be the inline policy of the Firehose role."
  }
}

run "firehose_policy_existing_domain_and_bucket" {
  command = plan

  variables {
    create_opensearch_domain = false
    opensearch_domain_arn    = "arn:aws:es:us-east-1:111122223333:domain/existing"
    create_backup_bucket     = false
    backup_bucket_arn        = "arn:aws:s3:::existing-ctr-backup"
  }

  assert {
    condition     = toset(flatten([one([for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : s.Resource if s.Sid == "DeliverToDomain"])])) == toset(["arn:aws:es:us-east-1:111122223333:domain/existing", "arn:aws:es:us-east-1:111122223333:domain/existing/*"])
    error_message = "Firehose must be scoped to the given domain: ${data.aws_iam_policy_document.firehose.json}"
  }
  assert {
    condition     = toset(flatten([one([for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : s.Resource if s.Sid == "WriteBackupBucket"])])) == toset(["arn:aws:s3:::existing-ctr-backup", "arn:aws:s3:::existing-ctr-backup/*"])
    error_message = "Firehose must be scoped to the given bucket: ${data.aws_iam_policy_document.firehose.json}"
  }
}

run "firehose_policy_with_key_and_vpc" {
  command = plan

  variables {
    opensearch_public_endpoint_enabled = false
    kms_key_arn                        = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    vpc_config = {
      subnet_ids         = ["subnet-0123456789abcdef0"]
      security_group_ids = ["sg-0123456789abcdef0"]
    }
  }

  assert {
    condition = [for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : {
      effect    = s.Effect
      actions   = toset(flatten([s.Action]))
      resources = toset(flatten([s.Resource]))
      condition = s.Condition
      } if s.Sid == "EncryptBackupObjects"] == [{
      effect    = "Allow"
      actions   = toset(["kms:Decrypt", "kms:GenerateDataKey"])
      resources = toset(["arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"])
      condition = {
        StringEquals = { "kms:ViaService" = "s3.us-east-1.amazonaws.com" }
        StringLike = { "kms:EncryptionContext:aws:s3:arn" = [
          "arn:aws:s3:::ctr-enrichment-backup-111122223333-us-east-1",
          "arn:aws:s3:::ctr-enrichment-backup-111122223333-us-east-1/*",
        ] }
      }
    }]
    error_message = "With a key Firehose may use it only through S3, for the backup bucket (its Bucket Key) and its objects: ${data.aws_iam_policy_document.firehose.json}"
  }
  assert {
    condition     = flatten([one([for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : s.Resource if s.Sid == "DescribeVpcForDelivery"])]) == ["*"] && alltrue([for a in flatten([one([for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : s.Action if s.Sid == "DescribeVpcForDelivery"])]) : startswith(a, "ec2:Describe")])
    error_message = "Only the EC2 Describe actions, which have no resource-level permissions, may use Resource \"*\": ${data.aws_iam_policy_document.firehose.json}"
  }
  assert {
    condition     = [for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : [s.Action, s.Resource, lookup(s, "Condition", null)] if s.Sid == "CreateDeliveryInterfaces"] == [["ec2:CreateNetworkInterface", "*", null]]
    error_message = "Firehose creates its network interfaces with the documented grant (Resource \"*\"), which also covers subnets shared from another account: ${data.aws_iam_policy_document.firehose.json}"
  }
  assert {
    condition     = flatten([one([for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : s.Resource if s.Sid == "ManageDeliveryInterfaces"])]) == ["arn:aws:ec2:us-east-1:111122223333:network-interface/*"]
    error_message = "Firehose may manage only network interfaces: ${data.aws_iam_policy_document.firehose.json}"
  }
}

run "trust_policies" {
  command = plan

  assert {
    condition = jsondecode(data.aws_iam_policy_document.lambda_assume_role.json).Statement == [{
      Sid       = "LambdaAssumeRole"
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
    error_message = "Only Lambda may assume the function's role: ${data.aws_iam_policy_document.lambda_assume_role.json}"
  }
  assert {
    condition = jsondecode(data.aws_iam_policy_document.firehose_assume_role.json).Statement == [{
      Sid       = "FirehoseAssumeRole"
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "firehose.amazonaws.com" }
      Condition = { StringEquals = { "sts:ExternalId" = "111122223333" } }
    }]
    error_message = "Only Firehose streams of this account may assume the delivery role: ${data.aws_iam_policy_document.firehose_assume_role.json}"
  }
  assert {
    condition     = aws_iam_role.lambda.assume_role_policy == data.aws_iam_policy_document.lambda_assume_role.json && aws_iam_role.firehose.assume_role_policy == data.aws_iam_policy_document.firehose_assume_role.json
    error_message = "The trust policies must be the ones of the roles."
  }
}

run "domain_access_policy_admits_only_firehose_by_default" {
  command = plan

  assert {
    condition = [for s in jsondecode(data.aws_iam_policy_document.opensearch_access[0].json).Statement : {
      sid       = s.Sid
      effect    = s.Effect
      actions   = toset(flatten([s.Action]))
      resources = toset(flatten([s.Resource]))
      principal = s.Principal
      }] == [{
      sid       = "FirehoseDelivery"
      effect    = "Allow"
      actions   = toset(["es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut"])
      resources = toset(["arn:aws:es:us-east-1:111122223333:domain/ctr-enrichment/*"])
      principal = { AWS = "arn:aws:iam::111122223333:role/ctr-enrichment-firehose-us-east-1" }
    }]
    error_message = "Without dashboards inputs the domain must admit the Firehose role only: ${data.aws_iam_policy_document.opensearch_access[0].json}"
  }
  assert {
    condition     = aws_opensearch_domain_policy.this[0].access_policies == data.aws_iam_policy_document.opensearch_access[0].json
    error_message = "The rendered policy must be the domain's access policy."
  }
}

run "domain_access_policy_admits_listed_principals_and_networks" {
  command = plan

  variables {
    dashboards_allowed_principal_arns = ["arn:aws:iam::111122223333:role/analyst"]
    dashboards_allowed_cidr_blocks    = ["203.0.113.0/24", "198.51.100.7/32"]
  }

  assert {
    condition     = [for s in jsondecode(data.aws_iam_policy_document.opensearch_access[0].json).Statement : s.Sid] == ["FirehoseDelivery", "DashboardsPrincipals", "DashboardsFromAllowedNetworks"]
    error_message = "The domain must admit Firehose, the listed principals and the listed networks: ${data.aws_iam_policy_document.opensearch_access[0].json}"
  }
  assert {
    condition     = [for s in jsondecode(data.aws_iam_policy_document.opensearch_access[0].json).Statement : toset(flatten([s.Principal.AWS])) if s.Sid == "DashboardsPrincipals"] == [toset(["arn:aws:iam::111122223333:role/analyst"])]
    error_message = "Dashboards principals must be the listed ones: ${data.aws_iam_policy_document.opensearch_access[0].json}"
  }
  assert {
    condition = [for s in jsondecode(data.aws_iam_policy_document.opensearch_access[0].json).Statement : {
      principal = s.Principal
      operators = keys(s.Condition)
      variables = keys(s.Condition.IpAddress)
      networks  = toset(s.Condition.IpAddress["aws:SourceIp"])
      } if s.Sid == "DashboardsFromAllowedNetworks"] == [{
      principal = { AWS = "*" }
      operators = ["IpAddress"]
      variables = ["aws:SourceIp"]
      networks  = toset(["203.0.113.0/24", "198.51.100.7/32"])
    }]
    error_message = "Anonymous access must be limited to the listed networks: ${data.aws_iam_policy_document.opensearch_access[0].json}"
  }
  assert {
    condition     = alltrue([for s in jsondecode(data.aws_iam_policy_document.opensearch_access[0].json).Statement : flatten([s.Resource]) == ["arn:aws:es:us-east-1:111122223333:domain/ctr-enrichment/*"]])
    error_message = "Every statement must be scoped to the domain: ${data.aws_iam_policy_document.opensearch_access[0].json}"
  }
}

# In a VPC the same networks reach the domain through its security group (tests/vpc.tftest.hcl); its access
# policy admits no one by address (an IP-based policy does not apply to a VPC domain) and nothing unsigned.
run "domain_access_policy_of_a_vpc_domain_admits_no_network" {
  command = plan

  variables {
    opensearch_public_endpoint_enabled = false
    vpc_config                         = { subnet_ids = ["subnet-0123456789abcdef0"], create_security_groups = true }
    dashboards_allowed_principal_arns  = ["arn:aws:iam::111122223333:role/analyst"]
    dashboards_allowed_cidr_blocks     = ["10.20.0.0/16"]
  }

  assert {
    condition     = [for s in jsondecode(data.aws_iam_policy_document.opensearch_access[0].json).Statement : s.Sid] == ["FirehoseDelivery", "DashboardsPrincipals"]
    error_message = "A VPC domain's access policy must admit Firehose and the listed principals only: ${data.aws_iam_policy_document.opensearch_access[0].json}"
  }
}

run "domain_log_policy" {
  command = plan

  assert {
    condition = [for s in jsondecode(data.aws_iam_policy_document.opensearch_logs[0].json).Statement : {
      sid       = s.Sid
      effect    = s.Effect
      actions   = toset(flatten([s.Action]))
      resources = toset(flatten([s.Resource]))
      principal = s.Principal
      condition = s.Condition
      }] == [{
      sid       = "OpenSearchPublishLogs"
      effect    = "Allow"
      actions   = toset(["logs:CreateLogStream", "logs:PutLogEvents"])
      resources = toset(["arn:aws:logs:us-east-1:111122223333:log-group:/aws/opensearch/ctr-enrichment:*"])
      principal = { Service = "es.amazonaws.com" }
      condition = {
        StringEquals = { "aws:SourceAccount" = "111122223333" }
        ArnLike      = { "aws:SourceArn" = "arn:aws:es:us-east-1:111122223333:domain/ctr-enrichment" }
      }
    }]
    error_message = "Only this domain may write, and only to its own log group: ${data.aws_iam_policy_document.opensearch_logs[0].json}"
  }
}

run "backup_bucket_policy_is_tls_only" {
  command = plan

  assert {
    condition = [for s in jsondecode(data.aws_iam_policy_document.backup_bucket[0].json).Statement : {
      sid       = s.Sid
      effect    = s.Effect
      actions   = toset(flatten([s.Action]))
      resources = toset(flatten([s.Resource]))
      principal = s.Principal
      condition = s.Condition
      }] == [{
      sid       = "DenyInsecureTransport"
      effect    = "Deny"
      actions   = toset(["s3:*"])
      resources = toset(["arn:aws:s3:::ctr-enrichment-backup-111122223333-us-east-1", "arn:aws:s3:::ctr-enrichment-backup-111122223333-us-east-1/*"])
      principal = "*"
      condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
    error_message = "The bucket policy must deny every request that does not use TLS: ${data.aws_iam_policy_document.backup_bucket[0].json}"
  }
  assert {
    condition     = aws_s3_bucket_policy.backup[0].policy == data.aws_iam_policy_document.backup_bucket[0].json
    error_message = "The rendered policy must be the bucket's policy."
  }
}

# Every policy the module renders, with every optional statement switched on: no Allow statement may use
# a wildcard action, and Resource "*" is allowed only for the actions AWS offers no resource-level
# permissions for, and for the one grant AWS documents with it (ec2:CreateNetworkInterface for VPC delivery).
run "no_wildcard_actions_and_only_required_wildcard_resources" {
  command = plan

  variables {
    kms_key_arn                       = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    lambda_tracing_enabled            = true
    dashboards_allowed_principal_arns = ["arn:aws:iam::111122223333:role/analyst"]
    dashboards_allowed_cidr_blocks    = ["203.0.113.0/24"]
  }

  assert {
    condition = alltrue(flatten([
      for doc in [
        data.aws_iam_policy_document.lambda.json,
        data.aws_iam_policy_document.firehose.json,
        data.aws_iam_policy_document.lambda_assume_role.json,
        data.aws_iam_policy_document.firehose_assume_role.json,
        data.aws_iam_policy_document.opensearch_access[0].json,
        data.aws_iam_policy_document.opensearch_logs[0].json,
        ] : [
        for s in jsondecode(doc).Statement : [
          for a in flatten([s.Action]) : length(regexall("\\*", a)) == 0
        ] if s.Effect == "Allow"
      ]
    ]))
    error_message = "An Allow statement uses a wildcard action."
  }
  assert {
    condition = toset(flatten([
      for doc in [data.aws_iam_policy_document.lambda.json, data.aws_iam_policy_document.firehose.json] : [
        for s in jsondecode(doc).Statement : s.Sid if contains(flatten([s.Resource]), "*")
      ]
    ])) == toset(["XRayTracing"])
    error_message = "Only X-Ray (no resource-level permissions) may use Resource \"*\" here."
  }
  assert {
    condition = toset(flatten([
      for s in jsondecode(data.aws_iam_policy_document.backup_bucket[0].json).Statement : [
        for a in flatten([s.Action]) : "${s.Effect} ${a}" if length(regexall("\\*", a)) > 0
      ]
    ])) == toset(["Deny s3:*"])
    error_message = "The bucket policy's only wildcard action must be the TLS-only Deny."
  }
}

run "no_wildcard_actions_with_vpc_delivery" {
  command = plan

  variables {
    opensearch_public_endpoint_enabled = false
    vpc_config = {
      subnet_ids         = ["subnet-0123456789abcdef0"]
      security_group_ids = ["sg-0123456789abcdef0"]
    }
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : [
        for a in flatten([s.Action]) : length(regexall("\\*", a)) == 0
      ]
    ]))
    error_message = "A Firehose statement uses a wildcard action: ${data.aws_iam_policy_document.firehose.json}"
  }
  assert {
    condition     = toset([for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : s.Sid if contains(flatten([s.Resource]), "*")]) == toset(["DescribeVpcForDelivery", "CreateDeliveryInterfaces"])
    error_message = "Only the EC2 Describe statement and the documented CreateNetworkInterface grant may use Resource \"*\": ${data.aws_iam_policy_document.firehose.json}"
  }
}

run "firehose_policy_has_no_ec2_statement_without_vpc_delivery" {
  command = plan

  variables {
    destination               = "elasticsearch"
    opensearch_engine_version = "Elasticsearch_7.10"
  }

  assert {
    condition     = length([for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : s if anytrue([for a in flatten([s.Action]) : startswith(a, "ec2:")])]) == 0
    error_message = "Without vpc_config Firehose must get no EC2 permission: ${data.aws_iam_policy_document.firehose.json}"
  }
}

run "firehose_policy_with_created_security_groups" {
  command = plan

  variables {
    opensearch_public_endpoint_enabled = false
    vpc_config = {
      subnet_ids             = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
      create_security_groups = true
    }
    opensearch_availability_zone_count = 2
    opensearch_instance_count          = 2
  }

  assert {
    condition = {
      for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : s.Sid => {
        actions   = toset(flatten([s.Action]))
        resources = toset(flatten([s.Resource]))
      } if anytrue([for a in flatten([s.Action]) : startswith(a, "ec2:")])
      } == {
      DescribeVpcForDelivery = {
        actions   = toset(["ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcAttribute", "ec2:DescribeVpcs"])
        resources = toset(["*"])
      }
      CreateDeliveryInterfaces = {
        actions   = toset(["ec2:CreateNetworkInterface"])
        resources = toset(["*"])
      }
      ManageDeliveryInterfaces = {
        actions   = toset(["ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface"])
        resources = toset(["arn:aws:ec2:us-east-1:111122223333:network-interface/*"])
      }
    }
    error_message = "With created security groups Firehose gets the documented VPC permissions, and manages only this account's interfaces: ${data.aws_iam_policy_document.firehose.json}"
  }
}

run "firehose_policy_for_the_elasticsearch_destination" {
  command = plan

  variables {
    destination              = "elasticsearch"
    create_opensearch_domain = false
    opensearch_domain_arn    = "arn:aws:es:us-east-1:111122223333:domain/legacy"
  }

  assert {
    condition = [for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : {
      actions   = toset(flatten([s.Action]))
      resources = toset(flatten([s.Resource]))
      } if s.Sid == "DeliverToDomain"] == [{
      actions = toset([
        "es:DescribeDomain", "es:DescribeDomains", "es:DescribeDomainConfig",
        "es:DescribeElasticsearchDomain", "es:DescribeElasticsearchDomains", "es:DescribeElasticsearchDomainConfig",
        "es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut",
      ])
      resources = toset(["arn:aws:es:us-east-1:111122223333:domain/legacy", "arn:aws:es:us-east-1:111122223333:domain/legacy/*"])
    }]
    error_message = "The Elasticsearch destination also describes the domain through the legacy Elasticsearch API names, on that domain only: ${data.aws_iam_policy_document.firehose.json}"
  }
}

run "firehose_policy_reads_the_kinesis_source_and_decrypts_only_through_kinesis" {
  command = plan

  variables {
    kinesis_source = {
      stream_arn  = "arn:aws:kinesis:us-east-1:111122223333:stream/connect-ctr"
      kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }

  assert {
    condition = one([for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : {
      actions   = toset(flatten([s.Action]))
      resources = toset(flatten([s.Resource]))
      } if s.Sid == "ReadSourceStream"]) == {
      actions   = toset(["kinesis:DescribeStream", "kinesis:GetShardIterator", "kinesis:GetRecords", "kinesis:ListShards"])
      resources = toset(["arn:aws:kinesis:us-east-1:111122223333:stream/connect-ctr"])
    }
    error_message = "Firehose must read exactly the source stream, with the four actions AWS documents: ${data.aws_iam_policy_document.firehose.json}"
  }
  assert {
    condition = one([for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : {
      actions   = toset(flatten([s.Action]))
      resources = toset(flatten([s.Resource]))
      condition = s.Condition
      } if s.Sid == "DecryptSourceStream"]) == {
      actions   = toset(["kms:Decrypt"])
      resources = toset(["arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"])
      condition = {
        StringEquals = {
          "kms:ViaService"                        = "kinesis.us-east-1.amazonaws.com"
          "kms:EncryptionContext:aws:kinesis:arn" = "arn:aws:kinesis:us-east-1:111122223333:stream/connect-ctr"
        }
      }
    }
    error_message = "Firehose may decrypt with the stream's key only through Kinesis and only for this stream: ${data.aws_iam_policy_document.firehose.json}"
  }
}

run "firehose_policy_without_a_stream_key_has_no_kms_statement" {
  command = plan

  variables {
    kinesis_source = { stream_arn = "arn:aws:kinesis:us-east-1:111122223333:stream/connect-ctr" }
  }

  assert {
    condition     = !contains([for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : s.Sid], "DecryptSourceStream") && contains([for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : s.Sid], "ReadSourceStream")
    error_message = "An unencrypted stream (or the AWS managed key) needs no kms: permission."
  }
}

run "firehose_policy_for_a_domain_of_another_account" {
  command = plan

  variables {
    create_opensearch_domain                = false
    opensearch_domain_arn                   = "arn:aws:es:us-east-1:444455556666:domain/analytics"
    opensearch_domain_endpoint              = "search-analytics-abc123.us-east-1.es.amazonaws.com"
    opensearch_domain_cross_account_enabled = true
  }

  assert {
    condition = one([for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : {
      actions   = toset(flatten([s.Action]))
      resources = toset(flatten([s.Resource]))
      } if s.Sid == "DeliverToDomain"]) == {
      actions   = toset(["es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut"])
      resources = toset(["arn:aws:es:us-east-1:444455556666:domain/analytics", "arn:aws:es:us-east-1:444455556666:domain/analytics/*"])
    }
    error_message = "Across accounts Firehose only sends HTTP requests to the domain: no Describe* it could not use: ${data.aws_iam_policy_document.firehose.json}"
  }
  assert {
    condition = jsondecode(output.opensearch_domain_access_policy_json).Statement == [{
      Sid       = "FirehoseDeliveryCtrEnrichment"
      Effect    = "Allow"
      Action    = ["es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut"]
      Resource  = "arn:aws:es:us-east-1:444455556666:domain/analytics/*"
      Principal = { AWS = "arn:aws:iam::111122223333:role/ctr-enrichment-firehose-us-east-1" }
    }]
    error_message = "The output must be the statement the domain's owner applies: the Firehose role, the HTTP actions, the domain's paths: ${output.opensearch_domain_access_policy_json}"
  }
}

run "firehose_policy_for_a_collection_the_module_creates" {
  command = plan

  variables {
    destination = "opensearchserverless"
  }

  assert {
    condition = {
      for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : s.Sid => toset(flatten([s.Action])) if startswith(s.Sid, "DeliverTo")
      } == {
      DeliverToCollection = toset(["aoss:APIAccessAll"])
    }
    error_message = "Firehose must have aoss:APIAccessAll and nothing of a domain: ${data.aws_iam_policy_document.firehose.json}"
  }
  assert {
    condition     = one([for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : s.Resource if s.Sid == "DeliverToCollection"]) == "arn:aws:aoss:us-east-1:111122223333:collection/07tjusf2h91cunochc"
    error_message = "aoss:APIAccessAll must be scoped to the collection: ${data.aws_iam_policy_document.firehose.json}"
  }
  assert {
    condition     = output.opensearch_domain_access_policy_json == null && output.opensearch_collection_data_access_policy_json == null
    error_message = "A collection the module creates needs no policy from its owner."
  }
}

run "firehose_policy_for_an_existing_collection" {
  command = plan

  variables {
    destination                  = "opensearchserverless"
    create_opensearch_collection = false
    opensearch_collection_arn    = "arn:aws:aoss:us-east-1:111122223333:collection/abc123def456ghi"
  }

  assert {
    condition     = one([for s in jsondecode(data.aws_iam_policy_document.firehose.json).Statement : s.Resource if s.Sid == "DeliverToCollection"]) == "arn:aws:aoss:us-east-1:111122223333:collection/abc123def456ghi"
    error_message = "aoss:APIAccessAll must be scoped to the given collection: ${data.aws_iam_policy_document.firehose.json}"
  }
}
