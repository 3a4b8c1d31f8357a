resource "aws_opensearch_domain" "this" {
  #checkov:skip=CKV_AWS_317:Audit logs require fine-grained access control, which is opt-in; application logs are published (opensearch_log_publishing_enabled).
  #checkov:skip=CKV_AWS_318:High availability (dedicated masters, several zones) multiplies the cost of a CTR dashboard domain; opensearch_availability_zone_count and opensearch_instance_count scale it out.
  #checkov:skip=CKV2_AWS_59:Dedicated master nodes triple the cost of a small CTR domain; they are worth it only from roughly ten data nodes.
  count = local.create_domain ? 1 : 0

  domain_name    = local.domain_name
  engine_version = var.opensearch_engine_version

  cluster_config {
    instance_type          = var.opensearch_instance_type
    instance_count         = var.opensearch_instance_count
    zone_awareness_enabled = var.opensearch_availability_zone_count > 1

    dynamic "zone_awareness_config" {
      for_each = var.opensearch_availability_zone_count > 1 ? [var.opensearch_availability_zone_count] : []
      content {
        availability_zone_count = zone_awareness_config.value
      }
    }
  }

  ebs_options {
    ebs_enabled = true
    volume_size = var.opensearch_ebs_volume_size_gib
    volume_type = var.opensearch_ebs_volume_type
    iops        = var.opensearch_ebs_iops
    throughput  = var.opensearch_ebs_throughput_mibps
  }

  encrypt_at_rest {
    enabled    = true
    kms_key_id = var.kms_key_arn
  }

  node_to_node_encryption {
    enabled = true
  }

  domain_endpoint_options {
    enforce_https       = true
    tls_security_policy = var.opensearch_tls_security_policy
  }

  dynamic "advanced_security_options" {
    for_each = local.fine_grained_access ? [var.opensearch_master_user_arn] : []
    content {
      enabled                        = true
      anonymous_auth_enabled         = false
      internal_user_database_enabled = false

      master_user_options {
        master_user_arn = advanced_security_options.value
      }
    }
  }

  dynamic "vpc_options" {
    for_each = local.vpc_enabled ? [1] : []
    content {
      subnet_ids         = local.vpc_subnet_ids
      security_group_ids = local.domain_security_group_ids
    }
  }

  dynamic "log_publishing_options" {
    for_each = local.opensearch_log_publishing ? [local.opensearch_log_group_arn] : []
    content {
      log_type                 = "ES_APPLICATION_LOGS"
      cloudwatch_log_group_arn = log_publishing_options.value
      enabled                  = true
    }
  }

  tags = var.tags

  # A VPC domain needs the OpenSearch service-linked role before it can place its network interfaces.
  depends_on = [
    aws_cloudwatch_log_group.opensearch,
    aws_cloudwatch_log_resource_policy.opensearch,
    aws_iam_service_linked_role.opensearch,
  ]
}

# Protection of the domain (opensearch_prevent_destroy_enabled). `prevent_destroy` cannot come from a variable,
# so it sits on this guard instead of on the domain: the guard is replaced whenever the domain is (its ARN
# changes), and being destroyed is what prevent_destroy forbids, so any plan that would destroy or replace
# the domain fails with "Instance cannot be destroyed" before anything happens. Turning protection on is
# just the toggle; the domain keeps its address, so no state moves. Turning it off needs
# `terraform state rm` of the guard first: prevent_destroy also covers the guard's own removal.
resource "terraform_data" "opensearch_domain_protection" {
  count = local.create_domain && var.opensearch_prevent_destroy_enabled ? 1 : 0

  input = aws_opensearch_domain.this[count.index].domain_name

  lifecycle {
    prevent_destroy      = true
    replace_triggered_by = [aws_opensearch_domain.this[count.index].arn]
  }
}

resource "aws_opensearch_domain_policy" "this" {
  count = local.create_domain ? 1 : 0

  domain_name     = aws_opensearch_domain.this[0].domain_name
  access_policies = data.aws_iam_policy_document.opensearch_access[0].json

  # The Firehose role is a principal of the policy, so it has to exist first.
  depends_on = [aws_iam_role.firehose]
}
