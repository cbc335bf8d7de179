"""write_xlsx: the workbook reopened with openpyxl, as a board member's Excel would read it."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import openpyxl
import pytest
from tables_support import THRESHOLD, demo_reports, report_info

from tracker.i18n import t
from tracker.reports.cellkey import HIDDEN_MARK, protection_note
from tracker.reports.info import ReportInfo
from tracker.reports.tables import ReportTable, is_share, report_tables, write_xlsx

HEADER_ROW = 6  # title, definition, period, marks, a blank row, then the table


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    return demo_reports(tmp_path_factory.mktemp("xlsx"))


@pytest.fixture(scope="module")
def raw_report(reports: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    return reports[0]


@pytest.fixture(scope="module")
def suppressed(reports: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    return reports[1]


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _workbook(
    report: dict[str, Any], info: ReportInfo, lang: str = "sv"
) -> tuple[list[ReportTable], bytes]:
    tables = report_tables(report, lang)
    return tables, write_xlsx(report, tables, info, lang)


def _sheet_text(sheet: Any) -> str:
    return "\n".join(
        str(value) for row in sheet.iter_rows(values_only=True) for value in row if value
    )


def test_one_sheet_per_table_after_om_rapporten(suppressed: dict[str, Any]) -> None:
    tables, data = _workbook(suppressed, report_info())
    book = _open(data)
    assert book.sheetnames[0] == "Om rapporten"
    assert len(book.sheetnames) == 1 + len(tables)
    for name, table in zip(book.sheetnames[1:], tables, strict=True):
        sheet = book[name]
        assert len(name) <= 31
        assert sheet["A1"].value == table.title
        assert sheet["A2"].value == table.definition
        header = [c.value for c in sheet[HEADER_ROW]][: 1 + len(table.frame.columns)]
        assert header == [table.frame.index.name, *table.frame.columns]
        assert sheet.freeze_panes == f"B{HEADER_ROW + 1}"
        assert sheet.column_dimensions["A"].width >= max(len(str(x)) for x in table.frame.index)


@pytest.mark.parametrize("suppress", [False, True])
def test_cells_are_numbers_marks_are_text(
    raw_report: dict[str, Any], suppressed: dict[str, Any], suppress: bool
) -> None:
    report = suppressed if suppress else raw_report
    tables, data = _workbook(report, report_info(threshold=THRESHOLD if suppress else None))
    book = _open(data)
    seen: set[type] = set()
    for name, table in zip(book.sheetnames[1:], tables, strict=True):
        sheet = book[name]
        for offset, (_, *values) in enumerate(table.frame.itertuples(name=None)):
            for column, value in enumerate(values, start=2):
                cell = sheet.cell(row=HEADER_ROW + 1 + offset, column=column)
                seen.add(type(value))
                if value is None:
                    assert cell.value == "–"
                elif isinstance(value, str):
                    assert cell.data_type == "s" and cell.value == value
                elif is_share(table, value):
                    assert cell.data_type == "n" and cell.value == pytest.approx(value)
                    assert "%" in cell.number_format
                else:
                    assert cell.data_type == "n" and cell.value == value
                    assert isinstance(cell.value, int) == isinstance(value, int)
    assert {int, float, str} <= seen
    if suppress:
        marks = {
            sheet.cell(row=r, column=c).value
            for sheet in book.worksheets[1:]
            for r in range(HEADER_ROW + 1, sheet.max_row + 1)
            for c in range(2, 6)
        }
        assert HIDDEN_MARK in marks


def _chart_texts(data: bytes) -> list[set[str]]:
    """Every text (titles, axis titles) of every chart part, read from the xlsx's XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [
            set(re.findall(r"<a:t>([^<]*)</a:t>", archive.read(name).decode("utf-8")))
            for name in sorted(archive.namelist())
            if name.startswith("xl/charts/chart")
        ]


def test_native_charts_with_titles(suppressed: dict[str, Any]) -> None:
    tables, data = _workbook(suppressed, report_info())
    book = _open(data)
    by_slug = dict(zip((tb.slug for tb in tables), book.sheetnames[1:], strict=True))
    for slug in ("flow", "exits_by_destination", "step_up"):
        charts = book[by_slug[slug]]._charts
        assert len(charts) == 1, slug
    texts = _chart_texts(data)
    expected = [
        {t("tables.chart.flow", "sv"), t("tables.axis.people", "sv")},
        {t("tables.chart.destinations", "sv"), t("tables.axis.people", "sv")},
        {t("tables.chart.step_up", "sv"), t("tables.axis.share", "sv")},
    ]
    for wanted in expected:
        assert any(wanted <= found for found in texts), wanted
    # The step-up chart plots the goal from the sheet, as the row under the table says.
    step_up = book[by_slug["step_up"]]
    goal = next(g for g in suppressed["goals"] if g["metric"] == "step_up_share")
    # Nobody set it in the demo: the row says it is a default, not the board's goal.
    assert goal["source"] == "default"
    goal_rows = [
        row
        for row in step_up.iter_rows(values_only=True)
        if row[0] == t("tables.goal_row_default", "sv")
    ]
    assert goal_rows and goal_rows[0][1:5] == (goal["target"],) * 4


def test_om_rapporten_holds_the_facts_and_definitions(suppressed: dict[str, Any]) -> None:
    info = report_info()
    tables, data = _workbook(suppressed, info)
    text = _sheet_text(_open(data)["Om rapporten"])
    for fact in (
        str(suppressed["as_of"]["seq"]),
        suppressed["as_of"]["hash"],
        info.signer_fingerprint,
        info.tool_version,
        info.database_id,
        info.forbund,
        suppressed["period"]["first"],
        suppressed["comparison_period"]["label"],
        *suppressed["insatser"],
        protection_note(THRESHOLD, "sv"),
        "2026-11-20 09:30",
    ):
        assert fact in text, fact
    for table in tables:
        assert table.definition in text


def test_demo_and_internt_on_every_sheet(
    raw_report: dict[str, Any], suppressed: dict[str, Any]
) -> None:
    cases = [
        (suppressed, report_info(demo=True), {"DEMO"}),
        (raw_report, report_info(demo=False, threshold=None), {"INTERNT"}),
        (suppressed, report_info(demo=False), set()),
    ]
    for report, info, words in cases:
        _, data = _workbook(report, info)
        for sheet in _open(data).worksheets:
            text = _sheet_text(sheet)
            for word in ("DEMO", "INTERNT"):
                if word in words:
                    assert word in text and word in (sheet.oddHeader.center.text or ""), sheet.title
                else:
                    assert word not in text, sheet.title


def test_the_same_report_gives_the_same_bytes(suppressed: dict[str, Any]) -> None:
    info = report_info()
    _, first = _workbook(suppressed, info)
    _, second = _workbook(suppressed, info)
    assert first == second
    properties = _open(first).properties
    assert properties.created == info.generated_at.replace(tzinfo=None)
    assert properties.modified == info.generated_at.replace(tzinfo=None)


def test_english_workbook(raw_report: dict[str, Any]) -> None:
    _, data = _workbook(raw_report, report_info(threshold=None, demo=False), "en")
    book = _open(data)
    assert book.sheetnames[0] == "About the report"
    assert book.sheetnames[1] == "Flow"
    assert book["Flow"].cell(row=HEADER_ROW, column=2).value == "Woman"
    text = _sheet_text(book["About the report"])
    assert "INTERNAL" in text and "Audit log head" in text
    assert any(t("tables.chart.flow", "en") in found for found in _chart_texts(data))
