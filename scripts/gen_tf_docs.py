#!/usr/bin/env python3
"""Generate the README's inputs and outputs tables from the module's `variable` and `output` blocks.

    python3 scripts/gen_tf_docs.py            rewrite README.md between <!-- BEGIN_TF_DOCS --> and <!-- END_TF_DOCS -->
    python3 scripts/gen_tf_docs.py --check    exit 1 (and say so) when README.md is out of date

Standard library only, so it runs before any virtualenv exists. The HCL reader below understands exactly
what these blocks need: quoted strings with escapes and `${...}` templates, heredocs, the three comment
styles, nested blocks (`validation { ... }`) and multi-line expressions. It keeps `type` and `default`
as written in the source, which is what a reader of the table wants to see.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path

BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"
ROOT = Path(__file__).resolve().parents[1]

_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_]*)[ \t]*\n")
_BLOCK_HEADER = re.compile(r"(variable|output)[ \t]+\"([^\"]+)\"[ \t]*\{")
_ATTRIBUTE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)[ \t]*=(?!=)")
_NESTED_BLOCK = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)([ \t]+\"[^\"]*\")*[ \t]*\{")
_OPENERS = {"{": "}", "[": "]", "(": ")"}


class HclError(ValueError):
    """The file is not the HCL this reader understands."""


@dataclass(frozen=True)
class Block:
    kind: str  # "variable" or "output"
    name: str
    attributes: dict[str, str]  # attribute name -> expression source text


@dataclass(frozen=True)
class Variable:
    name: str
    description: str
    type: str
    default: str | None  # None: no default, the input is required


@dataclass(frozen=True)
class Output:
    name: str
    description: str


def _skip_literal(text: str, i: int) -> int | None:
    """If a string, heredoc or comment starts at i, return the index just after it."""
    if text.startswith('"', i):
        return _skip_string(text, i)
    if text.startswith("<<", i):
        match = _HEREDOC.match(text, i)
        if match:
            marker = match.group(2)
            end = re.compile(rf"^[ \t]*{re.escape(marker)}[ \t]*$", re.MULTILINE).search(text, match.end())
            if end is None:
                raise HclError(f"heredoc <<{marker} is never closed")
            return end.end()
    if text.startswith("#", i) or text.startswith("//", i):
        newline = text.find("\n", i)
        return len(text) if newline < 0 else newline
    if text.startswith("/*", i):
        end = text.find("*/", i + 2)
        if end < 0:
            raise HclError("/* comment is never closed")
        return end + 2
    return None


def _skip_string(text: str, i: int) -> int:
    """Skip a quoted string starting at i, including `${ ... }` templates that hold strings themselves."""
    j = i + 1
    while j < len(text):
        char = text[j]
        if char == "\\":
            j += 2
            continue
        if char == '"':
            return j + 1
        if char == "\n":
            raise HclError("newline in a quoted string")
        if text.startswith("${", j) or text.startswith("%{", j):
            j = _skip_balanced(text, j + 1)
            continue
        j += 1
    raise HclError("quoted string is never closed")


def _skip_balanced(text: str, i: int) -> int:
    """text[i] is an opening bracket: return the index just after its matching closing bracket."""
    stack = [_OPENERS[text[i]]]
    j = i + 1
    while j < len(text):
        after = _skip_literal(text, j)
        if after is not None:
            j = after
            continue
        char = text[j]
        if char in _OPENERS:
            stack.append(_OPENERS[char])
        elif char in "}])":
            if char != stack.pop():
                raise HclError(f"unbalanced {char!r}")
            if not stack:
                return j + 1
        j += 1
    raise HclError("bracket is never closed")


def _expression_end(text: str, i: int) -> int:
    """An attribute's expression starts at i and ends at the first newline outside brackets."""
    j = i
    while j < len(text):
        after = _skip_literal(text, j)
        if after is not None:
            # A comment ends the expression; a heredoc or string is part of it.
            if text.startswith(("#", "//"), j):
                return j
            j = after
            continue
        char = text[j]
        if char in _OPENERS:
            j = _skip_balanced(text, j)
            continue
        if char == "\n":
            return j
        j += 1
    return j


def _body_attributes(body: str) -> dict[str, str]:
    """Top-level `name = expression` pairs of a block body; nested blocks are skipped."""
    attributes: dict[str, str] = {}
    i = 0
    while i < len(body):
        if body[i] in " \t\r\n":
            i += 1
            continue
        after = _skip_literal(body, i)
        if after is not None:
            i = after
            continue
        attribute = _ATTRIBUTE.match(body, i)
        if attribute:
            start = attribute.end()
            end = _expression_end(body, start)
            attributes[attribute.group(1)] = body[start:end].strip()
            i = end
            continue
        nested = _NESTED_BLOCK.match(body, i)
        if nested:
            i = _skip_balanced(body, nested.end() - 1)
            continue
        raise HclError(f"unexpected text in block body: {body[i : i + 40]!r}")
    return attributes


