"""Score predicted documents against gold articles: count first, then divide.

Rules (ANNOTATION.md plus the decisions recorded in the README):
- A predicted and a gold quote match when their *trimmed* spans (whitespace, quote marks
  and trailing punctuation removed) have overlap/union >= 0.5; matching is one-to-one,
  best overlap first.
- `optional` gold quotes are neither rewarded nor penalised: a prediction matched to one
  is dropped from every count, and missing one costs nothing.
- `speaker_optional` quotes count for quote and stance metrics but stay out of the
  speaker accuracies and the attribution counts.
- Stance macro-F1 averages over the labels present in gold or predictions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from quotestance.model.defaults import DOUBLE_MARKS, SINGLE_MARKS, STANCES
from quotestance.model.document import Document, Quote
from quotestance.model.mentions import normalize_name

from .fixtures import GoldArticle, GoldQuote

MATCH_THRESHOLD = 0.5
_TRIM = set(" \t\r\n" + DOUBLE_MARKS + SINGLE_MARKS + ".,;:!?\u2026")


@dataclass
class PRF:
    """True positives, false positives and false negatives that can be added up."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Ratio:
    """Correct out of total; 1.0 when there is nothing to judge."""

    correct: int = 0
    total: int = 0

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.correct + other.correct, self.total + other.total)

    def add(self, ok: bool) -> None:
        self.correct += int(ok)
        self.total += 1

    @property
    def value(self) -> float:
        return self.correct / self.total if self.total else 1.0


def _empty_confusion() -> dict[str, dict[str, int]]:
    return {gold: dict.fromkeys(STANCES, 0) for gold in STANCES}


