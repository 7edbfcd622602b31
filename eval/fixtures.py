"""Read annotated articles in the ANNOTATION.md format and resolve quotes to offsets.

`occurrence` is resolved here and nowhere else, so every consumer (scorer, trainer,
validator) sees the same character offsets.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quotestance.model.defaults import STANCES, Stance
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
        """The annotation as a predicted `Quote` would carry it: certain stance, no confidences (none was given)."""
        return Quote(
            text=self.text,
            start=self.start,
            end=self.end,
            speaker=self.speaker,
            speaker_mention=self.mention,
            cue=self.cue,
            stance=self.stance,
            stance_scores={label: float(label == self.stance) for label in STANCES},
            confidence={},
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


_REQUIRED = object()
#: The keys the readers understand (ANNOTATION.md's, this project's `source` and `non_quotes`, and
#: what the generator adds); `validate` names any other key, as a misspelt one is silently ignored.
ARTICLE_KEYS = frozenset({"id", "text", "quotes", "source", "non_quotes", "patterns"})
QUOTE_KEYS = frozenset({"text", "speaker", "speaker_aliases", "stance", "occurrence", "optional", "speaker_optional",
                        "note", "mention", "cue", "phenomena"})


def unknown_keys(data: dict[str, Any]) -> list[str]:
    """Keys of an article (JSON that `parse_article` accepted) and its quotes that no reader uses, as sentences."""
    found = [(f"key {k!r}", k, ARTICLE_KEYS) for k in data if k not in ARTICLE_KEYS]
    for number, quote in enumerate(data.get("quotes", []), 1):
        found += [(f"quote {number}: key {k!r}", k, QUOTE_KEYS) for k in quote if k not in QUOTE_KEYS]
    return [f"{where} is unknown{_did_you_mean(key, known)}" for where, key, known in found]


def _did_you_mean(key: str, known: frozenset[str]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _field(raw: dict[str, Any], key: str, kinds: type | tuple[type, ...], where: str, default: Any = _REQUIRED) -> Any:
    """`raw[key]` if it has the JSON type the format asks for; a FixtureError naming both otherwise."""
    if key not in raw:
        if default is _REQUIRED:
            raise FixtureError(f"{where}: needs '{key}'")
        return default
    value = raw[key]
    allowed = kinds if isinstance(kinds, tuple) else (kinds,)
    if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
        names = " or ".join("null" if k is type(None) else k.__name__ for k in allowed)
        raise FixtureError(f"{where}: '{key}' must be {names}, got {value!r}")
    return value


def _strings(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    values = _field(raw, key, list, where, [])
    if not all(isinstance(v, str) and v for v in values):
        raise FixtureError(f"{where}: '{key}' must be a list of non-empty strings, got {values!r}")
    return tuple(values)


def _span(raw: Any, text: str, where: str) -> Span | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise FixtureError(f"{where}: must be an object with text, start and end, got {raw!r}")
    span = Span(_field(raw, "text", str, where), _field(raw, "start", int, where), _field(raw, "end", int, where))
    try:
        span.check(text, where)
    except ValueError as error:
        raise FixtureError(str(error)) from None
    return span


def parse_quote(raw: dict[str, Any], text: str, article_id: str, index: int) -> GoldQuote:
    """Turn one annotated quote into a `GoldQuote`, failing with the article id and quote (0-based index)."""
    where = f"article {article_id!r}, quote {index + 1}"
    if not isinstance(raw, dict):
        raise FixtureError(f"{where}: must be an object, got {raw!r}")
    if not isinstance(raw.get("text"), str) or not raw["text"]:
        raise FixtureError(f"{where}: 'text' must be a non-empty string, got {raw.get('text')!r}")
    stance = raw.get("stance")
    if stance not in STANCES:
        raise FixtureError(f"{where}: stance must be one of {STANCES}, got {stance!r}")
    speaker = _field(raw, "speaker", (str, type(None)), where)
    if speaker == "":
        raise FixtureError(f"{where}: 'speaker' is empty; use null for a quote without a source")
    occurrence = _field(raw, "occurrence", int, where, 1)
    start = find_occurrence(text, raw["text"], occurrence) if occurrence >= 1 else -1
    if start < 0:
        raise FixtureError(f"{where}: text {raw['text']!r} (occurrence {occurrence}) is not in the article")
    return GoldQuote(
        text=raw["text"],
        start=start,
        end=start + len(raw["text"]),
        speaker=speaker,
        stance=stance,
        aliases=_strings(raw, "speaker_aliases", where),
        optional=_field(raw, "optional", bool, where, False),
        speaker_optional=_field(raw, "speaker_optional", bool, where, False),
        note=_field(raw, "note", str, where, ""),
        mention=_span(raw.get("mention"), text, f"{where} mention"),
        cue=_span(raw.get("cue"), text, f"{where} cue"),
        phenomena=_strings(raw, "phenomena", where),
    )


def parse_article(data: dict[str, Any], path: Path | None = None) -> GoldArticle:
    """Build a `GoldArticle` from one JSON object in the ANNOTATION.md format."""
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not isinstance(data.get("text"), str):
        raise FixtureError(f"{path or 'article'}: needs to be an object with string fields 'id' and 'text'")
    article_id = data["id"]
    raw_quotes = _field(data, "quotes", list, f"article {article_id!r}", [])
    quotes = [parse_quote(raw, data["text"], article_id, i) for i, raw in enumerate(raw_quotes)]
    quotes.sort(key=lambda q: (q.start, q.end))
    return GoldArticle(
        id=article_id,
        text=data["text"],
        quotes=quotes,
        non_quotes=list(_strings(data, "non_quotes", f"article {article_id!r}")),
        source=str(data.get("source", "")),
        path=path,
    )


def read_article(path: Path) -> GoldArticle:
    """Read one annotated JSON file."""
    return parse_article(read_article_json(path), Path(path))


def read_article_json(path: Path) -> Any:
    """The JSON value of an annotated file, unparsed (`validate` also checks its keys)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FixtureError(f"{path}: not valid UTF-8 JSON ({error})") from None


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
