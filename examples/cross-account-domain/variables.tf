variable "region" {
  description = "AWS Region of both halves: the delivery stream delivers to a domain in its own Region."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS Region code such as us-east-1."
  }
}

variable "name" {
  description = "Name prefix for everything the example creates in the contact-centre account (3-28 characters of a-z, 0-9 and '-')."
  type        = string
  default     = "ctr-central"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,26}[a-z0-9]$", var.name))
    error_message = "name must be 3-28 characters of a-z, 0-9 and '-', start with a letter and not end with '-'."
  }
}

variable "analytics_role_arn" {
  description = "Role in the analytics account that Terraform assumes to read and update the domain's access policy (es:DescribeDomain, es:DescribeDomainConfig, es:UpdateDomainConfig on the domain)."
  type        = string
}

variable "analytics_domain_arn" {
  description = "ARN of the analytics account's OpenSearch Service domain, such as arn:aws:es:us-east-1:210987654321:domain/analytics."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:es:[a-z0-9-]+:[0-9]{12}:domain/[a-z][a-z0-9-]{2,27}$", var.analytics_domain_arn))
    error_message = "analytics_domain_arn must be a domain ARN such as arn:aws:es:us-east-1:210987654321:domain/analytics."
  }
}

variable "analytics_domain_endpoint" {
  description = "Endpoint host of that domain (its `endpoint`, no https://), such as search-analytics-abc123.us-east-1.es.amazonaws.com."
  type        = string
}

variable "manage_analytics_domain_policy" {
  description = "Whether this configuration adds the Firehose statement to the domain's access policy (true), or the analytics account's own team applies the firehose_domain_access_policy_json output (false)."
  type        = bool
  default     = true
}

variable "connect_instance_id" {
  description = "ID of the Amazon Connect instance whose contact records should stream into Firehose, or null to wire Amazon Connect yourself."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource the example creates in the contact-centre account."
  type        = map(string)
  default = {
    Project = "ctr-enrichment-example"
  }
}
