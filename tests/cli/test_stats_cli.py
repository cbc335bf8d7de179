"""``tracker stats`` and ``tracker goals`` through the real command line, in subprocesses.

One register (production Argon2id cost) is shared by the module: a coordinator, a reviewer and
a few cases written through the services. Commands that do not depend on each other run side
by side, since each login spends about a second in the key derivation.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from cli_support import run_side_by_side

from tracker.domain.periods import Period
from tracker.services import cases, registers
from tracker.stats.report import build_report

pytestmark = pytest.mark.cli

SALA = "Samordningsteam Sala"
HEBY = "Samordningsteam Heby"
ANNA = "korrekt häst batteri zebra"
BO = "bo granskar varje siffra"


def _as(user: str, passphrase: str) -> dict[str, str]:
    return {"TRACKER_USER": user, "TRACKER_PASSPHRASE": passphrase, "TRACKER_DB": "r.db"}


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stats-cli")
    path = folder / "r.db"
    registers.create_register(path, user="anna", passphrase=ANNA, insatser=[SALA, HEBY])
    with registers.open_session(path, user="anna", passphrase=ANNA) as session:
        registers.add_user(session, passphrase=ANNA, user="bo", role="reviewer", new_passphrase=BO)
        for gender, start_level, exit_level in (("kvinna", 2, 4), ("man", 3, 3), ("kvinna", 1, 2)):
            code = cases.start(
                session, on=date(2025, 11, 3), level=start_level, insats=SALA, gender=gender
            ).code
            cases.exit_case(
                session,
                code=code,
                on=date(2026, 4, 30),
                destination="arbetssokande",
                exit_kind="avslutad",
                handover=True,
                level=exit_level,
            )
        cases.register_application(
            session, insats=HEBY, gender="ej_angivet", on=date(2026, 2, 2), referrer="fk"
        )
    return folder


def test_stats_table_json_empty_period_and_unknown_insats(register: Path) -> None:
    coordinator = _as("anna", ANNA)
    table, as_json, empty, unknown, no_period = run_side_by_side(
        register,
        (["stats", "--period", "2026H1"], coordinator),
        (["stats", "--period", "2026H1", "--insats", SALA, "--json"], coordinator),
        (["stats", "--from", "2020-01-01", "--to", "2020-03-31", "--json"], coordinator),
        (["stats", "--period", "2026H1", "--insats", "Samordningsteam Okänd"], coordinator),
        (["stats"], coordinator),
    )

    code, out, err = table
    assert code == 0, err
    assert "Avslut med stegförflyttning" in out and "jämförelse 2025H1" in out
    assert "INTERNT" in out
    # Two of the three measurable exits moved up; the goal of 80 % is not reached.
    assert "67 % (2/3)" in out
    assert "ej uppnått" in out
    # Nobody set a goal: each says it is a default, and how to set the board's.
    assert "(standardmål, ej beslutat av styrelsen)" in out
    assert 'tracker goals set --insats "Samordningsteam Sala"' in out

    code, out, err = as_json
    assert code == 0, err
    report = json.loads(out)
    assert report["schema"] == "tracker.report/1"
    assert report["internal"] is True and report["suppression"] is None
    assert report["insatser"] == [SALA]
    assert report["counts"]["exits"] == {"kvinna": 2, "man": 1, "ej_angivet": 0, "total": 3}
    assert report["counts"]["applications"]["total"] == 0  # Heby's application is left out
    with registers.open_session(register / "r.db", user="anna", passphrase=ANNA) as session:
        same = build_report(session, Period.parse("2026H1"), [SALA])
    assert report == same

    code, out, err = empty
    assert code == 0, err
    nothing = json.loads(out)
    assert nothing["period"]["label"] == "2020-01-01..2020-03-31"
    assert all(cells["total"] == 0 for cells in nothing["counts"].values())
    assert nothing["shares"]["step_up_share"]["total"]["value"] is None

    code, out, err = unknown
    assert code == 1 and out == ""
    assert err.strip() == 'Insatsen "Samordningsteam Okänd" finns inte i registret.'

    code, out, err = no_period
    assert code == 2 and "--period" in err and "Traceback" not in err


def test_goals_are_shown_to_all_and_set_by_coordinators_only(register: Path) -> None:
    refused, shown = run_side_by_side(
        register,
        (
            ["goals", "set", "--insats", SALA, "--metric", "step_up_share", "--target", "70"],
            _as("bo", BO),
        ),
        (["goals", "--insats", SALA], _as("bo", BO)),
    )
    code, out, err = refused
    assert code == 1 and out == ""
    assert err.strip() == "bo har rollen granskare och får inte göra detta."
    code, out, err = shown
    assert code == 0, err
    assert "80 %" in out and "standardmål (ej beslutat av styrelsen)" in out and HEBY not in out
    assert 'tracker goals set --insats "Samordningsteam Sala" --metric step_up_share' in out

    (set_run,) = run_side_by_side(
        register,
        (
            ["goals", "set", "--insats", SALA, "--metric", "step_up_share", "--target", "0,7"],
            _as("anna", ANNA),
        ),
    )
    assert set_run[0] == 0, set_run
    assert "70 %" in set_run[1]
    listed, stats, bad_target = run_side_by_side(
        register,
        (["goals"], _as("bo", BO)),
        (["stats", "--period", "2026H1", "--insats", SALA, "--json"], _as("bo", BO)),
        (
            ["goals", "set", "--insats", SALA, "--metric", "step_up_share", "--target", "170"],
            _as("anna", ANNA),
        ),
    )
    assert listed[0] == 0 and "70 %" in listed[1] and "satt av samordnare" in listed[1]
    goal = next(g for g in json.loads(stats[1])["goals"] if g["metric"] == "step_up_share")
    assert goal["target"] == 0.7 and goal["met"] is False  # 2/3 is below 0.7
    assert goal["source"] == "set"
    assert bad_target[0] == 1 and "mellan 0 och 1" in bad_target[2]
