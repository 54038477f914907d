"""The one Settings object, read from ``SECRETARY_*`` environment variables.

Built only at the entry points (the ``secretary`` command and the API's app factory) and passed
down; nothing else reads the environment.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./secretary.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SECRETARY_", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="Any SQLAlchemy URL. Default: a SQLite file in the working directory.",
    )
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public address of the API, used in booking links, feed URLs and e-mails.",
    )
    firm_timezone: str = "America/New_York"

    # Mail delivery (see the reminders issue): without an SMTP host, mail goes to .eml files.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_from: str = "Hargrove & Vance LLP <scheduling@hargrove-vance.example>"
    outbox_dir: Path = Path("./outbox")
    # Seconds between background rounds in `secretary serve`: outbox delivery and calendar
    # polling (0: neither runs inside the API).
    background_interval_seconds: float = Field(default=0, ge=0, le=3600)

    # Solver defaults for interactive use.
    solver_time_limit_seconds: float = Field(default=10.0, gt=0, le=3600)
    # `secretary reschedule-day` answers in seconds: a day's meetings are a small problem.
    replan_time_limit_seconds: float = Field(default=2.0, gt=0, le=300)
    solver_workers: int = Field(default=2, ge=1, le=64)

    # API limits.
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    hold_minutes: int = Field(default=10, ge=1, le=120)

    # Running at scale (see README, "Running at scale").
    # Requests per API key, and per booking link, in each window (0: no limit).
    rate_limit_per_key: int = Field(default=6000, ge=0)
    rate_limit_per_link: int = Field(default=120, ge=0)
    rate_limit_window_seconds: int = Field(default=60, ge=1, le=3600)
    # Database connections per worker process (PostgreSQL), and how many requests one worker
    # works on at once (at most two connections each); keep workers x (pool + overflow) below
    # the server's max_connections.
    db_pool_size: int = Field(default=8, ge=1, le=200)
    db_max_overflow: int = Field(default=8, ge=0, le=200)
    worker_threads: int = Field(default=8, ge=1, le=200)

    @field_validator("database_url")
    @classmethod
    def _normalize_postgres_driver(cls, value: str) -> str:
        """Accept plain ``postgresql://`` URLs and use psycopg 3, the driver we install."""
        if value.startswith("postgres://"):
            value = "postgresql://" + value.removeprefix("postgres://")
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value
