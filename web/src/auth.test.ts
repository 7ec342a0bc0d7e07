// @vitest-environment node
import { describe, expect, it } from "vitest";
import { challengeOf, claimsOf, userOf } from "./auth";

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
  return `${part({ alg: "HS256" })}.${part(claims)}.signature`;
}

describe("sign-in", () => {
  it("makes the PKCE S256 challenge of RFC 7636's example", async () => {
    expect(await challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it("reads role and partner from the ID token's claims", () => {
    const token = jwt({ sub: "u-1", "custom:role": "partner", "custom:partner_id": "wien", name: "Jürgen" });
    expect(claimsOf(token).name).toBe("Jürgen");
    expect(userOf(token)).toEqual({ role: "partner", partnerId: "wien", userId: "u-1" });
    expect(userOf(jwt({ sub: "h", "custom:role": "hq" }))).toEqual({ role: "hq", partnerId: null, userId: "h" });
  });
});
