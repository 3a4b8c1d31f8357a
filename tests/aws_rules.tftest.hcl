# Issue 9: inputs the module used to accept and AWS refuses (or would misuse), each refused at plan time by the
# input the user must change; and, for each rule, the edge AWS still allows, so a check cannot drift narrower
# than AWS. The sources of each rule are cited next to it in variables.tf.

mock_provider "aws" {
  source = "./tests/mocks/aws"
}

mock_provider "archive" {
  source = "./tests/mocks/archive"
}

variables {
  opensearch_public_endpoint_enabled = true
}

# --- Finding 4: the OpenSearch API's instance types end in .search ---------------------------------------------

run "rejects_legacy_elasticsearch_instance_type" {
  command = plan

  variables {
    opensearch_instance_type = "r5.large.elasticsearch"
  }

  expect_failures = [var.opensearch_instance_type]
}

run "accepts_opensearch_instance_types" {
  command = plan

  variables {
    opensearch_instance_type = "or1.medium.search"
  }

  assert {
    condition     = aws_opensearch_domain.this[0].cluster_config[0].instance_type == "or1.medium.search"
    error_message = "An OpenSearch API instance type must reach the domain."
  }
}

# --- Finding 5: prefixes AWS reserves in the names made from var.name --------------------------------------------

run "rejects_name_starting_with_sg" {
  command = plan

  variables {
    name = "sg-ctr"
    vpc_config = {
      subnet_ids             = ["subnet-0123456789abcdef0"]
      create_security_groups = true
    }
  }

  expect_failures = [var.name]
}

run "rejects_name_starting_with_s3_reserved_prefixes" {
  command = plan

  variables {
    name = "xn--ctr"
  }

  expect_failures = [var.name]
}

run "rejects_name_starting_with_sthree" {
  command = plan

  variables {
    name = "sthree-ctr"
  }

  expect_failures = [var.name]
}

run "rejects_name_starting_with_amzn_s3_demo" {
  command = plan

  variables {
    name = "amzn-s3-demo-ctr"
  }

  expect_failures = [var.name]
}

run "accepts_names_that_only_resemble_reserved_prefixes" {
  command = plan

  variables {
    name = "sgx-ctr-xn-sthree"
  }

  assert {
    condition     = aws_s3_bucket.backup[0].bucket == "sgx-ctr-xn-sthree-backup-123456789012-us-east-1"
    error_message = "A name that merely contains the letters of a reserved prefix must plan."
  }
}

# --- Finding 13: tags every service of the module accepts --------------------------------------------------------

run "rejects_tag_value_iam_refuses" {
  command = plan

  variables {
    tags = { CostCentre = "R&D, Tokyo" }
  }

  expect_failures = [var.tags]
}

run "rejects_tag_key_with_aws_prefix" {
  command = plan

  variables {
    tags = { "aws:team" = "contact-centre" }
  }

  expect_failures = [var.tags]
}

run "rejects_more_than_50_tags" {
  command = plan

  variables {
    tags = { for i in range(51) : "Tag${i}" => "v" }
  }

  expect_failures = [var.tags]
}

run "rejects_50_tags_when_security_groups_add_a_name" {
  command = plan

  variables {
    tags = { for i in range(50) : "Tag${i}" => "v" }
    vpc_config = {
      subnet_ids             = ["subnet-0123456789abcdef0"]
      create_security_groups = true
    }
  }

  expect_failures = [var.tags]
}

run "accepts_every_character_the_strictest_service_allows" {
  command = plan

  variables {
    tags = merge(
      { "契約者 会社名_.:/=+-@" = "株式会社 サンプル_.:/=+-@ 123", Empty = "" },
      { for i in range(48) : "Tag${i}" => "v" },
    )
  }

  assert {
    condition     = aws_iam_role.lambda.tags["契約者 会社名_.:/=+-@"] == "株式会社 サンプル_.:/=+-@ 123" && length(aws_kinesis_firehose_delivery_stream.this.tags) == 50
    error_message = "Unicode letters, spaces, digits, _ . : / = + - @, empty values and 50 tags are legal everywhere."
  }
}

# --- Finding 14: CloudWatch namespaces may not start with ':' ----------------------------------------------------

