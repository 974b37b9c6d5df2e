"""Turning free text into (street type, street name tokens, house number): the tolerant half of the geocoder.

Both the gazetteer's names and the user's text go through the same `tokens()` so that case, accents,
apostrophes and punctuation never matter."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# --- Street types -----------------------------------------------------------------------------------------
# TIPO codes of TIPOVIA.CSV.
VIA, VIALE, PIAZZA, LARGO, VICOLO, VIA_PRIVATA, PIAZZALE, PONTE = 1, 2, 3, 4, 5, 6, 7, 8
CORSO, ALZAIA, BASTIONI, PASSAGGIO, FORO, GALLERIA, GIARDINI, PIAZZETTA = 11, 13, 14, 15, 16, 17, 18, 21
STRADA, PORTA, GIARDINO = 25, 26, 27

# Written forms of each type, after lower-casing and accent stripping; dots and spaces inside abbreviations are
# optional ("p.zza", "p. zza", "pzza"). Longer forms first: the first alternative that matches wins.
_TYPE_FORMS: list[tuple[str, int]] = [
    (r"via\s+privata|v\.?\s*privata|v\.?\s*pr\.?|vpr", VIA_PRIVATA),
    (r"viale|v\.?\s*le|vle", VIALE),
    (r"vicolo|v\.?\s*lo|vlo|vic", VICOLO),
    (r"via|v", VIA),
    (r"piazzale|p\.?\s*le|ple|p\.?\s*zale|pzle", PIAZZALE),
    (r"piazzetta|p\.?\s*tta|pzt|p\.?\s*zzetta", PIAZZETTA),
    (r"piazza|p\.?\s*zza|p\.?\s*za|pzza|pza|p\.?\s*zz", PIAZZA),
    (r"corso|c\.?\s*so|cso", CORSO),
    (r"largo|l\.?\s*go|lgo", LARGO),
    (r"galleria|gall|gll", GALLERIA),
    (r"alzaia|alz", ALZAIA),
    (r"bastioni|bast|bst", BASTIONI),
    (r"passaggio|pass", PASSAGGIO),
    (r"passeggiata|psg", 12),
    (r"strada|str|sda", STRADA),
    (r"ponte|pte", PONTE),
    (r"porta|p\.?\s*ta|pta", PORTA),
    (r"foro", FORO),
    (r"giardini", GIARDINI),
    (r"giardino", GIARDINO),
    (r"cavalcavia|cav", 10),
    (r"sottopasso", 9),
    (r"sottovia", 24),
    (r"raccordo\s+cavalcavia", 28),
    (r"ripa", 22),
    (r"parco", 20),
    (r"monte", 19),
    (r"tangenziale", 30),
    (r"superstrada", 29),
    (r"rotatoria", 32),
    (r"passerella", 31),
    (r"sopraelevata", 33),
    (r"sito", 23),
]
_TYPE_RE = [(re.compile(rf"^(?:{forms})(?:\.|\b)\s*(?=\S)"), code) for forms, code in _TYPE_FORMS]
# A street type (or its abbreviation) and nothing else: "via", "p.zza".
_TYPE_ONLY = re.compile(rf"^(?:{'|'.join(forms for forms, _code in _TYPE_FORMS)})\.?$")

# Types people use for one another ("Piazza Loreto" for Piazzale Loreto, "Via Monza" for Viale Monza): tried
# only when no street of the written type matches, and only if it leads to exactly one address.
_FAMILIES = (
    frozenset({VIA, VIALE, VIA_PRIVATA, VICOLO, STRADA, ALZAIA}),
    frozenset({PIAZZA, PIAZZALE, PIAZZETTA, LARGO}),
    frozenset({GIARDINI, GIARDINO}),
)


def type_family(code: int) -> frozenset[int]:
    for family in _FAMILIES:
        if code in family:
            return family
    return frozenset({code})


# --- Tokens -----------------------------------------------------------------------------------------------
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
_ABBREVIATIONS = [
    (re.compile(r"\bf\.?\s*lli\b\.?"), " fratelli "),
    (re.compile(r"\bss\.\s*"), " santi "),
    (re.compile(r"\bs\.\s*"), " s "),
    (re.compile(r"\bsig\.\s*"), " "),
]
_NON_WORD = re.compile(r"[^a-z0-9]+")

# Saints are written San, Santa, Santo, Sant', S.: one token for all in the loose key.
_SAINTS = frozenset({"san", "santa", "santo", "sant", "s", "santi", "ss"})
# Articles and prepositions that people drop or add ("Piazza Duomo" for Piazza del Duomo).
_STOPWORDS = frozenset({
    "a", "al", "alla", "alle", "all", "ai", "agli", "d", "da", "dal", "dalla", "dall", "dai", "de", "degli", "dei",
    "del", "della", "delle", "dello", "dell", "di", "e", "ed", "il", "in", "l", "la", "le", "lo", "gli", "i", "sul",
    "sulla", "sui",
})


def fold(text: str) -> str:
    """Lower case, accents removed, typographic apostrophes made plain."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


