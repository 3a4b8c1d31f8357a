"""``ctr-enrichment load-customers``: a customer master into the lookup table, keyed as the function looks up.

1. The rules (``--rules``, as the function is configured) say which table, which key attribute and which key
   format: ``e164`` (``+81312345678``) or ``national`` with a country (``0312345678``); an email rule on the same
   table keys ``--email-column`` addresses.
2. The master is read (``customer_master``) and each number parsed (``customer_keys``): every phone column of a
   row gives its own key (代表 and 携帯 numbers both find the company), and every key gets the row's attributes.
3. A key two rows claim goes to the row that lists it in an earlier phone column (``--phone-column`` order, such
   as 代表 before 携帯), then to the earlier row; both are reported.
4. The table is read for these keys (``BatchGetItem``): a key whose item is already exactly this is left alone,
   so running the same master again writes nothing. With ``--prune`` the table's keys are scanned and those of
   the kinds this load writes (phone, email) that the master no longer has are deleted; other keys are left
   alone, and nothing is pruned while some number of the master did not parse (its old key would go).
5. ``--dry-run`` stops before writing and prints the same report.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TextIO

import boto3
from botocore.config import Config

from ctr_enrichment.config import ConfigError, Rule, parse_rules
from ctr_enrichment.enrichment import lookup_key
from ctr_enrichment_tools.chart import display_width, render_chart
from ctr_enrichment_tools.customer_keys import Key, NotAKey, PhoneKeys, email_key
from ctr_enrichment_tools.customer_master import Master, MasterRow, read_master
from ctr_enrichment_tools.errors import ToolError
from ctr_enrichment_tools.harness import patched_environ
from ctr_enrichment_tools.inputs import ReadProgress
from ctr_enrichment_tools.preflight import aws_environment, check_aws
from ctr_enrichment_tools.table_io import LookupTable
from ctr_enrichment_tools.terminal import ProgressBar

SHOWN_PROBLEMS = 20
SHOWN_KEYS = 10

DESCRIPTION = """\
Load a customer master (CSV, TSV, JSON or NDJSON) into the lookup table, keyed exactly as the function looks
callers up: the rules (--rules, as deployed) say the table, its key attribute and the key format (E.164, or the
national numbers of a country). Each phone column gives every row one key per number, whatever way the master
writes it (full-width, hyphens, parentheses, +81-..., spaces); --email-column keys addresses for an email rule.
Re-running the same master changes nothing."""

EPILOG = """\
examples:
  ctr-enrichment load-customers customers.csv --rules "$(terraform output -raw enrichment_rules)" \\
      --phone-column 代表電話 --phone-column 携帯電話 --attribute 契約者会社名 --attribute Tier=ランク --dry-run
  ctr-enrichment load-customers export.json --rules @rules.json --phone-column phone --country GB --prune

keys no longer in the master: without --prune they stay in the table, so a number a customer gave up keeps
matching its old company (and a new owner of the number is shown as that company). --prune deletes them: only
keys of the kinds this load writes (phone numbers, and addresses with --email-column), only in the rule's
table, and not while some number of the master did not parse; --dry-run lists what it would delete.

AWS: the default credential chain (or --profile), dynamodb:BatchGetItem and dynamodb:BatchWriteItem on the
table, dynamodb:Scan with --prune. --dry-run reads the table and writes nothing.

