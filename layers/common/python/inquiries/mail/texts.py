"""The words of the mails in German, Italian and English.

One entry per kind: the subject and the opening paragraph, with `{placeholders}`
filled from the mail's facts; labels of the facts; product and reason names.
Mails in other languages fall back to English.
"""

from __future__ import annotations

LANGUAGES = ("de", "it", "en")

KINDS: dict[str, dict[str, dict[str, str]]] = {
    "new_offer": {
        "de": {
            "subject": "Neue Anfrage {id}: {product}",
            "intro": "Ihnen wurde eine neue Anfrage angeboten. Bitte nehmen Sie sie vor "
            "Ablauf der Frist an oder lehnen Sie sie ab; danach geht sie an die Zentrale "
            "zurück. Die Kontaktdaten sehen Sie nach der Annahme.",
            "link": "Anfrage öffnen",
        },
        "it": {
            "subject": "Nuova richiesta {id}: {product}",
            "intro": "Le è stata offerta una nuova richiesta. La accetti o la rifiuti entro "
            "la scadenza; dopo torna alla sede centrale. I dati di contatto sono visibili "
            "dopo l'accettazione.",
            "link": "Apri la richiesta",
        },
        "en": {
            "subject": "New inquiry {id}: {product}",
            "intro": "A new inquiry has been offered to you. Please accept or reject it "
            "before the deadline; after it, the inquiry goes back to headquarters. You see "
            "the contact details once you accept.",
            "link": "Open the inquiry",
        },
    },
    "reminder": {
        "de": {
            "subject": "Erinnerung: Anfrage {id} wartet auf Sie (Frist {deadline})",
            "intro": "Diese Anfrage ist noch offen, und der größte Teil der Frist ist "
            "vorbei. Bitte nehmen Sie sie an oder lehnen Sie sie ab.",
            "link": "Anfrage öffnen",
        },
        "it": {
            "subject": "Promemoria: la richiesta {id} la attende (scadenza {deadline})",
            "intro": "Questa richiesta è ancora aperta e gran parte del tempo è trascorsa. "
            "La accetti o la rifiuti, per favore.",
            "link": "Apri la richiesta",
        },
        "en": {
            "subject": "Reminder: inquiry {id} is waiting for you (deadline {deadline})",
            "intro": "This inquiry is still open and most of its time has passed. Please "
            "accept or reject it.",
            "link": "Open the inquiry",
        },
    },
    "withdrawn": {
        "de": {
            "subject": "Anfrage {id} wurde zurückgezogen",
            "intro": "Die Zentrale hat diese Anfrage zurückgezogen. Sie müssen nichts mehr tun.",
            "link": "Zu Ihren Anfragen",
        },
        "it": {
            "subject": "La richiesta {id} è stata ritirata",
            "intro": "La sede centrale ha ritirato questa richiesta. Non deve fare altro.",
            "link": "Alle sue richieste",
        },
        "en": {
            "subject": "Inquiry {id} was withdrawn",
            "intro": "Headquarters withdrew this inquiry from you. Nothing more to do.",
            "link": "Your inquiries",
        },
    },
    "returned": {
        "de": {
            "subject": "Anfrage {id} ist zurück: {reason}",
            "intro": "Diese Anfrage ist an die Zentrale zurückgegangen und braucht einen "
            "neuen Partner.",
            "link": "Anfrage öffnen",
        },
        "it": {
            "subject": "La richiesta {id} è tornata: {reason}",
            "intro": "Questa richiesta è tornata alla sede centrale e ha bisogno di un "
            "nuovo partner.",
            "link": "Apri la richiesta",
        },
        "en": {
            "subject": "Inquiry {id} came back: {reason}",
            "intro": "This inquiry went back to headquarters and needs a new partner.",
            "link": "Open the inquiry",
        },
    },
    "unassigned": {
        "de": {
            "subject": "Anfrage {id} hat keinen Partner",
            "intro": "Für diese Anfrage wurde kein passender Partner gefunden. Bitte weisen "
            "Sie sie zu.",
            "link": "Anfrage öffnen",
        },
        "it": {
            "subject": "La richiesta {id} non ha un partner",
            "intro": "Per questa richiesta non è stato trovato un partner adatto. La assegni, "
            "per favore.",
            "link": "Apri la richiesta",
        },
        "en": {
            "subject": "Inquiry {id} has no partner",
            "intro": "No partner was found for this inquiry. Please assign it.",
            "link": "Open the inquiry",
        },
    },
    "receipt": {
        "de": {
            "subject": "Wir haben Ihre Anfrage erhalten ({id})",
            "intro": "Vielen Dank für Ihre Anfrage. Wir geben sie an einen Fachpartner in "
            "Ihrer Nähe weiter, der sich bei Ihnen meldet. Bitte nennen Sie bei Fragen die "
            "Nummer Ihrer Anfrage.",
            "link": "",
        },
        "it": {
            "subject": "Abbiamo ricevuto la sua richiesta ({id})",
            "intro": "Grazie per la sua richiesta. La inoltriamo a un partner specializzato "
            "nella sua zona, che la contatterà. Per domande indichi il numero della "
            "richiesta.",
            "link": "",
        },
        "en": {
            "subject": "We received your inquiry ({id})",
            "intro": "Thank you for your inquiry. We pass it on to a specialist partner near "
            "you, who will get in touch. Please quote its number if you have questions.",
            "link": "",
        },
    },
    "accepted": {
        "de": {
            "subject": "Ihre Anfrage {id}: {partner} meldet sich bei Ihnen",
            "intro": "Ein Fachpartner hat Ihre Anfrage übernommen und wird sich bei Ihnen melden.",
            "link": "",
        },
        "it": {
            "subject": "La sua richiesta {id}: la contatterà {partner}",
            "intro": "Un partner specializzato ha preso in carico la sua richiesta e la "
            "contatterà.",
            "link": "",
        },
        "en": {
            "subject": "Your inquiry {id}: {partner} will get in touch",
            "intro": "A specialist partner has taken on your inquiry and will get in touch "
            "with you.",
            "link": "",
        },
    },
    "erasure": {
        "de": {
            "subject": "Löschung: Anfrage {id}",
            "intro": "Die Person hinter dieser Anfrage hat die Löschung ihrer Daten verlangt. "
            "Wir haben sie bei uns gelöscht. Bitte löschen Sie sie auch in Ihren eigenen "
            "Systemen (Kontakte, Angebote, E-Mails).",
            "link": "Anfrage öffnen",
        },
        "it": {
            "subject": "Cancellazione: richiesta {id}",
            "intro": "La persona di questa richiesta ha chiesto la cancellazione dei suoi "
            "dati. Li abbiamo cancellati da noi. Li cancelli anche nei suoi sistemi "
            "(contatti, offerte, e-mail).",
            "link": "Apri la richiesta",
        },
        "en": {
            "subject": "Erasure: inquiry {id}",
            "intro": "The person behind this inquiry asked for their data to be erased. We "
            "erased it here. Please erase it from your own systems too (contacts, offers, "
            "e-mails).",
            "link": "Open the inquiry",
        },
    },
    "bounce": {
        "de": {
            "subject": "Mail an Partner {partner} kam nicht an",
            "intro": "Eine Mail an eine Adresse dieses Partners wurde abgewiesen oder als "
            "Spam gemeldet. Bitte prüfen Sie seine Benachrichtigungsadressen, sonst erfährt "
            "er nichts von neuen Anfragen.",
            "link": "Partner öffnen",
        },
        "it": {
            "subject": "La mail al partner {partner} non è arrivata",
            "intro": "Una mail a un indirizzo di questo partner è stata respinta o segnalata "
            "come spam. Controlli i suoi indirizzi di notifica, altrimenti non saprà nulla "
            "delle nuove richieste.",
            "link": "Apri il partner",
        },
        "en": {
            "subject": "Mail to partner {partner} did not arrive",
            "intro": "A mail to an address of this partner bounced or was reported as spam. "
            "Please check its notification addresses, or it hears nothing of new inquiries.",
            "link": "Open the partner",
        },
    },
}

