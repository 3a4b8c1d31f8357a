# The source: Direct PUT (the default) or an existing Kinesis data stream (kinesis_source). With a Kinesis source
# the delivery stream reads the stream with its own role and has no server-side encryption block (the provider
# refuses it together with kinesis_source_configuration); Amazon Connect's contact records go to the Kinesis stream;
# the key-policy output names the stream's key. (The Firehose role's statements are in iam.tftest.hcl.)

mock_provider "aws" {
  source          = "./tests/mocks/aws"
  override_during = plan
}

mock_provider "archive" {
  source = "./tests/mocks/archive"
}

variables {
  opensearch_public_endpoint_enabled = true
}

run "direct_put_by_default" {
  command = plan

  variables {
    connect_instance_id = "5b4b2b1e-6f1c-4c8e-9d0a-2f6a7c1d3e55"
  }

  assert {
    condition     = length(aws_kinesis_firehose_delivery_stream.this.kinesis_source_configuration) == 0 && length(aws_kinesis_firehose_delivery_stream.this.server_side_encryption) == 1
    error_message = "By default the stream is Direct PUT and encrypts what it holds."
  }
  assert {
    condition     = aws_connect_instance_storage_config.ctr[0].storage_config[0].storage_type == "KINESIS_FIREHOSE" && length(aws_connect_instance_storage_config.ctr[0].storage_config[0].kinesis_stream_config) == 0
    error_message = "With Direct PUT, Amazon Connect must stream into the delivery stream."
  }
}

run "kinesis_source_reads_the_stream_without_server_side_encryption" {
  command = plan

  variables {
    kinesis_source = {
      stream_arn  = "arn:aws:kinesis:us-east-1:123456789012:stream/connect-ctr"
      kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.kinesis_source_configuration[0].kinesis_stream_arn == "arn:aws:kinesis:us-east-1:123456789012:stream/connect-ctr"
    error_message = "The delivery stream must read the given Kinesis data stream."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.kinesis_source_configuration[0].role_arn == aws_iam_role.firehose.arn
    error_message = "Firehose must read the stream with the delivery role, which holds the kinesis: permissions."
  }
  assert {
    condition     = length(aws_kinesis_firehose_delivery_stream.this.server_side_encryption) == 0
    error_message = "With a Kinesis source there must be no server_side_encryption block, even with kms_key_arn: the provider refuses it (ConflictsWith) and the stream's own encryption applies."
  }
  assert {
    condition     = aws_opensearch_domain.this[0].encrypt_at_rest[0].kms_key_id == "arn:aws:kms:us-east-1:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab"
    error_message = "kms_key_arn must still encrypt everything else the module creates."
  }
}

run "connect_streams_into_the_kinesis_stream" {
  command = plan

  variables {
    kinesis_source      = { stream_arn = "arn:aws:kinesis:us-east-1:123456789012:stream/connect-ctr" }
    connect_instance_id = "5b4b2b1e-6f1c-4c8e-9d0a-2f6a7c1d3e55"
  }

  assert {
    condition     = aws_connect_instance_storage_config.ctr[0].resource_type == "CONTACT_TRACE_RECORDS" && aws_connect_instance_storage_config.ctr[0].storage_config[0].storage_type == "KINESIS_STREAM"
    error_message = "With a Kinesis source, Amazon Connect must stream its contact records to a Kinesis stream."
  }
  assert {
    condition     = aws_connect_instance_storage_config.ctr[0].storage_config[0].kinesis_stream_config[0].stream_arn == "arn:aws:kinesis:us-east-1:123456789012:stream/connect-ctr" && length(aws_connect_instance_storage_config.ctr[0].storage_config[0].kinesis_firehose_config) == 0
    error_message = "Amazon Connect must write to the source stream, not to the delivery stream (whose PutRecord is disabled with a Kinesis source)."
  }
  assert {
    condition     = output.connect_kms_key_policy_json == null
    error_message = "An unencrypted stream (or one with the AWS managed key) needs no key policy statement."
  }
}

run "kinesis_source_leaves_connect_alone_without_an_instance_id" {
  command = plan

  variables {
    kinesis_source = { stream_arn = "arn:aws:kinesis:us-east-1:123456789012:stream/connect-ctr" }
  }

  assert {
    condition     = length(aws_connect_instance_storage_config.ctr) == 0
    error_message = "Without connect_instance_id (the stream already receives the contact records) the module must leave Amazon Connect alone."
  }
}

run "connect_key_policy_names_the_stream_key_with_a_kinesis_source" {
  command = plan

  variables {
    kinesis_source = {
      stream_arn  = "arn:aws:kinesis:us-east-1:123456789012:stream/connect-ctr"
      kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = jsondecode(output.connect_kms_key_policy_json).Statement[0].Action == ["kms:GenerateDataKey"]
    error_message = "Amazon Connect produces into the stream: kms:GenerateDataKey is what Kinesis requires of producers."
  }
  assert {
    condition = jsondecode(output.connect_kms_key_policy_json).Statement[0].Condition.StringEquals == {
      "aws:PrincipalAccount"                  = "123456789012"
      "kms:ViaService"                        = "kinesis.us-east-1.amazonaws.com"
      "kms:EncryptionContext:aws:kinesis:arn" = "arn:aws:kinesis:us-east-1:123456789012:stream/connect-ctr"
    }
    error_message = "The statement for the stream's key must hold only through Kinesis, for this stream, in this account."
  }
}

run "non_ctr_policy_is_rendered_only_off_its_default" {
  command = plan

  assert {
    condition     = !contains(keys(aws_lambda_function.this.environment[0].variables), "ON_NON_CTR_RECORD")
    error_message = "The default (deliver_unenriched, the function's own default) must not spend environment bytes."
  }
}

run "non_ctr_policy_reaches_the_function" {
  command = plan

  variables {
    on_non_ctr_record = "drop"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["ON_NON_CTR_RECORD"] == "drop"
    error_message = "on_non_ctr_record must reach the function as ON_NON_CTR_RECORD."
  }
}
