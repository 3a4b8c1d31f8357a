# OpenSearch Serverless (destination = "opensearchserverless"): the collection the module creates with the three
# policies a collection needs before it can be used, or an existing collection read by its ARN.
#
# Every policy is named after var.name, like the collection: OpenSearch Serverless names security policies per type
# (GetSecurityPolicy takes a name and a type), access and lifecycle policies likewise, so one name serves all four;
# var.name (3-28 characters of a-z, 0-9 and '-', starting with a letter) fits botocore opensearchserverless
# CollectionName/PolicyName (3-32, [a-z][a-z0-9-]+) and the provider's name validators (LengthBetween(3, 32),
# ^[a-z][0-9a-z-]+$, internal/service/opensearchserverless).

locals {
  collection_name = var.name

  # The collection's patterns in the policies: "collection/<name>" and "index/<name>/<index>" (OpenSearch Service
  # Developer Guide, "Encryption", "Network access" and "Data access control for Amazon OpenSearch Serverless").
  collection_resource = "collection/${local.collection_name}"
  index_resource      = "index/${local.collection_name}/${var.index_name}"

  # Encryption: kms_key_arn, or an AWS owned key ("AWSOwnedKey": true). "If you include [KmsARN], OpenSearch
  # Serverless ignores the AWSOwnedKey parameter", so it is sent as false with a key.
  collection_encryption_rules = [{ ResourceType = "collection", Resource = [local.collection_resource] }]
  collection_encryption_policy = var.kms_key_arn == null ? jsonencode({
    Rules       = local.collection_encryption_rules
    AWSOwnedKey = true
    }) : jsonencode({
    Rules       = local.collection_encryption_rules
    AWSOwnedKey = false
    KmsARN      = var.kms_key_arn
  })
  collection_network_rules = [
    { ResourceType = "collection", Resource = [local.collection_resource] },
    { ResourceType = "dashboard", Resource = [local.collection_resource] },
  ]

  # The data access policy: what the Firehose role may do on the index it writes (the minimum the Firehose
  # Developer Guide documents, "aoss:WriteDocument" and "aoss:CreateIndex", plus "aoss:UpdateIndex", which the
  # OpenSearch Serverless ingestion guide lists among the minimum permissions of a writer), and what
  # dashboards_allowed_principal_arns may do: read and chart every index of the collection, and install index
  # templates and indices (the role of the domain's REST API access, short of deleting).
  firehose_collection_access = {
    Description = "Firehose delivery stream ${local.delivery_stream_name} writes ${var.index_name}"
    Rules = [{
      ResourceType = "index"
      Resource     = [local.index_resource]
      Permission   = ["aoss:CreateIndex", "aoss:UpdateIndex", "aoss:WriteDocument"]
    }]
    Principal = [local.firehose_role_arn]
  }
  dashboards_collection_access = {
    Description = "OpenSearch Dashboards and the REST API for dashboards_allowed_principal_arns"
    Rules = [
      {
        ResourceType = "collection"
        Resource     = [local.collection_resource]
        Permission   = ["aoss:CreateCollectionItems", "aoss:DescribeCollectionItems", "aoss:UpdateCollectionItems"]
      },
      {
        ResourceType = "index"
        Resource     = ["index/${local.collection_name}/*"]
        Permission   = ["aoss:CreateIndex", "aoss:DescribeIndex", "aoss:ReadDocument", "aoss:UpdateIndex", "aoss:WriteDocument"]
      },
    ]
    Principal = var.dashboards_allowed_principal_arns
  }

  # A private collection is reached through an OpenSearch Serverless VPC endpoint: the one given, or one created.
  create_collection_vpc_endpoint = local.create_collection && local.vpc_enabled && var.opensearch_collection_vpc_endpoint_id == null
  collection_vpc_endpoint_id     = local.create_collection_vpc_endpoint ? aws_opensearchserverless_vpc_endpoint.this[0].id : var.opensearch_collection_vpc_endpoint_id

  # The collection Firehose delivers to, created or given.
  existing_collection = !local.domain_destination && !local.create_collection
  collection_arn      = local.create_collection ? aws_opensearchserverless_collection.this[0].arn : local.existing_collection ? var.opensearch_collection_arn : null
  # Firehose's CollectionEndpoint is a URL (botocore firehose AmazonOpenSearchServerlessCollectionEndpoint:
  # "https:.*"); OpenSearch Serverless reports it as one (CollectionDetail.collectionEndpoint,
  # https://<id>.<region>.aoss.amazonaws.com). The scheme is put back should a reader drop it.
  collection_endpoint_reported = local.create_collection ? aws_opensearchserverless_collection.this[0].collection_endpoint : local.existing_collection ? data.aws_opensearchserverless_collection.existing[0].collection_endpoint : null
  collection_endpoint          = local.collection_endpoint_reported == null ? null : "https://${trimprefix(local.collection_endpoint_reported, "https://")}"
}

resource "aws_opensearchserverless_security_policy" "encryption" {
  count = local.create_collection ? 1 : 0

  name        = local.collection_name
  type        = "encryption"
  description = "Encryption of the CTR collection ${local.collection_name}."
  policy      = local.collection_encryption_policy
}

