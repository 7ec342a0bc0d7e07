"""expire: the scheduler fires one offer's expiry; a periodic rule runs the sweeper.

Event from EventBridge Scheduler: `{"inquiry_id", "offer", ...}` (the schedule's input).
Event from the sweeper's rule: `{"sweep": true}`: overdue offers expire, and the
personal data of inquiries at rest for RETENTION_DAYS is erased (retention).
"""

from __future__ import annotations

from inquiries import startup  # first: the function starts without garbage collection

# isort: split
import os
from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from inquiries import wiring
from inquiries.logs import function_logger
from inquiries.service.expiry import expire_offer, sweep
from inquiries.service.subjects import erase_at_rest

logger = function_logger()
metrics = Metrics()


@startup.ends_after_first_call
@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # An expiry that re-routes schedules the next offer's expiry, whose target is this
    # function: deployed, it cannot carry its own ARN in its settings (a circular
    # reference), so it takes it from the invocation before the first use.
    os.environ.setdefault("EXPIRE_FUNCTION_ARN", context.invoked_function_arn)
    deps = wiring.dependencies()
    if event.get("sweep"):
        expired = sweep(deps)
        if expired:
            metrics.add_metric(
                name="InquiriesExpiredBySweeper", unit=MetricUnit.Count, value=expired
            )
        # Retention: the personal data of inquiries at rest for RETENTION_DAYS goes.
        erased = erase_at_rest(deps)
        if erased:
            metrics.add_metric(
                name="InquiriesErasedByRetention", unit=MetricUnit.Count, value=erased
            )
        return {"expired": expired, "erased": erased}
    inquiry_id, seq = event.get("inquiry_id"), event.get("offer")
    if not isinstance(inquiry_id, str) or not isinstance(seq, int) or isinstance(seq, bool):
        # Not retried: a malformed event will not get better.
        logger.error("malformed expiry event", extra={"keys": sorted(event)})
        return {"expired": 0}
    expired = expire_offer(deps, inquiry_id, seq)
    if expired:
        metrics.add_metric(name="InquiriesExpired", unit=MetricUnit.Count, value=1)
    return {"expired": int(expired)}
