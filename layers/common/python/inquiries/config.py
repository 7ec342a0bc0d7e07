"""Settings from the environment, read and validated once, on first use."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

# More re-routes than this would keep a prospect waiting for weeks: HQ decides then.
MAX_AUTO_REROUTES = 10


class SettingsError(RuntimeError):
    """The function is deployed without a setting it needs."""


@dataclass(frozen=True)
class Settings:
    table_name: str
    schedule_group: str
    expire_function_arn: str
    scheduler_role_arn: str
    expiry_dead_letter_arn: str | None
    deadline_hours: float
    # On AWS: the value CloudFront adds to every request it sends on; None locally.
    origin_verify: str | None = None
    # Mail (issue 15): the reminder's target, who gets HQ's mails, the app's address for
    # links, and how mail goes out: `ses` (AWS) or `outbox` (the local stack).
    notify_function_arn: str | None = None
    hq_email: str | None = None
    hq_language: str = "en"
    app_url: str = "http://127.0.0.1:8000"
    mailer: str = "ses"
    mail_from: str | None = None
    ses_configuration_set: str | None = None
    # The privacy notice the website form's consent links to; None: the notice on `GET /form`.
    privacy_url: str | None = None
    # AUTO_REROUTE_MAX: automatic re-routes after a rejection or expiry; 0 (default): off.
    auto_reroute_max: int = 0

    @classmethod
    def from_environment(cls, env: dict[str, str] | None = None) -> Settings:
        source = os.environ if env is None else env
        missing = [name for name in ("TABLE_NAME",) if not source.get(name)]
        if missing:
            raise SettingsError(f"missing settings: {', '.join(missing)}")
        try:
            hours = float(source.get("DEADLINE_HOURS", "48"))
        except ValueError:
            raise SettingsError("DEADLINE_HOURS must be a number") from None
        if not 0 < hours <= 24 * 365:
            raise SettingsError("DEADLINE_HOURS must be positive and at most a year")
        try:
            reroutes = int(source.get("AUTO_REROUTE_MAX", "0") or "0")
        except ValueError:
            raise SettingsError("AUTO_REROUTE_MAX must be a whole number") from None
        if not 0 <= reroutes <= MAX_AUTO_REROUTES:
            raise SettingsError(f"AUTO_REROUTE_MAX must be 0 (off) to {MAX_AUTO_REROUTES}")
        return cls(
            table_name=source["TABLE_NAME"],
            schedule_group=source.get("SCHEDULE_GROUP", "inquiries"),
            expire_function_arn=source.get("EXPIRE_FUNCTION_ARN", ""),
            scheduler_role_arn=source.get("SCHEDULER_ROLE_ARN", ""),
            expiry_dead_letter_arn=source.get("EXPIRY_DLQ_ARN") or None,
            deadline_hours=hours,
            origin_verify=source.get("ORIGIN_VERIFY") or None,
            notify_function_arn=source.get("NOTIFY_FUNCTION_ARN") or None,
            hq_email=source.get("HQ_EMAIL") or None,
            hq_language=source.get("HQ_LANGUAGE") or "en",
            app_url=source.get("APP_URL") or "http://127.0.0.1:8000",
            mailer=source.get("MAILER") or "ses",
            mail_from=source.get("MAIL_FROM") or None,
            ses_configuration_set=source.get("SES_CONFIGURATION_SET") or None,
            privacy_url=source.get("PRIVACY_URL") or None,
            auto_reroute_max=reroutes,
        )


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The settings of this process (cached; tests call `settings.cache_clear()`)."""
    return Settings.from_environment()
