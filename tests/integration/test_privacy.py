"""No personal data in logs or metrics, and none in any answer a partner gets before accepting.

One full lifecycle through the handlers (submit, list, detail, errors, reject,
reassign, accept, progress, and the expiry of another inquiry), with every log
line (the Powertools JSON on stdout, and the records themselves with their
extra fields), every metric (EMF on stdout) and every partner answer captured,
then searched for the prospect's name, e-mail, phone (also as digits only),
street and company.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from inquiries.adapters.clock import FixedClock

from local.events import handler_of, invoke
from tests.integration.conftest import GROUP
from tests.support.api import Answer, call, hq, partner
from tests.support.demo import (
    BAVARIA,
    SOUTH_TYROL,
    form,
    post_inquiry,
    put_partners,
    schedule_input,
    schedules,
    shared_botocore_loader,  # noqa: F401  (autouse: speed)
    view,
)

PROSPECT = {
    "first_name": "Zofia",
    "last_name": "Quarzbergerova",
    "email": "zofia.quarz@example.org",
    "phone": "+39 0471 987654",
    "street": "Via Kranzberg 17",
    "postal_code": "39100",
    "city": "Bolzano",
    "country": "IT",
    "company": "Kranzwerk Immobilien",
}
MESSAGE = (
    "Buongiorno, sono Zofia Quarzbergerova (Kranzwerk Immobilien), Via Kranzberg 17. "
    "Chiamatemi al +39 0471 987654 oppure scrivete a zofia.quarz@example.org. "
    "Ci servono 12 finestre entro il 15.03.2027."
)
# What must never leak, as typed and in other spellings.
SECRETS = [
    "Zofia",
    "Quarzbergerova",
    "zofia.quarz@example.org",
    "zofia.quarz",
    "+39 0471 987654",
    "0471 987654",
    "390471987654",
    "0471987654",
    "Via Kranzberg",
    "Kranzberg 17",
    "Kranzwerk",
]
PHONE_DIGITS = "0471987654"


def _leaks(text: str) -> list[str]:
    """The secrets found in the text, case-insensitively; the phone also among its digits."""
    folded = text.casefold()
    found = [s for s in SECRETS if s.casefold() in folded]
    if PHONE_DIGITS in re.sub(r"\D", "", text):
        found.append("phone digits")
    return found


@pytest.fixture
def log_output(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """Everything the service's loggers write, at every level, whichever stream they hold."""
    for function in ("intake", "decide", "contacts", "expire"):
        handler_of(function)  # imported as Lambda would: their loggers exist from here
    buffer = io.StringIO()
    # Debug lines too: a level is configuration, and the service's child loggers have their own.
    loggers = [
        logging.getLogger(name)
        for name in list(logging.root.manager.loggerDict)
        if name == "inquiries" or name.startswith("inquiries.")
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    service = logging.getLogger("inquiries")
    handlers = [h for h in service.handlers if isinstance(h, logging.StreamHandler)]
    assert handlers, "the Powertools logger has no stream handler"
    previous = [h.setStream(buffer) for h in handlers]
    yield buffer
    for handler, stream in zip(handlers, previous, strict=True):
        if stream is not None:
            handler.setStream(stream)
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


class Lifecycle:
    """Runs the story and keeps every answer each partner got, in order."""

    def __init__(self) -> None:
        self.before_accepting: dict[str, list[str]] = {SOUTH_TYROL: [], BAVARIA: []}
        self.accepted_by: set[str] = set()
        self.hq_texts: list[str] = []

    def as_partner(self, partner_id: str, method: str, path: str, **kwargs: Any) -> Answer:
        answer = call(method, path, claims=partner(partner_id), **kwargs)
        if partner_id not in self.accepted_by:
            self.before_accepting[partner_id].append(f"{method} {path} -> {answer.text}")
        return answer

    def as_hq(self, method: str, path: str, **kwargs: Any) -> Answer:
        answer = call(method, path, claims=hq(), **kwargs)
        self.hq_texts.append(answer.text)
        return answer

    def look_around(self, partner_id: str, inquiry_id: str, *, lists: bool = True) -> None:
        """What a curious partner app does: lists, detail, and every mistake it can make.

        `lists=False` once the partner holds another, accepted inquiry of the prospect.
        """
        base = f"/inquiries/{inquiry_id}"
        if lists:
            self.as_partner(partner_id, "GET", "/inquiries")
            self.as_partner(partner_id, "GET", "/inquiries", query={"status": "pending"})
            self.as_partner(partner_id, "GET", "/inquiries", query={"limit": 1})
            self.as_partner(partner_id, "GET", "/inquiries", query={"cursor": "zofia"})
        self.as_partner(partner_id, "GET", base)
        self.as_partner(partner_id, "POST", f"{base}/reject", body={"reason": "Zofia"})
        self.as_partner(partner_id, "POST", f"{base}/reject", raw=b"Quarzbergerova")
        self.as_partner(partner_id, "POST", f"{base}/progress", body={"step": "contacted"})
        self.as_partner(partner_id, "POST", f"{base}/contact", body={"new": True})
        self.as_partner(partner_id, "POST", f"{base}/assign", body={"user_id": "colleague"})
        self.as_partner(partner_id, "POST", f"{base}/assign", body={"partner_id": BAVARIA})
        self.as_partner(partner_id, "POST", f"{base}/discard", body={})
        self.as_partner(partner_id, "GET", "/partners")


def test_no_personal_data_in_logs_metrics_or_a_partners_answers_before_accepting(
    aws: dict[str, Any],
    clock: FixedClock,
    log_output: io.StringIO,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="inquiries")
    put_partners(SOUTH_TYROL, BAVARIA)
    story = Lifecycle()
    body = form(contact=PROSPECT, message=MESSAGE, language="it")

    # The website submits (twice, with a retry), and once with a mistake.
    inquiry_id = post_inquiry(body, key="retry-1").body["id"]
    assert post_inquiry(body, key="retry-1").body["id"] == inquiry_id
    assert post_inquiry({**body, "message": "other"}, key="retry-1").status == 409
    assert post_inquiry({**body, "consent": False}).status == 422
    assert post_inquiry(form(contact={**PROSPECT, "email": "zofia.quarz@"})).status == 422
    base = f"/inquiries/{inquiry_id}"

    # South Tyrol looks, errs, and rejects; then it has lost the inquiry.
    story.look_around(SOUTH_TYROL, inquiry_id)
    rejected = story.as_partner(SOUTH_TYROL, "POST", f"{base}/reject", body={"reason": "other"})
    assert rejected.status == 200
    story.look_around(SOUTH_TYROL, inquiry_id)

    # HQ reassigns to Bavaria, which looks, errs, and accepts.
    assert story.as_hq("POST", f"{base}/assign", body={"partner_id": BAVARIA}).status == 200
    story.look_around(BAVARIA, inquiry_id)
    story.as_partner(BAVARIA, "POST", f"{base}/accept", raw=b"{Zofia")
    story.accepted_by.add(BAVARIA)
    accepted = story.as_partner(BAVARIA, "POST", f"{base}/accept")
    assert accepted.status == 200
    assert accepted.body["inquiry"]["contact"]["last_name"] == PROSPECT["last_name"]
    for step in ("contacted", "offer_sent", "won"):
        story.as_partner(BAVARIA, "POST", f"{base}/progress", body={"step": step})
    story.as_partner(BAVARIA, "POST", f"{base}/assign", body={"user_id": "colleague"})

    # The same prospect asks again; South Tyrol lets it expire (its schedule failed first).
    aws["scheduler"].delete_schedule_group(Name=GROUP)
    second = post_inquiry(form(contact=PROSPECT, message=MESSAGE)).body["id"]
    story.look_around(SOUTH_TYROL, second)
    aws["scheduler"].create_schedule_group(Name=GROUP)
    clock.set(datetime.fromisoformat(view(second)["deadline"]))
    assert invoke("expire", {"inquiry_id": second, "offer": 1})["expired"] == 1
    assert invoke("expire", {"sweep": True})["expired"] == 0
    story.look_around(SOUTH_TYROL, second)
    # Once more, on the Bavarian page; the sweeper returns it.
    third = post_inquiry(form(contact=PROSPECT, partner_id=BAVARIA)).body["id"]
    story.accepted_by.discard(BAVARIA)
    story.look_around(BAVARIA, third, lists=False)
    assert schedule_input(schedules(aws["scheduler"], GROUP)[0])["inquiry_id"] == third
    clock.set(datetime.fromisoformat(view(third)["deadline"]))
    assert invoke("expire", {"sweep": True})["expired"] == 1
    story.look_around(BAVARIA, third, lists=False)
    story.as_hq("GET", base)
    story.as_hq("GET", "/inquiries")
    # HQ looks the person up and finds all three; the answers are HQ's, the logs are not.
    for q in (PROSPECT["email"].upper(), PROSPECT["last_name"].lower(), inquiry_id):
        assert story.as_hq("GET", "/inquiries", query={"q": q}).status == 200
    held = story.as_hq("GET", "/subjects", query={"email": PROSPECT["email"]})
    assert len(held.body["inquiries"]) == 3
    assert story.as_hq("GET", "/subjects", query={"email": "Zofia@"}).status == 422

    # The search must be able to find something: HQ sees everything.
    hq_text = "\n".join(story.hq_texts)
    for secret in ("Zofia", "Quarzbergerova", "zofia.quarz@example.org", "Via Kranzberg 17"):
        assert secret.casefold() in hq_text.casefold()
    assert "+39 0471 987654" in hq_text
    assert "Kranzwerk Immobilien" in hq_text

    # Partners, before they accepted: not a trace.
    for partner_id, answers in story.before_accepting.items():
        assert len(answers) > 20
        for answer in answers:
            assert not _leaks(answer), f"{partner_id}: {_leaks(answer)} in {answer[:300]}"

    # Logs and metrics: not a trace, ever.
    captured = capfd.readouterr()
    records = "\n".join(
        json.dumps({k: str(v) for k, v in vars(r).items()}) + (r.exc_text or "")
        for r in caplog.records
    )
    streams = {
        "service log": log_output.getvalue(),
        "stdout (logs, metrics)": captured.out,
        "stderr": captured.err,
        "log records": records,
    }
    assert "inquiry received" in streams["service log"]
    assert "inquiry expired" in streams["service log"]
    assert '"InquiriesReceived"' in captured.out  # the metrics are in what was searched
    assert caplog.records
    for name, text in streams.items():
        assert not _leaks(text), f"{name}: {_leaks(text)}"


def test_no_personal_data_in_the_table_answers_or_logs_after_an_erasure(
    aws: dict[str, Any],
    clock: FixedClock,
    log_output: io.StringIO,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The erasure and retention, watched: every item of the table (moto's backend, read
    directly by the test), every answer after the erasure, and every log line."""
    from moto.core import DEFAULT_ACCOUNT_ID  # noqa: PLC0415
    from moto.dynamodb.models import dynamodb_backends  # noqa: PLC0415

    from tests.integration.conftest import REGION, TABLE  # noqa: PLC0415

    caplog.set_level(logging.DEBUG, logger="inquiries")
    put_partners(SOUTH_TYROL, BAVARIA)
    body = form(contact=PROSPECT, message=MESSAGE, language="it")
    taken = post_inquiry(body, key="retry-2").body["id"]
    assert call("POST", f"/inquiries/{taken}/accept", claims=partner(SOUTH_TYROL)).status == 200
    note = {"step": "contacted", "note": "Called Zofia Quarzbergerova at 0471 987654"}
    assert call("POST", f"/inquiries/{taken}/progress", claims=partner(SOUTH_TYROL), body=note)
    left = post_inquiry(body).body["id"]
    reject = {"reason": "other", "note": "Kranzwerk Immobilien is a competitor"}
    assert call("POST", f"/inquiries/{left}/reject", claims=partner(SOUTH_TYROL), body=reject)
    pending = post_inquiry(body).body["id"]

    erase = {"email": PROSPECT["email"], "partner_contacts": True}
    erased = call("POST", "/subjects/erase", claims=hq(), body=erase)
    assert erased.status == 200 and erased.body == {"inquiries": 3, "contacts": 1}
    answers = [
        call("GET", "/subjects", claims=hq(), query={"email": PROSPECT["email"]}),
        call("GET", "/inquiries", claims=hq(), query={"q": PROSPECT["last_name"]}),
        call("GET", "/inquiries", claims=hq()),
        call("GET", "/inquiries", claims=partner(SOUTH_TYROL)),
        *(call("GET", f"/inquiries/{i}", claims=hq()) for i in (taken, left, pending)),
        call("GET", f"/inquiries/{taken}", claims=partner(SOUTH_TYROL)),
    ]
    assert [a.status for a in answers] == [200] * len(answers)
    assert answers[0].body["inquiries"] == [] and answers[1].body["items"] == []
    # Besides the address asked about, which the contract echoes as `email`.
    texts = [json.dumps({**answers[0].body, "email": None}), *(a.text for a in answers[1:])]
    for text in texts:
        assert not _leaks(text), _leaks(text)
    # The retention sweep runs over what is left: nothing of the person comes back.
    clock.advance(days=365)
    assert invoke("expire", {"sweep": True}) == {"expired": 0, "erased": 0}

    table = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].tables[TABLE]
    items = [json.dumps(item.to_json()) for item in table.all_items()]
    assert len(items) > 15  # the offers, events, partners and the erasure record stay
    for item in items:
        assert not _leaks(item), f"{_leaks(item)} in {item[:300]}"
    captured = capfd.readouterr()
    logs = [log_output.getvalue(), captured.out, captured.err]
    logs += [json.dumps({k: str(v) for k, v in vars(r).items()}) for r in caplog.records]
    assert "personal data erased by request" in log_output.getvalue()
    for text in logs:
        assert not _leaks(text), _leaks(text)
