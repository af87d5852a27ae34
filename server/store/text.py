"""What text the store takes: no NUL bytes or other control characters in ids, names, tags,
comments and messages, on SQLite as on PostgreSQL (which cannot store a NUL in text), so
the two backends accept the same data and a SQLite backup imports into PostgreSQL.

Ids and names are one line with no control character at all; a comment or a message may
also hold tabs and line breaks.
"""

from __future__ import annotations

import re

from server.store.errors import InvalidRequest

__all__ = ["check_text", "control_character"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_PROSE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character(value: str, *, prose: bool = False) -> str | None:
    """The first control character in ``value`` (tabs and line breaks allowed in
    ``prose``), or None."""
    found = (_CONTROL_IN_PROSE if prose else _CONTROL).search(value)
    return found.group() if found else None


def check_text(value: str, *, loc: tuple[str | int, ...], prose: bool = False) -> None:
    """Refuse ``value`` (422, at ``loc``) if it holds a control character."""
    char = control_character(value, prose=prose)
    if char is not None:
        what = "a comment or message" if prose else "an id or a name"
        raise InvalidRequest(
            f"contains the control character U+{ord(char):04X}, which {what} may not hold; "
            "remove it and try again",
            loc=loc,
        )
