"""Lines the test run prints in its terminal summary (tests/conftest.py `pytest_terminal_summary`)."""

from __future__ import annotations

LINES: list[str] = []


def add(*lines: str) -> None:
    LINES.extend(lines)
