"""Node kinds are declared once, in the model: every list of kinds is read from there."""

from __future__ import annotations

from typing import get_args

from troubleshoot.tree import model as m
from troubleshoot.tree.build import KINDS
from troubleshoot.tree.schema import tree_schema


def test_every_node_class_declares_its_kind_in_order() -> None:
    assert [cls.KIND for cls in m.NODE_CLASSES] == list(m.NodeKind)
    assert set(m.NODE_CLASSES) == set(get_args(m.Node))
    assert list(KINDS) == [str(kind) for kind in m.NodeKind]


def test_the_schema_offers_every_kind_with_its_keys() -> None:
    nodes = tree_schema()["properties"]["nodes"]["additionalProperties"]["oneOf"]
    assert [n["required"] for n in nodes] == [[str(kind)] for kind in m.NodeKind]
    for node, kind in zip(nodes, m.NodeKind, strict=True):
        assert set(node["properties"]) == {str(kind), *m.COMMON_KEYS, *m.KIND_KEYS[kind]}


def test_edges_are_labelled_ways_on() -> None:
    ask = m.Ask(
        id="q",
        ask="Works?",
        type=m.AskType.CONFIRM,
        on_yes="done",
        on_no="help",
        next=(m.Branch("x > 1", "big"),),
    )
    assert ask.edges() == [("yes", "done"), ("no", "help"), ("x > 1", "big")]
    assert ask.targets() == ["done", "help", "big"]
    route = m.Route(id="r", route=(m.Branch("a", "one"), m.Branch(None, "two")))
    assert route.edges() == [("a", "one"), ("else", "two")]
