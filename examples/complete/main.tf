provider "aws" {
  region = var.region
}

module "ctr_enrichment" {
  source = "../../"

  name = var.name
  tags = var.tags

  # Everything is created: lookup table, search domain, backup bucket.
  create_lookup_table      = true
  create_opensearch_domain = true
  create_backup_bucket     = true

  # A few customers to look up, keyed by the caller's number in canonical form (+ and digits).
  lookup_table_items = {
    "+15555550100"  = { name = "Jane Doe", tier = "gold", account = "ACME-1001" }
    "+15555550101"  = { name = "John Roe", tier = "silver", account = "ACME-1002" }
    "+442071838750" = { name = "Ada Lovelace", tier = "platinum", account = "ACME-1003" }
  }

  enrichment_rules = [{
    name      = "customer"
    source    = "CustomerEndpoint.Address"
    target    = "Customer"
    normalize = "phone"
    attributes = {
      Name    = "name"
      Tier    = "tier"
      Account = "account"
    }
  }]

  # A public endpoint, restricted to your network for OpenSearch Dashboards. Production deployments
  # should rather give vpc_config (see examples/vpc-opensearch).
  opensearch_public_endpoint_enabled = true
  dashboards_allowed_cidr_blocks     = var.dashboards_allowed_cidr_blocks

  # Deliver quickly so a test record shows up within a minute or two.
  buffering_interval_seconds = 60

  # The example is meant to be destroyed again.
  backup_bucket_force_destroy_enabled = true
  backup_expiration_days              = 7
}
