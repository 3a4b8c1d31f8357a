# examples/complete, planned through a module block: the example doubles as a test of the module's
# documented usage.

mock_provider "aws" {
  source = "./tests/mocks/aws"
}

mock_provider "archive" {
  source = "./tests/mocks/archive"
}

run "complete_example_plans" {
  command = plan

  module {
    source = "./examples/complete"
  }

  variables {
    dashboards_allowed_cidrs = ["203.0.113.7/32"]
  }

  assert {
    condition     = output.delivery_stream_name == "ctr-demo" && output.lambda_function_name == "ctr-demo" && output.lookup_table_name == "ctr-demo-lookup"
    error_message = "The example must name everything after its name variable."
  }
  assert {
    condition     = output.backup_bucket_name == "ctr-demo-backup-123456789012-us-east-1"
    error_message = "The example must create its own backup bucket."
  }
  assert {
    condition     = length(module.ctr_enrichment.enrichment_rules) > 0 && jsondecode(module.ctr_enrichment.enrichment_rules)[0].attributes == { Name = "name", Tier = "tier", Account = "account" }
    error_message = "The example's customer rule must project the seeded attributes."
  }
}
