"""The terminal: how wide it is, whether it can draw block characters, a progress bar, a closed pipe.

Standard library only: a carriage return and a redraw for the bar.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from typing import TextIO

from ctr_enrichment_tools.inputs import ReadProgress

# Wider than this, the chart's bars only get longer, not clearer.
MAX_COLUMNS = 100


def columns() -> int:
    """The terminal's width, at most ``MAX_COLUMNS`` (``MAX_COLUMNS`` when it is not a terminal)."""
    return min(MAX_COLUMNS, shutil.get_terminal_size((MAX_COLUMNS, 24)).columns)


def can_draw_blocks(stream: TextIO) -> bool:
    """Whether ``stream`` can encode the chart's block characters (not on an ASCII-only terminal)."""
    try:
        "█░".encode(stream.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def silence_closed_stdout() -> None:
    """After ``| head`` closed the pipe: send the rest to /dev/null so that exiting does not print a traceback."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


BAR_WIDTH = 28
# Short replays finish before this: no bar flashes past.
SHOW_AFTER_SECONDS = 0.5
REDRAW_EVERY_SECONDS = 0.1


class ProgressBar:
    """Draws ``████████░░░░  42%  12,345 records, 13 invocations`` over itself; ``clear`` before other output.

    ``progress`` says how far along the work is (bytes of input for a replay, items for a load); the caller
    passes the counts to show beside the bar.
    """

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

    def line(self, counts: str) -> str:
        total = self.progress.total_bytes
        if not total:
            return counts
        fraction = min(1.0, self.progress.done_bytes / total)
        filled = round(fraction * BAR_WIDTH)
        return f"{'█' * filled}{'░' * (BAR_WIDTH - filled)} {fraction:>4.0%}  {counts}"

    def update(self, counts: str) -> None:
        now = self._clock()
        if not self.enabled or now - self._started < self._show_after or now - self._last_draw < REDRAW_EVERY_SECONDS:
            return
        text = self.line(counts)
        self.stream.write("\r" + text + " " * max(0, self._drawn - len(text)))
        self.stream.flush()
        self._drawn = len(text)
        self._last_draw = now

    def clear(self) -> None:
        if self._drawn:
            self.stream.write("\r" + " " * self._drawn + "\r")
            self.stream.flush()
            self._drawn = 0