run "rejects_namespace_starting_with_colon" {
  command = plan

  variables {
    metrics_namespace = ":CtrEnrichment"
  }

  expect_failures = [var.metrics_namespace]
}

run "accepts_namespace_with_inner_colon" {
  command = plan

  variables {
    metrics_namespace = "Contact:Centre/CTR"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["METRICS_NAMESPACE"] == "Contact:Centre/CTR"
    error_message = "A colon after the first character is legal (botocore cloudwatch Namespace \"[^:].*\")."
  }
}

# --- Finding 15: the legacy Elasticsearch destination only for Elasticsearch domains -----------------------------

run "rejects_elasticsearch_destination_for_a_created_opensearch_domain" {
  command = plan

  variables {
    destination = "elasticsearch"
  }

  expect_failures = [var.destination]
}

run "accepts_elasticsearch_destination_for_a_created_elasticsearch_domain" {
  command = plan

  variables {
    destination               = "elasticsearch"
    opensearch_engine_version = "Elasticsearch_7.10"
  }

  assert {
    condition     = length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration) == 1
    error_message = "An Elasticsearch domain the module creates may use the legacy destination."
  }
}

run "accepts_elasticsearch_destination_for_an_existing_domain" {
  command = plan

  variables {
    destination              = "elasticsearch"
    create_opensearch_domain = false
    opensearch_domain_arn    = "arn:aws:es:us-east-1:123456789012:domain/legacy"
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].domain_arn == "arn:aws:es:us-east-1:123456789012:domain/legacy"
    error_message = "The module cannot see an existing domain's engine: the legacy destination stays available for it."
  }
}

# --- Finding 2: the 4 KB environment limit, measured as Lambda measures it ---------------------------------------
# Seventeen rules of three attributes: about 3.6 KB of names and values, but 4,292 bytes as the JSON document
# Lambda measures (each quote inside ENRICHMENT_RULES escaped). Sixteen: 4,048 bytes, still legal (both figures
# computed with Python's json.dumps of the same environment, without CACHE_MAX_ENTRIES, which is rendered only
# when cache_max_entries is set).

run "rejects_environment_lambda_measures_over_4_kb" {
  command = plan

  variables {
    enrichment_rules = [for i in range(17) : {
      name       = format("rule%02d", i)
      source     = format("Attributes.Caller%02d", i)
      target     = format("Enriched%02d", i)
      table      = format("customers%02d", i)
      key        = "number"
      normalize  = "phone"
      attributes = { CompanyName = "company_name", Tier = "tier", Account = "account" }
    }]
  }

  expect_failures = [var.enrichment_rules]
}

run "accepts_environment_just_under_4_kb" {
  command = plan

  variables {
    enrichment_rules = [for i in range(16) : {
      name       = format("rule%02d", i)
      source     = format("Attributes.Caller%02d", i)
      target     = format("Enriched%02d", i)
      table      = format("customers%02d", i)
      key        = "number"
      normalize  = "phone"
      attributes = { CompanyName = "company_name", Tier = "tier", Account = "account" }
    }]
  }

  # Measured here on the planned function's environment, as Lambda measures it (bytes of the JSON map).
  assert {
    condition     = 3 * length(base64encode(jsonencode(aws_lambda_function.this.environment[0].variables))) / 4 - length(regexall("=", base64encode(jsonencode(aws_lambda_function.this.environment[0].variables)))) == 4048
    error_message = "Sixteen such rules measure 4,048 bytes as JSON: within Lambda's 4 KB."
  }
}

# --- Finding 16: document_id_options only when it says something the API does not assume ------------------------

run "no_document_id_options_for_the_default_format" {
  command = plan

  assert {
    condition     = length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].document_id_options) == 0
    error_message = "FIREHOSE_DEFAULT is the API's default and the provider reads no block back for it: render none."
  }
}

run "document_id_options_for_no_document_id" {
  command = plan

  variables {
    document_id_format = "NO_DOCUMENT_ID"
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].document_id_options[0].default_document_id_format == "NO_DOCUMENT_ID"
    error_message = "NO_DOCUMENT_ID must reach the stream."
  }
}

# --- Finding 10: provisioned IOPS and gp3 throughput ---------------------------------------------------------------

run "rejects_io1_without_iops" {
  command = plan

  variables {
    opensearch_ebs_volume_type     = "io1"
    opensearch_ebs_volume_size_gib = 100
  }

  expect_failures = [var.opensearch_ebs_iops]
}

