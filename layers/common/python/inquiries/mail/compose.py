"""Which facts each mail carries, from the domain objects (pure, no I/O).

Mails to partners and HQ carry nothing of the contact: the inquiry id, the
product, the location only as precise as a partner may see it before accepting
(a district's postal code, the city where it holds nothing else, the country),
deadlines and reasons. The contact's name, e-mail, phone, street, company and
message never reach them. Mails to the prospect go to the prospect's own address.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from inquiries.domain.anonymise import location_before_accept
from inquiries.domain.model import Inquiry, Offer, Partner
from inquiries.mail.render import render
from inquiries.mail.texts import DATE_FORMATS, PRODUCTS, REASONS, language_of
from inquiries.service.ports import Mail


def inquiry_link(app_url: str, inquiry_id: str) -> str:
    """The inquiry in the web app."""
    return f"{app_url.rstrip('/')}/#/inquiries/{inquiry_id}"


def inbox_link(app_url: str) -> str:
    """The inquiry list in the web app."""
    return f"{app_url.rstrip('/')}/#/inquiries"


def local_time(moment: datetime, timezone: str, language: str) -> str:
    """A moment as the reader's clock shows it, with the time zone named."""
    lang = language_of(language)
    shown = moment.astimezone(ZoneInfo(timezone))
    return f"{shown.strftime(DATE_FORMATS[lang])} ({timezone})"


def product_name(product: str, language: str | None) -> str:
    return PRODUCTS[language_of(language)].get(product, product)


def _location_facts(inquiry: Inquiry) -> list[tuple[str, str]]:
    where = location_before_accept(inquiry.contact)
    facts = [("postal_code", where.postal_code)]
    if where.city:
        facts.append(("city", where.city))
    facts.append(("country", where.country))
    return facts


def _offer_facts(inquiry: Inquiry, offer: Offer, language: str) -> list[tuple[str, str]]:
    return [
        ("id", inquiry.id),
        ("product", product_name(inquiry.product, language)),
        *_location_facts(inquiry),
        ("deadline", local_time(offer.deadline, offer.calendar.timezone, language)),
    ]


def _offer_mail(
    template: str, partner: Partner, inquiry: Inquiry, offer: Offer, app_url: str, **extra: str
) -> Mail:
    """To the partner's addresses, about its pending offer: the offer's facts and link."""
    return render(
        template,
        to=partner.notify_emails,
        language=partner.language,
        facts=_offer_facts(inquiry, offer, partner.language),
        link=inquiry_link(app_url, inquiry.id),
        id=inquiry.id,
        **extra,
    )


def new_offer(partner: Partner, inquiry: Inquiry, offer: Offer, app_url: str) -> Mail:
    """To the partner's addresses: an inquiry waits for its decision."""
    product = product_name(inquiry.product, partner.language)
    return _offer_mail("new_offer", partner, inquiry, offer, app_url, product=product)


def reminder(partner: Partner, inquiry: Inquiry, offer: Offer, app_url: str) -> Mail:
    """To the partner's addresses: the offer is still pending at 75 % of its window."""
    deadline = local_time(offer.deadline, offer.calendar.timezone, partner.language)
    return _offer_mail("reminder", partner, inquiry, offer, app_url, deadline=deadline)


def withdrawn(partner: Partner, inquiry: Inquiry, app_url: str) -> Mail:
    """To the partner's addresses: the offer was taken back (it sees the inquiry no more)."""
    lang = partner.language
    return render(
        "withdrawn",
        to=partner.notify_emails,
        language=lang,
        facts=[("id", inquiry.id), ("product", product_name(inquiry.product, lang))],
        link=inbox_link(app_url),
        id=inquiry.id,
    )


def returned(
    hq: Sequence[str],
    inquiry: Inquiry,
    partner: Partner | None,
    reason: str,
    app_url: str,
    lang: str = "en",
) -> Mail:
    """To HQ: an inquiry came back (`reason`: expired, or the partner's reject reason)."""
    lang = language_of(lang)
    reason_text = REASONS[lang].get(reason, reason)
    facts = [
        ("id", inquiry.id),
        ("product", product_name(inquiry.product, lang)),
        *_location_facts(inquiry),
        ("reason", reason_text),
    ]
    if partner is not None:
        facts.append(("partner", f"{partner.name} ({partner.id})"))
    return render(
        "returned",
        to=hq,
        language=lang,
        facts=facts,
        link=inquiry_link(app_url, inquiry.id),
        id=inquiry.id,
        reason=reason_text,
    )


def unassigned(hq: Sequence[str], inquiry: Inquiry, app_url: str, lang: str = "en") -> Mail:
    """To HQ: no partner was found at intake; someone must assign it."""
    lang = language_of(lang)
    return render(
        "unassigned",
        to=hq,
        language=lang,
        facts=[
            ("id", inquiry.id),
            ("product", product_name(inquiry.product, lang)),
            *_location_facts(inquiry),
        ],
        link=inquiry_link(app_url, inquiry.id),
        id=inquiry.id,
    )


def receipt(inquiry: Inquiry) -> Mail:
    """To the prospect, in the inquiry's language: we have it, and its number."""
    lang = language_of(inquiry.language)
    return render(
        "receipt",
        to=(inquiry.contact.email,),
        language=lang,
        facts=[("id", inquiry.id), ("product", product_name(inquiry.product, lang))],
        id=inquiry.id,
    )


def accepted(inquiry: Inquiry, partner: Partner) -> Mail:
    """To the prospect, in the inquiry's language: which partner took the inquiry."""
    lang = language_of(inquiry.language)
    return render(
        "accepted",
        to=(inquiry.contact.email,),
        language=lang,
        facts=[("id", inquiry.id), ("partner", partner.name)],
        id=inquiry.id,
        partner=partner.name,
    )


def erasure(partner: Partner, inquiry_id: str, app_url: str) -> Mail:
    """To a partner that accepted the inquiry: the person asked to be erased."""
    return render(
        "erasure",
        to=partner.notify_emails,
        language=partner.language,
        facts=[("id", inquiry_id)],
        link=inquiry_link(app_url, inquiry_id),
        id=inquiry_id,
    )


def bounce(
    hq: Sequence[str],
    partner: Partner,
    addresses: Sequence[str],
    inquiry_id: str | None,
    app_url: str,
    lang: str = "en",
) -> Mail:
    """To HQ: a partner's notification address bounced or complained (a business address)."""
    facts = [("partner", f"{partner.name} ({partner.id})")]
    facts += [("address", address) for address in addresses]
    if inquiry_id:
        facts.append(("id", inquiry_id))
    return render(
        "bounce",
        to=hq,
        language=lang,
        facts=facts,
        link=f"{app_url.rstrip('/')}/#/partners",
        partner=partner.name,
    )
