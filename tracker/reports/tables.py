"""A report's figures as the tables a board reads, and those tables as CSV files and a workbook.

``report_tables(report, lang)`` turns a report.json dictionary (``tracker.stats.report``,
suppressed by ``tracker.reports.suppression.suppress_report`` or not) into presentation tables:
translated row labels and column headers, one line of definition each (metrics.md), and the
cells as they are to be shown. Every writer of a bundle (csv, xlsx, pdf) draws from the same
tables, so the figures in every format are the same figures.

A table's cells:

- ``int``: a count (or, in a ``"figures"`` table, a whole number of days);
- ``float``: a share between 0 and 1, except in a ``"figures"`` table, where it is a number
  of days (a median can fall between two days); see ``is_share``;
- ``str``: a suppression mark, ``<t`` (a small count) or ``x`` (hidden so that a small count
  cannot be worked out by subtraction); in the goals table also the translated verdict;
- ``None``: no value (a share of nothing, a median of no exits); shown as "–".

The CSV files are UTF-8 *with* a byte order mark, comma-separated, with a dot as the decimal
sign: the BOM makes Excel read å, ä and ö right, and the rest keeps the files exact for
pandas, R and the like. (The workbook is the format meant for reading in Excel.)
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from tracker.domain.codelists import DEFAULT_CODE_LISTS, GENDER, CodeList
from tracker.i18n import get_language, t
from tracker.reports.cellkey import HIDDEN_MARK, protection_note
from tracker.reports.info import ReportInfo
from tracker.stats.engine import BREAKDOWNS, COLUMNS, GENDERS
from tracker.stats.report import FINSAM_BREAKDOWNS

KINDS = ("counts", "shares", "goals", "figures")

# The tables in the order a board reads them: (slug, kind, rows). A row is ("count", metric),
# ("share", share id), ("breakdown", breakdown id) for all of its codes, ("destination_shares",)
# for every destination's share, or ("figure", figure id).
_FLOW = (
    ("count", "contacts"),
    ("count", "applications"),
    ("count", "started"),
    ("count", "not_started"),
    ("count", "pending_at_end"),
    ("count", "enrolled"),
    ("count", "active_at_end"),
    ("count", "active_step_up"),
    ("count", "exits"),
)
_LAYOUT: tuple[tuple[str, str, tuple[tuple[str, ...], ...]], ...] = (
    ("flow", "counts", _FLOW),
    (
        "step_up",
        "counts",
        (("count", "exits_measurable"), ("count", "step_up"), ("share", "step_up_share")),
    ),
    (
        "exits_by_destination",
        "counts",
        (("breakdown", "exits_by_destination"), ("count", "exits")),
    ),
    ("destination_shares", "shares", (("destination_shares",),)),
    ("exits_by_kind", "counts", (("breakdown", "exits_by_kind"), ("count", "exits"))),
    (
        "handover",
        "counts",
        (("count", "exits"), ("count", "exits_handover"), ("share", "handover_share")),
    ),
    (
        "followups",
        "counts",
        (
            ("count", "followup_6m"),
            ("count", "followup_6m_held"),
            ("share", "followup_6m_share"),
            ("count", "followup_6m_missing"),
            ("count", "followup_18m"),
            ("count", "followup_18m_held"),
            ("share", "followup_18m_share"),
            ("count", "followup_18m_missing"),
        ),
    ),
    (
        "not_started_by_reason",
        "counts",
        (("breakdown", "not_started_by_reason"), ("count", "not_started")),
    ),
    # Shown when the report carries a referrer breakdown (report.json 1 has none yet).
    (
        "referrers",
        "counts",
        (("breakdown", "applications_by_referrer"), ("count", "applications")),
    ),
    ("days_in_insats", "figures", (("figure", "days_in_insats_median"),)),
    ("goals", "goals", ()),
    (
        "comparison",
        "counts",
        (
            *_FLOW,
            ("count", "exits_measurable"),
            ("count", "step_up"),
            ("share", "step_up_share"),
        ),
    ),
    # Year bundles only: the figures a deltagaransvarig types into Försäkringskassan's
    # national follow-up (Uppföljning Finsam), per insats.
    ("finsam", "counts", (("finsam",),)),
)
# Breakdowns the engine does not list (yet) with the code list that labels their codes.
_EXTRA_BREAKDOWN_LISTS = {"applications_by_referrer": "referrer"}


@dataclass(frozen=True, eq=False)  # eq=False: a DataFrame has no single truth value
class ReportTable:
    """One presentation table of a report (see the module docstring for its cells)."""

    slug: str  # file-safe English slug: csv/<slug>.csv
    title: str  # from the catalog, in the chosen language
    definition: str  # one line: what the figure means (metrics.md)
    # index: row labels; columns: Kvinna, Man, Ej angivet, Totalt (the goals table: goal,
    # result, met, comparison period's result); object dtype, so cells keep their Python types
    # (read rows with itertuples or to_numpy: pandas 3 infers a str dtype for iterrows' rows
    # and turns None into NaN there).
    frame: pd.DataFrame
    kind: str  # "counts" | "shares" | "goals" | "figures"


def is_share(table: ReportTable, value: object) -> bool:
    """True when ``value``, a cell of ``table``, is a share (0..1) to show as a percentage."""
    return isinstance(value, float) and table.kind != "figures"


def gender_columns(lang: str | None = None) -> list[str]:
    """The column headers of a gender-split table: Kvinna, Man, Ej angivet, Totalt."""
    return [*(GENDER.label(g, lang) for g in GENDERS), t("tables.col.total", lang)]


def _code_label(lists: Mapping[str, CodeList], breakdown: str, code: str, lang: str) -> str:
    list_name = (
        BREAKDOWNS[breakdown][0]
        if breakdown in BREAKDOWNS
        else _EXTRA_BREAKDOWN_LISTS.get(breakdown, "")
    )
    code_list = lists.get(list_name)
    return code_list.label(code, lang) if code_list is not None and code in code_list else code


def _share_cell(share: Mapping[str, Any] | None) -> float | str | None:
    if share is None:
        return None
    if share.get("suppressed"):
        return HIDDEN_MARK
    return share.get("value")


def _rows(
    part: Mapping[str, Any],
    spec: tuple[tuple[str, ...], ...],
    lists: Mapping[str, CodeList],
    lang: str,
) -> tuple[list[str], list[list[Any]]] | None:
    labels: list[str] = []
    cells: list[list[Any]] = []
    for row in spec:
        what = row[0]
        if what == "count":
            labels.append(t(f"stats.metric.{row[1]}", lang))
            cells.append([part["counts"][row[1]][c] for c in COLUMNS])
        elif what == "share":
            labels.append(t(f"stats.metric.{row[1]}", lang))
            cells.append([_share_cell(part["shares"][row[1]][c]) for c in COLUMNS])
        elif what == "breakdown":
            breakdown = part.get("breakdowns", {}).get(row[1])
            if breakdown is None:
                return None
            for code, by_column in breakdown.items():
                labels.append(_code_label(lists, row[1], code, lang))
                cells.append([by_column[c] for c in COLUMNS])
        elif what == "destination_shares":
            prefix = "destination_share."
            for name, by_column in part["shares"].items():
                if name.startswith(prefix):
                    code = name[len(prefix) :]
                    labels.append(_code_label(lists, "exits_by_destination", code, lang))
                    cells.append([_share_cell(by_column[c]) for c in COLUMNS])
        elif what == "finsam":
            rows = _finsam_rows(part, lang)
            if rows is None:  # not a calendar year's report
                return None
            labels += rows[0]
            cells += rows[1]
        elif what == "figure":
            labels.append(t(f"stats.metric.{row[1]}", lang))
            exits = part["counts"]["exits"]
            # A median hidden with its exits shows the exits' mark, not "no value".
            cells.append(
                [
                    HIDDEN_MARK
                    if part["figures"][row[1]][c] is None and isinstance(exits[c], str)
                    else part["figures"][row[1]][c]
                    for c in COLUMNS
                ]
            )
    return labels, cells


def _finsam_rows(part: Mapping[str, Any], lang: str) -> tuple[list[str], list[list[Any]]] | None:
    """Per insats, the new and the active participants; then the same for all of them."""
    breakdowns = part.get("breakdowns", {})
    if not all(name in breakdowns for name in FINSAM_BREAKDOWNS.values()):
        return None
    labels: list[str] = []
    cells: list[list[Any]] = []
    new, active = (breakdowns[FINSAM_BREAKDOWNS[kind]] for kind in ("new", "active"))
    for insats in new:
        for kind, table in (("new", new), ("active", active)):
            labels.append(t(f"tables.finsam.{kind}", lang, insats=insats))
            cells.append([table[insats][c] for c in COLUMNS])
    for kind, metric in (("new", "started"), ("active", "enrolled")):
        labels.append(t(f"tables.finsam.{kind}_all", lang))
        cells.append([part["counts"][metric][c] for c in COLUMNS])
    return labels, cells


def _goal_frame(report: Mapping[str, Any], lang: str) -> pd.DataFrame:
    label = report["comparison_period"]["label"]
    columns = [
        t("tables.col.target", lang),
        t("tables.col.result", lang, label=report["period"]["label"]),
        t("tables.col.met", lang),
        t("tables.col.comparison_result", lang, label=label),
        t("tables.col.goal_source", lang),
    ]
    labels, cells = [], []
    for goal in report.get("goals", []):
        metric = goal["metric"]
        current = report["shares"].get(metric, {}).get("total", {})
        earlier = report["comparison"]["shares"].get(metric, {}).get("total", {})
        # suppress_report blanks a hidden goal's value; the share it came from says why.
        if current.get("suppressed"):
            value: Any = HIDDEN_MARK
            met: Any = HIDDEN_MARK
        else:
            value = goal["value"]
            met = {True: t("stats.goal_met", lang), False: t("stats.goal_not_met", lang)}.get(
                goal["met"], t("stats.goal_no_data", lang)
            )
        earlier_value = HIDDEN_MARK if earlier.get("suppressed") else goal["comparison_value"]
        labels.append(t(f"stats.metric.{metric}", lang))
        source = t(f"tables.goal_source.{goal_source(goal)}", lang)
        cells.append([float(goal["target"]), value, met, earlier_value, source])
    return _frame(labels, cells, columns, t("tables.goals.index", lang))


def goal_source(goal: Mapping[str, Any]) -> str:
    """``"set"`` (a coordinator set it: the board's goal) or ``"default"`` (nobody did).

    A report written before goals carried their source says nothing about it, so it is read
    as a default: a goal is only ever called the board's when the report says so."""
    return "set" if goal.get("source") == "set" else "default"


def goals_title_key(report: Mapping[str, Any]) -> str:
    """The goals table's title: the board's goals, standard goals nobody decided, or both."""
    sources = {goal_source(goal) for goal in report.get("goals", [])}
    if sources == {"set"}:
        return "tables.goals.title"
    if sources == {"default"}:
        return "tables.goals.title_default"
    return "tables.goals.title_mixed"


def _frame(
    labels: list[str], cells: list[list[Any]], columns: list[str], index: str
) -> pd.DataFrame:
    # object dtype: counts stay int, shares float, marks str, and None stays None.
    frame = pd.DataFrame(cells, index=pd.Index(labels, name=index), columns=columns, dtype=object)
    return frame.astype(object).where(frame.notna(), None)


def report_tables(
    report: Mapping[str, Any],
    lang: str | None = None,
    *,
    code_lists: Mapping[str, CodeList] | None = None,
) -> list[ReportTable]:
    """The board's tables of ``report`` (report.json, suppressed or not), in reading order.

    Codes (destinations, reasons, kinds) are labelled from ``code_lists`` (default: the
    domain's default lists); a code no list knows is shown as it is.
    """
    lang = lang or get_language()
    lists = dict(DEFAULT_CODE_LISTS if code_lists is None else code_lists)
    columns = gender_columns(lang)
    comparison_label = report["comparison_period"]["label"]
    tables: list[ReportTable] = []
    for slug, kind, spec in _LAYOUT:
        if slug == "goals":
            frame = _goal_frame(report, lang)
        else:
            part = report["comparison"] if slug == "comparison" else report
            rows = _rows(part, spec, lists, lang)
            if rows is None:  # a breakdown this report does not carry
                continue
            frame = _frame(*rows, columns, t(f"tables.{slug}.index", lang))
        title_key = goals_title_key(report) if slug == "goals" else f"tables.{slug}.title"
        tables.append(
            ReportTable(
                slug=slug,
                # Only the comparison's title names a period; format ignores the rest.
                title=t(title_key, lang, label=comparison_label),
                definition=t(f"tables.{slug}.definition", lang),
                frame=frame,
                kind=kind,
            )
        )
    return tables


# --- csv -------------------------------------------------------------------------------------


def write_csv(tables: Sequence[ReportTable]) -> dict[str, bytes]:
    """One CSV file per table, ``{"csv/<slug>.csv": bytes}`` (format: see the module docstring).

    Counts are written as integers, shares as decimals (0.714), marks as their text and a
    missing value as an empty field.
    """
    files: dict[str, bytes] = {}
    for table in tables:
        # lineterminator fixed: the same bytes on every platform, so bundles hash the same.
        text = table.frame.to_csv(lineterminator="\n")
        files[f"csv/{table.slug}.csv"] = text.encode("utf-8-sig")
    return files


# --- xlsx ------------------------------------------------------------------------------------

# Where a table sits on its sheet: title, definition, period, marks, a blank row, then the table.
_TITLE_ROW, _DEFINITION_ROW, _PERIOD_ROW, _MARK_ROW, _PROTECTION_ROW, _HEADER_ROW = 1, 2, 3, 4, 5, 6
_FIRST_DATA_ROW = _HEADER_ROW + 1
_COUNT_FORMAT = "#,##0"
_SHARE_FORMAT = "0.0%"
_DAYS_FORMAT = "0.#"
_WARNING_FONT = Font(bold=True, color="C00000")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_LABEL_WIDTH_MAX = 60
_CHART_WIDTH_CM, _CHART_HEIGHT_CM = 20, 11


def _period_text(period: Mapping[str, Any]) -> str:
    return f"{period['label']} ({period['first']} – {period['last']})"


def _warnings(report: Mapping[str, Any], info: ReportInfo, lang: str) -> list[str]:
    """The DEMO / INTERNT / PRELIMINÄR statements every sheet carries."""
    found = []
    if info.demo:
        found.append(t("tables.mark.demo", lang))
    if info.internal:
        found.append(t("tables.mark.internal", lang))
    if info.preliminary:
        found.append(t("tables.mark.preliminary", lang, last=report["period"]["last"]))
    return found


def _mark_sheet(
    sheet: Worksheet, row: int, report: Mapping[str, Any], info: ReportInfo, lang: str
) -> None:
    """DEMO / INTERNT / PRELIMINÄR in the sheet and in its printed header, so no page leaves
    without it."""
    warnings = _warnings(report, info, lang)
    if not warnings:
        return
    cell = sheet.cell(row=row, column=1, value=" ".join(warnings))
    cell.font = _WARNING_FONT
    short = " · ".join(
        word
        for word, flag in (
            ("DEMO", info.demo),
            (t("tables.mark.internal_short", lang), info.internal),
            (t("tables.mark.preliminary_short", lang), info.preliminary),
        )
        if flag
    )
    sheet.oddHeader.center.text = short
    sheet.oddHeader.center.color = "C00000"


def _write_cell(
    sheet: Worksheet, row: int, column: int, value: Any, table: ReportTable, lang: str
) -> None:
    cell = sheet.cell(row=row, column=column)
    if value is None:
        cell.value = t("stats.no_value", lang)
        cell.alignment = Alignment(horizontal="right")
    elif isinstance(value, str):
        # Marks (and the goals' verdicts) stay text: a "<5" must never be summed as a number.
        cell.value = value
        cell.alignment = Alignment(horizontal="right")
    elif isinstance(value, bool):  # never in a table, but bool is an int: keep it out
        cell.value = str(value)
    elif is_share(table, value):
        cell.value = float(value)
        cell.number_format = _SHARE_FORMAT
    elif isinstance(value, float):
        cell.value = value
        cell.number_format = _DAYS_FORMAT
    else:
        cell.value = int(value)
        cell.number_format = _COUNT_FORMAT


def _page_setup(sheet: Worksheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _table_sheet(
    sheet: Worksheet, report: Mapping[str, Any], table: ReportTable, info: ReportInfo, lang: str
) -> None:
    sheet.cell(row=_TITLE_ROW, column=1, value=table.title).font = Font(bold=True, size=14)
    sheet.cell(row=_DEFINITION_ROW, column=1, value=table.definition).font = Font(italic=True)
    period = t(
        "tables.sheet_period",
        lang,
        period=_period_text(
            report["comparison_period" if table.slug == "comparison" else "period"]
        ),
        insatser=", ".join(report.get("insatser", [])),
    )
    sheet.cell(row=_PERIOD_ROW, column=1, value=period)
    _mark_sheet(sheet, _MARK_ROW, report, info, lang)
    if info.threshold is not None:  # every sheet says its figures are protected, and how
        note = protection_note(info.threshold, lang)
        sheet.cell(row=_PROTECTION_ROW, column=1, value=note).font = Font(italic=True, size=9)

    frame = table.frame
    header = [frame.index.name or "", *frame.columns]
    for column, text in enumerate(header, start=1):
        cell = sheet.cell(row=_HEADER_ROW, column=column, value=str(text))
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="left" if column == 1 else "right", wrap_text=True)
    for offset, (label, values) in enumerate(
        zip(frame.index, frame.itertuples(index=False, name=None), strict=True)
    ):
        row = _FIRST_DATA_ROW + offset
        sheet.cell(row=row, column=1, value=str(label))
        for column, value in enumerate(values, start=2):
            _write_cell(sheet, row, column, value, table, lang)

    label_width = max((len(str(x)) for x in (header[0], *frame.index)), default=10)
    sheet.column_dimensions["A"].width = min(label_width + 2, _LABEL_WIDTH_MAX)
    for column, text in enumerate(header[1:], start=2):
        sheet.column_dimensions[get_column_letter(column)].width = max(len(str(text)) + 2, 12)
    sheet.freeze_panes = sheet.cell(row=_FIRST_DATA_ROW, column=2)
    _page_setup(sheet)


def _bar_chart(title: str, x_title: str, y_title: str, *, horizontal: bool) -> BarChart:
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.grouping = "clustered"
    chart.title = title
    chart.x_axis.title = x_title
    chart.y_axis.title = y_title
    # openpyxl 3.1 leaves the axes' "delete" unset, which recent Excel reads as hidden axes.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if horizontal:  # the first row on top, as in the table
        chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.scaling.min = 0
    chart.width, chart.height = _CHART_WIDTH_CM, _CHART_HEIGHT_CM
    return chart


def _chart_anchor(table: ReportTable) -> str:
    return f"{get_column_letter(len(table.frame.columns) + 3)}{_HEADER_ROW}"


def _gender_bar_chart(sheet: Worksheet, table: ReportTable, rows: int, key: str, lang: str) -> None:
    """Rows 0..rows-1 of a gender-split table, one bar per gender (the total left out: it would
    dwarf the bars it sums)."""
    last_row = _FIRST_DATA_ROW + rows - 1
    chart = _bar_chart(
        t(f"tables.chart.{key}", lang),
        table.frame.index.name or "",
        t("tables.axis.people", lang),
        horizontal=True,
    )
    data = Reference(
        sheet, min_col=2, max_col=1 + len(GENDERS), min_row=_HEADER_ROW, max_row=last_row
    )
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=_FIRST_DATA_ROW, max_row=last_row))
    chart.height = max(_CHART_HEIGHT_CM, 1.5 * rows)
    sheet.add_chart(chart, _chart_anchor(table))


