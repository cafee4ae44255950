"""What a condition or template may compute: ordinary templates work, costly ones stop at once.

The limits (`troubleshoot.tree.bounds`) are checked before each operation that can grow a value,
so these run in milliseconds whatever the template asks for.
"""

from __future__ import annotations

from typing import Any

import pytest

from troubleshoot.tree import bounds
from troubleshoot.tree.expr import (
    ExpressionError,
    evaluate,
    names_in_expression,
    names_in_template,
    render,
)


@pytest.mark.parametrize(("template", "variables", "expected"), [
    ("Hi {{ name }}", {"name": "Ann"}, "Hi Ann"),
    ("{% for i in range(3) %}{{ i ~ '.' }}{% endfor %}", {}, "0.1.2."),
    ("{{ items | join(', ') }}", {"items": ["a", "b"]}, "a, b"),
    ("{{ '%.1f' % x }} {{ '{:>5}'.format(x) }}", {"x": 2.25}, "2.2  2.25"),
    ("{{ 'ab' | replace('a', 'zz') }} {{ 'x' | center(5) }}|", {}, "zzb   x  |"),
    ("{{ '-' * 20 }}", {}, "-" * 20),
    ("{{ 2 ** 100 }}", {}, str(2**100)),
    ("{% set ns = namespace(n=0) %}{% for i in range(100) %}{% set ns.n = ns.n + i %}"
     "{% endfor %}{{ ns.n }}", {}, "4950"),
    ("{{ text | wordwrap(10) | indent(2) }}", {"text": "one two three four"},
     "one two\n  three four"),
])
def test_ordinary_templates_render_as_before(
        template: str, variables: dict[str, Any], expected: str) -> None:
    assert render(template, variables) == expected


def test_conditions_evaluate_as_before() -> None:
    assert evaluate('code in ["809", "0x809"] and 3 * n > 5', {"code": "809", "n": 2}) is True
    assert evaluate("'x' ~ n", {"n": 4}) == "x4"


@pytest.mark.parametrize(("template", "variables", "said"), [
    ("{{ 'x' * n }}", {"n": 10**9}, "repeats a text or list 1,000,000,000 times"),
    ("{{ items * n }}", {"items": [1, 2], "n": 10**10}, "repeats a text or list"),
    ("{{ n ** n }}", {"n": 10**5}, "raises a number to the power 100,000"),
    ("{{ n * n }}", {"n": 2**9000}, "a number of more than 10,000 bits"),
    ("{% for a in s %}{% for b in s %}.{% endfor %}{% endfor %}", {"s": "x" * 100_000},
     "its loops repeat more than 10,000 times"),
    ("{% set ns = namespace(s=s) %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
     "{% endfor %}", {"s": "ab"}, "more than 100,000 characters or items"),
    ("{% macro f(s) %}{{ f(s ~ s) }}{% endmacro %}{{ f(s) }}", {"s": "x"},
     "more than 100,000 characters or items"),
    ("{% set x %}{% for i in range(10000) %}{{ s }}{% endfor %}{% endset %}", {"s": "y" * 99},
     "it writes more than 100,000 characters"),
    ("{{ s | center(n) }}", {"s": "a", "n": 10**9}, "'center' is asked for 1,000,000,000"),
    ("{{ s.ljust(n) }}", {"s": "a", "n": 10**9}, "'ljust' is asked for 1,000,000,000"),
    ("{{ s | replace('', t) }}", {"s": "a" * 1000, "t": "b" * 1000}, "'replace' would make"),
    ("{{ s.replace('', t) }}", {"s": "a" * 1000, "t": "b" * 1000}, "'replace' would make"),
    ("{{ items | join(s) }}", {"items": list(range(1000)), "s": "-" * 1000}, "joining makes"),
    ("{{ s.join(items) }}", {"items": ["a"] * 1000, "s": "-" * 1000}, "joining makes"),
    ("{{ s | indent(n) }}", {"s": "\n" * 1000, "n": 1000}, "'indent' would make"),
    ("{{ f % 1 }}", {"f": "%999999999d"}, "asks for too wide a field"),
    ("{{ f.format(1) }}", {"f": "{:>999999999}"}, "asks for too wide a field"),
    ("{{ '{:{}}'.format(1, n) }}", {"n": 10**9}, "asks for too wide a field"),
])
def test_a_template_that_computes_too_much_is_an_error(
        template: str, variables: dict[str, Any], said: str) -> None:
    with pytest.raises(ExpressionError, match=r"^cannot fill in ") as caught:
        render(template, variables)

    assert said in str(caught.value)


def test_a_condition_that_computes_too_much_is_an_error() -> None:
    with pytest.raises(ExpressionError, match=r"^cannot evaluate 'n \*\* n > 1': it raises"):
        evaluate("n ** n > 1", {"n": 10**6})


@pytest.mark.parametrize(("source", "said"), [
    ("9**(9**9) > 1", "it raises a number to the power 387,420,489"),
    ("'a' * 10**12", "repeats a text or list 1,000,000,000,000 times"),
    ("[1] * 10**10 == []", "repeats a text or list 10,000,000,000 times"),
    ("'a' | center(1000000000)", "'center' is asked for 1,000,000,000"),
    ("'{:>999999999}'.format(1)", "asks for too wide a field"),
    ("'%0999999999d' % 1", "asks for too wide a field"),
])
def test_constants_that_compute_too_much_are_a_problem_when_the_tree_is_read(
        source: str, said: str) -> None:
    with pytest.raises(ExpressionError, match=r"keep conditions and texts small") as caught:
        names_in_expression(source)

    assert said in str(caught.value)


def test_constant_loops_that_repeat_too_often_are_a_problem_when_the_tree_is_read() -> None:
    nested = "{% for a in range(1000) %}{% for b in 'x' * 100 %}.{% endfor %}{% endfor %}"

    with pytest.raises(ExpressionError, match=r"its loops repeat 100,000 times"):
        names_in_template(nested)
    assert names_in_template("{% for a in range(100) %}{{ a ~ b }}{% endfor %}") == {"b"}


def test_limits_are_generous_for_trees() -> None:
    assert bounds.MAX_SIZE >= 100_000 and bounds.MAX_LOOPS >= 10_000
    assert render("{{ s }}", {"s": "y" * 100_000}) == "y" * 100_000
