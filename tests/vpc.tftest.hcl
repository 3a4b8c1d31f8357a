# VPC delivery: Firehose's vpc_config, the domain's vpc_options and the security groups exist only with
# vpc_config, and they are wired to each other. (The EC2 permissions of the Firehose role are asserted on
# the rendered policy in iam.tftest.hcl.) Mock values are applied during plan; the two created groups get
# distinct IDs so that the tests can tell which group is used where.

mock_provider "aws" {
  source          = "./tests/mocks/aws"
  override_during = plan
}

mock_provider "archive" {
  source = "./tests/mocks/archive"
}

override_resource {
  target          = aws_security_group.firehose
  override_during = plan
  values = {
    id = "sg-0f1e0f1e0f1e0f1e0"
  }
}

override_resource {
  target          = aws_security_group.opensearch
  override_during = plan
  values = {
    id = "sg-0d0d0d0d0d0d0d0d0"
  }
}

variables {
  opensearch_public_endpoint_enabled = true
}

run "public_delivery_has_no_network_configuration" {
  command = plan

  assert {
    condition = {
      stream_vpc_config    = length(aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].vpc_config)
      domain_vpc_options   = length(aws_opensearch_domain.this[0].vpc_options)
      security_groups      = length(aws_security_group.firehose) + length(aws_security_group.opensearch)
      security_group_rules = length(aws_vpc_security_group_egress_rule.firehose_to_domain) + length(aws_vpc_security_group_ingress_rule.domain_from_firehose) + length(aws_vpc_security_group_ingress_rule.domain_from_networks)
      subnet_lookup        = length(data.aws_subnet.delivery)
      service_linked_role  = length(aws_iam_service_linked_role.opensearch)
      } == {
      stream_vpc_config    = 0
      domain_vpc_options   = 0
      security_groups      = 0
      security_group_rules = 0
      subnet_lookup        = 0
      service_linked_role  = 0
    }
    error_message = "Without vpc_config nothing network-related may be created."
  }
  assert {
    condition     = output.firehose_security_group_id == null && output.opensearch_security_group_id == null && output.opensearch_service_linked_role_arn == null
    error_message = "The security group and service-linked role outputs must be null when nothing was created."
  }
}

run "public_elasticsearch_delivery_has_no_network_configuration" {
  command = plan

  variables {
    destination               = "elasticsearch"
    opensearch_engine_version = "Elasticsearch_7.10"
  }

  assert {
    condition     = length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].vpc_config) == 0
    error_message = "Without vpc_config the Elasticsearch destination must deliver to the public endpoint."
  }
}

run "given_security_groups" {
  command = plan

  variables {
    opensearch_public_endpoint_enabled = false
    vpc_config = {
      subnet_ids         = ["subnet-0123456789abcdef0"]
      security_group_ids = ["sg-0123456789abcdef0", "sg-0123456789abcdef1"]
    }
  }

  assert {
    condition = {
      subnets         = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].vpc_config[0].subnet_ids
      security_groups = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].vpc_config[0].security_group_ids
      role_arn        = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].vpc_config[0].role_arn
      } == {
      subnets         = toset(["subnet-0123456789abcdef0"])
      security_groups = toset(["sg-0123456789abcdef0", "sg-0123456789abcdef1"])
      role_arn        = aws_iam_role.firehose.arn
    }
    error_message = "Firehose must deliver through the given subnets and security groups, with its delivery role."
  }
  assert {
    condition     = toset(aws_opensearch_domain.this[0].vpc_options[0].subnet_ids) == toset(["subnet-0123456789abcdef0"]) && toset(aws_opensearch_domain.this[0].vpc_options[0].security_group_ids) == toset(["sg-0123456789abcdef0", "sg-0123456789abcdef1"])
    error_message = "The created domain must go into the same subnets, with the same security groups."
  }
  assert {
    condition     = length(aws_security_group.firehose) == 0 && length(aws_security_group.opensearch) == 0 && length(data.aws_subnet.delivery) == 0
    error_message = "With given security groups the module must not create any."
  }
}