def _step_up_chart(
    sheet: Worksheet, report: Mapping[str, Any], table: ReportTable, lang: str
) -> None:
    """The step-up share per gender and in total, with the goal as a line across."""
    share_row = _FIRST_DATA_ROW + len(table.frame) - 1
    chart = _bar_chart(
        t("tables.chart.step_up", lang),
        t("tables.axis.gender", lang),
        t("tables.axis.share", lang),
        horizontal=False,
    )
    chart.y_axis.scaling.max = 1
    chart.y_axis.number_format = "0%"
    chart.add_data(
        Reference(sheet, min_col=1, max_col=len(COLUMNS) + 1, min_row=share_row),
        from_rows=True,
        titles_from_data=True,
    )
    categories = Reference(sheet, min_col=2, max_col=len(COLUMNS) + 1, min_row=_HEADER_ROW)
    chart.set_categories(categories)
    goal = next((g for g in report.get("goals", []) if g["metric"] == "step_up_share"), None)
    if goal is not None:
        target = goal["target"]
        # The goal goes in the sheet (a chart plots cells), one row below the table.
        goal_row = share_row + 2
        row_key = "tables.goal_row" if goal_source(goal) == "set" else "tables.goal_row_default"
        sheet.cell(row=goal_row, column=1, value=t(row_key, lang))
        for column in range(2, len(COLUMNS) + 2):
            cell = sheet.cell(row=goal_row, column=column, value=float(target))
            cell.number_format = _SHARE_FORMAT
        line = LineChart()
        line.add_data(
            Reference(sheet, min_col=1, max_col=len(COLUMNS) + 1, min_row=goal_row),
            from_rows=True,
            titles_from_data=True,
        )
        line.set_categories(categories)
        chart += line
    sheet.add_chart(chart, _chart_anchor(table))


