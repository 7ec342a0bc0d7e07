import { cleanup, render, screen } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { setLang } from "../i18n";
import { user } from "../state";
import { InquiryDetail, MessageText } from "./InquiryDetail";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  user.value = null;
});

describe("a message with parts removed before accept", () => {
  it("marks them in the page's language and keeps the rest as written", () => {
    setLang("de");
    const { container } = render(<MessageText text="Wir brauchen 12 Fenster. Ruf mich an [redacted] oder [redacted]!" />);
    expect(container.textContent).toBe("Wir brauchen 12 Fenster. Ruf mich an [entfernt] oder [entfernt]!");
    expect(container.querySelectorAll(".redacted")).toHaveLength(2);
    cleanup();
    setLang("it");
    expect(render(<MessageText text="Chiamatemi [redacted]" />).container.textContent).toBe("Chiamatemi [omesso]");
  });
});

describe("an inquiry the partner may not see", () => {
  it("is said neutrally: no guess that the partner once had it", async () => {
    setLang("en");
    user.value = { role: "partner", partnerId: "alpin-bz", userId: "alpin-bz" };
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify({ message: "inquiry not found" }), { status: 404, headers: { "Content-Type": "application/json" } })),
    );
    render(<InquiryDetail id="someone-elses" />);
    const heading = await screen.findByRole("heading", { level: 1 });
    expect(heading.textContent).toContain("This inquiry is not available to you");
    expect(document.body.textContent).not.toMatch(/rejected|withdrawn|no longer available/);
  });
});
