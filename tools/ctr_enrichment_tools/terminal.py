"""A one-line progress bar on stderr for long replays (stdlib only: a carriage return and a redraw)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

from ctr_enrichment_tools.inputs import ReadProgress

BAR_WIDTH = 28
# Short replays finish before this: no bar flashes past.
SHOW_AFTER_SECONDS = 0.5
REDRAW_EVERY_SECONDS = 0.1


class ProgressBar:
    """Draws ``████████░░░░  42%  12,345 records, 13 invocations`` over itself; ``clear`` before other output."""

    def __init__(
        self,
        stream: TextIO,
        progress: ReadProgress,
        *,
        enabled: bool,
        clock: Callable[[], float] = time.monotonic,
        show_after: float = SHOW_AFTER_SECONDS,
    ) -> None:
        self.stream = stream
        self.progress = progress
        self.enabled = enabled
        self._clock = clock
        self._started = clock()
        self._show_after = show_after
        self._last_draw = float("-inf")
        self._drawn = 0  # characters on the line now

    def line(self, records: int, invocations: int) -> str:
        counts = f"{records:,} records, {invocations:,} invocations"
        total = self.progress.total_bytes
        if not total:
            return counts
        fraction = min(1.0, self.progress.done_bytes / total)
        filled = round(fraction * BAR_WIDTH)
        return f"{'█' * filled}{'░' * (BAR_WIDTH - filled)} {fraction:>4.0%}  {counts}"

    def update(self, records: int, invocations: int) -> None:
        now = self._clock()
        if not self.enabled or now - self._started < self._show_after or now - self._last_draw < REDRAW_EVERY_SECONDS:
            return
        text = self.line(records, invocations)
        self.stream.write("\r" + text + " " * max(0, self._drawn - len(text)))
        self.stream.flush()
        self._drawn = len(text)
        self._last_draw = now

    def clear(self) -> None:
        if self._drawn:
            self.stream.write("\r" + " " * self._drawn + "\r")
            self.stream.flush()
            self._drawn = 0
