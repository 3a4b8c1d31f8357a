"""Property-based tests: whatever a batch holds, every record comes back once, in order, with the right outcome.

Profiles: ``ci`` (default, fixed seed) runs in ``make test``; ``HYPOTHESIS_PROFILE=fuzz`` (``make fuzz``) runs
many more examples with fresh randomness.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctr_enrichment.config import ConfigError, parse_rules
from ctr_enrichment.enrichment import Renderer, compile_rules
from ctr_enrichment_tools.harness import EXAMPLE_ARRIVAL_MS, FirehoseEvents, LambdaContext, firehose_event
from devtools.dynalite import put_items
from tests.support.ctrs import CTR_FIXTURES, CUSTOMER_RULE, load_json
from tests.support.function import invoke

KNOWN = {"+81312345678": "株式会社サンプル商事", "+14155550123": "Acme Corporation", "+442079460958": "Globex Ltd"}
BIG_NOTES_CALLER = "+81300000000"
MISSING = object()  # a field that is absent, as opposed to null
DEEP = 200  # documents nested deeper than this may be refused rather than re-serialised
RULE = {**CUSTOMER_RULE, "attributes": {"CompanyName": "契約者会社名"}}
TEMPLATES = [load_json(name) for name in CTR_FIXTURES]

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


def _fullwidth(number: str) -> str:
    return number.translate(str.maketrans("+0123456789", "＋０１２３４５６７８９"))


PHONE_FORMATS = [
    lambda n: n,
    lambda n: f"{n[:3]} {n[3:6]}-{n[6:]}",
    lambda n: f"{n[:3]} ({n[3:6]}) {n[6:9]}.{n[9:]}",
    lambda n: "00" + n[1:],
    _fullwidth,
    lambda n: f"  {n}\t",
]


@st.composite
def endpoints(draw: st.DrawFn) -> tuple[Any, str | None]:
    """A CustomerEndpoint value and the status it must produce (None: any status may be right)."""
    kind = draw(st.sampled_from(["known", "unknown", "null", "missing", "email", "softphone", "odd", "random"]))
    if kind == "known":
        number = draw(st.sampled_from(sorted(KNOWN)))
        return {"Address": draw(st.sampled_from(PHONE_FORMATS))(number), "Type": "TELEPHONE_NUMBER"}, "found"
    if kind == "unknown":
        number = draw(st.from_regex(r"\+9[0-9]{5,14}", fullmatch=True))
        return {"Address": number, "Type": "TELEPHONE_NUMBER"}, "not_found"
    if kind == "null":
        return None, "skipped"
    if kind == "missing":
        return MISSING, "skipped"
    if kind == "email":
        return {"Address": draw(st.emails()), "Type": "EMAIL_ADDRESS"}, "skipped"
    if kind == "softphone":
        return {"Address": "Softphone"}, "skipped"
    if kind == "odd":
        return {"Address": draw(json_values.filter(lambda v: not isinstance(v, str)))}, "skipped"
    return {"Address": draw(st.text(max_size=25))}, None


ODD_NUMBERS = ["1E5", "-0", "1.000", "12345678901234567890123", "1e-7", "-0.0", "0.1e+2", "5e300"]
# More significant digits than a double holds: they must come back digit for digit.
ODD_NUMBERS += ["1234567890123456.78", "-0.12345678901234567890123", "9.8765432109876543210E-100"]


@st.composite
def ctr_payloads(draw: st.DrawFn) -> tuple[str, bytes, str | None]:
    """A valid CTR as bytes, in one of the ways a producer may have written it, and its expected status."""
    document: dict[str, Any] = dict(draw(st.sampled_from(TEMPLATES)))
    document.update(draw(st.dictionaries(st.text(min_size=1, max_size=12), json_values, max_size=3)))
    if draw(st.booleans()):  # fields this function owns, already there (a re-delivered record)
        document.update(draw(st.dictionaries(st.sampled_from(["Customer", "EnrichmentStatus"]), json_values)))
    if draw(st.integers(0, 9)) == 0:  # huge contact attributes
        document["Attributes"] = {f"attr{i}": draw(st.text(max_size=200)) for i in range(draw(st.integers(0, 60)))}
    if draw(st.integers(0, 19)) == 0:
        document["Attributes"] = {"transcript": "あ" * draw(st.integers(10_000, 120_000))}
    endpoint, status = draw(endpoints())
    if endpoint is MISSING:
        document.pop("CustomerEndpoint", None)
    else:
        document["CustomerEndpoint"] = endpoint
    style = draw(st.sampled_from(["compact", "spaced", "indented", "ascii", "newline"]))
    text = {
        "compact": lambda d: json.dumps(d, ensure_ascii=False, separators=(",", ":")),
        "spaced": lambda d: json.dumps(d, ensure_ascii=False),
        "indented": lambda d: json.dumps(d, ensure_ascii=False, indent=2),
        "ascii": json.dumps,
        "newline": lambda d: " " + json.dumps(d, ensure_ascii=False) + "\n",
    }[style](document)
    if draw(st.booleans()):  # a number written the way JSON allows but Python would not write it
        text = text.replace("{", '{"OddNumber":' + draw(st.sampled_from(ODD_NUMBERS)) + ",", 1)
    return "ctr", text.encode("utf-8", "surrogatepass"), status


def is_json(payload: bytes) -> bool:
    """True when ``payload`` happens to be valid JSON after all (such as "{" + "}")."""
    try:
        json.loads(payload)
    except ValueError:
        return False
    return True


def _nested(depth: int, kind: str) -> bytes:
    if kind == "object":
        return b'{"a":' * depth + b"1" + b"}" * depth
    if kind == "multi_line_object":  # must be re-serialised, not extended in place
        return b'{"a":\n' * depth + b"1" + b"}" * depth
    if kind == "contact_record":  # a CTR whose contact attributes nest deeply
        return b'{"ContactId":"deep","a":\n' + b'{"a":\n' * (depth - 1) + b"1" + b"}" * depth
    return b"[" * depth + b"]" * depth


invalid_payloads = st.one_of(
    st.tuples(st.just("not_utf8"), st.binary(min_size=1).map(lambda b: b'{"a":"' + b"\xff" + b + b'"}')),
    st.tuples(
        st.just("not_json"),
        st.text(min_size=1, max_size=30).map(lambda t: ("{" + t).encode()).filter(lambda b: not is_json(b)),
    ),
    st.tuples(
        st.just("not_object"),
        json_values.filter(lambda v: not isinstance(v, dict)).map(lambda v: json.dumps(v).encode()),
    ),
    st.tuples(st.just("empty"), st.sampled_from([b"", b" ", b"\n\t "])),
    st.tuples(st.just("nan"), st.sampled_from([b'{"a":NaN}', b'{"a":-Infinity}', b'{"a":1e400}'])),
    st.tuples(st.just("deep_list"), st.integers(1, 3000).map(lambda d: _nested(d, "list"))),
).map(lambda pair: (pair[0], pair[1], None))

deep_objects = st.tuples(st.integers(2, 3000), st.sampled_from(["object", "multi_line_object", "contact_record"])).map(
    lambda pair: ("deep_object", _nested(*pair), None)
)

AGENT_EVENT = load_json("agent_event_state_change")


@st.composite
def non_ctr_payloads(draw: st.DrawFn) -> tuple[str, bytes, str | None]:
    """A JSON object that is not a contact trace record: an agent event, or anything without a ContactId string."""
    document: dict[str, Any] = draw(
        st.sampled_from([dict(AGENT_EVENT), {}])
        | st.dictionaries(st.text(max_size=12).filter(lambda k: k != "ContactId"), json_values, max_size=4)
    )
    if draw(st.booleans()):  # a ContactId that is no contact's: null, empty, a number, an object
        document["ContactId"] = draw(st.sampled_from([None, "", 7, ["c"], {"Id": "c"}]))
    text = json.dumps(document, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 2])))
    return "non_ctr", text.encode("utf-8", "surrogatepass"), None


bad_base64 = st.sampled_from(["not base64!", "eyJhIjoxfQ", "e30=e30=", "ｅ３０＝", "e30 =", "==="])


@dataclass
class Case:
    record_id: str
    kind: str
    data: str
    payload: bytes | None
    status: str | None


@st.composite
def batches(draw: st.DrawFn) -> list[Case]:
    payloads = st.one_of(
        ctr_payloads(), ctr_payloads(), ctr_payloads(), non_ctr_payloads(), invalid_payloads, deep_objects
    )
    drawn = draw(st.lists(st.one_of(payloads, bad_base64.map(lambda s: ("bad_base64", s, None))), max_size=20))
    ids = draw(st.sampled_from(["unique", "duplicated"]))
    cases = []
    for i, (kind, payload, status) in enumerate(drawn):
        record_id = f"49656{i:060d}" if ids == "unique" else f"dup-{i % 3}"
        if kind == "bad_base64":
            cases.append(Case(record_id, kind, payload, None, None))
        else:
            cases.append(Case(record_id, kind, base64.b64encode(payload).decode(), payload, status))
    return cases


def depth_of(value: Any) -> int:
    depth, level = 0, [value]
    while level:
        depth += 1
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
        ]
    return depth


def check_record(case: Case, out: dict[str, Any]) -> None:
    """The invariants of one answered record."""
    assert out["recordId"] == case.record_id
    assert out["result"] in {"Ok", "Dropped", "ProcessingFailed"}
    if case.kind not in {"ctr", "non_ctr", "deep_object"}:
        assert out == {"recordId": case.record_id, "result": "ProcessingFailed", "data": case.data}, case.kind
        return
    try:
        expected = json.loads(case.payload, parse_float=Decimal)  # the input, every digit of every number
    except RecursionError:
        expected = None  # too deep for Python itself
    if out["result"] == "ProcessingFailed":
        assert expected is None or depth_of(expected) > DEEP, f"a {case.kind} was refused"
        assert out["data"] == case.data
        return
    assert out["result"] == "Ok", case.kind
    contact_id = expected.get("ContactId")
    if not isinstance(contact_id, str) or not contact_id:
        # Not a contact trace record (ON_NON_CTR_RECORD=deliver_unenriched, the default): delivered exactly as it came.
        assert out["data"] == case.data, case.kind
        return
    assert case.kind != "non_ctr"
    text = base64.b64decode(out["data"], validate=True).decode("utf-8")
    assert "\n" not in text and "\r" not in text
    actual = json.loads(text, parse_float=Decimal)
    assert isinstance(actual, dict)
    status = actual["EnrichmentStatus"]["customer"]
    assert list(actual["EnrichmentStatus"]) == ["customer"]
    assert status in {"found", "not_found", "skipped"}  # the server is healthy: never "error"
    before = expected.get("Customer")  # what the CTR already held at the target (null: nothing)
    if case.status is not None:
        # Found data cannot be written over a value that is not an object: the rule is skipped instead.
        blocked = case.status == "found" and before is not None and not isinstance(before, dict)
        assert status == ("skipped" if blocked else case.status)
    added = {"EnrichmentStatus"} | ({"Customer"} if status in {"found", "not_found"} else set())
    assert set(actual) == set(expected) | added
    assert {k: v for k, v in actual.items() if k not in added} == {k: v for k, v in expected.items() if k not in added}
    if status == "found":  # merged into what was there; every key the CTR had keeps its value
        assert actual["Customer"] == {**actual["Customer"], **(before or {})}
        assert actual["Customer"]["CompanyName"] in {*KNOWN.values(), (before or {}).get("CompanyName")}
        assert set(actual["Customer"]) == {*(before or {}), "CompanyName"}
    if status == "not_found":  # an unknown caller never replaces a value with null
        assert actual["Customer"] == before
    if status == "skipped" and "Customer" in expected:
        assert actual["Customer"] == before


def run_batch(handler: Any, cases: list[Case]) -> dict[str, Any]:
    events = FirehoseEvents()
    records = [events.encoded_record(c.data, record_id=c.record_id, arrival_ms=EXAMPLE_ARRIVAL_MS) for c in cases]
    return invoke(handler, events.event(records))


def seed(client: Any, table: str) -> None:
    put_items(client, table, [{"number": n, "契約者会社名": name} for n, name in KNOWN.items()])
    put_items(client, table, [{"number": BIG_NOTES_CALLER, "契約者会社名": "大型株式会社", "Notes": "備" * 130_000}])


def test_every_record_is_answered_once_in_order_with_the_right_outcome(
    dynalite: Any, dynalite_table: str, start_function: Any, capsys: Any
) -> None:
    seed(dynalite, dynalite_table)
    handler = start_function([{**RULE, "table": dynalite_table}])

    @given(batches())
    @settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
    def check(cases: list[Case]) -> None:
        response = run_batch(handler, cases)
        assert len(response["records"]) == len(cases)
        for ascii_only in (True, False):  # as the runtime's marshaller writes it, on every Python runtime
            assert len(json.dumps(response, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")) <= 6_000_000
        for case, out in zip(cases, response["records"], strict=True):
            check_record(case, out)
        capsys.readouterr()  # keep the handler's log lines from piling up across examples

    check()


@st.composite
def large_batches(draw: st.DrawFn) -> list[Case]:
    """Batches near Lambda's 6 MB request limit whose callers have 390 KB of notes each."""
    cases = []
    for i in range(draw(st.integers(8, 14))):
        padding = "x" * draw(st.integers(150_000, 300_000))
        number = draw(st.sampled_from([BIG_NOTES_CALLER, "+81312345678", "+819999999"]))
        document = {"ContactId": f"c{i}", "CustomerEndpoint": {"Address": number}, "Padding": padding}
        payload = json.dumps(document).encode()
        cases.append(Case(f"r{i}", "ctr", base64.b64encode(payload).decode(), payload, None))
    return cases


