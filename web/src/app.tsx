import { useEffect, useState } from "preact/hooks";
import { api, onUnauthorized, setToken } from "./api";
import {
  cognitoLogoutUrl,
  finishCognitoSignIn,
  loadConfig,
  localSignIn,
  startCognitoSignIn,
  type User,
} from "./auth";
import { LANGS, LANG_NAMES, lang, setLang, t, type Lang } from "./i18n";
import { clockOffset, config, go, notice, route, tick, user } from "./state";
import { InquiryList } from "./pages/InquiryList";
import { InquiryDetail } from "./pages/InquiryDetail";
import { DuplicateCheck } from "./pages/DuplicateCheck";
import { Reports } from "./pages/Reports";
import { Partners } from "./pages/Partners";
import { Contacts } from "./pages/Contacts";
import { Outbox } from "./pages/Outbox";
import { Subjects } from "./pages/Subjects";

async function syncLocalClock(): Promise<void> {
  // The local stack's clock is simulated (and tests move it); the countdown follows it.
  try {
    const { now } = await api<{ now: string }>("GET", "/_local/clock");
    clockOffset.value = new Date(now).getTime() - Date.now();
  } catch {
    clockOffset.value = 0;
  }
}

export function App() {
  const [failure, setFailure] = useState<string | null>(null);
  const words = t();

  useEffect(() => {
    document.documentElement.lang = lang.value;
    const timer = setInterval(() => (tick.value = Date.now()), 15_000);
    const stop = onUnauthorized(() => signOut(false));
    loadConfig()
      .then(async (loaded) => {
        config.value = loaded;
        if (loaded.auth === "cognito") user.value = await finishCognitoSignIn(loaded);
      })
      .catch((error: unknown) => setFailure(String(error)));
    return () => {
      clearInterval(timer);
      stop();
    };
  }, []);

  useEffect(() => {
    if (user.value && config.value?.auth === "local") void syncLocalClock();
  }, [user.value, route.value]);

  useEffect(() => {
    document.title = `${words.appName}`;
  }, [lang.value]);

  if (failure) {
    return (
      <main id="main" class="page narrow">
        <h1>{words.appName}</h1>
        <p role="alert">
          {words.error} {failure}
        </p>
      </main>
    );
  }
  if (!config.value) {
    return (
      <main id="main" class="page narrow">
        <p role="status">{words.loading}</p>
      </main>
    );
  }
  if (!user.value) return <SignIn />;
  return (
    <>
      <a class="skip" href="#main" onClick={(event) => {
        event.preventDefault();
        document.getElementById("main")?.focus();
      }}>
        {words.skip}
      </a>
      <Header />
      <main id="main" tabIndex={-1} class="page">
        <Page />
      </main>
      <Notice />
    </>
  );
}

/**
 * The local outbox holds every mail the stack sent: prospects' receipts with their addresses
 * and every partner's offers. Only HQ sees it (locally; it does not exist on AWS).
 */
export function outboxFor(who: User | null, auth: string | undefined = config.value?.auth): boolean {
  return auth === "local" && who?.role === "hq";
}

function signOut(redirect = true): void {
  setToken(null);
  user.value = null;
  const loaded = config.value;
  if (redirect && loaded?.auth === "cognito") window.location.assign(cognitoLogoutUrl(loaded));
  else location.hash = "/";
}

function LanguageSwitcher() {
  return (
    <label class="lang">
      <span class="visually-hidden">{t().language}</span>
      <select value={lang.value} onChange={(event) => setLang((event.target as HTMLSelectElement).value as Lang)}>
        {LANGS.map((code) => (
          <option value={code} lang={code} key={code}>
            {LANG_NAMES[code]}
          </option>
        ))}
      </select>
    </label>
  );
}

