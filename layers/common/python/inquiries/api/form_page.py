"""`GET /form`: the website's inquiry form as a page of its own.

A small static template: the page holds the `<inquiry-form>` element that the form's
script (`/form.js`, built from web/src/form/) defines, the same element a website embeds;
the page adds a heading and the privacy notice the consent links to (`#privacy`, unless
the deployment names its own with `PRIVACY_URL`). The intake function imports this module
when the page is asked for, never at cold start.
"""

from __future__ import annotations

import base64
import hashlib
import html
from functools import cache
from urllib.parse import quote

LANGUAGES = ("de", "it", "en")
DEFAULT_LANGUAGE = "en"
# The form's script, at the same origin as the page: the gateway serves it locally, the
# app's bucket behind CloudFront on AWS.
SCRIPT_PATH = "/form.js"
PRIVACY_ANCHOR = "#privacy"

_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Your inquiry",
        "intro": "Tell us what you are planning: a partner near you will get in touch.",
        "noscript": "The form needs JavaScript. Please turn it on, or call or write to us.",
        "privacy": "Privacy notice",
        "notice": (
            "We use the details you send with this form only to answer your inquiry. We pass "
            "them to the one dealer partner near you who takes your inquiry on, and to nobody "
            "else. Until a partner has accepted it, partners see only your postal code, your "
            "town and your message, with contact details removed. We keep your details only "
            "as long as we need them for your inquiry and as the law requires; you may ask "
            "at any time what we hold about you and have it erased."
        ),
    },
    "de": {
        "title": "Ihre Anfrage",
        "intro": "Sagen Sie uns, was Sie planen: Ein Partner in Ihrer Nähe meldet sich bei Ihnen.",
        "noscript": (
            "Das Formular braucht JavaScript. Bitte schalten Sie es ein, oder rufen Sie uns "
            "an oder schreiben Sie uns."
        ),
        "privacy": "Datenschutzhinweis",
        "notice": (
            "Wir verwenden die Angaben, die Sie mit diesem Formular senden, nur, um Ihre "
            "Anfrage zu beantworten. Wir geben sie an den einen Fachpartner in Ihrer Nähe "
            "weiter, der Ihre Anfrage übernimmt, und an niemanden sonst. Bevor ein Partner "
            "sie angenommen hat, sieht er nur Postleitzahl, Ort und Ihre Nachricht ohne "
            "Kontaktdaten. Wir bewahren Ihre Angaben nur so lange auf, wie Ihre Anfrage und "
            "das Gesetz es verlangen; Sie können jederzeit Auskunft und Löschung verlangen."
        ),
    },
    "it": {
        "title": "La sua richiesta",
        "intro": "Ci dica che cosa ha in programma: un partner della sua zona la contatterà.",
        "noscript": (
            "Il modulo richiede JavaScript. La preghiamo di attivarlo, oppure di chiamarci "
            "o scriverci."
        ),
        "privacy": "Informativa sulla privacy",
        "notice": (
            "Usiamo i dati che invia con questo modulo solo per rispondere alla sua "
            "richiesta. Li trasmettiamo al solo partner rivenditore della sua zona che prende "
            "in carico la richiesta, e a nessun altro. Finché un partner non l'ha accettata, "
            "vede solo il CAP, la località e il suo messaggio senza i dati di contatto. "
            "Conserviamo i suoi dati solo per il tempo necessario alla richiesta e richiesto "
            "dalla legge; può chiedere in ogni momento quali dati abbiamo e la loro "
            "cancellazione."
        ),
    },
}

# The app's mark as the page's icon, inline: without it a browser asks for /favicon.ico,
# which neither the API nor the bucket has (a 404 in the console). `img-src data:` allows it.
_ICON_SVG = (
    "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'>"
    "<rect width='32' height='32' rx='6' fill='#2b3440'/>"
    "<rect x='7' y='7' width='8' height='8' fill='#fff'/>"
    "<rect x='17' y='7' width='8' height='8' fill='#fff'/>"
    "<rect x='7' y='17' width='8' height='8' fill='#fff'/>"
    "<rect x='17' y='17' width='8' height='8' fill='#e8a33d'/></svg>"
)
ICON = "data:image/svg+xml," + quote(_ICON_SVG, safe="/:= ")

_STYLE = (
    "body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1f2328;background:#f6f7f9}"
    "main{max-width:44rem;margin:0 auto;padding:1.5rem 1rem 3rem}"
    "h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.15rem;margin:2rem 0 .5rem}"
    "a{color:#0b57d0}"
)


@cache
def _style_hash() -> str:
    digest = hashlib.sha256(_STYLE.encode()).digest()
    return "'sha256-" + base64.b64encode(digest).decode() + "'"


def language_of(lang: str | None, accept_language: str | None) -> str:
    """The page's language: `?lang=`, else the browser's first supported one, else English."""
    if lang in LANGUAGES:
        return lang
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().split("-")[0].lower()
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, index, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def security_headers() -> dict[str, str]:
    """The page's own script and style only; the form posts to this origin."""
    return {
        "Content-Security-Policy": (
            "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self' data:; "
            f"style-src 'self' {_style_hash()}; base-uri 'none'; form-action 'self'"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }


def render(*, language: str, partner: str | None, privacy_url: str | None) -> str:
    """The page: heading, the `<inquiry-form>` element, and the privacy notice."""
    texts = _TEXTS[language]
    attributes = f' lang="{language}"'
    if partner is not None:
        attributes += f' partner="{html.escape(partner, quote=True)}"'
    attributes += f' privacy-url="{html.escape(privacy_url or PRIVACY_ANCHOR, quote=True)}"'
    notice = (
        ""
        if privacy_url
        else f'<section id="privacy" aria-labelledby="privacy-title">'
        f'<h2 id="privacy-title">{texts["privacy"]}</h2><p>{texts["notice"]}</p></section>'
    )
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="icon" type="image/svg+xml" href="{html.escape(ICON, quote=True)}">'
        f"<title>{texts['title']}</title><style>{_STYLE}</style>"
        f'<script src="{SCRIPT_PATH}" defer></script></head>'
        f"<body><main><h1>{texts['title']}</h1><p>{texts['intro']}</p>"
        f"<inquiry-form{attributes}></inquiry-form>"
        f"<noscript><p>{texts['noscript']}</p></noscript>{notice}</main></body></html>"
    )
