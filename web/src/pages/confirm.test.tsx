import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { setLang } from "../i18n";
import { user } from "../state";
import { InquiryDetail } from "./InquiryDetail";
import { Outbox } from "./Outbox";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  user.value = null;
});

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
  this.setAttribute("open", "");
};

const accepted = {
  id: "inq-1",
  status: "accepted",
  product: "windows",
  created_at: "2026-11-20T10:00:00Z",
  partner_id: "alpin-bz",
  message: "Hello",
  events: [],
  progress: [],
};

describe("closing an inquiry as won or lost", () => {
  it("asks first; Cancel records nothing, the dialog's button closes it", async () => {
    setLang("en");
    user.value = { role: "partner", partnerId: "alpin-bz", userId: "alpin-bz" };
    const posts: Array<{ url: string; body: unknown }> = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init?: RequestInit) => {
        if (init?.method === "POST") {
          posts.push({ url, body: JSON.parse(String(init.body)) });
          return json({ ...accepted, status: "closed" });
        }
        return json(accepted);
      }),
    );
    render(<InquiryDetail id="inq-1" />);
    fireEvent.click(await screen.findByRole("button", { name: "Lost" }));
    expect(await screen.findByRole("heading", { name: "Mark the inquiry as lost?", hidden: true })).toBeTruthy();
    expect(screen.getByText(/cannot be undone/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Cancel", hidden: true }));
    await waitFor(() => expect(screen.queryByRole("heading", { name: "Mark the inquiry as lost?", hidden: true })).toBeNull());
    expect(posts).toEqual([]);

    fireEvent.click(screen.getByRole("button", { name: "Won" }));
    fireEvent.click(await screen.findByRole("button", { name: "Mark as won", hidden: true }));
    await waitFor(() => expect(posts).toEqual([{ url: "/inquiries/inq-1/progress", body: { step: "won" } }]));
  });

  it("records the other steps in one click", async () => {
    setLang("en");
    user.value = { role: "partner", partnerId: "alpin-bz", userId: "alpin-bz" };
    const posts: string[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (_url: string, init?: RequestInit) => {
        if (init?.method === "POST") posts.push(String(init.body));
        return json(accepted);
      }),
    );
    render(<InquiryDetail id="inq-1" />);
    fireEvent.click(await screen.findByRole("button", { name: "Contacted" }));
    await waitFor(() => expect(posts).toEqual([JSON.stringify({ step: "contacted" })]));
  });
});

describe("emptying the outbox", () => {
  it("asks first, and deletes only when confirmed", async () => {
    setLang("en");
    const deletes: string[] = [];
    const mail = { to: ["a@example.com"], subject: "Hi", text: "Hi", html: "<p>Hi</p>", sent_at: "2026-11-20T10:00:00Z", kind: "receipt" };
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init?: RequestInit) => {
        if (init?.method === "DELETE") {
          deletes.push(url);
          return json({});
        }
        return json({ messages: deletes.length ? [] : [mail, mail] });
      }),
    );
    render(<Outbox />);
    const empty = await screen.findByRole("button", { name: "Empty outbox" });
    await waitFor(() => expect((empty as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(empty);
    expect(await screen.findByText("All 2 mails are deleted from the local outbox. This cannot be undone.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Cancel", hidden: true }));
    expect(deletes).toEqual([]);
    fireEvent.click(empty);
    fireEvent.click(await screen.findByRole("button", { name: "Delete all mails", hidden: true }));
    await waitFor(() => expect(deletes).toEqual(["/_local/outbox"]));
  });
});
