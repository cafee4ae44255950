"""The session state machine: state + answer -> next step. Pure: no terminal, no database.

A `State` is fully determined by the tree, the intake context and the effective answers, so going
back is a replay of every answer but the last (`Engine.back`), and `resume` rebuilds a session from
its logged answers the same way (`Engine.replay`).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field, replace
from typing import Any, assert_never

from troubleshoot.errors import TroubleshootError
from troubleshoot.session.coerce import check_rules, coerce
from troubleshoot.session.step import Step, StepKind
from troubleshoot.tree import expr
from troubleshoot.tree import model as m

MAX_MOVES = 10_000
ASKING = (m.Ask, m.Info, m.Try, m.Fix, m.Action)
"""The node kinds that show the agent a step."""
_PREFILLED = (m.AskType.TEXT, m.AskType.NUMBER, m.AskType.DATE, m.AskType.SELECT)
_ALONE = re.compile(r"\s*\{\{(.*)\}\}\s*", re.S)
RETURNED = "returned"  # the outcome of a walk started at a sub-tree entry


class WalkError(TroubleshootError):
    """The tree cannot go on from here (a loop without questions, a failed condition)."""


@dataclass(frozen=True)
class Answer:
    key: str
    node: str
    value: Any
    shown: str


@dataclass(frozen=True)
class FixTried:
    node: str
    fix: str
    fixed: bool


@dataclass(frozen=True)
class Assigned:
    """Variables a node's `set` assigned on entry (logged as data)."""

    node: str
    values: dict[str, Any]


@dataclass(frozen=True)
class End:
    """How the walk ended: a resolve node, an escalate node, or "escalate now"."""

    node: m.Node | None
    outcome: str
    summary: str
    reply: str | None = None
    follow_up: str | None = None
    tier: str | None = None
    reason: str | None = None
    say: str | None = None
    """The end node's `say`, shown before the reply draft."""

    @property
    def escalated(self) -> bool:
        return self.outcome == m.Outcome.ESCALATED


@dataclass
class State:
    variables: dict[str, Any]
    visits: dict[str, int] = field(default_factory=dict)
    stack: list[str] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    fixes: list[FixTried] = field(default_factory=list)
    assigned: list[Assigned] = field(default_factory=list)
    actions: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    rounds: dict[str, int] = field(default_factory=dict)
    """The item each running `for_each` is at (by node id)."""
    """The actions ticked, in order: (name, arguments)."""
    step: Step | None = None
    end: End | None = None
    item: int = 0
    attempt: int = 1

    def scope(self) -> dict[str, Any]:
        return {**self.variables, m.VISITS: dict(self.visits)}


