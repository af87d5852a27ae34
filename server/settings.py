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
