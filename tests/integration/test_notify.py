"""The notify function on moto: stream records in, mails out through SES (moto's), markers.

The records are the ones the table's stream carries for the new event items (keys
and new image, as Lambda hands them over); SES is moto's SES v2, which keeps what
was sent.
"""

from __future__ import annotations

from typing import Any

import pytest
from inquiries import wiring
from inquiries.adapters.clock import FixedClock
from inquiries.service.ports import Mail
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from local.events import invoke
from tests.integration.conftest import REGION, TABLE
from tests.support.demo import (
    SOUTH_TYROL,
    form,
    put_partner,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
    stored_items,
    submit,
)
from tests.support.stream import stream_records as records_of

SENDER = "inquiries@mail.example"
HQ_MAIL = "hq@mail.example"
PARTNER_MAIL = "sales@alpin.example"


@pytest.fixture
def ses(aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    """SES v2 with the verified sender, and the notify function's settings."""
    import boto3  # noqa: PLC0415

    client = boto3.client("sesv2")
    client.create_email_identity(EmailIdentity=SENDER)
    monkeypatch.setenv("MAIL_FROM", SENDER)
    monkeypatch.setenv("HQ_EMAIL", HQ_MAIL)
    monkeypatch.setenv("APP_URL", "https://app.example")
    wiring.reset()
    return client


def sent_by_ses() -> list[Any]:
    return list(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)


def stream_records(aws: dict[str, Any], inquiry_id: str) -> list[dict[str, Any]]:
    return records_of(aws["dynamodb"], TABLE, inquiry_id)


def test_a_submission_sends_the_receipt_and_the_new_offer_through_ses(
    aws: dict[str, Any], clock: FixedClock, ses: Any
) -> None:
    put_partner(SOUTH_TYROL, notify_emails=[PARTNER_MAIL], language="de")
    body = form()
    inquiry_id = submit(body)
    answer = invoke("notify", {"Records": stream_records(aws, inquiry_id)})
    assert answer == {"batchItemFailures": []}
    messages = sent_by_ses()
    assert sorted(m.destinations["ToAddresses"][0] for m in messages) == sorted(
        [body["contact"]["email"], PARTNER_MAIL]
    )
    assert all(m.source == SENDER for m in messages)
    offer = next(m for m in messages if m.destinations["ToAddresses"] == [PARTNER_MAIL])
    assert offer.subject == f"Neue Anfrage {inquiry_id}: Fenster"
    assert body["contact"]["last_name"] not in offer.body
    assert f"https://app.example/#/inquiries/{inquiry_id}" in offer.body

    # The stream delivers at least once: the same records again send nothing.
    assert invoke("notify", {"Records": stream_records(aws, inquiry_id)}) == {
        "batchItemFailures": []
    }
    assert len(sent_by_ses()) == 2
    markers = [
        i for i in stored_items(aws["dynamodb"], TABLE, inquiry_id) if i["type"]["S"] == "sent"
    ]
    assert sorted(m["kind"]["S"] for m in markers) == ["new_offer", "receipt"]
    for marker in markers:  # no address, no content in a marker
        assert set(marker) == {"pk", "sk", "type", "kind", "sent_at", "message_id"}


def test_a_failing_mail_is_reported_for_retry_and_changes_nothing_else(
    aws: dict[str, Any], clock: FixedClock, ses: Any
) -> None:
    put_partner(SOUTH_TYROL, notify_emails=[PARTNER_MAIL], language="de")
    inquiry_id = submit(form())
    before = stored_items(aws["dynamodb"], TABLE, inquiry_id)
    records = stream_records(aws, inquiry_id)

    class Down:
        def send(self, mail: Mail) -> str | None:
            raise ConnectionError("SES is down")

    mailing = wiring.mailing()
    working = mailing.mailer
    mailing.mailer = Down()
    answer = invoke("notify", {"Records": records})
    # Each event with a mail is reported; Lambda retries from the first one.
    failed = [f["itemIdentifier"] for f in answer["batchItemFailures"]]
    assert failed and failed[0] == records[0]["dynamodb"]["SequenceNumber"]
    assert stored_items(aws["dynamodb"], TABLE, inquiry_id) == before  # nothing else changed
    assert sent_by_ses() == []

    mailing.mailer = working
    assert invoke("notify", {"Records": records}) == {"batchItemFailures": []}
    assert len(sent_by_ses()) == 2


def test_the_reminder_and_ses_feedback_reach_their_handlers(
    aws: dict[str, Any], clock: FixedClock, ses: Any
) -> None:
    import json  # noqa: PLC0415
    from datetime import timedelta  # noqa: PLC0415

    put_partner(SOUTH_TYROL, notify_emails=[PARTNER_MAIL], language="en")
    inquiry_id = submit(form())
    clock.set(clock.now() + timedelta(hours=1))
    assert invoke("notify", {"reminder": {"inquiry_id": inquiry_id, "offer": 1}}) == {"reminded": 1}
    assert invoke("notify", {"reminder": {"inquiry_id": inquiry_id, "offer": "1"}}) == {
        "reminded": 0
    }
    [reminder] = sent_by_ses()
    assert reminder.subject.startswith(f"Reminder: inquiry {inquiry_id}")

    bounce = {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "feedbackId": "f-1",
            "bouncedRecipients": [{"emailAddress": PARTNER_MAIL}],
        },
        "mail": {"tags": {"kind": ["reminder"], "inquiry": [inquiry_id], "partner": [SOUTH_TYROL]}},
    }
    event = {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": json.dumps(bounce)}}]}
    assert invoke("notify", event) == {"reported": 1}
    report = sent_by_ses()[-1]
    assert report.destinations["ToAddresses"] == [HQ_MAIL]
    assert PARTNER_MAIL in report.body
