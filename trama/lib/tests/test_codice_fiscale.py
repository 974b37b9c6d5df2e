from __future__ import annotations

import pytest

from trama.lib.codice_fiscale import (
    FiscalCodeError,
    FiscalCodeProblem,
    check,
    is_legal_person_code,
    is_valid,
    normalise,
    partita_iva_check_digit,
    personal_code_check_char,
)

# Published codes of real legal persons (Comune di Milano, Pirelli) and the textbook personal code.
VALID_NUMERIC = ["01199250158", "00743110157", "12345678903"]
VALID_PERSONAL = "RSSMRA85T10A562S"


@pytest.mark.parametrize("code", VALID_NUMERIC)
def test_it_accepts_numeric_codes_with_the_right_check_digit(code: str) -> None:
    assert check(code) == code
    assert is_legal_person_code(code)


def test_it_computes_the_partita_iva_check_digit() -> None:
    assert partita_iva_check_digit("0119925015") == "8"
    assert partita_iva_check_digit("1234567890") == "3"


@pytest.mark.parametrize("code", ["01199250157", "00743110150", "12345678901"])
def test_it_rejects_numeric_codes_with_a_wrong_check_digit(code: str) -> None:
    with pytest.raises(FiscalCodeError) as info:
        check(code)
    assert info.value.problem is FiscalCodeProblem.CHECKSUM


def test_it_rejects_every_single_digit_change_of_a_numeric_code() -> None:
    code = VALID_NUMERIC[0]
    for position in range(11):
        for digit in "0123456789":
            if digit == code[position]:
                continue
            changed = code[:position] + digit + code[position + 1 :]
            assert not is_valid(changed), changed


@pytest.mark.parametrize("code", ["0119925015A", "00000000000"])
def test_it_rejects_malformed_numeric_codes(code: str) -> None:
    with pytest.raises(FiscalCodeError) as info:
        check(code)
    assert info.value.problem is FiscalCodeProblem.FORMAT


def test_it_accepts_a_personal_code_and_computes_its_check_character() -> None:
    assert check(VALID_PERSONAL) == VALID_PERSONAL
    assert personal_code_check_char(VALID_PERSONAL[:15]) == "S"
    assert not is_legal_person_code(VALID_PERSONAL)


def test_it_rejects_a_personal_code_with_a_wrong_check_character() -> None:
    with pytest.raises(FiscalCodeError) as info:
        check("RSSMRA85T10A562X")
    assert info.value.problem is FiscalCodeProblem.CHECKSUM


def test_it_accepts_omocodic_personal_codes() -> None:
    # The last digit 2 replaced by its letter N (0→L, 1→M, 2→N …). By hand: the odd-position value goes
    # from 5 ("2") to 20 ("N"), so the check moves 15 places from S (18) to (18 + 15) mod 26 = 7 = H.
    assert personal_code_check_char("RSSMRA85T10A56N") == "H"
    assert is_valid("RSSMRA85T10A56NH")
    assert not is_valid("RSSMRA85T10A56NS")


@pytest.mark.parametrize(
    "code",
    [
        "RSSMRA85Z10A562S",  # Z is not a month letter
        "RSSMRA85T00A562S",  # day 00
        "RSSMRA85T35A562S",  # day 35 is neither a man's nor a woman's day
        "RSSMR185T10A562S",  # digit among the surname letters
        "RSSMRA85T10A56AS",  # A is not an omocodia letter
    ],
)
def test_it_rejects_malformed_personal_codes(code: str) -> None:
    with pytest.raises(FiscalCodeError) as info:
        check(code)
    assert info.value.problem is FiscalCodeProblem.FORMAT


def test_it_accepts_a_womans_birth_day() -> None:
    first_fifteen = "RSSMRA85T50A562"
    assert is_valid(first_fifteen + personal_code_check_char(first_fifteen))


@pytest.mark.parametrize("code", ["", "123", "0119925015812", "RSSMRA85T10A562SS"])
def test_it_rejects_codes_of_the_wrong_length(code: str) -> None:
    with pytest.raises(FiscalCodeError) as info:
        check(code)
    assert info.value.problem is FiscalCodeProblem.LENGTH


def test_it_normalises_spaces_dots_dashes_and_case() -> None:
    assert normalise(" rssmra 85t10-a562s ") == VALID_PERSONAL
    assert check("011.992.501.58") == "01199250158"


def test_it_refuses_bad_input_to_the_check_helpers() -> None:
    with pytest.raises(ValueError):
        partita_iva_check_digit("12345")
    with pytest.raises(ValueError):
        personal_code_check_char("RSSMRA85T10A56")
    with pytest.raises(ValueError):
        personal_code_check_char("RSSMRA85T10A5-2")


def test_impossible_birth_days_and_omocodia_from_the_left_are_refused() -> None:
    from trama.lib.codice_fiscale import birth_of, is_valid
    from trama.lib.codice_fiscale import personal_code_check_char as check_char

    def code(first_fifteen: str) -> str:
        return first_fifteen + check_char(first_fifteen)

    assert not is_valid(code("RSSMRA80B30F205"))  # 30 February
    assert not is_valid(code("RSSMRA80D31F205"))  # 31 April
    assert is_valid(code("RSSMRA80B29F205"))  # 29 February: a leap year is possible
    assert is_valid(code("RSSMRA80A71F205"))  # a woman born on the 31st (31 + 40)
    assert not is_valid(code("RSSMRA80A72F205"))
    # Omocodia replaces digits from the right: a letter left of a digit is not a code anyone was given.
    assert is_valid(code("RSSMRA80A01F20R")) and is_valid(code("RSSMRA80A01F2RV"))
    assert not is_valid(code("RSSMRAU0A01F205")) and not is_valid(code("RSSMRA80A01F2L5"))
    assert birth_of(code("RSSMRA80A41F20R")) == (80, 1, 1)
    assert birth_of("not a code") is None
