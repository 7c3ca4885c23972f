"""The extraction metric (extraction/metric.py): word-shingle precision, recall and F1 of a body
against its gold text."""

from __future__ import annotations

from newscrawler.extraction.metric import body_scores, page_f1


def test_shingle_metric() -> None:
    text = "one two three four five six seven"
    assert page_f1(text, text) == 1.0
    assert page_f1(text, "entirely different words in this other text") == 0.0
    scores = body_scores([(text, text), (text, "")])
    assert scores["precision"] == 1.0 and scores["recall"] == 0.5
