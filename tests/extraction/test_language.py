"""Language identification: the project's compact copy of py3langid's model answers as py3langid does."""

from __future__ import annotations

import pytest

from newscrawler.extraction.language import detect_language, identifier

TEXTS = [
    "The council met on Tuesday and voted to raise the budget for the city's schools by ten percent.",
    "Der Stadtrat hat am Dienstag beschlossen, den Haushalt für die Schulen um zehn Prozent zu erhöhen.",
    "Le conseil municipal a voté mardi une hausse de dix pour cent du budget des écoles de la ville.",
    "El ayuntamiento aprobó el martes un aumento del diez por ciento del presupuesto de las escuelas.",
    "市議会は火曜日、市内の学校の予算を10％増やすことを決めた。市長は来年度も教育への投資を続けると述べた。",
    "Городской совет во вторник проголосовал за увеличение бюджета школ на десять процентов.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_compact_model_answers_as_py3langid_does(text: str) -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    reference = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True).classify(text)
    ours = identifier().classify(text)
    assert ours[0] == reference[0] and ours[1] == pytest.approx(reference[1])
    assert detect_language(text) == reference[0]
