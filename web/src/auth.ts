// Sign-in: the local stack's token route, or Cognito's managed login (authorization code + PKCE).
// Tokens live in memory only; a reload signs in again (Cognito's own session makes that quick).

import { api, setToken } from "./api";

export type Config =
  | { auth: "local" }
  | {
      auth: "cognito";
      authorize_url: string;
      token_url: string;
      logout_url: string;
      client_id: string;
      redirect_uri: string;
      scopes: string[];
    };

export interface User {
  role: "hq" | "partner";
  partnerId: string | null;
  userId: string;
}

export async function loadConfig(): Promise<Config> {
  const response = await fetch("/config.json", { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return (await response.json()) as Config;
}

/** The claims of a JWT's payload (no check: the API checks the signature). */
export function claimsOf(jwt: string): Record<string, unknown> {
  const part = jwt.split(".")[1] ?? "";
  const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

export function userOf(jwt: string): User {
  const claims = claimsOf(jwt);
  const role = claims["custom:role"] === "hq" ? "hq" : "partner";
  const partnerId = typeof claims["custom:partner_id"] === "string" ? claims["custom:partner_id"] : null;
  return { role, partnerId, userId: String(claims.sub ?? "") };
}

/** Local sign-in: any partner id or HQ, through `POST /_local/token`. */
export async function localSignIn(role: "hq" | "partner", partnerId?: string): Promise<User> {
  const body = role === "hq" ? { role } : { role, partner_id: partnerId };
  const { token } = await api<{ token: string }>("POST", "/_local/token", body);
  setToken(token);
  return userOf(token);
}

// --- Cognito -------------------------------------------------------------------------------------

// Only the PKCE verifier and the state survive the redirect (sessionStorage); they are not tokens.
const VERIFIER_KEY = "pkce.verifier";
const STATE_KEY = "pkce.state";

function base64url(bytes: Uint8Array): string {
  let text = "";
  bytes.forEach((b) => (text += String.fromCharCode(b)));
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomText(size = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(size)));
}

export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

export async function startCognitoSignIn(config: Extract<Config, { auth: "cognito" }>): Promise<void> {
  const verifier = randomText(48);
  const state = randomText(16);
  sessionStorage.setItem(VERIFIER_KEY, verifier);
  sessionStorage.setItem(STATE_KEY, state);
  const params = new URLSearchParams({
    response_type: "code",
    client_id: config.client_id,
    redirect_uri: config.redirect_uri,
    scope: config.scopes.join(" "),
    state,
    code_challenge_method: "S256",
    code_challenge: await challengeOf(verifier),
  });
  window.location.assign(`${config.authorize_url}?${params}`);
}

/** After the redirect back: trade the code for tokens; null when this is no redirect. */
export async function finishCognitoSignIn(
  config: Extract<Config, { auth: "cognito" }>,
): Promise<User | null> {
  const params = new URLSearchParams(window.location.search);
  const code = params.get("code");
  if (!code) return null;
  const verifier = sessionStorage.getItem(VERIFIER_KEY);
  const state = sessionStorage.getItem(STATE_KEY);
  sessionStorage.removeItem(VERIFIER_KEY);
  sessionStorage.removeItem(STATE_KEY);
  // The code leaves the address bar at once, whatever happens next.
  window.history.replaceState(null, "", window.location.pathname + window.location.hash);
  if (!verifier || params.get("state") !== state) throw new Error("sign-in state mismatch");
  const response = await fetch(config.token_url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: config.client_id,
      code,
      redirect_uri: config.redirect_uri,
      code_verifier: verifier,
    }),
  });
  if (!response.ok) throw new Error(`sign-in failed: HTTP ${response.status}`);
  const tokens = (await response.json()) as { id_token: string };
  setToken(tokens.id_token); // the ID token carries custom:role and custom:partner_id
  return userOf(tokens.id_token);
}

export function cognitoLogoutUrl(config: Extract<Config, { auth: "cognito" }>): string {
  const params = new URLSearchParams({ client_id: config.client_id, logout_uri: config.redirect_uri });
  return `${config.logout_url}?${params}`;
}
