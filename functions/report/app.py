"""report: response-time statistics for HQ (all partners) and partners (their own row)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from inquiries import wiring
from inquiries.api.requests import parse
from inquiries.api.resolver import caller, json_response, make_resolver, query_of
from inquiries.service import reports

logger = Logger()
metrics = Metrics()
app = make_resolver()


@app.get("/reports/response-times")
def response_times() -> Response[str]:
    # The request model (pydantic) loads on first use, not at import: see docs/performance.md.
    from inquiries.api.schemas import ReportQuery  # noqa: PLC0415

    who = caller(app)
    query_in = query_of(app)
    # Who may see which partner is decided before the query is validated (403 before 422).
    reports.scope(who, query_in.get("partner_id") or None)
    query = parse(ReportQuery, query_in, "query")
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


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
