"""Errors the store raises on purpose. The tree::

    PlanbookError (planbook.errors)
    └── StoreError                 anything the store refuses
        ├── NotFound               no such plan, version, tag or team         -> 404
        ├── Conflict               the push was based on a version that is stale
        │                          for a part it writes, or the part is locked -> 409
        ├── InvalidRequest         the request itself is wrong (a bad tag name,
        │                          a status change the workflow does not allow) -> 422/409
        ├── StoreNotEmpty          import into a store that has data            -> 409
        ├── ConcurrentWrite        two writers created the same row at once     -> 409
        ├── NotAuthenticated       no token, or an unknown or revoked one       -> 401
        ├── AccessDenied           the token's role may not do this            -> 403
        ├── TooLarge               the request body is over the limit           -> 413
        ├── TooSlow                the request body stalled or took too long    -> 408
        └── StoreUnavailable       the database is busy or unreachable; retry  -> 503
            ├── ServiceBusy        the service is receiving as many large bodies
            │                      as it allows at once; retry                  -> 503
            └── Offline            (addin.cache) the service cannot be reached and the
                                   add-in's cache holds no copy of the version asked for

Facts that break the plan raise :class:`planbook.errors.PlanValidationError` (-> 422).
Over HTTP an error's body names its class (``"kind": "StoreNotEmpty"``), so the client
(:mod:`server.client`) raises the same class the embedded store would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from planbook.errors import PlanbookError

__all__ = [
    "AccessDenied",
    "ConcurrentWrite",
    "Conflict",
    "ConflictDetail",
    "InvalidRequest",
    "NotAuthenticated",
    "NotFound",
    "ServiceBusy",
    "StoreError",
    "StoreNotEmpty",
    "StoreUnavailable",
    "TooLarge",
    "TooSlow",
]


class StoreError(PlanbookError):
    """Base class of everything the store refuses."""

    status = 400

    def __init__(self, msg: str, *, loc: tuple[str | int, ...] = ()) -> None:
        super().__init__(msg)
        self.msg = msg
        self.loc = loc


class NotFound(StoreError):
    """No such plan, version, tag or team."""

    status = 404


class InvalidRequest(StoreError):
    """The request is well-formed but not allowed (bad name, wrong workflow step)."""

    status = 422


class StoreNotEmpty(StoreError):
    """An import into a store that already holds data."""

    status = 409


class ConcurrentWrite(StoreError):
    """Two writers created the same row at the same moment (e.g. the same new plan)."""

    status = 409


class NotAuthenticated(StoreError):
    """No token, or a token that is unknown or revoked."""

    status = 401


class AccessDenied(StoreError):
    """The token's role (or team scope) does not allow this."""

    status = 403


class TooLarge(StoreError):
    """The request body is larger than the service accepts."""

    status = 413


class StoreUnavailable(StoreError):
    """The database is locked, busy or unreachable; the same request may succeed later."""

    status = 503


class TooSlow(StoreError):
    """The request body stopped arriving (or took longer than the service allows)."""

    status = 408


class ServiceBusy(StoreUnavailable):
    """The service is already receiving as many large request bodies as it allows at once."""


@dataclass(frozen=True)
class ConflictDetail:
    """One part that changed since the version a push was based on."""

    part: str
    version: int
    author: str
    at: datetime
    reason: str

    def sentence(self, base: int | None) -> str:
        """The conflict in words."""
        when = self.at.strftime("%Y-%m-%d %H:%M UTC")
        if self.reason == "locked":
            return (
                f"part {self.part!r} is approved and locked (by {self.author} at {when}); "
                "ask finance to reopen it before pushing"
            )
        return (
            f"part {self.part!r} was changed by {self.author} at {when} in version "
            f"{self.version}, after your base version {base}; pull version {self.version} "
            "or later, merge your changes, and push again"
        )


class Conflict(StoreError):
    """A push touches a part that changed since its base version (or is locked)."""

    status = 409

    def __init__(self, details: list[ConflictDetail], *, base: int | None, head: int) -> None:
        self.details = details
        self.base = base
        self.head = head
        super().__init__("; ".join(d.sentence(base) for d in details), loc=("parts",))