run "rejects_io1_iops_over_50_per_gib" {
  command = plan

  variables {
    opensearch_ebs_volume_type     = "io1"
    opensearch_ebs_volume_size_gib = 10
    opensearch_ebs_iops            = 1000
  }

  expect_failures = [var.opensearch_ebs_iops]
}

run "rejects_iops_for_gp2" {
  command = plan

  variables {
    opensearch_ebs_volume_type = "gp2"
    opensearch_ebs_iops        = 3000
  }

  expect_failures = [var.opensearch_ebs_iops]
}

run "rejects_gp3_throughput_over_a_quarter_of_the_iops" {
  command = plan

  variables {
    opensearch_ebs_throughput_mibps = 1000
  }

  expect_failures = [var.opensearch_ebs_throughput_mibps]
}

run "rejects_throughput_for_io1" {
  command = plan

  variables {
    opensearch_ebs_volume_type      = "io1"
    opensearch_ebs_volume_size_gib  = 100
    opensearch_ebs_iops             = 5000
    opensearch_ebs_throughput_mibps = 250
  }

  expect_failures = [var.opensearch_ebs_throughput_mibps]
}

run "accepts_io1_with_iops" {
  command = plan

  variables {
    opensearch_ebs_volume_type     = "io1"
    opensearch_ebs_volume_size_gib = 320
    opensearch_ebs_iops            = 16000
  }

  assert {
    condition     = aws_opensearch_domain.this[0].ebs_options[0].volume_type == "io1" && aws_opensearch_domain.this[0].ebs_options[0].iops == 16000
    error_message = "The provisioned IOPS must reach the domain."
  }
}

run "accepts_gp3_at_its_limits" {
  command = plan

  variables {
    opensearch_ebs_volume_size_gib  = 100
    opensearch_ebs_iops             = 16000
    opensearch_ebs_throughput_mibps = 1000
  }

  assert {
    condition     = aws_opensearch_domain.this[0].ebs_options[0].iops == 16000 && aws_opensearch_domain.this[0].ebs_options[0].throughput == 1000
    error_message = "gp3 IOPS and throughput must reach the domain."
  }
}

# --- Finding 11: one _bulk request per buffer, 10 MiB requests on T2/T3 ------------------------------------------

run "rejects_10_mb_buffer_for_a_t3_domain" {
  command = plan

  variables {
    buffering_size_mb = 10
  }

  expect_failures = [var.buffering_size_mb]
}

run "accepts_9_mb_buffer_for_a_t3_domain" {
  command = plan

  variables {
    buffering_size_mb = 9
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].buffering_size == 9
    error_message = "9 MB, action lines included, stays under a T3 domain's 10 MiB request limit."
  }
}

run "accepts_100_mb_buffer_for_a_larger_instance_type" {
  command = plan

  variables {
    buffering_size_mb        = 100
    opensearch_instance_type = "r6g.large.search"
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].buffering_size == 100
    error_message = "Instance types with 100 MiB requests take Firehose's full buffer range."
  }
}

# --- Finding 17: mistakes that used to plan cleanly ----------------------------------------------------------------

run "rejects_existing_domain_in_another_region" {
  command = plan

  variables {
    create_opensearch_domain = false
    opensearch_domain_arn    = "arn:aws:es:eu-west-1:123456789012:domain/contact-centre"
  }

  expect_failures = [var.opensearch_domain_arn]
}

run "rejects_existing_domain_in_another_account" {
  command = plan

  variables {
    create_opensearch_domain = false
    opensearch_domain_arn    = "arn:aws:es:us-east-1:210987654321:domain/contact-centre"
  }

  expect_failures = [var.opensearch_domain_arn]
}

run "accepts_existing_domain_in_the_provider_region_and_account" {
  command = plan

  variables {
    create_opensearch_domain = false
    opensearch_domain_arn    = "arn:aws:es:us-east-1:123456789012:domain/contact-centre"
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].domain_arn == "arn:aws:es:us-east-1:123456789012:domain/contact-centre"
    error_message = "A domain in the provider's Region and account must plan."
  }
}

