"""The versioned snapshot store: immutable versions of content-addressed parts.

This package's own names are the store's contract (:mod:`server.store.contract`): the push
and filter types, the records, the error tree and the :class:`StoreAPI` Protocol that every
door satisfies. None of them needs SQLAlchemy. The embedded store itself is
:class:`server.store.store.Store` (SQLite or PostgreSQL); :func:`server.connect.open_store`
opens whichever door the settings name.
"""

from server.store.contract import ALL_FACTS, FactFilter, Progress, PushRequest, StoreAPI, only_plan
from server.store.errors import (
    AccessDenied,
    ConcurrentWrite,
    Conflict,
    ConflictDetail,
    InvalidRequest,
    NotAuthenticated,
    NotFound,
    ServiceBusy,
    StoreError,
    StoreNotEmpty,
    StoreUnavailable,
    TooLarge,
    TooSlow,
)
from server.store.parts import (
    ACTUALS,
    COMPANY,
    actual_rows,
    is_positions_part,
    is_team_part,
    positions_part,
    team_of,
    team_part,
)
from server.store.records import (
    PartInfo,
    StatusChange,
    TagInfo,
    TokenInfo,
    VersionInfo,
    from_json,
    to_json,
)

__all__ = [
    "ACTUALS",
    "ALL_FACTS",
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
    "Progress",
    "PushRequest",
    "ServiceBusy",
    "StatusChange",
    "StoreAPI",
    "StoreError",
    "StoreNotEmpty",
    "StoreUnavailable",
    "TagInfo",
    "TokenInfo",
    "TooLarge",
    "TooSlow",
    "VersionInfo",
    "actual_rows",
    "from_json",
    "is_positions_part",
    "is_team_part",
    "only_plan",
    "positions_part",
    "team_of",
    "team_part",
    "to_json",
]
