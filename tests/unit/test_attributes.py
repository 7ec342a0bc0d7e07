"""adapters/attributes.py converts as boto3's TypeSerializer/TypeDeserializer do."""

from __future__ import annotations

from decimal import Decimal, DecimalException
from typing import Any

import pytest
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
from hypothesis import given
from hypothesis import strategies as st
from inquiries.adapters.attributes import deserialize, serialize
from inquiries.adapters.items import from_item, to_item

BOTO_SERIALIZER = TypeSerializer()
BOTO_DESERIALIZER = TypeDeserializer()

numbers = st.one_of(
    st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1),
    st.decimals(
        allow_nan=False, allow_infinity=False, places=6, max_value=10**20, min_value=-(10**20)
    ),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, st.text(), st.binary())
sets = st.one_of(
    st.frozensets(st.integers(min_value=-(10**12), max_value=10**12), min_size=1),
    st.sets(st.text(), min_size=1),
    st.sets(st.binary(), min_size=1),
)
values = st.recursive(
    st.one_of(scalars, sets),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=8), inner, max_size=4),
    ),
    max_leaves=20,
)


def _bytes(value: Any) -> Any:
    """boto3's Binary wrapper as the bytes it holds; lists (set order) sorted."""
    if isinstance(value, Binary):
        return value.value
    if isinstance(value, dict):
        return {k: _bytes(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_bytes(v) for v in value]
    if isinstance(value, set | frozenset):
        return {_bytes(v) for v in value}
    return value


def _comparable(typed: dict[str, Any]) -> Any:
    """A typed value with the members of its sets in a fixed order."""
    ((kind, data),) = typed.items()
    if kind in ("SS", "NS", "BS"):
        return {kind: sorted(data)}
    if kind == "L":
        return {kind: [_comparable(v) for v in data]}
    if kind == "M":
        return {kind: {k: _comparable(v) for k, v in data.items()}}
    return typed


@given(values)
def test_serialize_as_boto3(value: Any) -> None:
    assert _comparable(serialize(value)) == _comparable(BOTO_SERIALIZER.serialize(value))


@given(values)
def test_deserialize_as_boto3(value: Any) -> None:
    typed = BOTO_SERIALIZER.serialize(value)
    assert deserialize(typed) == _bytes(BOTO_DESERIALIZER.deserialize(typed))


@pytest.mark.parametrize(
    "value",
    [1.5, 10**38, Decimal("1.000000000000000000000000000000000000001"), Decimal("NaN"), object()],
)
def test_what_dynamodb_cannot_hold_is_refused_as_boto3_refuses_it(value: Any) -> None:
    with pytest.raises((TypeError, DecimalException)) as ours:
        serialize(value)
    with pytest.raises((TypeError, DecimalException)) as theirs:
        BOTO_SERIALIZER.serialize(value)
    assert type(ours.value) is type(theirs.value)


def test_items_round_trip_with_numbers_as_int_or_float() -> None:
    data = {"pk": "INQUIRY#1", "version": 3, "hours": Decimal("2.5"), "gone": None, "tags": ["a"]}
    item = to_item(data)
    assert "gone" not in item
    assert from_item(item) == {"pk": "INQUIRY#1", "version": 3, "hours": 2.5, "tags": ["a"]}


def test_an_empty_or_unknown_typed_value_is_an_error() -> None:
    with pytest.raises(TypeError):
        deserialize({})
    with pytest.raises(TypeError):
        deserialize({"X": "1"})
