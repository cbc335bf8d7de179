"""The base of the read models that services hand the TUI and CLI: typed, immutable, built
from a database row by field name (no field-by-field constructor to keep in step with a table).

Plain pydantic models rather than SQLModel ones: a read model is no table, and pydantic's own
validation is about twice as fast as SQLModel's for the case list's thousands of rows (SQLModel
adds a Python layer to ``model_validate``). Validation turns the stored ISO date text into
``date`` and checks the types on the way out of the store.
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Row


class ReadModel(BaseModel):
    """A row as the TUI and CLI read it: attributes, never keys."""

    model_config = ConfigDict(frozen=True)

    @classmethod
    def from_row(cls, row: Row[Any], **computed: Any) -> Self:
        """The model of ``row``'s columns (those it has no field for are ignored), with the
        fields computed from them in ``computed``."""
        return cls.model_validate({**row._mapping, **computed})
