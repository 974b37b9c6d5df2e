"""The in-memory gazetteer: Milan's streets (VIARIO) and house numbers (CIVICI), indexed for exact lookups.

Street names are indexed under four keys of decreasing strictness, tried in order (the first that finds a street
of the written type wins):
  1. exact words ("del duomo", "duomo": DENOMINAZIONE, DESCRITTIVO and the ANNCSU national name);
  2. the same words in any order ("calderon de la barca pietro" = "pietro calderon de la barca");
  3. loose: no articles/prepositions, saints unified, any order ("Piazza Duomo", "S. Eufemia");
  4. surname only, when the official name is "SURNAME GIVEN-NAME" ("Via Manzoni" for Via Alessandro Manzoni);
  5. loose without a final regnal number ("Corso Vittorio Emanuele" for Corso Vittorio Emanuele II);
  6. surname with the given names as initials ("Via P. Calvi", "Via G.Mompiani").
Similar-looking names are never matched: they only become suggestions in the error."""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from trama.territory import data
from trama.territory.geocoder.parsing import (
    HouseNumber,
    loose_tokens,
    normalise_barra,
    tokens,
)
from trama.territory.names import title_case

ACTIVE, IN_PROGRESS, SUPPRESSED = 2, 4, 99


@dataclass(frozen=True, slots=True)
class Street:
    code: int
    type_code: int
    full_name: str  # "Via Pietro Calderon de la Barca"
    match_text: str  # folded words, for ranking suggestions


@dataclass(frozen=True, slots=True)
class Civico:
    latitude: float
    longitude: float
    municipio: int | None
    nil: int | None
    in_progress: bool


