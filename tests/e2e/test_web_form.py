"""The website form in a real browser: `GET /form` and `<inquiry-form>` embedded in another site.

Debian's Chromium against a local stack: a person fills the form in and sees the
inquiry's ID (stored and routed), a wrong field is told beside it in plain words, a
double click sends one inquiry, a dealer's page sends to that dealer, a bot gets a
success and stores nothing, a page on another local port embeds the form, and the form
works by keyboard alone on a phone's width. axe-core runs on every page; screenshots go
to .local/screenshots/.
"""

from __future__ import annotations

import gzip
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Page, Request, expect

from tests.e2e.stack import LocalStack
from tests.e2e.web import DIST, App, make_partner

# No xdist group: the stack and the browser are per test process, not per module, so
# xdist spreads these tests one by one.
pytestmark = pytest.mark.slow

SCRIPT = "/form.js"


@pytest.fixture(scope="module", autouse=True)
def built_form_script() -> None:
    """`make web` builds the form's script beside the app."""
    if not (DIST.parent / "form.js").is_file():
        pytest.fail("missing web/dist/form.js: run `make web`")


# The API's minimum fill time (inquiries.domain.spam.MIN_FILL_MS) and a margin: a person
# in these tests takes a little longer than that. The page's clock says so (Playwright's
# clock), rather than the test waiting that long.
PERSON_MS = 3_400
ID_SHAPE = re.compile(r"^[A-Za-z0-9_-]{12}$")

PROSPECT = {
    "First name": "Anna",
    "Last name": "Rossi",
    "E-mail": "anna.rossi@example.com",
    "Phone": "+39 0471 123456",
    "Street": "Via Roma 1",
    "Postal code": "39100",
    "City": "Bolzano",
    "Company": "",
    "Message": "We are renovating and need 12 new windows.",
}


def open_form(page: Page, path: str) -> None:
    """Open a page with the form, on a clock the test can move on; answers when it is there."""
    # The installed clock runs as the real one does, until `take_time` moves it on.
    page.clock.install()
    page.goto(path)
    expect(page.get_by_role("button", name=re.compile("Send|senden|Invia"))).to_be_visible()


def fill_in(page: Page, *, country: str = "Italy", product: str = "Windows", **fields: str) -> None:
    """Fill the English form in as a person would, by its labels."""
    for label, value in {**PROSPECT, **fields}.items():
        if value:
            page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Country", exact=True).select_option(label=country)
    page.get_by_label("Product", exact=True).select_option(label=product)
    page.get_by_role("checkbox", name=re.compile("^I agree")).check()


def take_time(page: Page) -> None:
    """A person needs more than the form's minimum fill time: the page's clock moves on by it."""
    page.clock.fast_forward(PERSON_MS)


def shown_id(page: Page) -> str:
    """The inquiry ID the form shows after sending."""
    shown = page.locator("inquiry-form .id")
    expect(shown).to_have_text(ID_SHAPE)
    return shown.inner_text()


def inquiry(stack: LocalStack, inquiry_id: str) -> Any:
    return stack.get(f"/inquiries/{inquiry_id}", token=stack.token("hq"))


def inquiries_of(stack: LocalStack, partner_id: str) -> list[dict[str, Any]]:
    answer = stack.get("/inquiries", token=stack.token("partner", partner_id))
    assert answer.status == 200, answer.text
    items: list[dict[str, Any]] = answer.body["items"]
    return items


def submissions(page: Page) -> list[Request]:
    """Every `POST /inquiries` the page sends from now on."""
    sent: list[Request] = []
    page.on(
        "request",
        lambda r: sent.append(r) if r.method == "POST" and r.url.endswith("/inquiries") else None,
    )
    return sent


# --- a person on the service's own page ---------------------------------------------------------


