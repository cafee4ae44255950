"""Building the format 1.1 keys that pass data around: `set`/`return` assignments, `with:`
arguments, `choices_from`, and the `action` and `for_each` node kinds.

Functions of the `FileBuilder` of one file (they record problems and references through it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from troubleshoot.tree import model as m
from troubleshoot.tree.fields import SNAKE, Fields
from troubleshoot.tree.located import LocatedDict

if TYPE_CHECKING:
    from troubleshoot.tree.build import FileBuilder


def assignments(builder: FileBuilder, fields: Fields, key: str) -> tuple[tuple[str, str], ...]:
    """`{name: expression}` of `return` and `set`; each name becomes a known variable."""
    value = fields.raw(key)
    values: list[tuple[str, str]] = []
    if isinstance(value, LocatedDict):
        for name, expr in value.items():
            if not isinstance(name, str) or not SNAKE.match(name):
                what = "returned" if key == "return" else "assigned"
                builder.report.error(
                    value.key_mark(name), f"{what} name {name!r} must be snake_case"
                )
                continue
            source = _literal(expr)
            builder._expression(source, False, value.value_mark(name))
            values.append((name, source))
            builder.parts.names.add(name)
    elif value is not None:
        builder.report.error(
            fields.mark(key),
            f"'{key}' in {fields.where} must be a "
            "mapping of names to expressions, e.g. {internet_ok: 'true'}",
        )
    return tuple(values)


def arguments(builder: FileBuilder, fields: Fields) -> tuple[m.Argument, ...]:
    """`with: {name: value}`: text is a template, other scalars are taken as they are."""
    value = fields.raw("with")
    if value is None:
        return ()
    if not isinstance(value, LocatedDict):
        builder.report.error(
            fields.mark("with"),
            f"'with' in {fields.where} must be a mapping of names to values, "
            "e.g. {amount: '{{ refund }}'}",
        )
        return ()
    found: list[m.Argument] = []
    for name, item in value.items():
        mark = value.value_mark(name)
        if not isinstance(name, str) or not SNAKE.match(name):
            builder.report.error(value.key_mark(name), f"argument name {name!r} must be snake_case")
        elif isinstance(item, (dict, list)):
            builder.report.error(
                mark, f"argument '{name}' of {fields.where} must be text or a number"
            )
        else:
            if isinstance(item, str):
                builder._expression(item, True, mark)
            found.append((name, item))
    return tuple(found)


def choices_from(builder: FileBuilder, fields: Fields, ask_type: m.AskType) -> str | None:
    name = fields.text("choices_from")
    if name is None:
        return None
    mark = fields.mark("choices_from")
    if ask_type not in (m.AskType.SELECT, m.AskType.MULTISELECT):
        builder.report.error(
            mark, f"'choices_from' in {fields.where} fits select and multiselect questions only"
        )
    if fields.has("choices"):
        builder.report.error(mark, f"{fields.where} has 'choices' and 'choices_from': keep one")
    if not SNAKE.match(name):
        builder.report.error(mark, f"'choices_from' in {fields.where} must name a list variable")
        return None
    declared = builder.parts.header.get("vars", {}).get(name)
    if declared is not None and declared.type != "list":
        builder.report.error(
            mark,
            f"'choices_from: {name}' in {fields.where} names a {declared.type} variable: "
            "it must be a list (declare it with 'type: list')",
        )
    builder._expression(name, False, mark)
    return name


def action(builder: FileBuilder, fields: Fields, base: dict[str, Any]) -> m.Node | None:
    name = fields.text("action", required=True)
    if name is None:
        return None
    if "{{" in name or "{%" in name:
        builder.report.error(
            fields.mark("action"),
            f"the action name in {fields.where} is counted in stats, so it is plain text: "
            "put what changes in 'with'",
        )
    node = m.Action(action=name, arguments=arguments(builder, fields), **base)
    if not node.next:
        builder.report.error(fields.data.mark, f"action node '{node.id}' needs a 'next'")
    return node


def for_each(builder: FileBuilder, fields: Fields, base: dict[str, Any]) -> m.Node | None:
    items, do = fields.text("for_each", required=True), builder._target(fields, "do")
    names = {key: fields.text(key) for key in ("as", "save_as")}
    for key, name in names.items():
        if name is not None and not SNAKE.match(name):
            builder.report.error(fields.mark(key), f"'{key}: {name}' must be a snake_case name")
        elif name is not None:
            builder.parts.names.add(name)
    if items is not None:
        builder._expression(items, False, fields.mark("for_each"))
    if do is None:
        builder.report.error(
            fields.data.mark,
            f"for_each node '{base['id']}' needs 'do': the first node of the steps to "
            "run for each item (they end with a 'return')",
        )
    if not base["next"]:
        builder.report.error(
            fields.data.mark,
            f"for_each node '{base['id']}' needs a 'next': where to go after the last item",
        )
    if items is None or do is None:
        return None
    item = names["as"] or "item"
    builder.parts.names.add(item)
    return m.ForEach(items=items, item=item, do=do, save_as=names["save_as"], **base)


def _literal(value: object) -> str:
    """A `return` value as an expression: text is an expression, other YAML scalars literals."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, (int, float)):
        return repr(value)
    return str(value)