exit status: 0 when every number and address parsed and everything was written, 1 when some did not parse
(the rest is written) or the load failed, 2 for a usage error.
"""


class LoadError(ToolError):
    """The load cannot start or finish: bad rules, a column the master lacks, a table DynamoDB refuses."""


class UsageError(LoadError):
    exit_status = 2


@dataclass(slots=True)
class LoadOptions:
    master: str
    rules: str  # the ENRICHMENT_RULES JSON document
    phone_columns: list[str] = field(default_factory=list)
    email_columns: list[str] = field(default_factory=list)
    attributes: list[str] | None = None  # ATTRIBUTE=COLUMN or COLUMN; None: every other column
    rule: str | None = None
    country: str | None = None
    encoding: str = "auto"
    format: str = "auto"
    dry_run: bool = False
    prune: bool = False
    endpoint_url: str | None = None
    region: str | None = None
    profile: str | None = None
    progress: bool = False
    columns: int = 80
    ascii_only: bool = False


@dataclass(frozen=True, slots=True)
class Claim:
    key: str
    row: MasterRow
    column: str
    rank: int  # the column's place among --phone-column / --email-column: lower wins
    item: dict[str, Any]  # the row's attributes, without the key


@dataclass(frozen=True, slots=True)
class Problem:
    location: str
    column: str
    value: str
    why: str


@dataclass(slots=True)
class LoadPlan:
    """What the master asks of the table, before DynamoDB is asked anything."""

    master: Master
    phone_rule: Rule | None
    email_rule: Rule | None
    table: str
    key: str
    country: str | None
    attributes: list[tuple[str, str]]  # (table attribute, master column)
    phone_columns: list[str] = field(default_factory=list)
    email_columns: list[str] = field(default_factory=list)
    claims: dict[str, Claim] = field(default_factory=dict)  # key -> the winning claim
    conflicts: list[tuple[Claim, Claim]] = field(default_factory=list)  # (winner, loser), different data
    same_data: int = 0  # keys listed more than once with the same data
    values: int = 0  # cells with a number or an address
    empty: int = 0  # cells without one
    not_parsed: list[Problem] = field(default_factory=list)
    forms: Counter[str] = field(default_factory=Counter)
    form_examples: dict[str, str] = field(default_factory=dict)
    unread_attributes: list[str] = field(default_factory=list)  # what the rules copy that the load does not write

    def item(self, key: str) -> dict[str, Any]:
        return {**self.claims[key].item, self.key: key}


@dataclass(slots=True)
class TableChanges:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    stale: list[str] = field(default_factory=list)  # keys of this load's kinds that the master no longer has
    other_kinds: list[str] = field(default_factory=list)  # keys of other kinds: never pruned
    pruned: bool = False  # the stale keys are (to be) deleted
    prune_refused: str = ""  # why --prune was not carried out


# --- The plan --------------------------------------------------------------------------------------------------


def choose_rules(
    rules: Sequence[Rule], name: str | None, phones: bool, emails: bool
) -> tuple[Rule | None, Rule | None]:
    """The phone rule and the email rule whose table the load writes, from --rule or the only candidate."""
    if name is not None:
        chosen = next((rule for rule in rules if rule.name == name), None)
        if chosen is None:
            raise UsageError(f"--rule {name!r}: no such rule; the rules are {', '.join(r.name for r in rules)}")
        if chosen.normalize not in ("phone", "email"):
            raise UsageError(f"--rule {name!r} has normalize = {chosen.normalize!r}: choose a phone or an email rule")
        candidates = [rule for rule in rules if rule.table == chosen.table]
        phone = chosen if chosen.normalize == "phone" else next((r for r in candidates if r.normalize == "phone"), None)
        email = chosen if chosen.normalize == "email" else next((r for r in candidates if r.normalize == "email"), None)
    else:
        wanted = "phone" if phones else "email"
        matching = [rule for rule in rules if rule.normalize == wanted]
        tables = list(dict.fromkeys(rule.table for rule in matching))
        if not matching:
            raise UsageError(f"the rules have no {wanted} rule (normalize = {wanted!r}) to load keys for")
        if len(tables) > 1:
            names = ", ".join(rule.name for rule in matching)
            raise UsageError(f"{wanted} rules {names} read different tables: choose one with --rule")
        phone = next((rule for rule in rules if rule.normalize == "phone" and rule.table == tables[0]), None)
        email = next((rule for rule in rules if rule.normalize == "email" and rule.table == tables[0]), None)
    table = (phone or email).table  # type: ignore[union-attr]
    if phones and phone is None:
        raise UsageError(f"--phone-column: no phone rule reads table {table!r}, so no caller would find these keys")
    if emails and email is None:
        raise UsageError(f"--email-column: no rule with normalize = 'email' reads table {table!r}")
    return (phone if phones else None), (email if emails else None)


def _attribute_pairs(options: LoadOptions, master: Master, key: str, key_columns: set[str]) -> list[tuple[str, str]]:
    if options.attributes is None:
        return [(column, column) for column in master.columns if column not in key_columns and column != key]
    pairs = []
    for entry in options.attributes:
        attribute, separator, column = entry.partition("=")
        pair = (attribute, column) if separator else (attribute, attribute)
        if not pair[0] or not pair[1]:
            raise UsageError(f"--attribute {entry!r}: write ATTRIBUTE=COLUMN, or COLUMN for the same name")
        if pair[0] == key:
            raise UsageError(f"--attribute {entry!r}: {key!r} is the table's key; the loader writes it itself")
        pairs.append(pair)
    return pairs


def _check_columns(master: Master, wanted: Sequence[tuple[str, str]]) -> None:
    for option, column in wanted:
        if column not in master.columns:
            shown = ", ".join(master.columns[:30]) or "(none)"
            raise LoadError(f"{option} {column!r}: {master.name} has no such column; its columns are {shown}")


def _cells(value: Any) -> list[str]:
    """The numbers or addresses in one cell: a text, a JSON number (a spreadsheet's 312345678), or a list."""
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, list):
        return [text for element in value for text in _cells(element)]
    if isinstance(value, int | float | Decimal):
        return [str(value)]
    text = str(value).strip() if isinstance(value, str) else ""
    return [text] if text else []


