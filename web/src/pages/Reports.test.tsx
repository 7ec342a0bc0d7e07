import { cleanup, render, screen } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api";
import { describe as describeFailure } from "../actions";
import { setLang } from "../i18n";
import { user } from "../state";
import { Reports } from "./Reports";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  user.value = null;
});

// The API's answer to a period of more than 366 days (docs/api.md, Reports).
const OVER_A_YEAR = {
  message: "validation failed",
  fields: ["from", "to"],
  errors: ["from", "to"].map((field) => ({
    loc: ["query", field],
    msg: "Value error, the period covers more than 366 days",
    type: "value_error",
  })),
};

describe("a report period over a year", () => {
  it("is said in the page's language, once", () => {
    setLang("de");
    const fields = OVER_A_YEAR.errors.map((e) => ({ field: e.loc[1], message: e.msg, type: e.type }));
    const said = describeFailure(new ApiError(422, "validation failed", fields));
    expect(said).toBe("Der Zeitraum ist zu lang: Ein Bericht umfasst höchstens 366 Tage (ein Jahr). Bitte wählen Sie einen kürzeren Zeitraum.");
  });

  it("shows why and offers no download while the period is refused", async () => {
    setLang("en");
    user.value = { role: "hq", partnerId: null, userId: "hq" };
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string) =>
        url.startsWith("/partners")
          ? new Response(JSON.stringify({ items: [] }), { headers: { "Content-Type": "application/json" } })
          : new Response(JSON.stringify(OVER_A_YEAR), { status: 422, headers: { "Content-Type": "application/json" } }),
      ),
    );
    render(<Reports />);
    expect(await screen.findByText(/a report covers at most 366 days/)).toBeTruthy();
    expect(screen.queryByText("Please check this date.")).toBeNull();
    expect(screen.queryByRole("link", { name: /Download CSV/ })).toBeNull();
    expect(screen.queryByRole("link", { name: /Download Excel/ })).toBeNull();
  });
});
