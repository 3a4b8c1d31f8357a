"""Amazon Connect contact trace record (CTR) enrichment for Kinesis Data Firehose transformation."""