@dataclass
class Counts:
    """Everything counted for one article, or for many added together."""

    quote: PRF = field(default_factory=PRF)
    exact: PRF = field(default_factory=PRF)
    attribution: PRF = field(default_factory=PRF)
    speaker_strict: Ratio = field(default_factory=Ratio)
    speaker_lenient: Ratio = field(default_factory=Ratio)
    confusion: dict[str, dict[str, int]] = field(default_factory=_empty_confusion)

    def __add__(self, other: Counts) -> Counts:
        confusion = {g: {p: self.confusion[g][p] + other.confusion[g][p] for p in STANCES} for g in STANCES}
        return Counts(
            self.quote + other.quote,
            self.exact + other.exact,
            self.attribution + other.attribution,
            self.speaker_strict + other.speaker_strict,
            self.speaker_lenient + other.speaker_lenient,
            confusion,
        )

    @property
    def stance_accuracy(self) -> float:
        total = sum(sum(row.values()) for row in self.confusion.values())
        return sum(self.confusion[s][s] for s in STANCES) / total if total else 1.0

    @property
    def stance_macro_f1(self) -> float:
        scores = []
        for label in STANCES:
            gold = sum(self.confusion[label].values())
            pred = sum(self.confusion[g][label] for g in STANCES)
            if gold or pred:
                scores.append(PRF(self.confusion[label][label], pred - self.confusion[label][label],
                                  gold - self.confusion[label][label]).f1)
        return sum(scores) / len(scores) if scores else 1.0

    def metrics(self) -> dict[str, Any]:
        """A flat dict with stable keys, the form the CLI, reports and tests use."""
        return {
            "quote_precision": self.quote.precision,
            "quote_recall": self.quote.recall,
            "quote_f1": self.quote.f1,
            "exact_f1": self.exact.f1,
            "speaker_strict": self.speaker_strict.value,
            "speaker_lenient": self.speaker_lenient.value,
            "attribution_precision": self.attribution.precision,
            "attribution_recall": self.attribution.recall,
            "attribution_f1": self.attribution.f1,
            "stance_accuracy": self.stance_accuracy,
            "stance_macro_f1": self.stance_macro_f1,
            "gold_quotes": self.quote.tp + self.quote.fn,
            "predicted_quotes": self.quote.tp + self.quote.fp,
            "matched_quotes": self.quote.tp,
            "confusion": self.confusion,
        }


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span past whitespace, quote marks and punctuation at its edges."""
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Overlap over union of two half-open intervals."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    union = max(a[1], b[1]) - min(a[0], b[0])
    return max(inter, 0) / union if union > 0 else float(a == b)


def speaker_correct(predicted: str | None, gold: GoldQuote, lenient: bool = False) -> bool:
    """Strict: the name equals the gold name or an alias. Lenient: the same last token."""
    if gold.speaker is None or predicted is None:
        return gold.speaker is None and predicted is None
    names = {normalize_name(n) for n in gold.speaker_names}
    mine = normalize_name(predicted)
    if not lenient:
        return mine in names
    return bool(mine) and mine.split()[-1] in {n.split()[-1] for n in names if n}


def match_quotes(text: str, gold: Sequence[GoldQuote], pred: Sequence[Quote]) -> list[tuple[int, int]]:
    """Pair gold and predicted quotes one-to-one by trimmed overlap, best pairs first."""
    gold_spans = [trim(text, q.start, q.end) for q in gold]
    pred_spans = [trim(text, q.start, q.end) for q in pred]
    candidates = [
        (overlap(g, p), gi, pi)
        for gi, g in enumerate(gold_spans)
        for pi, p in enumerate(pred_spans)
        if g[0] < p[1] and p[0] < g[1]
    ]
    pairs, used_gold, used_pred = [], set(), set()
    for score, gi, pi in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if score >= MATCH_THRESHOLD and gi not in used_gold and pi not in used_pred:
            pairs.append((gi, pi))
            used_gold.add(gi)
            used_pred.add(pi)
    return sorted(pairs)


def _count_pair(counts: Counts, text: str, gold: GoldQuote, pred: Quote) -> None:
    counts.quote.tp += 1
    exact = trim(text, gold.start, gold.end) == trim(text, pred.start, pred.end)
    counts.exact.tp += int(exact)
    counts.exact.fp += int(not exact)
    counts.exact.fn += int(not exact)
    counts.confusion[gold.stance][pred.stance] += 1
    if gold.speaker_optional:
        return
    strict = speaker_correct(pred.speaker, gold)
    counts.speaker_strict.add(strict)
    counts.speaker_lenient.add(speaker_correct(pred.speaker, gold, lenient=True))
    counts.attribution.tp += int(strict)
    counts.attribution.fp += int(not strict)
    counts.attribution.fn += int(not strict)


def score_article(gold: GoldArticle, predicted: Document) -> Counts:
    """Count one article's quote, speaker, attribution and stance outcomes."""
    if predicted.text != gold.text:
        raise ValueError(f"article {gold.id!r}: the prediction was made on a different text")
    counts = Counts()
    pairs = match_quotes(gold.text, gold.quotes, predicted.quotes)
    matched_gold = {gi for gi, _ in pairs}
    matched_pred = {pi for _, pi in pairs}
    for gi, pi in pairs:
        if not gold.quotes[gi].optional:
            _count_pair(counts, gold.text, gold.quotes[gi], predicted.quotes[pi])
    unmatched = len(predicted.quotes) - len(matched_pred)
    for prf in (counts.quote, counts.exact, counts.attribution):
        prf.fp += unmatched
    for gi in set(range(len(gold.quotes))) - matched_gold:
        quote = gold.quotes[gi]
        if not quote.optional:
            counts.quote.fn += 1
            counts.exact.fn += 1
            counts.attribution.fn += int(not quote.speaker_optional)
    return counts


@dataclass
class EvalResult:
    """Per-article counts and their micro total."""

    rows: list[tuple[str, Counts]]

    @property
    def total(self) -> Counts:
        total = Counts()
        for _, counts in self.rows:
            total = total + counts
        return total

    def metrics(self) -> dict[str, Any]:
        return self.total.metrics()


def score(golds: Iterable[GoldArticle], predictions: Iterable[Document]) -> EvalResult:
    """Score predictions against gold articles, paired by position."""
    return EvalResult([(g.id, score_article(g, p)) for g, p in zip(golds, predictions, strict=True)])
