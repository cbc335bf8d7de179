"""The domain's shared error types: a broken rule (``Violation``) and the exception that carries
every one found (``RuleError``). Their own module, imported by every rule module, so that the
rule modules need not import each other for them (no import circle inside tracker/domain)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tracker.i18n import t


@dataclass(frozen=True)
class Violation:
    """One broken rule: an i18n key, the values its message needs, and the offending field."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)
    field: str | None = None

    def message(self, lang: str | None = None) -> str:
        """The rendered message in ``lang`` (default: the current language)."""
        return t(self.key, lang, **self.params)


class RuleError(Exception):
    """Raised when input breaks domain rules; carries every violation found, not just the first."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations: list[Violation] = list(violations)
        super().__init__(self.violations)

    def __str__(self) -> str:
        return "\n".join(v.message() for v in self.violations)
