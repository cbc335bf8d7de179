"""Reading a stored event's payload: json.loads' value, at orjson's speed."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import orjson


def parse_payload(text: str) -> Any:
    """``json.loads(text)``, the same value, in less than half the time: orjson, except where
    orjson would read the text otherwise or refuses it (NaN, lone surrogates), which json then
    reads or refuses as it always did. orjson reads an integer of more than 64 bits as a
    float: a payload in which it found any float is read again by json (payloads rarely hold
    one, and looking for them costs less than searching the text for long numbers)."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
    return json.loads(text) if _holds_float(value) else value


def _holds_float(value: Any) -> bool:
    if type(value) is dict:
        items: Iterable[Any] = value.values()
    elif type(value) is list:
        items = value
    else:
        return type(value) is float
    for item in items:
        kind = type(item)
        if kind is float or ((kind is dict or kind is list) and _holds_float(item)):
            return True
    return False
