variable "region" {
  description = "AWS Region to deploy the example into (one where OpenSearch Serverless is available)."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS Region code such as us-east-1."
  }
}

variable "name" {
  description = "Name prefix for everything the example creates, and the collection's name (3-28 characters of a-z, 0-9 and '-')."
  type        = string
  default     = "ctr-aoss"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,26}[a-z0-9]$", var.name))
    error_message = "name must be 3-28 characters of a-z, 0-9 and '-', start with a letter and not end with '-'."
  }
}

variable "dashboards_allowed_principal_arns" {
  description = "IAM roles or users of the analysts, admitted by the collection's data access policy (they also need aoss:APIAccessAll and aoss:DashboardsAccessAll in their own IAM policies)."
  type        = list(string)
  default     = []
}

variable "retention_days" {
  description = "Days the collection keeps each contact trace record (1-3650), or null to keep them indefinitely."
  type        = number
  default     = 400
}

variable "standby_replicas_enabled" {
  description = "Standby replicas in a second Availability Zone (true for production; false halves the minimum OCUs billed)."
  type        = bool
  default     = false
}

variable "connect_instance_id" {
  description = "ID of the Amazon Connect instance whose contact records should stream into Firehose, or null to wire Amazon Connect yourself."
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
