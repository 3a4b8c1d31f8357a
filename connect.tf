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
