// The form's words in German, Italian and English. The English field labels are the
// contract's (docs/api.md, "The website form"); the others are free.

export type Language = "de" | "it" | "en";
export const LANGUAGES: readonly Language[] = ["de", "it", "en"];

export const FIELDS = [
  "first_name",
  "last_name",
  "email",
  "phone",
  "street",
  "postal_code",
  "city",
  "country",
  "company",
  "product",
  "message",
] as const;
export type Field = (typeof FIELDS)[number];

export const PRODUCTS = [
  "windows",
  "entrance_doors",
  "sliding_doors",
  "sunrooms",
  "shading",
  "other",
] as const;

export interface Texts {
  labels: Record<Field, string>;
  products: Record<(typeof PRODUCTS)[number], string>;
  choose: string;
  required: string;
  consent: string;
  privacy: string;
  trap: string;
  send: string;
  sending: string;
  check: string;
  thanks: string;
  idIs: string;
  next: string;
  another: string;
  network: string;
  busy: string;
  unavailable: string;
  setup: string;
  // The API's 422 errors in words: the shared ones (../validation.ts), and the country's
  // own, as the form's country is chosen from a list rather than typed as a code.
  lang: Language;
  chooseCountry: string;
}

export const TEXTS: Record<Language, Texts> = {
  en: {
    labels: {
      first_name: "First name",
      last_name: "Last name",
      email: "E-mail",
      phone: "Phone",
      street: "Street",
      postal_code: "Postal code",
      city: "City",
      country: "Country",
      company: "Company",
      product: "Product",
      message: "Message",
    },
    products: {
      windows: "Windows",
      entrance_doors: "Entrance doors",
      sliding_doors: "Sliding doors",
      sunrooms: "Sunrooms",
      shading: "Shading",
      other: "Something else",
    },
    choose: "Please choose",
    required: "Fields marked * are required.",
    consent: "I agree that my details are used to answer my inquiry and passed on to one partner near me",
    privacy: "privacy notice",
    trap: "Leave this field empty",
    send: "Send inquiry",
    sending: "Sending your inquiry…",
    check: "Please check the marked fields.",
    thanks: "Thank you! Your inquiry has been sent.",
    idIs: "Inquiry ID:",
    next: "A partner near you will get in touch soon.",
    another: "Send another inquiry",
    network: "The inquiry could not be sent. Please check your connection and try again.",
    busy: "Too many inquiries from your connection. Please try again in a minute.",
    unavailable: "The inquiry could not be sent just now. Please try again.",
    setup: "This form is not set up correctly; please tell the site's owner.",
    lang: "en",
    chooseCountry: "Please choose a country.",
  },
  de: {
    labels: {
      first_name: "Vorname",
      last_name: "Nachname",
      email: "E-Mail",
      phone: "Telefon",
      street: "Straße und Hausnummer",
      postal_code: "Postleitzahl",
      city: "Ort",
      country: "Land",
      company: "Firma",
      product: "Produkt",
      message: "Nachricht",
    },
    products: {
      windows: "Fenster",
      entrance_doors: "Haustüren",
      sliding_doors: "Schiebetüren",
      sunrooms: "Wintergärten",
      shading: "Beschattung",
      other: "Etwas anderes",
    },
    choose: "Bitte wählen",
    required: "Mit * markierte Felder sind Pflichtfelder.",
    consent: "Ich bin einverstanden, dass meine Angaben zur Beantwortung meiner Anfrage verwendet und an einen Partner in meiner Nähe weitergegeben werden",
    privacy: "Datenschutzhinweis",
    trap: "Dieses Feld bitte leer lassen",
    send: "Anfrage senden",
    sending: "Ihre Anfrage wird gesendet …",
    check: "Bitte prüfen Sie die markierten Felder.",
    thanks: "Vielen Dank! Ihre Anfrage wurde gesendet.",
    idIs: "Anfragenummer:",
    next: "Ein Partner in Ihrer Nähe meldet sich bald bei Ihnen.",
    another: "Weitere Anfrage senden",
    network: "Die Anfrage konnte nicht gesendet werden. Bitte prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
    busy: "Zu viele Anfragen von Ihrer Verbindung. Bitte versuchen Sie es in einer Minute erneut.",
    unavailable: "Die Anfrage konnte gerade nicht gesendet werden. Bitte versuchen Sie es erneut.",
    setup: "Dieses Formular ist falsch eingerichtet; bitte sagen Sie es dem Betreiber der Website.",
    lang: "de",
    chooseCountry: "Bitte wählen Sie ein Land.",
  },
  it: {
    labels: {
      first_name: "Nome",
      last_name: "Cognome",
      email: "E-mail",
      phone: "Telefono",
      street: "Via e numero civico",
      postal_code: "CAP",
      city: "Località",
      country: "Paese",
      company: "Azienda",
      product: "Prodotto",
      message: "Messaggio",
    },
    products: {
      windows: "Finestre",
      entrance_doors: "Porte d'ingresso",
      sliding_doors: "Porte scorrevoli",
      sunrooms: "Giardini d'inverno",
      shading: "Schermature solari",
      other: "Altro",
    },
    choose: "Scegliere",
    required: "I campi con * sono obbligatori.",
    consent: "Acconsento all'uso dei miei dati per rispondere alla mia richiesta e alla loro trasmissione a un partner della mia zona",
    privacy: "informativa sulla privacy",
    trap: "Lasciare vuoto questo campo",
    send: "Invia richiesta",
    sending: "Invio della richiesta in corso…",
    check: "Controlli i campi evidenziati.",
    thanks: "Grazie! La sua richiesta è stata inviata.",
    idIs: "Numero della richiesta:",
    next: "Un partner della sua zona la contatterà a breve.",
    another: "Invia un'altra richiesta",
    network: "Non è stato possibile inviare la richiesta. Controlli la connessione e riprovi.",
    busy: "Troppe richieste dalla sua connessione. Riprovi tra un minuto.",
    unavailable: "Non è stato possibile inviare la richiesta in questo momento. Riprovi.",
    setup: "Questo modulo non è configurato correttamente; lo segnali al gestore del sito.",
    lang: "it",
    chooseCountry: "Scelga un paese.",
  },
};

/** The form's language: the `lang` attribute, else the browser's first known one, else English. */
export function languageOf(attribute: string | null, browser: readonly string[]): Language {
  for (const tag of [attribute ?? "", ...browser]) {
    const primary = tag.toLowerCase().split("-")[0] as Language;
    if (LANGUAGES.includes(primary)) return primary;
  }
  return "en";
}
