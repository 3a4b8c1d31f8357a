variable "region" {
  description = "AWS Region to deploy the example into (the Amazon Connect instance must stream from the same Region)."
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
  default     = "ctr-demo"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,26}[a-z0-9]$", var.name))
    error_message = "name must be 3-28 characters of a-z, 0-9 and '-', start with a letter and not end with '-'."
  }
}

variable "dashboards_allowed_cidr_blocks" {
  description = "Your public IP range(s), for example [\"203.0.113.7/32\"]: the only networks that may open OpenSearch Dashboards."
  type        = list(string)

  validation {
    condition     = length(var.dashboards_allowed_cidr_blocks) > 0 && alltrue([for c in var.dashboards_allowed_cidr_blocks : can(cidrhost(c, 0)) && !contains(["0.0.0.0/0", "::/0"], c)])
    error_message = "dashboards_allowed_cidr_blocks must hold at least one CIDR block such as 203.0.113.7/32 (not 0.0.0.0/0)."
  }
}

variable "tags" {
  description = "Tags added to every resource the example creates."
  type        = map(string)
  default = {
    Project = "ctr-enrichment-example"
  }
}
