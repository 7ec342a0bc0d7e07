// <inquiry-form partner="..." lang="de|it|en" privacy-url="...">: the website's inquiry form
// as a custom element, in a shadow root so that the host page's styles and ours stay apart.
// Plain DOM, no framework: the host page gets one small script and nothing else.

import { countryOptions } from "./countries";
import { STYLE } from "./style";
import { type Content, Sender, endpointOf } from "./submission";
import { FIELDS, type Field, type Language, PRODUCTS, TEXTS, type Texts, languageOf } from "./texts";

const REQUIRED: ReadonlySet<string> = new Set(["last_name", "email", "postal_code", "country", "product", "consent"]);
const CONTACT: ReadonlySet<string> = new Set(FIELDS.filter((f) => f !== "product" && f !== "message"));
const INPUTS: Partial<Record<Field, { type?: string; autocomplete: string; wide?: boolean }>> = {
  first_name: { autocomplete: "given-name" },
  last_name: { autocomplete: "family-name" },
  email: { type: "email", autocomplete: "email" },
  phone: { type: "tel", autocomplete: "tel" },
  street: { autocomplete: "street-address", wide: true },
  postal_code: { autocomplete: "postal-code" },
  city: { autocomplete: "address-level2" },
  company: { autocomplete: "organization" },
};
// The default privacy notice: the one on the service's own form page.
const PRIVACY_PATH = "form#privacy";

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Where the script was loaded from; read while it runs, as only then `currentScript` is set.
const SCRIPT_URL = (document.currentScript as HTMLScriptElement | null)?.src ?? null;

export class InquiryForm extends HTMLElement {
  static observedAttributes = ["lang", "partner", "privacy-url"];

  private readonly root: ShadowRoot;
  private sender: Sender | null = null;
  private startedAt = 0;
  private texts: Texts = TEXTS.en;
  private language: Language = "en";

