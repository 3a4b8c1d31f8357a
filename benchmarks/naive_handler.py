"""The baseline: the well-known hand-written transformation function, one GetItem per record in sequence.

It is kept as written in the blueprints (default boto3 client, overwrite the caller number with the company
name) except that an unknown caller does not crash the batch, so that it can be timed at all.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import boto3

TABLE = "ctr-customers"
_client: Any = None


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global _client  # noqa: PLW0603 - as in the original
    if _client is None:
        _client = boto3.client("dynamodb")
    output = []
    for record in event["records"]:
        ctr = json.loads(base64.b64decode(record["data"]))
        endpoint = ctr.get("CustomerEndpoint") or {}
        number = endpoint.get("Address")
        if number:
            item = _client.get_item(TableName=TABLE, Key={"number": {"S": number}}).get("Item")
            if item:
                ctr["CustomerEndpoint"]["Address"] = item["契約者会社名"]["S"]
        data = base64.b64encode(json.dumps(ctr).encode("utf-8")).decode("utf-8")
        output.append({"recordId": record["recordId"], "result": "Ok", "data": data})
    return {"records": output}
