variable "region" {
  description = "AWS Region of the VPC and the Amazon Connect instance."
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
  default     = "ctr-vpc"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,26}[a-z0-9]$", var.name))
    error_message = "name must be 3-28 characters of a-z, 0-9 and '-', start with a letter and not end with '-'."
  }
}

variable "subnet_ids" {
  description = "One to three private subnets of your VPC, each in its own Availability Zone: the domain gets one node in each, and Firehose its network interfaces."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1 && length(var.subnet_ids) <= 3
    error_message = "subnet_ids must hold 1 to 3 subnet IDs, one per Availability Zone."
  }
}

variable "connect_instance_id" {
  description = "ID of the Amazon Connect instance (the UUID at the end of its ARN) whose contact records stream into the pipeline."
  type        = string
}

variable "dashboards_allowed_cidr_blocks" {
  description = "Networks inside or connected to the VPC (VPN, bastion) that may reach the domain on 443: OpenSearch Dashboards and ctr-enrichment opensearch-setup run from there."
  type        = list(string)
  default     = []
}

variable "dashboards_allowed_principal_arns" {
  description = "IAM roles or users allowed to use the domain (OpenSearch Dashboards, and applying the index template and saved objects)."
  type        = list(string)
  default     = []
}

variable "create_opensearch_service_linked_role" {
  description = "Create the OpenSearch service-linked role (AWSServiceRoleForAmazonOpenSearchService); only when the account has none yet."
  type        = bool
  default     = false
}

variable "alarm_sns_topic_arn" {
  description = "SNS topic for the pipeline's alarms, or null for no alarms."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource the example creates."
  type        = map(string)
  default = {
    Project = "ctr-enrichment-example"
  }
}