  constructor() {
    super();
    this.root = this.attachShadow({ mode: "open" });
    if ("adoptedStyleSheets" in this.root && typeof CSSStyleSheet.prototype.replaceSync === "function") {
      // A constructed style sheet: no <style> element for a strict host page's CSP to refuse.
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLE);
      this.root.adoptedStyleSheets = [sheet];
    } else {
      this.root.innerHTML = `<style>${STYLE}</style>`;
    }
  }

  connectedCallback(): void {
    if (!this.sender) this.render();
  }

  attributeChangedCallback(): void {
    // A page that sets the attributes after inserting the element: rendered anew, as typed.
    if (this.sender) this.render(this.values());
  }

  /** The form, in the element's language, with `kept` values filled back in. */
  private render(kept: Record<string, string> = {}): void {
    this.language = languageOf(this.getAttribute("lang"), navigator.languages ?? [navigator.language]);
    const t = (this.texts = TEXTS[this.language]);
    const base = SCRIPT_URL ?? location.href;
    this.sender = new Sender(endpointOf(SCRIPT_URL, location.href), t);
    this.startedAt = performance.now();
    // The host page's own notice (resolved as its other links are), else the service's.
    const own = this.getAttribute("privacy-url");
    const privacy = own ? new URL(own, document.baseURI) : new URL(PRIVACY_PATH, new URL(".", base));
    // A notice elsewhere opens beside the form, so that nothing typed in is lost.
    const samePage = privacy.href.split("#")[0] === location.href.split("#")[0];
    const target = samePage ? "" : ' target="_blank" rel="noopener"';
    const star = `<span class="star" aria-hidden="true"> *</span>`;
    const field = (name: Field, control: string, wide = false): string =>
      // The star outside the label: the field's name is the label's text alone.
      `<div class="field${wide ? " wide" : ""}"><div><label for="f-${name}">${escape(t.labels[name])}</label>${
        REQUIRED.has(name) ? star : ""
      }</div>${control}<p class="error" id="e-${name}" hidden></p></div>`;
    const attributes = (name: string): string =>
      `id="f-${name}" name="${name}" aria-describedby="e-${name}"${REQUIRED.has(name) ? ' aria-required="true"' : ""}`;
    const text = (name: Field): string => {
      const input = INPUTS[name] ?? { autocomplete: "off" };
      return field(
        name,
        `<input ${attributes(name)} type="${input.type ?? "text"}" autocomplete="${input.autocomplete}">`,
        input.wide,
      );
    };
    const options = (pairs: [string, string][]): string =>
      `<option value="">${escape(t.choose)}</option>` +
      pairs.map(([value, label]) => `<option value="${value}">${escape(label)}</option>`).join("");
    const wrapper = document.createElement("div");
    wrapper.className = "inquiry-form";
    wrapper.lang = this.language;
    wrapper.innerHTML =
      `<form novalidate><p class="note">${escape(t.required)}</p>` +
      `<div class="summary" role="alert" tabindex="-1" hidden></div><div class="grid">` +
      ["first_name", "last_name", "email", "phone", "street", "postal_code", "city"]
        .map((name) => text(name as Field))
        .join("") +
      field("country", `<select ${attributes("country")} autocomplete="country">${options(countryOptions(this.language))}</select>`) +
      text("company") +
      field(
        "product",
        `<select ${attributes("product")}>${options(PRODUCTS.map((p) => [p, t.products[p]]))}</select>`,
        true,
      ) +
      field("message", `<textarea ${attributes("message")} rows="5" maxlength="5000"></textarea>`, true) +
      `</div><div class="trap" aria-hidden="true"><label for="f-website">${escape(t.trap)}</label>` +
      `<input id="f-website" name="website" type="text" tabindex="-1" autocomplete="off"></div>` +
      `<div class="consent"><input type="checkbox" ${attributes("consent")}>` +
      `<div><label for="f-consent">${escape(t.consent)} (<a href="${escape(privacy.href)}"${target}>${escape(
        t.privacy,
      )}</a>).</label>${star}</div><p class="error" id="e-consent" hidden></p></div>` +
      `<button type="submit">${escape(t.send)}</button><p class="status" role="status"></p></form>` +
      `<div class="done" tabindex="-1" hidden><p class="thanks"></p><p>${escape(t.idIs)} <strong class="id"></strong></p>` +
      `<p>${escape(t.next)}</p><button type="button" class="another">${escape(t.another)}</button></div>`;
    for (const [name, value] of Object.entries(kept)) {
      const control = wrapper.querySelector<HTMLInputElement>(`[name="${name}"]`);
      if (!control) continue;
      if (control.type === "checkbox") control.checked = value === "on";
      else control.value = value;
    }
    this.root.querySelector(".inquiry-form")?.remove();
    this.root.append(wrapper);
    const form = wrapper.querySelector("form")!;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.submit(form);
    });
    wrapper.querySelector(".another")!.addEventListener("click", () => {
      this.render(); // a new filled-in form: a new key, a new start
      this.root.querySelector<HTMLElement>("input")?.focus();
    });
  }

  /** What is typed in, by control name (checkboxes as "on" when ticked). */
  private values(): Record<string, string> {
    const form = this.root.querySelector("form");
    const values: Record<string, string> = {};
    if (!form) return values;
    for (const [name, value] of new FormData(form)) values[name] = String(value);
    return values;
  }

  /** The body of `POST /inquiries`: what is filled in; empty fields are left out. */
  private content(): Content {
    const values = this.values();
    const contact: Record<string, string> = {};
    const content: Content = { contact };
    for (const name of FIELDS) {
      const value = values[name]?.trim() ?? "";
      if (!value) continue;
      if (CONTACT.has(name)) contact[name] = value;
      else content[name] = value;
    }
    content.consent = values.consent === "on";
    content.language = this.language;
    const partner = this.getAttribute("partner");
    if (partner) content.partner_id = partner;
    content.form_trap = values.website ?? "";
    return content;
  }

  private async submit(form: HTMLFormElement): Promise<void> {
    const sender = this.sender!;
    const button = form.querySelector("button")!;
    const status = form.querySelector(".status")!;
    button.disabled = true;
    form.setAttribute("aria-busy", "true");
    status.textContent = this.texts.sending;
    const outcome = await sender.send(this.content(), performance.now() - this.startedAt);
    if (sender !== this.sender) return; // rendered anew meanwhile
    button.disabled = false;
    form.removeAttribute("aria-busy");
    status.textContent = "";
    this.showErrors(form, outcome.kind === "invalid" ? outcome.errors : new Map());
    const summary = form.querySelector<HTMLElement>(".summary")!;
    summary.hidden = outcome.kind === "sent";
    if (outcome.kind === "failed") summary.textContent = outcome.message;
    if (outcome.kind === "invalid") {
      // Errors of what the form has no field for (a dealer page's unknown partner) go on top:
      // the person cannot put them right, the site's owner can.
      const others = [...outcome.errors].filter(([name]) => !form.querySelector(`#e-${CSS.escape(name)}`));
      const marked = others.length < outcome.errors.size;
      // The person is told in plain words; what exactly is wrong goes to the console, for
      // the site's owner (an internal field name and a guess at the cause help nobody else).
      summary.textContent = [...(marked ? [this.texts.check] : []), ...(others.length ? [this.texts.setup] : [])].join(" ");
      if (others.length) console.warn("inquiry-form:", others.map(([name, text]) => `${name || "body"}: ${text}`).join("; "));
      const first = form.querySelector<HTMLElement>("[aria-invalid=true]");
      (first ?? summary).focus();
    }
    if (outcome.kind === "sent") {
      const done = this.root.querySelector<HTMLElement>(".done")!;
      done.querySelector(".thanks")!.textContent = this.texts.thanks;
      done.querySelector(".id")!.textContent = outcome.id;
      form.hidden = true;
      done.hidden = false;
      done.focus();
    }
  }

  private showErrors(form: HTMLFormElement, errors: Map<string, string>): void {
    for (const message of form.querySelectorAll<HTMLElement>(".error")) {
      const name = message.id.slice(2);
      const text = errors.get(name);
      message.textContent = text ?? "";
      message.hidden = text === undefined;
      const control = form.querySelector(`#f-${name}`);
      if (text === undefined) control?.removeAttribute("aria-invalid");
      else control?.setAttribute("aria-invalid", "true");
    }
  }
}
