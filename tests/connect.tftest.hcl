# Amazon Connect wiring: the instance's contact-trace-record streaming points at the module's delivery
# stream, and exists only when connect_instance_id is given. Mock values are applied during plan, so the
# stream's ARN is known and the wiring can be followed.

mock_provider "aws" {
  source          = "./tests/mocks/aws"
  override_during = plan
}

mock_provider "archive" {
  source = "./tests/mocks/archive"
}

override_resource {
  target          = aws_kinesis_firehose_delivery_stream.this
  override_during = plan
  values = {
    arn = "arn:aws:firehose:us-east-1:123456789012:deliverystream/ctr-enrichment"
  }
}

variables {
  opensearch_public_endpoint_enabled = true
}

run "no_connect_wiring_without_an_instance_id" {
  command = plan

  assert {
    condition     = length(aws_connect_instance_storage_config.ctr) == 0
    error_message = "Without connect_instance_id the module must leave Amazon Connect untouched."
  }
  assert {
    condition     = output.connect_instance_storage_config_association_id == null
    error_message = "Without connect_instance_id the association output must be null."
  }
}

run "contact_records_stream_into_the_delivery_stream" {
  command = plan

  variables {
    connect_instance_id = "5b4b2b1e-6f1c-4c8e-9d0a-2f6a7c1d3e55"
  }

  assert {
    condition     = length(aws_connect_instance_storage_config.ctr) == 1
    error_message = "connect_instance_id must create exactly one storage configuration."
  }
  assert {
    condition = {
      instance_id   = aws_connect_instance_storage_config.ctr[0].instance_id
      resource_type = aws_connect_instance_storage_config.ctr[0].resource_type
      storage_type  = aws_connect_instance_storage_config.ctr[0].storage_config[0].storage_type
      firehose_arn  = aws_connect_instance_storage_config.ctr[0].storage_config[0].kinesis_firehose_config[0].firehose_arn
      } == {
      instance_id   = "5b4b2b1e-6f1c-4c8e-9d0a-2f6a7c1d3e55"
      resource_type = "CONTACT_TRACE_RECORDS"
      storage_type  = "KINESIS_FIREHOSE"
      firehose_arn  = "arn:aws:firehose:us-east-1:123456789012:deliverystream/ctr-enrichment"
    }
    error_message = "The instance's contact trace records must stream (KINESIS_FIREHOSE) into the module's delivery stream."
  }
  assert {
    condition     = aws_connect_instance_storage_config.ctr[0].storage_config[0].kinesis_firehose_config[0].firehose_arn == aws_kinesis_firehose_delivery_stream.this.arn
    error_message = "The storage configuration must name the stream the module created, by its ARN."
  }
  assert {
    condition = (
      length(aws_connect_instance_storage_config.ctr[0].storage_config[0].kinesis_stream_config) == 0 &&
      length(aws_connect_instance_storage_config.ctr[0].storage_config[0].kinesis_video_stream_config) == 0 &&
      length(aws_connect_instance_storage_config.ctr[0].storage_config[0].s3_config) == 0
    )
    error_message = "Only the Firehose storage block may be set."
  }
  assert {
    condition     = output.connect_instance_storage_config_association_id == aws_connect_instance_storage_config.ctr[0].association_id && output.connect_instance_storage_config_association_id != null
    error_message = "The association ID must be an output."
  }
}

run "elasticsearch_destination_is_wired_the_same_way" {
  command = plan

  variables {
    connect_instance_id       = "5b4b2b1e-6f1c-4c8e-9d0a-2f6a7c1d3e55"
    destination               = "elasticsearch"
    opensearch_engine_version = "Elasticsearch_7.10"
  }

  assert {
    condition     = aws_connect_instance_storage_config.ctr[0].storage_config[0].kinesis_firehose_config[0].firehose_arn == aws_kinesis_firehose_delivery_stream.this.arn && length(aws_kinesis_firehose_delivery_stream.this.elasticsearch_configuration) == 1
    error_message = "Contact records must reach the stream whatever its destination."
  }
}