run "rejects_seed_key_the_phone_rule_never_looks_up" {
  command = plan

  variables {
    lookup_table_items = { "+1 555-555-0100" = { name = "Jane Doe" } }
  }

  expect_failures = [var.lookup_table_items]
}

run "accepts_seed_keys_a_rule_on_the_table_leaves_unchanged" {
  command = plan

  variables {
    enrichment_rules = [
      { name = "customer", source = "CustomerEndpoint.Address", target = "Customer", normalize = "phone" },
      { name = "account", source = "Attributes.AccountName", target = "Account" },
    ]
    lookup_table_items = {
      "+15555550100"   = { name = "Jane Doe" }
      "0312345678"     = { name = "National number, as the phone rule leaves it" }
      "Acme Trading K" = { name = "Found by the rule without normalisation" }
    }
  }

  assert {
    condition     = length(aws_dynamodb_table_item.seed) == 3
    error_message = "Keys that a rule on the table looks up unchanged must be seeded."
  }
}

# --- Finding 18: IAM role names are account-wide ------------------------------------------------------------------

run "role_names_in_one_region" {
  command = plan

  assert {
    condition     = [aws_iam_role.lambda.name, aws_iam_role.firehose.name] == ["ctr-enrichment-lambda-us-east-1", "ctr-enrichment-firehose-us-east-1"]
    error_message = "The default role names must carry the Region."
  }
}

run "the_same_name_in_another_region_gets_other_role_names" {
  command = plan

  override_data {
    target = data.aws_region.current
    values = {
      region = "ap-northeast-1"
      name   = "ap-northeast-1"
    }
  }

  assert {
    condition     = [aws_iam_role.lambda.name, aws_iam_role.firehose.name] == ["ctr-enrichment-lambda-ap-northeast-1", "ctr-enrichment-firehose-ap-northeast-1"]
    error_message = "A second deployment of the same name in another Region must not collide with the first one's roles (IAM names are account-wide)."
  }
  assert {
    condition     = local.firehose_role_arn == "arn:aws:iam::123456789012:role/ctr-enrichment-firehose-ap-northeast-1"
    error_message = "The ARN the policies name (the domain's access policy admits it) must follow the role's name."
  }
}

run "accepts_explicit_role_names" {
  command = plan

  variables {
    lambda_role_name   = "ctr-enrichment-lambda"
    firehose_role_name = "ctr-enrichment-firehose"
  }

  assert {
    condition     = [aws_iam_role.lambda.name, aws_iam_role.firehose.name] == ["ctr-enrichment-lambda", "ctr-enrichment-firehose"]
    error_message = "Explicit role names (for example the names of an earlier release) must be used as given."
  }
}

run "rejects_one_name_for_both_roles" {
  command = plan

  variables {
    lambda_role_name   = "ctr-roles"
    firehose_role_name = "CTR-Roles"
  }

  expect_failures = [var.firehose_role_name]
}

run "rejects_role_name_iam_refuses" {
  command = plan

  variables {
    lambda_role_name = "ctr/lambda"
  }

  expect_failures = [var.lambda_role_name]
}

# --- Finding 12: a supported way to protect the domain (behaviour: tests/test_terraform_aws_rules.py) ---------

run "domain_protection_is_opt_in" {
  command = plan

  assert {
    condition     = length(terraform_data.opensearch_domain_protection) == 0
    error_message = "Without opensearch_prevent_destroy_enabled nothing guards the domain (terraform destroy works as usual)."
  }
}

run "domain_protection_guards_the_created_domain" {
  command = plan

  variables {
    opensearch_prevent_destroy_enabled = true
  }

  assert {
    condition     = length(terraform_data.opensearch_domain_protection) == 1 && terraform_data.opensearch_domain_protection[0].input == aws_opensearch_domain.this[0].domain_name
    error_message = "opensearch_prevent_destroy_enabled must put the guard on the domain the module creates."
  }
}

run "domain_protection_has_nothing_to_guard_for_an_existing_domain" {
  command = plan

  variables {
    opensearch_prevent_destroy_enabled = true
    create_opensearch_domain           = false
    opensearch_domain_arn              = "arn:aws:es:us-east-1:123456789012:domain/contact-centre"
  }

  assert {
    condition     = length(terraform_data.opensearch_domain_protection) == 0
    error_message = "The module never destroys a domain it did not create."
  }
}
