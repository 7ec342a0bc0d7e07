"""The partner's screens in a real browser: inbox, accept, duplicate check, reject, detail."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.stack import LocalStack
from tests.e2e.web import (
    App,
    copy_for_readme,
    make_partner,
    submit,
    to_next_monday_morning,
)

# No xdist group: the stack and the browser are per test process, not per module, so
# xdist spreads these tests one by one.
pytestmark = pytest.mark.slow

DARK_GREY = "rgb(58, 64, 72)"
UPDATE = os.environ.get("UPDATE_SCREENSHOTS") == "1"


def test_sign_in_page_has_the_local_sign_in(app: App) -> None:
    app.open("/")
    expect(app.page.get_by_role("heading", name="Sign in")).to_be_visible()
    app.page.get_by_role("button", name="Sign in as partner").click()
    expect(app.page.get_by_role("alert")).to_contain_text("Enter a partner ID")
    app.axe("sign-in")
    app.shot("sign-in")


def test_inbox_pending_first_dark_grey_with_deadline_and_time_left(
    app: App, stack: LocalStack
) -> None:
    to_next_monday_morning(stack)  # inside working time, so the countdown runs
    partner = make_partner(stack, "inbox")
    older = submit(stack, partner, email="first@example.com", last_name="Brunner")
    accepted = submit(stack, partner, email="second@example.com", last_name="Gruber")
    token = stack.token("partner", partner)
    assert stack.post(f"/inquiries/{accepted}/accept", token=token).status == 200
    newer = submit(stack, partner, email="third@example.com", last_name="Pichler")

    app.sign_in_partner(partner)
    table = app.page.get_by_role("table", name="Inquiries")
    expect(table).to_be_visible()
    rows = table.get_by_role("row")
    expect(rows).to_have_count(4)  # the header and three inquiries
    # The two pending ones on top, earliest deadline (then earliest offer) first; the
    # accepted one after them.
    expect(rows.nth(1)).to_contain_text(older)
    expect(rows.nth(2)).to_contain_text(newer)
    expect(rows.nth(3)).to_contain_text(accepted)
    for index in (1, 2):
        row = rows.nth(index)
        assert row.evaluate("r => getComputedStyle(r).backgroundColor") == DARK_GREY
        expect(row).to_contain_text("Windows")
        expect(row).to_contain_text("39100 Bolzano")
        # The deadline in the partner's zone (Rome), and the working time left.
        expect(row).to_contain_text(re.compile(r"GMT\+1|CES?T"))
        expect(row).to_contain_text(re.compile(r"\d+ h \d+ min"))
    assert rows.nth(3).evaluate("r => getComputedStyle(r).backgroundColor") != DARK_GREY
    # Nothing of the contact before accept.
    expect(rows.nth(1)).not_to_contain_text("Brunner")
    expect(app.page.get_by_text("2 inquiries wait for your decision")).to_be_visible()

    # The countdown follows the (simulated) clock: two working hours later, less is left.
    before = rows.nth(1).get_by_text(re.compile(r"\d+ h \d+ min")).inner_text()
    stack.post("/_local/clock", {"advance_hours": 2})
    app.page.get_by_role("link", name="Reports").click()  # the app reads the clock on the way
    app.page.get_by_role("link", name="Inquiries").click()
    # The app asks the stack's clock on the way, without waiting for it: wait for the change.
    left = app.row(older).get_by_text(re.compile(r"\d+ h \d+ min"))
    expect(left).not_to_have_text(before)
    after = left.inner_text()
    assert _minutes(before) - _minutes(after) in range(119, 122), (before, after)

    app.axe("partner inbox")
    path = app.shot("inbox", full_page=False)
    if UPDATE:
        copy_for_readme(path, "partner-inbox.png")


def _minutes(text: str) -> int:
    found = re.search(r"(\d+) h (\d+) min", text)
    assert found, text
    return int(found.group(1)) * 60 + int(found.group(2))


def test_accept_with_the_keyboard_alone_lands_in_the_detail(app: App, stack: LocalStack) -> None:
    partner = make_partner(stack, "keyboard")
    inquiry = submit(stack, partner, email="solo@example.com", last_name="Unique")
    app.sign_in_partner(partner)
    page = app.page
    actions = app.row(inquiry).get_by_role("button", name="Actions")
    actions.focus()
    page.keyboard.press("Enter")
    menu = page.get_by_role("menu")
    expect(menu).to_be_visible()
    expect(page.get_by_role("menuitem", name="Open")).to_be_focused()
    app.axe("action menu")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("menuitem", name="Accept inquiry")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(actions).to_be_focused()
    page.keyboard.press("ArrowDown")  # opens on the first item
    expect(page.get_by_role("menuitem", name="Open")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("menuitem", name="Accept inquiry")).to_be_focused()
    page.keyboard.press("Enter")
    # No duplicates: straight to the detail view, with the contact now visible.
    expect(page.get_by_role("heading", level=1)).to_contain_text(inquiry)
    expect(page.get_by_text("solo@example.com")).to_be_visible()
    expect(page.get_by_role("heading", name="Duplicate check")).to_have_count(0)
    app.shot("detail-after-accept")


def test_duplicate_check_links_to_an_existing_contact(app: App, stack: LocalStack) -> None:
    partner = make_partner(stack, "dupes")
    first = submit(stack, partner, email="anna.rossi@example.com")
    second = submit(stack, partner, email="Anna.Rossi@example.com")
    token = stack.token("partner", partner)
    answer = stack.post(f"/inquiries/{first}/accept", token=token)
    assert answer.status == 200 and answer.body["duplicates"] == []

    app.sign_in_partner(partner)
    app.menu(second, "Accept inquiry")
    page = app.page
    expect(page.get_by_role("heading", name="Duplicate check")).to_be_visible()
    candidate = page.get_by_role("region", name="Existing contact 1")
    mine = page.get_by_role("region", name="This inquiry's contact 1")
    expect(mine).to_contain_text("Anna.Rossi@example.com")
    expect(candidate).to_contain_text("e-mail")  # what matched
    app.axe("duplicate check")
    path = app.shot("duplicate-check", full_page=False)
    if UPDATE:
        copy_for_readme(path, "duplicate-check.png")
    existing = answer.body["inquiry"]["contact_id"]
    page.get_by_role("button", name="Link to this contact").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(second)
    expect(page.get_by_role("status")).to_contain_text("Contact linked")
    view = stack.get(f"/inquiries/{second}", token=token)
    assert view.body["contact_id"] == existing


def test_the_duplicate_check_is_back_after_a_reload(app: App, stack: LocalStack) -> None:
    partner = make_partner(stack, "reload")
    first = submit(stack, partner, email="mara@example.com")
    second = submit(stack, partner, email="mara@example.com")
    token = stack.token("partner", partner)
    existing = stack.post(f"/inquiries/{first}/accept", token=token).body["inquiry"]["contact_id"]
    assert stack.post(f"/inquiries/{second}/accept", token=token).body["duplicates"]

    app.sign_in_partner(partner)  # a new page: the acceptance's answer is not in memory
    app.open(f"/inquiries/{second}/duplicates")
    page = app.page
    expect(page.get_by_role("heading", name="Duplicate check")).to_be_visible()
    page.get_by_role("button", name="Link to this contact").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(second)
    expect(page.get_by_role("status")).to_contain_text("Contact linked")
    assert stack.get(f"/inquiries/{second}", token=token).body["contact_id"] == existing


def test_duplicate_check_can_create_a_new_contact(app: App, stack: LocalStack) -> None:
    partner = make_partner(stack, "newcontact")
    first = submit(stack, partner, email="luca@example.com")
    second = submit(stack, partner, email="luca@example.com")
    token = stack.token("partner", partner)
    assert stack.post(f"/inquiries/{first}/accept", token=token).status == 200
    app.sign_in_partner(partner)
    app.menu(second, "Accept inquiry")
    app.page.get_by_role("button", name="Create new contact").click()
    expect(app.page.get_by_role("heading", level=1)).to_contain_text(second)
    view = stack.get(f"/inquiries/{second}", token=token)
    first_view = stack.get(f"/inquiries/{first}", token=token)
    assert view.body["contact_id"] not in (None, first_view.body["contact_id"])


def test_reject_with_a_reason_then_the_inquiry_is_gone_in_words(
    app: App, stack: LocalStack
) -> None:
    partner = make_partner(stack, "reject")
    inquiry = submit(stack, partner)
    app.sign_in_partner(partner)
    app.menu(inquiry, "Reject inquiry")
    dialog = app.page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    # Escape closes it, and focus is back on the button that opened it (not on the page).
    app.page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(app.row(inquiry).get_by_role("button", name="Actions")).to_be_focused()
    app.menu(inquiry, "Reject inquiry")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Reason").select_option("no_capacity")
    dialog.get_by_label("Note (optional)").fill("Fully booked until March")
    app.axe("reject dialog")
    app.shot("reject-dialog")
    dialog.get_by_role("button", name="Reject").click()
    expect(dialog).to_be_hidden()
    expect(app.page.get_by_role("status")).to_contain_text("Inquiry rejected")
    expect(app.row(inquiry)).to_have_count(0)
    # Its address now says, in words, that it is gone: no error code.
    app.open(f"/inquiries/{inquiry}")
    heading = app.page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("not available to you")
    expect(app.page.locator("main")).not_to_contain_text("404")
    hq = stack.token("hq")
    view = stack.get(f"/inquiries/{inquiry}", token=hq).body
    assert view["status"] == "returned" and view["return_reason"] == "rejected"
    assert any(e.get("reason") == "no_capacity" for e in view["events"])
    app.axe("gone inquiry")


def test_an_expired_offer_says_so_when_accepted(app: App, stack: LocalStack) -> None:
    partner = make_partner(stack, "late")
    inquiry = submit(stack, partner)
    app.sign_in_partner(partner)
    expect(app.row(inquiry)).to_have_count(1)
    # The deadline passes while the list is open; accepting then is refused in words.
    assert stack.post("/_local/clock", {"advance_hours": 24 * 8}).status == 200
    app.menu(inquiry, "Accept inquiry")
    expect(app.page.get_by_role("status")).to_contain_text(
        re.compile("not available to you|can no longer be done|deadline has passed")
    )
    expect(app.page.locator("body")).not_to_contain_text(re.compile(r"\b(404|409)\b"))
    app.page.get_by_role("link", name="Reports").click()
    app.page.get_by_role("link", name="Inquiries").click()
    expect(app.page.get_by_role("table", name="Inquiries")).to_be_visible()
    expect(app.row(inquiry)).to_have_count(0)


def test_detail_progress_steps_and_timeline(app: App, stack: LocalStack) -> None:
    partner = make_partner(stack, "progress")
    inquiry = submit(stack, partner, email="mario@example.com", last_name="Bianchi")
    app.sign_in_partner(partner)
    app.open(f"/inquiries/{inquiry}")
    page = app.page
    expect(page.get_by_role("heading", level=1)).to_contain_text(inquiry)
    # Before accept: the redacted message, no contact.
    expect(page.get_by_role("region", name="Message")).to_contain_text("[redacted]")
    expect(page.get_by_text("mario@example.com")).to_have_count(0)
    app.axe("detail before accept")
    page.get_by_role("button", name="Accept inquiry").click()
    expect(page.get_by_text("mario@example.com")).to_be_visible()
    expect(page.get_by_role("region", name="Message")).to_contain_text("+39 0471 123456")
    for step in ("Contacted", "Offer sent"):
        page.get_by_role("button", name=step, exact=True).click()
        expect(page.get_by_role("button", name=step, exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )
    history = page.get_by_role("region", name="History")
    expect(history).to_contain_text("Offer sent")
    expect(history).to_contain_text("Accepted")
    expect(history).to_contain_text("Received")
    # Who acted, in words: the channel of the submission and the system, never their codes.
    expect(history).to_contain_text("Dealer page")
    expect(history).to_contain_text("System")
    expect(history).not_to_contain_text("dealer_page")
    expect(history).not_to_contain_text("system")
    app.axe("detail accepted")
    app.shot("detail-progress")
    page.get_by_role("button", name="Won", exact=True).click()
    # Closing is final: the app asks first, and Cancel records nothing.
    confirm = page.get_by_role("dialog", name="Mark the inquiry as won?")
    expect(confirm).to_contain_text("cannot be undone")
    app.shot("detail-won-confirm")
    confirm.get_by_role("button", name="Cancel").click()
    expect(confirm).to_have_count(0)
    expect(page.locator(".detail-head .status")).to_have_text("Accepted")
    expect(page.get_by_role("button", name="Won", exact=True)).to_be_focused()
    page.get_by_role("button", name="Won", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Mark as won").click()
    expect(page.locator(".detail-head .status")).to_have_text("Closed")
    token = stack.token("partner", partner)
    assert stack.get(f"/inquiries/{inquiry}", token=token).body["status"] == "closed"


def test_hand_an_accepted_inquiry_to_a_colleague(app: App, stack: LocalStack) -> None:
    partner = make_partner(stack, "handover")
    inquiry = submit(stack, partner)
    token = stack.token("partner", partner)
    assert stack.post(f"/inquiries/{inquiry}/accept", token=token).status == 200
    app.sign_in_partner(partner)
    app.menu(inquiry, "Open")
    page = app.page
    page.get_by_label("Colleague's user ID").fill("maria.huber")
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_role("status")).to_contain_text("Handed to maria.huber")
    expect(page.get_by_role("region", name="Contact")).to_contain_text("maria.huber")
    assert stack.get(f"/inquiries/{inquiry}", token=token).body["user_id"] == "maria.huber"


def test_hand_a_pending_offer_to_a_colleague_from_the_action_menu(
    app: App, stack: LocalStack
) -> None:
    partner = make_partner(stack, "pendinghand")
    inquiry = submit(stack, partner)
    token = stack.token("partner", partner)
    deadline = stack.get(f"/inquiries/{inquiry}", token=token).body["deadline"]
    app.sign_in_partner(partner)
    app.menu(inquiry, "Hand to a colleague")
    page = app.page
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("deadline unchanged")
    dialog.get_by_label("Colleague's user ID").fill("luca.rossi")
    app.axe("hand-over dialog")
    app.shot("handover-dialog")
    dialog.get_by_role("button", name="Hand over").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("status")).to_contain_text("Handed to luca.rossi")
    expect(app.row(inquiry)).to_contain_text("Assigned to: luca.rossi")
    app.shot("inbox-handed-over")
    view = stack.get(f"/inquiries/{inquiry}", token=token).body
    assert (view["status"], view["user_id"], view["deadline"]) == (
        "pending",
        "luca.rossi",
        deadline,
    )
    # The colleague opens it: still anonymised, still theirs to accept or reject.
    app.menu(inquiry, "Open")
    expect(page.get_by_role("region", name="Contact")).to_contain_text("luca.rossi")
    expect(page.get_by_role("button", name="Accept inquiry")).to_be_visible()


def test_unknown_inquiry_is_explained_not_coded(app: App, stack: LocalStack) -> None:
    app.sign_in_partner(make_partner(stack, "unknown"))
    app.open("/inquiries/NoSuchInquiry1")
    expect(app.page.get_by_role("heading", level=1)).to_contain_text("not available to you")
    expect(app.page.get_by_role("link", name="Back to inquiries")).to_be_visible()


@pytest.mark.browser(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
def test_phone_width_inbox_and_detail(app: App, stack: LocalStack) -> None:
    partner = make_partner(stack, "phone")
    inquiry = submit(stack, partner)
    submit(stack, partner, email="other@example.com")
    app.sign_in_partner(partner)
    page = app.page
    expect(app.row(inquiry)).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways at 375 px: {width}"
    app.axe("inbox at 375 px")
    app.shot("inbox-375")
    app.row(inquiry).get_by_role("button", name="Actions").tap()
    page.get_by_role("menuitem", name="Accept inquiry").tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text(inquiry)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    app.axe("detail at 375 px")
    app.shot("detail-375")


def test_sign_out_forgets_the_token(app: App, stack: LocalStack) -> None:
    partner = make_partner(stack, "signout")
    app.sign_in_partner(partner)
    stored = app.page.evaluate(
        "JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage})"
    )
    assert "eyJ" not in stored, "a token was written to web storage"
    app.page.get_by_role("button", name="Sign out").click()
    expect(app.page.get_by_role("button", name="Sign in as HQ")).to_be_visible()
    # A reload does not bring the session back: the token lived in memory only.
    app.page.reload()
    expect(app.page.get_by_label("Partner ID")).to_be_visible()
