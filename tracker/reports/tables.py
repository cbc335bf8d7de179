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
from datetime import datetime
from typing import Any

import pandas as pd

from tracker.domain.codelists import DEFAULT_CODE_LISTS, GENDER, CodeList
from tracker.i18n import get_language, t
from tracker.reports.info import ReportInfo
from tracker.reports.suppression import SECONDARY_MARK
from tracker.stats.engine import BREAKDOWNS, COLUMNS, GENDERS

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
)
# Breakdowns the engine does not list (yet) with the code list that labels their codes.
_EXTRA_BREAKDOWN_LISTS = {"applications_by_referrer": "referrer"}


@dataclass(frozen=True, eq=False)  # eq=False: a DataFrame has no single truth value
class Table:
    """One presentation table of a report (see the module docstring for its cells)."""

    slug: str  # file-safe English slug: csv/<slug>.csv
    title: str  # from the catalog, in the chosen language
    definition: str  # one line: what the figure means (metrics.md)
    frame: pd.DataFrame  # index: row labels; columns: Kvinna, Man, Ej angivet, Totalt
    kind: str  # "counts" | "shares" | "goals" | "figures"


def is_share(table: Table, value: object) -> bool:
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
        return SECONDARY_MARK
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
        elif what == "figure":
            labels.append(t(f"stats.metric.{row[1]}", lang))
            exits = part["counts"]["exits"]
            # A median hidden with its exits shows the exits' mark, not "no value".
            cells.append(
                [
                    SECONDARY_MARK
                    if part["figures"][row[1]][c] is None and isinstance(exits[c], str)
                    else part["figures"][row[1]][c]
                    for c in COLUMNS
                ]
            )
    return labels, cells


def _goal_frame(report: Mapping[str, Any], lang: str) -> pd.DataFrame:
    label = report["comparison_period"]["label"]
    columns = [
        t("tables.col.target", lang),
        t("tables.col.result", lang, label=report["period"]["label"]),
        t("tables.col.met", lang),
        t("tables.col.comparison_result", lang, label=label),
    ]
    labels, cells = [], []
    for goal in report.get("goals", []):
        metric = goal["metric"]
        current = report["shares"].get(metric, {}).get("total", {})
        earlier = report["comparison"]["shares"].get(metric, {}).get("total", {})
        # suppress_report blanks a hidden goal's value; the share it came from says why.
        if current.get("suppressed"):
            value: Any = SECONDARY_MARK
            met: Any = SECONDARY_MARK
        else:
            value = goal["value"]
            met = {True: t("stats.goal_met", lang), False: t("stats.goal_not_met", lang)}.get(
                goal["met"], t("stats.goal_no_data", lang)
            )
        earlier_value = SECONDARY_MARK if earlier.get("suppressed") else goal["comparison_value"]
        labels.append(t(f"stats.metric.{metric}", lang))
        cells.append([float(goal["target"]), value, met, earlier_value])
    return _frame(labels, cells, columns, t("tables.goals.index", lang))


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
) -> list[Table]:
    """The board's tables of ``report`` (report.json, suppressed or not), in reading order.

    Codes (destinations, reasons, kinds) are labelled from ``code_lists`` (default: the
    domain's default lists); a code no list knows is shown as it is.
    """
    lang = lang or get_language()
    lists = dict(DEFAULT_CODE_LISTS if code_lists is None else code_lists)
    columns = gender_columns(lang)
    comparison_label = report["comparison_period"]["label"]
    tables: list[Table] = []
    for slug, kind, spec in _LAYOUT:
        if slug == "goals":
            frame = _goal_frame(report, lang)
        else:
            part = report["comparison"] if slug == "comparison" else report
            rows = _rows(part, spec, lists, lang)
            if rows is None:  # a breakdown this report does not carry
                continue
            frame = _frame(*rows, columns, t(f"tables.{slug}.index", lang))
        tables.append(
            Table(
                slug=slug,
                title=t(f"tables.{slug}.title", lang, label=comparison_label)
                if slug == "comparison"
                else t(f"tables.{slug}.title", lang),
                definition=t(f"tables.{slug}.definition", lang),
                frame=frame,
                kind=kind,
            )
        )
    return tables
