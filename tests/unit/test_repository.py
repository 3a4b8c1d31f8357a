"""The shape of the code around the function, read from its source: one harness, and tests that stand alone."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.support import REPO

HARNESS = REPO / "tools" / "ctr_enrichment_tools" / "harness.py"
# The harness, and its own tests, which spell out the shapes it builds.
HARNESS_AND_ITS_TESTS = (HARNESS, REPO / "tests" / "tools" / "test_harness.py")
PYTHON_ROOTS = ("lambda_src", "tools", "devtools", "benchmarks", "scripts", "tests")
# Each way the function is run outside Lambda, and the harness names it must take its context, cold start and
# events from (the demo runs the replay's).
HARNESS_USERS = {
    "tests/support/function.py": {"LambdaContext"},
    "tests/conftest.py": {"cold_start"},
    "benchmarks/measure.py": {"LambdaContext", "cold_start"},
    "benchmarks/run.py": {"firehose_event"},
    "tools/ctr_enrichment_tools/lambda_runner.py": {"LambdaContext", "cold_start"},
    "tools/ctr_enrichment_tools/replay.py": {"FirehoseEvents", "LambdaContext"},
    "tools/ctr_enrichment_tools/firehose_events.py": {"FirehoseEvents"},
}


def python_files() -> Iterator[Path]:
    for root in PYTHON_ROOTS:
        yield from (path for path in (REPO / root).rglob("*.py") if "vendor" not in path.parts)


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported_modules(tree: ast.Module) -> Iterator[str]:
    """Every module an import names, with ``from x import y`` counted as ``x`` and ``x.y``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def is_test_module(name: str) -> bool:
    last = name.rpartition(".")[2]
    return last.startswith("test_") or last == "conftest"


def test_no_test_module_imports_another_or_the_conftest() -> None:
    offenders = {
        f"{path.relative_to(REPO)} imports {name}"
        for path in (REPO / "tests").rglob("*.py")
        if "vendor" not in path.parts
        for name in imported_modules(parsed(path))
        if name.startswith("tests.") and is_test_module(name)
    }
    assert offenders == set()


def test_the_check_above_sees_an_import_of_a_test_module() -> None:
    tree = ast.parse("from tests.terraform.test_terraform_contract import plan\nimport tests.conftest\n")
    assert [name for name in imported_modules(tree) if is_test_module(name)] == [
        "tests.terraform.test_terraform_contract",
        "tests.conftest",
    ]


def test_tests_benchmark_demo_and_replay_run_the_function_through_the_one_harness() -> None:
    for relative, names in HARNESS_USERS.items():
        imported = {
            alias.name
            for node in ast.walk(parsed(REPO / relative))
            if isinstance(node, ast.ImportFrom) and node.module == "ctr_enrichment_tools.harness"
            for alias in node.names
        }
        assert names <= imported, f"{relative} does not take {sorted(names - imported)} from the harness"


def is_sys_modules(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "modules" and getattr(node.value, "id", None) == "sys"


def process_wide_resets(tree: ast.Module) -> Iterator[str]:
    """What a second context class, a second event builder or a cold-start trick would need."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "get_remaining_time_in_millis":
            yield "a Lambda context class"
        elif isinstance(node, ast.Dict) and any(
            isinstance(key, ast.Constant) and key.value == "approximateArrivalTimestamp" for key in node.keys
        ):
            yield "a Firehose record built by hand"
        elif isinstance(node, ast.Attribute) and node.attr in {"cache_clear", "import_module", "reload"}:
            yield f"a cold-start trick (.{node.attr})"
        elif isinstance(node, ast.Name) and node.id == "__import__":
            yield "a cold-start trick (__import__)"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_sys_modules(node.func.value):
            yield f"a cold-start trick (sys.modules.{node.func.attr})"
        elif isinstance(node, ast.Delete | ast.Assign) and any(
            isinstance(target, ast.Subscript) and is_sys_modules(target.value) for target in node.targets
        ):
            yield "a cold-start trick (sys.modules[...])"


def test_nothing_but_the_harness_fakes_lambda_and_nothing_resets_process_wide_state() -> None:
    found = {
        f"{path.relative_to(REPO)}: {what}"
        for path in python_files()
        if path not in HARNESS_AND_ITS_TESTS
        for what in process_wide_resets(parsed(path))
    }
    assert found == set()


def test_the_check_above_sees_each_kind_of_second_harness() -> None:
    tree = ast.parse(
        "class Context:\n    def get_remaining_time_in_millis(self): return 1\n"
        "record = {'recordId': '1', 'approximateArrivalTimestamp': 0, 'data': ''}\n"
        "sys.modules.pop('ctr_enrichment.handler')\ndel sys.modules['x']\nget_client.cache_clear()\n"
        "importlib.import_module('ctr_enrichment.handler')\nloaded = 'x' in sys.modules\n"
    )
    assert sorted(process_wide_resets(tree)) == [
        "a Firehose record built by hand",
        "a Lambda context class",
        "a cold-start trick (.cache_clear)",
        "a cold-start trick (.import_module)",
        "a cold-start trick (sys.modules.pop)",
        "a cold-start trick (sys.modules[...])",
    ]
