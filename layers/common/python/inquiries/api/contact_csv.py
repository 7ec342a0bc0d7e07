"""Reading `POST /contacts/import`: a CSV file of contacts -> rows, and rows at fault.

The file as a whole must be readable: UTF-8 (a BOM is fine), a header that names the
contract's columns (any order; `last_name` and `country` must be among them; a column
of another name or one named twice is refused, never ignored), at most 10,000 rows.
Otherwise it is a 422 and nothing is imported. Each row is then checked on its own:
a row at fault is left out with its line number (the header is line 1) and what is
wrong, never the value it holds. Empty lines, and rows of empty cells only, are skipped.
A header of semicolons (as Excel writes in German or Italian settings) is read as such.

Both say what is wrong in English (`message`, for developers) and as codes an app puts in
its own words: a file's 422 has a `type` per problem (FILE_PROBLEMS) with its `ctx` (a line
number, column positions, the contract's column names; never what the file holds), a row
at fault its problems, each a column (`field`), a `type` (ROW_PROBLEMS) and a `ctx`.
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


# What can be wrong with a file as a whole (the 422's `errors[0].type`), and its `ctx`.
FILE_PROBLEMS = (
    "not_utf8",  # {"line"}
    "empty",  # {}
    "unknown_columns",  # {"positions": the first 5, "count", "columns": the contract's}
    "repeated_columns",  # {"columns"}
    "missing_columns",  # {"columns"}
    "unclosed_quote",  # {"line"}
    "misplaced_quote",  # {"line"}
    "cell_too_long",  # {"line", "max_length"}
    "invalid_csv",  # {"line"}
    "too_many_rows",  # {"max_rows"}
)
# What can be wrong with a row's cell (`field`, the column) or with the row (`field` None).
ROW_PROBLEMS = (
    "missing",  # a required column left empty
    "invisible",  # a name of nothing but invisible characters (zero-width spaces, ...)
    "too_long",  # {"max_length"}
    "control_characters",  # NUL, a tab, a line break (the street takes those two)
    "email",  # {"reason": "alone" | "local_part_too_long"} where it is one of ours
    "country",
    "phone",
    "postal_code",
    "cells",  # {"cells", "columns"}: not as many cells as the header has columns
    "invalid",  # anything else (none known)
)


@dataclass(frozen=True)
class Problem:
    field: str | None
    type: str
    message: str
    ctx: dict[str, Any]


@dataclass(frozen=True)
class Rejected:
    line: int
    problems: tuple[Problem, ...]

    @property
    def message(self) -> str:
        return "; ".join(p.message for p in self.problems)

    def view(self) -> dict[str, Any]:
        """The answer's row: its line, the English message, its problems as codes (the
        first one's also on the row itself)."""
        problems = [
            {"field": p.field, "type": p.type, "message": p.message, "ctx": p.ctx}
            for p in self.problems
        ]
        first = problems[0]
        return {
            "row": self.line,
            "message": self.message,
            "field": first["field"],
            "type": first["type"],
            "ctx": first["ctx"],
            "problems": problems,
        }


def _invalid(message: str, kind: str, **ctx: Any) -> ValidationFailed:
    error = {"loc": ["body", "file"], "msg": message, "type": kind, "ctx": ctx}
    return ValidationFailed(message, [error])


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise _invalid(
            f"the file is not UTF-8 (line {line}); save it as CSV UTF-8 and import it again",
            "not_utf8",
            line=line,
        ) from None


def _header(first_line: str) -> tuple[str, list[str]]:
    """The delimiter and the column names of the header line."""
    delimiter = ","
    if "," not in first_line and ";" in first_line:
        delimiter = ";"
    names = [name.strip().lower() for name in next(csv.reader([first_line], delimiter=delimiter))]
    unknown = [number for number, name in enumerate(names, 1) if name not in FIELDS]
    if unknown:
        # Where, never what: a file without its header line would show its first row here.
        where = ", ".join(map(str, unknown[:5])) + (", ..." if len(unknown) > 5 else "")
        which = f"column {where} is" if len(unknown) == 1 else f"columns {where} are"
        raise _invalid(
            f"the header line's {which} not known (is the first line the header?); "
            f"the columns are {', '.join(FIELDS)}",
            "unknown_columns",
            positions=unknown[:5],
            count=len(unknown),
            columns=list(FIELDS),
        )
    # Known names only from here: the contract's, nothing of the file's.
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise _invalid(
            f"the header names columns twice: {', '.join(twice)}", "repeated_columns", columns=twice
        )
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise _invalid(
            f"the header lacks the required columns: {', '.join(missing)}",
            "missing_columns",
            columns=missing,
        )
    return delimiter, names


