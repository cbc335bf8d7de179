"""report.pdf from a real demo register: what a board member and a reviewer read on its pages.

The PDF is read back with pypdf (the text on each page); the layout is checked on the pages
the PDF is drawn from (``board_pages``): every line of text with its box as the PDF draws it
(the embedded font's advance widths, ascent and descent), every bar with its value.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pytest
from pypdf import PdfReader
from tables_support import both_reports

from tracker.domain.periods import Period
from tracker.i18n import t
from tracker.reports.cellkey import HIDDEN_MARK, protection_note
from tracker.reports.info import ReportInfo
from tracker.reports.pdf import (
    SECTION_TITLES,
    Page,
    TextItem,
    board_pages,
    format_cell,
    format_share,
    report_kind,
    write_pdf,
)
from tracker.reports.tables import report_tables
from tracker.services import registers
from tracker.services.demo import build_demo
from tracker.services.session import Session
from tracker.store import keyfile
from tracker.store.keyfile import KdfParams

TODAY = date(2026, 11, 20)
PERIOD = Period.parse("2026H1")  # the last half-year before TODAY
THRESHOLD = 5
FINGERPRINT = "3f2a:9c1b:77de:0a45:b3c9:11f0:8e2d:c4a7"
FORBUND = "Samordningsförbundet Västra Mälardalen"
GENERATED = datetime(2026, 11, 20, 14, 3, tzinfo=UTC)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    """The unprotected and the protected report of a real demo register (building it is the
    slow part)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(keyfile, "DEFAULT_KDF", KdfParams(8, 1, 1))
        patch.setattr(keyfile, "KDF_FLOOR", KdfParams(8, 1, 1))
        path = tmp_path_factory.mktemp("demo") / "demo.db"
        build_demo(path, participants=240, seed=7, today=TODAY)
        with registers.open_session(
            path, user="demo", passphrase=registers.DEMO_PASSPHRASE, today=lambda: TODAY
        ) as session:
            return both_reports(session, PERIOD)


