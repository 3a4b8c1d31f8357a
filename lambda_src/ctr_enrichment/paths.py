"""Dotted-path access into JSON documents (``CustomerEndpoint.Address``)."""

from __future__ import annotations

from typing import Any, Literal

Path = tuple[str, ...]


def get_path(document: dict[str, Any], path: Path) -> Any:
    """The value at ``path``, or None when any step is missing or is not an object."""
    node: Any = document
    for segment in path:
        if not isinstance(node, dict):
            return None
        node = node.get(segment)
    return node


TargetState = Literal["absent", "object", "value", "blocked"]


def target_state(document: dict[str, Any], path: Path) -> tuple[TargetState, Any]:
    """What is at ``path`` now, and it: nothing (missing or null), an object, another value, or ``blocked``
    when a step on the way is a value that is not an object (writing would have to replace it)."""
    node: Any = document
    for segment in path[:-1]:
        node = node.get(segment)
        if node is None:
            return "absent", None
        if not isinstance(node, dict):
            return "blocked", node
    value = node.get(path[-1])
    if value is None:
        return "absent", None
    return ("object" if isinstance(value, dict) else "value"), value


def set_path(document: dict[str, Any], path: Path, value: Any) -> None:
    """Write ``value`` at ``path``, creating intermediate objects; callers check ``target_state`` first."""
    node = document
    for segment in path[:-1]:
        child = node.get(segment)
        if child is None:
            child = node[segment] = {}
        node = child
    node[path[-1]] = value
