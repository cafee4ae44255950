"""One tree file's located YAML -> model nodes, with every shape mistake recorded as a problem.

References between nodes and the names used in expressions are only collected here (`Reference`,
`Expression`); the loader checks them once all imported files are built.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Concatenate, ParamSpec, TypeVar, assert_never

from troubleshoot.tree import build_data
from troubleshoot.tree import model as m
from troubleshoot.tree.expr import is_template as holds_template
from troubleshoot.tree.fields import (
    FOLLOW_UP_PATTERN,
    KEBAB,
    SNAKE,
    Fields,
    Reporter,
    did_you_mean,
    follow_up_days,
    type_name,
)
from troubleshoot.tree.located import LocatedDict, LocatedList, Mark
from troubleshoot.tree.rules import check_default, read_rules
from troubleshoot.tree.vartypes import VAR_TYPES, WrongType, inferred_type, plain, typed_value

TOP_KEYS = (
    "format",
    "id",
    "title",
    "revision",
    "description",
    "tags",
    "phases",
    "imports",
    "vars",
    "escalation",
    "start",
    "nodes",
    "library",
)
KINDS = tuple(str(kind) for kind in m.NodeKind)
ENDING_KINDS = (m.Resolve, m.Escalate, m.Return, m.Goto)
"""Kinds a session never leaves by their own `next` (it is followed only to skip them)."""


@dataclass(frozen=True)
class Reference:
    """A node id written somewhere in a file, to be checked once all nodes are known."""

    target: str
    path: str
    mark: Mark


@dataclass(frozen=True)
class Expression:
    source: str
    is_template: bool
    path: str
    mark: Mark


@dataclass
class FileParts:
    """What one file contributes: its header fields, nodes and things to check later."""

    header: dict[str, Any] = field(default_factory=dict)
    nodes: dict[str, m.Node] = field(default_factory=dict)
    references: list[Reference] = field(default_factory=list)
    expressions: list[Expression] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    imports: dict[str, tuple[str, Mark]] = field(default_factory=dict)
    arguments: list[Reference] = field(default_factory=list)
    """`with` names of `call` nodes, as ``called-node-id/name``: checked against the `vars` of
    the file holding the called node."""
    broken: set[str] = field(default_factory=set)
    """Ids of nodes written but not built (already reported): not "unknown" when referenced."""
    unsure: bool = False
    """A way on of some node had a problem (a misspelt key, a bad `next`): the graph may miss
    edges, so graph checks would report consequences of problems already reported."""


NODE_KEYS = frozenset(
    {*KINDS, *m.COMMON_KEYS, *(key for keys in m.KIND_KEYS.values() for key in keys)}
)
_OWNERS = {key: kind for kind, keys in m.KIND_KEYS.items() for key in keys}
_KIND_HINTS = {
    kind: {
        key: f"; '{key}' belongs to {owner} nodes"
        for key, owner in _OWNERS.items()
        if key not in m.KIND_KEYS[kind]
    }
    for kind in m.NodeKind
}
"""For each kind, the keys of other kinds with the hint naming their kind."""
_KIND_ALLOWED = {kind: (kind, *m.COMMON_KEYS, *m.KIND_KEYS[kind]) for kind in m.NodeKind}
P = ParamSpec("P")
T = TypeVar("T")


def _ways_on(
    method: Callable[Concatenate[FileBuilder, P], T],
) -> Callable[Concatenate[FileBuilder, P], T]:
    """For the builder's methods that read ways on (targets, `next`, choices): a problem they
    report makes the graph unsure (see `FileParts.unsure`)."""

    def checked(builder: FileBuilder, /, *args: P.args, **kwargs: P.kwargs) -> T:
        before = len(builder.report.problems)
        result = method(builder, *args, **kwargs)
        if len(builder.report.problems) > before:
            builder.parts.unsure = True
        return result

    return checked


class FileBuilder:
    """Builds the parts of one file; node ids are qualified with `prefix` (``alias.``)."""

    def __init__(self, data: LocatedDict, report: Reporter, prefix: str = "") -> None:
        self.top = Fields(data, "the tree", report)
        self.report = report
        self.prefix = prefix
        self.parts = FileParts()
        self.phase: str | None = None

    # -- the file ------------------------------------------------------------------------------

    def build(self) -> FileParts:
        top, header = self.top, self.parts.header
        top.check_keys(TOP_KEYS)
        header["format"] = self._format()
        if header["format"] is None:
            return self.parts
        header["library"] = top.boolean("library")
        header["id"] = self._tree_id()
        header["title"] = top.text("title", required=not header["library"]) or header["id"]
        header["revision"] = top.integer("revision", 1, minimum=1)
        header["description"] = top.text("description")
        header["tags"] = top.text_list("tags")
        header["phases"] = top.text_list("phases") if top.has("phases") else m.DEFAULT_PHASES
        header["vars"] = self._vars()
        self._imports()
        header["escalation"] = self._escalation()
        header["start"] = self._start()
        self._nodes()
        return self.parts

    def _format(self) -> int | None:
        """The format's major version; None (reported) for a format this troubleshoot cannot
        read. `1` and `1.1` are read alike: 1.1 only adds keys."""
        raw = self.top.raw("format")
        if raw is None:
            return m.FORMAT_VERSION
        match = re.fullmatch(r"(\d+)(?:\.(\d+))?", str(raw).strip())
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str)) or match is None:
            self.report.error(
                self.top.mark("format"),
                f"'format' must be a version such as 1 or 1.1, not {raw!r}",
            )
            return m.FORMAT_VERSION
        major, minor = int(match[1]), int(match[2] or 0)
        if major < 1 or (major, minor) > (m.FORMAT_VERSION, m.FORMAT_MINOR):
            self.report.error(
                self.top.mark("format"),
                f"this tree uses format {raw}, but this troubleshoot reads format "
                f"{m.FORMAT_VERSION}.{m.FORMAT_MINOR} and older only: "
                "upgrade troubleshoot (pip install -U troubleshoot)",
            )
            return None
        return major

    def _tree_id(self) -> str:
        tree_id = self.top.text("id", required=True) or ""
        self.parts.header["id_mark"] = self.top.mark("id")
        if tree_id and not KEBAB.match(tree_id):
            self.report.error(
                self.top.mark("id"),
                f"tree id '{tree_id}' must be kebab-case (lowercase words joined by '-')",
            )
        return tree_id

    def _vars(self) -> dict[str, m.VarSpec]:
        specs: dict[str, m.VarSpec] = {}
        data = self.top.mapping("vars")
        for name, spec in (data or {}).items():
            mark = data.key_mark(name) if data is not None else (1, 1)
            if not isinstance(name, str) or not SNAKE.match(name):
                self.report.error(
                    mark,
                    f"variable name {name!r} must be snake_case (lowercase words joined by '_')",
                )
                continue
            specs[name] = self._var(name, spec)
            self.parts.names.add(name)
        return specs

    def _var(self, name: str, spec: Any) -> m.VarSpec:
        """One declared variable; a `default` must fit a written `type` (it is converted)."""
        if not isinstance(spec, LocatedDict):
            return m.VarSpec(name, inferred_type(spec), plain(spec))
        fields = Fields(spec, f"variable '{name}'", self.report)
        fields.check_keys(("type", "default", "description"))
        default = spec.get("default")
        var_type = fields.text("type")
        if var_type is None:
            return m.VarSpec(name, inferred_type(default), plain(default))
        if var_type not in VAR_TYPES:
            self.report.error(
                fields.mark("type"),
                f"variable '{name}' has unknown type "
                f"'{var_type}' (use one of {', '.join(VAR_TYPES)})"
                f"{did_you_mean(var_type, VAR_TYPES)}",
            )
            return m.VarSpec(name, "str", plain(default))
        try:
            default = typed_value(var_type, default)
        except WrongType as exc:
            self.report.error(
                fields.mark("default"), f"the default of variable '{name}' ({var_type}): {exc}"
            )
            default = None
        return m.VarSpec(name, var_type, default)

    def _imports(self) -> None:
        data = self.top.mapping("imports")
        for alias, rel in (data or {}).items():
            mark = data.key_mark(alias) if data is not None else (1, 1)
            if not isinstance(alias, str) or not SNAKE.match(alias.replace("-", "_")):
                self.report.error(mark, f"import name {alias!r} must be a short lowercase name")
            elif not isinstance(rel, str) or not rel.endswith(".tree.yaml"):
                self.report.error(mark, f"import '{alias}' must name a file ending in .tree.yaml")
            else:
                self.parts.imports[alias] = (rel, data.value_mark(alias) if data else mark)

    def _escalation(self) -> str | None:
        data = self.top.mapping("escalation")
        if data is None:
            return None
        fields = Fields(data, "escalation", self.report)
        fields.check_keys(("default",))
        return self._target(fields, "default")

    def _start(self) -> str | None:
        start = self._target(self.top, "start")
        if start is None and not self.parts.header["library"] and not self.top.has("start"):
            self.report.error(
                self.top.data.mark,
                "the tree needs 'start': the id of its first "
                "node (or 'library: true' if it is only imported)",
            )
        return start

    def _nodes(self) -> None:
        data = self.top.mapping("nodes")
        if data is None:  # a value that is not a mapping was reported by `mapping`
            if self.top.data.get("nodes") is None:
                where = self.top.mark("nodes") if self.top.has("nodes") else self.top.data.mark
                self.report.error(where, "the tree needs 'nodes': node ids, each with its node")
            return
        if not data:
            self.report.error(self.top.mark("nodes"), "'nodes' is empty: add at least one node")
        strays: set[object] = set()
        for node_id, spec in data.items():
            if node_id in strays:
                continue
            mark = data.key_mark(node_id)
            if spec is None and isinstance(node_id, str):
                strays = self._dedented_body(node_id, data)
                if strays:
                    self.parts.broken.add(self.prefix + node_id)
                    continue
            if not isinstance(node_id, str) or not KEBAB.match(node_id):
                self.report.error(
                    mark,
                    f"node id {node_id!r} must be kebab-case (lowercase "
                    "words joined by '-', e.g. check-cable)",
                )
                self.parts.broken.add(f"{self.prefix}{node_id}")
                continue
            if not isinstance(spec, LocatedDict):
                self.report.error(
                    data.value_mark(node_id),
                    f"node '{node_id}' must be a mapping "
                    f"with one of {', '.join(KINDS)}, not {type_name(spec)}",
                )
                self.parts.broken.add(self.prefix + node_id)
                continue
            node = self._node(node_id, spec, mark)
            if node is not None:
                self.parts.nodes[node.id] = node
            else:
                self.parts.broken.add(self.prefix + node_id)

    def _dedented_body(self, node_id: str, data: LocatedDict) -> set[object]:
        """The keys written under `nodes` right after the empty node `node_id` that are node
        keys (its body, indented as far as the node id): reported once, as one mistake."""
        keys = list(data)
        body: list[str] = []
        for key in keys[keys.index(node_id) + 1 :]:
            if not isinstance(key, str) or key not in NODE_KEYS:
                break
            body.append(key)
        if not body:
            return set()
        first, last = data.key_mark(body[0])[0], data.key_mark(body[-1])[0]
        lines = f"line {first}" if first == last else f"lines {first}-{last}"
        self.report.error(
            data.key_mark(node_id),
            f"node '{node_id}' is empty: its keys ({', '.join(body)}, {lines}) are indented "
            f"as far as the node id; indent them further than '{node_id}'",
        )
        return set(body)

    # -- one node ------------------------------------------------------------------------------

    def _node(self, node_id: str, spec: LocatedDict, mark: Mark) -> m.Node | None:
        fields = Fields(spec, f"node '{node_id}'", self.report)
        kinds = [k for k in KINDS if k in spec]
        if len(kinds) != 1:
            self._wrong_kind(node_id=node_id, spec=spec, kinds=kinds, mark=mark)
            return None
        kind = m.NodeKind(kinds[0])
        self._node_keys(fields, kind)
        base = self._base(node_id, fields, mark)
        node = self._kind(kind, fields, base)
        if isinstance(node, ENDING_KINDS) and node.next and not node.when:
            self.report.error(
                fields.key_mark("next"),
                f"{kind} node '{node_id}' takes no 'next': a session never goes on from it "
                "(remove 'next', or add a 'when' to skip the node)",
            )
        if node is not None and node.when and not self._skip_target(node):
            self.report.error(
                fields.key_mark("when"),
                f"node '{node_id}' has 'when' but no 'next' to go to when it is skipped",
            )
        return node

    @_ways_on
    def _node_keys(self, fields: Fields, kind: m.NodeKind) -> None:
        """Keys a node of `kind` does not take; a key of another kind says which."""
        fields.check_keys(_KIND_ALLOWED[kind], _KIND_HINTS[kind])

    def _kind(self, kind: m.NodeKind, fields: Fields, base: dict[str, Any]) -> m.Node | None:
        match kind:
            case m.NodeKind.ASK:
                return self._ask(fields, base)
            case m.NodeKind.INFO:
                return self._info(fields, base)
            case m.NodeKind.ROUTE:
                return self._route(fields, base)
            case m.NodeKind.TRY:
                return self._try(fields, base)
            case m.NodeKind.FIX:
                return self._fix(fields, base)
            case m.NodeKind.CALL:
                return self._call(fields, base)
            case m.NodeKind.GOTO:
                return self._goto(fields, base)
            case m.NodeKind.RETURN:
                return self._return(fields, base)
            case m.NodeKind.ESCALATE:
                return self._escalate(fields, base)
            case m.NodeKind.RESOLVE:
                return self._resolve(fields, base)
            case m.NodeKind.ACTION:
                return build_data.action(self, fields, base)
            case m.NodeKind.FOR_EACH:
                return build_data.for_each(self, fields, base)
            case _:
                assert_never(kind)

    def _wrong_kind(self, *, node_id: str, spec: LocatedDict, kinds: list[str], mark: Mark) -> None:
        if kinds:
            self.report.error(
                mark,
                f"node '{node_id}' has {' and '.join(kinds)}; a node is "
                "exactly one kind: split it into separate nodes",
            )
            return
        guesses = [did_you_mean(k, KINDS) for k in spec if isinstance(k, str)]
        guess = next((g for g in guesses if g), "")
        self.report.error(
            mark, f"node '{node_id}' has no kind: give it one of {', '.join(KINDS)}{guess}"
        )

    @staticmethod
    def _skip_target(node: m.Node) -> bool:
        if node.next:
            return True
        return isinstance(node, (m.Try, m.Fix)) and node.on_not_fixed is not None

    def _base(self, node_id: str, fields: Fields, mark: Mark) -> dict[str, Any]:
        phase = fields.text("phase")
        phases = self.parts.header["phases"]
        if phase is not None and phase not in phases:
            self.report.error(
                fields.mark("phase"),
                f"unknown phase '{phase}' (the tree's phases: "
                f"{', '.join(phases)}){did_you_mean(phase, phases)}",
            )
        if phase is not None:
            self.phase = phase
        elif self.phase is None and phases and not self.prefix:
            self.phase = phases[0]  # imported nodes without a phase take their caller's
        when = fields.text("when")
        if when is not None:
            self._expression(when, False, fields.mark("when"))
        return {
            "id": self.prefix + node_id,
            "path": self.report.path,
            "line": mark[0],
            "col": mark[1],
            "phase": self.phase,
            "say": self._template(fields, "say"),
            "body": self._template(fields, "body"),
            "help": self._template(fields, "help"),
            "links": self._links(fields),
            "when": when,
            "next": self._next(fields, "next"),
            "sets": build_data.assignments(self, fields, "set"),
        }

    def _links(self, fields: Fields) -> tuple[m.Link, ...]:
        value = fields.raw("links")
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.report.error(fields.mark("links"), f"'links' in {fields.where} must be a list")
            return ()
        links = []
        for index, item in enumerate(value):
            mark = (
                value.item_mark(index) if isinstance(value, LocatedList) else fields.mark("links")
            )
            if isinstance(item, str):
                links.append(m.Link(item, item))
            elif isinstance(item, LocatedDict):
                link = Fields(item, f"a link of {fields.where}", self.report)
                link.check_keys(("title", "url"))
                url = link.text("url", required=True)
                if url:
                    links.append(m.Link(link.text("title") or url, url))
            else:
                self.report.error(mark, f"a link of {fields.where} must be a URL or {{title, url}}")
        return tuple(links)

    def _template(self, fields: Fields, key: str, required: bool = False) -> str | None:
        value = fields.text(key, required)
        if value is not None:
            self._expression(value, True, fields.mark(key))
        return value

    def _expression(self, source: str, is_template: bool, mark: Mark) -> None:
        """A condition, or a text that may be a template, to check once all names are known
        (a text without template markers has nothing to check)."""
        if is_template and not holds_template(source):
            return
        self.parts.expressions.append(
            Expression(source=source, is_template=is_template, path=self.report.path, mark=mark)
        )

    @_ways_on
    def _target(self, fields: Fields, key: str) -> str | None:
        value = fields.text(key)
        if value is None:
            return None
        return self._ref(value, fields.mark(key))

    def _ref(self, target: str, mark: Mark) -> str:
        qualified = self.prefix + target
        self.parts.references.append(Reference(qualified, self.report.path, mark))
        return qualified

    @_ways_on
    def _next(self, fields: Fields, key: str) -> tuple[m.Branch, ...]:
        value = fields.raw(key)
        if value is None:
            if key in fields.data:
                self.report.error(fields.mark(key), f"'{key}' in {fields.where} is empty")
            return ()
        if isinstance(value, str):
            return (m.Branch(None, self._ref(value, fields.mark(key)), *fields.mark(key)),)
        if not isinstance(value, LocatedList):
            self.report.error(
                fields.mark(key),
                f"'{key}' in {fields.where} must be a node id or "
                "a list of {when, then} cases ending with {else: ...}",
            )
            return ()
        cases = self._branches(value, fields.where, key)
        if cases and cases[-1].when is not None:
            self.report.error(
                fields.mark(key),
                f"'{key}' in {fields.where} has no 'else' case: add '- else: <node>' so it "
                "always has a way on",
            )
        return cases

    def _branches(self, items: LocatedList, where: str, key: str) -> tuple[m.Branch, ...]:
        cases: list[m.Branch] = []
        for index, item in enumerate(items):
            mark = items.item_mark(index)
            if not isinstance(item, LocatedDict):
                self.report.error(
                    mark,
                    f"case {index + 1} of '{key}' in {where} must be "
                    "{when: ..., then: ...} or {else: ...}",
                )
                continue
            case = Fields(item, f"case {index + 1} of '{key}' in {where}", self.report)
            if "else" in item:
                case.check_keys(("else",))
                target = case.text("else")
                if target is not None:
                    cases.append(m.Branch(None, self._ref(target, case.mark("else")), *mark))
                if index != len(items) - 1:
                    self.report.error(mark, f"'else' must be the last case of '{key}' in {where}")
                continue
            case.check_keys(("when", "then"))
            when, then = case.text("when", required=True), case.text("then", required=True)
            if when is not None:
                self._expression(when, False, case.mark("when"))
            if when is not None and then is not None:
                cases.append(m.Branch(when, self._ref(then, case.mark("then")), *mark))
        return tuple(cases)

    # -- the node kinds ------------------------------------------------------------------------

    def _ask(self, fields: Fields, base: dict[str, Any]) -> m.Node | None:
        question = self._template(fields, "ask", required=True) or ""
        save_as = fields.text("save_as")
        if save_as is not None:
            if not SNAKE.match(save_as):
                self.report.error(
                    fields.mark("save_as"),
                    f"'save_as: {save_as}' must be a "
                    "snake_case name (lowercase words joined by '_')",
                )
            self.parts.names.add(save_as)
        type_text = fields.text("type") or "select"
        try:
            ask_type = m.AskType(type_text)
        except ValueError:
            self.report.error(
                fields.mark("type"),
                f"unknown question type '{type_text}' (use "
                f"{', '.join(m.AskType)}){did_you_mean(type_text, list(m.AskType))}",
            )
            return None
        node = m.Ask(
            ask=question,
            type=ask_type,
            save_as=save_as,
            choices=self._choices(fields, ask_type),
            choices_from=build_data.choices_from(self, fields, ask_type),
            default=self._template(fields, "default"),
            on_yes=self._target(fields, "on_yes"),
            on_no=self._target(fields, "on_no"),
            rules=read_rules(fields, ask_type),
            sensitive=fields.boolean("sensitive"),
            **base,
        )
        self._check_ask_ways_on(node, fields)
        check_default(fields, node)
        return node

    @_ways_on
    def _check_ask_ways_on(self, node: m.Ask, fields: Fields) -> None:
        where = fields.data.mark
        if fields.misspelt & {"on_yes", "on_no", "next", "choices", "type"}:
            return  # a misspelt way on, already reported: what is missing follows from it
        if node.type is not m.AskType.CONFIRM and (node.on_yes or node.on_no):
            self.report.error(
                where,
                f"'on_yes'/'on_no' only fit confirm questions; '{node.id}' "
                f"is a {node.type} question (add 'type: confirm' or use 'next')",
            )
            return  # what else is missing follows from the type
        if node.type is m.AskType.CONFIRM:
            if not node.next and not (node.on_yes and node.on_no):
                self.report.error(
                    where,
                    f"confirm question '{node.id}' needs both 'on_yes' and 'on_no' (or a 'next')",
                )
        elif node.choices_from is not None:
            if not node.next:
                self.report.error(where, f"question '{node.id}' with 'choices_from' needs a 'next'")
        elif node.type is m.AskType.SELECT:
            if not node.choices:
                self.report.error(where, f"select question '{node.id}' needs 'choices'")
            elif not node.next and any(c.next is None for c in node.choices):
                self.report.error(
                    where,
                    f"select question '{node.id}': every choice needs "
                    "'next', or the node needs a 'next' for choices without one",
                )
        elif node.type is m.AskType.MULTISELECT and not node.choices and not node.choices_from:
            self.report.error(where, f"multiselect question '{node.id}' needs 'choices'")
        if (
            node.type is not m.AskType.SELECT
            and node.type is not m.AskType.CONFIRM
            and not node.next
        ):
            self.report.error(where, f"{node.type} question '{node.id}' needs a 'next'")

    @_ways_on
    def _choices(self, fields: Fields, ask_type: m.AskType) -> tuple[m.Choice, ...]:
        value = fields.raw("choices")
        if value is None:
            return ()
        if not isinstance(value, LocatedList):
            self.report.error(fields.mark("choices"), f"'choices' in {fields.where} must be a list")
            return ()
        choices: list[m.Choice] = []
        values: set[str] = set()
        for index, item in enumerate(value):
            mark = value.item_mark(index)
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                choices.append(m.Choice(str(item), str(item)))
                values.add(str(item))
                continue
            if not isinstance(item, LocatedDict):
                self.report.error(
                    mark,
                    f"choice {index + 1} of {fields.where} must be text or {{label, value, next}}",
                )
                continue
            choice = Fields(item, f"choice {index + 1} of {fields.where}", self.report)
            choice.check_keys(("label", "value", "next"))
            label = choice.text("label", required=True)
            if label is None:
                continue
            value_text = choice.text("value") or label
            if value_text in values:
                self.report.error(
                    mark,
                    f"two choices of {fields.where} have the value "
                    f"'{value_text}': give each a different value",
                )
            self._expression(label, True, choice.mark("label"))
            choices.append(m.Choice(label, value_text, self._target(choice, "next")))
            values.add(value_text)
        if ask_type is m.AskType.CONFIRM and choices:
            self.report.error(
                fields.mark("choices"),
                f"confirm question {fields.where} takes no 'choices' (it is yes or no)",
            )
        return tuple(choices)

    @_ways_on
    def _info(self, fields: Fields, base: dict[str, Any]) -> m.Node | None:
        node = m.Info(info=self._template(fields, "info", required=True) or "", **base)
        if not node.next:
            self.report.error(fields.data.mark, f"info node '{node.id}' needs a 'next'")
        return node

    @_ways_on
    def _route(self, fields: Fields, base: dict[str, Any]) -> m.Node | None:
        value = fields.raw("route")
        if not isinstance(value, LocatedList) or not value:
            self.report.error(
                fields.mark("route"),
                f"'route' in {fields.where} must be a list of "
                "{when, then} cases ending with {else: ...}",
            )
            return None
        cases = self._branches(value, fields.where, "route")
        node = m.Route(route=cases, **base)
        misplaced = any(isinstance(item, LocatedDict) and "else" in item for item in value)
        if cases and cases[-1].when is not None and not node.next and not misplaced:
            self.report.error(
                fields.mark("route"),
                f"route '{node.id}' has no 'else' case: add "
                "'- else: <node>' so it always has a way on",
            )
        return node

    def _try(self, fields: Fields, base: dict[str, Any]) -> m.Node | None:
        items = fields.text_list("try")
        if not items:
            self.report.error(
                fields.mark("try"),
                f"'try' in {fields.where} must list the basics to try, one at a time",
            )
            return None
        for item in items:
            self._expression(item, True, fields.mark("try"))
        return m.Try(
            items=items,
            verify=self._template(fields, "verify") or m.DEFAULT_VERIFY,
            on_fixed=self._target(fields, "on_fixed"),
            on_not_fixed=self._target(fields, "on_not_fixed"),
            **base,
        )

    def _fix(self, fields: Fields, base: dict[str, Any]) -> m.Node | None:
        steps = fields.text_list("steps")
        for step in steps:
            self._expression(step, True, fields.mark("steps"))
        return m.Fix(
            fix=self._template(fields, "fix", required=True) or "",
            steps=steps,
            verify=self._template(fields, "verify"),
            max_attempts=fields.integer("max_attempts", 1, minimum=1),
            on_fixed=self._target(fields, "on_fixed"),
            on_not_fixed=self._target(fields, "on_not_fixed"),
            **base,
        )

    @_ways_on
    def _call(self, fields: Fields, base: dict[str, Any]) -> m.Node | None:
        target = self._target(fields, "call")
        if target is None:
            return None
        if not base["next"]:
            self.report.error(
                fields.data.mark,
                f"call node '{base['id']}' needs a 'next': where "
                "to continue when the sub-tree returns",
            )
        arguments = build_data.arguments(self, fields)
        with_marks = fields.raw("with")
        for name, _ in arguments:
            mark = with_marks.key_mark(name) if isinstance(with_marks, LocatedDict) else (1, 1)
            self.parts.arguments.append(Reference(f"{target}/{name}", self.report.path, mark))
        return m.Call(call=target, arguments=arguments, **base)

    @_ways_on
    def _goto(self, fields: Fields, base: dict[str, Any]) -> m.Node | None:
        target = self._target(fields, "goto")
        return None if target is None else m.Goto(goto=target, **base)

    def _return(self, fields: Fields, base: dict[str, Any]) -> m.Node | None:
        return m.Return(values=build_data.assignments(self, fields, "return"), **base)

    def _escalate(self, fields: Fields, base: dict[str, Any]) -> m.Node | None:
        return m.Escalate(
            tier=fields.text("escalate", required=True) or "",
            reason=self._template(fields, "reason"),
            reply=self._template(fields, "reply"),
            **base,
        )

    def _resolve(self, fields: Fields, base: dict[str, Any]) -> m.Node | None:
        outcome_text = fields.text("outcome") or "resolved"
        outcomes = list(m.CLOSING_OUTCOMES)
        try:
            outcome = m.Outcome(outcome_text)
            if outcome is m.Outcome.ESCALATED:
                raise ValueError(outcome_text)
        except ValueError:
            self.report.error(
                fields.mark("outcome"),
                f"unknown outcome '{outcome_text}' (use one "
                f"of {', '.join(outcomes)}){did_you_mean(outcome_text, outcomes)}",
            )
            outcome = m.Outcome.RESOLVED
        follow_up = fields.text("follow_up")
        if follow_up is not None and not re.match(FOLLOW_UP_PATTERN, follow_up):
            self.report.error(
                fields.mark("follow_up"),
                f"follow_up '{follow_up}' must be a "
                "number of hours, days or weeks, like 4h, 2d or 1w",
            )
        elif follow_up is not None and follow_up_days(follow_up) is None:
            self.report.error(
                fields.mark("follow_up"),
                f"follow_up '{follow_up}' is more than ten years away: use a nearer delay",
            )
        return m.Resolve(
            summary=self._template(fields, "resolve", required=True) or "",
            outcome=outcome,
            reply=self._template(fields, "reply"),
            follow_up=follow_up,
            **base,
        )
