"""What counts as one call: the one definition the replay, the demo and the index side share.

A transfer or a consult makes one contact trace record per leg, each with its own ``ContactId`` and the first
leg's ID in ``InitialContactId``; Amazon Connect delivers a record again (same ``ContactId``) whenever the
contact changes. A call is therefore ``InitialContactId`` where present, else ``ContactId``: the ingest pipeline
writes it as ``ContactKey`` (opensearch_assets/one-document-per-contact.painless, with this very test: a string
``ContactId``, and ``InitialContactId`` when it is a string) and every Dashboards chart counts distinct
``ContactKey``; the replay's and the demo's charts count the same.
"""

from __future__ import annotations

from typing import Any

from ctr_enrichment.records import is_contact_record

# The field the ingest pipeline adds, and every chart on the domain counts distinct values of.
CONTACT_KEY = "ContactKey"


def contact_key(document: Any) -> str | None:
    """The call a contact record belongs to, or None when the document is not a contact record."""
    # The function's own test (ON_NON_CTR_RECORD): a non-empty string ContactId at the top.
    if not isinstance(document, dict) or not is_contact_record(document):
        return None
    initial = document.get("InitialContactId")
    return initial if isinstance(initial, str) else document["ContactId"]
