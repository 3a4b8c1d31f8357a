# Bad input fails at plan time with a message that says what to fix: one run per validation rule, each with an
# otherwise valid configuration, expecting the failure on the input the user must change (cross-variable rules
# are validations too, on that input). The accepts_* runs at the end pin the limits AWS itself allows, so
# validations cannot drift narrower than AWS.

mock_provider "aws" {
  source = "./tests/mocks/aws"
}

mock_provider "archive" {
  source = "./tests/mocks/archive"
}

variables {
  opensearch_public_endpoint_enabled = true
}

run "rejects_name_with_uppercase" {
  command = plan

  variables {
    name = "CTR-Enrichment"
  }

  expect_failures = [var.name]
}

run "rejects_name_longer_than_a_domain_name" {
  command = plan

  variables {
    name = "a-name-that-is-29-chars-long1"
  }

  expect_failures = [var.name]
}

run "rejects_name_ending_with_hyphen" {
  command = plan

  variables {
    name = "ctr-"
  }

  expect_failures = [var.name]
}

run "rejects_tag_value_over_256_characters" {
  command = plan

  variables {
    tags = { Team = join("", [for i in range(257) : "x"]) }
  }

  expect_failures = [var.tags]
}

run "rejects_kms_alias_instead_of_key_arn" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:alias/ctr"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_permissions_boundary_that_is_not_a_policy" {
  command = plan

  variables {
    iam_role_permissions_boundary_arn = "arn:aws:iam::123456789012:role/boundary"
  }

  expect_failures = [var.iam_role_permissions_boundary_arn]
}

run "rejects_log_retention_cloudwatch_does_not_offer" {
  command = plan

  variables {
    log_retention_days = 10
  }

  expect_failures = [var.log_retention_days]
}

run "rejects_python_runtime_older_than_3_11" {
  command = plan

  variables {
    lambda_runtime = "python3.9"
  }

  expect_failures = [var.lambda_runtime]
}

run "rejects_unknown_architecture" {
  command = plan

  variables {
    lambda_architecture = "arm"
  }

  expect_failures = [var.lambda_architecture]
}

run "rejects_memory_below_128" {
  command = plan

  variables {
    lambda_memory_size_mb = 64
  }

  expect_failures = [var.lambda_memory_size_mb]
}

run "rejects_memory_above_10240" {
  command = plan

  variables {
    lambda_memory_size_mb = 10241
  }

  expect_failures = [var.lambda_memory_size_mb]
}

run "rejects_timeout_above_firehose_maximum" {
  command = plan

  variables {
    lambda_timeout_seconds = 301
  }

  expect_failures = [var.lambda_timeout_seconds]
}

run "rejects_timeout_of_zero" {
  command = plan

  variables {
    lambda_timeout_seconds = 0
  }

  expect_failures = [var.lambda_timeout_seconds]
}

run "rejects_reserved_concurrency_of_zero" {
  command = plan

  variables {
    lambda_reserved_concurrent_executions = 0
  }

  expect_failures = [var.lambda_reserved_concurrent_executions]
}

