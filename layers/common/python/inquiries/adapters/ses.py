"""Amazon SES (API v2): the Mailer port on AWS.

Each mail goes out through the configuration set, which sends bounces and
complaints to SNS and from there to the notify function; the mail's tags
(kind, inquiry, partner: ids only) come back with those events.
"""

from __future__ import annotations

import re
from typing import Any

from inquiries.service.ports import Mail

_TAG_VALUE = re.compile(r"[^A-Za-z0-9_.\-@]")


def tag_value(value: str) -> str:
    """SES tag values allow letters, digits, `_ - . @` only (256 at most)."""
    return _TAG_VALUE.sub("_", value)[:256] or "_"


class SesMailer:
    """Sends through SES v2 `SendEmail` from the verified sender address."""

    def __init__(self, client: Any, *, sender: str, configuration_set: str | None) -> None:
        self._client = client
        self._sender = sender
        self._configuration_set = configuration_set

    def send(self, mail: Mail) -> str | None:
        request: dict[str, Any] = {
            "FromEmailAddress": self._sender,
            "Destination": {"ToAddresses": list(mail.to)},
            "Content": {
                "Simple": {
                    "Subject": {"Data": mail.subject, "Charset": "UTF-8"},
                    "Body": {
                        "Text": {"Data": mail.text, "Charset": "UTF-8"},
                        "Html": {"Data": mail.html, "Charset": "UTF-8"},
                    },
                }
            },
            "EmailTags": [
                {"Name": name, "Value": tag_value(value)} for name, value in mail.tags.items()
            ],
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        answer = self._client.send_email(**request)
        message_id = answer.get("MessageId")
        return str(message_id) if message_id else None
