"""Session ids: sortable by time, 80 random bits, a short form to type, old ids still found."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from troubleshoot.cases.ids import (
    ALPHABET,
    IdLookup,
    choose,
    is_session_id,
    lookup,
    new_session_id,
    short_id,
)
from troubleshoot.errors import SessionNotFound

START = datetime(2026, 12, 1, 15, 22, 8, tzinfo=UTC)


def test_an_id_is_the_start_time_and_an_80_bit_tail() -> None:
    session_id = new_session_id(START)
    date, time, tail = session_id.split("-")
    assert (date, time) == ("20261201", "152208")
    assert len(tail) == 16 and set(tail) <= set(ALPHABET)  # 16 x 5 bits
    assert is_session_id(session_id)
    assert short_id(session_id) == tail[:6]


def test_ids_sort_by_start_time_and_do_not_repeat() -> None:
    ids = [new_session_id(START + timedelta(seconds=s)) for s in (0, 1, 59, 3600)]
    assert sorted(ids) == ids
    same_second = {new_session_id(START) for _ in range(10_000)}
    assert len(same_second) == 10_000


def test_old_style_ids_stay_valid() -> None:
    old = "20261123-103355-7f3a"
    assert is_session_id(old)
    assert short_id(old) == "7f3a"
    found = lookup("7F3A")
    assert found == IdLookup(exact="7f3a", prefix="7f3a%", tail="%-%-7f3a%", suffix="%-%7f3a")
    assert choose("7f3a", [old], "cases.db") == old


def test_a_typed_tail_forgives_case_and_look_alike_letters() -> None:
    assert lookup("7K3FIO").tail == "%-%-7k3f10%"
    assert lookup("20261201-15").tail == ""  # a start of the whole id, not a tail
    assert lookup("20261201-15").prefix == "20261201-15%"


@pytest.mark.parametrize("typed", ["", "%", "a_b", "x' OR 1=1 --", "7f3a%"])
def test_text_that_cannot_be_an_id_matches_nothing(typed: str) -> None:
    assert lookup(typed) == IdLookup(exact="", prefix="", tail="", suffix="")


def test_choose_prefers_the_exact_id_and_asks_for_more_when_ambiguous() -> None:
    a, b = "20261201-152208-7k3f9x2m8q1z7v0a", "20261201-152208-7k3fzzzzzzzzzzzz"
    assert choose(a, [a, b], "db") == a
    assert choose("7k3f9", [a], "db") == a
    with pytest.raises(SessionNotFound, match="matches several sessions"):
        choose("7k3f", [a, b], "db")
    with pytest.raises(SessionNotFound, match="no session 'nope' in db"):
        choose("nope", [], "db")