def test_the_response_never_exceeds_6_000_000_bytes(
    dynalite: Any, dynalite_table: str, start_function: Any, capsys: Any
) -> None:
    seed(dynalite, dynalite_table)
    rule = {**RULE, "table": dynalite_table, "attributes": {"CompanyName": "契約者会社名", "Notes": "Notes"}}
    handler = start_function([rule])

    @given(large_batches())
    @settings(max_examples=8, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    def check(cases: list[Case]) -> None:
        event = firehose_event([c.payload or b"" for c in cases], ids=[c.record_id for c in cases])
        response = handler(event, LambdaContext())
        assert len(json.dumps(response).encode()) <= 6_000_000
        results = [r["result"] for r in response["records"]]
        for case, out in zip(cases, response["records"], strict=True):
            assert out["recordId"] == case.record_id
            if out["result"] == "ProcessingFailed":
                assert out["data"] == case.data
        assert "Ok" in results
        capsys.readouterr()

    check()


# Text that JSON can carry and UTF-8 cannot: lone surrogates arrive as \\u escapes in the rules document.
any_text = st.text(st.characters(exclude_categories=()), max_size=6) | st.sampled_from(["\ud800", "a\udfff", "\udc00b"])
# Names one character away from valid: the kind of input where a lenient regex lets through what Terraform refuses.
near_names = st.sampled_from(["customer\n", "customer ", "\ncustomer", "cüstomer", "customer\u0660"])
near_tables = st.sampled_from(
    [
        "ctr-customers\n",
        "arn:aws:dynamodb:us-east-1:１２３４５６７８９０１２:table/customers",
        "arn:aws:dynamodb:us-east-1:123456789012:table/customers\n",
        "arn:aws:dynamodb:us-east-1:123456789012:table/customers",
    ]
)
rule_fields = st.fixed_dictionaries(
    {},
    optional={
        "name": st.one_of(st.sampled_from(["customer", "agent", "a b", "", "x" * 65]), near_names, json_values),
        "source": st.one_of(
            st.sampled_from(["CustomerEndpoint.Address", "a..b", ".a", "Agent.Username"]), any_text, json_values
        ),
        "table": st.one_of(st.sampled_from(["ctr-customers", "ab", "bad/name"]), near_tables, json_values),
        "key": st.one_of(st.sampled_from(["number", ""]), any_text, json_values),
        "attributes": st.one_of(
            st.none(), st.dictionaries(any_text, json_values, max_size=3), st.dictionaries(any_text, any_text)
        ),
        "target": st.one_of(
            st.sampled_from(["Customer", "EnrichmentStatus", "CustomerEndpoint"]), any_text, json_values
        ),
        "normalize": st.one_of(st.sampled_from(["phone", "none", "e164"]), json_values),
        "extra": json_values,
    },
)
TERRAFORM_RULE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,63}", re.ASCII)  # variables.tf, RE2: $ = end of text
TERRAFORM_TABLE = re.compile(r"(?:arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/)?[A-Za-z0-9_.-]{3,255}")


