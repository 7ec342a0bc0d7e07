"""The report as an Excel workbook (.xlsx), written with XlsxWriter.

XlsxWriter is imported when a workbook is asked for, never when the report
function starts: JSON and CSV answers do not pay for it (docs/performance.md).
Sheet `Response times` has the CSV's columns; with an interval, sheet
`Series` has one row per partner (then `total`) and period. Numbers are
numbers (rates shown as percentages, hours with two decimals), null an empty
cell, text is always written as text (never read as a formula); the header
row is bold and frozen, columns are as wide as their longest value.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from inquiries.service.reports import series_table_of, table_of

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MIN_WIDTH, _MAX_WIDTH = 8, 40


def _number_format(column: str) -> str:
    if column.endswith("_rate"):
        return "0.0%"
    if "_hours_" in column:
        return "0.00"
    return "0"


def _width(header: str, values: list[Any], number_format: str) -> int:
    """Characters to show the header and the longest value as Excel formats it."""
    longest = len(header)
    for value in values:
        if isinstance(value, float) and number_format != "0":
            shown = f"{value * 100:.1f}%" if number_format.endswith("%") else f"{value:.2f}"
        else:
            shown = "" if value is None else str(value)
        longest = max(longest, len(shown))
    return min(max(longest + 2, _MIN_WIDTH), _MAX_WIDTH)


def _sheet(book: Any, name: str, header: list[str], rows: list[list[Any]]) -> None:
    sheet = book.add_worksheet(name)
    bold = book.add_format({"bold": True, "bottom": 1})
    formats = {fmt: book.add_format({"num_format": fmt}) for fmt in ("0", "0.00", "0.0%")}
    for col, name_ in enumerate(header):
        sheet.write_string(0, col, name_, bold)
        fmt = _number_format(name_)
        values = [row[col] for row in rows]
        sheet.set_column(col, col, _width(name_, values, fmt))
        for line, value in enumerate(values, start=1):
            if value is None:
                continue  # an empty cell, as in the CSV
            if isinstance(value, bool) or not isinstance(value, int | float):
                sheet.write_string(line, col, str(value))
            else:
                sheet.write_number(line, col, value, formats[fmt])
    sheet.freeze_panes(1, 0)


def xlsx_of(report: dict[str, Any]) -> bytes:
    """The report as the bytes of an .xlsx file."""
    import xlsxwriter  # noqa: PLC0415 - only the report function, only for a workbook

    out = io.BytesIO()
    # In memory: Lambda's file system is not needed; no formulas, no URLs read from text.
    book = xlsxwriter.Workbook(
        out,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    book.set_properties(
        {
            "title": f"Response times {report['from']} to {report['to']}",
            "comments": f"As of {report['as_of']}",
            # The report's clock, not the machine's: the same report is the same file.
            "created": datetime.fromisoformat(report["as_of"]),
        }
    )
    header, rows = table_of(report)
    _sheet(book, "Response times", header, rows)
    series = series_table_of(report)
    if series is not None:
        _sheet(book, "Series", *series)
    book.close()
    return out.getvalue()
