"""Reading `POST /contacts/import`: a CSV file of contacts -> rows, and rows at fault.

The file as a whole must be readable: UTF-8 (a BOM is fine), a header that names the
contract's columns (any order; `last_name` and `country` must be among them; a column
of another name or one named twice is refused, never ignored), at most 10,000 rows.
Otherwise it is a 422 and nothing is imported. Each row is then checked on its own:
a row at fault is left out with its line number (the header is line 1) and what is
wrong, never the value it holds. Empty lines, and rows of empty cells only, are skipped.
A header of semicolons (as Excel writes in German or Italian settings) is read as such.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from inquiries.domain.contacts import FIELDS, Row
from inquiries.domain.errors import ValidationFailed

MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024
REQUIRED = ("last_name", "country")
# The most cell characters a row may hold: the longest a valid row can be, with room.
_FIELD_LIMIT = 64 * 1024


@dataclass(frozen=True)
class Rejected:
    line: int
    message: str


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed.at(message, "body", "file", msg=message, kind="csv")


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise _invalid(
            f"the file is not UTF-8 (line {line}); save it as CSV UTF-8 and import it again"
        ) from None


def _header(first_line: str) -> tuple[str, list[str]]:
    """The delimiter and the column names of the header line."""
    delimiter = ","
    if "," not in first_line and ";" in first_line:
        delimiter = ";"
    names = [name.strip().lower() for name in next(csv.reader([first_line], delimiter=delimiter))]
    unknown = [str(number) for number, name in enumerate(names, 1) if name not in FIELDS]
    if unknown:
        # Where, never what: a file without its header line would show its first row here.
        where = ", ".join(unknown[:5]) + (", ..." if len(unknown) > 5 else "")
        which = f"column {where} is" if len(unknown) == 1 else f"columns {where} are"
        raise _invalid(
            f"the header line's {which} not known (is the first line the header?); "
            f"the columns are {', '.join(FIELDS)}"
        )
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise _invalid(f"the header names columns twice: {', '.join(twice)}")
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise _invalid(f"the header lacks the required columns: {', '.join(missing)}")
    return delimiter, names


def read(raw: bytes) -> tuple[list[Row], list[Rejected]]:
    """The file's valid rows and the rows at fault; a 422 for a file that cannot be read."""
    text = _text(raw)
    lines = io.StringIO(text, newline="")
    first = lines.readline().rstrip("\r\n")
    if not first.strip():
        raise _invalid("the file is empty or its first line is not the header")
    delimiter, names = _header(first)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    line = 1  # the header's
    previous_end = 1
    limit = csv.field_size_limit(_FIELD_LIMIT)
    try:
        for cells in reader:
            line = previous_end + 1  # where this record starts
            previous_end = reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            rows.append((line, cells))
            if len(rows) > MAX_ROWS:
                raise _invalid(f"the file has more than {MAX_ROWS:,} rows; split it")
    except csv.Error:
        raise _invalid(
            f"the file is not valid CSV near line {previous_end + 1} "
            "(a quote not closed, or a cell too long)"
        ) from None
    finally:
        csv.field_size_limit(limit)
    valid: list[Row] = []
    rejected: list[Rejected] = []
    for line, cells in rows:
        checked = _row(names, cells)
        if isinstance(checked, str):
            rejected.append(Rejected(line, checked))
        else:
            valid.append(Row(line, checked))
    return valid, rejected


def _row(names: list[str], cells: list[str]) -> dict[str, str | None] | str:
    """The row's checked cells, or what is wrong with it."""
    if len(cells) != len(names):
        return f"the row has {len(cells)} cells, the header {len(names)}"
    from pydantic import ValidationError  # noqa: PLC0415

    from inquiries.api.schemas import ContactRowIn  # noqa: PLC0415

    # An empty cell is no value: a required column left empty is "required".
    data: dict[str, Any] = {
        name: cell.strip() for name, cell in zip(names, cells, strict=True) if cell.strip()
    }
    try:
        model = ContactRowIn.model_validate(data)
    except ValidationError as error:
        return "; ".join(_message(e) for e in error.errors(include_url=False, include_input=False))
    return {name: getattr(model, name) for name in FIELDS}


def _message(error: Any) -> str:
    name = ".".join(str(p) for p in error["loc"]) or "row"
    if error["type"] == "missing":
        return f"{name} is required"
    if name == "email":  # the e-mail validator's explanations may quote the address
        from inquiries.api.schemas.fields import (  # noqa: PLC0415
            EMAIL_ALONE,
            EMAIL_LOCAL_PART_TOO_LONG,
        )

        reason = (error.get("ctx") or {}).get("reason")
        if reason in (EMAIL_ALONE, EMAIL_LOCAL_PART_TOO_LONG):  # ours: they quote nothing
            return f"email is not a valid e-mail address: {reason}"
        return "email is not a valid e-mail address"
    text = str(error["msg"]).removeprefix("Value error, ")
    return f"{name}: {text}"