LABELS: dict[str, dict[str, str]] = {
    "de": {
        "id": "Anfrage",
        "product": "Produkt",
        "postal_code": "Postleitzahl",
        "city": "Ort",
        "country": "Land",
        "deadline": "Frist",
        "reason": "Grund",
        "partner": "Partner",
        "address": "Adresse",
        "greeting": "Guten Tag,",
        "closing": "Diese Nachricht wurde automatisch versandt.",
    },
    "it": {
        "id": "Richiesta",
        "product": "Prodotto",
        "postal_code": "CAP",
        "city": "Località",
        "country": "Paese",
        "deadline": "Scadenza",
        "reason": "Motivo",
        "partner": "Partner",
        "address": "Indirizzo",
        "greeting": "Buongiorno,",
        "closing": "Questo messaggio è stato inviato automaticamente.",
    },
    "en": {
        "id": "Inquiry",
        "product": "Product",
        "postal_code": "Postal code",
        "city": "City",
        "country": "Country",
        "deadline": "Deadline",
        "reason": "Reason",
        "partner": "Partner",
        "address": "Address",
        "greeting": "Hello,",
        "closing": "This message was sent automatically.",
    },
}

PRODUCTS: dict[str, dict[str, str]] = {
    "de": {
        "windows": "Fenster",
        "entrance_doors": "Haustüren",
        "sliding_doors": "Schiebetüren",
        "sunrooms": "Wintergärten",
        "shading": "Beschattung",
        "other": "Sonstiges",
    },
    "it": {
        "windows": "Finestre",
        "entrance_doors": "Porte d'ingresso",
        "sliding_doors": "Porte scorrevoli",
        "sunrooms": "Giardini d'inverno",
        "shading": "Schermature solari",
        "other": "Altro",
    },
    "en": {
        "windows": "Windows",
        "entrance_doors": "Entrance doors",
        "sliding_doors": "Sliding doors",
        "sunrooms": "Sunrooms",
        "shading": "Shading",
        "other": "Other",
    },
}

