resource "aws_s3_bucket" "backup" {
  #checkov:skip=CKV_AWS_18:Server access logging needs a second bucket to log into; this bucket only receives Firehose backups (public access blocked, TLS-only policy) and CloudTrail data events cover object-level access where an audit trail is required.
  #checkov:skip=CKV_AWS_144:Cross-region replication needs a second bucket in a second Region; the bucket holds documents Firehose could not deliver (or a copy of all of them), which expire after backup_expiration_days.
  #checkov:skip=CKV2_AWS_62:Nothing in the pipeline consumes notifications for backed-up documents; Firehose reports failed deliveries in its CloudWatch metrics and error log group.
  count = var.create_backup_bucket ? 1 : 0

  bucket        = local.backup_bucket_name
  force_destroy = var.backup_bucket_force_destroy_enabled

  tags = var.tags
}

resource "aws_s3_bucket_ownership_controls" "backup" {
  count = var.create_backup_bucket ? 1 : 0

  bucket = aws_s3_bucket.backup[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "backup" {
  count = var.create_backup_bucket ? 1 : 0

  bucket                  = aws_s3_bucket.backup[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "backup" {
  count = var.create_backup_bucket ? 1 : 0

  bucket = aws_s3_bucket.backup[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn != null ? "aws:kms" : "AES256"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null
  }
}

resource "aws_s3_bucket_versioning" "backup" {
  count = var.create_backup_bucket ? 1 : 0

  bucket = aws_s3_bucket.backup[0].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "backup" {
  count = var.create_backup_bucket ? 1 : 0

  bucket = aws_s3_bucket.backup[0].id

  rule {
    id     = "expire-backups"
    status = "Enabled"

    filter {}

    expiration {
      days = var.backup_expiration_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 1
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.backup]
}

resource "aws_s3_bucket_policy" "backup" {
  count = var.create_backup_bucket ? 1 : 0

  bucket = aws_s3_bucket.backup[0].id
  policy = data.aws_iam_policy_document.backup_bucket[0].json

  depends_on = [aws_s3_bucket_public_access_block.backup]
}
