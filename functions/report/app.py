"""report: response-time statistics for HQ (all partners) and partners (their own row)."""

from __future__ import annotations

from inquiries import startup  # noqa: F401  (first: the function starts without garbage collection)

# isort: split

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit
from inquiries import wiring
from inquiries.api.endpoints import Endpoints, Request
from inquiries.api.resolver import json_response
from inquiries.logs import function_logger
from inquiries.service import reports

logger = function_logger()
metrics = Metrics()


def _scope(request: Request) -> None:
    # Who may see which partner is decided before the query is validated (403 before 422).
    # A repeated parameter arrives joined by commas, as API Gateway hands it over: each id
    # named is checked here, and the repetition itself is the validation's 422.
    for named in (request.raw_query.get("partner_id") or "").split(","):
        reports.scope(request.caller, named or None)


api = Endpoints("report", before=_scope)
app = api.app


@api.serves("responseTimesReport")
def response_times(request: Request) -> Response[str]:
    who, query = request.caller, request.query
    report = reports.response_times(
        wiring.dependencies(),
        who,
        first=query.from_,
        last=query.to,
        partner_id=query.partner_id,
        interval=query.interval,
    )
    metrics.add_metric(name="ReportsServed", unit=MetricUnit.Count, value=1)
    logger.info(
        "report served",
        extra={
            "format": query.format,
            "partners": len(report["partners"]),
            "offers": report["total"]["assigned"],
        },
    )
    filename = f"response-times-{query.from_.isoformat()}-{query.to.isoformat()}"
    if query.format == "csv":
        return Response(
            status_code=200,
            content_type="text/csv; charset=utf-8",
            body=reports.csv_of(report),
            headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
        )
    if query.format == "xlsx":
        # XlsxWriter loads here, on the first workbook, not at cold start.
        from inquiries.adapters import workbook  # noqa: PLC0415

        return Response(
            status_code=200,
            content_type=workbook.CONTENT_TYPE,
            body=workbook.xlsx_of(report),  # bytes: sent base64-encoded, as API Gateway needs
            headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'},
        )
    return json_response(200, report)


handler = api.lambda_handler(logger, metrics)
