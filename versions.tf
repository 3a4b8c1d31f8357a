terraform {
  # 1.9: variable validations read the function's configuration contract (local.contract, from
  # lambda_src/ctr_enrichment/contract.json); before 1.9 a validation could refer to its own variable only.
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.4"
    }
  }
}
