"""Configuration read from `TOTEM_*` environment variables."""
from functools import lru_cache
from zoneinfo import ZoneInfo

from pydantic import field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "change-me-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TOTEM_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///totem.db"
    secret_key: str = DEFAULT_SECRET_KEY
    base_url: str = "http://127.0.0.1:8000"
    smtp_url: str | None = None
    mail_from: str = "Totem <no-reply@totem.localhost>"
    timezone: str = "Europe/Paris"
    default_locale: str = "fr"
    # "development" allows the default secret key; "production" refuses it.
    environment: str = "development"

    # Page sessions: staff (admins, managers) get shorter ones.
    session_idle_minutes: int = 8 * 60
    session_lifetime_hours: int = 30 * 24
    staff_session_idle_minutes: int = 60
    staff_session_lifetime_hours: int = 12
    invitation_valid_hours: int = 7 * 24
    password_reset_valid_minutes: int = 60
    login_max_failures: int = 5
    login_failure_window_minutes: int = 15

    # Scheduler: off in web processes when one `totem worker` runs beside them.
    scheduler_enabled: bool = True
    job_run_timeout_minutes: int = 30

    # Retention of personal data (GDPR art. 5(1)(e)): rejected applications and
    # alumni accounts unused since their start-ups' programs ended are purged.
    retention_rejected_applications_days: int = 365
    retention_alumni_days: int = 730
    retention_visitors_days: int = 90
    retention_event_registrations_days: int = 180

    # A seat freed at an event is held this long for the first on its waiting list (never past the start).
    event_offer_hours: int = 24

    # Request bodies larger than this are refused with 413: forms and JSON, and file uploads.
    max_body_bytes: int = 1024 * 1024
    max_upload_bytes: int = 10 * 1024 * 1024

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        ZoneInfo(value)
        return value

    @field_validator("default_locale")
    @classmethod
    def _supported_locale(cls, value: str) -> str:
        if value not in ("fr", "en"):
            raise ValueError("TOTEM_DEFAULT_LOCALE must be 'fr' or 'en'")
        return value

    @model_validator(mode="after")
    def _no_default_secret_in_production(self) -> "Settings":
        if self.environment == "production" and self.secret_key == DEFAULT_SECRET_KEY:
            raise ValueError("TOTEM_SECRET_KEY must be set in production")
        return self

    @property
    def is_https(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@lru_cache
def get_settings() -> Settings:
    return Settings()