def parse_blocks(text: str) -> list[Block]:
    """Every top-level `variable` and `output` block of a .tf file, in source order."""
    blocks: list[Block] = []
    i = 0
    while i < len(text):
        after = _skip_literal(text, i)
        if after is not None:
            i = after
            continue
        at_line_start = i == 0 or text[i - 1] in "\n"
        header = _BLOCK_HEADER.match(text, i) if at_line_start else None
        if header:
            end = _skip_balanced(text, header.end() - 1)
            body = text[header.end() : end - 1]
            blocks.append(Block(header.group(1), header.group(2), _body_attributes(body)))
            i = end
            continue
        if text[i] in _OPENERS:
            i = _skip_balanced(text, i)
            continue
        i += 1
    return blocks


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def string_value(expression: str) -> str:
    """The value of a string literal expression: a quoted string or a heredoc (no templates)."""
    heredoc = _HEREDOC.match(expression)
    if heredoc:
        lines = expression[heredoc.end() :].splitlines()[:-1]
        if heredoc.group(1):  # <<- strips the common indentation
            indent = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
            lines = [line[indent:] for line in lines]
        return "\n".join(lines)
    if not (expression.startswith('"') and expression.endswith('"')) or len(expression) < 2:
        raise HclError(f"expected a string literal, got {expression!r}")
    out: list[str] = []
    body = expression[1:-1]
    i = 0
    while i < len(body):
        if body[i] == "\\":
            code = body[i + 1 : i + 2]
            if code == "u":
                out.append(chr(int(body[i + 2 : i + 6], 16)))
                i += 6
                continue
            if code not in _ESCAPES:
                raise HclError(f"unknown escape \\{code} in {expression!r}")
            out.append(_ESCAPES[code])
            i += 2
            continue
        if body.startswith(("$${", "%%{"), i):
            out.append(body[i + 1 : i + 3])
            i += 3
            continue
        if body.startswith(("${", "%{"), i):
            raise HclError(f"templates are not supported in descriptions: {expression!r}")
        out.append(body[i])
        i += 1
    return "".join(out)


def read_module(directory: Path) -> tuple[list[Variable], list[Output]]:
    """The module's inputs and outputs, from every .tf file in the directory, sorted by name."""
    variables: list[Variable] = []
    outputs: list[Output] = []
    for path in sorted(directory.glob("*.tf")):
        try:
            blocks = parse_blocks(path.read_text(encoding="utf-8"))
        except HclError as error:
            raise HclError(f"{path.name}: {error}") from None
        for block in blocks:
            description = string_value(block.attributes["description"]) if "description" in block.attributes else ""
            if block.kind == "variable":
                type_ = block.attributes.get("type", "any")
                variables.append(Variable(block.name, description, type_, block.attributes.get("default")))
            else:
                outputs.append(Output(block.name, description))
    return sorted(variables, key=lambda v: v.name), sorted(outputs, key=lambda o: o.name)


def _cell_text(text: str) -> str:
    """Prose for a table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _cell_code(source: str) -> str:
    """An expression for a table cell: inline code, or a <pre> block when it spans lines."""
    source = source.strip()
    if "\n" not in source and "`" not in source:
        return "`" + source.replace("|", "\\|") + "`"
    lines = [html.escape(line, quote=False).replace("|", "&#124;") for line in _dedent(source.splitlines())]
    return "<pre>" + "<br/>".join(lines) + "</pre>"


def _dedent(lines: list[str]) -> list[str]:
    """Remove the indentation the expression's continuation lines share (the first line has none)."""
    rest = [line for line in lines[1:] if line.strip()]
    if not rest:
        return lines
    closing = len(lines[-1]) - len(lines[-1].lstrip())
    return [lines[0]] + [line[closing:] if line[:closing].strip() == "" else line.lstrip() for line in lines[1:]]


def render(variables: list[Variable], outputs: list[Output]) -> str:
    """The Markdown that goes between the BEGIN_TF_DOCS and END_TF_DOCS markers."""
    lines = [
        "## Inputs",
        "",
        "| Name | Description | Type | Default | Required |",
        "|------|-------------|------|---------|:--------:|",
    ]
    for v in variables:
        default = "n/a" if v.default is None else _cell_code(v.default)
        required = "yes" if v.default is None else "no"
        lines.append(
            f'| <a name="input_{v.name}"></a> [{v.name}](#input_{v.name}) | {_cell_text(v.description)} '
            f"| {_cell_code(v.type)} | {default} | {required} |"
        )
    lines += ["", "## Outputs", "", "| Name | Description |", "|------|-------------|"]
    for o in outputs:
        lines.append(f'| <a name="output_{o.name}"></a> [{o.name}](#output_{o.name}) | {_cell_text(o.description)} |')
    return "\n".join(lines)


def update_readme(readme: str, docs: str) -> str:
    """README text with the docs between the markers replaced."""
    start = readme.find(BEGIN)
    end = readme.find(END)
    if start < 0 or end < start:
        raise HclError(f"README.md must contain {BEGIN} followed by {END}")
    return readme[: start + len(BEGIN)] + "\n" + docs + "\n" + readme[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when README.md is not up to date")
    parser.add_argument("--module", type=Path, default=ROOT, help="module directory (default: the repository)")
    args = parser.parse_args(argv)

    readme_path = args.module / "README.md"
    readme = readme_path.read_text(encoding="utf-8")
    updated = update_readme(readme, render(*read_module(args.module)))
    if args.check:
        if updated != readme:
            print(f"{readme_path} is out of date: run `python3 scripts/gen_tf_docs.py` and commit the result.")
            return 1
        print(f"{readme_path}: inputs and outputs are up to date.")
        return 0
    if updated != readme:
        readme_path.write_text(updated, encoding="utf-8")
        print(f"updated {readme_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
