"""The web app in Debian's Chromium, against a local stack started for the tests.

Playwright drives `/usr/bin/chromium` (never a browser download). Each test saves a
screenshot under .local/screenshots/ and runs axe-core (from web/node_modules) on every page
it visits: no serious or critical violation may remain.

The fixtures are registered once for tests/e2e (its conftest.py imports them; the test
modules do not), so a test process starts one stack and one browser for every web module
it runs, and each test gets a fresh browser context of its own.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import holidays
import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from tests.e2e.stack import REPOSITORY, LocalStack

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DIST = REPOSITORY / "web" / "dist" / "index.html"
AXE = REPOSITORY / "web" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = REPOSITORY / ".local" / "screenshots"
AXE_LOG = SHOTS / "axe.jsonl"
BLOCKING = ("serious", "critical")

_numbers = itertools.count(1)


def prerequisites() -> None:
    """The browser, the built app and axe-core must be there: `make test` provides them."""
    missing = [str(p) for p in (CHROMIUM, DIST, AXE) if not p.exists()]
    if missing:
        pytest.fail(f"missing {missing}: run `make web` and install Debian's chromium")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """One stack, started fresh, for every web module of a test process.

    Each test makes the partners and inquiries it looks at (`make_partner`, `submit`) and
    moves the simulated clock only forward, so what earlier modules left behind does not
    change what a test sees.
    """
    prerequisites()
    data_dir: Path = tmp_path_factory.mktemp("web") / "data"
    local = LocalStack.start(data_dir, "--reset")
    try:
        yield local
    finally:
        if local.process.poll() is None:
            local.stop()
        local.kill()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    prerequisites()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
    try:
        yield chromium
    finally:
        chromium.close()


@dataclass
class App:
    """One browser tab on the app, with the checks every test makes."""

    stack: LocalStack
    page: Page
    name: str
    errors: list[str] = field(default_factory=list)
    axe_pages: list[str] = field(default_factory=list)
    shots: list[Path] = field(default_factory=list)

    def open(self, hash_path: str = "/") -> None:
        self.page.goto(f"{self.stack.url}/#{hash_path}")

    def sign_in_partner(self, partner_id: str) -> None:
        self.open("/")
        self.page.get_by_label("Partner ID").fill(partner_id)
        self.page.get_by_role("button", name="Sign in as partner").click()
        expect(self.page.get_by_role("button", name="Sign out")).to_be_visible()

    def sign_in_hq(self) -> None:
        self.open("/")
        self.page.get_by_role("button", name="Sign in as HQ").click()
        expect(self.page.get_by_role("link", name="Partners")).to_be_visible()

    def row(self, inquiry_id: str) -> Any:
        table = self.page.get_by_role("table", name="Inquiries")
        return table.get_by_role("row").filter(has_text=inquiry_id)

    def menu(self, inquiry_id: str, item: str) -> None:
        self.row(inquiry_id).get_by_role("button", name="Actions").click()
        self.page.get_by_role("menuitem", name=item).click()

    def axe(self, label: str) -> list[dict[str, Any]]:
        """Run axe-core on the page as it is; fail on serious or critical violations."""
        # Once per document: the app changes pages by the hash, so a document's later
        # checks find axe-core there (compiling its 0.5 MB again costs ~0.3 s of CPU).
        if self.page.evaluate("typeof axe === 'undefined'"):
            self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,"
            " targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
        )
        SHOTS.mkdir(parents=True, exist_ok=True)
        with AXE_LOG.open("a") as log:
            log.write(json.dumps({"test": self.name, "page": label, "violations": result}) + "\n")
        self.axe_pages.append(label)
        blocking = [v for v in result if v["impact"] in BLOCKING]
        assert not blocking, f"axe on {label}: {blocking}"
        return list(result)

    def shot(self, label: str, *, full_page: bool = True) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{self.name}--{label}.png"
        size = self.page.viewport_size
        height = self.page.evaluate("document.documentElement.scrollHeight")
        if full_page and size and height > size["height"] and self.page.locator("iframe").count():
            # Chromium does not paint a frame of another origin (the outbox's mail, whose
            # empty sandbox gives it an opaque origin) while it is outside the viewport, and a
            # full-page capture does not change that: the frame came out blank below the
            # fold, though a person scrolling down sees it. The whole page in the viewport
            # for the capture, so the picture shows what the person sees.
            self.page.set_viewport_size({"width": size["width"], "height": height})
            try:
                self.page.screenshot(path=str(path))
            finally:
                self.page.set_viewport_size(size)
        else:
            self.page.screenshot(path=str(path), full_page=full_page)
        self.shots.append(path)
        return path


@pytest.fixture
def app(request: pytest.FixtureRequest, stack: LocalStack, browser: Browser) -> Iterator[App]:
    """A fresh browser context (no tokens, no storage) in English, in Rome's time zone."""
    options: dict[str, Any] = {
        "locale": "en-GB",
        "timezone_id": "Europe/Rome",
        "viewport": {"width": 1280, "height": 860},
        "accept_downloads": True,
        "bypass_csp": True,  # axe-core is injected as a script; the app itself keeps the CSP
    }
    marker = request.node.get_closest_marker("browser")
    if marker is not None:
        options.update(marker.kwargs)
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    name = re.sub(r"[^A-Za-z0-9_]+", "_", request.node.name)
    current = App(stack, page, name)
    page.on("pageerror", lambda error: current.errors.append(str(error)))
    try:
        yield current
        assert not current.errors, f"errors in the page: {current.errors}"
    finally:
        # The page as the test left it, where the test took no screenshot of its own or
        # failed (a full-page shot costs Chromium 0.1-0.3 s of CPU: most tests take theirs).
        if not current.shots or request.node.stash.get(FAILED, True):
            with contextlib.suppress(Exception):  # a failed test still closes its context
                current.shot("final")
        context.close()


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Note in the test's stash whether its call failed, for the `app` fixture's teardown."""
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


# --- data through the API, as the website and HQ would make it -----------------------------------


def hq_token(stack: LocalStack) -> str:
    return stack.token("hq")


def make_partner(stack: LocalStack, stem: str, /, **extra: Any) -> str:
    """A partner of its own for one test (dealer-page inquiries go straight to it)."""
    partner_id = f"{stem}-{next(_numbers)}"
    body = {
        "name": f"Fenster {stem.title()}",
        "country": "IT",
        "subdivision": "BZ",
        "timezone": "Europe/Rome",
        "territories": [{"country": "IT", "postal_prefixes": ["39"]}],
        **extra,
    }
    answer = stack.request("PUT", f"/partners/{partner_id}", body=body, token=hq_token(stack))
    assert answer.status == 200, answer.text
    return partner_id


def submit(
    stack: LocalStack,
    partner_id: str | None,
    *,
    email: str = "anna@example.com",
    last_name: str = "Rossi",
    product: str = "windows",
    message: str = "We are renovating and need 12 new windows. Call me on +39 0471 123456.",
) -> str:
    body: dict[str, Any] = {
        "product": product,
        "contact": {
            "first_name": "Anna",
            "last_name": last_name,
            "email": email,
            "phone": "+39 0471 123456",
            "street": "Via Roma 1",
            "postal_code": "39100",
            "city": "Bolzano",
            "country": "IT",
        },
        "message": message,
        "language": "it",
        "consent": True,
    }
    if partner_id is not None:
        body["partner_id"] = partner_id
    answer = stack.post("/inquiries", body)
    assert answer.status == 201, answer.text
    inquiry_id: str = answer.body["id"]
    return inquiry_id


def to_next_monday_morning(stack: LocalStack) -> None:
    """Move the simulated clock forward to a Monday, 09:00 in Rome, of a plain working week.

    The next Monday whose Monday to Thursday hold no public holiday in South Tyrol (where the
    test partners work): a deadline 48 working hours on then skips no holiday, which the app's
    countdown does not know (it shows at most 48 h), so the countdown runs with the clock.
    """
    now = datetime.fromisoformat(stack.get("/_local/clock").body["now"].replace("Z", "+00:00"))
    days = (7 - now.weekday()) % 7 or 7
    monday = (now + timedelta(days=days)).replace(hour=8, minute=0, second=0, microsecond=0)
    south_tyrol = holidays.country_holidays("IT", subdiv="BZ")
    while any((monday + timedelta(days=day)).date() in south_tyrol for day in range(4)):
        monday += timedelta(days=7)
    answer = stack.post("/_local/clock", {"now": monday.isoformat()})
    assert answer.status == 200, answer.text


def copy_for_readme(source: Path, name: str) -> None:
    """Keep the README's screenshots current when asked (UPDATE_SCREENSHOTS=1)."""
    target = REPOSITORY / "docs" / "screenshots" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