def _about_sheet(
    sheet: Worksheet,
    report: Mapping[str, Any],
    tables: Sequence[ReportTable],
    info: ReportInfo,
    lang: str,
) -> None:
    sheet.cell(row=1, column=1, value=t("tables.about.title", lang)).font = Font(bold=True, size=14)
    _mark_sheet(sheet, 2, report, info, lang)
    threshold = info.threshold
    as_of = report.get("as_of") or {}
    facts: list[tuple[str, str]] = [
        (t("tables.about.what_label", lang), t("tables.about.what", lang)),
        (t("tables.about.forbund", lang), info.forbund or t("stats.no_value", lang)),
        (t("tables.about.period", lang), _period_text(report["period"])),
        (t("tables.about.comparison_period", lang), _period_text(report["comparison_period"])),
        (t("tables.about.insatser", lang), ", ".join(report.get("insatser", []))),
        (
            t("tables.about.generated_at", lang),
            info.generated_at.isoformat(sep=" ", timespec="minutes"),
        ),
        (
            t("tables.about.suppression", lang),
            t("tables.about.internal", lang)
            if threshold is None
            else protection_note(threshold, lang),
        ),
        (
            t("tables.about.audit_head", lang),
            t("tables.about.audit_head_value", lang, seq=as_of.get("seq"), hash=as_of.get("hash")),
        ),
        (t("tables.about.signer", lang), info.signer_fingerprint),
        (t("tables.about.tool_version", lang), info.tool_version),
        (t("tables.about.database_id", lang), info.database_id),
        (t("tables.about.verify_label", lang), t("tables.about.verify", lang)),
    ]
    row = 4
    for label, value in facts:
        sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
        sheet.cell(row=row, column=2, value=value).alignment = Alignment(wrap_text=True)
        row += 1

    row += 1
    sheet.cell(row=row, column=1, value=t("tables.about.marks", lang)).font = Font(bold=True)
    if threshold is None:
        marks = [("0", t("tables.about.mark_zero", lang))]
    else:
        marks = [
            ("0", t("tables.about.mark_zero_protected", lang, largest=threshold - 1)),
            (HIDDEN_MARK, t("tables.about.mark_hidden", lang)),
        ]
    marks.append((t("stats.no_value", lang), t("tables.about.mark_none", lang)))
    for mark, meaning in marks:
        row += 1
        sheet.cell(row=row, column=1, value=mark).alignment = Alignment(horizontal="right")
        sheet.cell(row=row, column=2, value=meaning).alignment = Alignment(wrap_text=True)

    row += 2
    sheet.cell(row=row, column=1, value=t("tables.about.definitions", lang)).font = Font(bold=True)
    for table in tables:
        row += 1
        sheet.cell(row=row, column=1, value=table.title)
        sheet.cell(row=row, column=2, value=table.definition).alignment = Alignment(wrap_text=True)
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 100
    _page_setup(sheet)