@dataclass
class Gazetteer:
    streets: dict[int, Street] = field(default_factory=dict)
    numbers: dict[int, dict[tuple[int, str, str], Civico]] = field(default_factory=dict)
    suppressed: dict[int, set[tuple[int, str, str]]] = field(default_factory=dict)
    levels: tuple[dict[str, set[int]], ...] = field(default_factory=lambda: ({}, {}, {}, {}, {}))
    type_names: dict[int, str] = field(default_factory=dict)
    given_initials: dict[int, frozenset[str]] = field(default_factory=dict)  # street → initials of given names
    vocabulary: dict[str, set[int]] = field(default_factory=dict)  # word → streets, for suggestions

    # --- building ---------------------------------------------------------------------------------------
    @classmethod
    def from_files(
        cls,
        *,
        streets_path: Path = data.STREETS_FILE,
        types_path: Path = data.STREET_TYPES_FILE,
        civici_path: Path = data.CIVICI_FILE,
    ) -> Gazetteer:
        gazetteer = cls()
        gazetteer.type_names = {
            int(row["CODICE"]): row["DESC_ESTESA"].strip()
            for row in data.read_csv(types_path, encoding="ascii")
        }
        for row in data.read_csv(streets_path, encoding="ascii"):
            gazetteer._add_street(row, gazetteer.type_names)
        gazetteer._add_civici(civici_path)
        return gazetteer

    def _add_street(self, row: dict[str, str], type_names: dict[int, str]) -> None:
        code = int(row["CODICE_VIA"])
        type_code = int(row["TIPO"])
        type_name = type_names.get(type_code, "")
        denominazione = " ".join(row["DENOMINAZIONE"].split())
        descrittivo = " ".join(row["DESCRITTIVO"].split()) or denominazione
        display = descrittivo
        if type_name and not descrittivo.upper().startswith(type_name.upper() + " "):
            display = f"{type_name.upper()} {descrittivo}"
        full_name = title_case(display)
        variants = {descrittivo, denominazione}
        if "(" in denominazione:
            # "DUOMO (DEL)": both "DUOMO" and "DEL DUOMO" are how people write it.
            bare, _, particle = denominazione.partition("(")
            variants.add(bare)
            variants.add(f"{particle.rstrip(') ')} {bare}")
        national = " ".join(row.get("ANNCSU", "").split())
        if national:
            variants.add(national.removeprefix("DI VIA "))
        # "Santeufemia", "Dellorso": elisions are often typed without the apostrophe.
        variants |= {v.replace("'", "") for v in variants if "'" in v}
        word_sets = {tokens(v) for v in variants} - {()}
        street = Street(code, type_code, full_name, " ".join(tokens(descrittivo)))
        self.streets[code] = street
        exact, ordered, loose, surname, unnumbered = self.levels
        for words in word_sets:
            exact.setdefault(" ".join(words), set()).add(code)
            ordered.setdefault(" ".join(sorted(words)), set()).add(code)
            loose_key = " ".join(loose_tokens(words))
            if loose_key:
                loose.setdefault(loose_key, set()).add(code)
            if len(words) > 1 and words[-1].isdigit():  # a regnal number, already made digits by tokens()
                unnumbered.setdefault(" ".join(loose_tokens(words[:-1])), set()).add(code)
            for word in words:
                self.vocabulary.setdefault(word, set()).add(code)
        family, given = _surname(tokens(denominazione.partition("(")[0]), tokens(descrittivo))
        if family:
            surname.setdefault(" ".join(loose_tokens(family)), set()).add(code)
            self.given_initials[code] = frozenset(w[0] for w in given)

    def _add_civici(self, path: Path) -> None:
        # Per (number, letter, barra), the entry that stands for the address: the main door (no BARRA2) before
        # internal/secondary ones, an active number before one still in progress.
        best: dict[int, dict[tuple[int, str, str], tuple[tuple[int, int, str], Civico]]] = defaultdict(dict)
        suppressed: dict[int, set[tuple[int, str, str]]] = defaultdict(set)
        with data.open_text(path, encoding="ascii") as handle:
            lines = handle.read().splitlines()
        # Plain split: the compact file (written by build_gazetteer) has no quoted fields.
        for line in lines[1:]:  # header: data.CIVICI_COLUMNS
            via, numero, lettera, barra, barra2, stato, _src, municipio, nil, lat, lon = line.split(",")
            street = int(via)
            key = (int(numero), lettera.upper(), normalise_barra(barra) if barra else "")
            state = int(stato)
            if state == SUPPRESSED:
                suppressed[street].add(key)
                continue
            rank = (0 if not barra2 else 1, 0 if state == ACTIVE else 1, barra2)
            current = best[street].get(key)
            if current is None or rank < current[0]:
                civico = Civico(float(lat), float(lon), int(municipio) if municipio else None,
                                int(nil) if nil else None, state == IN_PROGRESS)
                best[street][key] = (rank, civico)
        self.numbers = {street: {k: v[1] for k, v in keys.items()} for street, keys in best.items()}
        # A number suppressed and later re-assigned is simply active: only keep the ones that are gone.
        self.suppressed = {
            street: {k for k in keys if k not in self.numbers.get(street, {})} for street, keys in suppressed.items()
        }

    # --- lookups ----------------------------------------------------------------------------------------
    def candidates(self, words: tuple[str, ...]) -> list[set[int]]:
        """Street codes matching the words, one set per strictness level (empty sets where nothing matched)."""
        exact, ordered, loose, surname, unnumbered = self.levels
        loose_key = " ".join(loose_tokens(words))
        initials = {w for w in words if len(w) == 1}
        by_initials: set[int] = set()
        if initials and len(initials) < len(words):
            rest = tuple(w for w in words if len(w) > 1)
            by_initials = {
                c for c in surname.get(" ".join(loose_tokens(rest)), set())
                if initials <= self.given_initials.get(c, frozenset())
            }
        return [
            exact.get(" ".join(words), set()),
            ordered.get(" ".join(sorted(words)), set()),
            loose.get(loose_key, set()),
            surname.get(loose_key, set()),
            unnumbered.get(loose_key, set()),
            by_initials,
        ]

    def similar_streets(self, words: tuple[str, ...], limit: int = 5) -> list[Street]:
        """Streets whose words look like the given ones (typos, partial names): for suggestions only."""
        # Distinct words, at most 8: each costs a pass over the vocabulary (a street name has at most 8 words).
        query = list(dict.fromkeys(w for w in loose_tokens(words) if len(w) > 1))[:8] or list(dict.fromkeys(words))[:8]
        if not query:
            return []
        scores: dict[int, float] = defaultdict(float)
        vocabulary = list(self.vocabulary)
        for word in query:
            for close in difflib.get_close_matches(word, vocabulary, n=12, cutoff=0.72):
                similarity = difflib.SequenceMatcher(None, word, close).ratio()
                for code in self.vocabulary[close]:
                    scores[code] += similarity
        text = " ".join(words)[:120]  # longer than any street name: only ties are ranked on it
        ranked = sorted(
            scores,
            key=lambda c: (
                -round(scores[c], 3),
                -difflib.SequenceMatcher(None, text, self.streets[c].match_text).ratio(),
                self.streets[c].full_name,
            ),
        )
        return [self.streets[c] for c in ranked[:limit]]

    def number_range(self, street: int) -> tuple[int, int]:
        """Lowest and highest house number of a street ((0, 0) when it has none)."""
        numbers = [k[0] for k in self.numbers.get(street, {})]
        return (min(numbers), max(numbers)) if numbers else (0, 0)

    def nearest_numbers(self, street: int, number: HouseNumber, limit: int = 5) -> list[HouseNumber]:
        keys = self.numbers.get(street, {})
        ranked = sorted(keys, key=lambda k: (abs(k[0] - number.number), k[0], k[1], k[2]))
        return [HouseNumber(*k) for k in ranked[:limit]]


def _surname(
    denominazione: tuple[str, ...], descrittivo: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(family name, given names) of a street named after a person.

    The gazetteer writes people as "SURNAME GIVEN" in DENOMINAZIONE and "GIVEN SURNAME" in DESCRITTIVO
    ("CALDERON DE LA BARCA PIETRO" / "PIETRO CALDERON DE LA BARCA"): the given names are the longest head of
    DESCRITTIVO that is also the tail of DENOMINAZIONE. Empty tuples when the name is not of that form."""
    n = len(descrittivo)
    if n < 2 or len(denominazione) != n or denominazione == descrittivo:
        return (), ()
    for k in range(n - 1, 0, -1):
        if descrittivo[:k] == denominazione[n - k:] and sorted(descrittivo[k:]) == sorted(denominazione[:n - k]):
            return denominazione[: n - k], descrittivo[:k]
    return (), ()
