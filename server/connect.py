"""Opening a store: the one place that chooses the door from where the store is.

The CLI (``--db``/``--server``/``--token``) and the add-in (its settings sheet, config file
or environment) both describe a store as a :class:`StoreLocation` and open it with
:func:`open_store`. The embedded store needs the ``service`` extra (SQLAlchemy); a remote
service needs only httpx, which the ``excel`` extra brings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from server.store.contract import StoreAPI
from server.store.errors import NotFound, StoreError

__all__ = ["StoreLocation", "open_store"]


@dataclass(frozen=True)
class StoreLocation:
    """Where a store is: a service (``server`` URL and its ``token``) or an embedded
    database (``db``: a SQLite path or a ``postgresql://`` URL). ``server`` wins."""

    db: str = ""
    server: str = ""
    token: str = ""

    @property
    def remote(self) -> bool:
        """Whether the store is reached through the service."""
        return bool(self.server)

    @property
    def address(self) -> str:
        """The store's address, for messages and cache keys."""
        return self.server.rstrip("/") if self.server else f"db:{self.db}"


def open_store(
    where: StoreLocation,
    *,
    actor: str = "",
    create: bool = False,
    upgrade: bool = True,
    retries: int = 5,
) -> StoreAPI:
    """A door to the store at ``where``: a :class:`server.client.Client` of the service, or
    the embedded :class:`server.store.store.Store` recording changes under ``actor`` (default:
    the login name; the service records its token's holder instead).

    Only a caller that writes (``create``) makes a new SQLite file; otherwise a missing file
    is a :class:`NotFound` saying how to make one. ``upgrade`` migrates an embedded store to
    the current schema (off: an old schema is refused).
    """
    if where.server:
        from server.client import Client

        return Client(where.server, token=where.token or None, retries=retries)
    if not where.db:
        raise StoreError(
            "no Planbook store is set: name a service (PLANBOOK_SERVER and PLANBOOK_TOKEN) "
            "or an embedded store (PLANBOOK_DB)",
            loc=("db",),
        )
    if not create and "://" not in where.db and not Path(where.db).exists():
        raise NotFound(
            f"there is no store at {where.db}; create one with planbook demo or planbook "
            "push, or set PLANBOOK_DB to yours",
            loc=("db",),
        )
    from server.store.store import Store

    return Store.open(where.db, upgrade=upgrade, actor=actor)