def _sheet_name(table: ReportTable, lang: str, taken: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and unique in the workbook.
    base = t(f"tables.{table.slug}.sheet", lang)[:31]
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def _deterministic_zip(data: bytes, moment: datetime) -> bytes:
    """The same workbook bytes for the same report: every member dated ``moment``."""
    stamp = moment.timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            entry = zipfile.ZipInfo(member.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(member.filename))
    return out.getvalue()


def _as_text(workbook: Workbook) -> None:
    """Every cell as the value it shows: the report writes no formulas, so a name typed by a
    user that starts with "=" (a förbund or insats called "=HYPERLINK(…)") stays text instead
    of becoming a live formula that Excel runs when the board opens the file."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def write_xlsx(
    report: Mapping[str, Any],
    tables: Sequence[ReportTable],
    info: ReportInfo,
    lang: str | None = None,
) -> bytes:
    """The report as an Excel workbook: "Om rapporten" first, then one sheet per table, with
    native charts for the flow, the exit destinations and the step-up share against its goal."""
    lang = lang or get_language()
    workbook = Workbook()
    about = workbook.active
    about.title = t("tables.about.sheet", lang)
    _about_sheet(about, report, tables, info, lang)
    taken = {about.title.lower()}
    for table in tables:
        sheet = workbook.create_sheet(_sheet_name(table, lang, taken))
        _table_sheet(sheet, report, table, info, lang)
        if table.slug == "flow":
            _gender_bar_chart(sheet, table, len(table.frame), "flow", lang)
        elif table.slug == "exits_by_destination":
            # Every row but the last, the exits they add up to.
            _gender_bar_chart(sheet, table, len(table.frame) - 1, "destinations", lang)
        elif table.slug == "step_up":
            _step_up_chart(sheet, report, table, lang)

    # Core properties dated by the report, not by the clock, so the same report gives the
    # same bytes (openpyxl's save_workbook would stamp "modified" with now()).
    moment = info.generated_at.astimezone(UTC).replace(tzinfo=None)
    workbook.properties.created = moment
    workbook.properties.modified = moment
    workbook.properties.creator = f"tracker {info.tool_version}"
    workbook.properties.lastModifiedBy = None
    workbook.properties.title = t("tables.about.what", lang)
    _as_text(workbook)
    buffer = io.BytesIO()
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return _deterministic_zip(buffer.getvalue(), moment)
