variable "region" {
  description = "AWS Region of the Kinesis data stream, the Amazon Connect instance and the subnets."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS Region code such as us-east-1."
  }
}

variable "name" {
  description = "Name prefix for everything the example creates (3-28 characters of a-z, 0-9 and '-')."
  type        = string
  default     = "ctr-stream"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,26}[a-z0-9]$", var.name))
    error_message = "name must be 3-28 characters of a-z, 0-9 and '-', start with a letter and not end with '-'."
  }
}

variable "kinesis_stream_arn" {
  description = "ARN of the existing Kinesis data stream that receives the contact trace records, in region and in this account."
  type        = string
}

variable "kinesis_stream_kms_key_arn" {
  description = "ARN of the customer managed KMS key that encrypts the stream (its StreamDescription.KeyId), or null for an unencrypted stream or the AWS managed key alias/aws/kinesis."
  type        = string
  default     = null
}

variable "connect_instance_id" {
  description = "ID of the Amazon Connect instance to stream contact records into the Kinesis stream, or null when it already does."
  type        = string
  default     = null
}

variable "on_non_ctr_record" {
  description = "What happens to records on the stream that are not contact trace records, such as agent events: deliver_unenriched, drop or processing_failed."
  type        = string
  default     = "drop"
}

variable "subnet_ids" {
  description = "Subnets for the domain and Firehose's network interfaces, one per Availability Zone (1 to 3)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1 && length(var.subnet_ids) <= 3
    error_message = "subnet_ids must hold one to three subnets, one per Availability Zone."
  }
}

variable "dashboards_allowed_cidr_blocks" {
  description = "Networks inside the VPC (your VPN or bastion) that may reach the domain on 443."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to every resource the example creates."
  type        = map(string)
  default = {
    Project = "ctr-enrichment-example"
  }
}
