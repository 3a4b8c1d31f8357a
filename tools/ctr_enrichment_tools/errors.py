"""The exceptions the tools raise for a problem the user can fix; the command line prints them as one line."""

from __future__ import annotations


class ToolError(Exception):
    """A fatal, expected problem: the command line prints its message as a single line, never a traceback, and
    exits with ``exit_status``. The message must say what is wrong and, where it can, how to fix it."""

    exit_status = 1


class ReplayError(ToolError):
    """The replay cannot go on: a missing file, no credentials, a missing table, bad rules."""


class SetupError(ToolError):
    """An OpenSearch request failed, or the domain cannot do what was asked."""


class UsageError(SetupError):
    """The options contradict each other or the domain."""

    exit_status = 2
