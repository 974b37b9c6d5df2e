"""Readable names from the Comune's upper-case, ASCII-only open data.

"NIGUARDA - CA' GRANDA - PRATO CENTENARO - Q.RE FULVIO TESTI" → "Niguarda - Ca' Granda - Prato Centenaro -
Q.re Fulvio Testi"; "CITTA' STUDI" → "Città Studi"; "CALDERON DE LA BARCA PIETRO" → "Calderon de la Barca Pietro".
"""

from __future__ import annotations

import re

# Articles and prepositions are lower-case inside a name ("Parco Bosco in Città", "Calderon de la Barca").
_SMALL_WORDS = frozenset({
    "a", "al", "alla", "alle", "ai", "agli", "da", "dal", "dalla", "dai", "de", "degli", "dei", "del", "della",
    "delle", "dello", "di", "e", "ed", "il", "in", "la", "le", "lo", "gli", "i", "sul", "sulla", "sui", "con", "per",
})
# Whole-token spellings that title-casing gets wrong.
_SPECIAL = {
    "NOLO": "NoLo",
    "QT": "QT",
    "PTA": "Porta",
    "P.TA": "Porta",
    "Q.RE": "Q.re",
    "F.LLI": "F.lli",
}
_ROMAN = re.compile(r"^[IVX]+$")
_GRAVE = {"A": "à", "E": "è", "I": "ì", "O": "ò", "U": "ù"}

# Mis-encodings in the ds205 population file (see data/milano/ATTRIBUTION.md).
_MIS_ENCODINGS = (
    (re.compile(r"\bPer—"), "Perù"),
    (re.compile(r"\b([Cc]a)\?(?=\s|$)"), r"\1'"),
)


def fix_mis_encodings(text: str) -> str:
    """Repair the known broken characters of the source files ("Per—" → "Perù", "Ca? Granda" → "Ca' Granda")."""
    for pattern, replacement in _MIS_ENCODINGS:
        text = pattern.sub(replacement, text)
    return text


def _word(word: str, first: bool) -> str:
    upper = word.upper()
    if upper in _SPECIAL:
        return _SPECIAL[upper]
    lower = word.lower()
    if not first and lower in _SMALL_WORDS:
        return lower
    if _ROMAN.match(upper) and lower not in _SMALL_WORDS:
        return upper
    if "'" in word:
        head, _, tail = word.partition("'")
        if not tail:
            # An apostrophe after a final vowel stands for an accent in ASCII data: CITTA' → Città.
            # Two-letter words keep it: it is an elision there (Ca' = Casa).
            if len(head) >= 3 and head[-1].upper() in _GRAVE:
                return head[:-1].capitalize() + _GRAVE[head[-1].upper()]
            return head.capitalize() + "'"
        # Elided article or preposition: DELL'ORSO → dell'Orso, D'ITALIA → d'Italia, SANT'EUFEMIA → Sant'Eufemia.
        head_text = head.lower() if (not first and head.lower() in {"d", "l", "dell", "dall", "all", "nell", "sull"}) \
            else head.capitalize()
        return f"{head_text}'{_word(tail, first=False).capitalize() if tail else ''}"
    if "-" in word:
        return "-".join(_word(part, first=first and i == 0) for i, part in enumerate(word.split("-")))
    return word[:1].upper() + word[1:].lower()


def title_case(text: str) -> str:
    """Italian title case for upper-case source names; " - " separates parts that each start capitalised."""
    text = fix_mis_encodings(" ".join(text.split()))
    parts = []
    for part in text.split(" - "):
        words = part.split(" ")
        parts.append(" ".join(_word(w, first=i == 0) for i, w in enumerate(words) if w))
    return " - ".join(parts)
