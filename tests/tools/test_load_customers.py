"""``ctr-enrichment load-customers`` end to end against dynalite: master file -> table -> the real handler.

Each written form of each country's numbers becomes the rule's key (one test per form, country and key format),
and the function then finds the caller Amazon Connect sends in E.164. Then the master's own troubles: a CP932
file from Excel, a bad row, a number two rows claim, re-runs, pruning, and every error as one line.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from ctr_enrichment_tools import cli
from ctr_enrichment_tools.harness import LambdaContext, firehose_event
from ctr_enrichment_tools.table_io import MAX_ATTEMPTS, LookupTable, TableError
from devtools.dynalite import create_table, put_items
from tests.support.ctrs import CUSTOMER_RULE, caller
from tests.support.faults import Body
from tests.support.function import decoded_documents

COMPANY = "株式会社サンプル商事"


def rule(table: str, **fields: Any) -> dict[str, Any]:
    return {**CUSTOMER_RULE, "table": table, **fields}


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def new_table(dynalite: Any, key: str = "number") -> str:
    table = f"customers-{uuid.uuid4().hex[:12]}"
    create_table(dynalite, table, key)
    return table


def table_items(dynalite: Any, table: str) -> dict[str, dict[str, Any]]:
    items = dynalite.scan(TableName=table)["Items"]
    return {item["number"]["S"]: {name: value.get("S", value) for name, value in item.items()} for item in items}


def load(
    capsys: pytest.CaptureFixture[str], dynalite: Any, master: Path, rules: list[dict[str, Any]], *extra: str
) -> Any:
    arguments = ["load-customers", str(master), "--rules", json.dumps(rules, ensure_ascii=False)]
    arguments += ["--endpoint-url", dynalite.meta.endpoint_url, "--no-progress", *extra]
    code = cli.main(arguments)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- (b) Each written form, per country and key format, lands on the key the function looks up ----------------

WRITTEN_FORMS = [
    # (country, as the master writes it, the national key, the E.164 caller Amazon Connect sends)
    ("JP", "０３－１２３４－５６７８", "0312345678", "+81312345678"),  # full-width, as typed on a Japanese keyboard
    ("JP", "03-1234-5678", "0312345678", "+81312345678"),  # hyphens
    ("JP", "03(1234)5678", "0312345678", "+81312345678"),  # parentheses around the local exchange
    ("JP", "+81-3-1234-5678", "0312345678", "+81312345678"),  # international, with separators
    ("JP", "0312345678", "0312345678", "+81312345678"),  # digits only
    ("JP", "090-1234-5678", "09012345678", "+819012345678"),  # mobile
    ("GB", "020 7946 0958", "02079460958", "+442079460958"),
    ("DE", "030 1234567", "0301234567", "+49301234567"),
    ("US", "(202) 555-0143", "2025550143", "+12025550143"),
]


@pytest.mark.parametrize("key_format", ["national", "e164"])
@pytest.mark.parametrize(
    "form", WRITTEN_FORMS, ids=[f"{country}:{written}" for country, written, _, _ in WRITTEN_FORMS]
)
def test_each_written_form_becomes_the_rules_key_and_the_function_finds_the_caller(
    form: tuple[str, str, str, str],
    key_format: str,
    *,
    dynalite: Any,
    start_function: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    country, written, national, e164 = form
    table = new_table(dynalite)
    rules = [rule(table, key_format=key_format, country=country)]
    master = write_csv(tmp_path / "master.csv", [["会社", "電話", "ランク"], [COMPANY, written, "gold"]])
    code, out, err = load(
        capsys,
        dynalite,
        master,
        rules,
        "--phone-column",
        "電話",
        "--attribute",
        "契約者会社名=会社",
        "--attribute",
        "Tier=ランク",
    )
    assert (code, err) == (0, "")
    key = national if key_format == "national" else e164
    assert table_items(dynalite, table) == {key: {"number": key, "契約者会社名": COMPANY, "Tier": "gold"}}
    assert "  Keys                   1   new 1, changed 0, unchanged 0" in out
    (document,) = decoded_documents(start_function(rules)(firehose_event([caller(e164)]), LambdaContext()))
    assert document["Customer"] == {"CompanyName": COMPANY, "Tier": "gold"}


# --- A CP932 master from Excel, with a bad row and a duplicate -----------------------------------------------

CP932_MASTER = [
    ["顧客ID", "契約者会社名", "代表電話", "携帯電話"],
    ["C001", "株式会社サンプル商事", "03-1234-5678", "090-1234-5678"],
    ["C002", "ＮＥＣ系列①株式会社", "０６－６２３４－５６７８", ""],  # characters only CP932 has (①), not Shift_JIS
    ["C003", "札幌フードサービス株式会社", "011-234-567", ""],  # a digit missing
    ["C004", "サンプル物流株式会社", "03-1234-5678 内線21", ""],  # the parent's switchboard
    ["C005", "株式会社モバイル", "052-765-4321", "090-1234-5678"],  # the 携帯 of C001, as its own 携帯
    ["C006", "株式会社サンプル商事", "03-1234-5678", ""],  # the same number with the same data
]


def test_a_cp932_master_with_a_bad_row_and_duplicates_is_loaded_and_every_problem_reported(
    dynalite: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = new_table(dynalite)
    master = write_csv(tmp_path / "顧客マスタ.csv", CP932_MASTER, encoding="cp932")
    with pytest.raises(UnicodeDecodeError):
        master.read_bytes().decode("shift_jis")  # ① is CP932's: detection must not settle for Shift_JIS
    options = ["--phone-column", "代表電話", "--phone-column", "携帯電話", "--attribute", "契約者会社名"]
    code, out, err = load(capsys, dynalite, master, [rule(table, key_format="national", country="JP")], *options)
    assert code == 1 and err == ""  # a number did not parse; the rest is written
    assert table_items(dynalite, table) == {
        "0312345678": {"number": "0312345678", "契約者会社名": "株式会社サンプル商事"},
        "09012345678": {"number": "09012345678", "契約者会社名": "株式会社サンプル商事"},
        "0662345678": {"number": "0662345678", "契約者会社名": "ＮＥＣ系列①株式会社"},
        "0527654321": {"number": "0527654321", "契約者会社名": "株式会社モバイル"},
    }
    assert f"Customer master {master} (CSV, cp932): 6 rows; phone 代表電話, 携帯電話\n" in out
    assert "  Numbers                8   7 parsed, 1 did not; 4 empty cells" in out
    assert "  Keys                   4   new 4, changed 0, unchanged 0" in out
    assert "  Claimed twice          2   and 1 listed twice with the same data" in out
    assert f"  {master}:4  代表電話 '011-234-567': not a valid number of JP (a digit missing or one too many?)" in out
    # The same column: the earlier row wins. Two columns: the earlier column (代表 before 携帯) would win; here
    # both rows list 090-1234-5678 as 携帯, so the earlier row keeps it.
    assert f"  0312345678  {master}:2 代表電話 (株式会社サンプル商事) wins\n" in out
    assert f"over {master}:5 代表電話 (サンプル物流株式会社)" in out
    assert f"  09012345678  {master}:2 携帯電話 (株式会社サンプル商事) wins\n" in out


def test_a_number_in_an_earlier_phone_column_wins_over_an_earlier_row(
    dynalite: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = new_table(dynalite)
    rows = [
        ["name", "main", "mobile"],
        ["Mobile owner", "0312345678", "09012345678"],
        ["Switchboard", "09012345678", ""],
    ]
    master = write_csv(tmp_path / "m.csv", rows)
    options = ["--phone-column", "main", "--phone-column", "mobile", "--attribute", "契約者会社名=name"]
    code, out, _ = load(capsys, dynalite, master, [rule(table, key_format="national", country="JP")], *options)
    assert code == 0
    assert table_items(dynalite, table)["09012345678"]["契約者会社名"] == "Switchboard"
    assert f"  09012345678  {master}:3 main (Switchboard) wins\n" in out


# --- Encodings and formats -------------------------------------------------------------------------------------

SIMPLE = [["契約者会社名", "電話"], [COMPANY, "03-1234-5678"], ["合同会社博多フーズ", "092-456-7890"]]
SIMPLE_KEYS = {"0312345678": COMPANY, "0924567890": "合同会社博多フーズ"}


def companies(dynalite: Any, table: str) -> dict[str, str]:
    return {key: item["契約者会社名"] for key, item in table_items(dynalite, table).items()}


@pytest.mark.parametrize(
    "case",
    [
        ("utf8.csv", "utf-8", ",", [], "CSV, utf-8"),
        ("bom.csv", "utf-8-sig", ",", [], "CSV, utf-8-sig"),  # Excel's "CSV UTF-8"
        ("sjis.csv", "shift_jis", ",", ["--encoding", "shift_jis"], "CSV, shift_jis"),
        ("tabs.tsv", "utf-8", "\t", [], "TSV, utf-8"),
        ("export.txt", "cp932", "\t", ["--format", "tsv"], "TSV, cp932"),
    ],
)
def test_csv_and_tsv_in_every_encoding_japanese_masters_come_in(
    case: tuple[str, str, str, list[str], str], dynalite: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, encoding, delimiter, option, shown = case
    table = new_table(dynalite)
    master = write_csv(tmp_path / name, SIMPLE, encoding=encoding, delimiter=delimiter)
    code, out, _ = load(
        capsys, dynalite, master, [rule(table, key_format="national", country="JP")], "--phone-column", "電話", *option
    )
    assert code == 0 and f"({shown})" in out
    assert companies(dynalite, table) == SIMPLE_KEYS


def test_json_and_ndjson_masters_keep_their_types_and_report_lines(
    dynalite: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    customers = [
        {"契約者会社名": COMPANY, "phones": ["03-1234-5678", "090-1234-5678"], "AccountId": 1001, "Tags": ["a"]},
        # A number a spreadsheet turned into a number, losing its 0; a null attribute is left out.
        {"契約者会社名": "合同会社博多フーズ", "phones": 924567890, "AccountId": 1.5, "Tags": None},
        {"契約者会社名": "Bad", "phones": "12"},
    ]
    rules = [rule("x", key_format="national", country="JP")]
    for kind, text in (
        ("json", "[\n" + ",\n".join(json.dumps(c, ensure_ascii=False) for c in customers) + "\n]\n"),
        ("ndjson", "\n".join(json.dumps(c, ensure_ascii=False) for c in customers) + "\n"),
    ):
        table = new_table(dynalite)
        master = tmp_path / f"customers.{kind}"
        master.write_text(text, encoding="utf-8")
        code, out, _ = load(capsys, dynalite, master, [{**rules[0], "table": table}], "--phone-column", "phones")
        assert code == 1
        assert f"{master}:4  phones '12'" in out if kind == "json" else f"{master}:3  phones '12'" in out
        items = {item["number"]["S"]: item for item in dynalite.scan(TableName=table)["Items"]}
        assert set(items) == {"0312345678", "09012345678", "0924567890"}
        assert items["0312345678"]["AccountId"] == {"N": "1001"} and items["0312345678"]["Tags"] == {"L": [{"S": "a"}]}
        assert items["0924567890"]["AccountId"] == {"N": "1.5"} and "Tags" not in items["0924567890"]
        assert "no trunk prefix (a lost 0?)" in out


# --- Re-runs and prune -----------------------------------------------------------------------------------------


def test_running_the_same_master_again_writes_nothing_and_a_changed_row_is_rewritten(
    dynalite: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = new_table(dynalite)
    rules = [rule(table, key_format="national", country="JP")]
    master = write_csv(tmp_path / "m.csv", SIMPLE)
    assert load(capsys, dynalite, master, rules, "--phone-column", "電話")[0] == 0
    code, out, _ = load(capsys, dynalite, master, rules, "--phone-column", "電話")
    assert code == 0
    assert "  Keys                   2   new 0, changed 0, unchanged 2" in out
    assert "  Written                0   0 put, 0 deleted, in 0 BatchWriteItem" in out
    write_csv(master, [SIMPLE[0], ["株式会社サンプル商事ホールディングス", "03-1234-5678"], SIMPLE[2]])
    code, out, _ = load(capsys, dynalite, master, rules, "--phone-column", "電話", "--dry-run")
    assert "new 0, changed 1, unchanged 1" in out and "Dry run: nothing written" in out
    assert companies(dynalite, table)["0312345678"] == COMPANY  # the dry run wrote nothing
    load(capsys, dynalite, master, rules, "--phone-column", "電話")
    assert companies(dynalite, table)["0312345678"] == "株式会社サンプル商事ホールディングス"


def test_prune_deletes_only_this_loads_kinds_of_keys_that_the_master_no_longer_has(
    dynalite: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = new_table(dynalite)
    rules = [
        rule(table, key_format="national", country="JP", endpoint_types=["TELEPHONE_NUMBER"]),
        rule(table, name="email", normalize="email", endpoint_types=["EMAIL_ADDRESS"]),
        rule(table, name="agent", source="Agent.Username", target="Agent2", normalize="none"),
    ]
    put_items(
        dynalite,
        table,
        [
            {"number": "0399999999", "契約者会社名": "a number the company gave up"},
            {"number": "+14155550123", "契約者会社名": "a foreign customer no longer in the master"},
            {"number": "old@example.com", "契約者会社名": "an address (no --email-column: not this load's)"},
            {"number": "+81399999999", "契約者会社名": "unfindable: a national table's own number in E.164"},
            {"number": "john.smith", "契約者会社名": "the agent rule's key"},
        ],
    )
    master = write_csv(tmp_path / "m.csv", SIMPLE)
    code, out, _ = load(
        capsys, dynalite, master, rules, "--phone-column", "電話", "--rule", "customer", "--prune", "--dry-run"
    )
    assert code == 0
    assert "  Prune                  2   keys no longer in the master; 3 keys of other kinds left alone" in out
    assert "Would delete (--prune without --dry-run) (2): keys in the table that the master no longer has" in out
    assert "  0399999999\n  +14155550123\n" in out or "  +14155550123\n  0399999999\n" in out
    assert len(table_items(dynalite, table)) == 5
    code, out, _ = load(capsys, dynalite, master, rules, "--phone-column", "電話", "--rule", "customer", "--prune")
    assert code == 0 and "Deleted (2)" in out and "2 put, 2 deleted" in out
    assert set(table_items(dynalite, table)) == {
        "0312345678",
        "0924567890",
        "old@example.com",
        "+81399999999",
        "john.smith",
    }


def test_prune_is_refused_while_a_number_of_the_master_does_not_parse(
    dynalite: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = new_table(dynalite)
    put_items(dynalite, table, [{"number": "0312345678", "契約者会社名": COMPANY}])
    master = write_csv(tmp_path / "m.csv", [["契約者会社名", "電話"], [COMPANY, "03-1234-567"]])  # a typo
    rules = [rule(table, key_format="national", country="JP")]
    code, out, _ = load(capsys, dynalite, master, rules, "--phone-column", "電話", "--prune")
    assert code == 1
    assert "refused: 1 value(s) did not parse, and the keys they stand for would go: fix them first" in out
    assert set(table_items(dynalite, table)) == {"0312345678"}  # the typo did not cost the company its key


def test_an_email_column_is_keyed_trimmed_and_lower_cased_and_the_email_rule_finds_it(
    dynalite: Any, start_function: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = new_table(dynalite, key="contact")
    rules = [
        {**rule(table, key_format="national", country="JP", endpoint_types=["TELEPHONE_NUMBER"]), "key": "contact"},
        {**rule(table, name="email", normalize="email", endpoint_types=["EMAIL_ADDRESS"]), "key": "contact"},
    ]
    rows = [
        ["契約者会社名", "電話", "メール"],
        [COMPANY, "03-1234-5678", "Ｔａｒｏ．Ｙａｍａｄａ＠Ｅｘａｍｐｌｅ．ｃｏ．ｊｐ"],
        ["X", "", "not-an-address"],
    ]
    master = write_csv(tmp_path / "m.csv", rows)
    code, out, _ = load(capsys, dynalite, master, rules, "--phone-column", "電話", "--email-column", "メール")
    assert code == 1 and f"{master}:3  メール 'not-an-address': not an email address" in out
    keys = {item["contact"]["S"] for item in dynalite.scan(TableName=table)["Items"]}
    assert keys == {"0312345678", "taro.yamada@example.co.jp"}
    email = {
        "ContactId": "e",
        "Channel": "EMAIL",
        "CustomerEndpoint": {"Address": "taro.yamada@example.co.jp", "Type": "EMAIL_ADDRESS"},
    }
    (document,) = decoded_documents(start_function(rules)(firehose_event([email]), LambdaContext()))
    assert document["Customer"]["CompanyName"] == COMPANY


# --- Errors: one line, the CLI's exit statuses --------------------------------------------------------------


def test_mistakes_are_one_line_with_what_to_fix(
    dynalite: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = new_table(dynalite)
    national = rule(table, key_format="national", country="JP")
    master = write_csv(tmp_path / "m.csv", SIMPLE)
    cases = [
        ([national], [str(tmp_path / "missing.csv"), "--phone-column", "電話"], 1, "missing.csv: no such file"),
        ([national], [str(master), "--phone-column", "TEL"], 1, "--phone-column 'TEL': "),
        ([national], [str(master), "--phone-column", "電話", "--attribute", "number=電話"], 2, "is the table's key"),
        (
            [national],
            [str(master), "--email-column", "電話"],
            2,
            "the rules have no email rule (normalize = 'email') to load keys for",
        ),
        (
            [national, {**national, "name": "other", "table": "other-table", "target": "X"}],
            [str(master), "--phone-column", "電話"],
            2,
            "read different tables: choose one with --rule",
        ),
        ([national], [str(master), "--phone-column", "電話", "--rule", "nope"], 2, "--rule 'nope': no such rule"),
        (
            [{**national, "table": "no-such-table"}],
            [str(master), "--phone-column", "電話"],
            1,
            "table 'no-such-table' (rule 'customer') does not exist",
        ),
        (
            [{**national, "key_format": "dialled"}],
            [str(master), "--phone-column", "電話"],
            1,
            "invalid rules: ENRICHMENT_RULES[0]",
        ),
    ]
    for rules, arguments, status, message in cases:
        code = cli.main(
            ["load-customers", *arguments, "--rules", json.dumps(rules), "--endpoint-url", dynalite.meta.endpoint_url]
        )
        err = capsys.readouterr().err
        assert code == status, (arguments, err)
        assert err.startswith("ctr-enrichment load-customers: error: ") and err.count("\n") == 1, err
        assert message in err, err
    undecodable = tmp_path / "latin.csv"
    undecodable.write_bytes("契約者会社名,電話\n".encode() + b"\x80\xff,0312345678\n")
    assert (
        cli.main(["load-customers", str(undecodable), "--phone-column", "電話", "--rules", json.dumps([national])]) == 1
    )
    assert capsys.readouterr().err.endswith(
        "is neither UTF-8 nor CP932 (Shift_JIS): pass --encoding, such as --encoding euc_jp\n"
    )


def test_usage_errors_exit_2_before_reading_anything(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ENRICHMENT_RULES", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["load-customers", "m.csv", "--phone-column", "電話"])
    assert exit_info.value.code == 2
    assert "ctr-enrichment load-customers: error: give the rules: --rules JSON|@FILE" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["load-customers", "m.csv", "--rules", "[]"])
    assert "--phone-column COLUMN and/or --email-column COLUMN" in capsys.readouterr().err


def test_help_says_why_prune_matters(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["load-customers", "--help"])
    usage = " ".join(capsys.readouterr().out.split())
    assert (
        "without --prune they stay in the table, so a number a customer gave up keeps matching its old company" in usage
    )


# --- Writing in batches: UnprocessedItems are retried ---------------------------------------------------------


def unprocessed_first(times: int) -> Any:
    """A before-send hook: DynamoDB answers the first ``times`` BatchWriteItem calls with every item unprocessed."""
    calls = [0]

    def hook(request: Any, **_: Any) -> Any:
        calls[0] += 1
        if calls[0] > times:
            return None  # on to the server
        from botocore.awsrequest import AWSResponse

        body = json.dumps({"UnprocessedItems": json.loads(request.body)["RequestItems"]}).encode()
        return AWSResponse(request.url, 200, {"Content-Type": "application/x-amz-json-1.0"}, Body(body))

    return hook


def test_unprocessed_items_are_written_again_with_backoff_until_done_or_out_of_attempts(dynalite: Any) -> None:
    table = new_table(dynalite)
    items = [{"number": f"03{i:08d}", "契約者会社名": f"会社{i}"} for i in range(60)]  # three requests
    slept: list[float] = []
    dynalite.meta.events.register_first("before-send.dynamodb.BatchWriteItem", unprocessed_first(2))
    writer = LookupTable(dynalite, table, "number", sleep=slept.append)
    done: list[int] = []
    writer.write(items, [], done.append)
    assert len(table_items(dynalite, table)) == 60
    assert writer.calls["BatchWriteItem"] == 3 + 2 and len(slept) == 2 and done == [25, 50, 60]
    dynalite.meta.events.register_first("before-send.dynamodb.BatchWriteItem", unprocessed_first(10**6))
    with pytest.raises(TableError, match=f"left 25 item\\(s\\) unprocessed after {MAX_ATTEMPTS} attempts"):
        LookupTable(dynalite, table, "number", sleep=slept.append).write(items[:25], [])
