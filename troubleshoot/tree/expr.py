"""Sandboxed Jinja for tree conditions (``when``) and text templates (``{{ name }}``).

Everything is compiled here; the loader checks names at load time and the engine evaluates.
Only text written by a tree's author is ever compiled: answers typed by agents and customers
reach templates as variable values, never as template source. What they may compute is bounded
(`bounds`, checked by the sandbox of `sandbox.py` as they run); constant parts that would compute
too much are reported when the tree is read, and nothing is computed then.
"""

from __future__ import annotations

import contextlib
import operator
import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from troubleshoot.errors import TroubleshootError
from troubleshoot.tree import bounds
from troubleshoot.tree.model import BUILTIN_VARIABLES, VISITS

if TYPE_CHECKING:
    from jinja2 import nodes
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
    from troubleshoot.tree.sandbox import new_environment

    env = new_environment(finalize=escape_markdown if markdown else None)
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
    return "{" in text and any(marker in text for marker in _TEMPLATE_MARKERS)


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
        _check_constants(ast)
        return set(meta.find_undeclared_variables(ast)) - BUILTINS
    except TemplateSyntaxError as exc:
        raise ExpressionError(f"{exc.message}: {shown!r}") from None
    except RecursionError:
        raise ExpressionError(f"nested too deeply to be read: {shown[:60]!r}...") from None
    except bounds.LimitExceeded as exc:
        raise ExpressionError(
            f"{exc}; keep conditions and texts small: {_short(shown)!r}"
        ) from None


class _NotConstant(Exception):
    """A part of an expression that depends on variables (so is left to run time)."""


_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "*": operator.mul,
    "**": operator.pow,
    "+": operator.add,
    "-": operator.sub,
    "%": operator.mod,
    "/": operator.truediv,
    "//": operator.floordiv,
}


def _constant(node: nodes.Node) -> Any:
    """The value of a part written with constants only, computed under the limits."""
    from jinja2 import nodes

    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.List | nodes.Tuple):
        return [_constant(item) for item in node.items]
    if isinstance(node, nodes.Neg):
        return -_constant(node.node)
    if isinstance(node, nodes.Concat):
        return bounds.checked("".join(str(_constant(part)) for part in node.nodes))
    if (
        isinstance(node, nodes.Call)
        and isinstance(node.node, nodes.Name)
        and node.node.name == "range"
        and not (node.kwargs or node.dyn_args or node.dyn_kwargs)
    ):
        return range(*(_constant(arg) for arg in node.args))
    if isinstance(node, nodes.Filter | nodes.Call):
        _check_call(node)
    if isinstance(node, nodes.BinExpr) and node.operator in _OPERATORS:
        left, right = _constant(node.left), _constant(node.right)
        bounds.check_binop(node.operator, left, right)
        try:
            return bounds.checked(_OPERATORS[node.operator](left, right))
        except (TypeError, ValueError, ArithmeticError):
            raise _NotConstant from None
    raise _NotConstant


def _check_call(node: nodes.Filter | nodes.Call) -> None:
    """Checks a filter or text method given constants only, without calling it."""
    from jinja2 import nodes

    if isinstance(node, nodes.Filter):
        name, target = node.name, node.node
    elif isinstance(node.node, nodes.Getattr):
        name, target = node.node.attr, node.node.node
    else:
        return
    if target is None or node.dyn_args or node.dyn_kwargs:
        return
    value = _constant(target)
    args = tuple(_constant(arg) for arg in node.args)
    kwargs = {str(pair.key): _constant(pair.value) for pair in node.kwargs}
    bounds.check_call(name, value, args, kwargs)
    if name in ("format", "format_map") and isinstance(value, str):
        bounds.check_format(value)


def _check_constants(ast: nodes.Node, passes: int = 1) -> None:
    """Raises `bounds.LimitExceeded` if the constant parts of `ast` compute too much, or its
    loops over constants repeat too often: such a tree is a located problem, not a hang."""
    from jinja2 import nodes

    for child in ast.iter_child_nodes():
        inner = passes
        if isinstance(child, nodes.For):
            with contextlib.suppress(_NotConstant, TypeError):
                inner = passes * max(len(_constant(child.iter)), 1)
            if inner > bounds.MAX_LOOPS:
                raise bounds.LimitExceeded(
                    f"its loops repeat {inner:,} times, more than {bounds.MAX_LOOPS:,}"
                )
        elif isinstance(child, nodes.BinExpr | nodes.Filter | nodes.Call):
            with contextlib.suppress(_NotConstant):
                _constant(child)
        _check_constants(child, inner)


def _short(source: str) -> str:
    return source if len(source) <= 80 else source[:77] + "..."


@cache
def _compiled_expression(source: str) -> Any:
    from jinja2 import TemplateSyntaxError, nodes
    from jinja2.environment import TemplateExpression
    from jinja2.parser import Parser

    from troubleshoot.tree.sandbox import bounded_ast

    env = _env()
    parser = Parser(env, source, state="variable")
    expression = parser.parse_expression()
    if not parser.stream.eos:
        raise TemplateSyntaxError("chunk after expression", parser.stream.current.lineno)
    body = [nodes.Assign(nodes.Name("result", "store"), expression, lineno=1)]
    template = env.from_string(bounded_ast(nodes.Template(body, lineno=1), env))
    return TemplateExpression(template, undefined_to_none=False)


@cache
def _compiled_template(source: str, markdown: bool = False) -> Any:
    from troubleshoot.tree.sandbox import bounded_ast

    env = _env(markdown)
    return env.from_string(bounded_ast(env.parse(source), env))


_RUN_ERRORS = (TypeError, ValueError, ArithmeticError, RecursionError, MemoryError)


def evaluate(source: str, variables: dict[str, Any]) -> Any:
    """The value of a condition with these variables."""
    from jinja2 import TemplateError, Undefined

    try:
        with bounds.budget():
            value = _compiled_expression(source)(**_with_today(variables))
    except (TemplateError, bounds.LimitExceeded, *_RUN_ERRORS) as exc:
        raise ExpressionError(f"cannot evaluate {_short(source)!r}: {exc}") from None
    if isinstance(value, Undefined):  # `x.missing` alone: an error only once it is used
        raise ExpressionError(f"cannot evaluate {_short(source)!r}: {value._undefined_message}")
    return value


def render(source: str, variables: dict[str, Any], markdown: bool = False) -> str:
    """A text template filled in with these variables (plain text is returned as it is);
    `markdown` escapes the values for a Markdown text."""
    if not is_template(source):
        return source
    from jinja2 import TemplateError

    try:
        with bounds.budget():
            return str(_compiled_template(source, markdown).render(**_with_today(variables)))
    except (TemplateError, bounds.LimitExceeded, *_RUN_ERRORS) as exc:
        raise ExpressionError(f"cannot fill in {_short(source)!r}: {exc}") from None