def _attribute_value(value: Any) -> Any:
    """What a cell becomes in the item; None leaves the attribute out (an empty cell is no value)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value.strip() if isinstance(value, str) else value


def build_plan(options: LoadOptions, master: Master, rules: Sequence[Rule]) -> LoadPlan:
    phone_rule, email_rule = choose_rules(rules, options.rule, bool(options.phone_columns), bool(options.email_columns))
    main = phone_rule or email_rule
    assert main is not None  # noqa: S101 - choose_rules raises otherwise
    country = options.country or (phone_rule.country if phone_rule else None)
    key_columns = set(options.phone_columns) | set(options.email_columns)
    attributes = _attribute_pairs(options, master, main.key, key_columns)
    _check_columns(
        master,
        [("--phone-column", c) for c in options.phone_columns]
        + [("--email-column", c) for c in options.email_columns]
        + [("--attribute", column) for _, column in attributes],
    )
    plan = LoadPlan(
        master,
        phone_rule,
        email_rule,
        main.table,
        main.key,
        country,
        attributes,
        list(options.phone_columns),
        list(options.email_columns),
    )
    written = {attribute for attribute, _ in attributes}
    for rule in (phone_rule, email_rule):
        if rule is not None and rule.attributes:
            plan.unread_attributes += [a for _, a in rule.attributes if a not in written and a != main.key]
    phones = PhoneKeys(phone_rule, country) if phone_rule else None
    columns = [(c, phones.key) for c in options.phone_columns] if phones else []
    columns += [(c, email_key) for c in options.email_columns]
    for row in master.rows:
        item = {a: v for a, column in attributes if (v := _attribute_value(row.values.get(column))) is not None}
        seen: set[str] = set()
        for rank, (column, make_key) in enumerate(columns):
            texts = _cells(row.values.get(column))
            if not texts:
                plan.empty += 1
            for text in texts:
                plan.values += 1
                try:
                    key: Key = make_key(text)
                except NotAKey as why:
                    plan.not_parsed.append(Problem(master.location(row), column, text, str(why)))
                    continue
                plan.forms[key.form] += 1
                plan.form_examples.setdefault(key.form, text)
                if key.key not in seen:
                    seen.add(key.key)
                    _claim(plan, Claim(key.key, row, column, rank, item))
    return plan


def _claim(plan: LoadPlan, claim: Claim) -> None:
    held = plan.claims.get(claim.key)
    if held is None:
        plan.claims[claim.key] = claim
        return
    if held.item == claim.item:
        plan.same_data += 1
        return
    winner, loser = (claim, held) if claim.rank < held.rank else (held, claim)
    plan.claims[claim.key] = winner
    plan.conflicts.append((winner, loser))


# --- The table -------------------------------------------------------------------------------------------------


def _owned(rule: Rule, key: str) -> bool:
    """Whether ``key`` is of the rule's kind: a key the rule looks up exactly as it is (phone, email)."""
    document: dict[str, Any] = {}
    node = document
    for segment in rule.source[:-1]:
        node = node.setdefault(segment, {})
    node[rule.source[-1]] = key
    return lookup_key(dataclasses.replace(rule, endpoint_types=None), document) == key


