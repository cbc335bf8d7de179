"""report_tables and write_csv against a real report of a real (demo) register."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from tables_support import THRESHOLD, demo_reports

from tracker.domain.codelists import DEFAULT_CODE_LISTS, CodeEntry, CodeList
from tracker.i18n import CATALOG, t
from tracker.reports.cellkey import HIDDEN_MARK
from tracker.reports.tables import ReportTable, gender_columns, is_share, report_tables, write_csv
from tracker.stats.engine import COLUMNS

FLOW = (
    "contacts",
    "applications",
    "started",
    "not_started",
    "pending_at_end",
    "enrolled",
    "active_at_end",
    "active_step_up",
    "exits",
)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    return demo_reports(tmp_path_factory.mktemp("tables"))


@pytest.fixture(scope="module")
def raw_report(reports: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    return reports[0]


@pytest.fixture(scope="module")
def protected(reports: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    return reports[1]


@pytest.fixture(scope="module", params=["unsuppressed", "suppressed"])
def report(
    request: pytest.FixtureRequest, raw_report: dict[str, Any], protected: dict[str, Any]
) -> dict[str, Any]:
    return protected if request.param == "suppressed" else raw_report


def _by_slug(tables: list[ReportTable]) -> dict[str, ReportTable]:
    return {table.slug: table for table in tables}


def _row(table: ReportTable, label: str) -> list[Any]:
    return list(table.frame.loc[label])


def _share_shown(share: dict[str, Any]) -> Any:
    return HIDDEN_MARK if share.get("suppressed") else share["value"]


def test_the_tables_come_in_reading_order_with_gender_columns(report: dict[str, Any]) -> None:
    tables = report_tables(report, "sv")
    assert [table.slug for table in tables] == [
        "flow",
        "step_up",
        "exits_by_destination",
        "destination_shares",
        "exits_by_kind",
        "handover",
        "followups",
        "not_started_by_reason",
        "days_in_insats",
        "goals",
        "comparison",
    ]
    for table in tables:
        assert re.fullmatch(r"[a-z0-9_]+", table.slug)
        assert table.kind in {"counts", "shares", "goals", "figures"}
        assert table.title and table.definition and "\n" not in table.definition
        if table.kind != "goals":
            assert list(table.frame.columns) == ["Kvinna", "Man", "Ej angivet", "Totalt"]


def test_count_rows_match_the_report_cell_by_cell(report: dict[str, Any]) -> None:
    tables = _by_slug(report_tables(report, "sv"))
    flow = tables["flow"]
    assert list(flow.frame.index) == [t(f"stats.metric.{m}", "sv") for m in FLOW]
    for metric in FLOW:
        expected = [report["counts"][metric][c] for c in COLUMNS]
        assert _row(flow, t(f"stats.metric.{metric}", "sv")) == expected
    comparison = tables["comparison"]
    assert report["comparison_period"]["label"] in comparison.title
    for metric in (*FLOW, "exits_measurable", "step_up"):
        expected = [report["comparison"]["counts"][metric][c] for c in COLUMNS]
        assert _row(comparison, t(f"stats.metric.{metric}", "sv")) == expected
    followups = tables["followups"]
    for metric in ("followup_6m", "followup_6m_held", "followup_18m_missing"):
        expected = [report["counts"][metric][c] for c in COLUMNS]
        assert _row(followups, t(f"stats.metric.{metric}", "sv")) == expected


def test_breakdowns_are_labelled_from_the_code_lists(report: dict[str, Any]) -> None:
    tables = _by_slug(report_tables(report, "sv"))
    for slug, list_name, parent in (
        ("exits_by_destination", "exit_destination", "exits"),
        ("not_started_by_reason", "non_start_reason", "not_started"),
        ("exits_by_kind", "exit_kind", "exits"),
    ):
        table = tables[slug]
        breakdown = report["breakdowns"][slug]
        code_list = DEFAULT_CODE_LISTS[list_name]
        labels = [code_list.label(code, "sv") for code in breakdown]
        assert list(table.frame.index) == [*labels, t(f"stats.metric.{parent}", "sv")]
        for code, label in zip(breakdown, labels, strict=True):
            assert _row(table, label) == [breakdown[code][c] for c in COLUMNS]
        assert _row(table, t(f"stats.metric.{parent}", "sv")) == [
            report["counts"][parent][c] for c in COLUMNS
        ]


def test_shares_figures_and_goals_match_the_report(report: dict[str, Any]) -> None:
    tables = _by_slug(report_tables(report, "sv"))
    for slug, share in (("step_up", "step_up_share"), ("handover", "handover_share")):
        row = _row(tables[slug], t(f"stats.metric.{share}", "sv"))
        assert row == [_share_shown(report["shares"][share][c]) for c in COLUMNS]
        assert all(is_share(tables[slug], v) for v in row if isinstance(v, float))
    destination_shares = tables["destination_shares"]
    for name, by_column in report["shares"].items():
        if name.startswith("destination_share."):
            label = DEFAULT_CODE_LISTS["exit_destination"].label(name.split(".", 1)[1], "sv")
            assert _row(destination_shares, label) == [_share_shown(by_column[c]) for c in COLUMNS]

    days = tables["days_in_insats"]
    median = report["figures"]["days_in_insats_median"]
    for column, shown in zip(
        COLUMNS, _row(days, t("stats.metric.days_in_insats_median", "sv")), strict=True
    ):
        if isinstance(report["counts"]["exits"][column], str):
            assert shown == HIDDEN_MARK  # hidden with its exits
        else:
            assert shown == median[column]
        assert not is_share(days, shown)

    goals = tables["goals"].frame
    assert len(goals) == len(report["goals"])
    for goal, (label, row) in zip(report["goals"], goals.iterrows(), strict=True):
        assert label == t(f"stats.metric.{goal['metric']}", "sv")
        target, value, met, earlier, source = list(row)
        assert target == goal["target"]
        # Nobody set a goal in the demo: every one is a default, and says so.
        assert goal["source"] == "default"
        assert source == "standardmål (ej beslutat av styrelsen)"
        if report["shares"][goal["metric"]]["total"].get("suppressed"):
            assert (value, met) == (HIDDEN_MARK, HIDDEN_MARK)
        else:
            assert value == goal["value"]
            verdict = {
                True: "stats.goal_met",
                False: "stats.goal_not_met",
                None: "stats.goal_no_data",
            }
            assert met == t(verdict[goal["met"]], "sv")
        hidden_earlier = report["comparison"]["shares"][goal["metric"]]["total"].get("suppressed")
        assert earlier == (HIDDEN_MARK if hidden_earlier else goal["comparison_value"])


def test_a_protected_report_shows_no_small_count(
    raw_report: dict[str, Any], protected: dict[str, Any]
) -> None:
    tables = report_tables(protected, "sv")
    shown = [
        v for table in tables if table.kind == "counts" for v in table.frame.to_numpy().ravel()
    ]
    counts = [v for v in shown if isinstance(v, int)]
    assert counts and all(v == 0 or v >= THRESHOLD for v in counts)
    # The demo's small groups are there, their breakdowns hidden: not a vacuous pass.
    assert HIDDEN_MARK in shown
    unsuppressed = report_tables(raw_report, "sv")
    raw_counts = [
        v
        for table in unsuppressed
        if table.kind == "counts"
        for v in table.frame.to_numpy().ravel()
    ]
    assert any(0 < v < THRESHOLD for v in raw_counts)
    assert not any(isinstance(v, str) for v in raw_counts)


def test_english_labels(report: dict[str, Any]) -> None:
    tables = _by_slug(report_tables(report, "en"))
    assert list(tables["flow"].frame.columns) == ["Woman", "Man", "Not stated", "Total"]
    assert gender_columns("en") == ["Woman", "Man", "Not stated", "Total"]
    assert tables["flow"].frame.index[0] == "Contacts during the period"
    assert tables["flow"].title == CATALOG["tables.flow.title"]["en"]
    assert "Employment" in tables["exits_by_destination"].frame.index
    assert tables["goals"].frame.columns[0] == "Goal"
    swedish = _by_slug(report_tables(report, "sv"))
    for slug, table in tables.items():
        assert table.definition != swedish[slug].definition
        assert table.frame.shape == swedish[slug].frame.shape


def test_the_registers_own_labels_and_unknown_codes(raw_report: dict[str, Any]) -> None:
    relabelled = CodeList(
        "exit_destination",
        2,
        (CodeEntry("forvarvsarbete", "Jobb på riktigt", "A real job"),),
    )
    lists = {**DEFAULT_CODE_LISTS, "exit_destination": relabelled}
    table = _by_slug(report_tables(raw_report, "sv", code_lists=lists))["exits_by_destination"]
    assert "Jobb på riktigt" in table.frame.index
    # Codes the given list lacks are shown as their codes rather than dropped.
    assert "studier" in table.frame.index


def test_a_referrer_breakdown_gets_its_table(raw_report: dict[str, Any]) -> None:
    with_referrers = {
        **raw_report,
        "breakdowns": {
            **raw_report["breakdowns"],
            "applications_by_referrer": {
                "af": {c: raw_report["counts"]["applications"][c] for c in COLUMNS},
                "fk": dict.fromkeys(COLUMNS, 0),
            },
        },
    }
    tables = _by_slug(report_tables(with_referrers, "sv"))
    referrers = tables["referrers"].frame
    assert list(referrers.index) == [
        "Arbetsförmedlingen",
        "Försäkringskassan",
        t("stats.metric.applications", "sv"),
    ]
    assert "referrers" not in _by_slug(report_tables(raw_report, "sv"))


def _parsed(value: Any) -> Any:
    """What pandas reads back for a cell written by write_csv."""
    if value is None:
        return None
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value):
        return float(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def test_csv_round_trips_through_pandas(report: dict[str, Any], tmp_path: Path) -> None:
    tables = report_tables(report, "sv")
    files = write_csv(tables)
    assert sorted(files) == sorted(f"csv/{table.slug}.csv" for table in tables)
    for table in tables:
        data = files[f"csv/{table.slug}.csv"]
        assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for å, ä and ö
        back = pd.read_csv(io.BytesIO(data), index_col=0, encoding="utf-8-sig", dtype=str)
        assert list(back.columns) == list(table.frame.columns)
        assert list(back.index) == list(table.frame.index)
        assert back.index.name == table.frame.index.name
        rows = zip(back.itertuples(name=None), table.frame.itertuples(name=None), strict=True)
        for (label, *row), (_, *expected) in rows:
            for got, want in zip(row, expected, strict=True):
                got = _parsed(got)
                if want is None:
                    assert got is None, label
                elif isinstance(want, str):
                    assert got == want, label
                else:
                    assert got == pytest.approx(float(want)), label
        # Numbers as numbers: a column without marks reads back numeric.
        numeric = pd.read_csv(io.BytesIO(data), index_col=0, encoding="utf-8-sig")
        for column in table.frame.columns:
            cells = table.frame[column]
            if all(isinstance(v, (int, float)) for v in cells):
                assert pd.api.types.is_numeric_dtype(numeric[column])


def test_csv_bytes_are_stable(report: dict[str, Any]) -> None:
    assert write_csv(report_tables(report, "sv")) == write_csv(report_tables(report, "sv"))
