"""Dotted paths read and write nested CTR fields without replacing non-object values."""

from __future__ import annotations

from ctr_enrichment.paths import get_path, set_path, target_state


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


def test_the_target_state_tells_absent_objects_values_and_blocked_paths_apart() -> None:
    document = {"Enrichment": "already a string", "Ok": {"Customer": {"Tier": "gold"}, "Text": "x", "Null": None}}
    assert target_state(document, ("Enrichment", "Customer")) == ("blocked", "already a string")
    assert target_state(document, ("Ok", "Customer")) == ("object", {"Tier": "gold"})
    assert target_state(document, ("Ok", "Text")) == ("value", "x")
    assert target_state(document, ("Ok", "Null")) == ("absent", None)
    assert target_state(document, ("Absent", "Customer")) == ("absent", None)
    assert target_state(document, ("Enrichment",)) == ("value", "already a string")
