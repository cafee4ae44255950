"""docs/authoring.md works as written: each YAML example is a file that validates, and the
scenarios among them pass."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from troubleshoot.cli import app

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "authoring.md"
EXAMPLE = re.compile(r"(?:<!-- file: (\S+) -->\n)?```yaml\n(.*?)^```", re.M | re.S)
runner = CliRunner()


def examples() -> list[tuple[str | None, str]]:
    return [(name or None, text) for name, text in EXAMPLE.findall(GUIDE.read_text())]


def write_examples(folder: Path) -> list[Path]:
    written = []
    for name, text in examples():
        assert name, f"a YAML example of the guide names no file:\n{text[:200]}"
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    return written


def test_the_guide_has_trees_a_library_and_scenarios(tmp_path: Path) -> None:
    names = [p.relative_to(tmp_path).as_posix() for p in write_examples(tmp_path)]
    assert names == [
        "printer-offline.tree.yaml",
        "paper-jam.tree.yaml",
        "common/printer-checks.tree.yaml",
        "printer-offline.scenarios.yaml",
        "paper-jam.scenarios.yaml",
        "common/printer-checks.scenarios.yaml",
    ]


def test_every_example_tree_validates_without_warnings(tmp_path: Path) -> None:
    write_examples(tmp_path)
    result = runner.invoke(app, ["validate", "--strict", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output == "3 file(s) checked: ok\n"


def test_every_example_scenario_passes_and_covers_its_tree(tmp_path: Path) -> None:
    write_examples(tmp_path)
    result = runner.invoke(app, ["--trees", str(tmp_path), "test", str(tmp_path), "--coverage"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "10 scenario(s) passed, 0 failed"


def test_the_guide_uses_every_node_kind_and_question_type(tmp_path: Path) -> None:
    text = "\n".join(t for _, t in examples())
    for kind in (
        "ask",
        "info",
        "route",
        "try",
        "fix",
        "call",
        "goto",
        "return",
        "escalate",
        "resolve",
    ):
        assert re.search(rf"^\s+{kind}:", text, re.M), kind
    for ask_type in ("confirm", "text", "number", "multiselect"):
        assert f"type: {ask_type}" in text, ask_type
    for key in ("say:", "body:", "help:", "links:", "when:", "imports:", "library: true"):
        assert key in text, key