# The gazetteer spells numbers in names ("VENTIDUE MARZO", "CINQUE GIORNATE"); people write "XXII Marzo",
# "22 Marzo", "5 Giornate". Words and Roman numerals become digits on both sides.
_NUMBER_WORDS = {
    word: str(i) for i, word in enumerate([
        "zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove", "dieci", "undici",
        "dodici", "tredici", "quattordici", "quindici", "sedici", "diciassette", "diciotto", "diciannove", "venti",
        "ventuno", "ventidue", "ventitre", "ventiquattro", "venticinque", "ventisei", "ventisette", "ventotto",
        "ventinove", "trenta", "trentuno",
    ])
}
_ROMAN_NUMERAL = re.compile(r"^(?=[ivxl]{2,}$)l?x{0,3}(?:ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50}


def _roman(token: str) -> str:
    total = 0
    for i, ch in enumerate(token):
        value = _ROMAN_VALUES[ch]
        following = _ROMAN_VALUES[token[i + 1]] if i + 1 < len(token) else 0
        total += -value if value < following else value
    return str(total)


def _canonical(token: str) -> str:
    if token in _NUMBER_WORDS:
        return _NUMBER_WORDS[token]
    if _ROMAN_NUMERAL.match(token):
        return _roman(token)
    return token


def tokens(text: str) -> tuple[str, ...]:
    """Comparable words of a name: folded, abbreviations expanded, punctuation and apostrophes split, numbers
    (in words or Roman numerals) as digits."""
    text = fold(text)
    for pattern, replacement in _ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    return tuple(_canonical(t) for t in _NON_WORD.split(text) if t)


def loose_tokens(words: tuple[str, ...]) -> tuple[str, ...]:
    """Order-free key without articles/prepositions, saints unified: the tolerant comparison."""
    out = []
    for w in words:
        if w in _SAINTS:
            out.append("s")
        elif w not in _STOPWORDS:
            out.append(w)
    return tuple(sorted(out))


# --- Whole address ----------------------------------------------------------------------------------------
_CITY_TAIL = re.compile(
    r"(?:[\s,;-]+(?:\(?\bmi\b\)?|milano|milan|italia|italy|\b20\d{3}\b))+\s*$"
)
_LEADING_CITY = re.compile(r"^\s*(?:20\d{3}\s+)?(?:milano|milan)\s*[,;:-]\s*")
# Nothing but city, province, country or CAP ("Milano", "20121 Milano (MI)"): no street at all.
_CITY_ONLY = re.compile(r"^(?:[\s,;:()\-]|\bmi\b|milano|milan|italia|italy|\b20\d{3}\b)*$")
# House number at the end: 12, 12a, 12/a, 12 a, 12 bis, 12/3, 11a/4, 11/a/4, 5/3/a; "n." or "n°" may precede.
# Any number of digits (up to 9): a number the street does not have (99999) is "not found", never "missing".
_NUMBER = re.compile(
    r"""(?:^|[\s,])(?:n\.?\s*°?|nr\.?|num\.?|numero|°)?\s*
        (?P<num>\d{1,9})
        (?:\s*[/\-]?\s*(?P<suffix>bis|ter|quater|[a-z])(?![a-z0-9]))?
        (?:\s*/\s*(?P<barra>\d{1,9}(?:\s*/?\s*[a-z](?![a-z]))?|[a-z](?![a-z])))?
        \s*$""",
    re.VERBOSE,
)
# What is left at the end when no house number could be read but the last word looks like one: "-3", "1.5",
# "12345678901", "°3". Reported as an unreadable number (unless the whole text is a street's name).
_BAD_NUMBER = re.compile(r"(?:^|\s)(?P<bad>(?:n\.?\s*°?|nr\.?|°)?[-+−–]?\s*\d\S*)\s*$")


@dataclass(frozen=True)
class HouseNumber:
    number: int
    letter: str = ""  # "A", "B", … or "BIS"
    barra: str = ""  # the sub-number after a slash, e.g. "3" in 19/3 (normalised without slashes)

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.number, self.letter, self.barra)

    def display(self) -> str:
        text = str(self.number)
        if self.letter == "BIS":
            text += " bis"
        elif self.letter:
            text += f"/{self.letter}"
        if self.barra:
            text += f"/{self.barra}"
        return text


def normalise_barra(value: str) -> str:
    if not value:
        return value
    return re.sub(r"[\s/]+", "", value).upper()


@dataclass(frozen=True)
class ParsedAddress:
    street_text: str  # folded street part, type included
    number: HouseNumber | None
    # With no number: the last word when it looks like a number but is not one ("-3", "1.5"), else "".
    bad_number: str = ""

    @property
    def whole_text(self) -> str:
        """Street part and unreadable number together (in case the "number" belongs to the street's name)."""
        return f"{self.street_text} {self.bad_number}".strip()


def parse_address(text: str) -> ParsedAddress:
    """Split folded text into street part and house number, dropping ", Milano", "(MI)", CAP and country."""
    folded = " ".join(fold(text).split())
    if _CITY_ONLY.match(folded):
        return ParsedAddress("", None)
    folded = _LEADING_CITY.sub("", folded)
    previous = None
    while previous != folded:  # "…, 20121 Milano (MI), Italia": peel every tail
        previous = folded
        folded = _CITY_TAIL.sub("", folded).strip(" ,;-")
    match = _NUMBER.search(folded)
    if match is None:
        bad = _BAD_NUMBER.search(folded)
        if bad is not None:
            return ParsedAddress(folded[: bad.start()].strip(" ,;-"), None, bad.group("bad"))
        return ParsedAddress(folded.strip(" ,;-"), None)
    suffix = (match.group("suffix") or "").upper()
    number = HouseNumber(int(match.group("num")), suffix, normalise_barra(match.group("barra") or ""))
    street = folded[: match.start()].strip(" ,;-")
    return ParsedAddress(street, number)


def is_type_only(street_text: str) -> bool:
    """True when the text is only a street type ("via", "p.zza"): the street's name is missing."""
    return bool(_TYPE_ONLY.match(street_text.strip()))


def split_type(street_text: str) -> tuple[int | None, str]:
    """(TIPO code, rest) when the text starts with a street type or its abbreviation, else (None, text)."""
    for pattern, code in _TYPE_RE:
        match = pattern.match(street_text)
        if match:
            return code, street_text[match.end():]
    return None, street_text
