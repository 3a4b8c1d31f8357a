"""Dotted-path access into JSON documents (``CustomerEndpoint.Address``)."""

from __future__ import annotations

from typing import Any

Path = tuple[str, ...]


def get_path(document: dict[str, Any], path: Path) -> Any:
    """The value at ``path``, or None when any step is missing or is not an object."""
    node: Any = document
    for segment in path:
        if not isinstance(node, dict):
            return None
        node = node.get(segment)
    return node


def is_writable(document: dict[str, Any], path: Path) -> bool:
    """True when ``set_path`` can write ``path`` without replacing a non-object value on the way."""
    node: Any = document
    for segment in path[:-1]:
        node = node.get(segment)
        if node is None:
            return True
        if not isinstance(node, dict):
            return False
    return True


def set_path(document: dict[str, Any], path: Path, value: Any) -> None:
    """Write ``value`` at ``path``, creating intermediate objects; callers check ``is_writable`` first."""
    node = document
    for segment in path[:-1]:
        child = node.get(segment)
        if child is None:
            child = node[segment] = {}
        node = child
    node[path[-1]] = value