# Network access: the public endpoint (opensearch_public_endpoint_enabled), or only the VPC endpoint below. Requests
# are signed and authorised by IAM and the data access policy either way.
resource "aws_opensearchserverless_security_policy" "network" {
  count = local.create_collection ? 1 : 0

  name        = local.collection_name
  type        = "network"
  description = "Network access to the CTR collection ${local.collection_name} and its dashboards."
  policy = local.vpc_enabled ? jsonencode([{
    Rules           = local.collection_network_rules
    AllowFromPublic = false
    SourceVPCEs     = [local.collection_vpc_endpoint_id]
    }]) : jsonencode([{
    Rules           = local.collection_network_rules
    AllowFromPublic = true
  }])
}

resource "aws_opensearchserverless_access_policy" "this" {
  count = local.create_collection ? 1 : 0

  name        = local.collection_name
  type        = "data"
  description = "Firehose writes the CTR index; dashboards_allowed_principal_arns read it."
  policy = jsonencode(concat(
    [local.firehose_collection_access],
    length(var.dashboards_allowed_principal_arns) > 0 ? [local.dashboards_collection_access] : [],
  ))
}

# A private collection is reached through an OpenSearch Serverless VPC endpoint in vpc_config's subnets, behind the
# destination security group (created, or given); Firehose's interfaces reach it on 443 (vpc.tf). "You only need
# one OpenSearch Serverless VPC endpoint in a VPC to access any and all collections" (OpenSearch Service Developer
# Guide, "Access Amazon OpenSearch Serverless using an interface endpoint"): a VPC that has one already gives it as
# opensearch_collection_vpc_endpoint_id instead.
resource "aws_opensearchserverless_vpc_endpoint" "this" {
  count = local.create_collection_vpc_endpoint ? 1 : 0

  name               = local.collection_name
  vpc_id             = data.aws_subnet.delivery[0].vpc_id
  subnet_ids         = local.vpc_subnet_ids
  security_group_ids = local.domain_security_group_ids
}

resource "aws_opensearchserverless_collection" "this" {
  count = local.create_collection ? 1 : 0

  name             = local.collection_name
  type             = var.opensearch_collection_type
  description      = "Amazon Connect contact trace records enriched by ${local.function_name}."
  standby_replicas = var.opensearch_collection_standby_replicas_enabled ? "ENABLED" : "DISABLED"

  tags = var.tags

  # "The collection always remains encrypted with its initial encryption key. If you want to change the encryption
  # key for a collection, you must recreate the collection" (OpenSearch Service Developer Guide, "Encryption in
  # Amazon OpenSearch Serverless"): a new kms_key_arn replaces the collection, as it replaces a domain, instead of
  # changing a policy that the collection would ignore.
  lifecycle {
    replace_triggered_by = [aws_opensearchserverless_security_policy.encryption[count.index].policy]
  }

  # "Before you create a collection, you must create an encryption policy" whose rules match its name (OpenSearch
  # Service Developer Guide, "Encryption in Amazon OpenSearch Serverless"); the network and data access policies
  # make it reachable from the moment it exists.
  depends_on = [
    aws_opensearchserverless_security_policy.encryption,
    aws_opensearchserverless_security_policy.network,
    aws_opensearchserverless_access_policy.this,
  ]
}

# Protection of the collection (opensearch_prevent_destroy_enabled), as for the domain (opensearch.tf): the guard is
# replaced whenever the collection is, and prevent_destroy forbids that.
resource "terraform_data" "opensearch_collection_protection" {
  count = local.create_collection && var.opensearch_prevent_destroy_enabled ? 1 : 0

  input = aws_opensearchserverless_collection.this[count.index].name

  lifecycle {
    prevent_destroy      = true
    replace_triggered_by = [aws_opensearchserverless_collection.this[count.index].id]
  }
}

# Retention of a TIMESERIES collection (opensearch_collection_retention_days): a data lifecycle policy on the one
# index Firehose writes. "Only time series collections support data lifecycle policies"; MinIndexRetention "from
# 24h to 3650d" (OpenSearch Service Developer Guide, "Using data lifecycle policies with Amazon OpenSearch
# Serverless").
resource "aws_opensearchserverless_lifecycle_policy" "this" {
  count = local.create_collection && var.opensearch_collection_retention_days != null ? 1 : 0

  name        = local.collection_name
  type        = "retention"
  description = "Delete CTRs in ${var.index_name} ${coalesce(var.opensearch_collection_retention_days, 0)} days after they arrive."
  policy = jsonencode({
    Rules = [{
      ResourceType      = "index"
      Resource          = [local.index_resource]
      MinIndexRetention = "${coalesce(var.opensearch_collection_retention_days, 0)}d"
    }]
  })

  depends_on = [aws_opensearchserverless_collection.this]
}

# An existing collection (opensearch_collection_arn): its name (for the data access rule the owner adds), its
# endpoint (for Firehose) and its type (checked below). Reading it needs aoss:BatchGetCollection.
data "aws_opensearchserverless_collection" "existing" {
  count = local.existing_collection ? 1 : 0

  id = split("/", var.opensearch_collection_arn)[1]
}

# A VECTORSEARCH collection holds k-NN embeddings for semantic search; contact trace records belong in a TIMESERIES
# or SEARCH collection. A warning, since the collection is the user's.
check "opensearch_collection_type" {
  assert {
    condition     = !local.existing_collection || contains(["TIMESERIES", "SEARCH"], try(data.aws_opensearchserverless_collection.existing[0].type, "TIMESERIES"))
    error_message = "opensearch_collection_arn is a ${try(data.aws_opensearchserverless_collection.existing[0].type, "-")} collection; the CTR documents are meant for a TIMESERIES or SEARCH collection (see \"OpenSearch Serverless\" in the README)."
  }
}
