"""The CTR fixtures in tests/events/, the customer table they are enriched from, and CTRs made to order."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.support import EVENTS

CUSTOMER_TABLE = "ctr-customers"
CTR_FIXTURES = (
    "ctr_inbound_voice",
    "ctr_outbound_voice",
    "ctr_transfer",
    "ctr_callback",
    "ctr_chat",
    "ctr_task",
    "ctr_email",
)
CUSTOMER_RULE: dict[str, Any] = {
    "name": "customer",
    "source": "CustomerEndpoint.Address",
    "table": CUSTOMER_TABLE,
    "key": "number",
    "attributes": {"CompanyName": "契約者会社名", "Tier": "Tier"},
    "target": "Customer",
    "normalize": "phone",
}


def load_json(name: str) -> Any:
    return json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))


def caller(number: str | None, **extra: Any) -> dict[str, Any]:
    """A minimal voice CTR from ``number`` (None: a contact without a customer endpoint, like a chat)."""
    endpoint = None if number is None else {"Address": number, "Type": "TELEPHONE_NUMBER"}
    return {"ContactId": str(uuid.uuid4()), "Channel": "VOICE", "CustomerEndpoint": endpoint, **extra}
