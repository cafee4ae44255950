"""What a new author met: every problem of a file in one run (but not the consequences of
another), indentation mistakes in the author's terms at the right line, phase order along paths."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from troubleshoot.cli import app

runner = CliRunner()

FIVE_MISTAKES = """\
format: 1
id: five-mistakes
title: Five mistakes
start: first
nodes:
  first:
    phase: diagnoze
    ask: Does it work?
    type: confirm
    on_yes: done
    on_no: fix-it
  fix-it:
    fix: Restart
    verify: Works now?
    on_fixed: done
    on_not_fixed: escalate
  orphan:
    info: Nobody comes here
    next: done
  done:
    resolve: "Fixed by {{ last_fixx }}"
    outcome: resolvd
  escalate:
    escalate: tier2
"""

PHASES = """\
format: 1
id: phases
title: Phases along paths
start: first
nodes:
  first:
    phase: diagnose
    ask: Does it work?
    type: confirm
    on_yes: done
    on_no: apply-fix
  isolate-more:
    phase: isolate
    try: [Restart, Reinstall]
    verify: Works now?
    on_fixed: done
    on_not_fixed: escalate
  apply-fix:
    phase: fix
    fix: Apply the fix
    verify: Does it work now?
    on_fixed: done
    on_not_fixed: {}
  done: {resolve: Fixed}
  escalate: {escalate: tier2}
"""


def validate(tmp_path: Path, name: str, text: str) -> list[str]:
    path = tmp_path / name
    path.write_text(text)
    result = runner.invoke(app, ["validate", str(path)])
    return [line.removeprefix(f"{path}:") for line in result.output.splitlines()[:-1]]


def test_every_problem_of_a_file_in_one_run(tmp_path: Path) -> None:
    # five mistakes, one of them the file name that does not match the id: all at once
    assert validate(tmp_path, "five.tree.yaml", FIVE_MISTAKES) == [
        "2:5: tree id 'five-mistakes' does not match the file name: rename the file to "
        "five-mistakes.tree.yaml or change the id",
        "7:12: unknown phase 'diagnoze' (the tree's phases: diagnose, replicate, isolate, fix); "
        "did you mean 'diagnose'?",
        "17:3: node 'orphan' cannot be reached from start 'first': link to it or remove it",
        "21:14: unknown variable 'last_fixx'; did you mean 'last_fix'? (declare it under 'vars' "
        "or save it with 'save_as')",
        "22:14: unknown outcome 'resolvd' (use one of resolved, workaround, bug-filed, "
        "feature-request, works-as-designed, not-reproduced, unresolved); did you mean "
        "'resolved'?",
    ]


def test_a_misspelt_way_on_is_one_problem_not_its_consequences(tmp_path: Path) -> None:
    text = FIVE_MISTAKES.replace("    on_no: fix-it", "    on_noo: fix-it").replace(
        "  orphan:\n    info: Nobody comes here\n    next: done\n", ""
    )
    problems = validate(tmp_path, "five-mistakes.tree.yaml", text)
    assert "11:5: unknown key 'on_noo' in node 'first'; did you mean 'on_no'?" in problems
    # neither "needs both 'on_yes' and 'on_no'" nor "'fix-it' cannot be reached"
    assert len(problems) == 4, problems


def test_phase_order_is_checked_along_the_paths(tmp_path: Path) -> None:
    # isolate written below fix, and no path from fix back to isolate: in order
    forward = (
        PHASES.replace("on_not_fixed: {}", "on_not_fixed: escalate")
        .replace("    on_no: apply-fix", "    on_no: isolate-more")
        .replace(
            "    on_not_fixed: escalate\n  apply-fix", "    on_not_fixed: apply-fix\n  apply-fix"
        )
    )
    assert validate(tmp_path, "phases.tree.yaml", forward) == []
    # written in order, but the failed fix leads back to isolate
    back = PHASES.replace("on_not_fixed: {}", "on_not_fixed: isolate-more")
    assert validate(tmp_path, "phases.tree.yaml", back) == [
        "12:3: warning: phase 'isolate' of 'isolate-more' comes after phase 'fix': "
        "'apply-fix' leads back to it; keep the phases in the order "
        "diagnose > replicate > isolate > fix"
    ]
