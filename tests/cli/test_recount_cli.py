"""``tracker audit recount BUNDLE`` through the real command line, in subprocesses.

One register (production Argon2id cost, as a user's would be) with a reviewer and a few cases
is built once; each test works on its own copy: exports a bundle through ``export_bundle``,
changes what it tests and runs the command as the reviewer.
Independent commands run side by side, since each login spends about a second in the KDF.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cli_support import run_cli, run_side_by_side
from recount_support import resign, resign_with_other_key, rewrite_history

from tracker.domain.periods import Period
from tracker.reports.bundle import export_bundle
from tracker.services import cases, registers
from tracker.services import reports as report_service
from tracker.services.session import Session

pytestmark = pytest.mark.cli

SALA = "Samordningsteam Sala"
HEBY = "Samordningsteam Heby"
ANNA = "korrekt häst batteri zebra"
BO = "bo granskar varje siffra"
H1 = Period.parse("2026H1")


def _as(user: str, passphrase: str) -> dict[str, str]:
    return {"TRACKER_USER": user, "TRACKER_PASSPHRASE": passphrase, "TRACKER_DB": "r.db"}


REVIEWER = _as("bo", BO)


def _session(folder: Path) -> Session:
    return registers.open_session(folder / "r.db", user="anna", passphrase=ANNA)


def _register(folder: Path) -> list[str]:
    """A register with a reviewer and seven cases around 2026H1; returns the case codes."""
    registers.create_register(folder / "r.db", user="anna", passphrase=ANNA, insatser=[SALA, HEBY])
    codes = []
    with _session(folder) as session:
        registers.add_user(session, passphrase=ANNA, user="bo", role="reviewer", new_passphrase=BO)
        for index in range(6):
            gender = ("kvinna", "man")[index % 2]
            code = cases.start(
                session, on=date(2025, 10, 1), level=2, insats=SALA, gender=gender
            ).code
            cases.exit_case(
                session,
                code=code,
                on=date(2026, 3, 15),
                destination="studier",
                exit_kind="avslutad",
                handover=True,
                level=3,
            )
            codes.append(code)
        active = cases.start(session, on=date(2026, 2, 1), level=1, insats=HEBY, gender="kvinna")
        codes.append(active.code)
    return codes


def _export(folder: Path, suppression: bool = True) -> str:
    """A bundle under folder/exports, as a path relative to folder (the command's cwd)."""
    with _session(folder) as session:
        path = export_bundle(
            session, H1, formats=("json",), out_dir=folder / "exports", suppression=suppression
        )
    return str(path.relative_to(folder))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """One register for the module (the production KDF makes each creation cost seconds)."""
    folder = tmp_path_factory.mktemp("recount-template")
    return folder, _register(folder)


@pytest.fixture
def folder(tmp_path: Path, template: tuple[Path, list[str]]) -> Path:
    """Each test's own copy of the template register (the database and its key file)."""
    copy = tmp_path / "register"
    shutil.copytree(template[0], copy)
    return copy


@pytest.fixture
def codes(template: tuple[Path, list[str]]) -> list[str]:
    return template[1]


def test_an_untouched_register_recounts_equal_and_refuses_wrong_logins(folder: Path) -> None:
    suppressed, internal = _export(folder), _export(folder, suppression=False)

    ok, unsuppressed, english, wrong, missing = run_side_by_side(
        folder,
        (["audit", "recount", suppressed], REVIEWER),
        (["audit", "recount", internal], _as("anna", ANNA)),
        (["--lang", "en", "audit", "recount", suppressed], REVIEWER),
        (["audit", "recount", suppressed], _as("bo", "inte bos lösenfras")),
        (["audit", "recount", "exports/saknas.zip"], REVIEWER),
    )

    code, out, err = ok
    assert code == 0, err
    assert "Signatur och filhashar stämmer" in out
    assert "Revisionsloggens kedja är hel och innehåller rapportens granskningspunkt" in out
    assert "Skydd av små tal: cellnyckelmetoden, tröskel 5." in out
    assert "räknades om till samma värde" in out
    # The exports' own audit records came after the figures: later events, touching nothing.
    assert "efter granskningspunkten: 2 (till och med nr" in out
    assert "av dem kan 0 påverka" in out
    assert "Räknat i dag ändras ingen cell i rapporten." in out
    assert out.rstrip().endswith("Resultat: rapporten stämmer med registret.")

    code, out, err = unsuppressed
    assert code == 0, err
    assert "utan skydd av små tal (INTERNT)" in out

    code, out, err = english
    assert code == 0, err
    assert "Result: the report agrees with the register." in out

    code, out, err = wrong
    assert code == 3 and out == ""
    assert "Traceback" not in err

    code, out, err = missing
    assert code == 1 and "saknas.zip" in err and "Traceback" not in err


def test_a_late_event_in_the_period_is_listed_but_the_bundle_holds(
    folder: Path, codes: list[str]
) -> None:
    bundle = _export(folder)
    with _session(folder) as session:
        # Registered after the export, dated inside the period.
        step = cases.log_step(session, code=codes[-1], on=date(2026, 6, 12), level=3)

    code, out, err = run_cli("audit", "recount", bundle, cwd=folder, env=REVIEWER)

    assert code == 0, err
    assert "räknades om till samma värde" in out
    assert "efter granskningspunkten: 2 (till och med nr" in out
    assert "av dem kan 1 påverka" in out
    assert "Celler som ändras räknat i dag (utan skydd av små tal): " in out
    assert "Pågående med stegförflyttning, kvinna: " in out
    line = next(line for line in out.splitlines() if line.strip().startswith(f"nr {step.last_seq}"))
    assert "Stegförflyttning" in line and "2026-06-12" in line and codes[-1] in line
    assert "Resultat: rapporten stämmer med registret." in out


def test_an_altered_bundle_re_signed_with_another_key_exits_4(folder: Path) -> None:
    bundle = _export(folder)

    def more_exits(report: dict[str, Any]) -> None:
        report["counts"]["exits"]["total"] = 999  # any other figure: the key is what fails

    resign_with_other_key(folder / bundle, more_exits)

    verified, recounted = run_side_by_side(
        folder,
        (["verify", bundle], {}),
        (["audit", "recount", bundle], REVIEWER),
    )

    assert verified.code == 0, verified.err  # without the register the forgery looks fine
    code, out, err = recounted
    assert code == 4 and out == ""
    assert "Omräkningen kunde inte göras" in err
    assert "inte signerat med det här registrets nyckel" in err


def test_a_rewritten_history_exits_4(folder: Path) -> None:
    bundle = _export(folder)
    with _session(folder) as session:
        rewrite_history(session.register, seq=6)

    code, out, err = run_cli("audit", "recount", bundle, cwd=folder, env=REVIEWER)

    # The rewrite breaks the signature on rita's own user_added event: her access is what no
    # longer holds, and she is told so (a coordinator sees the rewritten seq in audit verify).
    assert code == 4 and out == ""
    assert "Registrets logg har ändrats" in err and "Traceback" not in err


def test_figures_changed_before_signing_are_listed_and_exit_4(folder: Path) -> None:
    bundle = _export(folder)
    with _session(folder) as session:
        public = report_service.public_key(session)

        def better_results(report: dict[str, Any]) -> None:
            report["counts"]["exits_handover"]["man"] = 9
            report["comparison"]["counts"]["applications"]["total"] = 12

        resign(folder / bundle, better_results, public, lambda b: report_service.sign(session, b))

    code, out, err = run_cli("audit", "recount", bundle, cwd=folder, env=REVIEWER)

    assert code == 4, err
    assert "Celler som skiljer sig från en omräkning per händelse" in out
    assert "händelse " in out and ": 2\n" in out
    assert "Till ordinarie insats vid avslut, man: rapporten 9, omräknat" in out
    # The recount is the protected value (perturbed, or ".." under a small base): not 12.
    assert re.search(
        r"Jämförelseperioden 2025H1: Nya ansökningar, totalt: rapporten 12, omräknat "
        r"(\d+|\.\.)\n",
        out,
    )
    assert out.rstrip().endswith("Resultat: rapporten stämmer INTE med registret.")
