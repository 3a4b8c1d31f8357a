"""The one exception the replay tools raise for a problem the user can fix."""

from __future__ import annotations


class ReplayError(Exception):
    """A fatal, expected problem (a missing file, no credentials, a missing table, bad rules).

    The command line prints its message as a single line and exits with status 1, never a traceback:
    the message must say what is wrong and, where it can, how to fix it.
    """