def read(raw: bytes) -> tuple[list[Row], list[Rejected]]:
    """The file's valid rows and the rows at fault; a 422 for a file that cannot be read."""
    text = _text(raw)
    lines = io.StringIO(text, newline="")
    first = lines.readline().rstrip("\r\n")
    if not first.strip():
        raise _invalid("the file is empty or its first line is not the header", "empty")
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
                raise _invalid(
                    f"the file has more than {MAX_ROWS:,} rows; split it",
                    "too_many_rows",
                    max_rows=MAX_ROWS,
                )
    except csv.Error as error:
        near = previous_end + 1
        kind, ctx = _csv_problem(str(error))
        raise _invalid(
            f"the file is not valid CSV near line {near} (a quote not closed, or a cell too long)",
            kind,
            line=near,
            **ctx,
        ) from None
    finally:
        csv.field_size_limit(limit)
    valid: list[Row] = []
    rejected: list[Rejected] = []
    for line, cells in rows:
        checked = _row(names, cells)
        if isinstance(checked, tuple):
            rejected.append(Rejected(line, checked))
        else:
            valid.append(Row(line, checked))
    return valid, rejected


def _csv_problem(error: str) -> tuple[str, dict[str, Any]]:
    """The kind of the csv module's error (its messages, as of Python 3.12)."""
    if error.startswith("field larger than field limit"):
        return "cell_too_long", {"max_length": _FIELD_LIMIT}
    if error == "unexpected end of data":  # strict: the end of the file inside quotes
        return "unclosed_quote", {}
    if "expected after '\"'" in error:  # strict: `"Rossi"x`
        return "misplaced_quote", {}
    return "invalid_csv", {}


def _row(names: list[str], cells: list[str]) -> dict[str, str | None] | tuple[Problem, ...]:
    """The row's checked cells, or what is wrong with it."""
    if len(cells) != len(names):
        message = f"the row has {len(cells)} cells, the header {len(names)}"
        return (Problem(None, "cells", message, {"cells": len(cells), "columns": len(names)}),)
    from pydantic import ValidationError  # noqa: PLC0415

    from inquiries.api.schemas import ContactRowIn  # noqa: PLC0415

    # An empty cell is no value: a required column left empty is "required".
    data: dict[str, Any] = {
        name: cell.strip() for name, cell in zip(names, cells, strict=True) if cell.strip()
    }
    try:
        model = ContactRowIn.model_validate(data)
    except ValidationError as error:
        return tuple(_problem(e) for e in error.errors(include_url=False, include_input=False))
    return {name: getattr(model, name) for name in FIELDS}


def _problem(error: Any) -> Problem:
    field = ".".join(str(p) for p in error["loc"]) or None
    kind, ctx = _kind(field, error)
    return Problem(field, kind, _message(error), ctx)


def _kind(field: str | None, error: Any) -> tuple[str, dict[str, Any]]:
    """The problem's type and ctx: what the app needs to say it, nothing of the value."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "missing", {}
    if field == "email":
        from inquiries.api.schemas.fields import (  # noqa: PLC0415
            EMAIL_ALONE,
            EMAIL_LOCAL_PART_TOO_LONG,
        )

        ours = {EMAIL_ALONE: "alone", EMAIL_LOCAL_PART_TOO_LONG: "local_part_too_long"}
        reason = ours.get(str(ctx.get("reason")))
        return "email", {"reason": reason} if reason else {}
    if field == "country":  # too short or long, or no ISO code: no country
        return "country", {}
    if kind == "string_too_long":
        return "too_long", {"max_length": ctx["max_length"]}
    if kind == "string_too_short":  # a name of invisible characters (`visible`)
        return "invisible", {}
    if kind == "value_error" and str(ctx.get("error", "")).startswith("control characters"):
        return "control_characters", {}
    if kind == "value_error" and field in ("phone", "postal_code"):
        return field, {}
    return "invalid", {}


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
