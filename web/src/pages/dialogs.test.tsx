import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { conflictWords, describe as describeFailure } from "../actions";
import { ApiError } from "../api";
import { dictFor, setLang, word } from "../i18n";
import { notice, say } from "../state";
import { AssignDialog } from "./InquiryDetail";
import { missingFields, EMPTY_PARTNER } from "./Partners";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

describe("the assign dialog", () => {
  it("says what is missing in a sentence, and forgets it when the choice changes", async () => {
    setLang("en");
    const fetch = vi.fn(async (url: string) =>
      url.includes("suggestions") ? json({ candidates: [] }) : json({ items: [{ id: "alpin", name: "Alpin", active: true }] }),
    );
    vi.stubGlobal("fetch", fetch);
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.setAttribute("open", "");
    };
    render(<AssignDialog id="abc" onClose={() => {}} onDone={() => {}} />);
    await waitFor(() => expect(fetch).toHaveBeenCalledTimes(2));
    fireEvent.click(screen.getByRole("button", { name: "Assign", hidden: true }));
    expect(await screen.findByText("Choose a partner.")).toBeTruthy();
    fireEvent.click(screen.getByRole("radio", { name: "An HQ user", hidden: true }));
    expect(screen.queryByText("Choose a partner.")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Assign", hidden: true }));
    expect(await screen.findByText("Enter the HQ user's ID.")).toBeTruthy();
  });

  it("has the sentences in every language", () => {
    expect(dictFor("de").choosePartner).toBe("Bitte wählen Sie einen Partner.");
    expect(dictFor("it").enterHqUser).toBeTruthy();
  });
});

describe("the partner form", () => {
  it("flags every required field left empty at once", () => {
    expect(missingFields({ ...EMPTY_PARTNER, timezone: "" }, true)).toEqual(["id", "name", "country", "timezone"]);
    expect(missingFields({ ...EMPTY_PARTNER, name: "A", country: "IT" }, false)).toEqual([]);
  });
});

describe("a 409 in the page's language", () => {
  const refusals = [
    "the inquiry is already pending with partner alpin-bz; its offer and deadline stay",
    "partner alpin-bz is inactive and takes no new inquiries; activate it first or choose another partner",
    "the deadline has passed; the inquiry went back to headquarters",
    "cannot discard an inquiry that is closed",
    "cannot hand an accepted inquiry to an HQ user",
    "the inquiry is accepted, not pending",
    "the inquiry is already with user giulia.hq",
    "something the app has never heard of",
  ];

  it("says every known refusal in German and Italian, with no English in it", () => {
    for (const lang of ["de", "it"] as const) {
      setLang(lang);
      for (const message of refusals) {
        const said = describeFailure(new ApiError(409, message));
        expect(said).not.toContain(message);
        expect(said).not.toMatch(/\b(the|inquiry|cannot|partner \S+ is)\b/);
      }
    }
    setLang("de");
    expect(conflictWords(refusals[0])).toBe("Die Anfrage liegt bereits bei Partner alpin-bz; Angebot und Frist bleiben unverändert.");
    expect(conflictWords(refusals[3])).toBe(`Das geht nicht mehr: Die Anfrage hat jetzt den Status „${word("closed")}“. Bitte neu laden.`);
    setLang("it");
    expect(conflictWords(refusals[1])).toContain("alpin-bz è inattivo");
    expect(conflictWords(refusals[7])).toBe(dictFor("it").conflict);
    expect(conflictWords(refusals[6])).toBe("La richiesta è già presso giulia.hq; non è stato cambiato nulla.");
    setLang("en");
    expect(conflictWords(refusals[2])).toBe("The deadline has passed: the inquiry went back to headquarters.");
  });
});

describe("assigning an inquiry pending with a partner", () => {
  it("does not offer that partner again, and a refusal replaces the earlier success toast", async () => {
    setLang("it");
    const fetch = vi.fn(async (url: string, init?: RequestInit) => {
      if (init?.method === "POST") return json({ message: "partner bergwerk is inactive and takes no new inquiries; activate it first" }, 409);
      if (url.includes("suggestions"))
        return json({ candidates: [{ partner_id: "alpin-bz", name: "Alpin" }, { partner_id: "bergwerk", name: "Bergwerk" }] });
      return json({ items: [{ id: "alpin-bz", name: "Alpin", active: true }, { id: "bergwerk", name: "Bergwerk", active: true }, { id: "casa", name: "Casa", active: true }] });
    });
    vi.stubGlobal("fetch", fetch);
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.setAttribute("open", "");
    };
    say("Richiesta assegnata.");
    render(<AssignDialog id="abc" pendingWith="alpin-bz" onClose={() => {}} onDone={() => {}} />);
    await waitFor(() => expect(fetch).toHaveBeenCalledTimes(2));
    await screen.findByRole("option", { name: "Casa", hidden: true });
    const options = screen.getAllByRole("option", { hidden: true }).map((o) => o.textContent);
    expect(options).not.toContain("Alpin");
    expect(options).toContain("Bergwerk");
    expect(screen.getByText(/alpin-bz/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Assegna", hidden: true }));
    expect(await screen.findByText(/Il partner bergwerk è inattivo/)).toBeTruthy();
    expect(notice.value).toBeNull();
  });
});

describe("the assign dialog's suggestions arriving late", () => {
  it("do not replace the partner the person already chose", async () => {
    setLang("en");
    let release: () => void = () => {};
    const late = new Promise<void>((resolve) => (release = resolve));
    const posted: unknown[] = [];
    const fetch = vi.fn(async (url: string, init?: RequestInit) => {
      if (init?.method === "POST") {
        posted.push(JSON.parse(String(init.body)));
        return json({ id: "abc", status: "pending" });
      }
      if (url.includes("suggestions")) {
        await late;
        return json({ candidates: [{ partner_id: "alpin", name: "Alpin" }] });
      }
      return json({ items: [{ id: "alpin", name: "Alpin", active: true }, { id: "casa", name: "Casa", active: true }] });
    });
    vi.stubGlobal("fetch", fetch);
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.setAttribute("open", "");
    };
    render(<AssignDialog id="abc" onClose={() => {}} onDone={() => {}} />);
    await screen.findByRole("option", { name: "Casa", hidden: true });
    fireEvent.change(screen.getByRole("combobox", { name: "Partner", hidden: true }), { target: { value: "casa" } });
    release();
    await screen.findAllByRole("group", { name: "Suggested by the routing rule", hidden: true });
    fireEvent.click(screen.getByRole("button", { name: "Assign", hidden: true }));
    await waitFor(() => expect(posted).toEqual([{ partner_id: "casa" }]));
  });
});
