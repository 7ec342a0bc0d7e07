// @vitest-environment node
import { describe, expect, it } from "vitest";
import { dictFor, LANGS } from "../i18n";
import { newestFirst, type OutboxMail } from "./Outbox";

const KINDS = ["new_offer", "reminder", "withdrawn", "returned", "unassigned", "receipt", "accepted", "erasure"];

describe("the outbox page", () => {
  it("names every mail kind of the contract in each language", () => {
    for (const code of LANGS) {
      for (const kind of KINDS) expect(dictFor(code).mailKinds[kind], `${code} ${kind}`).toBeTruthy();
    }
    expect(dictFor("de").mailKinds.reminder).toBe("Erinnerung");
  });

  it("shows the newest mail first and leaves the API's list as it was", () => {
    const mail = (subject: string): OutboxMail => ({ to: [], subject, text: "", html: "", sent_at: "", kind: "receipt" });
    const oldestFirst = [mail("first"), mail("second")];
    expect(newestFirst(oldestFirst).map((m) => m.subject)).toEqual(["second", "first"]);
    expect(oldestFirst[0]!.subject).toBe("first");
  });
});
