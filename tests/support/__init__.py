"""What the tests share: fixtures' data, the checks every invocation gets, fault injection, Terraform runs.

Test modules import from here (and the function's harness from ``ctr_enrichment_tools.harness``), never from
one another or from ``conftest.py``, which only declares pytest fixtures.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EVENTS = REPO / "tests" / "events"