def test_a_person_fills_in_the_form_and_sees_the_inquiry_id(app: App, stack: LocalStack) -> None:
    page = app.page
    open_form(page, f"{stack.url}/form")  # English: the browser's language
    assert page.evaluate("document.documentElement.lang") == "en"
    expect(page.get_by_role("heading", name="Your inquiry")).to_be_visible()
    for label in ("First name", "Last name", "E-mail", "Phone", "Street", "Postal code", "City"):
        expect(page.get_by_label(label, exact=True)).to_be_editable()
    for label in ("Country", "Company", "Product", "Message"):
        expect(page.get_by_label(label, exact=True)).to_be_visible()
    # The consent links to the privacy notice, which is on the page.
    privacy = page.get_by_role("link", name="privacy notice")
    assert privacy.get_attribute("href") == f"{stack.url}/form#privacy"
    expect(page.locator("#privacy")).to_contain_text("only to answer your inquiry")
    # The trap is there for bots, but not for people: not visible, not in the tab order.
    trap = page.locator("inquiry-form input[name=website]")
    assert trap.get_attribute("tabindex") == "-1"
    assert trap.evaluate("e => e.getBoundingClientRect().right") < 0
    app.axe("form")
    fill_in(page)
    app.shot("form-filled-in")
    sent = submissions(page)
    take_time(page)
    page.get_by_role("button", name="Send inquiry").click()

    expect(page.get_by_text("Thank you! Your inquiry has been sent.")).to_be_visible()
    inquiry_id = shown_id(page)
    app.axe("form sent")
    app.shot("form-sent")
    stored = inquiry(stack, inquiry_id)
    assert stored.status == 200, stored.text
    assert stored.body["channel"] == "website"
    assert stored.body["status"] == "pending"  # routed and offered to a partner of 39...
    assert stored.body["partner_id"]
    assert stored.body["contact"]["last_name"] == "Rossi"
    assert stored.body["contact"]["country"] == "IT"
    assert stored.body["message"] == PROSPECT["Message"]
    assert len(sent) == 1 and sent[0].headers.get("idempotency-key")

    # Another inquiry: an empty form again, ready to type in.
    page.get_by_role("button", name="Send another inquiry").click()
    expect(page.get_by_label("First name", exact=True)).to_be_focused()
    expect(page.get_by_label("Last name", exact=True)).to_have_value("")
    expect(page.get_by_role("checkbox", name=re.compile("^I agree"))).not_to_be_checked()


