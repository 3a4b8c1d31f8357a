################################################################################
# Enrichment function role
################################################################################

data "aws_iam_policy_document" "lambda_assume_role" {
  statement {
    sid     = "LambdaAssumeRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "lambda" {
  name                 = local.lambda_role_name
  description          = "Execution role of the CTR enrichment function ${local.function_name}."
  assume_role_policy   = data.aws_iam_policy_document.lambda_assume_role.json
  permissions_boundary = var.iam_role_permissions_boundary_arn

  tags = var.tags
}

data "aws_iam_policy_document" "lambda" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.lambda_log_group_arn}:*"]
  }

  statement {
    sid       = "ReadLookupTables"
    actions   = ["dynamodb:BatchGetItem", "dynamodb:GetItem"]
    resources = local.rule_table_arns
  }

  dynamic "statement" {
    for_each = var.kms_key_arn != null ? [var.kms_key_arn] : []
    content {
      sid       = "DecryptWithModuleKey"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.lambda_tracing_enabled ? [1] : []
    content {
      sid     = "XRayTracing"
      actions = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      # X-Ray has no resource-level permissions for these actions: AWS requires "*".
      resources = ["*"]
    }
  }
}

resource "aws_iam_role_policy" "lambda" {
  name   = "ctr-enrichment"
  role   = aws_iam_role.lambda.id
  policy = data.aws_iam_policy_document.lambda.json
}

################################################################################
# Firehose delivery role
################################################################################

