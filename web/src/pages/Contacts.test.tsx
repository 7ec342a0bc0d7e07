import { cleanup, fireEvent, render, screen } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { setLang } from "../i18n";
import { Contacts, displayName, placeOf } from "./Contacts";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const anna = {
  contact_id: "c1",
  first_name: "Anna",
  last_name: "Rossi",
  email: "anna@example.com",
  phone: "+39 0471 123456",
  street: null,
  postal_code: "39100",
  city: "Bolzano",
  country: "IT",
  company: null,
  source: "import" as const,
};

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

describe("the contacts page", () => {
  it("names and places a contact in one line each", () => {
    expect(displayName(anna)).toBe("Rossi, Anna");
    expect(placeOf(anna)).toBe("39100 Bolzano, IT");
    expect(placeOf({ ...anna, postal_code: null, city: null })).toBe("IT");
  });

  it("lists, searches and imports a CSV file, showing the rows not imported", async () => {
    setLang("en");
    const calls: Array<{ url: string; init?: RequestInit }> = [];
    const fetch = vi.fn(async (url: string, init?: RequestInit) => {
      calls.push({ url, init });
      if (url.startsWith("/contacts/import")) {
        return json({ imported: 1, created: 1, updated: 0, unchanged: 0, rejected: [{ row: 3, message: "country is required" }] });
      }
      if (url.includes("q=")) return json({ items: [], next: null });
      return json({ items: [anna], next: null });
    });
    vi.stubGlobal("fetch", fetch);

    render(<Contacts />);
    expect(await screen.findByText("Rossi, Anna")).toBeTruthy();
    expect(screen.getByText("39100 Bolzano, IT")).toBeTruthy();

    fireEvent.input(screen.getByRole("searchbox", { name: "E-mail, phone or last name" }), { target: { value: " bianchi " } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    expect(await screen.findByText("No contact found.")).toBeTruthy();
    expect(calls.at(-1)!.url).toBe("/contacts?q=bianchi&limit=50");

    const file = new File(["last_name,country\nRossi,IT\nBianchi,\n"], "book.csv", { type: "text/csv" });
    fireEvent.change(screen.getByLabelText("CSV file"), { target: { files: [file] } });
    fireEvent.click(screen.getByRole("button", { name: "Import" }));
    expect(await screen.findByText("1 row imported: 1 new, 0 updated, 0 unchanged.")).toBeTruthy();
    expect(screen.getByText("1 row was not imported")).toBeTruthy();
    expect(screen.getByText("country is required")).toBeTruthy();
    const upload = calls.find((call) => call.url === "/contacts/import")!;
    expect(upload.init?.method).toBe("POST");
    expect((upload.init?.headers as Record<string, string>)["Content-Type"]).toBe("text/csv");
    expect(upload.init?.body).toBe(file);
  });
});
