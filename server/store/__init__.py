"""The versioned snapshot store: immutable versions of content-addressed parts.

Open one with :meth:`Store.open` (a SQLite path or a PostgreSQL URL); write with
:meth:`Store.push` and a :class:`PushRequest`; read facts with a :class:`FactFilter`.
"""

from server.store.errors import (
    AccessDenied,
    ConcurrentWrite,
    Conflict,
    ConflictDetail,
    InvalidRequest,
    NotAuthenticated,
    NotFound,
    StoreError,
    StoreNotEmpty,
    StoreUnavailable,
    TooLarge,
)
from server.store.parts import ACTUALS, COMPANY, team_part
from server.store.push import PushRequest
from server.store.read import FactFilter
from server.store.records import PartInfo, StatusChange, TagInfo, VersionInfo
from server.store.store import Store

__all__ = [
    "ACTUALS",
    "COMPANY",
    "AccessDenied",
    "ConcurrentWrite",
    "Conflict",
    "ConflictDetail",
    "FactFilter",
    "InvalidRequest",
    "NotAuthenticated",
    "NotFound",
    "PartInfo",
    "PushRequest",
    "StatusChange",
    "Store",
    "StoreError",
    "StoreNotEmpty",
    "StoreUnavailable",
    "TagInfo",
    "TooLarge",
    "VersionInfo",
    "team_part",
]
