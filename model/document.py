"""Documents, quotes and spans: the plain data that flows through every component.

Offsets are Python string indices (code points) into `Document.text`, end exclusive, so
`document.text[quote.start:quote.end] == quote.text` always holds.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from .defaults import STANCES, Stance


class SpanError(ValueError):
    """A span's offsets do not reproduce its text."""


@dataclass(frozen=True)
class Span:
    """A stretch of the article: a speaker mention or a cue word.

    Example:
        >>> Span.at("Biden told reporters", 0, 5)
        Span(text='Biden', start=0, end=5)
    """

    text: str
    start: int
    end: int

    @classmethod
    def at(cls, text: str, start: int, end: int) -> Span:
        """Cut a span out of `text`, so that its text and offsets cannot disagree."""
        if not 0 <= start <= end <= len(text):
            raise SpanError(f"span [{start}, {end}) lies outside a text of {len(text)} characters")
        return cls(text[start:end], start, end)

    def check(self, text: str, what: str) -> None:
        """Raise if this span does not reproduce `text[start:end]`."""
        if not 0 <= self.start <= self.end <= len(text) or text[self.start : self.end] != self.text:
            raise SpanError(f"{what} [{self.start}, {self.end}) does not match its text {self.text!r}")

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Span | None:
        return None if data is None else cls(str(data["text"]), int(data["start"]), int(data["end"]))


def _uniform_scores() -> dict[str, float]:
    return {label: 1.0 / len(STANCES) for label in STANCES}


@dataclass
class Quote:
    """One direct quote, its speaker and its stance toward North Korea–Russia cooperation."""

    text: str
    start: int
    end: int
    speaker: str | None = None
    speaker_mention: Span | None = None
    cue: Span | None = None
    stance: Stance = "neutral"
    stance_scores: dict[str, float] = field(default_factory=_uniform_scores)
    confidence: dict[str, float] = field(default_factory=lambda: {"quote": 1.0, "speaker": 0.0})

    def __post_init__(self) -> None:
        if self.stance not in STANCES:
            raise ValueError(f"stance must be one of {STANCES}, got {self.stance!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Quote:
        return cls(
            text=data["text"],
            start=int(data["start"]),
            end=int(data["end"]),
            speaker=data.get("speaker"),
            speaker_mention=Span.from_dict(data.get("speaker_mention")),
            cue=Span.from_dict(data.get("cue")),
            stance=data.get("stance", "neutral"),
            stance_scores=dict(data.get("stance_scores") or _uniform_scores()),
            confidence=dict(data.get("confidence") or {}),
        )


@dataclass
class Document:
    """An article and the quotes found in it.

    Example:
        >>> doc = Document("d1", 'Kim said "we are ready."')
        >>> doc.to_dict()
        {'id': 'd1', 'text': 'Kim said "we are ready."', 'quotes': []}
    """

    id: str
    text: str
    quotes: list[Quote] = field(default_factory=list)

    def validate(self) -> Document:
        """Check that every span reproduces the text it claims; return self for chaining."""
        for i, quote in enumerate(self.quotes):
            Span(quote.text, quote.start, quote.end).check(self.text, f"{self.id}: quote {i}")
            for name in ("speaker_mention", "cue"):
                span = getattr(quote, name)
                if span is not None:
                    span.check(self.text, f"{self.id}: quote {i} {name}")
        return self

    def to_dict(self, with_text: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id}
        if with_text:
            data["text"] = self.text
        data["quotes"] = [quote.to_dict() for quote in self.quotes]
        return data

    def to_json(self, with_text: bool = True, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(with_text), ensure_ascii=False, indent=indent)

    def to_html(self, title: str | None = None) -> str:
        """This document as one self-contained HTML page: quotes in stance colours, speakers, a legend.

        See `quotestance.model.render.document_to_html`, which does the work.
        """
        from .render import document_to_html

        return document_to_html(self, title)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        quotes = [Quote.from_dict(q) for q in data.get("quotes", [])]
        return cls(id=str(data["id"]), text=data["text"], quotes=quotes).validate()
