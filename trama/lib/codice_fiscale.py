"""Italian fiscal codes: syntax and check-character validation, framework-free.

An organisation's *codice fiscale* is either the 11-digit numeric code of a legal person (the same
algorithm as a *partita IVA*: the last digit is a Luhn-like check digit), or, for sole traders and some
informal groups, the 16-character code of a natural person (the last character is a check letter computed
from the first 15).

The 16-character code may be *omocodico*: when two people would get the same code, the Agenzia delle Entrate
replaces digits, starting from the right, with the letters L M N P Q R S T U V. Such codes are valid and are
accepted here (a letter left of a digit is not: the substitution goes right to left); the check character is
computed on the code as written. The birth day must exist in its month (29 February included).
"""

from __future__ import annotations

import re
from enum import StrEnum

PARTITA_IVA_LENGTH = 11
PERSONAL_CODE_LENGTH = 16

# Letters that replace the digits 0–9 in an omocodic personal code.
_OMOCODIA = "LMNPQRSTUV"
# Month letters of a personal code: January = A … December = T.
_MONTHS = "ABCDEHLMPRST"
_DIGIT_OR_OMOCODIA = f"[0-9{_OMOCODIA}]"
_PERSONAL_PATTERN = re.compile(
    rf"^[A-Z]{{6}}{_DIGIT_OR_OMOCODIA}{{2}}[{_MONTHS}]{_DIGIT_OR_OMOCODIA}{{2}}[A-Z]{_DIGIT_OR_OMOCODIA}{{3}}[A-Z]$"
)
_PARTITA_IVA_PATTERN = re.compile(r"^[0-9]{11}$")

# Values of characters in odd positions (1st, 3rd, … 15th, counting from 1) for the check character.
# fmt: off
_ODD_VALUES: dict[str, int] = {
    "0": 1, "1": 0, "2": 5, "3": 7, "4": 9, "5": 13, "6": 15, "7": 17, "8": 19, "9": 21,
    "A": 1, "B": 0, "C": 5, "D": 7, "E": 9, "F": 13, "G": 15, "H": 17, "I": 19, "J": 21,
    "K": 2, "L": 4, "M": 18, "N": 20, "O": 11, "P": 3, "Q": 6, "R": 8, "S": 12, "T": 14,
    "U": 16, "V": 10, "W": 22, "X": 25, "Y": 24, "Z": 23,
}
# fmt: on


class FiscalCodeProblem(StrEnum):
    """Why a code is not valid; callers turn it into a message in the user's language."""

    LENGTH = "length"  # neither 11 nor 16 characters
    FORMAT = "format"  # wrong characters for its length (or an impossible birth date)
    CHECKSUM = "checksum"  # well formed, but the check character does not match


class FiscalCodeError(ValueError):
    def __init__(self, problem: FiscalCodeProblem, code: str) -> None:
        super().__init__(f"Invalid fiscal code {code!r}: {problem.value}")
        self.problem = problem
        self.code = code


def normalise(code: str) -> str:
    """Upper case, without spaces, dots or dashes (as people often type them)."""
    return re.sub(r"[\s.\-]", "", code or "").upper()


def partita_iva_check_digit(first_ten: str) -> str:
    """The 11th digit of a partita IVA / numeric codice fiscale, from its first ten digits."""
    if len(first_ten) != 10 or not first_ten.isdigit():
        raise ValueError("Ten digits are required.")
    total = 0
    for index, char in enumerate(first_ten):
        digit = int(char)
        if index % 2 == 1:  # 2nd, 4th, … digit (1-based): doubled, minus 9 when it passes 9
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def personal_code_check_char(first_fifteen: str) -> str:
    """The 16th character of a personal codice fiscale, from its first fifteen characters."""
    first_fifteen = first_fifteen.upper()
    if len(first_fifteen) != 15 or not first_fifteen.isalnum() or not first_fifteen.isascii():
        raise ValueError("Fifteen letters or digits are required.")
    total = 0
    for index, char in enumerate(first_fifteen):
        if index % 2 == 0:  # odd position, counting from 1
            total += _ODD_VALUES[char]
        else:
            total += int(char) if char.isdigit() else ord(char) - ord("A")
    return chr(ord("A") + total % 26)


def _decode_omocodia(chars: str) -> str:
    return "".join(str(_OMOCODIA.index(c)) if c in _OMOCODIA else c for c in chars)


# The positions of a personal code's digits (year, day, place number): omocodia replaces them from the right.
_DIGIT_POSITIONS = (6, 7, 9, 10, 12, 13, 14)
# The longest month (February: 29, a leap year being possible from the two digits of the year alone).
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _omocodia_from_the_right(code: str) -> bool:
    """Letters replace digits starting from the right: no digit follows a replaced one."""
    replaced = [code[position] in _OMOCODIA for position in _DIGIT_POSITIONS]
    return all(replaced[index + 1:] == [True] * (len(replaced) - index - 1)
               for index, letter in enumerate(replaced) if letter)


def _birth_day_is_possible(code: str) -> bool:
    # Day of birth: 1–31 for men, 41–71 for women (day + 40), within the month's length.
    day = int(_decode_omocodia(code[9:11]))
    day = day - 40 if day > 40 else day
    return 1 <= day <= _MONTH_DAYS[_MONTHS.index(code[8])]


def birth_of(code: str) -> tuple[int, int, int] | None:
    """(last two digits of the year, month, day) of a valid personal code, else None."""
    value = normalise(code)
    if len(value) != PERSONAL_CODE_LENGTH or not is_valid(value):
        return None
    day = int(_decode_omocodia(value[9:11]))
    return int(_decode_omocodia(value[6:8])), _MONTHS.index(value[8]) + 1, day - 40 if day > 40 else day


def check(code: str) -> str:
    """Return the normalised code, or raise FiscalCodeError saying what is wrong with it."""
    value = normalise(code)
    if len(value) == PARTITA_IVA_LENGTH:
        if not _PARTITA_IVA_PATTERN.match(value) or value == "0" * PARTITA_IVA_LENGTH:
            raise FiscalCodeError(FiscalCodeProblem.FORMAT, value)
        if partita_iva_check_digit(value[:10]) != value[10]:
            raise FiscalCodeError(FiscalCodeProblem.CHECKSUM, value)
        return value
    if len(value) == PERSONAL_CODE_LENGTH:
        if (not _PERSONAL_PATTERN.match(value) or not _birth_day_is_possible(value)
                or not _omocodia_from_the_right(value)):
            raise FiscalCodeError(FiscalCodeProblem.FORMAT, value)
        if personal_code_check_char(value[:15]) != value[15]:
            raise FiscalCodeError(FiscalCodeProblem.CHECKSUM, value)
        return value
    raise FiscalCodeError(FiscalCodeProblem.LENGTH, value)


def is_valid(code: str) -> bool:
    try:
        check(code)
    except FiscalCodeError:
        return False
    return True


def is_legal_person_code(code: str) -> bool:
    """True for a valid 11-digit code (legal persons, partita IVA)."""
    value = normalise(code)
    return len(value) == PARTITA_IVA_LENGTH and is_valid(value)
