"""The ingest pipeline's script, checked three ways without an OpenSearch server.

1. **The script itself, on the JDK.** The Painless source is written in the subset of Painless that is also Java
   (typed locals, ``Map.get``/``put``, casts, double-quoted strings), so this test wraps its exact text in a Java
   method taking ``ctx`` and ``params`` as maps, compiles it with the JDK here and runs it on the test vectors.
   The date and time calls (``ZonedDateTime.parse``, ``withZoneSameInstant``, ``ZoneId.of``,
   ``DateTimeFormatter.ofPattern``, ``toInstant().toEpochMilli()``) are the JDK's own ``java.time``, which is what
   Painless calls too.
2. **A Python model** of the same logic (``model`` in tests/support/ingest_pipeline.py), run on the same vectors,
   so a change to one without the other fails, and the model can stand for the script in other tests.
3. **The vectors' expectations are written by hand** (tests/events/ingest_pipeline_vectors.json): a time zone
   without daylight saving time (Asia/Tokyo) and one with it (America/New_York, both transitions), milliseconds,
   explicit offsets, transfer legs, agent events and malformed timestamps.

What stays unverified here (see the README's "At-least-once delivery"): that Painless compiles this text (the
Painless grammar and its allow-list of classes and methods in the ingest context are not the JDK's), and what
OpenSearch does with the metadata the script sets (``_index``, ``_id``, ``_version``, ``_version_type``). Those
rest on OpenSearch's source and documentation, cited in the README.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ctr_enrichment_tools import opensearch_bodies as bodies
from tests.support import EVENTS
from tests.support.ingest_pipeline import ScriptError, model

VECTORS = json.loads((EVENTS / "ingest_pipeline_vectors.json").read_text(encoding="utf-8"))["vectors"]
SHOWN = ("_index", "_id", "_version", "_version_type", "ContactKey")


def shown(ctx: dict[str, Any]) -> dict[str, Any]:
    return {key: ctx[key] for key in SHOWN if key in ctx}


def expected(vector: dict[str, Any]) -> Any:
    return vector["expected"] if vector["expected"] == "error" else shown(vector["expected"])


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])
def test_the_model_gives_the_hand_written_answer(vector: dict[str, Any]) -> None:
    ctx = {**vector["metadata"], **vector["document"]}
    try:
        result: Any = shown(model(ctx, vector["params"]))
    except ScriptError:
        result = "error"
    assert result == expected(vector)
    if result != "error":
        # The document itself is never changed, only ContactKey added.
        out = model(ctx, vector["params"])
        assert {k: v for k, v in out.items() if not k.startswith("_") and k != "ContactKey"} == vector["document"]


# --- The script on the JDK --------------------------------------------------------------------------------------


def java_literal(value: Any) -> str:
    """A Java expression for a JSON value (strings, integers, null) in a vector."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        raise TypeError("no booleans in the vectors")
    if isinstance(value, int):
        return f"Long.valueOf({value}L)"
    if isinstance(value, str):
        return json.dumps(value)  # ASCII with \\uXXXX escapes: also a Java string literal
    raise TypeError(f"unsupported vector value {value!r}")


