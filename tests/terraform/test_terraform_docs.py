"""scripts/gen_tf_docs.py: the README's inputs/outputs table is generated from the .tf files and up to date.

(That the generator reads the same names and descriptions as Terraform itself is checked against a real
plan in test_terraform_contract.py.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scripts import gen_tf_docs
from tests.support import REPO

TRICKY = """
# A comment with a brace { and the word variable "commented" {
variable "plain" {
  description = "Says \\"hi\\" to {everyone} | and costs $${0}."
  type        = string
  default     = "a # not a comment"
}

/* block comment: output "ghost" { } */
variable "required_map" {
  type = map(object({
    name = string # comment with }
    size = optional(number, 3)
  }))

  validation {
    condition     = alltrue([for k, v in var.required_map : length("${k}-${v.name}") > 1])
    error_message = "Keys and names must \\"exist\\": ${join(", ", ["a", "b"])}."
  }

  description = <<-EOT
    Line one,
      indented line two.
  EOT
}

resource "null_resource" "ignored" {
  triggers = { variable = "no" }
}

output "first" {
  description = "An output."
  value       = { a = "}" }
}

output "second" {
  value = 1
}
"""


def test_blocks_are_read_through_strings_comments_heredocs_and_nested_blocks() -> None:
    blocks = gen_tf_docs.parse_blocks(TRICKY)

    assert [(b.kind, b.name) for b in blocks] == [
        ("variable", "plain"),
        ("variable", "required_map"),
        ("output", "first"),
        ("output", "second"),
    ]
    plain, required_map, first, second = blocks
    assert gen_tf_docs.string_value(plain.attributes["description"]) == 'Says "hi" to {everyone} | and costs ${0}.'
    assert plain.attributes["default"] == '"a # not a comment"'
    assert "default" not in required_map.attributes
    assert "validation" not in required_map.attributes
    map_type = required_map.attributes["type"]
    assert map_type.startswith("map(object({") and map_type.endswith("}))")
    assert gen_tf_docs.string_value(required_map.attributes["description"]) == "Line one,\n  indented line two."
    assert first.attributes["value"] == '{ a = "}" }'
    assert "description" not in second.attributes


def test_string_values_decode_escapes() -> None:
    assert gen_tf_docs.string_value(r'"tab\there \u00e9 back\\slash %%{x}"') == "tab\there é back\\slash %{x}"
    with pytest.raises(gen_tf_docs.HclError, match="templates"):
        gen_tf_docs.string_value('"${var.x}"')
    with pytest.raises(gen_tf_docs.HclError, match="string literal"):
        gen_tf_docs.string_value("var.x")


@pytest.mark.parametrize(
    "broken",
    ['variable "x" {\n  description = "never closed\n}\n', 'variable "x" {\n  type = string\n', "x = <<EOT\nno end\n"],
)
def test_malformed_input_is_an_error_not_a_wrong_table(broken: str) -> None:
    with pytest.raises(gen_tf_docs.HclError):
        gen_tf_docs.parse_blocks(broken)


def test_table_rows() -> None:
    variables = [
        gen_tf_docs.Variable("needed", "Must | be given.", "string", None),
        gen_tf_docs.Variable("shaped", "Multi\n   line.", "object({\n    a = string\n  })", '{\n    a = "<x>"\n  }'),
    ]
    outputs = [gen_tf_docs.Output("out", "The output.")]

    text = gen_tf_docs.render(variables, outputs)

    assert '| <a name="input_needed"></a> [needed](#input_needed) | Must \\| be given. | `string` | n/a | yes |' in text
    assert (
        '| <a name="input_shaped"></a> [shaped](#input_shaped) | Multi line. '
        '| <pre>object({<br/>  a = string<br/>})</pre> | <pre>{<br/>  a = "&lt;x&gt;"<br/>}</pre> | no |'
    ) in text
    assert '| <a name="output_out"></a> [out](#output_out) | The output. |' in text


def test_update_replaces_only_the_marked_region() -> None:
    readme = f"intro\n{gen_tf_docs.BEGIN}\nold\n{gen_tf_docs.END}\noutro\n"
    assert gen_tf_docs.update_readme(readme, "new") == f"intro\n{gen_tf_docs.BEGIN}\nnew\n{gen_tf_docs.END}\noutro\n"
    with pytest.raises(gen_tf_docs.HclError, match="BEGIN_TF_DOCS"):
        gen_tf_docs.update_readme("no markers", "new")


def test_the_module_has_inputs_and_outputs_to_document() -> None:
    variables, outputs = gen_tf_docs.read_module(REPO)
    names = {v.name for v in variables}
    assert {"name", "enrichment_rules", "destination", "create_lookup_table", "create_opensearch_domain"} <= names
    assert {"delivery_stream_arn", "lambda_function_arn", "opensearch_domain_endpoint"} <= {o.name for o in outputs}
    assert [v.name for v in variables] == sorted(names)


def test_readme_table_is_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert gen_tf_docs.main(["--check"]) == 0, capsys.readouterr().out


def test_check_fails_when_a_description_changes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for path in REPO.glob("*.tf"):
        shutil.copy2(path, tmp_path / path.name)
    shutil.copy2(REPO / "README.md", tmp_path / "README.md")
    outputs_tf = tmp_path / "outputs.tf"
    outputs_tf.write_text(
        outputs_tf.read_text(encoding="utf-8").replace("ARN of the enrichment function.", "Changed."), encoding="utf-8"
    )

    assert gen_tf_docs.main(["--check", "--module", str(tmp_path)]) == 1
    assert "out of date" in capsys.readouterr().out
    assert gen_tf_docs.main(["--module", str(tmp_path)]) == 0
    assert gen_tf_docs.main(["--check", "--module", str(tmp_path)]) == 0
    assert "| Changed. |" in (tmp_path / "README.md").read_text(encoding="utf-8")
