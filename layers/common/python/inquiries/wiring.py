"""The composition root: real adapters for the handlers, built once per process.

Tests and the local stack replace pieces (the clock, above all) with `override`.
"""

from __future__ import annotations

from typing import Any

from inquiries.service.ports import AddressBook, Clock, Dependencies, Mailing

_built: Dependencies | None = None
_mailing: Mailing | None = None
_clock_override: Clock | None = None
_session: Any = None


def dependencies() -> Dependencies:
    """The dependencies of the use cases: DynamoDB, Scheduler, the clock, the settings."""
    global _built  # noqa: PLW0603  (one composition per Lambda execution environment)
    if _built is None:
        _built = _build()
    return _built


def _aws_session() -> Any:
    """One botocore session per process: its loader parses each service's model once
    (the notify function makes DynamoDB clients for its dependencies and its mailing)."""
    global _session  # noqa: PLW0603  (one per execution environment, like the rest)
    if _session is None:
        from botocore.session import get_session  # noqa: PLC0415

        _session = get_session()  # botocore's clients: boto3 adds nothing used here
    return _session


def _build() -> Dependencies:
    from botocore.config import Config  # noqa: PLC0415

    from inquiries.adapters.clock import SystemClock  # noqa: PLC0415
    from inquiries.adapters.dynamodb import DynamoRepository  # noqa: PLC0415
    from inquiries.adapters.scheduler import EventBridgeScheduler  # noqa: PLC0415
    from inquiries.adapters.secrets import subject_secret  # noqa: PLC0415
    from inquiries.adapters.subjects import DynamoSubjects  # noqa: PLC0415
    from inquiries.config import settings  # noqa: PLC0415

    config = settings()
    client_config = Config(
        connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3}
    )
    session = _aws_session()
    dynamodb: Any = session.create_client("dynamodb", config=client_config)
    scheduler: Any = session.create_client("scheduler", config=client_config)
    repository = DynamoRepository(dynamodb, config.table_name)
    return Dependencies(
        repository=repository,
        scheduler=EventBridgeScheduler(
            scheduler,
            group=config.schedule_group,
            target_arn=config.expire_function_arn,
            role_arn=config.scheduler_role_arn,
            dead_letter_arn=config.expiry_dead_letter_arn,
            reminder_target_arn=config.notify_function_arn,
        ),
        clock=_clock_override or SystemClock(),
        deadline_hours=config.deadline_hours,
        subject_secret=subject_secret(config, session),
        retention_days=config.retention_days,
        subjects=DynamoSubjects(repository),
        auto_reroute_max=config.auto_reroute_max,
    )


def mailing() -> Mailing:
    """How mail goes out (the notify function only): SES on AWS, the outbox locally."""
    global _mailing  # noqa: PLW0603  (one per execution environment, like the rest)
    if _mailing is None:
        _mailing = _build_mailing(dependencies())
    return _mailing


def _build_mailing(deps: Dependencies) -> Mailing:
    from botocore.config import Config  # noqa: PLC0415

    from inquiries.adapters.deliveries import DynamoDeliveries  # noqa: PLC0415
    from inquiries.config import SettingsError, settings  # noqa: PLC0415
    from inquiries.service.ports import Mailer  # noqa: PLC0415

    config = settings()
    client_config = Config(
        connect_timeout=2, read_timeout=10, retries={"mode": "standard", "max_attempts": 3}
    )
    session = _aws_session()
    dynamodb: Any = session.create_client("dynamodb", config=client_config)
    mailer: Mailer
    if config.mailer == "outbox":
        from inquiries.adapters.outbox import OutboxMailer  # noqa: PLC0415

        mailer = OutboxMailer(dynamodb, config.table_name, deps.clock)
    else:
        from inquiries.adapters.ses import SesMailer  # noqa: PLC0415

        if not config.mail_from:
            raise SettingsError("MAIL_FROM (the verified sender address) is not set")
        mailer = SesMailer(
            session.create_client("sesv2", config=client_config),
            sender=config.mail_from,
            configuration_set=config.ses_configuration_set,
        )
    return Mailing(
        mailer=mailer,
        deliveries=DynamoDeliveries(dynamodb, config.table_name),
        hq_email=config.hq_email,
        app_url=config.app_url,
        hq_language=config.hq_language,
    )


def override(*, clock: Clock | None = None) -> None:
    """Use another clock from now on (tests, the local stack's simulated clock)."""
    global _clock_override  # noqa: PLW0603
    _clock_override = clock
    if _built is not None and clock is not None:
        _built.clock = clock


def reset() -> None:
    """Forget what was built (tests switch tables and endpoints)."""
    global _built, _clock_override, _mailing, _session  # noqa: PLW0603
    _built = None
    _clock_override = None
    _mailing = None
    _session = None
    from inquiries.config import settings  # noqa: PLC0415

    settings.cache_clear()


def address_book() -> AddressBook:
    """The partners' address books, on the repository's table and client."""
    from inquiries.adapters.contacts import DynamoAddressBook  # noqa: PLC0415
    from inquiries.adapters.dynamodb import DynamoRepository  # noqa: PLC0415

    repository = dependencies().repository
    assert isinstance(repository, DynamoRepository)
    return DynamoAddressBook(repository)
