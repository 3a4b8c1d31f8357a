"""The command line: entry points, usage errors, and one clear line (never a traceback) for each fatal problem."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import NoCredentialsError, SSOTokenLoadError

from ctr_enrichment_tools import cli
from devtools.dynalite import free_port
from tests.support.ctrs import caller
from tests.support.faults import dynamodb_error_response, inject_fault

PREFIX = "ctr-enrichment replay: error: "


@pytest.fixture
def ctrs(tmp_path: Path) -> Path:
    path = tmp_path / "ctrs.ndjson"
    path.write_text(json.dumps(caller("+81312345678")) + "\n")
    return path


def fatal(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the command, expect status 1 and exactly one line on stderr; return the line after the prefix."""
    code = cli.main(arguments)
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith(PREFIX)
    return line.removeprefix(PREFIX)


def usage_error(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(arguments)
    assert exit_info.value.code == 2
    return capsys.readouterr().err.splitlines()[-1]


@pytest.mark.parametrize("module", ["ctr_enrichment_tools", "ctr_enrichment_tools.cli"])
def test_python_dash_m_runs_the_command_line(module: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", module, "replay", "--help"], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: ctr-enrichment replay [-h]")
    assert "--buffer-size-mb MB" in result.stdout


def test_the_installed_console_script_is_the_command_line() -> None:
    (script,) = importlib.metadata.entry_points(group="console_scripts", name="ctr-enrichment")
    assert script.load() is cli.main


def test_a_missing_input_file_fails_before_anything_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.ndjson"
    arguments = ["replay", str(missing), "--table", "ctr-customers", "--out-dir", str(tmp_path / "out")]
    assert fatal(arguments, capsys) == f"{missing}: no such file"
    assert not (tmp_path / "out").exists()


def test_invalid_rules_name_the_rule_and_the_field(ctrs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = json.dumps([{"name": "customer", "source": "CustomerEndpoint.Address", "table": "t!", "key": "number"}])
    assert fatal(["replay", str(ctrs), "--rules", rules], capsys) == (
        "invalid configuration: ENRICHMENT_RULES[0] (rule 'customer'): missing required field(s) 'target'"
    )


def test_an_unreadable_rules_file_is_one_line(ctrs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = fatal(["replay", str(ctrs), "--rules", f"@{tmp_path / 'rules.json'}"], capsys)
    assert message.startswith(f"cannot read the rules from {tmp_path / 'rules.json'}: [Errno 2] No such file")


def test_no_credentials_is_one_line(
    ctrs: Path,
    tmp_path: Path,
    dynalite_server: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    message = fatal(
        ["replay", str(ctrs), "--table", "ctr-customers", "--endpoint-url", dynalite_server.endpoint], capsys
    )
    assert message.startswith(
        "no AWS credentials found: ctr-enrichment reaches DynamoDB with the default credential chain"
    )


def test_no_region_is_one_line(
    ctrs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    assert fatal(["replay", str(ctrs), "--table", "ctr-customers"], capsys) == (
        "no AWS region configured: pass --region, or set AWS_REGION or a region in your profile"
    )


def test_a_missing_table_is_one_line(
    ctrs: Path, dynalite: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    endpoint = dynalite.meta.endpoint_url
    arguments = ["replay", str(ctrs), "--table", "no-such-table", "--endpoint-url", endpoint]
    assert fatal([*arguments, "--out-dir", str(tmp_path / "out")], capsys) == (
        f"table 'no-such-table' (rule 'customer') does not exist in {endpoint}: check its name, --region and --profile"
    )
    assert not (tmp_path / "out").exists()


def test_a_key_that_is_not_the_tables_partition_key_is_one_line(
    ctrs: Path, dynalite: Any, dynalite_table: str, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["replay", str(ctrs), "--table", dynalite_table, "--key", "phone"]
    message = fatal([*arguments, "--endpoint-url", dynalite.meta.endpoint_url], capsys)
    assert message.startswith(f"table '{dynalite_table}' (rule 'customer') rejected a lookup by key 'phone': ")
    assert message.endswith("(the key must be the table's partition key, of type S)")


def test_an_endpoint_nobody_listens_on_is_one_line(ctrs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"
    message = fatal(["replay", str(ctrs), "--table", "ctr-customers", "--endpoint-url", endpoint], capsys)
    assert message.startswith(f"cannot reach DynamoDB ({endpoint}): Could not connect to the endpoint URL")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--rules", "[]", "--table", "t"], "give either --rules or --table, not both"),
        (["--rules", "[]", "--attribute", "Tier"], "--attribute goes with --table"),
        (["--buffer-size-mb", "5"], "argument --buffer-size-mb: must be from 0.2 to 3.0 MB, got 5"),
        (["--timeout", "301"], "argument --timeout: must be from 1 to 300 seconds, got 301"),
        ([], "give the rules: --rules JSON|@FILE, or --table NAME, or set ENRICHMENT_RULES"),
    ],
)
def test_usage_errors_exit_with_status_2(
    arguments: list[str], message: str, ctrs: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ENRICHMENT_RULES", raising=False)
    assert message in usage_error(["replay", str(ctrs), *arguments], capsys)


def test_the_rules_and_the_endpoint_can_come_from_the_environment_like_the_function_s(
    ctrs: Path, dynalite_table: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The dynalite fixture has set AWS_ENDPOINT_URL_DYNAMODB, which boto3 (so the replay) honours.
    rule = {"name": "who", "source": "CustomerEndpoint.Address", "table": dynalite_table, "key": "number"}
    monkeypatch.setenv("ENRICHMENT_RULES", json.dumps([{**rule, "target": "Who", "normalize": "phone"}]))
    out = tmp_path / "out"
    assert cli.main(["replay", str(ctrs), "--out-dir", str(out)]) == 0
    (document,) = [json.loads(line) for line in (out / "enriched.ndjson").read_text(encoding="utf-8").splitlines()]
    assert document["Who"]["契約者会社名"] == "株式会社サンプル商事"  # no attributes: every attribute but the key
    assert document["EnrichmentStatus"] == {"who": "found"}
    assert "Calls by company (Who.CompanyName)" in capsys.readouterr().out


def test_a_profile_that_does_not_exist_is_one_line(
    ctrs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    message = fatal(["replay", str(ctrs), "--table", "ctr-customers", "--profile", "nope"], capsys)
    assert message == (
        "The config profile (nope) could not be found: check --profile or AWS_PROFILE (aws configure list-profiles)"
    )


def refuse(code: str, message: str) -> Any:
    return lambda request, **_: dynamodb_error_response(request, code, 400, message)


def fail_with(error: Exception) -> Any:
    def hook(**_: Any) -> None:
        raise error

    return hook


@pytest.mark.parametrize(
    "case",
    [
        (
            refuse("AccessDeniedException", "User: arn:aws:iam::1:user/u is not authorized"),
            "not allowed to read table 'ctr-customers' with these credentials (dynamodb:BatchGetItem): "
            "User: arn:aws:iam::1:user/u is not authorized",
        ),
        (
            refuse("UnrecognizedClientException", "The security token included in the request is invalid."),
            "AWS rejected the credentials (UnrecognizedClientException): "
            "The security token included in the request is invalid.",
        ),
        (
            refuse("UnknownOperationException", "Unknown\n operation"),
            "cannot read table 'ctr-customers' in {endpoint}: UnknownOperationException: Unknown operation",
        ),
        (fail_with(NoCredentialsError()), "no AWS credentials found: "),
        (
            fail_with(SSOTokenLoadError(error_msg="the SSO session has expired")),
            "cannot use the AWS credentials: Error loading SSO Token: the SSO session has expired",
        ),
    ],
)
def test_what_stops_the_probe_of_a_table_is_one_line(
    case: tuple[Any, str],
    ctrs: Path,
    dynalite_server: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fault, expected = case
    made = boto3.session.Session.client

    def client_with_the_fault(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = made(self, *args, **kwargs)
        inject_fault(client, fault)
        return client

    monkeypatch.setattr(boto3.session.Session, "client", client_with_the_fault)
    endpoint = dynalite_server.endpoint
    message = fatal(["replay", str(ctrs), "--table", "ctr-customers", "--endpoint-url", endpoint], capsys)
    assert message.startswith(expected.format(endpoint=endpoint))


def test_ctrl_c_is_one_line_and_status_130(
    ctrs: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_: Any) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "replay_command", interrupted)
    assert cli.main(["replay", str(ctrs), "--table", "ctr-customers"]) == 130
    assert capsys.readouterr().err == "\nctr-enrichment replay: interrupted\n"
