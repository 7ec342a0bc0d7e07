"""notify: the mails that follow from stored changes, the reminders, and SES's feedback.

Three kinds of event reach it:
- a batch of the table's stream (new event items only, by the event source's
  filter): each record's mails; a record whose mail failed is reported as a
  batch item failure, so Lambda retries it (and what follows it in its shard);
- `{"reminder": {"inquiry_id", "offer"}}` from the reminder's one-time schedule;
- SNS messages of SES's configuration set: bounces and complaints.
"""

from __future__ import annotations

from inquiries import startup  # first: the function starts without garbage collection

# isort: split
import json
from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from inquiries import wiring
from inquiries.logs import function_logger
from inquiries.service.notifications import (
    MailNotSent,
    StoredEvent,
    feedback_from,
    on_change,
    on_feedback,
    remind,
)
from inquiries.service.stream import stored_events

logger = function_logger()
metrics = Metrics()
# A batch whose every record failed is reported like any other (each item), not raised:
# Lambda retries from the first failure either way, and the handler's answer says which.
processor = BatchProcessor(
    event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False
)


def _record(record: DynamoDBRecord) -> None:
    image = record.dynamodb.new_image if record.dynamodb else None
    keys = record.dynamodb.keys if record.dynamodb else None
    # Every event of one change (an item of one event, if written before that).
    found: list[StoredEvent] = stored_events(keys or {}, image or {})
    # A mail that failed fails the record (MailNotSent): its retry sends only what has no
    # marker yet. The count goes out all the same.
    sent = 0
    try:
        sent = on_change(wiring.dependencies(), wiring.mailing(), found)
    except MailNotSent as error:
        sent = error.sent
        raise
    finally:
        if sent:
            metrics.add_metric(name="MailsSent", unit=MetricUnit.Count, value=sent)


@startup.ends_after_first_call
@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "reminder" in event:
        reminder = event["reminder"]
        inquiry_id = reminder.get("inquiry_id") if isinstance(reminder, dict) else None
        seq = reminder.get("offer") if isinstance(reminder, dict) else None
        if not isinstance(inquiry_id, str) or not isinstance(seq, int) or isinstance(seq, bool):
            logger.error("malformed reminder event")
            return {"reminded": 0}
        # A failure raises: the scheduler retries the invocation, then its dead-letter queue.
        sent = remind(wiring.dependencies(), wiring.mailing(), inquiry_id, seq)
        if sent:
            metrics.add_metric(name="RemindersSent", unit=MetricUnit.Count, value=sent)
        return {"reminded": sent}
    records = event.get("Records") or []
    if records and records[0].get("EventSource") == "aws:sns":
        reported = 0
        for record in records:
            try:
                notice = json.loads(record["Sns"]["Message"])
            except (KeyError, TypeError, ValueError):
                logger.error("unreadable SES notification")
                continue
            feedback = feedback_from(notice)
            if feedback is None:
                continue
            metrics.add_metric(name=f"Mail{feedback.event_type}s", unit=MetricUnit.Count, value=1)
            reported += on_feedback(wiring.dependencies(), wiring.mailing(), feedback)
        return {"reported": reported}
    return process_partial_response(
        event=event, record_handler=_record, processor=processor, context=context
    )
