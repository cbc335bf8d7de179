"""Generated participant codes and the checks on codes typed or imported."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain import code_problem, generate_code, has_valid_check, normalize_code
from tracker.domain.participant_code import ALPHABET, check_char

SHAPE = re.compile(r"[23456789ABCDEFGHJKMNPQRSTVWXY]{4}-[23456789ABCDEFGHJKMNPQRSTVWXY]{4}")
seeds = st.integers(0, 2**32 - 1)


def split(code: str) -> list[str]:
    return list(code.replace("-", ""))


def join(chars: list[str]) -> str:
    text = "".join(chars)
    return f"{text[:4]}-{text[4:]}"


def test_alphabet_has_no_look_alikes() -> None:
    assert not set("01OILU") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 29


def test_default_generator_uses_the_system_source() -> None:
    codes = {generate_code() for _ in range(50)}
    assert len(codes) == 50
    assert all(has_valid_check(c) for c in codes)


def test_seeded_generator_is_reproducible() -> None:
    assert [generate_code(random.Random(7)) for _ in range(3)] == [
        generate_code(random.Random(7)) for _ in range(3)
    ]


def test_normalize_code() -> None:
    assert normalize_code("  k7qm-4xtb \n") == "K7QM-4XTB"


@pytest.mark.parametrize("code", ["ABC", "TEAM-0001", "A-1", "X" * 20, "P-2026-17"])
def test_import_codes_are_accepted(code: str) -> None:
    assert code_problem(code) is None


@pytest.mark.parametrize("code", ["AB", "X" * 21, "abcd", "ÅSA-1", "AB CD", "AB_CD", "", "A.B"])
def test_bad_shapes_are_refused(code: str) -> None:
    violation = code_problem(code)
    assert violation is not None and violation.key == "domain.code_format"
    assert violation.field == "code"


def test_personnummer_shaped_code_is_refused() -> None:
    # A synthetic personnummer, built here with its Luhn digit (never a real one).
    nine = "900101123"
    total = sum(
        (int(ch) * (2 if i % 2 == 0 else 1)) // 10 + (int(ch) * (2 if i % 2 == 0 else 1)) % 10
        for i, ch in enumerate(nine)
    )
    number = f"{nine[:6]}-{nine[6:]}{(10 - total % 10) % 10}"
    for code in (number, "P-" + number, number.replace("-", "")):
        violation = code_problem(code)
        assert violation is not None and violation.key == "domain.personnummer_refused"


def test_wrong_check_character_is_reported() -> None:
    code = generate_code(random.Random(1))
    chars = split(code)
    chars[-1] = next(ch for ch in ALPHABET if ch != chars[-1])
    violation = code_problem(join(chars))
    assert violation is not None and violation.key == "domain.code_check"
    assert "Kontrolltecknet" in violation.message("sv")
    assert not has_valid_check(join(chars))


def test_has_valid_check_requires_the_generated_shape() -> None:
    code = generate_code(random.Random(3))
    assert has_valid_check(code)
    assert not has_valid_check(code.lower())
    assert not has_valid_check(code.replace("-", ""))
    assert not has_valid_check(code + "2")


def test_check_char_rejects_bad_payload() -> None:
    with pytest.raises(ValueError):
        check_char("ABC")
    with pytest.raises(ValueError):
        check_char("ABCDEF0")


def test_generated_code_is_not_a_date() -> None:
    # Codes always carry a letter, so no code can be read as a date either.
    rng = random.Random(11)
    for _ in range(500):
        code = generate_code(rng)
        assert any(ch.isalpha() for ch in code)
        with pytest.raises(ValueError):
            date.fromisoformat(code)


# --- property-based --------------------------------------------------------------------------


@given(seeds)
def test_generated_codes_are_valid(seed: int) -> None:
    code = generate_code(random.Random(seed))
    assert SHAPE.fullmatch(code)
    assert len(code) == 9
    assert has_valid_check(code)
    assert code_problem(code) is None
    assert normalize_code(code.lower()) == code


@given(seeds)
def test_every_single_substitution_is_detected(seed: int) -> None:
    chars = split(generate_code(random.Random(seed)))
    for position in range(8):
        for replacement in ALPHABET:
            if replacement == chars[position]:
                continue
            changed = chars.copy()
            changed[position] = replacement
            assert not has_valid_check(join(changed))
            problem = code_problem(join(changed))
            assert problem is not None and problem.key == "domain.code_check"


@given(seeds)
def test_every_transposition_is_detected(seed: int) -> None:
    chars = split(generate_code(random.Random(seed)))
    # Adjacent pairs (across the hyphen too) and, as a bonus, any two positions.
    for i in range(8):
        for j in range(i + 1, 8):
            if chars[i] == chars[j]:
                continue
            swapped = chars.copy()
            swapped[i], swapped[j] = swapped[j], swapped[i]
            assert not has_valid_check(join(swapped))


def test_adjacent_transposition_of_every_character_pair() -> None:
    # Exhaustive over the alphabet: Luhn mod N would miss the first/last character pair.
    rng = random.Random(5)
    for a in ALPHABET:
        for b in ALPHABET:
            if a == b:
                continue
            for position in range(6):
                payload = [rng.choice(ALPHABET) for _ in range(7)]
                payload[position], payload[position + 1] = a, b
                chars = [*payload, check_char("".join(payload))]
                chars[position], chars[position + 1] = b, a
                assert not has_valid_check(join(chars))


def test_swapping_with_the_check_character_is_detected() -> None:
    rng = random.Random(9)
    for _ in range(2000):
        payload = "".join(rng.choice(ALPHABET) for _ in range(7))
        chars = [*payload, check_char(payload)]
        if chars[6] != chars[7]:
            chars[6], chars[7] = chars[7], chars[6]
            assert not has_valid_check(join(chars))


@pytest.mark.parametrize("code", ["0000-0000", "121212-121", "123", "2026-01-05"])
def test_codes_without_a_letter_are_refused(code: str) -> None:
    """Digits and dashes only could be read as a date or a (mistyped) personnummer."""
    problem = code_problem(code)
    assert problem is not None
    assert problem.key in {"domain.code_needs_letter", "domain.personnummer_refused"}