VALID_RULE = {**CUSTOMER_RULE, "attributes": {"CompanyName": "契約者会社名"}}


@st.composite
def near_valid_rules(draw: st.DrawFn) -> dict[str, Any]:
    """A valid rule with one or two fields replaced: every check downstream of the first one gets exercised."""
    rule = dict(VALID_RULE)
    changes = draw(rule_fields.filter(lambda fields: 1 <= len(fields) <= 2))
    rule.update(changes)
    return rule


@given(
    st.one_of(
        st.lists(rule_fields, max_size=3),
        st.lists(near_valid_rules(), min_size=1, max_size=2),
        json_values,
        st.text(max_size=20),
    )
)
def test_any_rules_document_is_either_valid_or_refused_with_a_config_error(document: Any) -> None:
    text = document if isinstance(document, str) else json.dumps(document)
    try:
        rules = parse_rules(text)
    except ConfigError as error:
        assert str(error).strip()
        return
    assert rules, "an accepted configuration must have rules"
    names = [rule.name for rule in rules]
    assert len(set(names)) == len(names)
    for rule in rules:
        assert rule.normalize in {"phone", "none"} and rule.target[0] != "EnrichmentStatus"
        assert all(rule.source) and all(rule.target) and rule.key and rule.table
        assert TERRAFORM_RULE_NAME.fullmatch(rule.name) and TERRAFORM_TABLE.fullmatch(rule.table)
        # Whatever the function accepts it can send to DynamoDB and write into a document: valid UTF-8.
        json.dumps(rule.source + rule.target + (rule.key,) + (rule.attributes or ()), ensure_ascii=False).encode()
    Renderer(compile_rules(rules))  # what the cold start builds from the rules
