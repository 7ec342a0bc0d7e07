"""DynamoDB's typed attribute values (`{"S": "x"}`, `{"N": "1"}`, ...) to and from Python.

The same conversions as boto3's `TypeSerializer` and `TypeDeserializer`
(`tests/unit/test_attributes.py` checks every kind against them), without importing
boto3: the functions talk to AWS through botocore's clients, and boto3's own import
(its `s3transfer` and `multiprocessing` included) would add about 10 ms to every cold
start for these few lines (`bench/cold_start.py`, docs/decisions.md).

Numbers go through DynamoDB's decimal context (38 digits; a value that would be rounded
is refused, as is a float: use int or Decimal); numbers read back are Decimals.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from decimal import Clamped, Context, Decimal, Inexact, Overflow, Rounded, Underflow
from typing import Any

# DynamoDB's number type: up to 38 significant digits; anything else is an error.
NUMBERS = Context(
    Emin=-128, Emax=126, prec=38, traps=[Clamped, Overflow, Inexact, Rounded, Underflow]
)


def _number(value: int | Decimal) -> str:
    text = str(NUMBERS.create_decimal(value))
    if text in ("Infinity", "-Infinity", "NaN", "sNaN"):
        raise TypeError("Infinity and NaN not supported")
    return text


def _is_number(value: Any) -> bool:
    if isinstance(value, float):
        raise TypeError("Float types are not supported. Use Decimal types instead.")
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def serialize(value: Any) -> dict[str, Any]:
    """A Python value as DynamoDB's typed value; TypeError for what DynamoDB cannot hold."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if _is_number(value):
        return {"N": _number(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bytes | bytearray):
        return {"B": bytes(value)}
    if isinstance(value, Set):
        return _serialize_set(value)
    if isinstance(value, Mapping):
        return {"M": {key: serialize(member) for key, member in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [serialize(member) for member in value]}
    raise TypeError(f"Unsupported type {type(value)!r} for value {value!r}")


def _serialize_set(value: Set[Any]) -> dict[str, Any]:
    # As boto3: an empty set counts as a number set (which DynamoDB then refuses).
    if all(_is_number(member) for member in value):
        return {"NS": [_number(member) for member in value]}
    if all(isinstance(member, str) for member in value):
        return {"SS": list(value)}
    if all(isinstance(member, bytes | bytearray) for member in value):
        return {"BS": [bytes(member) for member in value]}
    raise TypeError(f"Unsupported type {type(value)!r} for value {value!r}")


def deserialize(value: Mapping[str, Any]) -> Any:
    """DynamoDB's typed value as Python: numbers as Decimal, binary as bytes."""
    if not value:
        raise TypeError("Value must be a nonempty dictionary whose key is a valid dynamodb type.")
    ((kind, data),) = value.items()
    match kind:
        case "NULL":
            return None
        case "BOOL" | "S" | "B":
            return data
        case "N":
            return NUMBERS.create_decimal(data)
        case "SS" | "BS":
            return set(data)
        case "NS":
            return {NUMBERS.create_decimal(member) for member in data}
        case "L":
            return [deserialize(member) for member in data]
        case "M":
            return {key: deserialize(member) for key, member in data.items()}
    raise TypeError(f"Dynamodb type {kind} is not supported")
