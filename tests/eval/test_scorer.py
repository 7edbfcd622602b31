"""The scorer against numbers computed by hand on tests/fixtures/tiny.json."""

from __future__ import annotations

import pytest

from quotestance.eval.fixtures import GoldArticle, read_article
from quotestance.eval.scorer import normalize_name, overlap, score_article, speaker_correct, trim
from quotestance.model.document import Document, Quote

METRICS = ("quote_f1", "exact_f1", "speaker_strict", "speaker_lenient", "attribution_f1", "stance_accuracy",
           "stance_macro_f1")


def _quote(article: GoldArticle, text: str, speaker: str | None, stance: str) -> Quote:
    start = article.text.index(text)
    return Quote(text, start, start + len(text), speaker=speaker, stance=stance)


def _perfect(article: GoldArticle) -> Document:
    quotes = [Quote(q.text, q.start, q.end, q.speaker, stance=q.stance) for q in article.quotes]
    return Document(article.id, article.text, quotes)


def _degraded(article: GoldArticle) -> Document:
    return Document(article.id, article.text, [
        _quote(article, "grave", None, "neutral"),  # optional gold: ignored
        _quote(article, "We will not", "Yoon", "neutral"),  # overlap 11/22, not exact; alias; wrong stance
        _quote(article, "Nor will our partners.", "Sergei Lavrov", "oppose"),  # speaker_optional: speaker ignored
        _quote(article, "Our ties are lawful and normal,", "Sergey Lavrov", "support"),  # lenient only
        _quote(article, "Training continues in the Far East,", None, "neutral"),  # speaker missing
        _quote(article, "storm corps", None, "neutral"),  # false positive
    ])  # "a dangerous provocation," is missed


def test_scorer_perfect_prediction_scores_one(tiny_article):
    article = read_article(tiny_article)
    metrics = score_article(article, _perfect(article)).metrics()
    assert all(metrics[key] == 1.0 for key in METRICS)
    assert metrics["gold_quotes"] == 5


def test_scorer_degraded_matches_hand_computed_numbers(tiny_article):
    article = read_article(tiny_article)
    metrics = score_article(article, _degraded(article)).metrics()
    expected = {
        "quote_precision": 4 / 5, "quote_recall": 4 / 5, "quote_f1": 0.8,
        "exact_f1": 0.6,
        "speaker_strict": 1 / 3, "speaker_lenient": 2 / 3,
        "attribution_precision": 1 / 4, "attribution_recall": 1 / 4, "attribution_f1": 0.25,
        "stance_accuracy": 3 / 4, "stance_macro_f1": (1 + 2 / 3 + 2 / 3) / 3,
    }
    for key, value in expected.items():
        assert metrics[key] == pytest.approx(value), key
    assert metrics["confusion"]["oppose"]["neutral"] == 1


def test_scorer_degraded_is_lower_on_every_metric(tiny_article):
    article = read_article(tiny_article)
    perfect = score_article(article, _perfect(article)).metrics()
    degraded = score_article(article, _degraded(article)).metrics()
    assert all(degraded[key] < perfect[key] for key in METRICS)


def test_scorer_counts_add_up_over_articles(tiny_article):
    article = read_article(tiny_article)
    one = score_article(article, _degraded(article))
    two = one + one
    assert two.quote.tp == 2 * one.quote.tp and two.metrics()["quote_f1"] == pytest.approx(0.8)


def test_scorer_rejects_prediction_on_other_text(tiny_article):
    article = read_article(tiny_article)
    with pytest.raises(ValueError, match="different text"):
        score_article(article, Document(article.id, article.text + " ", []))


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("Choe Son-hui", "Choe Son Hui", True),
    ("the lawmakers", "lawmakers", True),
    ("North Korea\u2019s foreign ministry", "North Korea's Foreign Ministry", True),
    ("Sergey Lavrov", "Sergei Lavrov", False),
])
def test_scorer_normalize_name(a, b, expected):
    assert (normalize_name(a) == normalize_name(b)) is expected


def test_scorer_trim_and_overlap():
    text = '"Hello there," he said.'
    assert trim(text, 0, 14) == (1, 12)
    assert overlap((0, 10), (5, 15)) == pytest.approx(5 / 15)
    assert overlap((0, 4), (6, 9)) == 0.0


def test_scorer_null_speaker_needs_null_prediction(tiny_article):
    article = read_article(tiny_article)
    gold = article.quotes[0].__class__("x", 0, 1, None, "neutral")
    assert speaker_correct(None, gold) and not speaker_correct("Someone", gold)
