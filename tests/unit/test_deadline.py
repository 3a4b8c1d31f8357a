"""The deadline keeps a safety margin out of Lambda's remaining time."""

from __future__ import annotations

import pytest

from ctr_enrichment.deadline import Deadline, safety_margin
from ctr_enrichment_tools.harness import LambdaContext


@pytest.mark.parametrize(("remaining", "margin"), [(0.5, 0.2), (5.0, 0.5), (60.0, 2.0), (0.0, 0.2)])
def test_the_margin_is_a_tenth_between_200_ms_and_2_s(remaining: float, margin: float) -> None:
    assert safety_margin(remaining) == pytest.approx(margin)


def test_the_deadline_comes_from_the_context_minus_the_margin() -> None:
    now = [100.0]
    deadline = Deadline.from_context(LambdaContext(remaining_ms=5_000), clock=lambda: now[0])
    assert deadline.remaining() == pytest.approx(4.5, abs=0.01)
    now[0] += 4.49
    assert not deadline.expired()
    now[0] += 0.02
    assert deadline.expired()
