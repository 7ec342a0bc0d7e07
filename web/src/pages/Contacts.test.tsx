import { cleanup, fireEvent, render, screen } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { setLang } from "../i18n";
import { notice } from "../state";
import { Contacts, displayName, placeOf } from "./Contacts";
import { holdsData } from "./Subjects";

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
        const missing = { field: "country", type: "missing", message: "country is required", ctx: {} };
        return json({ imported: 1, created: 1, updated: 0, unchanged: 0, rejected: [{ row: 3, ...missing, problems: [missing] }] });
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
    expect(screen.getByText("Column country is empty, but it is required.")).toBeTruthy();
    const upload = calls.find((call) => call.url === "/contacts/import")!;
    expect(upload.init?.method).toBe("POST");
    expect((upload.init?.headers as Record<string, string>)["Content-Type"]).toBe("text/csv");
    expect(upload.init?.body).toBe(file);
  });

  async function importing(answer: Response, code: "de" | "it" | "en") {
    setLang(code);
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string) => (url.startsWith("/contacts/import") ? answer : json({ items: [], next: null }))),
    );
    render(<Contacts />);
    const file = new File(["x"], "book.csv", { type: "text/csv" });
    fireEvent.change(screen.getByLabelText({ de: "CSV-Datei", it: "File CSV", en: "CSV file" }[code]), { target: { files: [file] } });
    fireEvent.click(screen.getByRole("button", { name: { de: "Importieren", it: "Importa", en: "Import" }[code] }));
  }

  it("says each rejected row's problems in the user's language, the API's message for a type it does not know", async () => {
    const email = { field: "email", type: "email", message: "email is not a valid e-mail address", ctx: {} };
    const country = { field: "country", type: "country", message: "country: not an ISO 3166-1 alpha-2 country code", ctx: {} };
    const odd = { field: "city", type: "invalid", message: "city: something new", ctx: {} };
    const answer = {
      imported: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      rejected: [
        { row: 2, ...email, problems: [email, country] },
        { row: 3, ...odd, problems: [odd] },
      ],
    };
    await importing(json(answer), "de");
    expect(await screen.findByText("2 Zeilen wurden nicht importiert")).toBeTruthy();
    expect(
      screen.getByText(
        "Die Spalte email enthält keine gültige E-Mail-Adresse. Die Spalte country enthält keinen zweistelligen Ländercode wie DE oder IT.",
      ),
    ).toBeTruthy();
    expect(screen.getByText("city: something new")).toBeTruthy();
    cleanup();
    await importing(json(answer), "it");
    expect(await screen.findByText(/^La colonna email non contiene un indirizzo e-mail valido\. La colonna country/)).toBeTruthy();
    setLang("en");
  });

  it("says a file refused whole in the user's language", async () => {
    const refused = {
      message: "the header line's columns 1, 2, 3, 4, 5, ... are not known (is the first line the header?); the columns are first_name, ...",
      errors: [
        {
          loc: ["body", "file"],
          msg: "the header line's columns 1, 2, 3, 4, 5, ... are not known (is the first line the header?); the columns are first_name, ...",
          type: "unknown_columns",
          ctx: { positions: [1, 2, 3, 4, 5], count: 9, columns: ["first_name", "last_name", "country"] },
        },
      ],
      fields: ["file"],
    };
    await importing(json(refused, 422), "de");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe(
      "Die Datei kann nicht importiert werden. Die Spalten 1, 2, 3, 4, 5, … der Kopfzeile sind unbekannt (ist die erste Zeile die Kopfzeile?). Die Spalten heißen: first_name, last_name, country.",
    );
    cleanup();
    await importing(json(refused, 422), "it");
    expect((await screen.findByRole("alert")).textContent).toMatch(/^Il file non può essere importato\. Le colonne 1, 2, 3, 4, 5, …/);
    setLang("en");
  });

  it("deletes a contact only after the confirmation, and drops it from the list", async () => {
    setLang("en");
    const calls: Array<{ url: string; method: string }> = [];
    const huber = { ...anna, contact_id: "c2", first_name: "Josef", last_name: "Huber" };
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init?: RequestInit) => {
        calls.push({ url, method: init?.method ?? "GET" });
        if (init?.method === "DELETE") return new Response(null, { status: 204 });
        return json({ items: [huber, anna], next: null });
      }),
    );
    render(<Contacts />);
    const row = (await screen.findByText("Rossi, Anna")).closest("tr")!;
    fireEvent.click(row.querySelector("button")!);
    const dialog = await screen.findByRole("dialog", { name: "Delete Rossi, Anna?" });
    expect(dialog.textContent).toContain("inquiries linked to it stay");
    // Cancel asks nothing of the API.
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(calls.filter((c) => c.method === "DELETE")).toEqual([]);

    fireEvent.click(row.querySelector("button")!);
    const confirm = await screen.findByRole("dialog", { name: "Delete Rossi, Anna?" });
    fireEvent.click(confirm.querySelector("button[type=submit]")!);
    await vi.waitFor(() => expect(screen.queryByText("Rossi, Anna")).toBeNull());
    expect(calls.filter((c) => c.method === "DELETE")).toEqual([{ url: "/contacts/c1", method: "DELETE" }]);
    expect(screen.getByText("Huber, Josef")).toBeTruthy();
    expect(notice.value?.text).toBe("Rossi, Anna deleted.");
  });

  it("keeps the dialog open with the API's message when the deletion fails, and takes a 404 as done", async () => {
    setLang("en");
    let status = 503;
    vi.stubGlobal(
      "fetch",
      vi.fn(async (_url: string, init?: RequestInit) =>
        init?.method === "DELETE" ? json({ message: "the store is busy; please retry" }, status) : json({ items: [anna], next: null }),
      ),
    );
    render(<Contacts />);
    fireEvent.click((await screen.findByText("Rossi, Anna")).closest("tr")!.querySelector("button")!);
    const dialog = await screen.findByRole("dialog");
    fireEvent.click(dialog.querySelector("button[type=submit]")!);
    expect((await screen.findByRole("alert")).textContent).toContain("please retry");
    expect(screen.getByText("Rossi, Anna")).toBeTruthy();
    status = 404;
    fireEvent.click(dialog.querySelector("button[type=submit]")!);
    await vi.waitFor(() => expect(screen.queryByText("Rossi, Anna")).toBeNull());
  });
});

describe("the data subjects page", () => {
  it("offers the erasure while an inquiry or a copy made from one is held, not for a partner's own contact", () => {
    const contact = { partner_id: "p", contact_id: "c", from_inquiry: null as string | null };
    expect(holdsData({ email: "a@b.c", inquiries: [], contacts: [contact] })).toBe(false);
    expect(holdsData({ email: "a@b.c", inquiries: [], contacts: [{ ...contact, from_inquiry: "i1" }] })).toBe(true);
  });
});