@pytest.fixture(scope="module")
def raw_report(reports: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    return reports[0]


@pytest.fixture(scope="module")
def suppressed(reports: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    return reports[1]


def _info(
    *, demo: bool = True, threshold: int | None = THRESHOLD, forbund: str | None = FORBUND
) -> ReportInfo:
    return ReportInfo(
        forbund=forbund,
        generated_at=GENERATED,
        signer_fingerprint=FINGERPRINT,
        demo=demo,
        threshold=threshold,
        tool_version="0.1.0",
        database_id="db-test",
    )


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _flat(text: str) -> str:
    """Page text with line breaks (and no-break spaces) as spaces: wrapped labels read as one
    line."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def suppressed_pdf(suppressed: dict[str, Any]) -> bytes:
    return write_pdf(suppressed, report_tables(suppressed, "sv"), _info(), "sv")


@pytest.fixture(scope="module")
def suppressed_pages(suppressed: dict[str, Any]) -> list[Page]:
    return board_pages(suppressed, report_tables(suppressed, "sv"), _info(), "sv")


@pytest.fixture(scope="module")
def internal_pdf(raw_report: dict[str, Any]) -> bytes:
    info = _info(demo=False, threshold=None)
    return write_pdf(raw_report, report_tables(raw_report, "sv"), info, "sv")


# --- every page ------------------------------------------------------------------------------


def test_every_page_has_the_footer(suppressed_pages: list[Page], suppressed_pdf: bytes) -> None:
    pages = _pages(suppressed_pdf)
    assert len(pages) == len(suppressed_pages) >= 7  # title, summary, five sections
    for number, text in enumerate(pages, start=1):
        flat = _flat(text)
        assert f"Sida {number}/{len(pages)}" in flat
        assert FINGERPRINT in flat
        assert "2026-11-20 14:03 UTC" in flat


def test_a_demo_is_marked_demo_on_every_page(suppressed_pdf: bytes) -> None:
    for text in _pages(suppressed_pdf):
        assert t("pdf.banner.demo", "sv") in _flat(text)
        assert "INTERNT" not in text


def test_an_unsuppressed_report_is_marked_internal_on_every_page(internal_pdf: bytes) -> None:
    for text in _pages(internal_pdf):
        assert t("pdf.banner.internal", "sv") in _flat(text)
        assert "DEMO" not in text


def test_a_real_suppressed_report_has_no_marks_and_speaks_english(
    suppressed: dict[str, Any],
) -> None:
    pdf = write_pdf(suppressed, report_tables(suppressed, "en"), _info(demo=False), "en")
    pages = [_flat(text) for text in _pages(pdf)]
    assert "Half-year report" in pages[0]
    assert t("pdf.chart.flow", "en") in " ".join(pages)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number}/{len(pages)}" in text
        assert FINGERPRINT in text
        for mark in ("DEMO", "INTERNT", "INTERNAL"):
            assert mark not in text


# --- what the pages say ---------------------------------------------------------------------


def _assert_rows_printed(report: dict[str, Any], pdf: bytes, slug: str) -> None:
    """Every row of a table is on a page as its label followed by its cells, as formatted."""
    table = next(table for table in report_tables(report, "sv") if table.slug == slug)
    text = _flat(" ".join(_pages(pdf)))
    for label, values in zip(table.frame.index, table.frame.itertuples(index=False), strict=True):
        cells = " ".join(_flat(format_cell(table, value, "sv")) for value in values)
        assert f"{label} {cells}" in text


def test_the_title_page_states_the_facts(suppressed: dict[str, Any], suppressed_pdf: bytes) -> None:
    title = _flat(_pages(suppressed_pdf)[0])
    assert "Halvårsrapport" in title
    assert FORBUND in title
    assert "2026H1 (2026-01-01 – 2026-06-30)" in title
    assert "2025H1 (2025-01-01 – 2025-06-30)" in title
    assert "Skapad 2026-11-20 14:03 UTC" in title
    for insats in suppressed["insatser"]:
        assert insats in title
    # How small counts are protected, and the sentence that says how far off a figure can be.
    assert t("pdf.suppression_on", "sv", threshold=THRESHOLD, spread=THRESHOLD - 1) in title
    assert _flat(protection_note(THRESHOLD, "sv")) in title


def test_every_protected_page_says_how_far_a_figure_can_be_off(suppressed_pdf: bytes) -> None:
    note = _flat(t("pdf.protection_footer", "sv", spread=THRESHOLD - 1))
    assert all(note in _flat(page) for page in _pages(suppressed_pdf))


def test_the_summary_compares_goals_results_and_the_comparison_period(
    suppressed: dict[str, Any], suppressed_pdf: bytes
) -> None:
    summary = _flat(_pages(suppressed_pdf)[1])
    for header in ("Mål", "Målvärde", "Resultat 2026H1", "Uppnått", "Jämförelseperiod 2025H1"):
        assert header in summary
    for goal in suppressed["goals"]:
        assert t(f"stats.metric.{goal['metric']}", "sv") in summary
        assert _flat(format_share(goal["target"], "sv")) in summary
        if goal["value"] is not None:
            assert _flat(format_share(goal["value"], "sv")) in summary
        if goal["comparison_value"] is not None:
            assert _flat(format_share(goal["comparison_value"], "sv")) in summary
    verdicts = [g["met"] for g in suppressed["goals"] if g["met"] is not None]
    assert verdicts, "the demo should give at least one goal a verdict"
    assert any(word in summary.split() for word in ("ja", "nej"))


def test_each_chart_section_has_its_titles_and_table(
    suppressed: dict[str, Any], suppressed_pdf: bytes
) -> None:
    text = _flat(" ".join(_pages(suppressed_pdf)))
    tables = {table.slug: table for table in report_tables(suppressed, "sv")}
    for slug, key in SECTION_TITLES.items():
        assert t(key, "sv") in text
        assert tables[slug].title in text
        assert tables[slug].definition in text
    for chart in ("flow", "step_up", "destinations", "followups", "reasons"):
        assert t(f"pdf.chart.{chart}", "sv") in text
    assert t("pdf.axis.people", "sv") in text
    assert t("pdf.axis.share", "sv") in text


def test_every_table_of_the_bundle_is_in_the_pdf(
    suppressed: dict[str, Any], suppressed_pdf: bytes
) -> None:
    text = _flat(" ".join(_pages(suppressed_pdf)))
    for table in report_tables(suppressed, "sv"):
        assert table.title in text
        for label in table.frame.index:
            assert str(label) in text


def test_suppressed_cells_show_their_marks_and_the_note(
    suppressed: dict[str, Any], suppressed_pdf: bytes
) -> None:
    pages = [_flat(text) for text in _pages(suppressed_pdf)]
    flow = next(p for p in pages if t("pdf.chart.flow", "sv") in p)
    hidden = [c for c in suppressed["counts"]["exits"].values() if isinstance(c, str)]
    assert hidden, "the demo's exits should have a hidden gender cell (ej angivet)"
    assert HIDDEN_MARK in flow.split()
    assert t("pdf.note.hidden", "sv", mark=HIDDEN_MARK) in " ".join(pages)
    _assert_rows_printed(suppressed, suppressed_pdf, "flow")
    _assert_rows_printed(suppressed, suppressed_pdf, "step_up")


def test_an_unsuppressed_report_shows_every_count(
    raw_report: dict[str, Any], internal_pdf: bytes
) -> None:
    text = " ".join(_pages(internal_pdf))
    assert f"<{THRESHOLD}" not in text
    assert t("pdf.note.hidden", "sv", mark=HIDDEN_MARK) not in _flat(text)
    small = [v for row in raw_report["counts"].values() for v in row.values() if 0 < v < THRESHOLD]
    assert small, "the demo should have small counts"
    _assert_rows_printed(raw_report, internal_pdf, "flow")
    _assert_rows_printed(raw_report, internal_pdf, "followups")


def test_a_share_of_nothing_is_a_dash(raw_report: dict[str, Any]) -> None:
    tables = {table.slug: table for table in report_tables(raw_report, "sv")}
    step_up = tables["step_up"]
    assert format_cell(step_up, None, "sv") == "–"
    report = copy.deepcopy(raw_report)
    for column in ("kvinna", "man", "ej_angivet", "total"):
        report["shares"]["step_up_share"][column] = {"num": 0, "den": 0, "value": None}
    pages = board_pages(report, report_tables(report, "sv"), _info(), "sv")
    page = next(p for p in pages if _has_text(p, t("pdf.chart.step_up", "sv")))
    assert _has_text(page, t("pdf.note.empty", "sv"))


# --- the charts draw no hidden value ---------------------------------------------------------


def _has_text(page: Page, text: str) -> bool:
    return any(text in " ".join(item.text.split()) for item in page.texts)


def test_hidden_values_draw_no_bar(
    suppressed: dict[str, Any], suppressed_pages: list[Page]
) -> None:
    page = next(p for p in suppressed_pages if _has_text(p, t("pdf.chart.destinations", "sv")))
    cells = [
        value
        for column in ("kvinna", "man", "ej_angivet", "total")
        for row in suppressed["breakdowns"]["exits_by_destination"].values()
        for value in [row[column]]
    ]
    drawn = sorted(bar.value for bar in page.bars if bar.value is not None)
    shown = sorted(float(v) for v in cells if not isinstance(v, str))
    assert any(isinstance(v, str) for v in cells), "the demo should hide a destination cell"
    assert drawn == shown


def test_the_goal_is_drawn_as_a_line(
    suppressed: dict[str, Any], suppressed_pages: list[Page]
) -> None:
    page = next(p for p in suppressed_pages if _has_text(p, t("pdf.chart.step_up", "sv")))
    target = next(g["target"] for g in suppressed["goals"] if g["metric"] == "step_up_share")
    goals = [line for line in page.lines if line.goal is not None]
    assert [line.goal for line in goals] == [target * 100]
    # Drawn level across the chart, at the height of its value on the chart's scale.
    assert goals[0].y0 == goals[0].y1 and goals[0].x1 - goals[0].x0 > 200


# --- layout: nothing off the page, nothing on top of anything else ----------------------------


def _assert_laid_out(pages: list[Page]) -> None:
    for number, page in enumerate(pages, start=1):
        boxes = [(item, item.box()) for item in page.texts if item.text.strip()]
        for item, (x0, x1, y0, y1) in boxes:
            assert x0 >= 0 and x1 <= page.width, (number, item.text)
            assert y0 >= 0 and y1 <= page.height, (number, item.text)
        # No two texts overlap (tables, headings, notes, and the charts' titles, ticks, bar
        # values and legends; not the watermark, which is meant to lie faintly under them):
        # an overflowing cell runs into its neighbour.
        own = [(item, box) for item, box in boxes if item.alpha == 1]
        edges = np.array([box for _, box in own])
        wide = np.minimum.outer(edges[:, 1], edges[:, 1]) - np.maximum.outer(
            edges[:, 0], edges[:, 0]
        )
        high = np.minimum.outer(edges[:, 3], edges[:, 3]) - np.maximum.outer(
            edges[:, 2], edges[:, 2]
        )
        clash = np.triu((wide > 0.5) & (high > 0.5), k=1)
        pairs = [(own[i][0].text, own[j][0].text) for i, j in np.argwhere(clash)]
        assert not pairs, (number, sorted(set(pairs))[:20])


def test_no_text_leaves_the_page_or_overlaps(
    raw_report: dict[str, Any], suppressed_pages: list[Page]
) -> None:
    _assert_laid_out(suppressed_pages)
    # Unsuppressed, both marks, in English (other words, other widths).
    info = _info(demo=True, threshold=None)
    _assert_laid_out(board_pages(raw_report, report_tables(raw_report, "en"), info, "en"))


def _long_report(report: Mapping[str, Any]) -> dict[str, Any]:
    """A report with many non-start reasons, some with long unknown codes, and many insatser:
    tables that must continue on the next page and labels that must wrap."""
    long = copy.deepcopy(dict(report))
    reasons = long["breakdowns"]["not_started_by_reason"]
    for number in range(45):
        code = f"orsak_{number}_" + ("mycket_lång_kod_utan_mellanslag_" * (number % 3))
        reasons[code] = {"kvinna": 0, "man": 0, "ej_angivet": 0, "total": 0}
    long["insatser"] = [f"Samordningsteam med ett långt namn nummer {n}" for n in range(12)]
    # A custom period: its label is one long word in column headers and legends.
    long["period"] = Period.parse("2026-01-15..2026-06-30").to_dict()
    long["comparison_period"] = Period.parse("2025-01-15..2025-06-30").to_dict()
    return long


def test_long_tables_continue_on_the_next_page(suppressed: dict[str, Any]) -> None:
    report = _long_report(suppressed)
    tables = report_tables(report, "sv")
    info = _info(forbund="Samordningsförbundet " + "Mycket Långt Förbundsnamn " * 4)
    pages = board_pages(report, tables, info, "sv")
    _assert_laid_out(pages)
    reasons = next(table for table in tables if table.slug == "not_started_by_reason")
    assert any(_has_text(p, t("pdf.continued", "sv", title=reasons.title)) for p in pages)
    assert any(_has_text(p, "orsak_44_") for p in pages)  # the last row made it onto a page


# --- the file --------------------------------------------------------------------------------


def test_the_same_report_gives_the_same_bytes(
    suppressed: dict[str, Any], suppressed_pdf: bytes
) -> None:
    again = write_pdf(suppressed, report_tables(suppressed, "sv"), _info(), "sv")
    assert again == suppressed_pdf
    metadata = PdfReader(io.BytesIO(suppressed_pdf)).metadata
    assert metadata is not None and metadata.creation_date == GENERATED
    assert metadata.title == "Halvårsrapport 2026H1"


def test_the_text_is_embedded_dejavu_sans_one_subset_per_face(suppressed_pdf: bytes) -> None:
    """Searchable, copyable text in the fonts the layout measured with: every font a page uses
    is an embedded TrueType subset of DejaVu Sans (no base-14 font the reader substitutes)."""
    fonts: dict[str, Any] = {}
    for page in PdfReader(io.BytesIO(suppressed_pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    faces = {name.split("+", 1)[-1] for name in fonts}
    assert faces == {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"}
    assert len(fonts) == len(faces)  # one subset per face
    for font in fonts.values():
        assert font["/Subtype"] == "/TrueType"
        assert "/FontFile2" in font["/FontDescriptor"].get_object()
        assert "/ToUnicode" in font  # text extraction gives å, ä, ö back


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("2026H1", "Halvårsrapport"),
        ("2026H2", "Halvårsrapport"),
        ("2026", "Helårsrapport"),
        ("2026Q3", "Kvartalsrapport"),
        ("2026-01-15..2026-03-31", "Rapport"),
    ],
)
def test_the_report_kind_follows_the_period(label: str, kind: str) -> None:
    assert report_kind(Period.parse(label).label, "sv") == kind


def test_an_empty_register_gives_a_readable_report(session: Session) -> None:
    """A new register, protected: every count 0 (subsets of nothing hidden), every share and
    goal result hidden (a base of 0 may be a protected small count), no goal reached or
    missed; unprotected: every share "–" and no goal has data."""
    raw, report = both_reports(session, PERIOD)
    assert all(v in (0, HIDDEN_MARK) for row in report["counts"].values() for v in row.values())
    assert all(goal["met"] is None for goal in report["goals"])
    tables = report_tables(report, "sv")
    pages = board_pages(report, tables, _info(demo=False), "sv")
    _assert_laid_out(pages)
    text = _flat(" ".join(_pages(write_pdf(report, tables, _info(demo=False), "sv"))))
    assert t("pdf.note.hidden", "sv", mark=HIDDEN_MARK) in text
    assert t("stats.goal_met", "sv") not in text.replace(t("stats.goal_not_met", "sv"), "")
    internal = _info(demo=False, threshold=None)
    text = _flat(" ".join(_pages(write_pdf(raw, report_tables(raw, "sv"), internal, "sv"))))
    assert t("stats.goal_no_data", "sv") in text
    assert t("pdf.note.empty", "sv") in text


def _summary_texts(report: dict[str, Any]) -> list[TextItem]:
    pages = board_pages(report, report_tables(report, "sv"), _info(), "sv")
    return pages[1].texts


def _with_goal_sources(report: dict[str, Any], source: str) -> dict[str, Any]:
    changed = copy.deepcopy(report)
    for goal in changed["goals"]:
        goal["source"] = source
    return changed


def test_only_goals_a_coordinator_set_are_called_the_boards(suppressed: dict[str, Any]) -> None:
    judged = [g for g in suppressed["goals"] if g["met"] is not None]
    assert judged, "the demo should give at least one goal a verdict"
    verdicts = {t("common.yes", "sv"), t("common.no", "sv")}

    defaults = _summary_texts(suppressed)  # the demo sets no goal: all are defaults
    words = " ".join(text.text for text in defaults)
    assert t("tables.goals.title_default", "sv") in words
    assert "Styrelsens mål" not in words
    assert "standardmål (ej beslutat av styrelsen)" in words
    # A verdict against a default is printed in ink, never in the board's red or green.
    coloured = [text for text in defaults if text.text in verdicts]
    assert coloured and all(text.colour == "#1a1a1a" for text in coloured)

    decided = _summary_texts(_with_goal_sources(suppressed, "set"))
    words = " ".join(text.text for text in decided)
    assert t("tables.goals.title", "sv") in words and "Styrelsens mål" in words
    assert "ej beslutat av styrelsen" not in words
    colours = {text.colour for text in decided if text.text in verdicts}
    assert colours and colours <= {"#c0392b", "#1e7b34"}
