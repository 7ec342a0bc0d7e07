"""The partner's contacts in a real browser: the address book, its search, the CSV import."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.stack import LocalStack
from tests.e2e.web import App, make_partner

# No xdist group: the stack and the browser are per test process, not per module, so
# xdist spreads these tests one by one.
pytestmark = pytest.mark.slow

HEADER = "first_name,last_name,email,phone,street,postal_code,city,country,company"


def test_contacts_list_search_and_import_with_rejected_rows(app: App, stack: LocalStack) -> None:
    partner = make_partner(stack, "contacts")
    token = stack.token("partner", partner)
    book = (
        f"{HEADER}\nAnna,Rossi,anna.rossi@example.com,+39 0471 123456,Via Roma 1,39100,"
        "Bolzano,IT,\nJosef,Huber,j.huber@example.de,089 1234567,,80802,München,DE,Huber GmbH\n"
    )
    answer = stack.post(
        "/contacts/import", raw=book.encode(), token=token, headers={"Content-Type": "text/csv"}
    )
    assert answer.status == 200, answer.text

    app.sign_in_partner(partner)
    app.page.get_by_role("link", name="Contacts").click()
    table = app.page.get_by_role("table", name="Your contacts")
    expect(table.get_by_role("row")).to_have_count(3)  # the header and two contacts
    expect(table.get_by_role("row").nth(1)).to_contain_text("Huber, Josef")
    expect(table.get_by_role("row").nth(2)).to_contain_text("Rossi, Anna")

    app.page.get_by_role("searchbox", name="E-mail, phone or last name").fill("0471 123456")
    app.page.get_by_role("button", name="Search").click()
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).to_contain_text("anna.rossi@example.com")

    upload = f"{HEADER}\nLena,Schulz,,030 7654321,,10119,Berlin,DE,\nUrs,Meier,,,,8001,Zürich,,\n"
    app.page.get_by_label("CSV file").set_input_files(
        files=[{"name": "contacts.csv", "mimeType": "text/csv", "buffer": upload.encode()}]
    )
    app.page.get_by_role("button", name="Import", exact=True).click()
    expect(app.page.get_by_text("1 row imported: 1 new, 0 updated, 0 unchanged.")).to_be_visible()
    rejected = app.page.get_by_role("table", name="1 row was not imported")
    expect(rejected).to_contain_text("3")
    expect(rejected).to_contain_text("Column country is empty, but it is required.")
    app.axe("contacts")
    app.shot("contacts")


def test_a_partner_deletes_a_contact_after_confirming(app: App, stack: LocalStack) -> None:
    partner = make_partner(stack, "contacts-delete")
    token = stack.token("partner", partner)
    book = (
        f"{HEADER}\nAnna,Rossi,anna.rossi@example.com,+39 0471 123456,Via Roma 1,39100,"
        "Bolzano,IT,\nJosef,Huber,j.huber@example.de,089 1234567,,80802,München,DE,Huber GmbH\n"
    )
    answer = stack.post(
        "/contacts/import", raw=book.encode(), token=token, headers={"Content-Type": "text/csv"}
    )
    assert answer.status == 200, answer.text
    anna = stack.get("/contacts", token=token, query={"q": "rossi"}).body["items"][0]

    app.sign_in_partner(partner)
    page = app.page
    page.get_by_role("link", name="Contacts").click()
    table = page.get_by_role("table", name="Your contacts")
    row = table.get_by_role("row").filter(has_text="Rossi, Anna")
    row.get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog", name="Delete Rossi, Anna?")
    expect(dialog).to_contain_text("inquiries linked to it stay")
    app.axe("delete contact dialog")
    app.shot("contacts-delete-dialog")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    # Focus is back on the Delete button that opened the dialog.
    expect(row.get_by_role("button", name="Delete")).to_be_focused()
    assert stack.get(f"/contacts/{anna['contact_id']}", token=token).status == 200

    row.get_by_role("button", name="Delete").click()
    dialog.get_by_role("button", name="Delete").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("status")).to_contain_text("Rossi, Anna deleted.")
    expect(table.get_by_role("row")).to_have_count(2)  # the header and Huber
    expect(table).not_to_contain_text("Rossi")
    app.shot("contacts-deleted")
    assert stack.get(f"/contacts/{anna['contact_id']}", token=token).status == 404
    gone = stack.request("DELETE", f"/contacts/{anna['contact_id']}", token=token)
    assert gone.status == 404, gone.text
    # Searched for again, she is not found (her match keys went with her).
    found = stack.get("/contacts", token=token, query={"q": "anna.rossi@example.com"})
    assert found.body["items"] == []
