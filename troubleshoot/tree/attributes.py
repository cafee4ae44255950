"""Attributes used in conditions and templates, checked against the variable's known type:
`code.valid` on a text answer is reported by validate instead of failing during a session."""

from __future__ import annotations

from datetime import date

from troubleshoot.tree import model as m
from troubleshoot.tree.build import FileParts
from troubleshoot.tree.problems import Problem

_ASK_TYPES: dict[m.AskType, tuple[type, ...]] = {
    m.AskType.TEXT: (str,),
    m.AskType.SELECT: (str,),
    m.AskType.NUMBER: (int, float),
    m.AskType.CONFIRM: (bool,),
    m.AskType.DATE: (date,),
    m.AskType.MULTISELECT: (list,),
}
_VAR_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "date": (date,),
    "list": (list,),
}


_TYPE_WORDS = {
    str: "text",
    int: "a number",
    float: "a number",
    bool: "true/false",
    date: "a date",
    list: "a list",
}


def _value_types(files: list[FileParts]) -> dict[str, tuple[type, ...]]:
    """The Python types of variables whose type is known (declared, or saved by one kind of
    question); a name written with two different types is left out."""
    found: dict[str, set[tuple[type, ...]]] = {}
    for file in files:
        for spec in file.header.get("vars", {}).values():
            if spec.type in _VAR_TYPES:
                found.setdefault(spec.name, set()).add(_VAR_TYPES[spec.type])
        for node in file.nodes.values():
            if isinstance(node, m.Ask) and node.save_as and node.choices_from is None:
                found.setdefault(node.save_as, set()).add(_ASK_TYPES[node.type])
    assigned = {
        name
        for file in files
        for node in file.nodes.values()
        for name, _ in (*node.sets, *(node.values if isinstance(node, m.Return) else ()))
    }
    return {
        name: next(iter(kinds))
        for name, kinds in found.items()
        if len(kinds) == 1 and name not in assigned
    }


def check_attributes(files: list[FileParts]) -> list[Problem]:
    """`x.valid` where `x` is text, a number, a date... and has no such attribute."""
    from troubleshoot.tree.expr import attributes_used

    kinds = _value_types(files)
    problems: list[Problem] = []
    if not kinds:
        return problems  # no variable of a known type: no attribute to check
    for file in files:
        for expr in file.expressions:
            for name, attr in sorted(attributes_used(expr.source, template=expr.is_template)):
                types = kinds.get(name)
                if types and not any(hasattr(kind, attr) for kind in types):
                    shown = " or ".join(dict.fromkeys(_TYPE_WORDS[kind] for kind in types))
                    problems.append(
                        Problem(
                            expr.path,
                            *expr.mark,
                            f"'{name}' is {shown}, which has no '{attr}': "
                            f"'{name}.{attr}' cannot be evaluated",
                        )
                    )
    return problems