class Engine:
    """Walks one tree; every method returns a new `State` and leaves its argument untouched."""

    def __init__(
        self, tree: m.Tree, context: dict[str, Any] | None = None, entry: str | None = None
    ) -> None:
        """`entry` starts the walk at a sub-tree node instead of `start` (to test a library);
        the walk then ends at its first `return`."""
        self.tree = tree
        self.context = {k: "" if v is None else v for k, v in (context or {}).items()}
        self.entry = entry

    # -- public --------------------------------------------------------------------------------

    def start(self) -> State:
        first = self.entry or self.tree.start
        if first is None or first not in self.tree.nodes:
            raise WalkError(f"the tree {self.tree.path} has no node '{first}' to start at")
        state = State(variables=self._initial_variables())
        self._enter(state, first)
        return state

    def answer(self, state: State, raw: Any) -> State:
        """The state after answering the current step; raises `InvalidAnswer` for a bad answer."""
        if state.step is None:
            raise WalkError("the session has ended: there is no question to answer")
        step = state.step
        value, shown = coerce(step.kind, step.choices, raw)
        if isinstance(step.node, m.Ask):
            check_rules(step.node.rules, value)
        new = copy.deepcopy(state)
        new.answers.append(Answer(key=step.key, node=step.node.id, value=value, shown=shown))
        new.step = None
        self._after(new, step, value)
        return new

    def back(self, state: State) -> State:
        """The state before the last answer (the answers after it are superseded)."""
        if not state.answers:
            raise WalkError("there is no earlier step to go back to")
        return self.replay(state.answers[:-1])

    def replay(self, answers: list[Answer]) -> State:
        """Rebuild a state from its answers, checking each still fits the tree."""
        state = self.start()
        for given in answers:
            if state.step is None or state.step.key != given.key:
                where = state.step.key if state.step else "the end"
                raise WalkError(
                    f"the logged answer for '{given.key}' no longer fits the tree "
                    f"(it now asks '{where}'); the tree changed since the session ran"
                )
            state = self.answer(state, given.value)
        return state

    def step_at(self, node_id: str) -> Step:
        """The step a question node shows when a walk enters it with nothing answered yet
        (for `preview`: variables hold their defaults, a `try` shows its first item)."""
        node = self.tree.nodes[node_id]
        if not isinstance(node, ASKING):
            raise WalkError(f"'{node_id}' is a {node.KIND} node: it asks the agent nothing")
        return self._step(State(variables=self._initial_variables()), node)

    def escalation_targets(self) -> list[tuple[str, str]]:
        """(node id, tier) of every escalate node, the tree's default first."""
        found = [(n.id, n.tier) for n in self.tree.nodes.values() if isinstance(n, m.Escalate)]
        return sorted(found, key=lambda target: target[0] != self.tree.escalation)

    def escalate_now(self, state: State, reason: str, target: str | None = None) -> State:
        """End the walk here with an escalation to the escalate node `target` (default: the
        tree's default). Its reply is kept only when the node says, by its `when`, that it fits
        here; otherwise the reply is left for the runner to draft from what was found."""
        new = copy.deepcopy(state)
        node = self.tree.nodes.get(target or self.tree.escalation or "")
        tier = node.tier if isinstance(node, m.Escalate) else "next tier"
        at = state.step.node.id if state.step else "the end"
        new.step = None
        fits = isinstance(node, m.Escalate) and node.when and self._eval(node.when, state, node)
        reply = self.render(node.reply, state) if fits and isinstance(node, m.Escalate) else None
        new.end = End(
            node=node,
            outcome=m.Outcome.ESCALATED,
            tier=tier,
            reason=reason,
            summary=f"Escalated to {tier} by the agent at '{at}'",
            reply=reply,
        )
        return new

    def render(self, text: str | None, state: State) -> str | None:
        return None if text is None else expr.render(text, state.scope())

    # -- moving --------------------------------------------------------------------------------

    def _initial_variables(self) -> dict[str, Any]:
        variables: dict[str, Any] = {}
        for node in self.tree.nodes.values():
            if isinstance(node, m.Ask) and node.save_as:
                variables[node.save_as] = None
            elif isinstance(node, m.Return):
                variables.update((name, None) for name, _ in node.values)
            elif isinstance(node, m.ForEach):
                variables.update((name, None) for name in (node.item, node.save_as) if name)
            variables.update((name, None) for name, _ in node.sets)
        variables.update({name: spec.default for name, spec in self.tree.vars.items()})
        variables.update(dict.fromkeys(m.BUILTIN_VARIABLES, ""))
        variables.update(self.context)
        return variables

    def _eval(self, source: str, state: State, node: m.Node) -> Any:
        try:
            return expr.evaluate(source, state.scope())
        except expr.ExpressionError as exc:
            raise WalkError(f"{node.path}:{node.line}: node '{node.id}': {exc}") from None

    def _next(self, branches: tuple[m.Branch, ...], state: State, node: m.Node) -> str:
        for branch in branches:
            if branch.when is None or self._eval(branch.when, state, node):
                return branch.then
        raise WalkError(
            f"{node.path}:{node.line}: node '{node.id}' has no case that fits (add an 'else' case)"
        )

    def _enter(self, state: State, node_id: str) -> None:
        for _ in range(MAX_MOVES):
            node = self.tree.nodes[node_id]
            if node.when and not self._eval(node.when, state, node):
                node_id = self._skip(node, state)
                continue
            state.path.append(node_id)
            state.visits[node_id] = state.visits.get(node_id, 0) + 1
            self._assign(state, node)
            following = self._move(state, node)
            if following is None:
                return
            node_id = following
        raise WalkError(
            f"the tree goes round in circles without asking anything (last at "
            f"'{node_id}'): add a question or an end to that loop"
        )

    def _assign(self, state: State, node: m.Node) -> None:
        """Apply the node's `set`, in the order written (later ones see earlier ones)."""
        if not node.sets:
            return
        values: dict[str, Any] = {}
        for name, source in node.sets:
            values[name] = state.variables[name] = self._eval(source, state, node)
        state.assigned.append(Assigned(node.id, values))

    def _choices(self, state: State, node: m.Ask) -> tuple[m.Choice, ...]:
        """The choices as shown: labels filled in, or made from the `choices_from` list."""
        if node.choices_from is None:
            return tuple(replace(c, label=self.render(c.label, state) or "") for c in node.choices)
        items = state.variables.get(node.choices_from)
        if not isinstance(items, list) or not items:
            raise WalkError(
                f"{node.path}:{node.line}: node '{node.id}': 'choices_from: "
                f"{node.choices_from}' needs a list with at least one item, not {items!r}"
            )
        return tuple(_choice_of(item) for item in items)

    def _skip(self, node: m.Node, state: State) -> str:
        if node.next:
            return self._next(node.next, state, node)
        assert isinstance(node, (m.Try, m.Fix)) and node.on_not_fixed
        return node.on_not_fixed

    def _move(self, state: State, node: m.Node) -> str | None:
        """Act on entering `node`: set a step or an end (None), or name the node to go to."""
        match node:
            case m.Ask() | m.Info() | m.Action():
                state.step = self._step(state, node)
            case m.Try() | m.Fix():
                state.item, state.attempt = 0, 1
                state.step = self._step(state, node)
            case m.Route():
                return self._next(node.route + node.next, state, node)
            case m.Call():
                for name, value in node.arguments:
                    state.variables[name] = self._argument(value, state, node)
                state.stack.append(node.id)
                return node.call
            case m.Goto():
                return node.goto
            case m.ForEach():
                return self._each(state, node, returned=None)
            case m.Return():
                return self._return(state, node)
            case m.Resolve() | m.Escalate():
                state.end = self._end(state, node)
            case _:
                assert_never(node)
        return None

    def _return(self, state: State, node: m.Return) -> str | None:
        for name, source in node.values:
            state.variables[name] = self._eval(source, state, node)
        if not state.stack and self.entry is not None:
            values = ", ".join(f"{name} = {state.variables[name]!r}" for name, _ in node.values)
            state.end = End(node=node, outcome=RETURNED, summary=f"Returned {values}".strip())
            return None
        if not state.stack:
            raise WalkError(
                f"{node.path}:{node.line}: 'return' node '{node.id}' was reached "
                "without a 'call': enter sub-trees with 'call'"
            )
        caller = self.tree.nodes[state.stack.pop()]
        if isinstance(caller, m.ForEach):
            return self._each(
                state, caller, returned={n: state.variables[n] for n, _ in node.values}
            )
        return self._next(caller.next, state, caller)

    def _each(self, state: State, node: m.ForEach, returned: dict[str, Any] | None) -> str:
        """Start the next round of a `for_each` (keeping what the last one returned), or go on
        after the last item."""
        items = self._eval(node.items, state, node)
        if not isinstance(items, list):
            raise WalkError(
                f"{node.path}:{node.line}: node '{node.id}': 'for_each: {node.items}' needs a "
                f"list, not {items!r}"
            )
        if returned is None:
            state.rounds[node.id] = 0
            if node.save_as:
                state.variables[node.save_as] = []
        else:
            if node.save_as:
                state.variables[node.save_as].append(returned)
            state.rounds[node.id] += 1
        index = state.rounds[node.id]
        if index >= len(items):
            del state.rounds[node.id]
            if node.save_as:
                state.assigned.append(
                    Assigned(node.id, {node.save_as: state.variables[node.save_as]})
                )
            return self._next(node.next, state, node)
        state.variables[node.item] = items[index]
        state.stack.append(node.id)
        return node.do

    def _end(self, state: State, node: m.Resolve | m.Escalate) -> End:
        if isinstance(node, m.Resolve):
            return End(
                node=node,
                outcome=str(node.outcome),
                summary=self.render(node.summary, state) or "",
                reply=self.render(node.reply, state),
                follow_up=node.follow_up,
                say=self.render(node.say, state),
            )
        reason = self.render(node.reason, state)
        return End(
            node=node,
            outcome=m.Outcome.ESCALATED,
            tier=node.tier,
            reason=reason,
            summary=f"Escalated to {node.tier}" + (f": {reason}" if reason else ""),
            reply=self.render(node.reply, state),
            say=self.render(node.say, state),
        )

    def _argument(self, value: object, state: State, node: m.Node) -> Any:
        """A `with` value: one ``{{ expression }}`` gives its value, other text is filled in,
        numbers and true/false are taken as they are."""
        if not isinstance(value, str):
            return value
        alone = _ALONE.fullmatch(value)
        if alone is not None and "{{" not in alone[1] and "}}" not in alone[1]:
            return self._eval(alone[1], state, node)
        try:
            return self.render(value, state)
        except expr.ExpressionError as exc:
            raise WalkError(f"{node.path}:{node.line}: node '{node.id}': {exc}") from None

    def _default(self, state: State, node: m.Ask) -> str | None:
        """The answer offered first: the node's `default`, else the value its variable already
        has (given with `--set` or `vars:`, or an earlier answer)."""
        if node.default is not None:
            return self.render(node.default, state)
        known = state.variables.get(node.save_as) if node.save_as else None
        if known is None or known == "" or node.type not in _PREFILLED:
            return None
        return str(known)

    def _action_line(self, state: State, node: m.Action) -> tuple[str, dict[str, Any]]:
        arguments = {name: self._argument(v, state, node) for name, v in node.arguments}
        shown = ", ".join(f"{name}: {value}" for name, value in arguments.items())
        return (f"{node.action} ({shown})" if shown else node.action), arguments

    def _step(self, state: State, node: m.Ask | m.Info | m.Try | m.Fix | m.Action) -> Step:
        key, item, kind = node.id, None, StepKind.INFO
        question = node.text
        choices: tuple[m.Choice, ...] = ()
        steps: tuple[str, ...] = ()
        default = None
        arguments = None
        match node:
            case m.Ask():
                kind, choices = StepKind.of(node.type), self._choices(state, node)
                default = self._default(state, node)
            case m.Try():
                kind, item, question = StepKind.CONFIRM, node.items[state.item], node.verify
                key = f"{node.id}#{state.item + 1}"
            case m.Fix():
                kind, item, question = StepKind.CONFIRM, node.fix, node.verify or m.DEFAULT_VERIFY
                steps = node.steps
                key = f"{node.id}#{state.attempt}"
            case m.Info():
                pass
            case m.Action():
                question, arguments = self._action_line(state, node)
                kind = StepKind.ACTION
            case _:
                assert_never(node)
        return Step(
            node=node,
            key=key,
            kind=kind,
            question=question if arguments is not None else self.render(question, state) or "",
            number=len(state.answers) + 1,
            item=self.render(item, state),
            attempt=state.attempt,
            choices=choices,
            steps=tuple(self.render(s, state) or "" for s in steps),
            say=self.render(node.say, state),
            body=None
            if node.body is None
            else expr.render(node.body, state.scope(), markdown=True),
            help=self.render(node.help, state),
            phase=node.phase or self._caller_phase(state),
            default=default,
            arguments=arguments,
        )

    def _caller_phase(self, state: State) -> str | None:
        """The phase of the innermost `call` with one (sub-tree nodes may have none)."""
        for caller in reversed(state.stack):
            if self.tree.nodes[caller].phase:
                return self.tree.nodes[caller].phase
        return None

    def _after(self, state: State, step: Step, value: Any) -> None:
        node = step.node
        target: str | None
        match node:
            case m.Ask():
                if node.save_as:
                    state.variables[node.save_as] = value
                target = self._after_ask(state, node, value)
            case m.Try() | m.Fix():
                target = self._after_verify(state=state, node=node, step=step, fixed=bool(value))
            case m.Info():
                target = self._next(node.next, state, node)
            case m.Action():
                state.actions.append((node.action, dict(step.arguments or {})))
                target = self._next(node.next, state, node)
            case (
                m.Route()
                | m.Call()
                | m.Goto()
                | m.Return()
                | m.Resolve()
                | m.Escalate()
                | m.ForEach()
            ):
                raise WalkError(f"node '{node.id}' asks nothing, so it takes no answer")
            case _:
                assert_never(node)
        if target is not None:
            self._enter(state, target)

    def _after_ask(self, state: State, node: m.Ask, value: Any) -> str:
        if node.type is m.AskType.SELECT:
            chosen = next((c for c in node.choices if c.value == value), None)
            if chosen is not None and chosen.next:
                return chosen.next
        if node.type is m.AskType.CONFIRM:
            target = node.on_yes if value else node.on_no
            if target:
                return target
        return self._next(node.next, state, node)

    def _after_verify(
        self, *, state: State, node: m.Try | m.Fix, step: Step, fixed: bool
    ) -> str | None:
        tried = step.item or ""
        state.fixes.append(FixTried(node.id, tried, fixed))
        if fixed:
            state.variables[m.LAST_FIX] = tried
            return node.on_fixed or self._next(node.next, state, node)
        if isinstance(node, m.Try) and state.item + 1 < len(node.items):
            state.item += 1
        elif isinstance(node, m.Fix) and state.attempt < node.max_attempts:
            state.attempt += 1
        else:
            return self._exhausted(node)
        state.step = self._step(state, node)
        return None

    def _exhausted(self, node: m.Try | m.Fix) -> str:
        target = node.on_not_fixed or self.tree.escalation
        if target is None:
            raise WalkError(
                f"{node.path}:{node.line}: '{node.id}' has no 'on_not_fixed' and the "
                "tree no default escalation"
            )
        return target


def _choice_of(item: Any) -> m.Choice:
    """One `choices_from` item: text or a number, or a mapping with `label` and `value`."""
    if isinstance(item, dict):
        label = str(item.get("label", item.get("value", "")))
        return m.Choice(label, str(item.get("value", label)))
    return m.Choice(str(item), str(item))
