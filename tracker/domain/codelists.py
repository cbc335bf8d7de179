"""Versioned code lists and the step ladder (domain.md, "Default code lists").

Lists live in the database and a coordinator may edit them, but stored events keep pointing at
codes and level numbers forever; so a new version may relabel and add, never remove or renumber.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from tracker.domain.errors import Violation
from tracker.domain.personnummer import check_free_text
from tracker.i18n import get_language, t

# Codes are stored in events and typed in import files: keep them plain and lowercase.
CODE_PATTERN = re.compile(r"[a-z0-9_]{1,40}")
LABEL_MAX = 120


def _pick(label_sv: str, label_en: str, lang: str | None) -> str:
    return label_en if (lang or get_language()) == "en" else label_sv


@dataclass(frozen=True)
class CodeEntry:
    """One code with its Swedish and English label."""

    code: str
    label_sv: str
    label_en: str

    def label(self, lang: str | None = None) -> str:
        """The label in ``lang`` (default: the current language)."""
        return _pick(self.label_sv, self.label_en, lang)


@dataclass(frozen=True)
class CodeList:
    """A named, versioned list of codes."""

    name: str
    version: int
    entries: tuple[CodeEntry, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(entry.code for entry in self.entries)

    @cached_property
    def _code_set(self) -> frozenset[str]:
        # Looked up for every event validated; a set makes that O(1). (cached_property writes
        # the instance dict directly, so it works on a frozen dataclass.)
        return frozenset(entry.code for entry in self.entries)

    def __contains__(self, code: object) -> bool:
        try:
            return code in self._code_set
        except TypeError:  # unhashable: certainly not a code
            return False

    def entry(self, code: str) -> CodeEntry:
        """The entry for ``code``; KeyError when the list has no such code."""
        for entry in self.entries:
            if entry.code == code:
                return entry
        raise KeyError(code)

    def label(self, code: str, lang: str | None = None) -> str:
        """The label of ``code`` in ``lang``; KeyError when the list has no such code."""
        return self.entry(code).label(lang)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict; ``from_dict`` reverses it."""
        return {
            "name": self.name,
            "version": self.version,
            "entries": [
                {"code": e.code, "label_sv": e.label_sv, "label_en": e.label_en}
                for e in self.entries
            ],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CodeList:
        """Rebuild a list from ``to_dict`` output."""
        return cls(
            name=str(d["name"]),
            version=int(d["version"]),
            entries=tuple(
                CodeEntry(str(e["code"]), str(e["label_sv"]), str(e["label_en"]))
                for e in d["entries"]
            ),
        )


@dataclass(frozen=True)
class LadderLevel:
    """One level of the step ladder; a higher number is closer to work or studies."""

    number: int
    label_sv: str
    label_en: str

    def label(self, lang: str | None = None) -> str:
        """The label in ``lang`` (default: the current language)."""
        return _pick(self.label_sv, self.label_en, lang)


@dataclass(frozen=True)
class Ladder:
    """The step ladder (*förflyttningstrappa*), versioned like a code list."""

    version: int
    levels: tuple[LadderLevel, ...]

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(sorted(level.number for level in self.levels))

    def __contains__(self, level: object) -> bool:
        # bool is an int in Python; True must not count as level 1.
        if isinstance(level, bool):
            return False
        try:
            return level in self._number_set
        except TypeError:  # unhashable: certainly not a level
            return False

    @cached_property
    def _number_set(self) -> frozenset[int]:
        return frozenset(lv.number for lv in self.levels)

    def level(self, number: int) -> LadderLevel:
        """The level with ``number``; KeyError when the ladder has no such level."""
        for lv in self.levels:
            if lv.number == number:
                return lv
        raise KeyError(number)

    def label(self, level: int, lang: str | None = None) -> str:
        """The label of ``level`` in ``lang``; KeyError when the ladder has no such level."""
        return self.level(level).label(lang)

    @property
    def lowest(self) -> int:
        return min(self.numbers)

    @property
    def highest(self) -> int:
        return max(self.numbers)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict; ``from_dict`` reverses it."""
        return {
            "version": self.version,
            "levels": [
                {"number": lv.number, "label_sv": lv.label_sv, "label_en": lv.label_en}
                for lv in self.levels
            ],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Ladder:
        """Rebuild a ladder from ``to_dict`` output."""
        return cls(
            version=int(d["version"]),
            levels=tuple(
                LadderLevel(int(lv["number"]), str(lv["label_sv"]), str(lv["label_en"]))
                for lv in d["levels"]
            ),
        )


def list_title(name: str, lang: str | None = None) -> str:
    """The user-facing title of a code list (``exit_kind`` → "Avslutstyp")."""
    return t(f"domain.list.{name}", lang)


# --- validation ----------------------------------------------------------------------------


def _check_labels(label_sv: str, label_en: str, ident: object, ladder: bool) -> list[Violation]:
    found = []
    for fld, label in (("label_sv", label_sv), ("label_en", label_en)):
        if not label.strip() or len(label) > LABEL_MAX:
            key = "domain.ladder_label_invalid" if ladder else "domain.codelist_label_invalid"
            params = {"level": ident} if ladder else {"code": ident}
            found.append(Violation(key, {**params, "max": LABEL_MAX}, fld))
        else:
            refused = check_free_text(label, fld)
            if refused is not None:
                found.append(refused)
    return found


def check_code_list(code_list: CodeList) -> list[Violation]:
    """Content rules for one list: plain unique codes, non-empty labels, no personnummer."""
    found: list[Violation] = []
    seen: set[str] = set()
    for entry in code_list.entries:
        refused = check_free_text(entry.code, "code")
        if refused is not None:
            found.append(refused)
            continue
        if not CODE_PATTERN.fullmatch(entry.code):
            found.append(Violation("domain.codelist_code_format", {"code": entry.code}, "code"))
            continue
        if entry.code in seen:
            found.append(Violation("domain.codelist_duplicate", {"code": entry.code}, "code"))
        seen.add(entry.code)
        found.extend(_check_labels(entry.label_sv, entry.label_en, entry.code, ladder=False))
    if not code_list.entries:
        found.append(Violation("domain.codelist_empty", {}, "entries"))
    return found


def check_ladder(ladder: Ladder) -> list[Violation]:
    """Content rules for a ladder: unique positive level numbers, non-empty labels."""
    found: list[Violation] = []
    seen: set[int] = set()
    for lv in ladder.levels:
        if isinstance(lv.number, bool) or not isinstance(lv.number, int) or lv.number < 1:
            found.append(Violation("domain.ladder_level_format", {"level": lv.number}, "number"))
            continue
        if lv.number in seen:
            found.append(Violation("domain.ladder_duplicate", {"level": lv.number}, "number"))
        seen.add(lv.number)
        found.extend(_check_labels(lv.label_sv, lv.label_en, lv.number, ladder=True))
    if not ladder.levels:
        found.append(Violation("domain.ladder_empty", {}, "levels"))
    return found


def check_new_version(old: CodeList | Ladder, new: CodeList | Ladder) -> list[Violation]:
    """Why ``new`` may not replace ``old``: it must be version + 1 and keep every code/level."""
    if isinstance(old, CodeList) and isinstance(new, CodeList):
        found = []
        if new.name != old.name:
            found.append(
                Violation(
                    "domain.codelist_name_changed", {"old": old.name, "new": new.name}, "name"
                )
            )
        if new.version != old.version + 1:
            found.append(
                Violation(
                    "domain.codelist_version",
                    {"expected": old.version + 1, "actual": new.version},
                    "version",
                )
            )
        for code in old.codes:
            if code not in new:
                found.append(Violation("domain.codelist_code_removed", {"code": code}, "entries"))
        return found + check_code_list(new)
    if isinstance(old, Ladder) and isinstance(new, Ladder):
        found = []
        if new.version != old.version + 1:
            found.append(
                Violation(
                    "domain.ladder_version",
                    {"expected": old.version + 1, "actual": new.version},
                    "version",
                )
            )
        for number in old.numbers:
            if number not in new:
                found.append(Violation("domain.ladder_level_removed", {"level": number}, "levels"))
        return found + check_ladder(new)
    raise TypeError("old and new must both be code lists or both be ladders")


# --- defaults (domain.md) ------------------------------------------------------------------


def _list(name: str, *entries: tuple[str, str, str]) -> CodeList:
    return CodeList(name, 1, tuple(CodeEntry(*e) for e in entries))


GENDER = _list(
    "gender",
    ("kvinna", "Kvinna", "Woman"),
    ("man", "Man", "Man"),
    ("ej_angivet", "Ej angivet", "Not stated"),
)

REFERRER = _list(
    "referrer",
    ("af", "Arbetsförmedlingen", "Public Employment Service (Af)"),
    ("fk", "Försäkringskassan", "Social Insurance Agency (FK)"),
    ("kommun", "Kommunen", "Municipality"),
    ("region", "Regionen", "Region (health care)"),
    ("egen", "Egen ansökan", "Own application"),
    ("annan", "Annan", "Other"),
)

MEETING_TYPE = _list(
    "meeting_type",
    ("flerpartsmote", "Flerpartsmöte", "Multi-party meeting"),
    ("enskilt", "Enskilt möte", "Individual meeting"),
    ("telefon_digitalt", "Telefon eller digitalt", "Phone or video"),
    ("annat", "Annat", "Other"),
)

EXIT_DESTINATION = _list(
    "exit_destination",
    ("forvarvsarbete", "Förvärvsarbete", "Employment"),
    (
        "arbete_med_stod",
        "Arbete med stöd (subventionerad anställning)",
        "Supported employment (subsidised job)",
    ),
    ("studier", "Studier", "Studies"),
    ("arbetssokande", "Aktivt arbetssökande", "Actively job-seeking"),
    ("annan_insats", "Annan insats hos part", "Other intervention at a party"),
    (
        "ej_redo",
        "Ej aktuell för arbetslivsinriktad rehabilitering (ohälsa)",
        "Not ready for work-oriented rehabilitation (ill health)",
    ),
    ("daglig_verksamhet", "Daglig verksamhet (LSS)", "Daily activity (LSS)"),
    ("ovrigt", "Övriga avslutade", "Other exits"),
)

EXIT_KIND = _list(
    "exit_kind",
    ("avslutad", "Avslutad enligt plan", "Ended as planned"),
    (
        "avbruten",
        "Avbruten (deltagaren avbröt eller kontakten upphörde)",
        "Discontinued (participant stopped or contact was lost)",
    ),
)

NON_START_REASON = _list(
    "non_start_reason",
    ("atertagen", "Personen återtog ansökan", "The person withdrew the application"),
    ("uteblev", "Uteblivna besök", "Missed appointments"),
    ("ordinarie_insats", "Hänvisad till ordinarie insats", "Referred to regular services"),
    (
        "kan_ej_tillgodogora",
        "Kan inte tillgodogöra sig insatsen",
        "Cannot benefit from the intervention",
    ),
    ("medicinsk_behandling", "Pågående medicinsk behandling", "Ongoing medical treatment"),
    (
        "ohalsa",
        "Försämrad hälsa eller ansökt om sjukersättning",
        "Worse health or applied for sickness compensation",
    ),
    ("annat", "Annat", "Other"),
)

CORRECTION_REASON = _list(
    "correction_reason",
    ("felregistrering", "Felregistrering", "Registration error"),
    ("fel_datum", "Fel datum", "Wrong date"),
    ("fel_niva", "Fel nivå", "Wrong level"),
    ("fel_deltagare", "Registrerad på fel deltagare", "Registered on the wrong participant"),
    ("dubblett", "Dubbelregistrering", "Duplicate registration"),
    ("annat", "Annat", "Other"),
)

# Not stored at register creation (registers made before it existed lack it): the session
# falls back to this default until a coordinator publishes a version of it.
FOLLOW_UP_MISSED_REASON = _list(
    "follow_up_missed_reason",
    ("kunde_inte_nas", "Kunde inte nås", "Could not be reached"),
    ("avbojde", "Avböjde", "Declined"),
    ("avliden_flyttat", "Avliden eller flyttat", "Deceased or moved away"),
    ("annat", "Annat", "Other"),
)

DEFAULT_LADDER = Ladder(
    1,
    (
        LadderLevel(1, "Väntar / ingen aktivitet", "Waiting / no activity"),
        LadderLevel(2, "Kartläggning", "Assessment"),
        LadderLevel(
            3, "Stabiliserande insats (hälsa, vardag)", "Stabilising support (health, daily life)"
        ),
        LadderLevel(4, "Arbetsförberedande insats", "Work-preparatory intervention"),
        LadderLevel(
            5,
            "Arbetslivsinriktad insats (arbetsträning, praktik)",
            "Work-oriented intervention (work training, work placement)",
        ),
        LadderLevel(6, "Aktivt arbetssökande", "Actively job-seeking"),
        LadderLevel(7, "Arbete eller studier", "Work or studies"),
    ),
)

DEFAULT_CODE_LISTS: dict[str, CodeList] = {
    cl.name: cl
    for cl in (
        GENDER,
        REFERRER,
        MEETING_TYPE,
        EXIT_DESTINATION,
        EXIT_KIND,
        NON_START_REASON,
        CORRECTION_REASON,
    )
}
