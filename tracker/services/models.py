"""Read models: what services hand the TUI and CLI, built from database rows by column name
(no field-by-field constructor to keep in step with a table).

A read model is a pydantic dataclass (``@pydantic.dataclasses.dataclass(frozen=True)``):
validated like any pydantic model on the way out of the store (the stored ISO date text becomes
``date``, the types are checked), and a plain dataclass afterwards. Not a ``BaseModel`` or a
SQLModel class without ``table=True``: reading an attribute of those costs about five times a
dataclass's (the case list's filter and search read every row's fields on each key), and
SQLModel's ``model_validate`` adds a Python layer that made building the 5,000-row case list
twice as slow. Columns without a field are ignored, so a query may select more than the model
shows.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import TypeAdapter
from sqlalchemy import Row

Model = TypeVar("Model")


@functools.cache
def _adapter(model: type[Any]) -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def from_rows(model: type[Model], rows: Sequence[Row[Any]]) -> list[Model]:
    """One ``model`` per row, validated in one call. The column names are read once: pairing
    them with each row is faster than the row's own mapping or attribute access."""
    if not rows:
        return []
    names = rows[0]._fields
    return validated(model, [dict(zip(names, row, strict=True)) for row in rows])


def validated(model: type[Model], items: list[dict[str, Any]]) -> list[Model]:
    """One ``model`` per dict (a row's columns, with fields computed from them)."""
    return _adapter(model).validate_python(items)
