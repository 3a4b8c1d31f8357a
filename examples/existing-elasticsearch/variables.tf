variable "region" {
  description = "AWS Region of the Elasticsearch domain, the lookup table and the Amazon Connect instance."
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
  default     = "ctr-legacy"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,26}[a-z0-9]$", var.name))
    error_message = "name must be 3-28 characters of a-z, 0-9 and '-', start with a letter and not end with '-'."
  }
}

variable "lookup_table_arn" {
  description = "ARN of the existing DynamoDB table of customers (in region), keyed by phone number in canonical form (for example +81312345678)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$", var.lookup_table_arn))
    error_message = "lookup_table_arn must be a DynamoDB table ARN such as arn:aws:dynamodb:us-east-1:123456789012:table/contact-centre-customers."
  }
}

variable "lookup_table_hash_key" {
  description = "Partition key attribute of that table (type S)."
  type        = string
  default     = "number"
}

variable "customer_attributes" {
  description = "Table attributes to copy under Customer, as output name => table attribute; null copies every attribute but the key. Keep CompanyName for the \"calls by company\" dashboard."
  type        = map(string)
  default = {
    CompanyName = "company_name"
  }
}

variable "elasticsearch_domain_arn" {
  description = "ARN of the existing Elasticsearch domain, for example arn:aws:es:us-east-1:123456789012:domain/contact-centre."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:es:[a-z0-9-]+:[0-9]{12}:domain/[a-z][a-z0-9-]{2,27}$", var.elasticsearch_domain_arn))
    error_message = "elasticsearch_domain_arn must be a domain ARN such as arn:aws:es:us-east-1:123456789012:domain/contact-centre."
  }
}

variable "elasticsearch_domain_endpoint" {
  description = "Endpoint host of that domain, for example search-contact-centre-abc123.us-east-1.es.amazonaws.com (no https://)."
  type        = string
}

variable "elasticsearch_type_name" {
  description = "Document type for an Elasticsearch 6.x domain (for example \"_doc\"); null for Elasticsearch 7.x."
  type        = string
  default     = null
}

variable "index_name" {
  description = "Index the documents go to (Firehose appends the day: ctr-2026-11-20)."
  type        = string
  default     = "ctr"
}

variable "connect_instance_id" {
  description = "ID of the Amazon Connect instance whose contact records should stream into Firehose, or null to wire Amazon Connect yourself."
  type        = string
  default     = null
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
