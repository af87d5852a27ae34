"""Where the person at the keyboard makes each choice a workbook push or pull may ask for.

:mod:`addin.workbook_push` and :mod:`addin.workbook_pull` serve both the buttons and the
``planbook`` command line; their messages name a choice in their caller's words, so an Excel
user never reads a command-line option. The defaults are the buttons' words (keys of the
settings sheet); the CLI passes its options.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Hints"]


@dataclass(frozen=True)
class Hints:
    """How to make each choice, in the words of the person who reads the message."""

    base: str = "PLANBOOK_BASE in the settings sheet"
    """Where to name the version a workbook's budget is based on."""
    headcount: str = "PLANBOOK_HEADCOUNT in the settings sheet"
    """Where to say keep or replace for the stored headcount lines."""
    fresh: str = "pull a fresh one from the store"
    """How to get a fresh workbook of the latest version (a sentence's closing verb phrase)."""
    positions: str = "pull it again with the team's positions"
    """How to get a team workbook with its Headcount sheet filled (a closing verb phrase)."""
