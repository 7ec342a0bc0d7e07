"""Mails from templates: one layout in plain text and HTML (jinja2, HTML autoescaped).

Every value that reaches a template is escaped in the HTML part, so an inquiry id,
a partner's name or a product can never inject markup into a mail.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from inquiries.mail.texts import KINDS, LABELS, language_of
from inquiries.service.ports import Mail

_TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2  # noqa: PLC0415  (only the notify function renders mails)

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render(
    kind: str,
    *,
    to: Sequence[str],
    language: str | None,
    facts: Sequence[tuple[str, str]],
    link: str | None = None,
    **placeholders: str,
) -> Mail:
    """The mail of `kind` in `language`: subject and intro from the texts, the facts listed.

    `facts` are (label key, value) pairs; `placeholders` fill the subject.
    """
    lang = language_of(language)
    words = KINDS[kind][lang]
    labels = LABELS[lang]
    # One line: a name with a line break must not add headers to the mail.
    subject = " ".join(words["subject"].format(**placeholders).split())
    context = {
        "language": lang,
        "subject": subject,
        "intro": words["intro"],
        "labels": labels,
        "facts": [(labels[key], value) for key, value in facts],
        "link": link if words["link"] else None,
        "link_label": words["link"],
    }
    environment = _environment()
    return Mail(
        to=tuple(to),
        subject=subject,
        text=environment.get_template("mail.txt").render(context),
        html=environment.get_template("mail.html").render(context),
        kind=kind,
    )