def java_program(source: str, vectors: list[dict[str, Any]]) -> str:
    cases = []
    for vector in vectors:
        puts = "".join(
            f"ctx.put({json.dumps(key)}, {java_literal(value)}); "
            for key, value in {**vector["metadata"], **vector["document"]}.items()
        )
        params = "".join(
            f"params.put({json.dumps(key)}, {java_literal(value)}); " for key, value in vector["params"].items()
        )
        cases.append(
            "    { Map<String, Object> ctx = new HashMap<>(); Map<String, Object> params = new HashMap<>(); "
            f"{puts}{params}run({json.dumps(vector['name'])}, ctx, params); }}\n"
        )
    body = "\n".join("    " + line for line in source.splitlines())
    return (
        "import java.time.*;\nimport java.time.format.*;\nimport java.util.*;\n\n"
        "public class PipelineScript {\n"
        "  static void execute(Map<String, Object> ctx, Map<String, Object> params) {\n"
        f"{body}\n"
        "  }\n\n"
        "  static void run(String name, Map<String, Object> ctx, Map<String, Object> params) {\n"
        "    StringBuilder line = new StringBuilder(name);\n"
        "    try {\n"
        "      execute(ctx, params);\n"
        f"      for (String key : new String[] {{{', '.join(json.dumps(key) for key in SHOWN)}}}) {{\n"
        "        if (ctx.containsKey(key)) {\n"
        "          Object value = ctx.get(key);\n"
        '          line.append("\\t").append(key).append("=").append(value.getClass().getSimpleName())'
        '.append(":").append(value);\n'
        "        }\n"
        "      }\n"
        "    } catch (RuntimeException e) {\n"
        '      line.append("\\terror=").append(e.getClass().getSimpleName());\n'
        "    }\n"
        "    System.out.println(line);\n"
        "  }\n\n"
        "  public static void main(String[] args) {\n"
        f"{''.join(cases)}"
        "  }\n"
        "}\n"
    )


def java_results(output: str) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for line in output.splitlines():
        name, *fields = line.split("\t")
        parsed: dict[str, Any] = {}
        for item in fields:
            key, _, typed = item.partition("=")
            if key == "error":
                parsed = {"error": typed}
                break
            kind, _, value = typed.partition(":")
            parsed[key] = int(value) if kind == "Long" else value
            assert kind in ("String", "Long"), (name, key, kind)  # _version must be a Number (IngestService)
        results[name] = "error" if "error" in parsed else parsed
    return results


@pytest.fixture(scope="module")
def jdk() -> str:
    java = shutil.which("java")
    assert java is not None, "the JDK (java 17+) runs the pipeline script; .ci/run installs it"
    return java


@pytest.fixture(scope="module")
def script_results(jdk: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    workdir = tmp_path_factory.mktemp("painless")
    program = workdir / "PipelineScript.java"
    program.write_text(java_program(bodies.painless_source(), VECTORS), encoding="utf-8")
    # Java 11+ compiles and runs a single source file; the script's text is compiled as it is sent.
    result = subprocess.run(
        [jdk, "-Duser.timezone=UTC", str(program)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return java_results(result.stdout)


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])
def test_the_script_itself_gives_the_hand_written_answer_on_the_jdk(
    vector: dict[str, Any], script_results: dict[str, Any]
) -> None:
    assert script_results[vector["name"]] == expected(vector)


def test_the_installed_pipeline_runs_exactly_that_script() -> None:
    engine = bodies.Engine("opensearch", (2, 19, 0))
    pipeline = bodies.ingest_pipeline(bodies.Deployment(time_zone="Asia/Tokyo"), engine)
    (processor,) = pipeline["processors"]
    assert set(processor) == {"script"}
    assert processor["script"]["source"] == bodies.painless_source()
    assert "//" not in processor["script"]["source"]
    assert processor["script"]["params"] == {"daily_index_prefix": "ctr-", "time_zone": "Asia/Tokyo"}
    assert processor["script"]["lang"] == "painless"


def test_a_broken_script_is_caught_by_the_jdk(jdk: str, tmp_path: Path) -> None:
    # The JDK check can fail: a script that forgets the time zone puts Tokyo's midnight on the UTC day.
    broken = bodies.painless_source().replace('.withZoneSameInstant(ZoneId.of((String) params.get("time_zone")))', "")
    assert broken != bodies.painless_source()
    program = tmp_path / "PipelineScript.java"
    program.write_text(java_program(broken, VECTORS), encoding="utf-8")
    result = subprocess.run([jdk, str(program)], capture_output=True, text=True, timeout=120, check=True)
    name = "tokyo_midnight_is_the_next_day_although_firehose_says_the_20th"
    assert java_results(result.stdout)[name]["_index"] == "ctr-2026-11-20"
