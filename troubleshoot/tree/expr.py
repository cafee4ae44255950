"""Sandboxed Jinja for tree conditions (``when``) and text templates (``{{ name }}``).

Everything is compiled here; the loader checks names at load time and the engine evaluates.
Only text written by a tree's author is ever compiled: answers typed by agents and customers
reach templates as variable values, never as template source.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from troubleshoot.errors import TroubleshootError
from troubleshoot.tree.model import BUILTIN_VARIABLES, VISITS

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

TODAY = "today"
"""The current date, for date windows in conditions (`purchase_date >= today - days(90)`)."""
DATE_FUNCTIONS = {
    "days": lambda n: timedelta(days=n),
    "weeks": lambda n: timedelta(weeks=n),
}
"""Durations to add to or take from a date: `days(90)`, `weeks(2)`."""
BUILTINS = frozenset(
    {
        *BUILTIN_VARIABLES,
        VISITS,
        TODAY,
        *DATE_FUNCTIONS,
        "true",
        "false",
        "none",
        "True",
        "False",
        "None",
    }
)
_TEMPLATE_MARKERS = ("{{", "{%", "{#")


class ExpressionError(TroubleshootError):
    """A condition or template failed to compile or to evaluate."""


@cache
def _env(markdown: bool = False) -> SandboxedEnvironment:
    """The sandbox; with `markdown`, every value written into the text is escaped for Markdown,
    so an answer cannot add links, emphasis or HTML to a Markdown `body`."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    finalize = escape_markdown if markdown else None
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, finalize=finalize)
    env.globals.update(DATE_FUNCTIONS)
    return env


def _with_today(variables: dict[str, Any]) -> dict[str, Any]:
    """The variables plus `today`, read at each evaluation (a session may cross midnight)."""
    return {TODAY: date.today(), **variables}


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>&~])")


def escape_markdown(value: Any) -> str:
    """A value as literal Markdown text (HTML and Markdown specials escaped)."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(value))


def is_template(text: str) -> bool:
    return any(marker in text for marker in _TEMPLATE_MARKERS)


def names_in_expression(source: str) -> set[str]:
    """The variable names a condition uses; raises `ExpressionError` if it does not compile."""
    return _names(f"{{{{ {source} }}}}", source)


def names_in_template(source: str) -> set[str]:
    """The variable names a text template uses; raises `ExpressionError` if it does not compile."""
    if not is_template(source):
        return set()
    return _names(source, source)


def attributes_used(source: str, *, template: bool) -> set[tuple[str, str]]:
    """(variable, attribute) of each ``variable.attribute`` in a condition or template that
    compiles (the loader checks them against the variable's type)."""
    from jinja2 import TemplateSyntaxError, nodes

    if template and not is_template(source):
        return set()
    try:
        ast = _env().parse(source if template else f"{{{{ {source} }}}}")
    except (TemplateSyntaxError, RecursionError):
        return set()
    return {
        (node.node.name, node.attr)
        for node in ast.find_all(nodes.Getattr)
        if isinstance(node.node, nodes.Name)
    }


def _names(template: str, shown: str) -> set[str]:
    from jinja2 import TemplateSyntaxError, meta

    try:
        ast = _env().parse(template)
        return set(meta.find_undeclared_variables(ast)) - BUILTINS
    except TemplateSyntaxError as exc:
        raise ExpressionError(f"{exc.message}: {shown!r}") from None
    except RecursionError:
        raise ExpressionError(f"nested too deeply to be read: {shown[:60]!r}...") from None


@cache
def _compiled_expression(source: str) -> Any:
    return _env().compile_expression(source, undefined_to_none=False)


@cache
def _compiled_template(source: str, markdown: bool = False) -> Any:
    return _env(markdown).from_string(source)


def evaluate(source: str, variables: dict[str, Any]) -> Any:
    """The value of a condition with these variables."""
    from jinja2 import TemplateError, Undefined

    try:
        value = _compiled_expression(source)(**_with_today(variables))
    except (TemplateError, TypeError, ValueError, ArithmeticError, RecursionError) as exc:
        raise ExpressionError(f"cannot evaluate {source!r}: {exc}") from None
    if isinstance(value, Undefined):  # `x.missing` alone: an error only once it is used
        raise ExpressionError(f"cannot evaluate {source!r}: {value._undefined_message}")
    return value


def render(source: str, variables: dict[str, Any], markdown: bool = False) -> str:
    """A text template filled in with these variables (plain text is returned as it is);
    `markdown` escapes the values for a Markdown text."""
    if not is_template(source):
        return source
    from jinja2 import TemplateError

    try:
        return str(_compiled_template(source, markdown).render(**_with_today(variables)))
    except (TemplateError, TypeError, ValueError, ArithmeticError, RecursionError) as exc:
        raise ExpressionError(f"cannot fill in {source!r}: {exc}") from None
