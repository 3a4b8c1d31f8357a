# VPC delivery with security groups the module creates (vpc_config.create_security_groups): one group for
# the network interfaces Firehose creates in the subnets, one for the search domain. The only traffic they
# allow is HTTPS from the Firehose group to the domain group, plus HTTPS into the domain from
# dashboards_allowed_cidr_blocks (OpenSearch Dashboards and `ctr-enrichment opensearch-setup`, through a VPN or
# a bastion). Terraform removes the allow-all egress rule AWS adds to a new group, so nothing else leaves.

# The VPC of the subnets: the groups must live there, and so does the VPC endpoint of a private collection.
data "aws_subnet" "delivery" {
  count = local.create_security_groups || local.create_collection_vpc_endpoint ? 1 : 0

  id = local.vpc_subnet_ids[0]
}

resource "aws_security_group" "firehose" {
  #checkov:skip=CKV2_AWS_5:Attached to the network interfaces of the Firehose delivery stream (its vpc_config.security_group_ids), a link checkov's graph does not follow.
  count = local.create_security_groups ? 1 : 0

  name        = "${var.name}-firehose"
  description = "Firehose delivery stream ${local.delivery_stream_name}: HTTPS to the search domain only."
  vpc_id      = data.aws_subnet.delivery[0].vpc_id

  tags = merge(var.tags, { Name = "${var.name}-firehose" })
}

resource "aws_security_group" "opensearch" {
  count = local.create_security_groups ? 1 : 0

  name        = "${var.name}-opensearch"
  description = local.create_collection ? "OpenSearch Serverless VPC endpoint of collection ${local.collection_name}: HTTPS from the Firehose delivery stream only." : "Search domain ${local.domain_name}: HTTPS from the Firehose delivery stream and the listed networks only."
  vpc_id      = data.aws_subnet.delivery[0].vpc_id

  tags = merge(var.tags, { Name = "${var.name}-opensearch" })
}

resource "aws_vpc_security_group_egress_rule" "firehose_to_domain" {
  count = local.create_security_groups ? 1 : 0

  security_group_id            = aws_security_group.firehose[0].id
  description                  = "HTTPS to the search domain"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.opensearch[0].id

  tags = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "domain_from_firehose" {
  count = local.create_security_groups ? 1 : 0

  security_group_id            = aws_security_group.opensearch[0].id
  description                  = "HTTPS from the Firehose delivery stream"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.firehose[0].id

  tags = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "domain_from_networks" {
  for_each = toset(local.create_security_groups ? var.dashboards_allowed_cidr_blocks : [])

  security_group_id = aws_security_group.opensearch[0].id
  description       = "HTTPS from ${each.value} (OpenSearch Dashboards, index template)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = strcontains(each.value, ":") ? null : each.value
  cidr_ipv6         = strcontains(each.value, ":") ? each.value : null

  tags = var.tags
}

# OpenSearch Service places a VPC domain's network interfaces with its service-linked role
# (AWSServiceRoleForAmazonOpenSearchService). The console creates it on first use; the API does not
# always, and an account has it only once, so creating it here is opt-in.
resource "aws_iam_service_linked_role" "opensearch" {
  count = var.create_opensearch_service_linked_role ? 1 : 0

  aws_service_name = "opensearchservice.amazonaws.com"
  description      = "Lets Amazon OpenSearch Service manage the network interfaces of VPC domains (created by ${var.name})."

  tags = var.tags
}