data "aws_iam_policy_document" "firehose_assume_role" {
  statement {
    sid     = "FirehoseAssumeRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["firehose.amazonaws.com"]
    }

    # Firehose passes the account ID as external ID: only streams of this account can use the role.
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "firehose" {
  name                 = local.firehose_role_name
  description          = "Delivery role of the Firehose stream ${local.delivery_stream_name}."
  assume_role_policy   = data.aws_iam_policy_document.firehose_assume_role.json
  permissions_boundary = var.iam_role_permissions_boundary_arn

  tags = var.tags
}

data "aws_iam_policy_document" "firehose" {
  # The bucket and domain statements are dynamic only so that a missing bucket or domain ARN is reported
  # by the validation of backup_bucket_arn or opensearch_domain_arn rather than as a null in a string template;
  # with a valid configuration both are always rendered.
  dynamic "statement" {
    for_each = local.backup_bucket_arn != null ? [local.backup_bucket_arn] : []
    content {
      sid = "WriteBackupBucket"
      actions = [
        "s3:AbortMultipartUpload",
        "s3:GetBucketLocation",
        "s3:GetObject",
        "s3:ListBucket",
        "s3:ListBucketMultipartUploads",
        "s3:PutObject",
      ]
      resources = [statement.value, "${statement.value}/*"]
    }
  }

  statement {
    sid       = "InvokeEnrichmentFunction"
    actions   = ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"]
    resources = [local.lambda_function_arn, "${local.lambda_function_arn}:*"]
  }

  # The source: an existing Kinesis data stream (kinesis_source). The Firehose Developer Guide's delivery-role
  # policies read the source stream with these four actions, on the stream ("Grant Firehose access to an Amazon S3
  # destination" and the other destinations: "This policy also has a statement that allows access to Amazon Kinesis
  # Data Streams").
  dynamic "statement" {
    for_each = local.kinesis_source_enabled ? [var.kinesis_source.stream_arn] : []
    content {
      sid       = "ReadSourceStream"
      actions   = ["kinesis:DescribeStream", "kinesis:GetShardIterator", "kinesis:GetRecords", "kinesis:ListShards"]
      resources = [statement.value]
    }
  }

  # A stream encrypted with a customer managed key: "Your Kinesis stream consumers must have the kms:Decrypt
  # permission", and Kinesis Data Streams passes the stream ARN as encryption context, which
  # kms:EncryptionContext:aws:kinesis:arn limits the key to (Kinesis Data Streams Developer Guide, "Permissions to
  # use user-generated KMS keys"): only decryption through Kinesis, of this stream.
  dynamic "statement" {
    for_each = try(var.kinesis_source.kms_key_arn, null) != null ? [var.kinesis_source] : []
    content {
      sid       = "DecryptSourceStream"
      actions   = ["kms:Decrypt"]
      resources = [statement.value.kms_key_arn]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["kinesis.${local.region}.${local.dns_suffix}"]
      }
      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:aws:kinesis:arn"
        values   = [statement.value.stream_arn]
      }
    }
  }

  dynamic "statement" {
    for_each = local.domain_arn != null ? [local.domain_arn] : []
    content {
      sid = "DeliverToDomain"
      # Firehose describes a domain of its own account (through the legacy Elasticsearch API names for the
      # Elasticsearch destination); a domain of another account it addresses by endpoint and never describes (the
      # control-plane API answers for the caller's account only), so it gets the HTTP actions alone, which the
      # domain's owner grants too (output opensearch_domain_access_policy_json).
      actions = concat(
        local.cross_account_domain ? [] : ["es:DescribeDomain", "es:DescribeDomains", "es:DescribeDomainConfig"],
        ["es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut"],
        var.destination == "elasticsearch" && !local.cross_account_domain ? [
          "es:DescribeElasticsearchDomain",
          "es:DescribeElasticsearchDomains",
          "es:DescribeElasticsearchDomainConfig",
        ] : [],
      )
      resources = [statement.value, "${statement.value}/*"]
    }
  }

  # OpenSearch Serverless: the data plane takes aoss:APIAccessAll on the collection besides its data access policy
  # ("Failure to add the two new IAM permissions will result in a 403 error", OpenSearch Service Developer Guide,
  # "Identity and Access Management for Amazon OpenSearch Serverless": data-plane policies; the Firehose Developer
  # Guide's policy for an OpenSearch Serverless destination grants it on the collection ARN). A collection the module
  # creates gets its ARN from AWS, so this statement is known after apply.
  dynamic "statement" {
    for_each = local.domain_destination ? [] : [local.collection_arn]
    content {
      sid       = "DeliverToCollection"
      actions   = ["aoss:APIAccessAll"]
      resources = [statement.value]
    }
  }

  statement {
    sid       = "WriteErrorLogs"
    actions   = ["logs:PutLogEvents"]
    resources = [for stream in values(local.firehose_log_streams) : "${local.firehose_log_group_arn}:log-stream:${stream}"]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn != null && local.backup_bucket_arn != null ? [var.kms_key_arn] : []
    content {
      sid       = "EncryptBackupObjects"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${local.region}.${local.dns_suffix}"]
      }
      # S3 names the object (arn:aws:s3:::bucket/key) as encryption context, except with S3 Bucket Keys, which
      # the module's bucket enables with a key (s3.tf) and an existing bucket may have: then S3 asks KMS for a
      # bucket-level key with the *bucket* ARN as context, using Firehose's credentials (S3 User Guide,
      # "Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys": changes to note before enabling). Allowing
      # only "<bucket>/*" denied every backup write.
      condition {
        test     = "StringLike"
        variable = "kms:EncryptionContext:aws:s3:arn"
        values   = [local.backup_bucket_arn, "${local.backup_bucket_arn}/*"]
      }
    }
  }

  # VPC delivery: the EC2 permissions AWS documents for a Firehose stream that delivers into a VPC
  # (Firehose creates, shares and deletes its own network interfaces in the given subnets).
  dynamic "statement" {
    for_each = local.vpc_enabled ? [1] : []
    content {
      sid = "DescribeVpcForDelivery"
      actions = [
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcAttribute",
        "ec2:DescribeVpcs",
      ]
      # EC2 Describe* actions have no resource-level permissions: AWS requires "*".
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = local.vpc_enabled ? [1] : []
    content {
      sid     = "CreateDeliveryInterfaces"
      actions = ["ec2:CreateNetworkInterface"]
      # Resource "*", as the Firehose Developer Guide's policy for an OpenSearch destination in a VPC has it
      # ("Grant Firehose access to an OpenSearch Service destination in a VPC"). Scoping to
      # subnet/<id> and security-group/<id> ARNs cannot work in general: the account in a subnet's ARN is the
      # VPC owner's, which for a subnet shared through AWS RAM is not this account, and Firehose checks these
      # permissions when it creates the stream. AWS documents no condition key for narrowing this that Firehose
      # is known to satisfy, so none is added; the role is assumable only by Firehose streams of this account
      # (trust policy above), which create their interfaces in vpc_config.subnet_ids.
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = local.vpc_enabled ? [1] : []
    content {
      sid     = "ManageDeliveryInterfaces"
      actions = ["ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface"]
      # The interfaces Firehose creates get IDs only at run time: "network-interface/*" of this account and
      # Region is the narrowest resource AWS allows.
      resources = ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:network-interface/*"]
    }
  }
}

resource "aws_iam_role_policy" "firehose" {
  name   = "ctr-delivery"
  role   = aws_iam_role.firehose.id
  policy = data.aws_iam_policy_document.firehose.json
}

################################################################################
# Resource policies: search domain, its log group, the backup bucket
################################################################################

data "aws_iam_policy_document" "opensearch_access" {
  count = local.create_domain ? 1 : 0

  statement {
    sid       = "FirehoseDelivery"
    actions   = ["es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut"]
    resources = ["${local.domain_arn}/*"]

    principals {
      type        = "AWS"
      identifiers = [local.firehose_role_arn]
    }
  }

  dynamic "statement" {
    for_each = length(var.dashboards_allowed_principal_arns) > 0 ? [1] : []
    content {
      sid       = "DashboardsPrincipals"
      actions   = ["es:ESHttpDelete", "es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPatch", "es:ESHttpPost", "es:ESHttpPut"]
      resources = ["${local.domain_arn}/*"]

      principals {
        type        = "AWS"
        identifiers = var.dashboards_allowed_principal_arns
      }
    }
  }

  dynamic "statement" {
    for_each = !local.vpc_enabled && length(var.dashboards_allowed_cidr_blocks) > 0 ? [1] : []
    content {
      sid       = "DashboardsFromAllowedNetworks"
      actions   = ["es:ESHttpDelete", "es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPatch", "es:ESHttpPost", "es:ESHttpPut"]
      resources = ["${local.domain_arn}/*"]

      # Unsigned browser access is anonymous, so the principal is "*" and the source address is the control.
      # Public endpoints only: in a VPC, dashboards_allowed_cidr_blocks opens the domain's security group
      # instead (vpc.tf), and an IP-based policy would not apply.
      principals {
        type        = "AWS"
        identifiers = ["*"]
      }

      condition {
        test     = "IpAddress"
        variable = "aws:SourceIp"
        values   = var.dashboards_allowed_cidr_blocks
      }
    }
  }
}

data "aws_iam_policy_document" "opensearch_logs" {
  count = local.opensearch_log_publishing ? 1 : 0

  statement {
    sid       = "OpenSearchPublishLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.opensearch_log_group_arn}:*"]

    principals {
      type        = "Service"
      identifiers = ["es.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.domain_arn]
    }
  }
}

data "aws_iam_policy_document" "backup_bucket" {
  count = var.create_backup_bucket ? 1 : 0

  # TLS only. The one wildcard action in the module, in a Deny: it must cover every S3 action, present and
  # future (this is the statement AWS Security Hub control S3.5 looks for).
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [local.backup_bucket_arn, "${local.backup_bucket_arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

# The statement an existing domain's access policy needs for the Firehose role (output
# opensearch_domain_access_policy_json): the HTTP actions on the domain's paths, as the module grants on a domain it
# creates (FirehoseDelivery above). For a domain of another account, its owner applies it there (Firehose Developer
# Guide, "Cross-account delivery to an OpenSearch Service destination", step 2). Written with jsonencode, like the
# key-policy output, so that it is known at plan time and the same in every test.
locals {
  existing_domain_access_policy = local.domain_destination && !local.create_domain ? {
    Version = "2012-10-17"
    Statement = [{
      # Named after this deployment ("FirehoseDelivery" + name in CamelCase; a Sid is letters and digits), so that
      # a merge into a policy several streams write to replaces only its own statement
      # (examples/cross-account-domain).
      Sid       = "FirehoseDelivery${join("", [for part in split("-", var.name) : title(part)])}"
      Effect    = "Allow"
      Principal = { AWS = local.firehose_role_arn }
      Action    = ["es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut"]
      Resource  = "${local.domain_arn}/*"
    }]
  } : null
}
