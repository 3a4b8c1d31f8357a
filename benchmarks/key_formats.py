"""What ``key_format = "national"`` costs, and why the function carries a table rather than libphonenumber.

`make bench` runs this after run.py. Three ways to turn an E.164 caller into a national number are measured in
one run, against the same baseline (the function with an E.164 rule, which converts nothing):

* table      - ``ctr_enrichment.phone.to_national`` with ``numbering.json`` (what the function does);
* lite       - ``phonenumbers.parse`` + ``format_number(NATIONAL)``, digits kept, from the ``phonenumberslite``
               wheel (libphonenumber's metadata without geocoding, carrier and time-zone data), vendored;
* full       - the same with the ``phonenumbers`` wheel, vendored.

For each: the deployment package (every *.py and *.json, deflated, as the module's archive_file zips
lambda_src/ with the library beside ctr_enrichment/), the cold start (a fresh interpreter importing the
handler and converting the first caller, with no bytecode cache, as from a zip of sources on Lambda), and the
cost per record (lookup_key on 10,000 CTRs of JP, GB, DE and US callers; and the warm handler on a 1,000-record
batch against dynalite, whose answers are cached after the first invocation, so only CPU is measured).

Prints one JSON line per measurement and ratios to the baseline measured in the same run. The wheels are
fetched once with pip (PyPI) into .make/bench-wheels/ at the version of the pinned phonenumbers; without
PyPI the library lines say so and the table's figures are still printed.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "lambda_src"), str(REPO / "tools"), str(REPO)]

from ctr_enrichment.config import parse_rules  # noqa: E402
from ctr_enrichment.enrichment import lookup_key  # noqa: E402

WHEELS = REPO / ".make" / "bench-wheels"
TABLE = "ctr-customers"
COLD_RUNS = 15
RULE: dict[str, Any] = {
    "name": "customer",
    "source": "CustomerEndpoint.Address",
    "table": TABLE,
    "key": "number",
    "attributes": {"CompanyName": "契約者会社名"},
    "target": "Customer",
    "normalize": "phone",
}
NATIONAL_RULE = {**RULE, "key_format": "national", "country": "JP"}
# Callers as a Japanese contact centre sees them: mostly Tokyo, Osaka and mobiles, some 050 and freephone, a
# few from abroad. Each is one of these numbers with its last four digits drawn at random (the same ranges).
BASES = [
    "+81312345678",
    "+81312345678",
    "+81662345678",
    "+819012345678",
    "+818012345678",
    "+817012345678",
    "+815012345678",
    "+81120123456",
    "+81527654321",
    "+12025550143",
    "+442079460958",
    "+49301234567",
]


def callers(count: int, rng: random.Random) -> list[str]:
    return [base[:-4] + f"{rng.randrange(10_000):04d}" for base in (rng.choice(BASES) for _ in range(count))]


# --- Library wheels -----------------------------------------------------------------------------------------


def wheel_dirs() -> dict[str, Path | str]:
    """Each library's extracted wheel, or why it is missing."""
    pinned = version("phonenumbers")
    found: dict[str, Path | str] = {}
    for option, project in (("lite", "phonenumberslite"), ("full", "phonenumbers")):
        target = WHEELS / f"{project}-{pinned}"
        if not target.exists():
            WHEELS.mkdir(parents=True, exist_ok=True)
            download = subprocess.run(
                [
                    *(sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"),
                    *("--dest", str(WHEELS), f"{project}=={pinned}"),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            wheels = sorted(WHEELS.glob(f"{project}-{pinned}-*.whl"))
            if download.returncode != 0 or not wheels:
                found[option] = f"pip download {project}=={pinned} failed: {download.stderr.strip()[-300:]}"
                continue
            with zipfile.ZipFile(wheels[0]) as wheel:
                wheel.extractall(target)
        found[option] = target
    return found


# --- Package size --------------------------------------------------------------------------------------------


def package_bytes(extra: Path | None = None, *, without: tuple[str, ...] = ()) -> int:
    """The deployment package as archive_file builds it: *.py and *.json under lambda_src/ (and the library)."""
    buffer = io.BytesIO()
    roots = [REPO / "lambda_src"] + ([extra] if extra else [])
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for root in roots:
            for pattern in ("*.py", "*.json"):
                for path in sorted(root.rglob(pattern)):
                    relative = path.relative_to(root)
                    if "__pycache__" in relative.parts or "tests" in relative.parts or path.name in without:
                        continue
                    if root == extra and relative.parts[0] != "phonenumbers":
                        continue
                    bundle.write(path, relative.as_posix())
    return len(buffer.getvalue())


# --- Cold start ----------------------------------------------------------------------------------------------

COLD_SCRIPT = """
import json, os, sys, time
started = time.perf_counter()
import ctr_enrichment.handler
init = time.perf_counter()
mode = sys.argv[1]
if mode == "table":
    from ctr_enrichment.phone import national_plan, to_national
    key = to_national("+81312345678", national_plan("JP"))
elif mode in ("lite", "full"):
    import phonenumbers
    number = phonenumbers.parse("+81312345678")
    key = "".join(c for c in phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL) if c.isdigit())
else:
    key = "+81312345678"
done = time.perf_counter()
print(json.dumps({"init_ms": (init - started) * 1000, "first_key_ms": (done - init) * 1000, "key": key}))
"""


def cold_start(mode: str, library: Path | None, rules: dict[str, Any]) -> dict[str, float]:
    """Median over fresh interpreters. The package and the library are copied afresh each run and no bytecode is
    written, so they compile from source as from Lambda's zip of sources; boto3 keeps its compiled cache, as in
    the runtime."""
    runs = []
    for _ in range(COLD_RUNS):
        with tempfile.TemporaryDirectory() as scratch:
            package = Path(scratch) / "package"
            shutil.copytree(REPO / "lambda_src", package, ignore=shutil.ignore_patterns("__pycache__", "tests"))
            if library is not None:
                shutil.copytree(
                    library / "phonenumbers", package / "phonenumbers", ignore=shutil.ignore_patterns("__pycache__")
                )
            environment = {
                **os.environ,
                "PYTHONPATH": str(package),
                "PYTHONDONTWRITEBYTECODE": "1",
                "ENRICHMENT_RULES": json.dumps([rules]),
                "AWS_DEFAULT_REGION": "ap-northeast-1",
                "LOG_LEVEL": "WARNING",
            }
            result = subprocess.run(
                [sys.executable, "-c", COLD_SCRIPT, mode], env=environment, capture_output=True, text=True, check=True
            )
            runs.append(json.loads(result.stdout))
    assert len({run["key"] for run in runs}) == 1 and runs[0]["key"] in ("0312345678", "+81312345678"), runs[0]
    return {
        "init_ms": statistics.median(run["init_ms"] for run in runs),
        "first_key_ms": statistics.median(run["first_key_ms"] for run in runs),
        "total_ms": statistics.median(run["init_ms"] + run["first_key_ms"] for run in runs),
    }


# --- Per record ----------------------------------------------------------------------------------------------

PER_RECORD_SCRIPT = """
import json, re, sys, time
sys.path[:0] = sys.argv[2:]
numbers = json.loads(sys.stdin.read())
import phonenumbers
from ctr_enrichment.phone import normalize_phone
fmt, national = phonenumbers.format_number, phonenumbers.PhoneNumberFormat.NATIONAL
digits = re.compile(r"\\D")
def convert(raw):
    number = phonenumbers.parse(normalize_phone(raw))
    if number.country_code != 81:
        return raw
    return digits.sub("", fmt(number, national))
for n in numbers[:200]:
    convert(n)  # the metadata of every country in the mix loaded
best = float("inf")
for _ in range(5):
    started = time.perf_counter()
    keys = [convert(n) for n in numbers]
    best = min(best, time.perf_counter() - started)
print(json.dumps({"ns_per_record": best / len(numbers) * 1e9, "keys": keys}))
"""


def per_record_library(library: Path, numbers: list[str]) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", PER_RECORD_SCRIPT, "library", str(library), str(REPO / "lambda_src")],
        input=json.dumps(numbers),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def per_record_lookup_key(rule_fields: dict[str, Any], numbers: list[str]) -> tuple[float, list[str | None]]:
    """Best of 5 passes of the function's own lookup_key over the CTRs, in ns per record."""
    (rule,) = parse_rules(json.dumps([rule_fields]))
    documents = [{"CustomerEndpoint": {"Address": n, "Type": "TELEPHONE_NUMBER"}} for n in numbers]
    keys = [lookup_key(rule, document) for document in documents]
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for document in documents:
            lookup_key(rule, document)
        best = min(best, time.perf_counter() - started)
    return best / len(documents) * 1e9, keys


def warm_handler_per_record(numbers: list[str]) -> dict[str, float]:
    """The warm handler's best time per record on one batch, for each rule, against dynalite (answers cached)."""
    import boto3

    from ctr_enrichment.phone import national_plan, to_national
    from ctr_enrichment_tools.harness import LambdaContext, cold_start, firehose_event
    from devtools.dynalite import Dynalite, create_table, put_items

    template = json.loads((REPO / "tests" / "events" / "ctr_inbound_voice.json").read_text(encoding="utf-8"))
    batch = firehose_event(
        [{**template, "CustomerEndpoint": {"Address": n, "Type": "TELEPHONE_NUMBER"}} for n in numbers[:1000]]
    )
    plan = national_plan("JP")
    functions = {}
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="ap-northeast-1")
    with Dynalite() as server:
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = server.endpoint
        client = boto3.client("dynamodb", endpoint_url=server.endpoint)
        for name, rule in (("e164", RULE), ("national", NATIONAL_RULE)):
            table = f"{TABLE}-{name}"
            create_table(client, table)
            known = numbers[:1000:2]
            keys = known if name == "e164" else [to_national(n, plan) for n in known]
            put_items(client, table, [{"number": k, "契約者会社名": f"会社{k[-4:]}"} for k in keys])
            functions[name] = cold_start(
                {"ENRICHMENT_RULES": json.dumps([{**rule, "table": table}]), "LOG_LEVEL": "ERROR"}
            )
        runs: dict[str, list[float]] = {name: [] for name in functions}
        with contextlib.redirect_stdout(io.StringIO()):  # the handler's log and metric lines
            for function in functions.values():
                function(batch, LambdaContext())  # the cache now holds every caller
            for _ in range(30):  # alternated, so that a busy moment of a shared CPU hits both alike
                for name, function in functions.items():
                    started = time.perf_counter()
                    function(batch, LambdaContext())
                    runs[name].append(time.perf_counter() - started)
    return {name: min(times) / len(batch["records"]) * 1e6 for name, times in runs.items()}


def main() -> None:
    rng = random.Random(14)
    numbers = callers(10_000, rng)
    wheels = wheel_dirs()
    print(json.dumps({"setup": {"python": sys.version.split()[0], "phonenumbers": version("phonenumbers")}}))

    baseline_zip = package_bytes(without=("numbering.json",))
    sizes = {"table": package_bytes()}
    for option, where in wheels.items():
        if isinstance(where, Path):
            sizes[option] = package_bytes(where)

    baseline_cold = cold_start("e164", None, RULE)
    colds = {"table": cold_start("table", None, NATIONAL_RULE)}
    for option, where in wheels.items():
        if isinstance(where, Path):
            colds[option] = cold_start(option, where, RULE)

    e164_ns, e164_keys = per_record_lookup_key(RULE, numbers)
    table_ns, table_keys = per_record_lookup_key(NATIONAL_RULE, numbers)
    per_record = {"table": table_ns}
    for option, where in wheels.items():
        if isinstance(where, Path):
            measured = per_record_library(where, numbers)
            assert measured["keys"] == table_keys, f"{option} and the table disagree"  # the same answer, always
            per_record[option] = measured["ns_per_record"]
    assert e164_keys != table_keys

    print(
        json.dumps(
            {
                "measurement": "baseline_e164_rule",
                "package_bytes": baseline_zip,
                "cold_start_ms": round(baseline_cold["total_ms"], 1),
                "init_ms": round(baseline_cold["init_ms"], 1),
                "lookup_key_ns_per_record": round(e164_ns),
            }
        )
    )
    for option in ("table", "lite", "full"):
        if option not in sizes:
            print(json.dumps({"measurement": f"national_{option}", "skipped": wheels[option]}))
            continue
        print(
            json.dumps(
                {
                    "measurement": f"national_{option}",
                    "package_bytes": sizes[option],
                    "package_added_bytes": sizes[option] - baseline_zip,
                    "package_ratio_to_baseline": round(sizes[option] / baseline_zip, 2),
                    # INIT (the handler's import, boto3 included) varies by tens of ms between fresh processes on a
                    # shared CPU; the first key after it is what the conversion itself costs a cold start.
                    "cold_start_ms": round(colds[option]["total_ms"], 1),
                    "init_ms": round(colds[option]["init_ms"], 1),
                    "first_key_ms": round(colds[option]["first_key_ms"], 2),
                    "first_key_ratio_to_baseline_init": round(
                        colds[option]["first_key_ms"] / baseline_cold["init_ms"], 3
                    ),
                    "ns_per_record": round(per_record[option]),
                    "per_record_ratio_to_baseline": round(per_record[option] / e164_ns, 2),
                    "per_record_ratio_to_table": round(per_record[option] / table_ns, 1),
                }
            )
        )
    warm = warm_handler_per_record(numbers)
    print(
        json.dumps(
            {
                "measurement": "warm_handler_per_record",
                "e164_us": round(warm["e164"], 2),
                "national_table_us": round(warm["national"], 2),
                "ratio": round(warm["national"] / warm["e164"], 3),
            }
        )
    )


if __name__ == "__main__":
    main()
