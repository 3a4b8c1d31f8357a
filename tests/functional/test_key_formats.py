"""A table written in its own key format finds what Amazon Connect sends: the real handler against dynalite.

Each table below is written directly (no load-customers), the way a user's own sync would write it: E.164
(``+81312345678``) or national (``0312345678``, as dialled in the country). Amazon Connect always sends the
caller in E.164; a rule with the table's ``key_format`` and ``country`` must find every customer, for Japan,
the UK, Germany and the NANP, landlines, mobiles and the special ranges the issue names. Callers from another
country are looked up in E.164 (the decision in the README's "Key formats"), so a national table keeps its
foreign customers under their E.164 key.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from ctr_enrichment_tools.harness import LambdaContext, firehose_event
from devtools.dynalite import create_table, put_items
from tests.support.ctrs import caller
from tests.support.function import decoded_documents, emf_line

# Per country: (what Connect sends, how a national-format table writes it, what kind of number).
NUMBERS: dict[str, list[tuple[str, str, str]]] = {
    "JP": [
        ("+81312345678", "0312345678", "Tokyo landline 03"),
        ("+81662345678", "0662345678", "Osaka landline 06"),
        ("+819012345678", "09012345678", "mobile 090"),
        ("+818012345678", "08012345678", "mobile 080"),
        ("+817012345678", "07012345678", "mobile 070"),
        ("+815012345678", "05012345678", "IP phone 050"),
        ("+81120123456", "0120123456", "freephone 0120"),
    ],
    "GB": [
        ("+442079460958", "02079460958", "London landline 020"),
        ("+441212345678", "01212345678", "Birmingham landline 0121"),
        ("+447400123456", "07400123456", "mobile 07"),
    ],
    "DE": [
        ("+49301234567", "0301234567", "Berlin landline, 7-digit subscriber"),
        ("+4930123456", "030123456", "Berlin landline, 6-digit subscriber"),
        ("+4989123456789", "089123456789", "Munich landline, 9-digit subscriber"),
        ("+4915123456789", "015123456789", "mobile 0151"),
    ],
    "US": [
        ("+12025550143", "2025550143", "Washington, no trunk prefix"),
        ("+18002345678", "8002345678", "toll free 800"),
        ("+14165550100", "4165550100", "a Canadian caller: the same numbering plan, +1"),
    ],
}
FOREIGN_CUSTOMER = "+33123456789"  # France: keyed in E.164 in every table, national or not
UNKNOWN = {"JP": "+81399999999", "GB": "+442099999999", "DE": "+49309999999", "US": "+12025559999"}


def fresh_table(dynalite: Any, items: list[dict[str, Any]]) -> str:
    table = f"ctr-key-formats-{uuid.uuid4().hex[:12]}"
    create_table(dynalite, table)
    put_items(dynalite, table, items)
    return table


def rule(table: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": "customer",
        "source": "CustomerEndpoint.Address",
        "table": table,
        "key": "number",
        "attributes": {"CompanyName": "CompanyName"},
        "target": "Customer",
        "normalize": "phone",
        **fields,
    }


@pytest.mark.parametrize("key_format", ["e164", "national"])
@pytest.mark.parametrize("country", list(NUMBERS))
def test_a_table_written_in_its_key_format_finds_every_caller_connect_sends(
    country: str, key_format: str, dynalite: Any, start_function: Any, capsys: Any
) -> None:
    numbers = NUMBERS[country]
    items = [
        {"number": e164 if key_format == "e164" else national, "CompanyName": what} for e164, national, what in numbers
    ]
    items.append({"number": FOREIGN_CUSTOMER, "CompanyName": "Société Exemple"})
    table = fresh_table(dynalite, items)
    function = start_function([rule(table, key_format=key_format, country=country)])
    callers = [e164 for e164, _, _ in numbers] + [FOREIGN_CUSTOMER, UNKNOWN[country]]
    documents = decoded_documents(function(firehose_event([caller(number) for number in callers]), LambdaContext()))
    companies = [(document["Customer"] or {}).get("CompanyName") for document in documents]
    assert companies == [what for _, _, what in numbers] + ["Société Exemple", None]
    assert [d["EnrichmentStatus"]["customer"] for d in documents][-1] == "not_found"
    assert [d["CustomerEndpoint"]["Address"] for d in documents] == callers  # the caller's number is kept
    assert emf_line(capsys.readouterr().out)["DynamoDBCalls"] == 1


def test_a_national_table_never_finds_its_own_country_written_in_e164(
    dynalite: Any, start_function: Any, capsys: Any
) -> None:
    # The plan-time check refuses such seed keys (tests/validation.tftest.hcl): this is why.
    table = fresh_table(dynalite, [{"number": "+81312345678", "CompanyName": "written in E.164"}])
    function = start_function([rule(table, key_format="national", country="JP")])
    (document,) = decoded_documents(function(firehose_event([caller("+81312345678")]), LambdaContext()))
    assert document["EnrichmentStatus"] == {"customer": "not_found"}


def test_one_rule_per_channel_writes_one_customer_from_a_phone_or_an_email_key(
    dynalite: Any, start_function: Any, capsys: Any
) -> None:
    table = fresh_table(
        dynalite,
        [
            {"number": "0312345678", "CompanyName": "株式会社サンプル商事"},
            {"number": "taro.yamada@example.co.jp", "CompanyName": "株式会社サンプル商事"},
            {"number": "+14155550123", "CompanyName": "Acme Corporation"},
        ],
    )
    phone = rule(table, key_format="national", country="JP", endpoint_types=["TELEPHONE_NUMBER"])
    email = rule(table, name="email", normalize="email", endpoint_types=["EMAIL_ADDRESS"])
    function = start_function([phone, email])
    records = [
        caller("+81312345678"),
        {
            "ContactId": "e-1",
            "Channel": "EMAIL",
            "CustomerEndpoint": {"Address": " Taro.Yamada@Example.co.jp", "Type": "EMAIL_ADDRESS"},
        },
        {
            "ContactId": "e-2",
            "Channel": "EMAIL",
            "CustomerEndpoint": {"Address": "nobody@example.com", "Type": "EMAIL_ADDRESS"},
        },
        caller("+14155550123"),
        {"ContactId": "c-1", "Channel": "CHAT", "CustomerEndpoint": None},
    ]
    documents = decoded_documents(function(firehose_event(records), LambdaContext()))
    assert [d.get("Customer") for d in documents] == [
        {"CompanyName": "株式会社サンプル商事"},
        {"CompanyName": "株式会社サンプル商事"},
        None,
        {"CompanyName": "Acme Corporation"},
        None,
    ]
    assert "Customer" not in documents[4]  # nothing to look up: no null written
    assert [d["EnrichmentStatus"] for d in documents] == [
        {"customer": "found", "email": "skipped"},
        {"customer": "skipped", "email": "found"},
        {"customer": "skipped", "email": "not_found"},
        {"customer": "found", "email": "skipped"},
        {"customer": "skipped", "email": "skipped"},
    ]
    assert emf_line(capsys.readouterr().out)["DynamoDBCalls"] == 1
