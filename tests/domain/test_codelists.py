"""Default code lists, the ladder, and the rules for new versions."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tracker import i18n
from tracker.domain import (
    CORRECTION_REASON,
    DEFAULT_CODE_LISTS,
    DEFAULT_LADDER,
    EXIT_DESTINATION,
    EXIT_KIND,
    GENDER,
    MEETING_TYPE,
    NON_START_REASON,
    REFERRER,
    CodeEntry,
    CodeList,
    Ladder,
    LadderLevel,
    check_code_list,
    check_ladder,
    check_new_version,
    list_title,
)


def keys(violations: list) -> list[str]:
    return [v.key for v in violations]


def test_default_codes_match_domain_md() -> None:
    assert GENDER.codes == ("kvinna", "man", "ej_angivet")
    assert REFERRER.codes == ("af", "fk", "kommun", "region", "egen", "annan")
    assert MEETING_TYPE.codes == ("flerpartsmote", "enskilt", "telefon_digitalt", "annat")
    assert EXIT_DESTINATION.codes == (
        "forvarvsarbete",
        "arbete_med_stod",
        "studier",
        "arbetssokande",
        "annan_insats",
        "ej_redo",
        "daglig_verksamhet",
        "ovrigt",
    )
    assert EXIT_KIND.codes == ("avslutad", "avbruten")
    assert NON_START_REASON.codes == (
        "atertagen",
        "uteblev",
        "ordinarie_insats",
        "kan_ej_tillgodogora",
        "medicinsk_behandling",
        "ohalsa",
        "annat",
    )
    assert CORRECTION_REASON.codes == (
        "felregistrering",
        "fel_datum",
        "fel_niva",
        "fel_deltagare",
        "dubblett",
        "annat",
    )


def test_default_swedish_labels() -> None:
    assert EXIT_DESTINATION.label("ej_redo", "sv") == (
        "Ej aktuell för arbetslivsinriktad rehabilitering (ohälsa)"
    )
    assert NON_START_REASON.label("atertagen", "sv") == "Personen återtog ansökan"
    assert CORRECTION_REASON.label("fel_deltagare", "sv") == "Registrerad på fel deltagare"
    assert DEFAULT_LADDER.label(3, "sv") == "Stabiliserande insats (hälsa, vardag)"
    assert DEFAULT_LADDER.label(7, "en") == "Work or studies"


def test_default_lists_registry() -> None:
    assert set(DEFAULT_CODE_LISTS) == {
        "gender",
        "referrer",
        "meeting_type",
        "exit_destination",
        "exit_kind",
        "non_start_reason",
        "correction_reason",
    }
    for name, code_list in DEFAULT_CODE_LISTS.items():
        assert code_list.name == name
        assert code_list.version == 1
        assert check_code_list(code_list) == []
        assert list_title(name, "sv") and list_title(name, "en")
    assert DEFAULT_LADDER.version == 1
    assert check_ladder(DEFAULT_LADDER) == []
    assert list_title("ladder", "sv") == "Förflyttningstrappa"


def test_labels_follow_the_current_language() -> None:
    before = i18n.get_language()
    try:
        i18n.set_language("en")
        assert GENDER.label("kvinna") == "Woman"
        assert DEFAULT_LADDER.label(1) == "Waiting / no activity"
        i18n.set_language("sv")
        assert GENDER.label("kvinna") == "Kvinna"
        assert GENDER.entries[0].label() == "Kvinna"
        assert DEFAULT_LADDER.levels[0].label() == "Väntar / ingen aktivitet"
    finally:
        i18n.set_language(before)


def test_code_list_membership_and_lookup() -> None:
    assert "af" in REFERRER
    assert "AF" not in REFERRER
    assert None not in REFERRER
    with pytest.raises(KeyError):
        REFERRER.label("nope")


def test_ladder_accessors() -> None:
    assert DEFAULT_LADDER.numbers == (1, 2, 3, 4, 5, 6, 7)
    assert (DEFAULT_LADDER.lowest, DEFAULT_LADDER.highest) == (1, 7)
    assert 4 in DEFAULT_LADDER
    assert 0 not in DEFAULT_LADDER
    assert 8 not in DEFAULT_LADDER
    assert True not in DEFAULT_LADDER
    assert "1" not in DEFAULT_LADDER
    with pytest.raises(KeyError):
        DEFAULT_LADDER.label(9)


@pytest.mark.parametrize("code_list", list(DEFAULT_CODE_LISTS.values()))
def test_code_list_round_trip(code_list: CodeList) -> None:
    assert CodeList.from_dict(json.loads(json.dumps(code_list.to_dict()))) == code_list


def test_ladder_round_trip() -> None:
    assert Ladder.from_dict(json.loads(json.dumps(DEFAULT_LADDER.to_dict()))) == DEFAULT_LADDER


def bumped(code_list: CodeList, *extra: CodeEntry) -> CodeList:
    return dataclasses.replace(
        code_list, version=code_list.version + 1, entries=code_list.entries + extra
    )


def test_new_version_may_relabel_and_add() -> None:
    relabelled = tuple(
        dataclasses.replace(e, label_sv=e.label_sv + " (ny)") for e in REFERRER.entries
    )
    new = CodeList("referrer", 2, (*relabelled, CodeEntry("skola", "Skolan", "School")))
    assert check_new_version(REFERRER, new) == []


def test_new_version_must_increment_by_one() -> None:
    for version in (1, 3):
        new = dataclasses.replace(REFERRER, version=version)
        [violation] = check_new_version(REFERRER, new)
        assert violation.key == "domain.codelist_version"
        assert violation.params == {"expected": 2, "actual": version}


def test_new_version_must_keep_every_code() -> None:
    new = CodeList("referrer", 2, REFERRER.entries[1:])
    [violation] = check_new_version(REFERRER, new)
    assert violation.key == "domain.codelist_code_removed"
    assert violation.params == {"code": "af"}


def test_renaming_a_code_counts_as_removal() -> None:
    entries = (CodeEntry("arbetsformedlingen", "Af", "Af"), *REFERRER.entries[1:])
    new = CodeList("referrer", 2, entries)
    assert keys(check_new_version(REFERRER, new)) == ["domain.codelist_code_removed"]


def test_new_version_must_be_the_same_list() -> None:
    new = dataclasses.replace(bumped(REFERRER), name="gender")
    assert keys(check_new_version(REFERRER, new)) == ["domain.codelist_name_changed"]


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        (CodeEntry("af", "Dubblett", "Duplicate"), "domain.codelist_duplicate"),
        (CodeEntry("Ny Kod", "Ny", "New"), "domain.codelist_code_format"),
        (CodeEntry("", "Tom", "Empty"), "domain.codelist_code_format"),
        (CodeEntry("ny", " ", "New"), "domain.codelist_label_invalid"),
        (CodeEntry("ny", "Ny", "x" * 121), "domain.codelist_label_invalid"),
    ],
)
def test_new_version_content_rules(entry: CodeEntry, key: str) -> None:
    assert keys(check_new_version(REFERRER, bumped(REFERRER, entry))) == [key]


def test_labels_and_codes_may_not_hold_a_personnummer() -> None:
    # A synthetic number built with its Luhn digit (see test_personnummer.py).
    nine = "851224004"
    total = 0
    for i, ch in enumerate(nine):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    number = nine + str((10 - total % 10) % 10)
    for entry in (CodeEntry("ny", f"Ny {number}", "New"), CodeEntry(number, "Ny", "New")):
        assert keys(check_new_version(REFERRER, bumped(REFERRER, entry))) == [
            "domain.personnummer_refused"
        ]


def test_empty_list_is_refused() -> None:
    assert keys(check_code_list(CodeList("x", 1, ()))) == ["domain.codelist_empty"]
    assert keys(check_ladder(Ladder(1, ()))) == ["domain.ladder_empty"]


def test_new_ladder_may_relabel_and_add() -> None:
    levels = (
        *(dataclasses.replace(lv, label_en=lv.label_en.upper()) for lv in DEFAULT_LADDER.levels),
        LadderLevel(8, "Egen försörjning", "Self-supporting"),
    )
    assert check_new_version(DEFAULT_LADDER, Ladder(2, levels)) == []


def test_new_ladder_rules() -> None:
    same_version = Ladder(1, DEFAULT_LADDER.levels)
    assert keys(check_new_version(DEFAULT_LADDER, same_version)) == ["domain.ladder_version"]
    renumbered = Ladder(
        2, tuple(dataclasses.replace(lv, number=lv.number + 1) for lv in DEFAULT_LADDER.levels)
    )
    assert keys(check_new_version(DEFAULT_LADDER, renumbered)) == ["domain.ladder_level_removed"]
    [removed] = check_new_version(DEFAULT_LADDER, renumbered)
    assert removed.params == {"level": 1}
    for extra, key in [
        (LadderLevel(3, "Igen", "Again"), "domain.ladder_duplicate"),
        (LadderLevel(0, "Noll", "Zero"), "domain.ladder_level_format"),
        (LadderLevel(9, "", "Nine"), "domain.ladder_label_invalid"),
    ]:
        new = Ladder(2, (*DEFAULT_LADDER.levels, extra))
        assert keys(check_new_version(DEFAULT_LADDER, new)) == [key]


def test_list_and_ladder_cannot_be_mixed() -> None:
    with pytest.raises(TypeError):
        check_new_version(REFERRER, DEFAULT_LADDER)


def test_violation_messages_render() -> None:
    new = CodeList("referrer", 5, REFERRER.entries[1:])
    for violation in check_new_version(REFERRER, new):
        for lang in ("sv", "en"):
            assert violation.message(lang)