def compare(plan: LoadPlan, table: LookupTable, prune: bool) -> TableChanges:
    changes = TableChanges()
    existing = table.get(plan.claims)
    for key in plan.claims:
        held = existing.get(key)
        if held is None:
            changes.new.append(key)
        elif held != plan.item(key):
            changes.changed.append(key)
        else:
            changes.unchanged += 1
    if prune:
        kinds = [rule for rule in (plan.phone_rule, plan.email_rule) if rule is not None]
        for key in table.scan_keys():
            if key in plan.claims:
                continue
            (changes.stale if any(_owned(rule, key) for rule in kinds) else changes.other_kinds).append(key)
        if plan.not_parsed:
            changes.prune_refused = (
                f"{len(plan.not_parsed):,} value(s) did not parse, and the keys they stand for would go: fix them first"
            )
        elif not plan.claims:
            changes.prune_refused = "the master gave no key at all, and pruning would empty the table"
        else:
            changes.pruned = True
    return changes


def connect(options: LoadOptions, rule: Rule) -> LookupTable:
    """The table, after the region, the credentials and the table itself were checked (one line if not)."""
    session = boto3.session.Session()
    config = Config(connect_timeout=3, read_timeout=10, retries={"mode": "standard", "max_attempts": 5})
    check_aws([rule], options.endpoint_url)
    return LookupTable(session.client("dynamodb", config=config), rule.table, rule.key)


# --- The command -----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class LoadResult:
    plan: LoadPlan
    changes: TableChanges
    written: bool  # False for --dry-run
    calls: dict[str, int]

    @property
    def succeeded(self) -> bool:
        return not self.plan.not_parsed


def run_load(options: LoadOptions, stdout: TextIO, stderr: TextIO) -> LoadResult:
    try:
        rules = parse_rules(options.rules)
    except ConfigError as error:
        raise LoadError(f"invalid rules: {error}") from None
    if not options.phone_columns and not options.email_columns:
        raise UsageError("name the numbers to key by: --phone-column COLUMN (or --email-column COLUMN)")
    master = read_master(options.master, encoding=options.encoding, format=options.format)
    plan = build_plan(options, master, rules)
    with patched_environ(aws_environment(options.endpoint_url, options.region, options.profile)):
        table = connect(options, plan.phone_rule or plan.email_rule)  # type: ignore[arg-type]
        changes = compare(plan, table, options.prune)
        if not options.dry_run:
            puts = [plan.item(key) for key in changes.new + changes.changed]
            deletes = changes.stale if changes.pruned else []
            progress = ReadProgress(len(puts) + len(deletes))  # in items, not bytes
            bar = ProgressBar(stderr, progress, enabled=options.progress)

            def advance(done: int) -> None:
                progress.done_bytes = done
                bar.update(f"{done:,} of {len(puts) + len(deletes):,} items written")

            table.write(puts, deletes, advance)
            bar.clear()
    result = LoadResult(plan, changes, not options.dry_run, dict(table.calls))
    stdout.write(render_report(result, columns=options.columns, ascii_only=options.ascii_only))
    return result


# --- The report ------------------------------------------------------------------------------------------------


def _name(claim: Claim, plan: LoadPlan) -> str:
    """A row as the report names it: where it is, and its first attribute (the company, usually)."""
    label = next((str(v) for v in claim.item.values() if isinstance(v, str | int)), "")
    return f"{plan.master.location(claim.row)} {claim.column}" + (f" ({label})" if label else "")


def _describe_rule(plan: LoadPlan) -> str:
    rule = plan.phone_rule
    if rule is None:
        return "email addresses, trimmed and in lower case"
    if rule.key_format == "national":
        return f"{rule.country}'s national numbers (0312345678), others in E.164"
    return "numbers in E.164 (+81312345678)"


