"""Streaming export writers: CSV (per session or per event), JSON, JSONL and Markdown reports.

Each writer takes an iterator of cases and writes as it reads, so memory stays flat however
large the log. CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) get a leading apostrophe; JSON keeps every text exact.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from enum import StrEnum
from typing import Any, TextIO

from troubleshoot.cases.records import Case, Event, SessionRecord
from troubleshoot.cases.report import case_report
from troubleshoot.cases.view import case_object, case_view
from troubleshoot.tree.model import Tree


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"
    MD = "md"


SESSION_COLUMNS = tuple(f.name for f in fields(SessionRecord))
_FIRST = ("session_id", "seq", "time")
EVENT_COLUMNS = (*_FIRST, *(f.name for f in fields(Event) if f.name not in _FIRST))
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

TreeFor = Callable[[SessionRecord], Tree | None]


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell a spreadsheet shows as text (never runs as a formula)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _session_row(session: SessionRecord) -> list[Any]:
    values = {
        **{name: getattr(session, name) for name in SESSION_COLUMNS},
        "status": str(session.status),
        "variables": dict(session.variables),
        "tree_sources": " ".join(session.tree_sources),
    }
    return [csv_cell(values[name]) for name in SESSION_COLUMNS]


def _event_row(session: SessionRecord, event: Event) -> list[Any]:
    values = {name: getattr(event, name) for name in EVENT_COLUMNS}
    values["kind"] = str(event.kind)
    values["session_id"] = session.id
    return [csv_cell(values[name]) for name in EVENT_COLUMNS]


def write_csv(cases: Iterable[Case], out: TextIO, *, events: bool = False) -> None:
    """One row per session, or with `events` one row per event; a header row first."""
    writer = csv.writer(out)
    writer.writerow(EVENT_COLUMNS if events else SESSION_COLUMNS)
    for case in cases:
        if events:
            writer.writerows(_event_row(case.session, e) for e in case.events)
        else:
            writer.writerow(_session_row(case.session))


def write_jsonl(cases: Iterable[Case], out: TextIO) -> None:
    out.writelines(case_records(cases, ExportFormat.JSONL))


RECORD_FORMATS = (ExportFormat.CSV, ExportFormat.JSONL)
"""The formats a case log can write record by record (`CaseLog.export_records`)."""


def case_records(cases: Iterable[Case], format: ExportFormat) -> Iterator[str]:
    """The export of `cases` one record at a time, each ending with its line end: CSV with one
    row per session (the header first), or JSON lines."""
    if format is ExportFormat.JSONL:
        for case in cases:
            yield json.dumps(case_object(case), ensure_ascii=False) + "\n"
        return
    if format is not ExportFormat.CSV:
        raise ValueError(f"{format} is not written record by record")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in (SESSION_COLUMNS, *(_session_row(c.session) for c in cases)):
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def write_json(cases: Iterable[Case], out: TextIO) -> None:
    """A JSON array written one object at a time."""
    out.write("[")
    for index, case in enumerate(cases):
        text = json.dumps(case_object(case), ensure_ascii=False, indent=2)
        out.write(("," if index else "") + "\n" + text)
    out.write("\n]\n")


def write_markdown(cases: Iterable[Case], out: TextIO, tree_for: TreeFor) -> None:
    """A case report per session, separated by rules."""
    for index, case in enumerate(cases):
        out.write(
            ("\n---\n\n" if index else "") + case_report(case_view(case, tree_for(case.session)))
        )


def export(
    cases: Iterator[Case],
    out: TextIO,
    *,
    format: ExportFormat,
    events: bool = False,
    tree_for: TreeFor = lambda session: None,
) -> None:
    """Write `cases` to `out` in `format`."""
    if format is ExportFormat.CSV:
        write_csv(cases, out, events=events)
    elif format is ExportFormat.JSON:
        write_json(cases, out)
    elif format is ExportFormat.JSONL:
        write_jsonl(cases, out)
    else:
        write_markdown(cases, out, tree_for)