def test_a_wrong_field_is_told_beside_it_in_plain_words(app: App, stack: LocalStack) -> None:
    dealer = make_partner(stack, "formfehler")
    page = app.page
    open_form(page, f"{stack.url}/form?partner={dealer}&lang=en")
    fill_in(page, **{"E-mail": "anna.rossi@example", "Postal code": "39100 39100 39100 39100"})
    page.get_by_label("Last name", exact=True).fill("")
    take_time(page)
    page.get_by_role("button", name="Send inquiry").click()

    email = page.get_by_label("E-mail", exact=True)
    expect(email).to_have_attribute("aria-invalid", "true")
    friendly = "Please enter a valid e-mail address, such as name@example.com."
    expect(email).to_have_accessible_description(friendly)
    expect(page.locator("inquiry-form #e-email")).to_have_text(friendly)
    expect(page.get_by_label("Last name", exact=True)).to_have_accessible_description(
        "Please fill this in."
    )
    expect(page.get_by_label("Postal code", exact=True)).to_have_accessible_description(
        "Please enter a valid postal code."
    )
    # Not what the API itself says to the same mistakes: pydantic's words for developers.
    body = {
        "product": "windows",
        "contact": {
            "email": "anna.rossi@example",
            "postal_code": "39100 39100 39100 39100",
            "country": "IT",
        },
        "consent": True,
    }
    answer = stack.post("/inquiries", body)
    assert answer.status == 422
    said = {e["loc"][-1]: e["msg"] for e in answer.body["errors"]}
    assert said["postal_code"] == "String should have at most 20 characters"
    errors = page.locator("inquiry-form .error").all_inner_texts()
    for raw in said.values():
        assert raw not in errors
    expect(page.get_by_role("alert")).to_contain_text("Please check the marked fields.")
    expect(page.get_by_label("Last name", exact=True)).to_be_focused()  # the first at fault
    assert page.get_by_label("City", exact=True).get_attribute("aria-invalid") is None
    app.axe("form with errors")
    app.shot("form-errors")
    assert inquiries_of(stack, dealer) == []

    # Put right, the same form goes through; the mistakes disappear.
    page.get_by_label("Last name", exact=True).fill("Rossi")
    email.fill("anna.rossi@example.com")
    page.get_by_label("Postal code", exact=True).fill("39100")
    page.get_by_role("button", name="Send inquiry").click()
    inquiry_id = shown_id(page)
    assert [item["id"] for item in inquiries_of(stack, dealer)] == [inquiry_id]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "de",
            {
                "email": "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de.",
                "last_name": "Bitte ausfüllen.",
                "country": "Bitte wählen Sie ein Land.",
                "consent": "Ohne Ihr Einverständnis können wir die Anfrage nicht bearbeiten.",
                "summary": "Bitte prüfen Sie die markierten Felder.",
            },
        ),
        (
            "it",
            {
                "email": "Indichi un indirizzo e-mail valido, ad es. nome@esempio.it.",
                "last_name": "Campo obbligatorio.",
                "country": "Scelga un paese.",
                "consent": "Senza il suo consenso non possiamo trattare la richiesta.",
                "summary": "Controlli i campi evidenziati.",
            },
        ),
    ],
)
def test_a_wrong_field_is_told_in_german_and_italian(
    app: App, stack: LocalStack, lang: str, words: dict[str, str]
) -> None:
    dealer = make_partner(stack, f"formfehler-{lang}")
    page = app.page
    open_form(page, f"{stack.url}/form?partner={dealer}&lang={lang}")
    form = page.locator("inquiry-form")
    form.locator("[name=email]").fill("anna.rossi@example")
    form.locator("[name=postal_code]").fill("39100")
    form.locator("[name=product]").select_option("windows")
    take_time(page)
    form.locator("button[type=submit]").click()

    for field in ("email", "last_name", "country", "consent"):
        expect(form.locator(f"#e-{field}")).to_have_text(words[field])
        expect(form.locator(f"#f-{field}")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_have_text(words["summary"])
    assert form.locator("#f-postal_code").get_attribute("aria-invalid") is None
    app.axe(f"form with errors in {lang}")
    app.shot(f"form-errors-{lang}")
    assert inquiries_of(stack, dealer) == []


def test_a_double_click_sends_one_inquiry(app: App, stack: LocalStack) -> None:
    dealer = make_partner(stack, "doppelklick")
    page = app.page
    open_form(page, f"{stack.url}/form?partner={dealer}&lang=en")
    fill_in(page)
    sent = submissions(page)
    take_time(page)
    page.get_by_role("button", name="Send inquiry").dblclick()

    inquiry_id = shown_id(page)
    assert [item["id"] for item in inquiries_of(stack, dealer)] == [inquiry_id]
    assert 1 <= len(sent) <= 2
    assert len({request.headers["idempotency-key"] for request in sent}) == 1


def test_a_dealer_page_sends_to_its_dealer_in_german(app: App, stack: LocalStack) -> None:
    # A dealer in South Tyrol; the prospect lives in Vienna, where routing would never
    # send it: the dealer's page decides.
    dealer = make_partner(stack, "haendler")
    page = app.page
    open_form(page, f"{stack.url}/form?partner={dealer}&lang=de")
    assert page.evaluate("document.documentElement.lang") == "de"
    expect(page.get_by_role("heading", name="Ihre Anfrage")).to_be_visible()
    page.get_by_label("Nachname", exact=True).fill("Gruber")
    page.get_by_label("E-Mail", exact=True).fill("maria.gruber@example.at")
    page.get_by_label("Postleitzahl", exact=True).fill("1020")
    page.get_by_label("Land", exact=True).select_option(label="Österreich")
    page.get_by_label("Produkt", exact=True).select_option(label="Haustüren")
    page.get_by_role("checkbox", name=re.compile("^Ich bin einverstanden")).check()
    app.axe("form in German")
    take_time(page)
    page.get_by_role("button", name="Anfrage senden").click()

    expect(page.get_by_text("Vielen Dank! Ihre Anfrage wurde gesendet.")).to_be_visible()
    inquiry_id = shown_id(page)
    stored = inquiry(stack, inquiry_id).body
    assert stored["channel"] == "dealer_page"
    assert stored["partner_id"] == dealer and stored["status"] == "pending"
    assert stored["product"] == "entrance_doors"
    assert stored["contact"]["country"] == "AT"


@pytest.mark.parametrize("bot", ["fills-the-trap", "is-too-fast"])
def test_a_bot_sees_a_success_and_nothing_is_stored(app: App, stack: LocalStack, bot: str) -> None:
    dealer = make_partner(stack, f"bot-{bot}")
    page = app.page
    open_form(page, f"{stack.url}/form?partner={dealer}&lang=en")
    fill_in(page)
    if bot == "fills-the-trap":
        page.locator("inquiry-form input[name=website]").fill("https://cheap.example", force=True)
        take_time(page)
    page.get_by_role("button", name="Send inquiry").click()

    expect(page.get_by_text("Thank you! Your inquiry has been sent.")).to_be_visible()
    inquiry_id = shown_id(page)
    assert inquiry(stack, inquiry_id).status == 404
    assert inquiries_of(stack, dealer) == []


# --- embedded in another site --------------------------------------------------------------------


@pytest.fixture
def dealer_site(stack: LocalStack) -> Iterator[tuple[str, str]]:
    """A dealer's own site on another local port (another origin) that embeds the form."""
    dealer = make_partner(stack, "eingebettet")
    page = (
        '<!doctype html><html lang="it"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Serramenti Alpin</title><style>body{font:17px Georgia,serif;margin:2rem;"
        "background:#fbf8f1}h1{color:#7a3b10}label{color:red}</style></head><body>"
        "<main><h1>Serramenti Alpin, Bolzano</h1><p>Ci scriva: rispondiamo entro due giorni.</p>"
        f'<inquiry-form partner="{dealer}"></inquiry-form>'
        f'<script src="{stack.url}{SCRIPT}"></script></main></body></html>'
    ).encode()

    class Site(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", dealer
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser(locale="it-IT")
def test_a_page_on_another_origin_embeds_the_form(
    app: App, stack: LocalStack, dealer_site: tuple[str, str]
) -> None:
    site, dealer = dealer_site
    page = app.page
    sent = submissions(page)
    open_form(page, site)
    # The host page's styles stay out (its red labels), the form speaks the browser's Italian.
    label = page.get_by_text("Cognome", exact=True)
    assert label.evaluate("e => getComputedStyle(e).color") != "rgb(255, 0, 0)"
    privacy = page.get_by_role("link", name="informativa sulla privacy")
    assert privacy.get_attribute("href") == f"{stack.url}/form#privacy"
    page.get_by_label("Cognome", exact=True).fill("Rossi")
    page.get_by_label("E-mail", exact=True).fill("anna.rossi@example.com")
    page.get_by_label("CAP", exact=True).fill("39100")
    page.get_by_label("Paese", exact=True).select_option(label="Italia")
    page.get_by_label("Prodotto", exact=True).select_option(label="Finestre")
    page.get_by_label("Messaggio", exact=True).fill("Vorrei un preventivo per 8 finestre.")
    page.get_by_role("checkbox", name=re.compile("^Acconsento")).check()
    app.axe("embedded form")
    app.shot("embedded-filled-in")
    take_time(page)
    page.get_by_role("button", name="Invia richiesta").click()

    expect(page.get_by_text("Grazie! La sua richiesta è stata inviata.")).to_be_visible()
    inquiry_id = shown_id(page)
    app.shot("embedded-sent")
    # Sent across origins to the service the script came from, and stored for the dealer.
    assert sent[0].url == f"{stack.url}/inquiries"
    assert sent[0].all_headers()["origin"] == site.rstrip("/")
    stored = inquiry(stack, inquiry_id).body
    assert stored["partner_id"] == dealer and stored["language"] == "it"


def test_the_script_is_small_and_answers_any_local_origin(stack: LocalStack) -> None:
    answer = stack.get(SCRIPT, headers={"Origin": "http://localhost:5173"})
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("text/javascript")
    assert answer.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    size = len(answer.text.encode())
    compressed = len(gzip.compress(answer.text.encode()))
    # One script, no framework: a few kB on the wire (three languages of words included).
    assert size < 20_000, size
    assert compressed < 8_000, compressed
    assert "preact" not in answer.text.lower()
    # The API answers the same origins; any other gets no CORS answer.
    preflight = stack.request(
        "OPTIONS",
        "/inquiries",
        headers={
            "Origin": "http://127.0.0.1:4000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,idempotency-key",
        },
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:4000"
    assert "idempotency-key" in preflight.headers["Access-Control-Allow-Headers"]
    page = stack.get("/form", headers={"Origin": "http://localhost:3000"})
    assert page.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    elsewhere = stack.get(SCRIPT, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in elsewhere.headers


# --- keyboard only, on a phone --------------------------------------------------------------------


@pytest.mark.browser(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
def test_keyboard_only_on_a_phone(app: App, stack: LocalStack) -> None:
    page = app.page
    open_form(page, f"{stack.url}/form?lang=en")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    app.shot("form-phone")
    page.locator("body").click(position={"x": 5, "y": 5})
    keyboard = page.keyboard
    keyboard.press("Tab")  # the privacy notice is further down: the first stop is a field
    expect(page.get_by_label("First name", exact=True)).to_be_focused()
    for value in ("Anna", "Rossi", "anna.rossi@example.com", "", "", "39100", "Bolzano"):
        keyboard.type(value)
        keyboard.press("Tab")
    expect(page.get_by_label("Country", exact=True)).to_be_focused()
    keyboard.type("Italy")
    keyboard.press("Tab")
    keyboard.press("Tab")  # company: left empty
    expect(page.get_by_label("Product", exact=True)).to_be_focused()
    keyboard.type("Windows")
    keyboard.press("Tab")
    keyboard.type("Please call in the morning.")
    keyboard.press("Tab")  # past the hidden trap, straight to the consent
    expect(page.get_by_role("checkbox", name=re.compile("^I agree"))).to_be_focused()
    keyboard.press("Space")
    keyboard.press("Tab")
    expect(page.get_by_role("link", name="privacy notice")).to_be_focused()
    keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send inquiry")).to_be_focused()
    take_time(page)
    keyboard.press("Enter")

    inquiry_id = shown_id(page)
    # The confirmation takes the focus, so a screen reader reads it out.
    expect(page.locator("inquiry-form .done")).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    app.axe("form sent on a phone")
    app.shot("form-phone-sent")
    stored = inquiry(stack, inquiry_id).body
    assert stored["contact"]["city"] == "Bolzano" and stored["product"] == "windows"
    assert stored["contact"]["country"] == "IT"
