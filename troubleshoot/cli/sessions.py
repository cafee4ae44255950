"""Commands for support agents: run, resume, test."""

from __future__ import annotations
