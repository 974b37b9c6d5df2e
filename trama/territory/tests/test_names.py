from __future__ import annotations

import pytest

from trama.territory.names import fix_mis_encodings, title_case


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NIGUARDA - CA' GRANDA - PRATO CENTENARO - Q.RE FULVIO TESTI",
         "Niguarda - Ca' Granda - Prato Centenaro - Q.re Fulvio Testi"),
        ("CITTA' STUDI", "Città Studi"),
        ("MONLUE' - PONTE LAMBRO", "Monluè - Ponte Lambro"),
        ("PARCO BOSCO IN CITTA'", "Parco Bosco in Città"),
        ("LORETO - CASORETTO - NOLO", "Loreto - Casoretto - NoLo"),
        ("PTA ROMANA", "Porta Romana"),
        ("GIARDINI P.TA VENEZIA", "Giardini Porta Venezia"),
        ("XXII MARZO", "XXII Marzo"),
        ("VIA PIETRO CALDERON DE LA BARCA", "Via Pietro Calderon de la Barca"),
        ("VIA DELL'ORSO", "Via dell'Orso"),
        ("PIAZZA MARINAI D'ITALIA", "Piazza Marinai d'Italia"),
        ("VIA SANT'EUFEMIA", "Via Sant'Eufemia"),
        ("CORSO VITTORIO EMANUELE II", "Corso Vittorio Emanuele II"),
    ],
)
def test_it_title_cases_upper_case_source_names(raw: str, expected: str) -> None:
    assert title_case(raw) == expected


def test_it_repairs_the_known_mis_encodings() -> None:
    assert fix_mis_encodings("Per—") == "Perù"
    assert fix_mis_encodings("Niguarda - Ca? Granda - Prato Centenaro") == "Niguarda - Ca' Granda - Prato Centenaro"
    assert title_case("Niguarda - Ca? Granda") == "Niguarda - Ca' Granda"
