terraform {
  # 1.9: input validations that refer to other variables, locals and data sources (the cross-variable checks
  # in variables.tf name the input to change; others read the function's configuration contract,
  # local.contract from lambda_src/ctr_enrichment/contract.json). `optional()` defaults, `check` blocks and
  # preconditions are older.
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.20.0 (2025-11-06) is the first release that accepts every runtime lambda_runtime allows: the
      # provider validates `runtime` against the aws-sdk-go-v2 enum it was built with, and python3.14 arrived
      # in aws-sdk-go-v2 release-2025-10-31, after 6.19.0 (2025-10-30) (provider CHANGELOG dates;
      # hashicorp/terraform-provider-aws#44984: "terraform-provider-aws 6.20.0 allows ... python3.14").
      version = ">= 6.20"
    }
    archive = {
      source = "hashicorp/archive"
      # 2.7.0 removed the deprecation of the archive_file *resource* (hashicorp/terraform-provider-archive
      # CHANGELOG 2.7.0, #218), which builds the package during apply (lambda.tf).
      version = ">= 2.7"
    }
  }
}
