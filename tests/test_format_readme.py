"""The README's format 1.1 example validates clean and its scenarios pass."""

from __future__ import annotations

import re
from pathlib import Path

from troubleshoot.session.scenarios import run_file
from troubleshoot.tree.loader import check_file

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def example_blocks() -> list[str]:
    start = README.index("### Format 1.1")
    end = README.index("\n## ", start)
    return re.findall(r"^```yaml\n(.*?)^```", README[start:end], re.M | re.S)


def test_the_format_1_1_example_validates_and_its_scenarios_pass(tmp_path: Path) -> None:
    tree_text, scenarios_text = example_blocks()
    tree = tmp_path / "return-an-item.tree.yaml"
    tree.write_text(tree_text, encoding="utf-8")
    scenarios = tmp_path / "return-an-item.scenarios.yaml"
    scenarios.write_text(scenarios_text, encoding="utf-8")
    loaded, problems = check_file(tree, tmp_path)
    assert loaded is not None and [str(p) for p in problems] == []
    results = run_file(scenarios, [tmp_path])
    assert [(r.name, r.failures) for r in results] == [
        ("Inside the window", []),
        ("Outside the window", []),
    ]
