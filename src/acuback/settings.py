"""One Settings object built from ACUBACK_* environment variables, on demand."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from acuback.errors import InputError

__all__ = ["Settings", "get_settings"]


def _default_data_dir() -> Path:
    # XDG-style user data directory without a platform library: ~/.local/share/acuback.
    import os

    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "acuback"


class Settings(BaseSettings):
    """Runtime configuration. Read once per process through `get_settings()`."""

    model_config = SettingsConfigDict(env_prefix="ACUBACK_", frozen=True, extra="ignore")

    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default is a SQLite file in data_dir"
    )
    secret_key: str | None = None
    audit_key: str | None = Field(
        default=None,
        description="HMAC key of the audit chain; required outside development, "
        "different from secret_key",
    )
    research_key: SecretStr | None = Field(
        default=None,
        description="the clinic's secret for research pseudonyms and date shifts "
        "(default: derived from secret_key); keep it, or pseudonyms change",
    )
    environment: Literal["development", "test", "production"] = Field(
        default="development",
        description="outside development a strong ACUBACK_SECRET_KEY is required",
    )
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="largest request body accepted (413 beyond)"
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, le=24 * 60, description="a browser session unused this long ends"
    )
    trusted_proxies: str = Field(
        default="",
        description="comma-separated addresses whose X-Forwarded-For/-Proto are believed; "
        "empty: none, the client address is the connection's",
    )
    require_admin_totp: bool = Field(
        default=False,
        description="administrators must sign in with a TOTP second factor (enrol first)",
    )
    base_url: str = Field(
        default="http://localhost:8000",
        description="the clinic's public web address: FHIR code systems and extensions are "
        "published under it, so keep it stable",
    )
    policy: Path | None = Field(default=None, description="a clinic's safety-policy YAML file")
    data_dir: Path = Field(default_factory=_default_data_dir)
    access_log: Literal["on", "off"] = Field(
        default="on", description="`acuback serve` logs every request"
    )
    log_format: Literal["text", "json"] = Field(
        default="text", description="`acuback serve` logs as text lines or one JSON object a line"
    )
    timezone: str = Field(
        default="UTC", description="the clinic's IANA time zone (an admin setting overrides it)"
    )
    smtp_url: str | None = Field(
        default=None, description="smtp://[user:password@]host[:port] for reminders"
    )
    mail_from: str = Field(default="clinic@localhost", description="the reminders' sender")

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'acuback.sqlite3'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings; a bad ACUBACK_* value is an InputError naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        name = "ACUBACK_" + "_".join(str(part) for part in error["loc"]).upper()
        raise InputError(name, error["msg"]) from None
