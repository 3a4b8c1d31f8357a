"""Temporary changes to ``os.environ``, undone on the way out even when the body raises."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager


@contextmanager
def patched_environ(changes: Mapping[str, str | None]) -> Iterator[None]:
    """Set each variable to its value (None: unset it) for the duration of the block.

    The handler reads its configuration from the environment at import, and boto3 reads the endpoint,
    region and credentials from it when the client is made, so the replay has to configure the process
    the way Lambda does, and put everything back afterwards for the caller (a test, the demo).
    """
    saved = {name: os.environ.get(name) for name in changes}
    try:
        for name, value in changes.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
