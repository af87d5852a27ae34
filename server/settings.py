"""The service's settings: one typed class, read from ``PLANBOOK_*`` environment variables,
then a ``.env`` file in the working folder, then defaults. Built explicitly (no import-time
side effects): ``create_app(Settings())``.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from planbook.errors import PlanbookError

__all__ = ["DEFAULT_SECRET", "InsecureSettings", "Settings"]

DEFAULT_SECRET = "change-me"
MIN_SECRET_LENGTH = 16


class InsecureSettings(PlanbookError):
    """The service refuses to start outside dev mode with a default or weak secret."""


class Settings(BaseSettings):
    """Settings of the sync service."""

    model_config = SettingsConfigDict(env_prefix="PLANBOOK_", env_file=".env", extra="ignore")

    db: str = Field(
        default="planbook.db", description="SQLite file or postgresql:// URL of the store."
    )
    secret: str = Field(
        default=DEFAULT_SECRET,
        description="The bootstrap admin token (use it to create the first tokens); at least "
        f"{MIN_SECRET_LENGTH} characters and not the default, unless dev is on.",
    )
    dev: bool = Field(default=False, description="Dev mode: allows the default secret.")
    max_body_bytes: int = Field(
        default=256 * 1024 * 1024, ge=1024, description="Largest request body accepted."
    )
    max_import_bytes: int = Field(
        default=8 * 1024 * 1024 * 1024, ge=1024, description="Largest store import accepted."
    )

    large_body_bytes: int = Field(
        default=1024 * 1024,
        ge=0,
        description="A body above this size (or sent chunked) counts as large.",
    )
    max_large_bodies: int = Field(
        default=2,
        ge=1,
        description="Large bodies a worker receives and handles at once; more get 503.",
    )
    body_idle_seconds: float = Field(
        default=30.0, gt=0, description="A body that stalls this long gets 408 and is dropped."
    )
    body_seconds: float = Field(
        default=300.0, gt=0, description="A body still arriving after this long gets 408."
    )

    max_connections: int = Field(
        default=500,
        ge=1,
        description="Open connections a worker serves at once (uvicorn's limit_concurrency); "
        "a request beyond them gets 503.",
    )
    keep_alive_seconds: int = Field(
        default=5, ge=1, description="An idle kept-alive connection is closed after this."
    )

    pull_cache_bytes: int = Field(
        default=256 * 1024 * 1024,
        ge=0,
        description="Encoded facts answers a worker keeps in memory (versions never change).",
    )
    pull_store_bytes: int = Field(
        default=256 * 1024 * 1024,
        ge=0,
        description="Encoded Parquet answers the store keeps for every worker, encoded in the "
        "background after each push (0: none kept, nothing encoded ahead).",
    )

    def check_secret(self) -> None:
        """Refuse a default, empty or short secret outside dev mode."""
        if self.dev:
            return
        if not self.secret or self.secret == DEFAULT_SECRET or len(self.secret) < 16:
            raise InsecureSettings(
                "refusing to start: PLANBOOK_SECRET is empty, the default or shorter than "
                f"{MIN_SECRET_LENGTH} characters; set a long random secret (for example "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`) or run with "
                "PLANBOOK_DEV=1 on your own machine"
            )
