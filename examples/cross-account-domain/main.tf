# Two accounts, two provider configurations. The contact-centre account (the default provider) owns Amazon
# Connect, the delivery stream, the function and the lookup table; the analytics account (provider
# aws.analytics) owns the OpenSearch Service domain. Each half can also be applied by its own team: the module's
# opensearch_domain_access_policy_json output is all the analytics account needs.

provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "analytics"
  region = var.region

  assume_role {
    role_arn = var.analytics_role_arn
  }
}

# --- The contact-centre account -----------------------------------------------------------------------------

module "ctr_enrichment" {
  source = "../../"

  name = var.name
  tags = var.tags

  # The analytics account's domain: by ARN, and by endpoint, which Firehose delivers to (it cannot look a
  # domain of another account up by ARN). The domain must accept the Firehose role (below).
  create_opensearch_domain                = false
  opensearch_domain_arn                   = var.analytics_domain_arn
  opensearch_domain_endpoint              = var.analytics_domain_endpoint
  opensearch_domain_cross_account_enabled = true

  connect_instance_id = var.connect_instance_id

  enrichment_rules = [{
    name       = "customer"
    source     = "CustomerEndpoint.Address"
    target     = "Customer"
    normalize  = "phone"
    attributes = { CompanyName = "company_name" }
  }]
}

# --- The analytics account ----------------------------------------------------------------------------------

# aws_opensearch_domain_policy writes a domain's WHOLE access policy: applied with the Firehose statement alone,
# it would remove every other principal's access. So the policy written here is the domain's current policy (read
# at plan time) with the Firehose statement added, or replaced when an earlier apply added it (same Sid). Read
# the example's README before applying: changes others make to the policy between plan and apply are lost, and
# destroying this resource EMPTIES the domain's policy.
data "aws_opensearch_domain" "analytics" {
  count    = var.manage_analytics_domain_policy ? 1 : 0
  provider = aws.analytics

  domain_name = local.analytics_domain_name
}

locals {
  analytics_domain_name = split("/", var.analytics_domain_arn)[1]
  firehose_statements   = jsondecode(module.ctr_enrichment.opensearch_domain_access_policy_json).Statement
  firehose_sids         = [for statement in local.firehose_statements : statement.Sid]
  # The domain's statements (Statement may be one object or a list; a domain may have no policy at all), less
  # an earlier copy of the Firehose statement.
  current_statements = [
    for statement in flatten([try(jsondecode(data.aws_opensearch_domain.analytics[0].access_policies).Statement, [])]) :
    statement if !contains(local.firehose_sids, try(statement.Sid, ""))
  ]
  merged_access_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = concat(local.current_statements, local.firehose_statements)
  })
}

resource "aws_opensearch_domain_policy" "analytics" {
  count    = var.manage_analytics_domain_policy ? 1 : 0
  provider = aws.analytics

  domain_name     = local.analytics_domain_name
  access_policies = local.merged_access_policy
}
