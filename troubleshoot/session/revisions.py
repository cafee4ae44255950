"""Tree revisions kept in the case log, named `TREE@REV` (for `diff`).

Every session stores the text of the tree revision it ran on; any revision that some case ran on
can be loaded again from memory, without a checkout of the tree repository.
"""

from __future__ import annotations

import re
from pathlib import Path

from troubleshoot.cases.log import CaseLog
from troubleshoot.cases.records import SessionFilter
from troubleshoot.errors import TroubleshootError
from troubleshoot.tree import model as m

_NAMED = re.compile(r"^(?P<tree>[a-z0-9]+(?:-[a-z0-9]+)*)@(?P<revision>\d+)$")


def revision_ref(name: str) -> tuple[str, int] | None:
    """(tree id, revision) when `name` is `TREE@REV` and not a file; else None."""
    found = _NAMED.match(name)
    if found is None or Path(name).exists():
        return None
    return found["tree"], int(found["revision"])


def stored_revision(case_log: CaseLog, tree_id: str, revision: int) -> m.Tree:
    """Revision `revision` of `tree_id` as the latest case that ran on it stored it."""
    from troubleshoot.tree.loader import load_stored_tree

    cases = case_log.list_sessions(SessionFilter(tree=tree_id))
    for case in cases:
        if case.revision == revision:
            sources = case_log.tree_sources(case)
            if sources:
                return load_stored_tree(sources)
    known = sorted({case.revision for case in cases})
    shown = ", ".join(map(str, known)) if known else "none"
    raise TroubleshootError(
        f"no case in {case_log.target} ran on revision {revision} of '{tree_id}' "
        f"(revisions in the log: {shown}); give a tree file instead"
    )
