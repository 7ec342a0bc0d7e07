"""The app's pages fit the window: long words wrap, wide tables stay in their own box."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.stack import LocalStack
from tests.e2e.web import App, make_partner, submit

# No xdist group: the stack and the browser are per test process, not per module, so
# xdist spreads these tests one by one.
pytestmark = pytest.mark.slow

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LONG_WORD = "Fensterrahmenaustausch" * 3


def page_width(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def assert_fits(page: Page, where: str, width: int) -> None:
    # Against the window's width as set: a phone's layout viewport grows with what overflows.
    assert page_width(page) <= width, f"{where}: the page is {page_width(page)} px wide in {width}"


def assert_nav_fits(page: Page, width: int = 390) -> None:
    # Every link of the navigation inside the window, none cut off at its edge.
    rights = page.evaluate(
        "[...document.querySelectorAll('nav a')].map(a => a.getBoundingClientRect().right)"
    )
    assert rights and max(rights) <= width, rights


def lines_of(page: Page, selector: str) -> list[int]:
    """How many lines the text of each element matching `selector` takes."""
    lines: list[int] = page.evaluate(
        """s => [...document.querySelectorAll(s)].map(e => {
             const r = document.createRange(); r.selectNodeContents(e);
             return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; })""",
        selector,
    )
    return lines


def test_a_long_word_in_the_message_wraps_in_its_panel(app: App, stack: LocalStack) -> None:
    partner = make_partner(stack, "longword")
    inquiry = submit(stack, partner, message=f"Wir brauchen {LONG_WORD} {LONG_WORD} bitte.")
    app.sign_in_partner(partner)
    app.open(f"/inquiries/{inquiry}")
    message = app.page.locator(".message")
    expect(message).to_contain_text(LONG_WORD)
    assert_fits(app.page, "detail at 1280 px", 1280)
    assert message.evaluate("e => e.scrollWidth <= e.clientWidth")
    panel = app.page.get_by_role("region", name="Message")
    inside = panel.evaluate(
        "p => { const m = p.querySelector('.message').getBoundingClientRect();"
        " const b = p.getBoundingClientRect(); return m.right <= b.right; }"
    )
    assert inside, "the message runs out of its panel"
    app.shot("long-word")


@pytest.mark.browser(**PHONE)
def test_phone_width_contacts_and_navigation(app: App, stack: LocalStack) -> None:
    partner = make_partner(stack, "phonebook")
    token = stack.token("partner", partner)
    book = (
        "first_name,last_name,email,phone,street,postal_code,city,country,company\n"
        "Anna,Rossi,anna.rossi.with.a.long.address@example-company-domain.com,"
        "+39 0471 123456,Via Roma 1,39100,Bolzano,IT,Rossi Fensterrahmenaustausch GmbH\n"
    )
    answer = stack.post(
        "/contacts/import", raw=book.encode(), token=token, headers={"Content-Type": "text/csv"}
    )
    assert answer.status == 200, answer.text
    app.sign_in_partner(partner)
    assert_nav_fits(app.page)
    app.page.get_by_role("link", name="Contacts").click()
    table = app.page.get_by_role("table", name="Your contacts")
    expect(table).to_contain_text("Rossi, Anna")
    assert_fits(app.page, "contacts at 390 px", 390)
    app.axe("contacts at 390 px")
    app.shot("contacts-390")


@pytest.mark.browser(**PHONE)
def test_phone_width_outbox_and_hq_navigation(app: App, stack: LocalStack) -> None:
    partner = make_partner(stack, "phonemail", notify_emails=["sales@phonemail.example"])
    inquiry = submit(
        stack, partner, email="anna.rossi.with.a.very.long.address@example-company-domain.com"
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        messages = stack.get("/_local/outbox").body["messages"]
        if len([m for m in messages if inquiry in m["subject"]]) >= 2:
            break
        time.sleep(0.2)
    app.sign_in_hq()
    assert_nav_fits(app.page)
    app.page.get_by_role("link", name="Outbox").click()
    expect(app.page.get_by_role("table", name="Mails")).to_be_visible()
    assert_fits(app.page, "outbox at 390 px", 390)
    app.page.get_by_label("Language").select_option("de")
    expect(app.page.get_by_role("heading", name="Postausgang", level=1)).to_be_visible()
    assert_nav_fits(app.page)
    app.shot("outbox-390")


def test_outbox_kinds_are_never_broken_inside_a_word(app: App, stack: LocalStack) -> None:
    partner = make_partner(stack, "kinds", notify_emails=["sales@kinds.example"])
    inquiry = submit(stack, partner)
    token = stack.token("hq")
    # A withdrawn offer: HQ assigns the pending inquiry elsewhere.
    other = make_partner(stack, "kinds-other")
    answer = stack.post(f"/inquiries/{inquiry}/assign", {"partner_id": other}, token=token)
    assert answer.status == 200, answer.text
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        kinds = {m["kind"] for m in stack.get("/_local/outbox").body["messages"]}
        if "withdrawn" in kinds:
            break
        time.sleep(0.2)
    app.page.set_viewport_size({"width": 1024, "height": 800})
    app.sign_in_hq()
    app.page.get_by_role("link", name="Outbox").click()
    mails = app.page.get_by_role("table", name="Mails")
    expect(mails).to_contain_text("Withdrawn")
    # The kind is the second column; each on one line, never "Withdraw|n".
    assert max(lines_of(app.page, ".outbox-list tbody td:nth-child(2)")) == 1
    app.shot("outbox-kinds")


def _report_rows(stack: LocalStack) -> None:
    partner = make_partner(stack, "reportwidth", name="Fenster Rahmenbau Südtirol und Trentino")
    inquiry = submit(stack, partner)
    token = stack.token("partner", partner)
    answer = stack.post(f"/inquiries/{inquiry}/accept", token=token)
    assert answer.status == 200, answer.text


def test_the_report_table_fits_at_1280(app: App, stack: LocalStack) -> None:
    _report_rows(stack)
    app.sign_in_hq()
    app.page.get_by_role("link", name="Reports").click()
    table = app.page.get_by_role("table", name="Response times")
    expect(table).to_contain_text("Fenster Rahmenbau")
    region = app.page.get_by_role("region", name="Response times")
    assert region.evaluate("r => r.scrollWidth <= r.clientWidth"), "the table is cut off"
    app.shot("report-1280")


# A narrow desktop window (a phone's scrollbars are overlays; there the box's shadow hints).
@pytest.mark.browser(viewport={"width": 390, "height": 844})
def test_the_report_table_scrolls_in_its_box_at_390(app: App, stack: LocalStack) -> None:
    _report_rows(stack)
    app.sign_in_hq()
    app.page.get_by_role("link", name="Reports").click()
    table = app.page.get_by_role("table", name="Response times")
    expect(table).to_contain_text("Fenster Rahmenbau")
    assert_fits(app.page, "reports at 390 px", 390)
    region = app.page.get_by_role("region", name="Response times")
    # More than the partners' names shows; the rest scrolls, with a scrollbar one can see.
    head = table.get_by_role("rowheader").first.evaluate("e => e.getBoundingClientRect().width")
    assert head < 0.5 * region.evaluate("r => r.clientWidth"), head
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")
    # Headless Chromium hides scrollbars (as the QA screenshots did): a shadow at the edge
    # where more is says so; a window with scrollbars also shows the box's own, styled.
    background = region.evaluate("r => getComputedStyle(r).backgroundImage")
    assert "radial-gradient" in background, "no hint that the table scrolls"
    # The table's title wraps in the window rather than being cut off inside the box.
    title = app.page.get_by_text("Response times:")
    assert title.evaluate("e => e.getBoundingClientRect().right") <= 390
    app.shot("report-390")


@pytest.mark.browser(**PHONE)
def test_phone_width_data_subjects(app: App, stack: LocalStack) -> None:
    partner = make_partner(stack, "phonesubject")
    submit(stack, partner, email="phone.subject@example.org")
    app.sign_in_hq()
    page = app.page
    page.get_by_role("link", name="Data subjects").click()
    page.get_by_label("E-mail address").fill("phone.subject@example.org")
    page.get_by_role("button", name="Look up").click()
    expect(page.get_by_role("table", name="Inquiries")).to_be_visible()
    assert_fits(page, "data subjects at 390 px", 390)
    page.get_by_label("Language").select_option("de")
    expect(page.get_by_role("table", name="Anfragen")).to_be_visible()
    assert_fits(page, "data subjects in German at 390 px", 390)
    app.shot("subjects-390")


@pytest.mark.browser(**PHONE)
def test_phone_width_queue_status_filter_shows_its_choice_whole(
    app: App, stack: LocalStack
) -> None:
    app.sign_in_hq()
    page = app.page
    status = page.locator("#f-status")  # labelled Status, Stato, Status
    expect(status).to_have_value("attention")
    for lang, label in (("en", "Needs attention"), ("it", "Da gestire"), ("de", "Zu erledigen")):
        page.get_by_label(re.compile("Language|Lingua|Sprache")).select_option(lang)
        expect(status.locator("option:checked")).to_have_text(label)
        # The chosen option's text, in the select's font, fits inside the select beside its
        # arrow (about 2 rem of it): nothing of it is cut off.
        room, text = status.evaluate(
            """s => { const c = document.createElement('canvas').getContext('2d');
                 const st = getComputedStyle(s);
                 c.font = `${st.fontWeight} ${st.fontSize} ${st.fontFamily}`;
                 const pad = parseFloat(st.paddingLeft) + parseFloat(st.paddingRight);
                 const text = c.measureText(s.selectedOptions[0].text).width;
                 return [s.clientWidth - pad - 24, text]; }"""
        )
        assert text <= room, f"{lang}: {label!r} needs {text:.0f} px, the select has {room:.0f}"
    assert_fits(page, "queue at 390 px", 390)
    app.shot("queue-status-390")
