"""The local outbox page: a person reads the mails as they would arrive, in the app's language."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.e2e.stack import LocalStack
from tests.e2e.web import App, make_partner, submit

# No xdist group: the stack and the browser are per test process, not per module, so
# xdist spreads these tests one by one.
pytestmark = pytest.mark.slow


def wait_for_mails(stack: LocalStack, inquiry_id: str, count: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        messages = stack.get("/_local/outbox").body["messages"]
        if len([m for m in messages if inquiry_id in m["subject"]]) >= count:
            return
        time.sleep(0.2)
    raise AssertionError(f"the mails of {inquiry_id} did not arrive")


def test_hq_reads_the_mails_with_the_html_sandboxed(app: App, stack: LocalStack) -> None:
    partner = make_partner(stack, "outbox", notify_emails=["sales@outbox.example"], language="de")
    inquiry = submit(stack, partner)
    wait_for_mails(stack, inquiry, 2)  # the receipt and the partner's new offer

    app.sign_in_hq()
    app.page.get_by_role("link", name="Outbox").click()
    expect(app.page.get_by_role("heading", name="Outbox", level=1)).to_be_visible()
    mails = app.page.get_by_role("table", name="Mails")
    offer = mails.get_by_role("button", name=f"Neue Anfrage {inquiry}: Fenster")
    offer.click()
    expect(app.page.get_by_role("heading", name=f"Neue Anfrage {inquiry}: Fenster")).to_be_visible()
    expect(app.page.get_by_text("sales@outbox.example").first).to_be_visible()

    # The HTML as the recipient sees it, in a sandbox without scripts or this app's origin.
    frame = app.page.locator("iframe.mail-html")
    assert frame.get_attribute("sandbox") == ""
    inner = app.page.frame_locator("iframe.mail-html")
    # The frame shows the mail itself: its words laid out inside, the frame of a readable size.
    expect(inner.get_by_text("Ihnen wurde eine neue Anfrage angeboten.")).to_be_visible()
    expect(inner.get_by_text(inquiry, exact=True)).to_be_visible()
    expect(inner.get_by_text("39100", exact=True)).to_be_visible()
    box = frame.bounding_box()
    assert box is not None and box["height"] >= 300 and box["width"] >= 300, box
    expect(inner.get_by_role("link", name="Anfrage öffnen")).to_have_attribute(
        "href", f"{stack.url}/#/inquiries/{inquiry}"
    )
    expect(app.page.locator("pre.mail-text")).to_contain_text("Postleitzahl: 39100")
    app.axe("outbox")
    app.shot("outbox-en")

    # The app's language: German words around the mail.
    app.page.get_by_label("Language").select_option("de")
    expect(app.page.get_by_role("heading", name="Postausgang", level=1)).to_be_visible()
    expect(app.page.get_by_role("link", name="Postausgang")).to_be_visible()
    app.shot("outbox-de")

    # Emptying it leaves the page saying so.
    # It asks first: Cancel deletes nothing.
    app.page.get_by_role("button", name="Postausgang leeren").click()
    confirm = app.page.get_by_role("dialog", name="Postausgang leeren?")
    expect(confirm).to_contain_text("nicht rückgängig")
    confirm.get_by_role("button", name="Abbrechen").click()
    expect(confirm).to_have_count(0)
    assert stack.get("/_local/outbox").body["messages"] != []
    app.page.get_by_role("button", name="Postausgang leeren").click()
    confirm.get_by_role("button", name="Alle Mails löschen").click()
    expect(app.page.get_by_text("Noch keine Mails")).to_be_visible()
    assert stack.get("/_local/outbox").body["messages"] == []


def test_a_partner_has_no_outbox(app: App, stack: LocalStack) -> None:
    # The outbox holds every mail the stack sent (prospects' receipts with their addresses,
    # other partners' offers): HQ's only, like the other HQ pages.
    partner = make_partner(stack, "nooutbox")
    submit(stack, partner)
    app.sign_in_partner(partner)
    expect(app.page.get_by_role("link", name="Contacts")).to_be_visible()
    expect(app.page.get_by_role("link", name="Outbox")).to_have_count(0)
    app.open("/outbox")
    expect(app.page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(app.page.get_by_role("button", name="Empty outbox")).to_have_count(0)
    expect(app.page.get_by_role("table", name="Mails")).to_have_count(0)
    app.shot("partner-outbox")
