locals {
  # With kms_key_arn the delivery stream is encrypted with that key, and since 2026-04-20 a new stream encrypted
  # with a customer managed key requires its PutRecord/PutRecordBatch callers to hold kms:GenerateDataKey and
  # kms:Decrypt on the key (AWS notice "Enhanced security controls for Amazon Data Firehose", quoted in
  # ministryofjustice/modernisation-platform#12957). The caller here is Amazon Connect, through its
  # service-linked role AWSServiceRoleForAmazonConnect_<unique-id> (path aws-service-role/connect.amazonaws.com/;
  # Amazon Connect Administrator Guide, "Use service-linked roles for Amazon Connect"). That role's policy is
  # AWS's, so the grant has to come from the key policy: this is the statement to add (output
  # connect_kms_key_policy_json). "_" ends the prefix so that AWSServiceRoleForAmazonConnectSynchronization_*
  # does not match; the account condition keeps the wildcard principal to this account.
  connect_kms_key_policy = var.kms_key_arn == null ? null : {
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
resource "aws_connect_instance_storage_config" "ctr" {
  #checkov:skip=CKV_AWS_269:The storage type is KINESIS_FIREHOSE, not a Kinesis video stream; the delivery stream itself is encrypted at rest (server_side_encryption, AWS owned key or kms_key_arn).
  #checkov:skip=CKV_AWS_270:The storage type is KINESIS_FIREHOSE, not S3; the delivery stream is encrypted at rest and its backup bucket uses SSE (SSE-KMS with kms_key_arn).
  count = var.connect_instance_id != null ? 1 : 0

  instance_id   = var.connect_instance_id
  resource_type = "CONTACT_TRACE_RECORDS"

  storage_config {
    storage_type = "KINESIS_FIREHOSE"

    kinesis_firehose_config {
      firehose_arn = aws_kinesis_firehose_delivery_stream.this.arn
    }
  }
}
