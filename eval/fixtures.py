"""Read annotated articles in the ANNOTATION.md format and resolve quotes to offsets.

`occurrence` is resolved here and nowhere else, so every consumer (scorer, trainer,
validator) sees the same character offsets.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quotestance.model.defaults import CONFIDENCE_KEYS, STANCES, Stance
from quotestance.model.document import Document, Quote, Span


class FixtureError(ValueError):
    """An annotated article does not follow ANNOTATION.md."""


@dataclass(frozen=True)
class GoldQuote:
    """One annotated quote with resolved offsets."""

    text: str
    start: int
    end: int
    speaker: str | None
    stance: Stance
    aliases: tuple[str, ...] = ()
    optional: bool = False
    speaker_optional: bool = False
    note: str = ""
    mention: Span | None = None
    cue: Span | None = None
    phenomena: tuple[str, ...] = ()

    @property
    def speaker_names(self) -> tuple[str, ...]:
        """Every acceptable name for the speaker: the canonical one first."""
        return ((self.speaker,) if self.speaker else ()) + self.aliases

    def to_quote(self) -> Quote:
        """The annotation as a predicted `Quote` would carry it: certain stance, full confidence."""
        return Quote(
            text=self.text,
            start=self.start,
            end=self.end,
            speaker=self.speaker,
            speaker_mention=self.mention,
            cue=self.cue,
            stance=self.stance,
            stance_scores={label: float(label == self.stance) for label in STANCES},
            confidence=dict.fromkeys(CONFIDENCE_KEYS, 1.0),
        )


@dataclass
class GoldArticle:
    """An annotated article: its text, its gold quotes and its declared non-quotes."""

    id: str
    text: str
    quotes: list[GoldQuote]
    non_quotes: list[str] = field(default_factory=list)
    source: str = ""
    path: Path | None = None

    def to_document(self) -> Document:
        """The gold annotation as a `Document` (optional quotes included), e.g. to render it."""
        return Document(self.id, self.text, [quote.to_quote() for quote in self.quotes])


def find_occurrence(text: str, needle: str, occurrence: int) -> int:
    """Return the start of the `occurrence`-th (1-based) appearance of `needle`, or -1."""
    start = -1
    for _ in range(occurrence):
        start = text.find(needle, start + 1)
        if start < 0:
            return -1
    return start


def _span(raw: Any, text: str, where: str) -> Span | None:
    if raw is None:
        return None
    span = Span(str(raw["text"]), int(raw["start"]), int(raw["end"]))
    try:
        span.check(text, where)
    except ValueError as error:
        raise FixtureError(str(error)) from None
    return span


def parse_quote(raw: dict[str, Any], text: str, article_id: str, index: int) -> GoldQuote:
    """Turn one annotated quote into a `GoldQuote`, failing with the article id and quote."""
    where = f"article {article_id!r}, quote {index}"
    if not isinstance(raw.get("text"), str) or not raw["text"]:
        raise FixtureError(f"{where}: 'text' must be a non-empty string, got {raw.get('text')!r}")
    stance = raw.get("stance")
    if stance not in STANCES:
        raise FixtureError(f"{where}: stance must be one of {STANCES}, got {stance!r}")
    occurrence = int(raw.get("occurrence", 1))
    start = find_occurrence(text, raw["text"], occurrence)
    if start < 0:
        raise FixtureError(f"{where}: text {raw['text']!r} (occurrence {occurrence}) is not in the article")
    return GoldQuote(
        text=raw["text"],
        start=start,
        end=start + len(raw["text"]),
        speaker=raw.get("speaker"),
        stance=stance,
        aliases=tuple(raw.get("speaker_aliases", ())),
        optional=bool(raw.get("optional", False)),
        speaker_optional=bool(raw.get("speaker_optional", False)),
        note=str(raw.get("note", "")),
        mention=_span(raw.get("mention"), text, f"{where} mention"),
        cue=_span(raw.get("cue"), text, f"{where} cue"),
        phenomena=tuple(raw.get("phenomena", ())),
    )


def parse_article(data: dict[str, Any], path: Path | None = None) -> GoldArticle:
    """Build a `GoldArticle` from one JSON object in the ANNOTATION.md format."""
    article_id = data.get("id")
    if not isinstance(article_id, str) or not isinstance(data.get("text"), str):
        raise FixtureError(f"{path or 'article'}: needs string fields 'id' and 'text'")
    quotes = [parse_quote(raw, data["text"], article_id, i) for i, raw in enumerate(data.get("quotes", []))]
    quotes.sort(key=lambda q: (q.start, q.end))
    return GoldArticle(
        id=article_id,
        text=data["text"],
        quotes=quotes,
        non_quotes=list(data.get("non_quotes", [])),
        source=str(data.get("source", "")),
        path=path,
    )


def read_article(path: Path) -> GoldArticle:
    """Read one annotated JSON file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FixtureError(f"{path}: not valid UTF-8 JSON ({error})") from None
    return parse_article(data, Path(path))


def iter_article_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Expand files and folders (recursively) into annotated JSON files, sorted per folder.

    A folder without any is an error: scores over no articles would read as perfect.
    """
    for path in map(Path, paths):
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.json") if p.is_file())
            if not files:
                raise FileNotFoundError(f"no annotated articles (*.json) in folder {path}")
            yield from files
        elif path.is_file():
            yield path
        else:
            raise FileNotFoundError(f"no such fixture file or folder: {path}")


def read_articles(paths: Iterable[str | Path]) -> list[GoldArticle]:
    """Read every annotated article under `paths`."""
    return [read_article(path) for path in iter_article_files(paths)]