run "rejects_empty_lookups" {
  command = plan

  variables {
    enrichment_rules = []
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_rule_name_with_space" {
  command = plan

  variables {
    enrichment_rules = [{ name = "customer lookup", source = "CustomerEndpoint.Address", target = "Customer" }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_rule_name_starting_with_hyphen" {
  command = plan

  variables {
    enrichment_rules = [{ name = "-customer", source = "CustomerEndpoint.Address", target = "Customer" }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_duplicate_rule_names" {
  command = plan

  variables {
    enrichment_rules = [{ name = "customer", source = "CustomerEndpoint.Address", target = "Customer" }, { name = "customer", source = "Agent.Username", target = "Agent2" }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_source_with_empty_segment" {
  command = plan

  variables {
    enrichment_rules = [{ name = "customer", source = "CustomerEndpoint..Address", target = "Customer" }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_target_with_space_around_segment" {
  command = plan

  variables {
    enrichment_rules = [{ name = "customer", source = "CustomerEndpoint.Address", target = "Customer. Info" }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_target_in_enrichment_status" {
  command = plan

  variables {
    enrichment_rules = [{ name = "customer", source = "CustomerEndpoint.Address", target = "EnrichmentStatus.Customer" }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_target_inside_a_source" {
  command = plan

  variables {
    enrichment_rules = [{ name = "customer", source = "CustomerEndpoint.Address", target = "CustomerEndpoint.Customer" }, { name = "agent", source = "Agent.Username", target = "CustomerEndpoint" }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_target_equal_to_own_source" {
  command = plan

  variables {
    enrichment_rules = [{ name = "customer", source = "Attributes.Phone", target = "Attributes.Phone" }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_overlapping_targets" {
  command = plan

  variables {
    enrichment_rules = [{ name = "customer", source = "CustomerEndpoint.Address", target = "Enriched" }, { name = "agent", source = "Agent.Username", target = "Enriched.Agent", table = "agents", key = "username" }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_table_name_with_invalid_characters" {
  command = plan

  variables {
    enrichment_rules = [{ name = "agent", source = "Agent.Username", target = "AgentProfile", table = "agents/table", key = "username" }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_empty_key" {
  command = plan

  variables {
    enrichment_rules = [{ name = "agent", source = "Agent.Username", target = "AgentProfile", table = "agents", key = "" }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_empty_attributes_map" {
  command = plan

  variables {
    enrichment_rules = [{ name = "customer", source = "CustomerEndpoint.Address", target = "Customer", attributes = {} }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_unknown_normalize_mode" {
  command = plan

  variables {
    enrichment_rules = [{ name = "customer", source = "CustomerEndpoint.Address", target = "Customer", normalize = "e164" }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_unknown_key_format" {
  command = plan

  variables {
    enrichment_rules = [{ name = "customer", source = "CustomerEndpoint.Address", target = "Customer", normalize = "phone", key_format = "national_formatted", country = "JP" }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_key_format_on_a_rule_that_is_not_phone" {
  command = plan

  variables {
    enrichment_rules = [{ name = "customer", source = "CustomerEndpoint.Address", target = "Customer", normalize = "email", country = "JP" }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_a_country_the_function_cannot_write_numbers_of" {
  command = plan

  variables {
    enrichment_rules = [{ name = "customer", source = "CustomerEndpoint.Address", target = "Customer", normalize = "phone", key_format = "national", country = "Japan" }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_national_key_format_without_country" {
  command = plan

  variables {
    enrichment_rules = [{ name = "customer", source = "CustomerEndpoint.Address", target = "Customer", normalize = "phone", key_format = "national" }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_unknown_endpoint_type" {
  command = plan

  variables {
    enrichment_rules = [{ name = "customer", source = "CustomerEndpoint.Address", target = "Customer", normalize = "phone", endpoint_types = ["PHONE"] }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_rules_sharing_a_target_for_one_endpoint_type" {
  command = plan

  variables {
    enrichment_rules = [
      { name = "customer", source = "CustomerEndpoint.Address", target = "Customer", normalize = "phone", endpoint_types = ["TELEPHONE_NUMBER", "VOIP"] },
      { name = "email", source = "CustomerEndpoint.Address", target = "Customer", normalize = "email", endpoint_types = ["EMAIL_ADDRESS", "VOIP"] },
    ]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_own_country_seed_key_in_e164_for_a_national_table" {
  command = plan

  variables {
    enrichment_rules   = [{ name = "customer", source = "CustomerEndpoint.Address", target = "Customer", normalize = "phone", key_format = "national", country = "JP" }]
    lookup_table_items = { "+81312345678" = { name = "Sample Shoji" } }
  }

  expect_failures = [var.lookup_table_items]
}

run "rejects_email_seed_key_with_capitals" {
  command = plan

  variables {
    enrichment_rules   = [{ name = "email", source = "CustomerEndpoint.Address", target = "Customer", normalize = "email" }]
    lookup_table_items = { "Taro.Yamada@example.co.jp" = { name = "Sample Shoji" } }
  }

  expect_failures = [var.lookup_table_items]
}

run "rejects_unknown_lookup_error_policy" {
  command = plan

  variables {
    on_lookup_error = "drop"
  }

  expect_failures = [var.on_lookup_error]
}

run "rejects_negative_cache_ttl" {
  command = plan

  variables {
    cache_ttl_seconds = -1
  }

  expect_failures = [var.cache_ttl_seconds]
}

run "rejects_fractional_cache_size" {
  command = plan

  variables {
    cache_max_entries = 10.5
  }

  expect_failures = [var.cache_max_entries]
}

run "rejects_reserved_aws_metrics_namespace" {
  command = plan

  variables {
    metrics_namespace = "AWS/Lambda"
  }

  expect_failures = [var.metrics_namespace]
}

run "rejects_blank_metrics_namespace" {
  command = plan

  variables {
    metrics_namespace = "  "
  }

  expect_failures = [var.metrics_namespace]
}

run "rejects_lowercase_log_level" {
  command = plan

  variables {
    log_level = "info"
  }

  expect_failures = [var.log_level]
}

run "rejects_lookup_table_name_instead_of_arn" {
  command = plan

  variables {
    create_lookup_table = false
    lookup_table_arn    = "customers"
  }

  expect_failures = [var.lookup_table_arn]
}

run "rejects_lookup_table_with_too_short_a_name" {
  command = plan

  variables {
    create_lookup_table = false
    lookup_table_arn    = "arn:aws:dynamodb:us-east-1:123456789012:table/ab"
  }

  expect_failures = [var.lookup_table_arn]
}

run "rejects_lookup_table_in_another_region" {
  command = plan

  variables {
    create_lookup_table = false
    lookup_table_arn    = "arn:aws:dynamodb:eu-west-1:123456789012:table/customers"
  }

  expect_failures = [var.lookup_table_arn]
}

run "rejects_empty_hash_key" {
  command = plan

  variables {
    lookup_table_hash_key = ""
  }

  expect_failures = [var.lookup_table_hash_key]
}

run "rejects_seed_item_with_empty_key" {
  command = plan

  variables {
    lookup_table_items = { "" = { name = "Nobody" } }
  }

  expect_failures = [var.lookup_table_items]
}

run "rejects_unknown_destination" {
  command = plan

  variables {
    destination = "s3"
  }

  expect_failures = [var.destination]
}

run "rejects_uppercase_index_name" {
  command = plan

  variables {
    index_name = "CTR"
  }

  expect_failures = [var.index_name]
}

run "rejects_index_name_starting_with_underscore" {
  command = plan

  variables {
    index_name = "_ctr"
  }

  expect_failures = [var.index_name]
}

run "rejects_index_name_over_80_characters" {
  command = plan

  variables {
    index_name = join("", [for i in range(81) : "c"])
  }

  expect_failures = [var.index_name]
}

run "rejects_unknown_rotation_period" {
  command = plan

  variables {
    index_rotation_period = "Daily"
  }

  expect_failures = [var.index_rotation_period]
}

run "rejects_empty_type_name" {
  command = plan

  variables {
    elasticsearch_type_name = ""
  }

  expect_failures = [var.elasticsearch_type_name]
}

run "rejects_unknown_document_id_format" {
  command = plan

  variables {
    document_id_format = "RANDOM"
  }

  expect_failures = [var.document_id_format]
}

run "rejects_buffering_interval_above_900" {
  command = plan

  variables {
    buffering_interval_seconds = 901
  }

  expect_failures = [var.buffering_interval_seconds]
}

run "rejects_buffering_size_above_100" {
  command = plan

  variables {
    buffering_size_mb = 101
  }

  expect_failures = [var.buffering_size_mb]
}

run "rejects_buffering_size_of_zero" {
  command = plan

  variables {
    buffering_size_mb = 0
  }

  expect_failures = [var.buffering_size_mb]
}

run "rejects_retry_duration_above_7200" {
  command = plan

  variables {
    retry_duration_seconds = 7201
  }

  expect_failures = [var.retry_duration_seconds]
}

run "rejects_unknown_backup_mode" {
  command = plan

  variables {
    backup_mode = "Failed"
  }

  expect_failures = [var.backup_mode]
}

run "rejects_unknown_compression" {
  command = plan

  variables {
    backup_compression_format = "BZIP2"
  }

  expect_failures = [var.backup_compression_format]
}

run "rejects_processor_buffer_below_0_2_mb" {
  command = plan

  variables {
    processor_buffering_size_mb = 0.1
  }

  expect_failures = [var.processor_buffering_size_mb]
}

run "rejects_processor_buffer_above_3_mb" {
  command = plan

  variables {
    processor_buffering_size_mb = 3.5
  }

  expect_failures = [var.processor_buffering_size_mb]
}

run "rejects_processor_interval_above_900" {
  command = plan

  variables {
    processor_buffering_interval_seconds = 901
  }

  expect_failures = [var.processor_buffering_interval_seconds]
}

run "rejects_processor_retries_above_300" {
  command = plan

  variables {
    processor_retries = 301
  }

  expect_failures = [var.processor_retries]
}

run "rejects_domain_arn_of_another_service" {
  command = plan

  variables {
    opensearch_domain_arn = "arn:aws:s3:::not-a-domain"
  }

  expect_failures = [var.opensearch_domain_arn]
}

run "rejects_domain_endpoint_with_scheme" {
  command = plan

  variables {
    opensearch_domain_endpoint = "https://search-ctr.us-east-1.es.amazonaws.com"
  }

  expect_failures = [var.opensearch_domain_endpoint]
}

run "rejects_engine_version_without_engine" {
  command = plan

  variables {
    opensearch_engine_version = "2.19"
  }

  expect_failures = [var.opensearch_engine_version]
}

run "rejects_instance_type_without_search_suffix" {
  command = plan

  variables {
    opensearch_instance_type = "t3.small"
  }

  expect_failures = [var.opensearch_instance_type]
}

run "rejects_zero_instances" {
  command = plan

  variables {
    opensearch_instance_count = 0
  }

  expect_failures = [var.opensearch_instance_count]
}

run "rejects_four_availability_zones" {
  command = plan

  variables {
    opensearch_availability_zone_count = 4
  }

  expect_failures = [var.opensearch_availability_zone_count]
}

run "rejects_ebs_volume_below_10_gib" {
  command = plan

  variables {
    opensearch_ebs_volume_size_gib = 5
  }

  expect_failures = [var.opensearch_ebs_volume_size_gib]
}

run "rejects_magnetic_ebs_volumes" {
  command = plan

  variables {
    opensearch_ebs_volume_type = "standard"
  }

  expect_failures = [var.opensearch_ebs_volume_type]
}

run "rejects_tls_1_0_policy" {
  command = plan

  variables {
    opensearch_tls_security_policy = "Policy-Min-TLS-1-0-2019-07"
  }

  expect_failures = [var.opensearch_tls_security_policy]
}

run "rejects_master_user_that_is_not_an_iam_arn" {
  command = plan

  variables {
    opensearch_master_user_arn = "admin"
  }

  expect_failures = [var.opensearch_master_user_arn]
}

run "rejects_empty_subnet_list" {
  command = plan

  variables {
    vpc_config = { subnet_ids = [], security_group_ids = ["sg-0123456789abcdef0"] }
  }

  expect_failures = [var.vpc_config]
}

run "rejects_malformed_subnet_id" {
  command = plan

  variables {
    vpc_config = { subnet_ids = ["subnet-xyz"], security_group_ids = ["sg-0123456789abcdef0"] }
  }

  expect_failures = [var.vpc_config]
}

run "rejects_more_than_sixteen_subnets" {
  command = plan

  variables {
    vpc_config = { subnet_ids = [for i in range(17) : format("subnet-%08x", i)], security_group_ids = ["sg-0123456789abcdef0"] }
  }

  expect_failures = [var.vpc_config]
}

run "rejects_malformed_security_group_id" {
  command = plan

  variables {
    vpc_config = { subnet_ids = ["subnet-0123456789abcdef0"], security_group_ids = ["default"] }
  }

  expect_failures = [var.vpc_config]
}

run "rejects_given_and_created_security_groups_together" {
  command = plan

  variables {
    vpc_config = { subnet_ids = ["subnet-0123456789abcdef0"], security_group_ids = ["sg-0123456789abcdef0"], create_security_groups = true }
  }

  expect_failures = [var.vpc_config]
}

run "rejects_vpc_networks_open_to_everything" {
  command = plan

  variables {
    vpc_config                     = { subnet_ids = ["subnet-0123456789abcdef0"], create_security_groups = true }
    dashboards_allowed_cidr_blocks = ["0.0.0.0/0"]
  }

  expect_failures = [var.dashboards_allowed_cidr_blocks]
}

run "rejects_connect_instance_arn_instead_of_id" {
  command = plan

  variables {
    connect_instance_id = "arn:aws:connect:us-east-1:123456789012:instance/5b4b2b1e-6f1c-4c8e-9d0a-2f6a7c1d3e55"
  }

  expect_failures = [var.connect_instance_id]
}

run "rejects_fifo_alarm_topic" {
  command = plan

  variables {
    alarm_sns_topic_arn = "arn:aws:sns:us-east-1:123456789012:ctr-alarms.fifo"
  }

  expect_failures = [var.alarm_sns_topic_arn]
}

run "rejects_negative_alarm_threshold" {
  command = plan

  variables {
    alarm_thresholds = { processing_failed = -1 }
  }

  expect_failures = [var.alarm_thresholds]
}

run "rejects_duration_alarm_at_the_timeout" {
  command = plan

  variables {
    alarm_thresholds = { lambda_duration_percent = 100 }
  }

  expect_failures = [var.alarm_thresholds]
}

run "rejects_delivery_success_above_one" {
  command = plan

  variables {
    alarm_thresholds = { delivery_success = 95 }
  }

  expect_failures = [var.alarm_thresholds]
}

run "rejects_data_freshness_out_of_range" {
  command = plan

  variables {
    alarm_thresholds = { data_freshness_seconds = 90000 }
  }

  expect_failures = [var.alarm_thresholds]
}

run "rejects_alarm_period_that_is_not_whole_minutes" {
  command = plan

  variables {
    alarm_period_seconds = 90
  }

  expect_failures = [var.alarm_period_seconds]
}

run "rejects_zero_evaluation_periods" {
  command = plan

  variables {
    alarm_evaluation_periods = 0
  }

  expect_failures = [var.alarm_evaluation_periods]
}

run "rejects_dashboards_principal_that_is_not_an_arn" {
  command = plan

  variables {
    dashboards_allowed_principal_arns = ["analyst"]
  }

  expect_failures = [var.dashboards_allowed_principal_arns]
}

run "rejects_dashboards_open_to_the_internet" {
  command = plan

  variables {
    dashboards_allowed_cidr_blocks = ["0.0.0.0/0"]
  }

  expect_failures = [var.dashboards_allowed_cidr_blocks]
}

run "rejects_dashboards_cidr_that_is_not_a_cidr" {
  command = plan

  variables {
    dashboards_allowed_cidr_blocks = ["203.0.113.7"]
  }

  expect_failures = [var.dashboards_allowed_cidr_blocks]
}

run "rejects_bucket_arn_with_key" {
  command = plan

  variables {
    backup_bucket_arn = "arn:aws:s3:::bucket/prefix"
  }

  expect_failures = [var.backup_bucket_arn]
}

run "rejects_backup_expiration_of_zero_days" {
  command = plan

  variables {
    backup_expiration_days = 0
  }

  expect_failures = [var.backup_expiration_days]
}

run "rejects_existing_table_arn_while_creating_one" {
  command = plan

  variables {
    lookup_table_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/customers"
  }

  expect_failures = [var.lookup_table_arn]
}

run "rejects_rule_without_any_table" {
  command = plan

  variables {
    create_lookup_table = false
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_rule_on_other_table_without_key" {
  command = plan

  variables {
    enrichment_rules = [{ name = "agent", source = "Agent.Username", target = "AgentProfile", table = "agents" }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_two_keys_for_one_table" {
  command = plan

  variables {
    enrichment_rules = [{ name = "customer", source = "CustomerEndpoint.Address", target = "Customer" }, { name = "system", source = "SystemEndpoint.Address", target = "System", table = "ctr-enrichment-lookup", key = "phone" }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_environment_over_4_kb" {
  command = plan

  variables {
    enrichment_rules = [for i in range(40) : { name = "rule-${i}", source = "Attributes.Key${i}", target = "Enriched.R${i}", attributes = { ContractCompanyName = "contract_company_name" } }]
  }

  expect_failures = [var.enrichment_rules]
}

run "rejects_seed_items_without_created_table" {
  command = plan

  variables {
    create_lookup_table = false
    lookup_table_arn    = "arn:aws:dynamodb:us-east-1:123456789012:table/customers"
    lookup_table_items  = { "+15555550100" = { name = "Jane" } }
  }

  expect_failures = [var.lookup_table_items]
}

run "rejects_existing_domain_arn_while_creating_one" {
  command = plan

  variables {
    opensearch_domain_arn = "arn:aws:es:us-east-1:123456789012:domain/existing"
  }

  expect_failures = [var.opensearch_domain_arn]
}

run "rejects_no_domain_at_all" {
  command = plan

  variables {
    create_opensearch_domain = false
  }

  expect_failures = [var.opensearch_domain_arn]
}

run "rejects_domain_endpoint_for_created_domain" {
  command = plan

  variables {
    opensearch_domain_endpoint = "search-existing.us-east-1.es.amazonaws.com"
  }

  expect_failures = [var.opensearch_domain_endpoint]
}

run "rejects_existing_bucket_arn_while_creating_one" {
  command = plan

  variables {
    backup_bucket_arn = "arn:aws:s3:::existing-ctr-backup"
  }

  expect_failures = [var.backup_bucket_arn]
}

run "rejects_no_backup_bucket_at_all" {
  command = plan

  variables {
    create_backup_bucket = false
  }

  expect_failures = [var.backup_bucket_arn]
}

run "rejects_type_name_for_opensearch_destination" {
  command = plan

  variables {
    elasticsearch_type_name = "_doc"
  }

  expect_failures = [var.elasticsearch_type_name]
}

run "rejects_no_document_id_for_elasticsearch_destination" {
  command = plan

  variables {
    destination               = "elasticsearch"
    opensearch_engine_version = "Elasticsearch_7.10"
    document_id_format        = "NO_DOCUMENT_ID"
  }

  expect_failures = [var.document_id_format]
}

run "rejects_elasticsearch_6_without_type_name" {
  command = plan

  variables {
    destination               = "elasticsearch"
    opensearch_engine_version = "Elasticsearch_6.8"
  }

  expect_failures = [var.elasticsearch_type_name]
}

run "rejects_type_name_for_elasticsearch_7" {
  command = plan

  variables {
    destination               = "elasticsearch"
    opensearch_engine_version = "Elasticsearch_7.10"
    elasticsearch_type_name   = "_doc"
  }

  expect_failures = [var.elasticsearch_type_name]
}

run "rejects_subnets_without_security_groups" {
  command = plan

  variables {
    vpc_config = { subnet_ids = ["subnet-0123456789abcdef0"] }
  }

  expect_failures = [var.vpc_config]
}

run "rejects_created_security_groups_for_an_existing_domain" {
  command = plan

  variables {
    create_opensearch_domain = false
    opensearch_domain_arn    = "arn:aws:es:us-east-1:123456789012:domain/existing"
    vpc_config               = { subnet_ids = ["subnet-0123456789abcdef0"], create_security_groups = true }
  }

  expect_failures = [var.vpc_config]
}

run "rejects_dashboards_cidrs_with_own_vpc_security_groups" {
  command = plan

  variables {
    vpc_config                     = { subnet_ids = ["subnet-0123456789abcdef0"], security_group_ids = ["sg-0123456789abcdef0"] }
    dashboards_allowed_cidr_blocks = ["203.0.113.0/24"]
  }

  expect_failures = [var.dashboards_allowed_cidr_blocks]
}

run "rejects_dashboards_principals_for_an_existing_domain" {
  command = plan

  variables {
    create_opensearch_domain          = false
    opensearch_domain_arn             = "arn:aws:es:us-east-1:123456789012:domain/existing"
    dashboards_allowed_principal_arns = ["arn:aws:iam::123456789012:role/analyst"]
  }

  expect_failures = [var.dashboards_allowed_principal_arns]
}

run "rejects_public_domain_without_opt_in" {
  command = plan

  variables {
    opensearch_public_endpoint_enabled = false
  }

  expect_failures = [var.opensearch_public_endpoint_enabled]
}

run "rejects_fewer_subnets_than_zones" {
  command = plan

  variables {
    vpc_config                         = { subnet_ids = ["subnet-0123456789abcdef0"], security_group_ids = ["sg-0123456789abcdef0"] }
    opensearch_availability_zone_count = 2
    opensearch_instance_count          = 2
  }

  expect_failures = [var.opensearch_availability_zone_count]
}

run "rejects_more_subnets_than_zones_for_a_created_domain" {
  command = plan

  variables {
    vpc_config                         = { subnet_ids = ["subnet-00000001", "subnet-00000002", "subnet-00000003", "subnet-00000004"], security_group_ids = ["sg-0123456789abcdef0"] }
    opensearch_availability_zone_count = 3
    opensearch_instance_count          = 3
  }

  expect_failures = [var.opensearch_availability_zone_count]
}

run "rejects_service_linked_role_without_a_vpc_domain" {
  command = plan

  variables {
    create_opensearch_service_linked_role = true
  }

  expect_failures = [var.create_opensearch_service_linked_role]
}

run "rejects_dashboards_networks_for_an_existing_domain" {
  command = plan

  variables {
    create_opensearch_domain       = false
    opensearch_domain_arn          = "arn:aws:es:us-east-1:123456789012:domain/existing"
    dashboards_allowed_cidr_blocks = ["203.0.113.0/24"]
  }

  expect_failures = [var.dashboards_allowed_cidr_blocks]
}

run "rejects_master_user_for_an_existing_domain" {
  command = plan

  variables {
    create_opensearch_domain   = false
    opensearch_domain_arn      = "arn:aws:es:us-east-1:123456789012:domain/existing"
    opensearch_master_user_arn = "arn:aws:iam::123456789012:role/search-admin"
  }

  expect_failures = [var.opensearch_master_user_arn]
}

run "accepts_data_freshness_inside_the_buffers_for_elasticsearch" {
  # The Elasticsearch destination publishes no DataFreshness metric, so it gets no data-freshness alarm to fire.
  command = plan

  variables {
    destination                          = "elasticsearch"
    opensearch_engine_version            = "Elasticsearch_7.10"
    create_alarms                        = true
    alarm_sns_topic_arn                  = "arn:aws:sns:us-east-1:123456789012:ctr-alarms"
    buffering_interval_seconds           = 900
    processor_buffering_interval_seconds = 300
    alarm_thresholds                     = { data_freshness_seconds = 1200 }
  }

  assert {
    condition     = !contains(keys(aws_cloudwatch_metric_alarm.this), "data-freshness")
    error_message = "The Elasticsearch destination gets no data-freshness alarm."
  }
}

run "rejects_alarms_without_a_topic" {
  command = plan

  variables {
    create_alarms = true
  }

  expect_failures = [var.alarm_sns_topic_arn]
}

run "rejects_alarm_window_longer_than_a_day" {
  command = plan

  variables {
    create_alarms            = true
    alarm_sns_topic_arn      = "arn:aws:sns:us-east-1:123456789012:ctr-alarms"
    alarm_period_seconds     = 3540
    alarm_evaluation_periods = 25
  }

  expect_failures = [var.alarm_evaluation_periods]
}

run "rejects_data_freshness_alarm_inside_the_buffers" {
  command = plan

  variables {
    create_alarms                        = true
    alarm_sns_topic_arn                  = "arn:aws:sns:us-east-1:123456789012:ctr-alarms"
    buffering_interval_seconds           = 900
    processor_buffering_interval_seconds = 300
    alarm_thresholds                     = { data_freshness_seconds = 1200 }
  }

  expect_failures = [var.alarm_thresholds]
}

run "rejects_nodes_not_divisible_by_zones" {
  command = plan

  variables {
    opensearch_availability_zone_count = 2
    opensearch_instance_count          = 3
  }

  expect_failures = [var.opensearch_instance_count]
}

run "rejects_fine_grained_access_on_old_elasticsearch" {
  command = plan

  variables {
    destination                = "elasticsearch"
    opensearch_engine_version  = "Elasticsearch_6.5"
    elasticsearch_type_name    = "_doc"
    opensearch_master_user_arn = "arn:aws:iam::123456789012:role/search-admin"
  }

  expect_failures = [var.opensearch_master_user_arn]
}

run "accepts_the_limits_aws_allows" {
  command = plan

  variables {
    lambda_memory_size_mb                = 10240
    lambda_timeout_seconds               = 300
    processor_buffering_size_mb          = 0.2
    processor_buffering_interval_seconds = 0
    processor_retries                    = 300
    buffering_interval_seconds           = 900
    buffering_size_mb                    = 1
    retry_duration_seconds               = 0
    cache_ttl_seconds                    = 0
    cache_max_entries                    = 0
    log_retention_days                   = 3653
    name                                 = "a-name-that-is-28-chars-long"
    index_name                           = "ctr.v1-2024+x"
  }

  assert {
    condition     = aws_lambda_function.this.memory_size == 10240 && aws_lambda_function.this.timeout == 300
    error_message = "10240 MB and 300 s are valid Lambda settings."
  }
  assert {
    condition = {
      for p in aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].processing_configuration[0].processors[0].parameters : p.parameter_name => p.parameter_value
      if p.parameter_name != "LambdaArn"
      } == {
      BufferSizeInMBs         = "0.2"
      BufferIntervalInSeconds = "0"
      NumberOfRetries         = "300"
    }
    error_message = "0.2 MB, 0 s and 300 retries are valid processor settings."
  }
  assert {
    condition     = aws_opensearch_domain.this[0].domain_name == "a-name-that-is-28-chars-long"
    error_message = "A 28-character name is a valid domain name."
  }
}

run "accepts_a_vpc_domain_without_the_public_opt_in" {
  command = plan

  variables {
    opensearch_public_endpoint_enabled = false
    vpc_config                         = { subnet_ids = ["subnet-0123456789abcdef0"], security_group_ids = ["sg-0123456789abcdef0"] }
  }

  assert {
    condition     = length(aws_opensearch_domain.this[0].vpc_options) == 1
    error_message = "A VPC domain needs no public-endpoint opt-in."
  }
}

run "accepts_an_existing_domain_without_the_public_opt_in" {
  command = plan

  variables {
    opensearch_public_endpoint_enabled = false
    create_opensearch_domain           = false
    opensearch_domain_arn              = "arn:aws:es:us-east-1:123456789012:domain/existing"
    opensearch_domain_endpoint         = "search-existing-abc.us-east-1.es.amazonaws.com"
  }

  assert {
    condition     = length(aws_opensearch_domain.this) == 0 && output.opensearch_domain_endpoint == "search-existing-abc.us-east-1.es.amazonaws.com"
    error_message = "The module does not own the endpoint of an existing domain, so it needs no opt-in."
  }
}

run "accepts_rules_that_share_a_table_and_key" {
  command = plan

  variables {
    enrichment_rules = [
      { name = "customer", source = "CustomerEndpoint.Address", target = "Customer", normalize = "phone" },
      { name = "system", source = "SystemEndpoint.Address", target = "System", normalize = "phone", table = "ctr-enrichment-lookup", key = "number" },
    ]
  }

  assert {
    condition     = length(jsondecode(aws_lambda_function.this.environment[0].variables["ENRICHMENT_RULES"])) == 2
    error_message = "Two rules may read one table with its one key."
  }
}

run "accepts_one_rule_per_channel_on_a_national_table" {
  command = plan

  variables {
    enrichment_rules = [
      { name = "customer", source = "CustomerEndpoint.Address", target = "Customer", normalize = "phone", key_format = "national", country = "JP", endpoint_types = ["TELEPHONE_NUMBER", "VOIP"] },
      { name = "email", source = "CustomerEndpoint.Address", target = "Customer", normalize = "email", endpoint_types = ["EMAIL_ADDRESS"] },
    ]
    lookup_table_items = {
      "0312345678"                = { name = "Sample Shoji" }
      "+14155550123"              = { name = "Acme" }
      "taro.yamada@example.co.jp" = { name = "Sample Shoji" }
    }
  }

  assert {
    condition     = length(aws_dynamodb_table_item.seed) == 3
    error_message = "National, foreign E.164 and email keys are all findable on this table."
  }
  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables.ENRICHMENT_RULES)[1].endpoint_types == ["EMAIL_ADDRESS"] && !contains(keys(jsondecode(aws_lambda_function.this.environment[0].variables.ENRICHMENT_RULES)[1]), "country")
    error_message = "The new fields are rendered when set and left out when not."
  }
}

run "accepts_sixteen_subnets_for_an_existing_domain" {
  command = plan

  variables {
    create_opensearch_domain = false
    opensearch_domain_arn    = "arn:aws:es:us-east-1:123456789012:domain/existing"
    vpc_config = {
      subnet_ids         = [for i in range(16) : format("subnet-%08x", i)]
      security_group_ids = [for i in range(5) : format("sg-%08x", i)]
    }
  }

  assert {
    condition     = length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].vpc_config[0].subnet_ids) == 16 && length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].vpc_config[0].security_group_ids) == 5
    error_message = "Firehose accepts 16 subnets and 5 security groups."
  }
}

run "accepts_the_alarm_limits_cloudwatch_allows" {
  command = plan

  variables {
    create_alarms            = true
    alarm_sns_topic_arn      = "arn:aws:sns:us-east-1:123456789012:ctr-alarms"
    alarm_period_seconds     = 86400
    alarm_evaluation_periods = 7
    alarm_thresholds = {
      lambda_duration_percent = 99.5
      delivery_success        = 0.01
      data_freshness_seconds  = 86400
    }
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["data-freshness"].threshold == 86400 && aws_cloudwatch_metric_alarm.this["delivery-success"].threshold == 0.01 && aws_cloudwatch_metric_alarm.this["lambda-duration"].threshold == 59700
    error_message = "One day of data freshness, a 1 % delivery floor and 99.5 % of the timeout are valid thresholds."
  }
  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : a.period == 86400 && a.evaluation_periods == 7])
    error_message = "A one-day period over seven periods is the longest window CloudWatch allows."
  }
}

# --- Sources and destinations (issue 16): each refusal names the input to change ----------------------------------

run "rejects_non_ctr_policy_that_is_a_firehose_result" {
  command = plan

  variables {
    on_non_ctr_record = "Dropped"
  }

  expect_failures = [var.on_non_ctr_record]
}

run "rejects_kinesis_source_that_is_not_a_stream_arn" {
  command = plan

  variables {
    kinesis_source = { stream_arn = "arn:aws:firehose:us-east-1:123456789012:deliverystream/connect-ctr" }
  }

  expect_failures = [var.kinesis_source]
}

run "rejects_kinesis_source_of_another_account" {
  command = plan

  variables {
    kinesis_source = { stream_arn = "arn:aws:kinesis:us-east-1:210987654321:stream/connect-ctr" }
  }

  expect_failures = [var.kinesis_source]
}

run "rejects_kinesis_source_of_another_region" {
  command = plan

  variables {
    kinesis_source = { stream_arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/connect-ctr" }
  }

  expect_failures = [var.kinesis_source]
}

run "rejects_kinesis_source_key_given_as_an_alias" {
  command = plan

  variables {
    kinesis_source = {
      stream_arn  = "arn:aws:kinesis:us-east-1:123456789012:stream/connect-ctr"
      kms_key_arn = "arn:aws:kms:us-east-1:123456789012:alias/aws/kinesis"
    }
  }

  expect_failures = [var.kinesis_source]
}

run "rejects_kinesis_source_key_of_another_region" {
  command = plan

  variables {
    kinesis_source = {
      stream_arn  = "arn:aws:kinesis:us-east-1:123456789012:stream/connect-ctr"
      kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }

  expect_failures = [var.kinesis_source]
}

run "rejects_index_rotation_with_opensearch_serverless" {
  command = plan

  variables {
    destination           = "opensearchserverless"
    index_rotation_period = "OneHour"
  }

  expect_failures = [var.index_rotation_period]
}

run "rejects_no_document_id_with_opensearch_serverless" {
  command = plan

  variables {
    destination        = "opensearchserverless"
    document_id_format = "NO_DOCUMENT_ID"
  }

  expect_failures = [var.document_id_format]
}

run "rejects_domain_arn_with_opensearch_serverless" {
  command = plan

  variables {
    destination              = "opensearchserverless"
    create_opensearch_domain = false
    opensearch_domain_arn    = "arn:aws:es:us-east-1:123456789012:domain/ctr"
  }

  expect_failures = [var.opensearch_domain_arn]
}

run "rejects_collection_arn_with_a_domain_destination" {
  command = plan

  variables {
    opensearch_collection_arn = "arn:aws:aoss:us-east-1:123456789012:collection/abc123def456ghi"
  }

  expect_failures = [var.opensearch_collection_arn]
}

run "rejects_existing_collection_without_its_arn" {
  command = plan

  variables {
    destination                  = "opensearchserverless"
    create_opensearch_collection = false
  }

  expect_failures = [var.opensearch_collection_arn]
}

run "rejects_collection_arn_while_creating_a_collection" {
  command = plan

  variables {
    destination               = "opensearchserverless"
    opensearch_collection_arn = "arn:aws:aoss:us-east-1:123456789012:collection/abc123def456ghi"
  }

  expect_failures = [var.opensearch_collection_arn]
}

run "rejects_collection_of_another_account" {
  command = plan

  variables {
    destination                  = "opensearchserverless"
    create_opensearch_collection = false
    opensearch_collection_arn    = "arn:aws:aoss:us-east-1:210987654321:collection/abc123def456ghi"
  }

  expect_failures = [var.opensearch_collection_arn]
}

run "rejects_vector_search_collection" {
  command = plan

  variables {
    destination                = "opensearchserverless"
    opensearch_collection_type = "VECTORSEARCH"
  }

  expect_failures = [var.opensearch_collection_type]
}

run "rejects_retention_on_a_search_collection" {
  command = plan

  variables {
    destination                          = "opensearchserverless"
    opensearch_collection_type           = "SEARCH"
    opensearch_collection_retention_days = 30
  }

  expect_failures = [var.opensearch_collection_retention_days]
}

run "rejects_retention_with_a_domain" {
  command = plan

  variables {
    opensearch_collection_retention_days = 30
  }

  expect_failures = [var.opensearch_collection_retention_days]
}

run "rejects_retention_over_ten_years" {
  command = plan

  variables {
    destination                          = "opensearchserverless"
    opensearch_collection_retention_days = 3651
  }

  expect_failures = [var.opensearch_collection_retention_days]
}

run "rejects_public_collection_without_consent" {
  command = plan

  variables {
    destination                        = "opensearchserverless"
    opensearch_public_endpoint_enabled = false
  }

  expect_failures = [var.opensearch_public_endpoint_enabled]
}

run "rejects_network_ranges_for_a_collection" {
  command = plan

  variables {
    destination                    = "opensearchserverless"
    dashboards_allowed_cidr_blocks = ["203.0.113.0/24"]
  }

  expect_failures = [var.dashboards_allowed_cidr_blocks]
}

run "rejects_master_user_for_a_collection" {
  command = plan

  variables {
    destination                = "opensearchserverless"
    opensearch_master_user_arn = "arn:aws:iam::123456789012:role/search-admin"
  }

  expect_failures = [var.opensearch_master_user_arn]
}

run "rejects_more_subnets_than_a_collection_vpc_endpoint_takes" {
  command = plan

  variables {
    destination = "opensearchserverless"
    vpc_config = {
      subnet_ids             = [for i in range(7) : format("subnet-0123456789abcdef%d", i)]
      create_security_groups = true
    }
  }

  expect_failures = [var.vpc_config]
}

run "rejects_domain_of_another_account_without_the_cross_account_mode" {
  command = plan

  variables {
    create_opensearch_domain = false
    opensearch_domain_arn    = "arn:aws:es:us-east-1:210987654321:domain/analytics"
  }

  expect_failures = [var.opensearch_domain_arn]
}

run "rejects_cross_account_mode_without_an_endpoint" {
  command = plan

  variables {
    create_opensearch_domain                = false
    opensearch_domain_arn                   = "arn:aws:es:us-east-1:210987654321:domain/analytics"
    opensearch_domain_cross_account_enabled = true
  }

  expect_failures = [var.opensearch_domain_endpoint]
}

run "rejects_cross_account_mode_for_a_domain_of_this_account" {
  command = plan

  variables {
    create_opensearch_domain                = false
    opensearch_domain_arn                   = "arn:aws:es:us-east-1:123456789012:domain/analytics"
    opensearch_domain_endpoint              = "search-analytics-abc123.us-east-1.es.amazonaws.com"
    opensearch_domain_cross_account_enabled = true
  }

  expect_failures = [var.opensearch_domain_arn]
}

run "rejects_cross_account_mode_for_a_created_domain" {
  command = plan

  variables {
    opensearch_domain_cross_account_enabled = true
  }

  expect_failures = [var.opensearch_domain_cross_account_enabled]
}

run "rejects_cross_account_domain_in_another_region" {
  command = plan

  variables {
    create_opensearch_domain                = false
    opensearch_domain_arn                   = "arn:aws:es:eu-west-1:210987654321:domain/analytics"
    opensearch_domain_endpoint              = "search-analytics-abc123.eu-west-1.es.amazonaws.com"
    opensearch_domain_cross_account_enabled = true
  }

  expect_failures = [var.opensearch_domain_arn]
}

run "accepts_the_new_limits_aws_allows" {
  command = plan

  variables {
    destination                          = "opensearchserverless"
    name                                 = "a-name-of-twenty-eight-chars"
    opensearch_collection_retention_days = 3650
    vpc_config = {
      subnet_ids             = [for i in range(6) : format("subnet-0123456789abcdef%d", i)]
      create_security_groups = true
    }
    kinesis_source = {
      stream_arn  = "arn:aws:kinesis:us-east-1:123456789012:stream/${join("", [for i in range(128) : "s"])}"
      kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }

  assert {
    condition     = aws_opensearchserverless_collection.this[0].name == "a-name-of-twenty-eight-chars" && length(aws_opensearchserverless_vpc_endpoint.this[0].subnet_ids) == 6
    error_message = "A 28-character name is a valid collection and policy name, and a VPC endpoint takes 6 subnets."
  }
  assert {
    condition     = jsondecode(aws_opensearchserverless_lifecycle_policy.this[0].policy).Rules[0].MinIndexRetention == "3650d"
    error_message = "3650 days is the longest retention OpenSearch Serverless allows."
  }
}

run "rejects_principals_of_another_account_for_a_collection" {
  command = plan

  variables {
    destination                       = "opensearchserverless"
    dashboards_allowed_principal_arns = ["arn:aws:iam::210987654321:role/analyst"]
  }

  expect_failures = [var.dashboards_allowed_principal_arns]
}

run "rejects_vpc_endpoint_id_for_a_public_collection" {
  command = plan

  variables {
    destination                           = "opensearchserverless"
    opensearch_collection_vpc_endpoint_id = "vpce-0a1b2c3d4e5f60718"
  }

  expect_failures = [var.opensearch_collection_vpc_endpoint_id]
}
