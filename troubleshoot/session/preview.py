"""`troubleshoot preview`: one step of a tree drawn exactly as the agent sees it in a session.

The terminal prompter draws it (header, say, body, item, steps, tip, links), and the question and
its answers are listed the way the prompt shows them, with the first one highlighted. Nothing is
started and nothing is logged. Templates are filled with the variables' defaults.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from troubleshoot.errors import TroubleshootError
from troubleshoot.session import prompts
from troubleshoot.session.engine import ASKING, Engine
from troubleshoot.session.step import Step, StepKind
from troubleshoot.tree import model as m
from troubleshoot.tree.fields import did_you_mean

if TYPE_CHECKING:
    from rich.console import Console


def preview(console: Console, tree: m.Tree, node_id: str) -> None:
    """Draw the step of `node_id` on `console`."""
    node = tree.nodes.get(node_id)
    if node is None:
        raise TroubleshootError(
            f"'{node_id}' is not a node of the tree '{tree.id}'{did_you_mean(node_id, tree.nodes)}"
        )
    if not isinstance(node, ASKING):
        kinds = ", ".join(k.__name__.lower() for k in ASKING)
        raise TroubleshootError(
            f"'{node_id}' asks the agent nothing (it is a {type(node).__name__.lower()} node): "
            f"preview a node that shows a step ({kinds})"
        )
    step = Engine(tree).step_at(node_id)
    frame = prompts.Frame(tree.title, tree.phases, can_go_back=node_id != tree.start)
    prompter = prompts.TerminalPrompter(console)
    prompter.show_step(step, frame, heading=f"preview of '{node_id}'")
    _question(console, step, frame)


def _question(console: Console, step: Step, frame: prompts.Frame) -> None:
    from rich.text import Text

    question = Text.assemble(("? ", "bold"), (prompts.shown_question(step), "bold"))
    if step.kind in (StepKind.TEXT, StepKind.NUMBER, StepKind.DATE):
        question.append(f" {prompts.TYPED_HINT}", style="dim")
        console.print(question)
        return
    console.print(question)
    lines = [label for _, label in prompts.answers(step)]
    lines += [prompts.SEPARATOR, *(prompts.ACTION_LABELS[a] for a in prompts.menu(frame))]
    box = "○ " if step.kind is StepKind.MULTISELECT else ""
    for index, line in enumerate(lines):
        mark = " » " if index == 0 else "   "
        shown = line if line == prompts.SEPARATOR else box + line
        console.print(Text(mark + shown))