def render_report(result: LoadResult, *, columns: int = 80, ascii_only: bool = False) -> str:
    plan, changes = result.plan, result.changes
    master = plan.master
    rules = [rule.name for rule in (plan.phone_rule, plan.email_rule) if rule]
    names = ("rules " if len(rules) > 1 else "rule ") + " and ".join(rules)
    keyed = [f"{len(plan.master.rows):,} rows"]
    if plan.phone_columns:
        keyed.append(f"phone {', '.join(plan.phone_columns)}")
    if plan.email_columns:
        keyed.append(f"email {', '.join(plan.email_columns)}")
    lines = [
        f"Customer master {master.name} ({master.format.upper()}, {master.encoding}): {'; '.join(keyed)}",
        f"Table {plan.table}, key {plan.key}, for {names}: {_describe_rule(plan)}",
    ]
    if plan.phone_rule:
        lines.append(f"Numbers without a country code are read as {plan.country or '(none: pass --country)'}")
    lines += [
        "",
        f"  Rows             {len(master.rows):>7,}",
        f"  {'Values' if plan.email_columns else 'Numbers':<16} {plan.values:>7,}   "
        f"{plan.values - len(plan.not_parsed):,} parsed, {len(plan.not_parsed):,} did not; {plan.empty:,} empty cells",
        f"  Keys             {len(plan.claims):>7,}   new {len(changes.new):,}, changed {len(changes.changed):,}, "
        f"unchanged {changes.unchanged:,}",
        f"  Claimed twice    {len(plan.conflicts):>7,}   and {plan.same_data:,} listed twice with the same data",
    ]
    lines.append(_prune_line(changes))
    if result.written:
        puts = len(changes.new) + len(changes.changed)
        deletes = len(changes.stale) if changes.pruned else 0
        calls = result.calls["BatchWriteItem"]
        lines.append(
            f"  Written          {puts + deletes:>7,}   {puts:,} put, {deletes:,} deleted, in {calls:,} BatchWriteItem"
        )
    else:
        lines.append("  Dry run: nothing written")
    if plan.unread_attributes:
        lines.append(
            f"  Note: the rules copy {', '.join(map(repr, plan.unread_attributes))}, which this load does not write"
        )
    lines.append("")
    lines.extend(_forms_chart(plan, columns, ascii_only))
    lines.extend(_problems(plan))
    lines.extend(_conflicts(plan))
    lines.extend(_stale(changes, result.written))
    return "\n".join(lines) + "\n"


def _prune_line(changes: TableChanges) -> str:
    stale = len(changes.stale)
    if changes.prune_refused:
        return f"  Prune            {0:>7,}   refused: {changes.prune_refused}"
    if changes.pruned:
        left = len(changes.other_kinds)
        return f"  Prune            {stale:>7,}   keys no longer in the master; {left:,} keys of other kinds left alone"
    return "  Prune                  -   not asked: keys no longer in the master stay (--prune deletes them)"


def _forms_chart(plan: LoadPlan, columns: int, ascii_only: bool) -> list[str]:
    if not plan.forms:
        return ["Written forms: none (nothing parsed)"]
    ranked = sorted(plan.forms.items(), key=lambda item: (-item[1], item[0]))
    return render_chart(
        "How the master writes them (what parsed, with its first example)",
        [(form, count, True) for form, count in ranked],
        columns=columns,
        ascii_only=ascii_only,
        notes=[plan.form_examples[form] for form, _ in ranked],
    )


def _problems(plan: LoadPlan) -> list[str]:
    if not plan.not_parsed:
        return []
    lines = ["", f"Did not parse ({len(plan.not_parsed):,}): not written; fix them in the master"]
    for problem in plan.not_parsed[:SHOWN_PROBLEMS]:
        lines.append(f"  {problem.location}  {problem.column} {problem.value!r}: {problem.why}")
    if len(plan.not_parsed) > SHOWN_PROBLEMS:
        lines.append(f"  … and {len(plan.not_parsed) - SHOWN_PROBLEMS:,} more")
    return lines


def _conflicts(plan: LoadPlan) -> list[str]:
    if not plan.conflicts:
        return []
    lines = [
        "",
        f"Claimed by two rows ({len(plan.conflicts):,}): the earlier --phone-column wins, then the earlier row",
    ]
    for winner, loser in plan.conflicts[:SHOWN_PROBLEMS]:
        lines.append(f"  {winner.key}  {_name(winner, plan)} wins")
        lines.append(f"  {' ' * display_width(winner.key)}  over {_name(loser, plan)}")
    if len(plan.conflicts) > SHOWN_PROBLEMS:
        lines.append(f"  … and {len(plan.conflicts) - SHOWN_PROBLEMS:,} more")
    return lines


def _stale(changes: TableChanges, written: bool) -> list[str]:
    if not changes.stale or not (changes.pruned or changes.prune_refused):
        return []
    if changes.prune_refused:
        verb = "Not pruned"
    else:
        verb = "Deleted" if written else "Would delete (--prune without --dry-run)"
    lines = ["", f"{verb} ({len(changes.stale):,}): keys in the table that the master no longer has"]
    lines.extend(f"  {key}" for key in changes.stale[:SHOWN_KEYS])
    if len(changes.stale) > SHOWN_KEYS:
        lines.append(f"  … and {len(changes.stale) - SHOWN_KEYS:,} more")
    return lines