function Header() {
  const words = t();
  const current = user.value!;
  const path = route.value;
  const section = path.startsWith("/reports")
    ? "reports"
    : path.startsWith("/partners")
      ? "partners"
      : path.startsWith("/contacts")
        ? "contacts"
      : path.startsWith("/outbox")
        ? "outbox"
      : path.startsWith("/subjects")
        ? "subjects"
        : "inquiries";
  const link = (href: string, name: string, key: string) => (
    <a href={`#${href}`} aria-current={section === key ? "page" : undefined}>
      {name}
    </a>
  );
  return (
    <header class="topbar">
      <div class="brand">
        <span class="logo" aria-hidden="true" />
        <span class="brand-name">{words.appName}</span>
      </div>
      <nav aria-label={words.appName}>
        {link("/", words.inquiries, "inquiries")}
        {link("/reports", words.reports, "reports")}
        {current.role === "hq" && link("/partners", words.partners, "partners")}
        {current.role === "hq" && link("/subjects", words.subjects, "subjects")}
        {current.role === "partner" && link("/contacts", words.contacts, "contacts")}
        {outboxFor(current) && link("/outbox", words.outbox, "outbox")}
      </nav>
      <div class="who">
        <span class="who-name">
          {current.role === "hq" ? words.hq : current.partnerId}
        </span>
        <LanguageSwitcher />
        <button type="button" class="ghost" onClick={() => signOut()}>
          {words.signOut}
        </button>
      </div>
    </header>
  );
}

function Page() {
  const path = route.value;
  const words = t();
  let match: RegExpMatchArray | null;
  if (path === "/" || path === "/inquiries") return <InquiryList />;
  if ((match = path.match(/^\/inquiries\/([^/]+)\/duplicates$/))) return <DuplicateCheck id={decodeURIComponent(match[1]!)} />;
  if ((match = path.match(/^\/inquiries\/([^/]+)$/))) return <InquiryDetail id={decodeURIComponent(match[1]!)} />;
  if (path === "/reports") return <Reports />;
  if (path === "/contacts" && user.value?.role === "partner") return <Contacts />;
  if (path === "/outbox" && outboxFor(user.value)) return <Outbox />;
  if (path === "/subjects" && user.value?.role === "hq") return <Subjects />;
  if (path.startsWith("/partners") && user.value?.role === "hq") {
    const id = path.match(/^\/partners\/([^/]+)$/)?.[1];
    return <Partners editing={id ? decodeURIComponent(id) : null} />;
  }
  return (
    <>
      <h1>{words.notFoundPage}</h1>
      <p>
        <a href="#/">{words.backToList}</a>
      </p>
    </>
  );
}

function Notice() {
  const current = notice.value;
  useEffect(() => {
    if (!current) return;
    const timer = setTimeout(() => (notice.value = null), 6000);
    return () => clearTimeout(timer);
  }, [current]);
  return (
    <div class="toast-region" role="status" aria-live="polite">
      {current && <div class={`toast ${current.kind}`}>{current.text}</div>}
    </div>
  );
}

function SignIn() {
  const words = t();
  const [partnerId, setPartnerId] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const loaded = config.value!;

  const signIn = async (role: "hq" | "partner") => {
    setError(null);
    if (role === "partner" && !partnerId.trim()) {
      setError(words.needPartnerId);
      document.getElementById("partner-id")?.focus();
      return;
    }
    setBusy(true);
    try {
      user.value = await localSignIn(role, partnerId.trim());
      if (!location.hash || location.hash === "#/") go("/");
    } catch (failure) {
      setError(String((failure as Error).message));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="signin">
      <div class="signin-card">
        <div class="signin-top">
          <div class="brand">
            <span class="logo" aria-hidden="true" />
            <span>{words.appName}</span>
          </div>
          <LanguageSwitcher />
        </div>
        <h1>{words.signInTitle}</h1>
        {loaded.auth === "cognito" ? (
          <button type="button" class="primary wide" onClick={() => void startCognitoSignIn(loaded)}>
            {words.signInRedirect}
          </button>
        ) : (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void signIn("partner");
            }}
          >
            <p class="muted">{words.signInIntro}</p>
            <div class="field">
              <label for="partner-id">{words.partnerId}</label>
              <input
                id="partner-id"
                name="partner_id"
                autoComplete="username"
                value={partnerId}
                aria-invalid={error === words.needPartnerId}
                aria-describedby={error ? "signin-error" : undefined}
                onInput={(event) => setPartnerId((event.target as HTMLInputElement).value)}
              />
            </div>
            {error && (
              <p id="signin-error" class="field-error" role="alert">
                {error}
              </p>
            )}
            <div class="row">
              <button type="submit" class="primary" disabled={busy}>
                {words.signInPartner}
              </button>
              <button type="button" disabled={busy} onClick={() => void signIn("hq")}>
                {words.signInHq}
              </button>
            </div>
          </form>
        )}
      </div>
    </main>
  );
}
