"""Developer tools around the enrichment Lambda: a local DynamoDB-compatible server, replays, the demo."""
