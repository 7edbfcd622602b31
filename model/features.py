"""Featurisation, written once: training and inference turn an article into the same windows.

Character offsets are the currency everywhere else; wordpieces exist only here, at the
model boundary, and every span is mapped back through the fast tokenizer's offsets.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .config import ModelConfig
from .document import Span
from .hints import ArticleHints, KnownSides
from .marks import MarkedSpan, find_marked_spans
from .mentions import SpeakerCandidate, find_speaker_candidates, normalize_name
from .rules import RuleAnalyzer

if TYPE_CHECKING:
    from quotestance.eval.fixtures import GoldArticle

IGNORE = -100


@dataclass
class Window:
    """One encoder input: [CLS] + wordpieces [token_start, token_end) of the article + [SEP]."""

    input_ids: list[int]
    token_start: int
    token_end: int
    #: Training only: per position, 1 inside a quote, 0 inside a marked non-quote, IGNORE elsewhere.
    tag_labels: list[int] | None = None


@dataclass
class QuoteInstance:
    """A marked span, the window that sees it best and the mentions it may be attributed to."""

    span: MarkedSpan
    window: int
    #: Positions inside the window ([CLS] is position 0), end exclusive.
    start: int
    end: int
    candidates: list[SpeakerCandidate] = field(default_factory=list)
    candidate_positions: list[tuple[int, int]] = field(default_factory=list)
    candidate_distances: list[int] = field(default_factory=list)
    #: `hints.CANDIDATE_HINTS` per candidate and `hints.QUOTE_HINTS` for the quote.
    candidate_hints: list[list[float]] = field(default_factory=list)
    quote_hints: list[float] = field(default_factory=list)
    #: The reporting verb the rule baseline found for this span ("said", "according to"), reported as is.
    cue: Span | None = None
    #: Training labels (None at inference): is it a quote, which candidates name its speaker,
    #: is the speaker null, and its stance index. IGNORE / None mean "do not train on this".
    is_quote: int = IGNORE
    positives: list[bool] | None = None
    null_speaker: bool = False
    stance: int = IGNORE


@dataclass
class EncodedArticle:
    """An article as the network sees it."""

    text: str
    windows: list[Window]
    quotes: list[QuoteInstance]

    def window_items(self) -> list[tuple[Window, list[QuoteInstance]]]:
        """Each window with the quotes it scores: the unit that training and calibration batch."""
        by_window: list[list[QuoteInstance]] = [[] for _ in self.windows]
        for quote in self.quotes:
            by_window[quote.window].append(quote)
        return list(zip(self.windows, by_window, strict=True))


def _window_bounds(n: int, size: int, stride: int, paragraph_starts: Sequence[int]) -> list[tuple[int, int]]:
    """Cover n wordpieces with windows of `size`, overlapping by `stride`, cut at paragraphs where possible."""
    bounds, start = [], 0
    while True:
        end = min(start + size, n)
        if end < n:
            i = bisect.bisect_right(paragraph_starts, end) - 1
            if i >= 0 and paragraph_starts[i] > start + size // 2:
                end = paragraph_starts[i]
        bounds.append((start, end))
        if end >= n:
            return bounds
        i = bisect.bisect_right(paragraph_starts, end - stride) - 1
        next_start = paragraph_starts[i] if i >= 0 and paragraph_starts[i] > start else end - stride
        start = max(next_start, start + 1)


def _token_span(starts: Sequence[int], ends: Sequence[int], char_start: int, char_end: int) -> tuple[int, int]:
    """Wordpieces overlapping [char_start, char_end); an empty span maps to the nearest piece."""
    first = bisect.bisect_right(ends, char_start)
    last = bisect.bisect_left(starts, char_end)
    return first, max(last, first + 1)


def distance_bucket(distance: int, buckets: int) -> int:
    """Log-scale bucket of a wordpiece distance: 0, 1, 2-3, 4-7, ... capped at `buckets - 1`."""
    return min(buckets - 1, 0 if distance <= 0 else 1 + int(math.log2(distance)))


class Featurizer:
    """Turns text (and, for training, its gold annotation) into `EncodedArticle`s."""

    def __init__(self, tokenizer: Any, config: ModelConfig) -> None:
        self.tokenizer = tokenizer
        self.config = config
        self.rules = RuleAnalyzer()  # its verdicts become hints; it reads the name lexicon once
        self.known_sides = KnownSides.load()

    def encode(self, text: str, gold: GoldArticle | None = None) -> EncodedArticle:
        pieces = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        ids, offsets = pieces["input_ids"], pieces["offset_mapping"]
        starts, ends = [s for s, _ in offsets], [e for _, e in offsets]
        paragraphs = [i for i in range(1, len(ids)) if "\n" in text[ends[i - 1] : starts[i]]]
        bounds = _window_bounds(len(ids), self.config.window - 2, self.config.stride, paragraphs)
        cls, sep = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        windows = [Window([cls, *ids[s:e], sep], s, e) for s, e in bounds]
        candidates = find_speaker_candidates(text)
        candidate_tokens = [_token_span(starts, ends, c.start, c.end) for c in candidates]
        spans = find_marked_spans(text)
        hints = ArticleHints.of(text, spans, *self.rules.read(text), candidates, self.known_sides)
        quotes = []
        for span in spans:
            tokens = _token_span(starts, ends, span.start, span.end)
            quote = self._place(span, tokens, bounds)
            self._add_candidates(quote, candidates, candidate_tokens, bounds[quote.window])
            quote.quote_hints, quote.cue = hints.quote(span), hints.cue(span)
            quote.candidate_hints = [hints.candidate(span, c) for c in quote.candidates]
            quotes.append(quote)
        if gold is not None:
            label_article(windows, quotes, gold, self.config)
        return EncodedArticle(text, windows, quotes)

    def _place(self, span: MarkedSpan, tokens: tuple[int, int], bounds: list[tuple[int, int]]) -> QuoteInstance:
        """Put the span in the window that gives it the most context on both sides."""
        def margin(i: int) -> int:
            s, e = bounds[i]
            return min(tokens[0] - s, e - tokens[1])

        best = max(range(len(bounds)), key=margin) if bounds else 0
        s, e = bounds[best] if bounds else (0, 0)
        start = min(max(tokens[0], s), max(e - 1, s)) - s + 1
        end = max(min(tokens[1], e) - s + 1, start + 1)
        return QuoteInstance(span, best, start, end)

    def _add_candidates(self, quote: QuoteInstance, candidates: list[SpeakerCandidate],
                        candidate_tokens: list[tuple[int, int]], bound: tuple[int, int]) -> None:
        s, e = bound
        q_start, q_end = quote.start + s - 1, quote.end + s - 1
        scored = []
        first = bisect.bisect_left(candidate_tokens, (s, s))  # only this window's candidates: linear time overall
        last = bisect.bisect_left(candidate_tokens, (e, e))
        for candidate, (c_start, c_end) in zip(candidates[first:last], candidate_tokens[first:last], strict=True):
            inside = quote.span.start <= candidate.start and candidate.end <= quote.span.end
            if inside or c_start < s or c_end > e:
                continue
            before = c_end <= q_start
            distance = q_start - c_end if before else max(c_start - q_end, 0)
            scored.append((distance, before, candidate, (c_start - s + 1, c_end - s + 1)))
        scored.sort(key=lambda item: item[0])
        buckets = self.config.distance_buckets
        for distance, before, candidate, position in scored[: self.config.max_candidates]:
            quote.candidates.append(candidate)
            quote.candidate_positions.append(position)
            quote.candidate_distances.append(distance_bucket(distance, buckets) + (0 if before else buckets))


def label_article(windows: list[Window], quotes: list[QuoteInstance], gold: GoldArticle,
                  config: ModelConfig) -> None:
    """Attach training labels: quote or not, which candidates name the speaker, stance."""
    from quotestance.eval.scorer import MATCH_THRESHOLD, overlap, trim

    gold_spans = [trim(gold.text, q.start, q.end) for q in gold.quotes]
    for window in windows:
        window.tag_labels = [IGNORE] * len(window.input_ids)
    for quote in quotes:
        span = trim(gold.text, quote.span.start, quote.span.end)
        scores = [overlap(span, g) for g in gold_spans]
        best = max(range(len(scores)), key=scores.__getitem__) if scores else -1
        match = gold.quotes[best] if best >= 0 and scores[best] >= MATCH_THRESHOLD else None
        quote.is_quote = IGNORE if match is not None and match.optional else int(match is not None)
        labels = windows[quote.window].tag_labels
        for position in range(quote.start, quote.end):
            if labels[position] != 1:
                labels[position] = quote.is_quote
        if match is None or match.optional:
            continue
        quote.stance = config.stances.index(match.stance)
        if match.speaker_optional:
            continue
        names = {normalize_name(n) for n in match.speaker_names}
        quote.positives = [normalize_name(c.resolved) in names for c in quote.candidates]
        quote.null_speaker = match.speaker is None
        if not quote.null_speaker and not any(quote.positives):
            quote.positives = None  # the speaker is out of reach: teach nothing rather than "null"
