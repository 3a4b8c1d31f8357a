locals {
  # The key Amazon Connect encrypts with when it writes contact records: the delivery stream's (kms_key_arn) with
  # Direct PUT, the Kinesis data stream's (kinesis_source.kms_key_arn) with a Kinesis source.
  connect_kms_key_arn = local.kinesis_source_enabled ? try(var.kinesis_source.kms_key_arn, null) : var.kms_key_arn

  # With kms_key_arn the delivery stream is encrypted with that key, and since 2026-04-20 a new stream encrypted
  # with a customer managed key requires its PutRecord/PutRecordBatch callers to hold kms:GenerateDataKey and
  # kms:Decrypt on the key (AWS notice "Enhanced security controls for Amazon Data Firehose", quoted in
  # ministryofjustice/modernisation-platform#12957). The caller here is Amazon Connect, through its
  # service-linked role AWSServiceRoleForAmazonConnect_<unique-id> (path aws-service-role/connect.amazonaws.com/;
  # Amazon Connect Administrator Guide, "Use service-linked roles for Amazon Connect"). That role's policy is
  # AWS's, so the grant has to come from the key policy: this is the statement to add (output
  # connect_kms_key_policy_json). "_" ends the prefix so that AWSServiceRoleForAmazonConnectSynchronization_*
  # does not match; the account condition keeps the wildcard principal to this account.
  #
  # With a Kinesis data stream as source Amazon Connect writes to that stream instead: "Your Kinesis stream producers
  # must have the kms:GenerateDataKey permission", and Kinesis passes the stream ARN as encryption context (Kinesis
  # Data Streams Developer Guide, "Permissions to use user-generated KMS keys"), so the statement for the stream's
  # key grants only that, only through Kinesis, only for this stream.
  connect_kms_key_policy = local.connect_kms_key_arn == null ? null : local.kinesis_source_enabled ? {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AmazonConnectWritesToTheEncryptedKinesisStream"
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = ["kms:GenerateDataKey"]
      Resource  = "*"
      Condition = {
        StringEquals = {
          "aws:PrincipalAccount"                  = local.account_id
          "kms:ViaService"                        = "kinesis.${local.region}.${local.dns_suffix}"
          "kms:EncryptionContext:aws:kinesis:arn" = var.kinesis_source.stream_arn
        }
        ArnLike = { "aws:PrincipalArn" = "arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_*" }
      }
    }]
    } : {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AmazonConnectWritesToTheEncryptedDeliveryStream"
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource  = "*"
      Condition = {
        StringEquals = { "aws:PrincipalAccount" = local.account_id }
        ArnLike      = { "aws:PrincipalArn" = "arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_*" }
      }
    }]
  }
}

# Amazon Connect → Firehose: the instance's data streaming setting for contact trace records, the same
# association the console's "Data streaming" page makes. Amazon Connect then writes every contact record
# to the stream with its service-linked role (Connect adds the Firehose permissions to that role itself,
# as part of the association). The association has no tags: Amazon Connect does not tag it.
#
# With kinesis_source the same setting points at the Kinesis data stream instead (storage type KINESIS_STREAM, the
# console's "Kinesis Stream" choice), whose records the delivery stream reads. Leave connect_instance_id null when
# the instance already streams its contact records there (set up in the console, or by whoever owns the stream):
# the module then leaves Amazon Connect as it is.
resource "aws_connect_instance_storage_config" "ctr" {
  #checkov:skip=CKV_AWS_269:The storage type is KINESIS_FIREHOSE or KINESIS_STREAM, not a Kinesis video stream; the delivery stream is encrypted at rest (server_side_encryption, AWS owned key or kms_key_arn), a source Kinesis data stream by its own key.
  #checkov:skip=CKV_AWS_270:The storage type is KINESIS_FIREHOSE or KINESIS_STREAM, not S3; the delivery stream (or the source stream) is encrypted at rest and its backup bucket uses SSE (SSE-KMS with kms_key_arn).
  count = var.connect_instance_id != null ? 1 : 0

  instance_id   = var.connect_instance_id
  resource_type = "CONTACT_TRACE_RECORDS"

  storage_config {
    storage_type = local.kinesis_source_enabled ? "KINESIS_STREAM" : "KINESIS_FIREHOSE"

    dynamic "kinesis_firehose_config" {
      for_each = local.kinesis_source_enabled ? [] : [1]
      content {
        firehose_arn = aws_kinesis_firehose_delivery_stream.this.arn
      }
    }

    dynamic "kinesis_stream_config" {
      for_each = local.kinesis_source_enabled ? [var.kinesis_source.stream_arn] : []
      content {
        stream_arn = kinesis_stream_config.value
      }
    }
  }
}
