"""Session ids: unique across every laptop that feeds one team database, sortable, typeable.

An id reads ``20261201-152208-7k3f9x2m8q1z7v0a``: the start time in UTC (so ids sort by time
and say when the case began) and a random tail of 16 Crockford base32 characters (80 random
bits, as in a ULID: two agents starting in the same second collide once in 2**80, not once in
65,536). Agents type the short form, the first characters of the tail (`7k3f9x`), its last
characters (`7v0a`), or any unique start of the id. Ids of the first releases
(``20261123-103355-7f3a``, a 4-hex-digit tail) have the same shape and stay valid for every lookup.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from troubleshoot.errors import SessionNotFound

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32: no i, l, o, u
TAIL_LENGTH = 16  # 80 random bits
SHORT_LENGTH = 6
_TYPOS = str.maketrans({"i": "1", "l": "1", "o": "0"})
_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-z]{4,}$")
_TYPED = re.compile(r"^[0-9a-z-]+$")


def new_session_id(at: datetime | None = None) -> str:
    """A new id: the start second in UTC, then 80 random bits."""
    stamp = (at or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    tail = "".join(secrets.choice(ALPHABET) for _ in range(TAIL_LENGTH))
    return f"{stamp}-{tail}"


def is_session_id(text: str) -> bool:
    """Whether `text` has the shape of a whole session id (new or old style)."""
    return bool(_ID.match(text))


def short_id(session_id: str) -> str:
    """What agents type: the first characters of the random tail (an old id's whole tail)."""
    tail = session_id.rsplit("-", 1)[-1]
    return tail[:SHORT_LENGTH]


@dataclass(frozen=True)
class IdLookup:
    """How to find the sessions a typed id may mean, as SQL LIKE patterns (no wildcards typed).

    A pattern that must match nothing is the empty string (no id is empty).
    """

    exact: str
    prefix: str  # a start of the whole id
    tail: str  # a start of the random tail
    suffix: str  # an end of the random tail


def lookup(typed: str) -> IdLookup:
    """The patterns for what an agent typed: whole id, a start of it, a start or an end of the
    random tail.

    Upper case is folded, and in a tail the letters Crockford leaves out are read as the digits
    they look like (`I`/`L` as 1, `O` as 0). Text that cannot be part of an id matches nothing.
    """
    text = typed.strip().lower()
    if not text or not _TYPED.match(text):
        return IdLookup(exact="", prefix="", tail="", suffix="")
    if "-" in text:
        return IdLookup(exact=text, prefix=text + "%", tail="", suffix="")
    tail = text.translate(_TYPOS)
    return IdLookup(exact=text, prefix=text + "%", tail=f"%-%-{tail}%", suffix=f"%-%{tail}")


def choose(typed: str, found: Sequence[str], where: str) -> str:
    """The one id among `found` (the ids matching `lookup(typed)`) that `typed` names.

    An exact id wins; otherwise the match must be unique. `where` names the case log in the
    message when nothing or several sessions match.
    """
    text = typed.strip().lower()
    if text in found:
        return text
    unique = sorted(set(found))
    if len(unique) == 1:
        return unique[0]
    if unique:
        raise SessionNotFound(
            f"'{typed}' matches several sessions ({', '.join(unique[:3])}); type more of the id"
        )
    raise SessionNotFound(
        f"no session '{typed}' in {where}; 'troubleshoot resume' lists the sessions you can resume"
    )
