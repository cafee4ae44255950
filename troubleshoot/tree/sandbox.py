"""The Jinja sandbox that `expr.py` compiles conditions and templates with, bounded in cost.

Jinja's sandbox checks what a template may touch, not what it costs. This one also checks, with
`bounds`, every operation that can grow a value (`*`, `**`, `+`, `%`, text methods, filters), every
loop pass, every `~` join and every piece of output, while the template runs. Nothing is
computed when a tree is read: constant folding is off, and a filter that takes the context (all of
them, here) is never called at compile time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from troubleshoot.tree import bounds

if TYPE_CHECKING:
    from jinja2 import nodes
    from jinja2.runtime import Context
    from jinja2.sandbox import SandboxedEnvironment


def new_environment(finalize: Callable[[Any], Any] | None) -> SandboxedEnvironment:
    """A bounded sandbox with strict undefined names and no autoescape."""
    from jinja2 import StrictUndefined

    env = _sandbox_class()(
        undefined=StrictUndefined, autoescape=False, finalize=finalize, optimized=False
    )
    env.globals.pop("lipsum", None)
    env.filters = {name: _bounded_filter(name, f) for name, f in env.filters.items()}
    env.filters.update(_internal_filters())
    return env


@cache
def _sandbox_class() -> type[SandboxedEnvironment]:
    """Jinja's immutable sandbox, with every operation that can grow a value checked first."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class BoundedSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "+", "%"})

        def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
            bounds.check_binop(operator, left, right)
            return bounds.checked(super().call_binop(context, operator, left, right))

        def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
            if isinstance(obj, str | bytes) and attr in bounds.REFUSED_METHODS:
                return False
            return super().is_safe_attribute(obj, attr, value)

        def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
            if isinstance(getattr(value, "__self__", None), str):
                bounds.check_format(value.__self__)
            return super().wrap_str_format(value)

        def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
            owner = getattr(obj, "__self__", None)
            if isinstance(owner, str) and getattr(obj, "__name__", "") == "join" and args:
                items = list(args[0])
                bounds.check_join(owner, items)
                args = (items, *args[1:])
            elif isinstance(owner, str):
                bounds.check_call(getattr(obj, "__name__", ""), owner, args, kwargs)
            else:
                bounds.current().tick()
            return bounds.checked(super().call(context, obj, *args, **kwargs))

    return BoundedSandbox


def _bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """`func` checked before it runs and its result checked after; never folded at load time
    (a filter that takes the context cannot be computed before the template runs)."""
    from jinja2 import pass_context

    passed = getattr(getattr(func, "jinja_pass_arg", None), "name", None)

    @pass_context
    def bounded(context: Context, value: Any, *args: Any, **kwargs: Any) -> Any:
        if name == "join":
            value = list(value)
            separator = args[0] if args else kwargs.get("d", "")
            bounds.check_join(str(separator), value)
        else:
            bounds.check_call(name, value, args, kwargs)
        first = {
            "context": (context,),
            "eval_context": (context.eval_ctx,),
            "environment": (context.environment,),
        }.get(passed or "", ())
        return bounds.checked(func(*first, value, *args, **kwargs))

    return bounded


def _internal_filters() -> dict[str, Callable[..., Any]]:
    """The filters `_bounded_ast` inserts: loop passes, joined text and output are counted."""
    from jinja2 import pass_context

    @pass_context
    def loop(context: Context, iterable: Any) -> Iterator[Any]:
        budget = bounds.current()
        for item in iterable:
            budget.loop()
            yield item

    @pass_context
    def text(context: Context, value: Any) -> Any:
        return bounds.checked(value)

    @pass_context
    def output(context: Context, value: Any) -> Any:
        bounds.current().write(len(str(value)))
        return value

    @pass_context
    def literal(context: Context, length: int) -> str:
        bounds.current().write(length)
        return ""

    return {_LOOP: loop, _TEXT: text, _OUTPUT: output, _LITERAL: literal}


_LOOP, _TEXT, _OUTPUT, _LITERAL = (f"troubleshoot_{n}" for n in ("loop", "text", "out", "lit"))


def bounded_ast(template: nodes.Template, env: SandboxedEnvironment) -> nodes.Template:
    """The template with every loop pass, `~` join and piece of output counted as it runs."""
    from jinja2 import nodes
    from jinja2.visitor import NodeTransformer

    def wrap(node: nodes.Node, name: str) -> nodes.Filter:
        return nodes.Filter(node, name, [], [], None, None, lineno=node.lineno)

    class Bound(NodeTransformer):
        def visit_For(self, node: nodes.For) -> nodes.Node:
            self.generic_visit(node)
            node.iter = wrap(node.iter, _LOOP)
            return node

        def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
            self.generic_visit(node)
            return wrap(node, _TEXT)

        def visit_Output(self, node: nodes.Output) -> nodes.Node:
            self.generic_visit(node)
            pieces: list[nodes.Expr] = []
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    pieces += [wrap(nodes.Const(len(child.data), lineno=child.lineno), _LITERAL)]
                    pieces.append(child)
                else:
                    pieces.append(wrap(child, _OUTPUT))
            node.nodes = pieces
            return node

    bounded = Bound().visit(template)
    bounded.set_environment(env)
    return bounded  # type: ignore[no-any-return]
