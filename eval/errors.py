"""What happened to each gold quote, and which phenomena the errors fall on.

The scorer counts; this module keeps the per-quote detail the counts hide. It pairs gold and
predicted quotes with the scorer's own `match_quotes`, so both agree on what matched, and
sorts each gold quote's outcome under the phenomena its fixture records: the generator's
`phenomena` tags and the keywords of the hand-written `note` ("partial quote; pronoun
attribution" counts under "partial quote" and "pronoun").

Example:
    >>> from quotestance.eval.fixtures import GoldQuote
    >>> phenomena_of(GoldQuote("x", 0, 1, "Kim", "neutral", note="split quote, first part; pronoun 'he'"))
    ('split quote', 'pronoun')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from quotestance.model.document import Document, Quote

from .fixtures import GoldArticle, GoldQuote
from .scorer import match_quotes, speaker_correct

#: Phenomenon name -> pattern that finds it in a fixture's note or phenomena tag (lower-cased,
#: underscores read as spaces). A note may name several; notes that name none are not counted.
PHENOMENON_PATTERNS: dict[str, str] = {
    "partial quote": r"partial",
    "split quote": r"split quote",
    "nested quote": r"nested",
    "multi-paragraph quote": r"multi[- ]paragraph|continuation",
    "headline": r"headline",
    "pronoun": r"pronoun",
    "role noun": r"role noun",
    "surname only": r"surname",
    "appositive": r"appositive",
    "inverted attribution": r"inverted",
    "according to": r"according to",
    "alternating speakers": r"alternat",
    "anonymous source": r"anonymous",
    "organisation speaker": r"organi[sz]ation|state media",
    "unattributed": r"unattributed|speaker null",
    "social media": r"social media|telegram|\bpost\b",
    "irony": r"\biron",
    "negation": r"negat",
    "off-topic": r"off[- ]topic|not about",
    "joint attribution": r"\bjoint\b",
    "relayed speech": r"relay",
}

#: The error kinds counted per phenomenon, in display order.
ERROR_KINDS: tuple[str, ...] = ("missed", "misattributed", "wrong stance")


@dataclass(frozen=True)
class QuoteOutcome:
    """One gold quote and the prediction matched to it, if any."""

    article: str
    gold: GoldQuote
    predicted: Quote | None

    @property
    def missed(self) -> bool:
        return self.predicted is None

    @property
    def misattributed(self) -> bool:
        """Matched with a wrong speaker (strict); `speaker_optional` quotes are never misattributed."""
        if self.predicted is None or self.gold.speaker_optional:
            return False
        return not speaker_correct(self.predicted.speaker, self.gold)

    @property
    def wrong_stance(self) -> bool:
        return self.predicted is not None and self.predicted.stance != self.gold.stance

    def errors(self) -> tuple[str, ...]:
        """The error kinds (of `ERROR_KINDS`) this outcome shows."""
        flags = (self.missed, self.misattributed, self.wrong_stance)
        return tuple(kind for kind, flag in zip(ERROR_KINDS, flags, strict=True) if flag)


def article_outcomes(gold: GoldArticle, predicted: Document) -> list[QuoteOutcome]:
    """Pair one article's gold quotes with its predictions; optional gold quotes are left out, as in scoring."""
    pairs = dict(match_quotes(gold.text, gold.quotes, predicted.quotes))
    return [
        QuoteOutcome(gold.id, quote, predicted.quotes[pairs[i]] if i in pairs else None)
        for i, quote in enumerate(gold.quotes)
        if not quote.optional
    ]


def quote_outcomes(golds: Sequence[GoldArticle], predictions: Sequence[Document]) -> list[QuoteOutcome]:
    """Every non-optional gold quote's outcome, articles paired by position.

    Raises:
        ValueError: The two sequences differ in length.
    """
    if len(golds) != len(predictions):
        raise ValueError(f"{len(golds)} gold articles but {len(predictions)} predicted documents")
    return [outcome for g, p in zip(golds, predictions, strict=True) for outcome in article_outcomes(g, p)]


def phenomena_of(quote: GoldQuote) -> tuple[str, ...]:
    """The phenomena (keys of `PHENOMENON_PATTERNS`) a gold quote's note and tags name, in table order."""
    described = " ; ".join([quote.note, *quote.phenomena]).lower().replace("_", " ")
    return tuple(name for name, pattern in PHENOMENON_PATTERNS.items() if re.search(pattern, described))


def errors_by_phenomenon(outcomes: Iterable[QuoteOutcome]) -> dict[str, dict[str, int]]:
    """Per phenomenon: how many gold quotes show it ("quotes") and how many of each error kind.

    Phenomena come in `PHENOMENON_PATTERNS` order; those no quote shows are left out.
    """
    table = {name: dict.fromkeys(("quotes", *ERROR_KINDS), 0) for name in PHENOMENON_PATTERNS}
    for outcome in outcomes:
        for name in phenomena_of(outcome.gold):
            table[name]["quotes"] += 1
            for kind in outcome.errors():
                table[name][kind] += 1
    return {name: row for name, row in table.items() if row["quotes"]}