# Why an inquiry came back to HQ: expired, or rejected with the partner's reason.
REASONS: dict[str, dict[str, str]] = {
    "de": {
        "expired": "Frist abgelaufen",
        "withdrawn": "zurückgezogen",
        "rejected": "abgelehnt",
        "out_of_area": "abgelehnt: außerhalb des Gebiets",
        "no_capacity": "abgelehnt: keine Kapazität",
        "product_not_offered": "abgelehnt: Produkt nicht im Angebot",
        "spam": "abgelehnt: Spam",
        "other": "abgelehnt: anderer Grund",
    },
    "it": {
        "expired": "scadenza superata",
        "withdrawn": "ritirata",
        "rejected": "rifiutata",
        "out_of_area": "rifiutata: fuori zona",
        "no_capacity": "rifiutata: nessuna capacità",
        "product_not_offered": "rifiutata: prodotto non offerto",
        "spam": "rifiutata: spam",
        "other": "rifiutata: altro motivo",
    },
    "en": {
        "expired": "deadline passed",
        "withdrawn": "withdrawn",
        "rejected": "rejected",
        "out_of_area": "rejected: out of area",
        "no_capacity": "rejected: no capacity",
        "product_not_offered": "rejected: product not offered",
        "spam": "rejected: spam",
        "other": "rejected: other reason",
    },
}

DATE_FORMATS = {"de": "%d.%m.%Y, %H:%M", "it": "%d/%m/%Y, %H:%M", "en": "%d %b %Y, %H:%M"}


def language_of(tag: str | None) -> str:
    """The mail language for a language tag (`de-AT` -> `de`); English for the rest."""
    primary = (tag or "").split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else "en"