run "created_security_groups_allow_only_https_from_firehose_to_the_domain" {
  command = plan

  variables {
    opensearch_public_endpoint_enabled = false
    vpc_config = {
      subnet_ids             = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
      create_security_groups = true
    }
    dashboards_allowed_cidr_blocks     = ["10.20.0.0/16", "fd00:ec2::/64"]
    opensearch_availability_zone_count = 2
    opensearch_instance_count          = 2
    tags                               = { Team = "contact-centre" }
  }

  assert {
    condition     = data.aws_subnet.delivery[0].id == "subnet-0123456789abcdef0" && aws_security_group.firehose[0].vpc_id == "vpc-0123456789abcdef0" && aws_security_group.opensearch[0].vpc_id == "vpc-0123456789abcdef0"
    error_message = "Both security groups must be created in the VPC of the subnets."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].vpc_config[0].security_group_ids == toset(["sg-0f1e0f1e0f1e0f1e0"]) && aws_kinesis_firehose_delivery_stream.this.opensearch_configuration[0].vpc_config[0].subnet_ids == toset(var.vpc_config.subnet_ids)
    error_message = "Firehose's interfaces must use the Firehose security group, in the given subnets."
  }
  assert {
    condition     = aws_opensearch_domain.this[0].vpc_options[0].security_group_ids == toset(["sg-0d0d0d0d0d0d0d0d0"]) && aws_opensearch_domain.this[0].vpc_options[0].subnet_ids == toset(var.vpc_config.subnet_ids)
    error_message = "The domain must use the domain security group, in the same subnets."
  }
  # Each rule as "<group> <direction> <protocol>/<from>-<to> <peer>" (a missing peer prints as "-").
  assert {
    condition = [for rule in aws_vpc_security_group_egress_rule.firehose_to_domain : format("%s egress %s/%d-%d %s", rule.security_group_id, rule.ip_protocol, rule.from_port, rule.to_port, coalesce(rule.referenced_security_group_id, rule.cidr_ipv4, rule.cidr_ipv6, "-"))] == [
      "sg-0f1e0f1e0f1e0f1e0 egress tcp/443-443 sg-0d0d0d0d0d0d0d0d0",
    ]
    error_message = "The Firehose group's only egress must be HTTPS to the domain group."
  }
  assert {
    condition = sort(concat(
      [for rule in aws_vpc_security_group_ingress_rule.domain_from_firehose : format("%s ingress %s/%d-%d %s", rule.security_group_id, rule.ip_protocol, rule.from_port, rule.to_port, coalesce(rule.referenced_security_group_id, rule.cidr_ipv4, rule.cidr_ipv6, "-"))],
      [for rule in values(aws_vpc_security_group_ingress_rule.domain_from_networks) : format("%s ingress %s/%d-%d %s", rule.security_group_id, rule.ip_protocol, rule.from_port, rule.to_port, coalesce(rule.referenced_security_group_id, rule.cidr_ipv4, rule.cidr_ipv6, "-"))],
      )) == sort([
      "sg-0d0d0d0d0d0d0d0d0 ingress tcp/443-443 sg-0f1e0f1e0f1e0f1e0",
      "sg-0d0d0d0d0d0d0d0d0 ingress tcp/443-443 10.20.0.0/16",
      "sg-0d0d0d0d0d0d0d0d0 ingress tcp/443-443 fd00:ec2::/64",
    ])
    error_message = "The domain group must admit HTTPS from the Firehose group and from each allowed network (IPv4 and IPv6 in their own fields), and nothing else."
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.domain_from_networks["10.20.0.0/16"].cidr_ipv6 == null && aws_vpc_security_group_ingress_rule.domain_from_networks["fd00:ec2::/64"].cidr_ipv4 == null
    error_message = "An IPv4 network must not also be written as IPv6, nor the reverse."
  }
  assert {
    condition     = length(aws_security_group.firehose[0].ingress) == 0 && length(aws_security_group.firehose[0].egress) == 0 && length(aws_security_group.opensearch[0].ingress) == 0 && length(aws_security_group.opensearch[0].egress) == 0
    error_message = "The groups must carry no inline rules: every rule is one of the rule resources asserted above."
  }
  assert {
    condition     = output.firehose_security_group_id == "sg-0f1e0f1e0f1e0f1e0" && output.opensearch_security_group_id == "sg-0d0d0d0d0d0d0d0d0"
    error_message = "The created groups' IDs must be outputs."
  }
  assert {
    condition = (
      aws_security_group.firehose[0].tags == tomap({ Team = "contact-centre", Name = "ctr-enrichment-firehose" }) &&
      aws_security_group.opensearch[0].tags == tomap({ Team = "contact-centre", Name = "ctr-enrichment-opensearch" }) &&
      alltrue([for rule in concat(aws_vpc_security_group_egress_rule.firehose_to_domain, aws_vpc_security_group_ingress_rule.domain_from_firehose, values(aws_vpc_security_group_ingress_rule.domain_from_networks)) : rule.tags == tomap({ Team = "contact-centre" })])
    )
    error_message = "var.tags must reach the security groups (with a Name) and their rules."
  }
}

run "existing_vpc_domain_gets_only_firehose_vpc_delivery" {
  command = plan

  variables {
    opensearch_public_endpoint_enabled = false
    create_opensearch_domain           = false
    opensearch_domain_arn              = "arn:aws:es:us-east-1:123456789012:domain/existing"
    destination                        = "elasticsearch"
    vpc_config = {
      subnet_ids         = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2", "subnet-0123456789abcdef3"]
      security_group_ids = ["sg-0123456789abcdef0"]
    }
  }

  assert {
    condition     = length(aws_opensearch_domain.this) == 0 && length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].vpc_config) == 1
    error_message = "With an existing domain only Firehose gets VPC delivery."
  }
  assert {
    condition     = length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].vpc_config[0].subnet_ids) == 4 && aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration[0].vpc_config[0].security_group_ids == toset(["sg-0123456789abcdef0"])
    error_message = "Firehose may use more subnets than a created domain would (one per zone does not apply to an existing domain)."
  }
}

run "service_linked_role_on_request" {
  command = plan

  variables {
    opensearch_public_endpoint_enabled    = false
    create_opensearch_service_linked_role = true
    vpc_config                            = { subnet_ids = ["subnet-0123456789abcdef0"], create_security_groups = true }
    tags                                  = { Team = "contact-centre" }
  }

  assert {
    condition     = aws_iam_service_linked_role.opensearch[0].aws_service_name == "opensearchservice.amazonaws.com" && aws_iam_service_linked_role.opensearch[0].tags == tomap({ Team = "contact-centre" })
    error_message = "The OpenSearch service-linked role must be for opensearchservice.amazonaws.com, tagged."
  }
  assert {
    condition     = output.opensearch_service_linked_role_arn == aws_iam_service_linked_role.opensearch[0].arn
    error_message = "The service-linked role's ARN must be an output."
  }
}
