"""The types of declared variables (`vars: {name: {type: ...}}`) and turning a value into one.

Used for `vars` defaults in tree files (checked by validate), and for values given from outside
a tree: `run --set name=value` and the `vars:` section of answers files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

VAR_TYPES = ("str", "int", "float", "bool", "list", "map", "date")
TRUE_WORDS = frozenset({"true", "yes", "1"})
FALSE_WORDS = frozenset({"false", "no", "0"})


class WrongType(ValueError):
    """A value that does not fit a variable's type; the message says what would."""


def typed_value(var_type: str, value: Any) -> Any:
    """`value` as a value of `var_type`; text is read as the type (``"3"`` for an int, JSON
    for a list or map, ``YYYY-MM-DD`` for a date). Raises `WrongType`."""
    if value is None:
        return None
    converter = _CONVERTERS.get(var_type, _str)
    return converter(value)


def _str(value: Any) -> str:
    if isinstance(value, (dict, list)):
        raise WrongType("expected text, not a list or mapping")
    return str(value)


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise WrongType(f"expected a whole number, not {value!r}")
    try:
        return int(value)
    except ValueError:
        raise WrongType(f"expected a whole number, not {value!r}") from None


def _float(value: Any) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise WrongType(f"expected a number, not {value!r}")
    if isinstance(value, (int, float)):
        return value
    try:
        return float(value)
    except ValueError:
        raise WrongType(f"expected a number, not {value!r}") from None


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS | FALSE_WORDS and not isinstance(value, (dict, list)):
        return word in TRUE_WORDS
    raise WrongType(f"expected true or false, not {value!r}")


def _json(value: str, kind: type) -> Any:
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return parsed if isinstance(parsed, kind) else None


def _list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, str):
        parsed = _json(value, list) if value.lstrip().startswith("[") else None
        return parsed if parsed is not None else [p.strip() for p in value.split(",") if p.strip()]
    raise WrongType(f"expected a list, not {value!r}")


def _map(value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    parsed = _json(value, dict) if isinstance(value, str) else None
    if parsed is None:
        raise WrongType(f"expected a mapping, not {value!r}")
    return dict(parsed)


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if str(value).strip().lower() == "today":
        return date.today()
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise WrongType(f"expected a date as YYYY-MM-DD, not {value!r}") from None


_CONVERTERS = {
    "str": _str,
    "int": _int,
    "float": _float,
    "bool": _bool,
    "list": _list,
    "map": _map,
    "date": _date,
}


def inferred_type(value: Any) -> str:
    """The type of a variable declared without one, from its default ("any" without one)."""
    if value is None:
        return "any"
    for var_type, kind in (("bool", bool), ("int", int), ("float", float), ("list", list)):
        if isinstance(value, kind):
            return var_type
    return "map" if isinstance(value, Mapping) else "str"


def plain(value: Any) -> Any:
    """A YAML value as plain lists and dicts (without the marks the loader keeps)."""
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value
