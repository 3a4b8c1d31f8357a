"""AWS Lambda entry point for the Firehose data transformation.

The configuration is read and validated at import, i.e. during Lambda's INIT phase, so a bad deployment
fails before it touches a single record; the DynamoDB client is built there too, outside any invocation's
timeout. Everything else lives in the modules beside this one.
"""

from __future__ import annotations

import os
from typing import Any

from ctr_enrichment.config import ConfigError, load_settings
from ctr_enrichment.logs import JsonLogger
from ctr_enrichment.outcomes import LogMessage
from ctr_enrichment.pipeline import Enricher

try:
    ENRICHER = Enricher(load_settings(os.environ))
except ConfigError as error:
    JsonLogger().error(LogMessage.INVALID_CONFIGURATION, error=str(error))
    raise


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return ENRICHER.handle(event, context)
