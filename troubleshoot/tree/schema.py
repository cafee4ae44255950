"""The JSON Schema of `*.tree.yaml`, for completion and checks in editors.

Built from the same key lists the loader uses (`build.py`), so the two cannot drift; the copy in
`tree.schema.json` beside this module is what tree files point at in their first line, and a
test checks that it matches `tree_schema()`.
"""

from __future__ import annotations

import json
from typing import Any

from troubleshoot.tree.build import TOP_KEYS
from troubleshoot.tree.fields import FOLLOW_UP_PATTERN, NAME_PATTERN, QUALIFIED_ID_PATTERN
from troubleshoot.tree.model import CLOSING_OUTCOMES, COMMON_KEYS, KIND_KEYS, AskType, NodeKind
from troubleshoot.tree.vartypes import VAR_TYPES

SCHEMA_FILE = "tree.schema.json"
NODE_ID = QUALIFIED_ID_PATTERN
NAME = NAME_PATTERN

_TEXT = {"type": "string"}
_TARGET = {"type": "string", "pattern": NODE_ID, "description": "A node id"}
_CASES = {
    "type": "array",
    "items": {
        "oneOf": [
            {
                "type": "object",
                "properties": {"when": _TEXT, "then": _TARGET},
                "required": ["when", "then"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {"else": _TARGET},
                "required": ["else"],
                "additionalProperties": False,
            },
        ]
    },
}
_NEXT = {"oneOf": [_TARGET, _CASES]}
_TEXT_LIST = {"oneOf": [_TEXT, {"type": "array", "items": _TEXT}]}

_PROPERTIES: dict[str, Any] = {
    "phase": _TEXT,
    "say": {**_TEXT, "description": "A line for the agent to say"},
    "body": {**_TEXT, "description": "Markdown shown with the step"},
    "help": _TEXT,
    "links": {
        "type": "array",
        "items": {
            "oneOf": [
                _TEXT,
                {
                    "type": "object",
                    "properties": {"title": _TEXT, "url": _TEXT},
                    "required": ["url"],
                },
            ]
        },
    },
    "when": {**_TEXT, "description": "Skip the node unless this condition is true"},
    "next": _NEXT,
    "ask": _TEXT,
    "type": {"enum": [str(t) for t in AskType]},
    "choices": {
        "type": "array",
        "items": {
            "oneOf": [
                _TEXT,
                {
                    "type": "object",
                    "properties": {"label": _TEXT, "value": _TEXT, "next": _TARGET},
                    "required": ["label"],
                    "additionalProperties": False,
                },
            ]
        },
    },
    "save_as": {"type": "string", "pattern": NAME},
    "sensitive": {
        "type": "boolean",
        "description": "The answer is used for routing but logged masked",
    },
    "choices_from": {
        "type": "string",
        "pattern": NAME,
        "description": "A list variable whose items are the choices",
    },
    "set": {
        "type": "object",
        "propertyNames": {"pattern": NAME},
        "description": "Variables assigned on entering the node: {name: expression}",
    },
    "default": {
        "type": ["string", "number"],
        "description": "The answer offered first; used when an answers file leaves it out",
    },
    "pattern": {"type": "string", "description": "A regular expression the answer must match"},
    "min": {"type": "number"},
    "max": {"type": "number"},
    "min_length": {"type": "integer", "minimum": 0},
    "max_length": {"type": "integer", "minimum": 0},
    "invalid": {**_TEXT, "description": "The message shown when an answer breaks a rule"},
    "on_yes": _TARGET,
    "on_no": _TARGET,
    "info": _TEXT,
    "route": _CASES,
    "try": _TEXT_LIST,
    "verify": _TEXT,
    "on_fixed": _TARGET,
    "on_not_fixed": _TARGET,
    "fix": _TEXT,
    "steps": _TEXT_LIST,
    "max_attempts": {"type": "integer", "minimum": 1},
    "call": _TARGET,
    "for_each": {**_TEXT, "description": "A list variable: the steps from 'do' run per item"},
    "as": {"type": "string", "pattern": NAME, "description": "The item's name (default: item)"},
    "do": {**_TARGET, "description": "The first of the steps run for each item"},
    "action": {**_TEXT, "description": "The name of something the agent does in another system"},
    "with": {
        "type": "object",
        "propertyNames": {"pattern": NAME},
        "additionalProperties": {"type": ["string", "number", "boolean"]},
        "description": "Arguments: text is a template; one {{ expression }} gives its value",
    },
    "goto": _TARGET,
    "return": {"type": "object", "propertyNames": {"pattern": NAME}},
    "escalate": _TEXT,
    "reason": _TEXT,
    "reply": _TEXT,
    "resolve": _TEXT,
    "outcome": {"enum": [str(o) for o in CLOSING_OUTCOMES]},
    "follow_up": {"type": "string", "pattern": FOLLOW_UP_PATTERN},
}


def _node_schema(kind: NodeKind) -> dict[str, Any]:
    keys = (str(kind), *COMMON_KEYS, *KIND_KEYS[kind])
    return {
        "type": "object",
        "required": [kind],
        "additionalProperties": False,
        "properties": {key: _PROPERTIES[key] for key in keys},
    }


def tree_schema() -> dict[str, Any]:
    """The schema as a JSON-ready mapping."""
    top: dict[str, Any] = {
        "format": {"enum": [1, 1.1, "1.1"]},
        "id": {"type": "string", "pattern": NODE_ID},
        "title": _TEXT,
        "revision": {"type": "integer", "minimum": 1},
        "description": _TEXT,
        "tags": {"type": "array", "items": _TEXT},
        "phases": {"type": "array", "items": _TEXT},
        "imports": {"type": "object", "additionalProperties": {"type": "string"}},
        "vars": {
            "type": "object",
            "propertyNames": {"pattern": NAME},
            "additionalProperties": {
                "type": ["object", "null"],
                "properties": {
                    "type": {"enum": list(VAR_TYPES)},
                    "default": {},
                    "description": _TEXT,
                },
                "additionalProperties": False,
            },
        },
        "escalation": {
            "type": "object",
            "properties": {"default": _TARGET},
            "additionalProperties": False,
        },
        "start": _TARGET,
        "library": {"type": "boolean"},
        "nodes": {
            "type": "object",
            "propertyNames": {"pattern": NODE_ID},
            "additionalProperties": {"oneOf": [_node_schema(k) for k in NodeKind]},
        },
    }
    assert set(top) == set(TOP_KEYS)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "troubleshoot decision tree (format 1)",
        "type": "object",
        "required": ["id", "title", "nodes"],
        "additionalProperties": False,
        "properties": top,
    }


def schema_text() -> str:
    return json.dumps(tree_schema(), indent=2) + "\n"
