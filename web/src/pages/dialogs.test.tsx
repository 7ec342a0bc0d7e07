import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { dictFor, setLang } from "../i18n";
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
