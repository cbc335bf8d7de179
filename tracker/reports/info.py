"""What every writer of a bundle (xlsx, pdf, csv) needs to know besides the figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

FORMATS = ("json", "csv", "xlsx", "pdf")


@dataclass(frozen=True)
class ReportInfo:
    """The facts a bundle's pages and sheets state about themselves (also in manifest.json)."""

    forbund: str | None  # the samordningsförbund's name for the title page, when set
    generated_at: datetime  # timezone-aware
    signer_fingerprint: str  # tracker.store.signing.PublicKey.fingerprint
    demo: bool  # a demo register: every page and sheet is marked DEMO
    threshold: int | None  # None: an unsuppressed report, marked INTERNT everywhere
    tool_version: str
    database_id: str
    # The period had not ended when the report was made: every page and sheet says PRELIMINÄR.
    preliminary: bool = False

    @property
    def internal(self) -> bool:
        return self.threshold is None
