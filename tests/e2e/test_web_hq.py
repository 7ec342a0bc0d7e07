"""HQ's console, the reports and the languages in a real browser."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.stack import LocalStack
from tests.e2e.web import (
    App,
    copy_for_readme,
    hq_token,
    make_partner,
    submit,
    to_next_monday_morning,
)

# No xdist group: the stack and the browser are per test process, not per module, so
# xdist spreads these tests one by one.
pytestmark = pytest.mark.slow

UPDATE = os.environ.get("UPDATE_SCREENSHOTS") == "1"


def returned_inquiry(stack: LocalStack, partner: str, reason: str = "out_of_area") -> str:
    inquiry = submit(stack, partner, email=f"{reason}@example.com")
    token = stack.token("partner", partner)
    answer = stack.post(f"/inquiries/{inquiry}/reject", {"reason": reason}, token=token)
    assert answer.status == 200, answer.text
    return inquiry


def unassigned_inquiry(stack: LocalStack) -> str:
    # No partner covers France: nobody gets it, HQ has to.
    answer = stack.post(
        "/inquiries",
        {
            "product": "sunrooms",
            "contact": {
                "last_name": "Martin",
                "email": "martin@example.fr",
                "postal_code": "75001",
                "country": "FR",
            },
            "consent": True,
        },
    )
    assert answer.status == 201, answer.text
    inquiry: str = answer.body["id"]
    return inquiry


def test_queue_shows_returned_with_reason_and_unassigned(app: App, stack: LocalStack) -> None:
    partner = make_partner(stack, "queue")
    returned = returned_inquiry(stack, partner, "no_capacity")
    unassigned = unassigned_inquiry(stack)
    app.sign_in_hq()
    expect(app.page.get_by_role("heading", name="Inquiry queue")).to_be_visible()
    expect(app.row(returned)).to_contain_text("Returned")
    expect(app.row(returned)).to_contain_text("Rejected")
    expect(app.row(unassigned)).to_contain_text("Unassigned")
    app.axe("HQ queue")
    app.shot("hq-queue", full_page=False)
    app.menu(returned, "Open")
    expect(app.page.get_by_role("heading", level=1)).to_contain_text(returned)
    expect(app.page.get_by_text("You rejected this inquiry")).to_have_count(0)  # HQ's words
    expect(app.page.locator(".info")).to_contain_text("The partner rejected this inquiry")
    history = app.page.get_by_role("region", name="History")
    expect(history).to_contain_text("No capacity")


def test_filters_send_the_contract_parameters_and_survive_a_refusal(
    app: App, stack: LocalStack
) -> None:
    partner = make_partner(stack, "filters")
    returned = returned_inquiry(stack, partner)
    app.sign_in_hq()
    expect(app.row(returned)).to_be_visible()
    page = app.page
    page.get_by_label("Status").select_option("returned")
    page.get_by_label("Partner", exact=True).select_option(partner)
    page.get_by_label("From").fill("2026-01-01")
    page.get_by_label("To").fill("2030-12-31")
    page.get_by_label("Search").fill("out_of_area@example.com")
    # The list request the button sends, and its answer (waited for, not guessed at).
    with page.expect_response(lambda r: "/inquiries?" in r.url) as answered:
        page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("table", name="Inquiries")).to_be_visible()
    query = answered.value.url
    for part in (
        "status=returned",
        f"partner_id={partner}",
        "from=2026-01-01",
        "to=2030-12-31",
        "q=out_of_area%40example.com",
    ):
        assert part in query, (part, query)
    # The API answers with the filtered list, or refuses a filter it does not know: either
    # way the page stands, and a refusal shows the API's own message. A returned inquiry
    # is back at HQ and held by no partner: shown only if the API lists it.
    alert = page.get_by_role("alert")
    if answered.value.status >= 400:
        expect(alert).to_contain_text("did not accept these filters")
    else:
        expect(alert).to_have_count(0)
        path = "/inquiries?" + query.split("/inquiries?", 1)[1]
        listed = stack.get(path, token=hq_token(stack))
        ids = [item["id"] for item in listed.body["items"]]
        for inquiry in ids:
            expect(app.row(inquiry)).to_be_visible()
        if returned not in ids:
            expect(app.row(returned)).to_have_count(0)
    app.axe("HQ queue filtered")


def test_an_inverted_period_is_refused_here_and_the_intro_fits_the_view(
    app: App, stack: LocalStack
) -> None:
    app.sign_in_hq()
    page = app.page
    intro = page.get_by_text("Unassigned, returned and HQ-held inquiries need a decision.")
    expect(intro).to_be_visible()
    with page.expect_response(lambda r: "/inquiries?" in r.url):
        page.get_by_label("Status").select_option("")
        page.get_by_role("button", name="Apply").click()
    expect(intro).to_have_count(0)  # "All" is not the queue that needs a decision
    page.get_by_label("From").fill("2026-11-20")
    page.get_by_label("To").fill("2026-11-01")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("alert")).to_have_text("'To' must not be before 'From'.")
    expect(page.get_by_role("table", name="Inquiries")).to_have_count(0)
    expect(page.get_by_text("No inquiries here.")).to_have_count(0)
    # The search's hint is not cut off.
    search = page.get_by_label("Search")
    fits = search.evaluate(
        """e => { const c = document.createElement('canvas').getContext('2d');
             const s = getComputedStyle(e); c.font = `${s.fontSize} ${s.fontFamily}`;
             const room = e.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
             return c.measureText(e.placeholder).width <= room; }"""
    )
    assert fits, "the search field's placeholder is cut off"
    page.get_by_role("button", name="Reset").click()
    expect(page.get_by_role("table", name="Inquiries")).to_be_visible()
    expect(intro).to_be_visible()
    app.shot("inverted-period")


def test_hq_filters_by_partner_and_channel_end_to_end(app: App, stack: LocalStack) -> None:
    """The list shows the chosen partner's inquiries and nobody else's, then by channel."""
    mine = make_partner(stack, "mine")
    other = make_partner(stack, "other")
    held = [submit(stack, mine, email=f"mine{n}@example.com") for n in range(2)]
    elsewhere = submit(stack, other, email="other@example.com")
    app.sign_in_hq()
    page = app.page
    page.get_by_label("Status").select_option(label="All")
    page.get_by_role("button", name="Apply").click()
    expect(app.row(elsewhere)).to_be_visible()

    page.get_by_label("Partner", exact=True).select_option(mine)
    page.get_by_role("button", name="Apply").click()

    for inquiry in held:
        expect(app.row(inquiry)).to_be_visible()
    expect(app.row(elsewhere)).to_have_count(0)
    expect(page.get_by_role("alert")).to_have_count(0)
    answer = stack.get(f"/inquiries?partner_id={mine}", token=hq_token(stack))
    assert answer.status == 200, answer.text
    assert {i["id"] for i in answer.body["items"]} == set(held)
    # Dealer-page inquiries only, across every partner: the other partner's shows again.
    by_channel = stack.get("/inquiries?channel=dealer_page&limit=100", token=hq_token(stack))
    assert by_channel.status == 200, by_channel.text
    assert {*held, elsewhere} <= {i["id"] for i in by_channel.body["items"]}
    assert all(i["channel"] == "dealer_page" for i in by_channel.body["items"])
    app.axe("HQ queue filtered by partner")


def test_assign_to_a_partner_then_to_an_hq_user(app: App, stack: LocalStack) -> None:
    target = make_partner(stack, "target")
    inquiry = unassigned_inquiry(stack)
    app.sign_in_hq()
    app.open(f"/inquiries/{inquiry}")
    page = app.page
    page.get_by_role("button", name="Assign").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Partner", exact=True).select_option(target)
    app.axe("assign dialog")
    app.shot("assign-dialog")
    dialog.get_by_role("button", name="Assign").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".detail-head .status")).to_have_text("Waiting for decision")
    hq = stack.token("hq")
    view = stack.get(f"/inquiries/{inquiry}", token=hq).body
    assert view["status"] == "pending" and view["partner_id"] == target

    other = unassigned_inquiry(stack)
    app.open(f"/inquiries/{other}")
    page.get_by_role("button", name="Assign").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("An HQ user").check()
    dialog.get_by_label("HQ user ID").fill("giulia.hq")
    dialog.get_by_role("button", name="Assign").click()
    expect(page.locator(".detail-head .status")).to_have_text("With HQ user")
    view = stack.get(f"/inquiries/{other}", token=hq).body
    assert view["status"] == "assigned" and view["user_id"] == "giulia.hq"


def test_assign_lists_the_routing_rules_candidates_first_with_their_reasons(
    app: App, stack: LocalStack
) -> None:
    dealer = make_partner(stack, "chosen")
    near = [
        make_partner(
            stack, f"near{n}", territories=[{"country": "IT", "postal_prefixes": ["39100"]}]
        )
        for n in (1, 2)
    ]
    asleep = make_partner(stack, "asleep", active=False)
    inquiry = submit(stack, dealer)  # from the dealer's page: straight to it
    token = stack.token("partner", dealer)
    answer = stack.post(f"/inquiries/{inquiry}/reject", {"reason": "no_capacity"}, token=token)
    assert answer.status == 200, answer.text
    suggested = stack.get(f"/inquiries/{inquiry}/suggestions", token=stack.token("hq")).body
    assert [c["partner_id"] for c in suggested["candidates"][:2]] == sorted(near)
    app.sign_in_hq()
    app.open(f"/inquiries/{inquiry}")
    page = app.page
    page.get_by_role("button", name="Assign").click()
    dialog = page.get_by_role("dialog")
    group = dialog.get_by_role("group", name="Suggested by the routing rule")
    options = group.get_by_role("radio")
    expect(options).to_have_count(len(suggested["candidates"]))
    best = group.get_by_role("radio", name="Fenster Near1")
    expect(best).to_be_checked()  # the best is chosen to begin with
    expect(group.get_by_role("listitem").first).to_contain_text("closest territory")
    expect(group).not_to_contain_text("Fenster Chosen")  # it declined
    expect(group).not_to_contain_text("Fenster Asleep")  # inactive
    select = dialog.get_by_label("Partner", exact=True)
    expect(select.locator("option", has_text="Fenster Asleep")).to_have_count(0)
    app.axe("assign dialog with suggestions")
    app.shot("assign-dialog-suggestions")
    group.get_by_role("radio", name="Fenster Near2").check()
    dialog.get_by_role("button", name="Assign").click()
    expect(dialog).to_be_hidden()
    view = stack.get(f"/inquiries/{inquiry}", token=stack.token("hq")).body
    assert (view["status"], view["partner_id"]) == ("pending", near[1])
    assert asleep not in {c["partner_id"] for c in suggested["candidates"]}


def test_discard_a_returned_inquiry(app: App, stack: LocalStack) -> None:
    partner = make_partner(stack, "discard")
    inquiry = returned_inquiry(stack, partner, "spam")
    app.sign_in_hq()
    app.open(f"/inquiries/{inquiry}")
    app.page.get_by_role("button", name="Discard").click()
    dialog = app.page.get_by_role("dialog")
    dialog.get_by_label("Note (optional)").fill("Obvious spam")
    app.axe("discard dialog")
    dialog.get_by_role("button", name="Discard").click()
    expect(app.page.locator(".detail-head .status")).to_have_text("Discarded")
    view = stack.get(f"/inquiries/{inquiry}", token=stack.token("hq")).body
    assert view["status"] == "discarded"


def test_a_persons_data_is_looked_up_and_erased_on_the_data_subjects_page(
    app: App, stack: LocalStack
) -> None:
    partner = make_partner(stack, "subject")
    kept = submit(stack, partner, email="someone.else@example.com")
    inquiry = submit(stack, partner, email="Erika.Muster@example.org")
    app.sign_in_hq()
    page = app.page
    page.get_by_role("link", name="Data subjects").click()
    page.get_by_label("E-mail address").fill("erika.muster@EXAMPLE.org")
    page.get_by_role("button", name="Look up").click()
    held = page.get_by_role("table", name="Inquiries")
    expect(held).to_contain_text(inquiry)
    expect(held).not_to_contain_text(kept)
    app.axe("data subjects")
    app.shot("data-subjects")

    page.get_by_role("button", name="Erase this person's data").click()
    dialog = page.get_by_role("dialog")
    app.axe("erase dialog")
    dialog.get_by_role("button", name="Erase").click()
    expect(page.get_by_role("status")).to_contain_text("Erased: 1 inquiry.")
    # Looked up again: nothing is found any more but the erasure itself.
    expect(page.get_by_text("No inquiries of this address.")).to_be_visible()
    expect(page.get_by_role("list")).to_contain_text("1 inquiry")
    expect(page.get_by_role("button", name="Erase this person's data")).to_have_count(0)
    app.shot("data-subjects-erased")
    view = stack.get(f"/inquiries/{inquiry}", token=stack.token("hq")).body
    assert view["contact"] is None and view["erased_at"]
    # Its page says so, rather than asking HQ to accept it.
    app.open(f"/inquiries/{inquiry}")
    contact = page.get_by_role("region", name="Contact")
    expect(contact).to_contain_text("This person's data was erased on")
    expect(contact).not_to_contain_text("accept")
    assert stack.get(f"/inquiries/{kept}", token=stack.token("hq")).body["contact"]


def test_partners_do_not_get_the_data_subjects_page(app: App, stack: LocalStack) -> None:
    app.sign_in_partner(make_partner(stack, "nosubjects"))
    expect(app.page.get_by_role("link", name="Data subjects")).to_have_count(0)
    app.open("/subjects")
    expect(app.page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_partners_create_with_the_errors_beside_the_fields_in_words_then_edit(
    app: App, stack: LocalStack
) -> None:
    app.sign_in_hq()
    page = app.page
    page.get_by_role("link", name="Partners").click()
    table = page.get_by_role("table", name="Partners")
    expect(table).to_contain_text("Fenster Alpin (South Tyrol)")
    page.get_by_role("link", name="New partner").click()
    page.get_by_label("ID", exact=True).fill("trento-new")
    page.get_by_label("Name").fill("Serramenti Trento")
    page.get_by_label("Country").fill("XX")
    page.get_by_label("Time zone").fill("Mars/Olympus")
    page.get_by_label("Territories").fill("ITA 38\nIT 38")
    page.get_by_label("Notification addresses").fill("sales@")
    page.get_by_role("button", name="Save").click()
    country = page.get_by_label("Country")
    expect(country).to_have_attribute("aria-invalid", "true")
    # In plain words, not the API's ("not an ISO 3166-1 alpha-2 country code", "not an IANA
    # time zone", "String should have at most 2 characters", "value is not a valid email").
    code = "Please enter the country as its two-letter code, such as IT or DE."
    zone = "Please enter a time zone such as Europe/Rome."
    expect(page.locator("#p-country-err")).to_have_text(code)
    expect(page.locator("#p-timezone-err")).to_have_text(zone)
    expect(page.locator("#p-territories-err")).to_have_text(f"Territories 1: {code}")
    expect(page.locator("#p-notify_emails-err")).to_have_text(
        "Please enter valid e-mail addresses, one per line."
    )
    expect(page.get_by_label("Name")).not_to_have_attribute("aria-invalid", "true")
    app.axe("partner form with errors")
    app.shot("partner-form-errors")
    # The same errors in the language the app is switched to.
    for lang, alert, country_words, zone_words in (
        (
            "de",
            "Bitte die markierten Felder korrigieren.",
            "Bitte geben Sie das Land als zweistelligen Code an",
            "Bitte geben Sie eine Zeitzone",
        ),
        (
            "it",
            "Corregga i campi segnati.",
            "Indichi il paese con il codice di due lettere",
            "Indichi un fuso orario",
        ),
    ):
        page.locator("label.lang select").select_option(lang)
        expect(page.locator(".editor .alert")).to_have_text(alert)
        expect(page.locator("#p-country-err")).to_contain_text(country_words)
        expect(page.locator("#p-timezone-err")).to_contain_text(zone_words)
        app.shot(f"partner-form-errors-{lang}")
    page.locator("label.lang select").select_option("en")
    page.get_by_label("Territories").fill("IT 38")
    page.get_by_label("Notification addresses").fill("")
    country.fill("IT")
    page.get_by_label("Subdivision").fill("TN")
    page.get_by_label("Time zone").fill("Europe/Rome")
    page.get_by_label("Sliding doors").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Partner saved")
    row = table.get_by_role("row").filter(has_text="trento-new")
    expect(row).to_contain_text("Serramenti Trento")
    expect(row).to_contain_text("IT 38")
    saved = stack.get("/partners", token=stack.token("hq")).body["items"]
    mine = next(p for p in saved if p["id"] == "trento-new")
    assert mine["products"] == ["sliding_doors"] and mine["subdivision"] == "TN"

    with page.expect_response(re.compile(r"/partners/trento-new$")) as loaded:
        page.get_by_role("link", name="Edit Serramenti Trento").click()
    assert loaded.value.request.method == "GET"  # the form loads the partner itself
    expect(page.get_by_label("Name")).to_have_value("Serramenti Trento")
    # Meanwhile someone else changes another field: the PATCH keeps it.
    changed = stack.request(
        "PATCH", "/partners/trento-new", body={"language": "it"}, token=stack.token("hq")
    )
    assert changed.status == 200, changed.text
    page.get_by_label("Time zone").fill("Europe/Nowhere")
    with page.expect_request(lambda r: r.method == "PATCH") as refused:
        page.get_by_role("button", name="Save").click()
    assert refused.value.post_data_json == {"timezone": "Europe/Nowhere"}
    expect(page.locator("#p-timezone-err")).to_have_text(zone)
    app.shot("partner-edit-errors")
    page.get_by_label("Time zone").fill("Europe/Rome")
    page.get_by_label("Name").fill("Serramenti Trento Nord")
    page.get_by_label("Territories").fill("IT 38\nIT 390")
    page.get_by_label("Active").uncheck()
    with page.expect_request(lambda r: r.method == "PATCH") as sent:
        page.get_by_role("button", name="Save").click()
    assert sent.value.post_data_json == {
        "name": "Serramenti Trento Nord",
        "territories": [
            {"country": "IT", "postal_prefixes": ["38"]},
            {"country": "IT", "postal_prefixes": ["390"]},
        ],
        "active": False,
    }
    expect(row).to_contain_text("Serramenti Trento Nord")
    expect(row).to_contain_text("IT 390")
    stored = stack.get("/partners/trento-new", token=stack.token("hq")).body
    assert (stored["language"], stored["active"]) == ("it", False)
    app.axe("partners")


def _report_data(stack: LocalStack, name: str) -> str:
    to_next_monday_morning(stack)
    partner = make_partner(stack, "report", name=name)
    token = stack.token("partner", partner)
    for index in range(4):
        inquiry = submit(stack, partner, email=f"r{index}@example.com")
        stack.post("/_local/clock", {"advance_hours": 3 + index * 5})
        if index == 3:
            stack.post(f"/inquiries/{inquiry}/reject", {"reason": "no_capacity"}, token=token)
        else:
            stack.post(f"/inquiries/{inquiry}/accept", token=token)
            stack.post(f"/inquiries/{inquiry}/progress", {"step": "contacted"}, token=token)
    submit(stack, partner, email="late@example.com")
    stack.post("/_local/clock", {"advance_hours": 24 * 5})  # this one expires
    return partner


def test_reports_for_hq_table_charts_and_downloads(
    app: App, stack: LocalStack, tmp_path: Path
) -> None:
    partner = _report_data(stack, "Fenster Report HQ")
    app.sign_in_hq()
    page = app.page
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_label("From")).to_be_visible()
    expect(page.get_by_label("To")).to_be_visible()
    table = page.get_by_role("table", name="Response times")
    row = table.get_by_role("row").filter(has_text="Fenster Report HQ")
    expect(row).to_be_visible()
    cells = row.get_by_role("cell")
    expect(cells.nth(0)).to_have_text("5")  # assigned
    expect(cells.nth(1)).to_have_text("3")  # accepted
    expect(cells.nth(2)).to_have_text("1")  # rejected
    expect(cells.nth(3)).to_have_text("1")  # expired
    charts = page.get_by_role("img", name=re.compile(r"^Chart"))
    expect(charts.first).to_be_visible()
    assert charts.count() >= 2
    expect(charts.first).to_have_accessible_name(re.compile(r"Accepted \d+"))
    app.axe("reports HQ")
    app.shot("reports-hq", full_page=False)

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download CSV").click()
    csv_path = tmp_path / "report.csv"
    csv_download.value.save_as(csv_path)
    text = csv_path.read_text(encoding="utf-8-sig")
    assert "partner_id" in text.splitlines()[0] and partner in text
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Download Excel").click()
    xlsx_path = tmp_path / "report.xlsx"
    xlsx_download.value.save_as(xlsx_path)
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    assert xlsx_path.read_bytes()[:2] == b"PK"  # a workbook is a zip

    # Another period: nothing in it.
    page.get_by_label("From").fill("2020-01-01")
    page.get_by_label("To").fill("2020-01-31")
    page.get_by_role("button", name="Show").click()
    expect(table).to_contain_text("No offers in this period")


def test_reports_for_a_partner_show_its_own(app: App, stack: LocalStack) -> None:
    partner = _report_data(stack, "Fenster Report Partner")
    app.sign_in_partner(partner)
    page = app.page
    page.get_by_role("link", name="Reports").click()
    table = page.get_by_role("table", name="Response times")
    expect(table.get_by_role("row").filter(has_text=partner)).to_be_visible()
    expect(table.get_by_role("row").filter(has_text="alpin-bz")).to_have_count(0)
    expect(page.get_by_role("img", name=re.compile(r"^Chart")).first).to_be_visible()
    page.get_by_label("Interval").select_option("day")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("img", name=re.compile(r"^Chart")).first).to_be_visible()
    app.axe("reports partner")
    path = app.shot("reports-partner", full_page=True)
    if UPDATE:
        copy_for_readme(path, "reports.png")


@pytest.mark.browser(locale="de-DE")
def test_languages_from_the_browser_and_the_switcher(app: App, stack: LocalStack) -> None:
    partner = make_partner(stack, "sprache")
    inquiry = submit(stack, partner)
    app.open("/")
    page = app.page
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    page.get_by_label("Partner-ID").fill(partner)
    page.get_by_role("button", name="Als Partner anmelden").click()
    expect(page.get_by_role("heading", name="Ihre Anfragen")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "de"
    row = page.get_by_role("table", name="Anfragen").get_by_role("row").filter(has_text=inquiry)
    expect(row).to_contain_text("Fenster")
    # German dates: day.month.year, 24-hour clock; hours left as "Std.".
    expect(row).to_contain_text(re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}, \d{2}:\d{2}"))
    expect(row).to_contain_text(re.compile(r"\d+ Std\. \d+ Min\."))
    app.axe("inbox in German")
    page.get_by_label("Sprache").select_option("it")
    expect(page.get_by_role("heading", name="Le sue richieste")).to_be_visible()
    expect(page.get_by_role("link", name="Richieste")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "it"
    app.shot("inbox-italian", full_page=False)
    page.get_by_label("Lingua").select_option("en")
    expect(page.get_by_role("heading", name="Your inquiries")).to_be_visible()
