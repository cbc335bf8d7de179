"""Payloads are read with orjson for speed: the value must be json.loads', type for type."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.store.eventlog import canonical_json
from tracker.store.payload import parse_payload

scalars = (
    st.none()
    | st.booleans()
    | st.integers()  # beyond 64 bits too: orjson would read those as floats
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _typed(value: Any) -> Any:
    """The value with every scalar's type spelled out (1, 1.0 and True compare equal)."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return (type(value).__name__, value)


@given(values)
def test_a_payload_reads_as_json_loads_reads_it(value: Any) -> None:
    for text in (json.dumps(value), canonical_json(value).decode("utf-8", "surrogatepass")):
        assert _typed(parse_payload(text)) == _typed(json.loads(text))


@pytest.mark.parametrize(
    "text",
    [
        '{"level": 123456789012345678901234567890}',
        '{"level": -9223372036854775809}',
        '{"level": 18446744073709551616}',
        '{"x": 1.00000000000000000000000001}',
        '{"code": "\\ud800"}',
        '{"a": 1, "a": 2}',
    ],
)
def test_text_orjson_reads_otherwise_or_refuses_reads_as_json_loads_reads_it(text: str) -> None:
    assert _typed(parse_payload(text)) == _typed(json.loads(text))


def test_nan_and_invalid_text_are_read_or_refused_as_json_loads_does() -> None:
    assert math.isnan(parse_payload('{"x": NaN}')["x"])
    with pytest.raises(ValueError):
        parse_payload('{"x": ')
