"""Dotted paths read and write nested CTR fields without replacing non-object values."""

from __future__ import annotations

from ctr_enrichment.paths import get_path, is_writable, set_path


def test_get_path_reads_nested_values_and_returns_none_for_missing_or_non_object_steps() -> None:
    document = {"CustomerEndpoint": {"Address": "+81312345678"}, "Queue": None, "Name": "x"}
    assert get_path(document, ("CustomerEndpoint", "Address")) == "+81312345678"
    assert get_path(document, ("Queue", "Name")) is None
    assert get_path(document, ("Name", "First")) is None
    assert get_path(document, ("Missing",)) is None


def test_set_path_creates_missing_and_null_intermediate_objects() -> None:
    document = {"Enrichment": None}
    set_path(document, ("Enrichment", "Customer", "Company"), "Acme")
    set_path(document, ("Top",), 1)
    assert document == {"Enrichment": {"Customer": {"Company": "Acme"}}, "Top": 1}


def test_a_path_through_a_non_object_value_is_not_writable() -> None:
    document = {"Enrichment": "already a string", "Ok": {}}
    assert not is_writable(document, ("Enrichment", "Customer"))
    assert is_writable(document, ("Ok", "Customer"))
    assert is_writable(document, ("Absent", "Customer"))
    assert is_writable(document, ("Enrichment",))
