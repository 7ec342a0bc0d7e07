"""The SES v2 request the Mailer makes, checked offline against botocore's model (Stubber)."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from inquiries.adapters.ses import SesMailer, tag_value
from inquiries.service.ports import Mail

MAIL = Mail(
    to=("sales@alpin.example", "boss@alpin.example"),
    subject="Neue Anfrage A1: Fenster",
    text="Guten Tag,\n",
    html="<p>Guten Tag,</p>",
    kind="new_offer",
    tags={"kind": "new_offer", "inquiry": "A1_x-y", "partner": "alpin bz"},
)


def client() -> tuple[object, Stubber]:
    ses = boto3.client(
        "sesv2", region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    return ses, Stubber(ses)


def test_a_mail_goes_from_the_sender_through_the_configuration_set_with_both_parts() -> None:
    ses, stub = client()
    stub.add_response(
        "send_email",
        {"MessageId": "0100-abc"},
        {
            "FromEmailAddress": "Inquiries <inquiries@mail.example>",
            "Destination": {"ToAddresses": ["sales@alpin.example", "boss@alpin.example"]},
            "Content": {
                "Simple": {
                    "Subject": {"Data": "Neue Anfrage A1: Fenster", "Charset": "UTF-8"},
                    "Body": {
                        "Text": {"Data": "Guten Tag,\n", "Charset": "UTF-8"},
                        "Html": {"Data": "<p>Guten Tag,</p>", "Charset": "UTF-8"},
                    },
                }
            },
            "EmailTags": [
                {"Name": "kind", "Value": "new_offer"},
                {"Name": "inquiry", "Value": "A1_x-y"},
                {"Name": "partner", "Value": "alpin_bz"},
            ],
            "ConfigurationSetName": "inquiries",
        },
    )
    with stub:
        mailer = SesMailer(
            ses, sender="Inquiries <inquiries@mail.example>", configuration_set="inquiries"
        )
        assert mailer.send(MAIL) == "0100-abc"
    stub.assert_no_pending_responses()


def test_an_ses_error_reaches_the_caller_so_the_mail_is_retried() -> None:
    ses, stub = client()
    stub.add_client_error("send_email", "TooManyRequestsException", http_status_code=429)
    with stub, pytest.raises(ClientError):
        SesMailer(ses, sender="inquiries@mail.example", configuration_set=None).send(MAIL)


def test_tag_values_keep_to_what_ses_allows() -> None:
    assert tag_value("alpin bz/ü") == "alpin_bz__"
    assert tag_value("") == "_"
