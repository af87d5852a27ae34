"""Alembic environment: runs on the connection the store hands over, or on a URL."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

from server.store.schema import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: object) -> None:
    context.configure(connection=connection, target_metadata=target_metadata)  # type: ignore[arg-type]
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = os.environ.get("PLANBOOK_DB") or config.get_main_option("sqlalchemy.url") or ""
    if "://" not in url:
        url = f"sqlite:///{url}"
    with create_engine(url).begin() as conn:
        _run(conn)
