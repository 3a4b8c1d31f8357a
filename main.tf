# terraform-aws-connect-ctr-enrichment: the entry point.
#
# The architecture diagram in README.md ("Architecture"), box by box, and the file that builds it:
#   Amazon Connect (contact trace records streaming) ...... connect.tf
#   or an existing Kinesis data stream (kinesis_source) ... firehose.tf, connect.tf, iam.tf
#   Kinesis Data Firehose delivery stream (processor) ..... firehose.tf
#   Enrichment Lambda (package, ENRICHMENT_RULES) ......... lambda.tf
#   DynamoDB lookup table (seed items, findable keys) ..... dynamodb.tf
#   OpenSearch Service domain ............................. opensearch.tf
#   or an OpenSearch Serverless collection ................ opensearch_serverless.tf
#     in your VPC: security groups, service-linked role ... vpc.tf
#   S3 backup bucket ...................................... s3.tf
#   CloudWatch Logs, CloudWatch alarms .................... logs.tf, alarms.tf
#   IAM: both roles and every resource policy ............. iam.tf
#   the interface ......................................... variables.tf, outputs.tf, versions.tf
#
# This file holds what ties them together: who and where the module runs (the data sources), the name of every
# resource (all derived from var.name), their ARNs, and the switches derived from the inputs. Locals used by
# one concern only live in that concern's file.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region
  dns_suffix = data.aws_partition.current.dns_suffix

  # Names: `var.name` drives every one of them.
  function_name             = var.name
  lambda_role_name          = coalesce(var.lambda_role_name, "${var.name}-lambda-${local.region}")
  firehose_role_name        = coalesce(var.firehose_role_name, "${var.name}-firehose-${local.region}")
  delivery_stream_name      = var.name
  domain_name               = var.name
  lookup_table_name         = var.create_lookup_table ? "${var.name}-lookup" : try(split("/", var.lookup_table_arn)[1], null)
  backup_bucket_name        = var.create_backup_bucket ? "${var.name}-backup-${local.account_id}-${local.region}" : try(split(":::", var.backup_bucket_arn)[1], null)
  lambda_log_group_name     = "/aws/lambda/${local.function_name}"
  firehose_log_group_name   = "/aws/kinesisfirehose/${local.delivery_stream_name}"
  opensearch_log_group_name = "/aws/opensearch/${local.domain_name}"
  firehose_log_streams      = { destination = "DestinationDelivery", backup = "BackupDelivery" }

  # ARNs are built from the names above rather than read from the resources, so that the IAM policies,
  # the access policies and the processor configuration are fully known at plan time: a reviewer sees
  # them in `terraform plan`, and the tests can assert on them offline. Where AWS needs the resource to
  # exist first, the dependency is an explicit `depends_on`. (The one exception: security groups the module
  # creates for VPC delivery get their IDs from AWS, so with them the Firehose policy is known after apply.)
  dynamodb_table_arn_prefix = "arn:${local.partition}:dynamodb:${local.region}:${local.account_id}:table/"
  lambda_function_arn       = "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${local.function_name}"
  firehose_role_arn         = "arn:${local.partition}:iam::${local.account_id}:role/${local.firehose_role_name}"
  lambda_log_group_arn      = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.lambda_log_group_name}"
  firehose_log_group_arn    = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.firehose_log_group_name}"
  opensearch_log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.opensearch_log_group_name}"
  domain_arn                = local.create_domain ? "arn:${local.partition}:es:${local.region}:${local.account_id}:domain/${local.domain_name}" : local.domain_destination ? var.opensearch_domain_arn : null
  backup_bucket_arn         = var.create_backup_bucket ? "arn:${local.partition}:s3:::${local.backup_bucket_name}" : var.backup_bucket_arn
  lookup_table_arn          = var.create_lookup_table ? "${local.dynamodb_table_arn_prefix}${local.lookup_table_name}" : var.lookup_table_arn

  # Switches derived from the inputs.
  # The source: Direct PUT (Amazon Connect writes to the delivery stream), or an existing Kinesis data stream.
  kinesis_source_enabled = var.kinesis_source != null
  # The destination: a domain (OpenSearch Service, or a legacy Elasticsearch domain), or an OpenSearch Serverless
  # collection. create_opensearch_domain applies to domain destinations only, create_opensearch_collection to
  # destination = "opensearchserverless" only.
  domain_destination = var.destination != "opensearchserverless"
  create_domain      = local.domain_destination && var.create_opensearch_domain
  create_collection  = !local.domain_destination && var.create_opensearch_collection
  # A domain of another account (opensearch_domain_cross_account_enabled): Firehose cannot address it by ARN, so it
  # gets the endpoint instead (cluster_endpoint), and the domain's owner admits the Firehose role.
  cross_account_domain = local.domain_destination && !local.create_domain && var.opensearch_domain_cross_account_enabled

  vpc_enabled = var.vpc_config != null
  # VPC delivery: the subnets, and the security groups of the Firehose interfaces and of the created domain
  # (the same given groups, or the two the module creates).
  vpc_subnet_ids              = local.vpc_enabled ? var.vpc_config.subnet_ids : []
  create_security_groups      = local.vpc_enabled && try(var.vpc_config.create_security_groups, false)
  firehose_security_group_ids = local.create_security_groups ? aws_security_group.firehose[*].id : try(var.vpc_config.security_group_ids, [])
  domain_security_group_ids   = local.create_security_groups ? aws_security_group.opensearch[*].id : try(var.vpc_config.security_group_ids, [])

  fine_grained_access       = var.opensearch_master_user_arn != null
  opensearch_log_publishing = local.create_domain && var.opensearch_log_publishing_enabled
  opensearch_engine         = split("_", var.opensearch_engine_version)[0]
  opensearch_engine_major   = tonumber(split(".", split("_", var.opensearch_engine_version)[1])[0])
  opensearch_engine_minor   = tonumber(split(".", var.opensearch_engine_version)[1])

  # The configuration contract the function checks at cold start (lambda_src/ctr_enrichment/contract.json):
  # the variables' validations read the same patterns and choices, so plan and cold start refuse alike.
  contract = jsondecode(file("${path.module}/lambda_src/ctr_enrichment/contract.json"))
  # The numbering plans the function converts callers with for key_format = "national" (numbering.json,
  # generated from libphonenumber's metadata): the regions a rule's `country` may name and their calling codes.
  numbering = jsondecode(file("${path.module}/lambda_src/ctr_enrichment/numbering.json"))
}
