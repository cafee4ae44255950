"""A starter tree for `troubleshoot new`: the method's shape, ready to edit and already valid."""

from __future__ import annotations

STARTER = """\
# yaml-language-server: $schema={schema}
format: 1
id: {id}
title: {title}
revision: 1
tags: []
phases: [diagnose, replicate, isolate, fix]
vars: {{error_text: {{type: str, default: ""}}}}
escalation: {{default: escalate-tier2}}
start: what-happens
nodes:
  what-happens:
    phase: diagnose
    ask: What exactly happens, and since when?
    say: "Thanks for explaining - let me make sure I understand what's happening."
    choices:
      - {{label: An error message is shown, value: error, next: error-text}}
      - {{label: "No error - it just doesn't work", value: no-error, next: reproduce}}
  error-text:
    ask: What is the exact error text?
    type: text
    save_as: error_text
    next: reproduce
  reproduce:
    phase: replicate
    ask: Can you make it happen yourself with the customer's steps?
    type: confirm
    on_yes: basics
    on_no: basics
  basics:
    phase: isolate
    try:
      - Restart the app
      - Sign out and back in
      - Try another browser or device
    verify: Does it work now?
    on_fixed: fixed
    on_not_fixed: apply-fix
  apply-fix:
    phase: fix
    fix: Apply the known fix
    steps: [Describe the first step, Describe the second step]
    verify: Does it work now?
    max_attempts: 2
    on_fixed: fixed
    on_not_fixed: escalate-tier2
  fixed:
    resolve: "Fixed by: {{{{ last_fix }}}}"
    outcome: resolved
    reply: |
      Thanks for your patience. The problem was solved by: {{{{ last_fix }}}}.
      If it happens again, just reply to this message.
    follow_up: 2d
  escalate-tier2:
    escalate: tier2
    reason: "Not fixed by the basics or the known fix (error: {{{{ error_text or 'none' }}}})"
"""

STARTER_SCENARIOS = """\
tree: {id}
scenarios:
  - name: A basic step fixes it
    answers: {{what-happens: no-error, reproduce: yes, basics: [no, yes]}}
    expect: {{outcome: resolved, end: fixed, fixed_by: Sign out and back in}}
  - name: Nothing works - escalated
    answers: {{what-happens: error, error-text: E42, reproduce: no, basics: no,
              apply-fix: [no, no]}}
    expect: {{outcome: escalated, end: escalate-tier2}}
"""


def starter(tree_id: str, title: str, schema: str) -> tuple[str, str]:
    """The text of a new tree and of its scenarios file."""
    return (
        STARTER.format(id=tree_id, title=title, schema=schema),
        STARTER_SCENARIOS.format(id=tree_id),
    )
