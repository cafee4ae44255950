"""How a session talks to the agent: the `Prompter` protocol and the terminal prompter.

The terminal prompter draws with Rich and asks with questionary (`unsafe_ask` only, so Ctrl-C
reaches the runner, which pauses the session). Everything typed by people, and every tree text
filled in with their answers, is printed as plain `Text`, never parsed as markup.
The scripted prompter (no terminal) lives in `session/scripted_prompter.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, assert_never

from troubleshoot.cases.records import Intake, SessionRecord
from troubleshoot.errors import AnswersError
from troubleshoot.printable import printable
from troubleshoot.session.coerce import InvalidAnswer, check_rules, coerce
from troubleshoot.session.early import TICKET_QUESTION
from troubleshoot.session.engine import End, State
from troubleshoot.session.history import check_date
from troubleshoot.session.step import Step, StepKind
from troubleshoot.tree.model import Ask

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

TONES = ("calm", "confused", "frustrated", "angry")
TONE_TIPS = {
    "frustrated": "Acknowledge the frustration and apologise first: \"I'm sorry this has been "
    "so frustrating - let's sort it out together.\"",
    "angry": "Let them finish, don't argue, apologise and own it: \"I'm sorry - I understand "
    "why you're upset, and I'm going to help fix this now.\"",
    "confused": "Go slowly, one step at a time, and check understanding after each step.",
}
BACK, NOTE, PAUSE, ESCALATE = ":back", ":note", ":pause", ":escalate"
ACTION_LABELS = {
    BACK: "<- Go back",
    NOTE: "+ Add a note",
    PAUSE: "|| Pause the session",
    ESCALATE: "^ Escalate now",
}


@dataclass(frozen=True)
class Give:
    value: Any


@dataclass(frozen=True)
class Back:
    pass


@dataclass(frozen=True)
class Note:
    text: str


@dataclass(frozen=True)
class Pause:
    pass


@dataclass(frozen=True)
class EscalateNow:
    reason: str
    target: str | None = None
    """The escalate node chosen (None: the tree's default)."""


Action = Give | Back | Note | Pause | EscalateNow


@dataclass(frozen=True)
class WrapUp:
    """What the agent gives at the end of a case, as given (the runner checks it)."""

    note: object = ""
    follow_up: object = ""
    """YYYY-MM-DD, or 2d / 1w."""
    satisfaction: object = None
    """1-5, or None."""


@dataclass(frozen=True)
class Frame:
    """What the header shows around a step."""

    title: str
    phases: tuple[str, ...]
    can_go_back: bool
    previous: Any = None
    """The answer this step had before the agent went back to it (offered as the default)."""
    case: str = ""
    escalations: tuple[tuple[str, str], ...] = ()
    """(escalate node id, tier) the agent can escalate to now, the tree's default first."""


class Prompter(Protocol):
    """The agent's side of a session; the runner calls these in order."""

    def ask_intake(self, name: str, so_far: Intake) -> str:
        """One intake field (an `INTAKE_FIELDS` name); empty when skipped."""
        ...

    def show_intake(self, intake: Intake) -> None: ...
    def show_done(self, message: str) -> None: ...
    def show_similar(self, cases: list[SessionRecord]) -> None: ...
    def show_history(self, lines: list[str]) -> None: ...
    def ask(self, step: Step, frame: Frame) -> Action: ...
    def show_problem(self, message: str) -> None: ...
    def show_end(self, end: End, state: State, handoff: str | None) -> None: ...
    def wrapup(self, end: End, suggested_follow_up: str | None) -> WrapUp: ...
    def pick(self, question: str, options: list[tuple[str, str]]) -> str: ...


def phase_bar(phases: tuple[str, ...], current: str | None) -> Any:
    from rich.text import Text

    bar = Text()
    for index, phase in enumerate(phases):
        if index:
            bar.append(" > ", style="dim")
        bar.append(phase.capitalize(), style="bold reverse" if phase == current else "dim")
    return bar


class TerminalPrompter:
    """Rich + questionary, for a person at a terminal."""

    def __init__(self, console: Console) -> None:
        self.console = console

    # -- drawing -------------------------------------------------------------------------------

    def _print(self, renderable: RenderableType | str) -> None:
        from rich.text import Text

        shown = Text(printable(renderable)) if isinstance(renderable, str) else renderable
        self.console.print(shown)

    def _panel(self, text: str, title: str, style: str) -> None:
        from rich.panel import Panel
        from rich.text import Text

        panel = Panel(Text(printable(text)), title=title, title_align="left", border_style=style)
        self.console.print(panel)

    def show_step(self, step: Step, frame: Frame, heading: str | None = None) -> None:
        """Draw a step up to its question: the header, say, body, item, steps, tip and links
        (what `ask` draws before asking, and what `preview` shows)."""
        self._header(step, frame, heading)
        self._draw(step)

    def _header(self, step: Step, frame: Frame, heading: str | None = None) -> None:
        from rich.rule import Rule
        from rich.text import Text

        self.console.print()
        title = f"{frame.title} - {heading or f'step {step.number}'}"
        self.console.print(Rule(Text(printable(title, one_line=True)), style="cyan"))
        bar = phase_bar(frame.phases, step.phase)
        if frame.case:
            bar.append(f"    case {frame.case}", style="dim")
        self.console.print(bar)

    def _draw(self, step: Step) -> None:
        from rich.markdown import Markdown
        from rich.text import Text

        if step.say:
            self._panel(step.say, "Say to the customer", "green")
        if step.body:
            self.console.print(Markdown(printable(step.body)))
        if step.item is not None and step.kind == StepKind.CONFIRM:
            self._draw_item(step)
        for number, line in enumerate(step.steps, 1):
            self.console.print(Text(f"  {number}. {printable(line)}"))
        if step.help:
            self.console.print(Text(f"Tip: {printable(step.help)}", style="dim"))
        for link in step.node.links:
            shown = link.url if link.title == link.url else f"{link.title}: {link.url}"
            self.console.print(Text(f"  {printable(shown, one_line=True)}", style="blue"))
        if step.kind == StepKind.INFO:
            self.console.print(Text(printable(step.question), style="bold"))
        if step.kind == StepKind.ACTION:
            self.console.print(
                Text.assemble(("[ ] Do this: ", "bold yellow"), (printable(step.question), "bold"))
            )

    def _draw_item(self, step: Step) -> None:
        from rich.text import Text

        node = step.node
        items = getattr(node, "items", None)
        if items:
            label = (
                f"Try {items.index(step.item) + 1 if step.item in items else '?'} of {len(items)}: "
            )
        else:
            label = "Fix" + (f" (attempt {step.attempt})" if step.attempt > 1 else "") + ": "
        self.console.print(Text.assemble((label, "bold yellow"), (step.item or "", "bold")))

    # -- asking --------------------------------------------------------------------------------

    def ask(self, step: Step, frame: Frame) -> Action:
        self.show_step(step, frame)
        actions = menu(frame)
        match step.kind:
            case StepKind.TEXT | StepKind.NUMBER | StepKind.DATE:
                return self._type_in(step, frame, actions)
            case StepKind.MULTISELECT:
                return self._check(step, frame, actions)
            case StepKind.SELECT | StepKind.CONFIRM | StepKind.INFO | StepKind.ACTION:
                return self._select(step, frame, actions)
            case _:
                assert_never(step.kind)

    def _type_in(self, step: Step, frame: Frame, actions: list[str]) -> Action:
        import questionary

        hint = TYPED_HINT
        if step.kind is StepKind.DATE:
            hint = f"(YYYY-MM-DD, today or 3 days ago; {TYPED_HINT[1:]}"
        sensitive = isinstance(step.node, Ask) and step.node.sensitive
        ask = questionary.password if sensitive else questionary.text
        answer = ask(
            printable(step.question),
            default=_prefill(frame.previous, step.default),
            instruction=hint,
            validate=lambda text: answer_check(step, text),
        ).unsafe_ask()
        return self._action(answer.strip(), frame) if answer.strip() in actions else Give(answer)

    def _check(self, step: Step, frame: Frame, actions: list[str]) -> Action:
        import questionary

        choices = [
            questionary.Choice(printable(c.label, one_line=True), c.value) for c in step.choices
        ]
        choices += [questionary.Choice(ACTION_LABELS[a], a) for a in actions]
        picked = questionary.checkbox(printable(step.question), choices=choices).unsafe_ask()
        chosen_action = next((p for p in picked if p in actions), None)
        return self._action(chosen_action, frame) if chosen_action else Give(picked)

    def _select(self, step: Step, frame: Frame, actions: list[str]) -> Action:
        import questionary

        options: list[Any] = [
            questionary.Choice(printable(label, one_line=True), value)
            for value, label in answers(step)
        ]
        options += [questionary.Separator(SEPARATOR)]
        options += [questionary.Choice(ACTION_LABELS[a], a) for a in actions]
        question = printable(shown_question(step))
        offered = [o.value for o in options if hasattr(o, "value")]
        default = _default(frame.previous, offered) or _default(step.default, offered)
        picked = questionary.select(question, choices=options, default=default).unsafe_ask()
        return self._action(picked, frame) if picked in actions else Give(picked)

    def _action(self, action: str, frame: Frame) -> Action:
        import questionary

        if action == BACK:
            return Back()
        if action == PAUSE:
            return Pause()
        if action == NOTE:
            return Note(questionary.text("Note for the case log:").unsafe_ask())
        return self._escalate(frame)

    def _escalate(self, frame: Frame) -> EscalateNow:
        """To whom (when the tree has a choice, its default preselected) and why (an empty
        reason is asked once more)."""
        import questionary

        target = None
        if len(frame.escalations) > 1:
            choices = [
                questionary.Choice(f"{tier}  ({node})", node) for node, tier in frame.escalations
            ]
            target = questionary.select("Escalate to:", choices=choices).unsafe_ask()
        reason = str(
            questionary.text("Why escalate? (what the next tier should know)").unsafe_ask()
        )
        if not reason.strip():
            again = "The next tier reads this first: type the reason (Enter again leaves it empty)"
            reason = str(questionary.text(again).unsafe_ask())
        return EscalateNow(reason, target)

    def show_problem(self, message: str) -> None:
        from rich.text import Text

        self.console.print(Text(printable(message), style="red"))

    def show_done(self, message: str) -> None:
        from rich.text import Text

        self.console.print(Text(message, style="green"))

    # -- intake, history, wrap-up --------------------------------------------------------------

    def ask_intake(self, name: str, so_far: Intake) -> str:
        import questionary

        if name == "customer":
            return self._customer_words()
        if name == "tone":
            tone = questionary.select(
                "The customer's tone:", choices=[*TONES, "skip"], default="calm"
            ).unsafe_ask()
            return "" if tone == "skip" else str(tone)
        question = {
            "ticket": TICKET_QUESTION,
            "desired_outcome": "What outcome does the customer want? (optional)",
        }[name]
        return str(questionary.text(question).unsafe_ask())

    def show_intake(self, intake: Intake) -> None:
        tip = TONE_TIPS.get(intake.tone or "")
        if tip:
            self._panel(tip, "Before you start", "yellow")

    def _customer_words(self) -> str:
        """The problem in the customer's words, restated until the customer confirms it."""
        import questionary

        while True:
            words = questionary.text(
                "In the customer's own words, what is the problem?",
                validate=lambda t: bool(t.strip()) or "Type what the customer said",
            ).unsafe_ask()
            self._panel(
                f'So, if I understand correctly: "{words.strip()}" - is that right?',
                "Say to the customer",
                "green",
            )
            if questionary.confirm("Did the customer confirm?", default=True).unsafe_ask():
                return str(words.strip())

    def show_similar(self, cases: list[SessionRecord]) -> None:
        from rich.table import Table
        from rich.text import Text

        if not cases:
            return
        table = Table(
            "case",
            "date",
            "ticket",
            "outcome",
            "customer's words",
            title="Has this happened before? Similar past cases",
            caption="Open one with: troubleshoot cases show ID",
        )
        for case in cases:
            cells = (case.id, case.started[:10], case.ticket, case.outcome or case.status)
            row = [*cells, case.customer]
            table.add_row(*(Text(printable(cell or "")) for cell in row))
        self.console.print(table)

    def show_history(self, lines: list[str]) -> None:
        self._panel("\n".join(lines), "The session so far", "cyan")

    def show_end(self, end: End, state: State, handoff: str | None) -> None:
        style = "yellow" if end.escalated else "green"
        self._panel(end.summary, f"Outcome: {end.outcome}", style)
        if end.say:
            self._panel(end.say, "Say to the customer", "green")
        if handoff:
            self._panel(handoff, "Hand-off summary for the next tier", "yellow")
        if end.reply:
            self._plain(end.reply, "Reply draft for the customer (plain text, to copy)")

    def _plain(self, text: str, title: str) -> None:
        """`text` between two rules, with nothing beside it, so it copies as it is."""
        from rich.rule import Rule
        from rich.text import Text

        self.console.print(Rule(Text(printable(title, one_line=True)), style="blue", align="left"))
        self.console.print(Text(printable(text.rstrip())), soft_wrap=True)
        self.console.print(Rule(style="blue"))

    def wrapup(self, end: End, suggested_follow_up: str | None) -> WrapUp:
        import questionary

        note = questionary.text("Case note (optional):").unsafe_ask()
        suggested = suggested_follow_up or "none"
        typed = questionary.text(
            f"Follow-up date (Enter: {suggested}; or YYYY-MM-DD, 2d, 1w, none):",
            placeholder=suggested,
            validate=_date_check,
        ).unsafe_ask()
        follow_up = str(typed).strip() or suggested
        follow_up = "" if follow_up.lower() == "none" else follow_up
        score = questionary.select(
            "Customer satisfaction (1-5):", choices=["skip", "5", "4", "3", "2", "1"]
        ).unsafe_ask()
        return WrapUp(
            note=note, follow_up=follow_up, satisfaction=None if score == "skip" else int(score)
        )

    def pick(self, question: str, options: list[tuple[str, str]]) -> str:
        import questionary

        choices = [
            questionary.Choice(printable(label, one_line=True), value) for value, label in options
        ]
        many = len(choices) > 5  # long lists filter as the agent types
        return str(
            questionary.select(
                printable(question),
                choices=choices,
                use_search_filter=many,
                use_jk_keys=not many,
                instruction="(type to filter)" if many else None,
            ).unsafe_ask()
        )


TYPED_HINT = "(type :back, :note, :pause or :escalate for the session menu)"
SEPARATOR = "-" * 15


def menu(frame: Frame) -> list[str]:
    """The session menu offered under a step's answers."""
    return [a for a in ACTION_LABELS if a != BACK or frame.can_go_back]


def shown_question(step: Step) -> str:
    """The question line of a step as the agent reads it."""
    return {
        StepKind.INFO: "Ready to go on?",
        StepKind.ACTION: "Tick it once it is done:",
    }.get(step.kind, step.question)


def answers(step: Step) -> list[tuple[str, str]]:
    """(value, label) of the answers a select, confirm or info step offers."""
    fixed = step.item is not None
    match step.kind:
        case StepKind.SELECT | StepKind.MULTISELECT:
            return [(c.value, c.label) for c in step.choices]
        case StepKind.CONFIRM:
            return [
                ("yes", "Yes, that fixed it" if fixed else "Yes"),
                ("no", "No, still not working" if fixed else "No"),
            ]
        case StepKind.INFO | StepKind.TEXT | StepKind.NUMBER | StepKind.DATE:
            return [("continue", "Continue")]
        case StepKind.ACTION:
            return [("done", "[x] Done")]
        case _:
            assert_never(step.kind)


def _default(previous: Any, values: list[Any]) -> Any:
    """The option to preselect for an answer given before going back, if it is still offered."""
    if isinstance(previous, bool):
        previous = "yes" if previous else "no"
    return previous if previous in values else None


def _date_check(text: str) -> bool | str:
    if text.strip().lower() == "none":
        return True
    try:
        check_date(text.strip())
    except AnswersError:
        return "Use YYYY-MM-DD, 2d or 1w, 'none' for no follow-up, or Enter for the suggestion"
    return True


def _prefill(previous: Any, default: str | None) -> str:
    """The text a typed answer starts with: the answer given before going back, or the
    question's default."""
    if previous is not None:
        return str(previous)
    return default or ""


def answer_check(step: Step, text: str) -> bool | str:
    """True, or what is wrong with a typed answer (shown under the prompt until it is fixed)."""
    if text.strip() in ACTION_LABELS:
        return True
    try:
        value, _ = coerce(step.kind, step.choices, text)
        if isinstance(step.node, Ask):
            check_rules(step.node.rules, value)
    except InvalidAnswer as exc:
        return f"{exc} (or :back, :note, :pause, :escalate)"
    return True
