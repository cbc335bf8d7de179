"""Tertials, future periods and running ones in the board bundle (issue 10), on a demo register
whose today is 2026-11-20: 2026T3 (Sep–Dec) is running, 2026T1 has ended, 2027T1 is ahead."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from bundle_support import NOW, DemoRegister, demo_register
from openpyxl import load_workbook
from pypdf import PdfReader

from tracker.domain.errors import RuleError
from tracker.domain.periods import Period
from tracker.reports.bundle import export_bundle, read_bundle, verify_bundle
from tracker.services import reports
from tracker.store.eventlog import iter_events


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRegister]:
    with demo_register(tmp_path_factory.mktemp("periods"), participants=80) as register:
        yield register


def _exports(demo: DemoRegister) -> int:
    with demo.login() as session, session.read() as connection:
        return sum(event.kind == reports.REPORT_EXPORTED for event in iter_events(connection))


def test_a_period_in_the_future_is_refused_and_nothing_is_written(
    demo: DemoRegister, tmp_path: Path
) -> None:
    before = _exports(demo)
    with demo.login() as session, pytest.raises(RuleError) as refused:
        export_bundle(session, Period.parse("2027T1"), formats=["json"], out_dir=tmp_path)
    (violation,) = refused.value.violations
    assert violation.message("sv").startswith("Perioden 2027T1 har inte börjat än")
    assert list(tmp_path.iterdir()) == []
    assert _exports(demo) == before


def test_a_running_tertial_is_marked_preliminary_everywhere(
    demo: DemoRegister, tmp_path: Path
) -> None:
    with demo.login() as session:
        path = export_bundle(session, Period.parse("2026T3"), out_dir=tmp_path, now=NOW)
        ended = export_bundle(session, Period.parse("2026T1"), formats=["json"], out_dir=tmp_path)
    assert path.name == "DEMO_2026T3_alla_preliminar_20261120T093015.zip"
    assert verify_bundle(path).ok
    bundle = read_bundle(path)
    assert bundle.report["preliminary"] is True and bundle.manifest["preliminary"] is True
    assert bundle.report["period"] == {
        "label": "2026T3",
        "first": "2026-09-01",
        "last": "2026-12-31",
    }
    assert bundle.report["comparison_period"]["label"] == "2025T3"
    assert verify_bundle(path).facts.preliminary  # type: ignore[union-attr]

    pages = [
        page.extract_text() for page in PdfReader(io.BytesIO(bundle.members["report.pdf"])).pages
    ]
    assert "Tertialrapport" in pages[0]
    assert all("PRELIMINÄR" in " ".join(page.split()) for page in pages), "every page"
    book = load_workbook(io.BytesIO(bundle.members["report.xlsx"]))
    for sheet in book.worksheets:
        texts = [
            str(cell.value) for row in sheet.iter_rows(max_row=4) for cell in row if cell.value
        ]
        assert any("PRELIMINÄR: perioden slutar 2026-12-31" in text for text in texts), sheet.title
        assert "PRELIMINÄR" in sheet.oddHeader.center.text

    final = read_bundle(ended)
    assert "preliminar" not in ended.name
    assert final.report["preliminary"] is False and final.manifest["preliminary"] is False
    assert final.report["period"]["last"] == "2026-04-30"
