"""Summarise a batch of analysed articles: who said what, and with which stance.

For the output of `quotestance batch` (article rows, or `--flat` rows of one quote each) or of
`quotestance analyze --format jsonl`: stance counts per speaker and per speaker's country or
organisation (where the speaker registry knows the speaker), the quotes with the highest
confidence for each stance, and totals; as Markdown, JSON and bar charts.

Example:
    >>> from quotestance.model.document import Document, Quote
    >>> doc = Document("d", '"No," Kim Jong Un said.', [Quote("No,", 1, 4, "Kim Jong Un", stance="oppose")])
    >>> summary = summarize([doc], SpeakerDirectory.from_entries([{"name": "Kim Jong Un", "country": "KP"}]))
    >>> summary.per_group["North Korea"]["oppose"], summary.totals["oppose"]
    (1, 1)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quotestance.model.defaults import CONFIDENCE_KEYS, GENERATOR_DATA_DIR, STANCES
from quotestance.model.document import Document, Quote

from .scorer import normalize_name

#: The speaker registry of the synthetic generator doubles as the list of known speakers.
SPEAKERS_FILE = GENERATOR_DATA_DIR / "speakers.json"
#: Country and organisation codes of the registry, spelt out; other codes are shown as they are.
GROUP_NAMES: dict[str, str] = {
    "KP": "North Korea", "KR": "South Korea", "RU": "Russia", "US": "United States", "UA": "Ukraine",
    "JP": "Japan", "CN": "China", "UK": "United Kingdom", "EU": "European Union", "UN": "United Nations",
    "NATO": "NATO", "OTHER": "other country",
}
UNKNOWN = "unknown"
NO_SPEAKER = "(no speaker)"
#: Speakers drawn in the per-speaker chart; the tables list all of them.
CHART_SPEAKERS = 25
#: What `write_summary` writes into its folder; `--force` is needed to replace any of them.
SUMMARY_FILES = ("summary.md", "summary.json", "speakers.png", "groups.png")


@dataclass(frozen=True)
class SpeakerDirectory:
    """Known speakers' countries or organisations, looked up by normalised name.

    Example:
        >>> SpeakerDirectory.from_entries([{"name": "Choe Son Hui", "aliases": ["Choe Son-hui"], "country": "KP"}]
        ...                               ).group_of("choe son-hui")
        'North Korea'
    """

    groups: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path = SPEAKERS_FILE) -> SpeakerDirectory:
        """Read a speaker registry: a JSON list of {name, aliases, short, country} objects."""
        try:
            entries = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}: not a JSON speaker registry ({error})") from None
        if not isinstance(entries, list):
            raise ValueError(f"{path}: expected a JSON list of speakers, got {type(entries).__name__}")
        for number, entry in enumerate(entries, 1):
            fault = _entry_fault(entry)
            if fault:
                raise ValueError(f"{path}: speaker {number} {fault}")
        return cls.from_entries(entries)

    @classmethod
    def from_entries(cls, entries: Iterable[Mapping[str, Any]]) -> SpeakerDirectory:
        """Index names and aliases, then short forms ("Choe") where they are not a full name already.

        A name that points to two different groups is dropped rather than guessed.
        """
        entries = list(entries)
        full = _index((name, _group(e)) for e in entries for name in [e["name"], *e.get("aliases", [])])
        short = _index((name, _group(e)) for e in entries for name in e.get("short", []))
        return cls({**short, **full})

    def group_of(self, speaker: str | None) -> str:
        """The speaker's country or organisation, `UNKNOWN`, or `NO_SPEAKER` for `None`."""
        if speaker is None:
            return NO_SPEAKER
        return self.groups.get(normalize_name(speaker), UNKNOWN)


def _entry_fault(entry: Any) -> str | None:
    """Why a registry entry cannot be read, or None: a name, lists of names, a code."""
    if not isinstance(entry, dict):
        return f"is {type(entry).__name__}, not an object with a name"
    if not isinstance(entry.get("name"), str):
        return "has no name (a string)"
    for key in ("aliases", "short"):
        if not isinstance(entry.get(key, []), list) or not all(isinstance(n, str) for n in entry.get(key, [])):
            return f"({entry['name']!r}): {key} must be a list of strings"
    if not isinstance(entry.get("country", ""), (str, type(None))):
        return f"({entry['name']!r}): country must be a string"
    return None


def _group(entry: Mapping[str, Any]) -> str:
    code = entry.get("country")
    return GROUP_NAMES.get(code, code) if code else UNKNOWN


def _index(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Normalised name -> group, leaving out names claimed by two groups."""
    found: dict[str, set[str]] = {}
    for name, group in pairs:
        found.setdefault(normalize_name(name), set()).add(group)
    return {name: next(iter(groups)) for name, groups in found.items() if name and len(groups) == 1}


@dataclass
class ArticleQuotes:
    """An article's id and quotes without its text, as `quotestance batch` stores them."""

    id: str
    quotes: list[Quote] = field(default_factory=list)


def articles_from_rows(rows: Iterable[Mapping[str, Any]], source: str = "output") -> list[ArticleQuotes]:
    """Turn output rows into articles' quotes, in order.

    A row is an `analyze` document or a `batch` article row (both: `id` and `quotes`), or a
    `batch --flat` row (one quote; consecutive rows of one article are joined; a row with
    `quote_index` null stands for an article without quotes).

    Args:
        rows: Decoded JSON rows.
        source: Named in error messages, e.g. the file name.

    Returns:
        One `ArticleQuotes` per article.

    Raises:
        ValueError: A row is neither form; the message names `source` and the row number.
    """
    articles: list[ArticleQuotes] = []
    for number, row in enumerate(rows, 1):
        try:
            article_id, quotes = str(row["id"]), _row_quotes(row)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ValueError(f"{source}: row {number} is not `batch` or `analyze` output "
                             f"({type(error).__name__}: {error})") from None
        if "quotes" not in row and articles and articles[-1].id == article_id:
            articles[-1].quotes += quotes
        else:
            articles.append(ArticleQuotes(article_id, quotes))
    return articles


def _row_quotes(row: Mapping[str, Any]) -> list[Quote]:
    if "error" in row and "quotes" not in row and "quote_count" not in row:
        raise ValueError("an error row of a batch job's errors file, not an analysed article")
    if "quotes" in row:
        return [Quote.from_dict(quote) for quote in row["quotes"]]
    if row.get("quote_index") is None:
        return []
    scores = {s: float(row[f"score_{s}"]) for s in STANCES if row.get(f"score_{s}") is not None}
    confidence = {k: float(row[f"confidence_{k}"]) for k in CONFIDENCE_KEYS if row.get(f"confidence_{k}") is not None}
    return [Quote(str(row["text"]), int(row["start"]), int(row["end"]), row.get("speaker"), stance=row["stance"],
                  stance_scores=scores or {s: 1.0 / len(STANCES) for s in STANCES}, confidence=confidence)]


@dataclass(frozen=True)
class TopQuote:
    """A quote singled out for its confidence, with where it came from."""

    document: str
    speaker: str | None
    text: str
    confidence: float


@dataclass
class Summary:
    """Stance counts over a batch of documents, per speaker and per group, with the top quotes."""

    documents: int = 0
    totals: Counter[str] = field(default_factory=Counter)
    per_speaker: dict[str, Counter[str]] = field(default_factory=dict)
    speaker_groups: dict[str, str] = field(default_factory=dict)
    per_group: dict[str, Counter[str]] = field(default_factory=dict)
    top_quotes: dict[str, list[TopQuote]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form; counts list every stance, rows are sorted by quote count."""
        return {
            "documents": self.documents,
            "totals": _stance_row(self.totals),
            "speakers": [{"speaker": name, "group": self.speaker_groups[name], **_stance_row(counts)}
                         for name, counts in _ranked(self.per_speaker)],
            "groups": [{"group": name, **_stance_row(counts)} for name, counts in _ranked(self.per_group)],
            "top_quotes": {stance: [vars(q) for q in quotes] for stance, quotes in self.top_quotes.items()},
        }


def quote_confidence(quote: Quote) -> float:
    """How sure the model is of the quote and its stance: the lower of the two."""
    return min(quote.confidence.get("quote", 1.0), quote.stance_scores.get(quote.stance, 1.0))


def summarize(
    documents: Iterable[Document | ArticleQuotes], directory: SpeakerDirectory, top: int = 5
) -> Summary:
    """Count stances per speaker and per country or organisation, and pick the `top` quotes per stance.

    Args:
        documents: Analysed documents, or articles' quotes read from `batch` output.
        directory: Known speakers' groups.
        top: How many quotes to keep per stance, highest confidence first.

    Returns:
        The summary.

    Raises:
        ValueError: `top` is negative.
    """
    if top < 0:
        raise ValueError(f"top must be 0 or more, got {top}")
    summary = Summary()
    candidates: dict[str, list[TopQuote]] = {stance: [] for stance in STANCES}
    for document in documents:
        summary.documents += 1
        for quote in document.quotes:
            _count(summary, quote, directory)
            candidates.setdefault(quote.stance, []).append(
                TopQuote(document.id, quote.speaker, quote.text, quote_confidence(quote)))
    summary.top_quotes = {s: sorted(qs, key=lambda q: -q.confidence)[:top] for s, qs in candidates.items()}
    return summary


def _count(summary: Summary, quote: Quote, directory: SpeakerDirectory) -> None:
    speaker = quote.speaker or NO_SPEAKER
    group = directory.group_of(quote.speaker)
    summary.totals[quote.stance] += 1
    summary.per_speaker.setdefault(speaker, Counter())[quote.stance] += 1
    summary.speaker_groups[speaker] = group
    summary.per_group.setdefault(group, Counter())[quote.stance] += 1


def _ranked(rows: Mapping[str, Counter[str]]) -> list[tuple[str, Counter[str]]]:
    """Most quotes first, then by name; the `NO_SPEAKER` and `UNKNOWN` rows last among equals."""
    return sorted(rows.items(), key=lambda item: (-sum(item[1].values()), item[0] in (NO_SPEAKER, UNKNOWN), item[0]))


def _stance_row(counts: Counter[str]) -> dict[str, int]:
    return {**{stance: counts[stance] for stance in STANCES}, "all": sum(counts.values())}


# -- Markdown, JSON and charts -----------------------------------------------------------------
def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _table(first: Sequence[str], rows: Iterable[tuple[Sequence[str], Counter[str]]]) -> list[str]:
    header = [*first, *STANCES, "all"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(first) + "---:|" * (len(STANCES) + 1)]
    for names, counts in rows:
        numbers = [str(n) for n in _stance_row(counts).values()]
        lines.append("| " + " | ".join([*map(_cell, names), *numbers]) + " |")
    return lines


def _top_quotes_lines(summary: Summary, width: int = 240) -> list[str]:
    lines = ["## Top quotes by confidence", ""]
    for stance, quotes in summary.top_quotes.items():
        lines += [f"### {stance}", ""]
        for quote in quotes:
            text = _cell(quote.text)
            text = text if len(text) <= width else text[: width - 1] + "\u2026"
            lines.append(f"1. {quote.confidence:.2f} \u2014 {_cell(quote.speaker or NO_SPEAKER)} "
                         f"({_cell(quote.document)}): \u201c{text}\u201d")
        lines += ([] if quotes else ["(none)"]) + [""]
    return lines


def format_summary(summary: Summary, charts: bool = False) -> str:
    """The summary as Markdown: totals, a table per speaker and per group, the top quotes.

    Args:
        summary: What `summarize` returned.
        charts: Embed `speakers.png` and `groups.png` (as `write_summary` draws them) under the tables.

    Returns:
        Markdown text.
    """
    quotes = sum(summary.totals.values())
    lines = [f"# quotestance summary: {summary.documents} article(s), {quotes} quote(s)", "", "## Totals", ""]
    lines += _table(["quotes"], [(["all"], summary.totals)]) + ["", "## Stance per speaker", ""]
    lines += _table(["speaker", "country or organisation"],
                    (([name, summary.speaker_groups[name]], c) for name, c in _ranked(summary.per_speaker)))
    lines += ["", "![Stance per speaker](speakers.png)", ""] if charts else [""]
    lines += ["## Stance per country or organisation", ""]
    lines += _table(["country or organisation"], (([name], c) for name, c in _ranked(summary.per_group)))
    lines += ["", "![Stance per country or organisation](groups.png)", ""] if charts else [""]
    return "\n".join(lines + _top_quotes_lines(summary))


def write_summary(summary: Summary, directory: str | Path) -> Path:
    """Write `SUMMARY_FILES`: `summary.md` (with its charts), `summary.json` and the two charts.

    Args:
        summary: What `summarize` returned.
        directory: Folder to write into; created if missing.

    Returns:
        The path of `summary.md`.
    """
    from .plots import plot_stance_counts

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    markdown, data, speakers_png, groups_png = (directory / name for name in SUMMARY_FILES)
    speakers = dict(_ranked(summary.per_speaker)[:CHART_SPEAKERS])
    shown = f"top {CHART_SPEAKERS} " if len(summary.per_speaker) > CHART_SPEAKERS else ""
    plot_stance_counts(speakers, speakers_png, f"stance per speaker ({shown}by quotes)")
    plot_stance_counts(dict(_ranked(summary.per_group)), groups_png, "stance per country or organisation")
    data.write_text(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    markdown.write_text(format_summary(summary, charts=True), encoding="utf-8")
    return markdown


# -- command line ------------------------------------------------------------------------------
def register_cli(sub: argparse._SubParsersAction) -> None:
    """Add `quotestance summarize` to the CLI."""
    parser = sub.add_parser("summarize", help="stance counts per speaker and country, top quotes, for a batch output")
    parser.add_argument("files", nargs="+", help="JSON Lines output of `batch` (article or --flat rows) or of "
                        "`analyze --format jsonl|json`")
    parser.add_argument("-o", "--output", metavar="DIR",
                        help="write summary.md, summary.json and bar charts here; else print the tables")
    parser.add_argument("--top", type=int, default=5, help="quotes to list per stance (default 5)")
    parser.add_argument("--speakers", default=str(SPEAKERS_FILE),
                        help="speaker registry (JSON list with name, aliases, short, country) for countries")
    parser.add_argument("--force", action="store_true", help="overwrite an existing summary in DIR")
    parser.set_defaults(func=_cmd_summarize)


def _cmd_summarize(args: argparse.Namespace) -> int:
    from quotestance.io import read_json_values

    if args.output and not args.force:
        existing = [name for name in SUMMARY_FILES if (Path(args.output) / name).exists()]
        if existing:
            raise FileExistsError(f"{args.output} already holds {', '.join(existing)}; pass --force to overwrite")
    for name in args.files:
        if Path(name).suffix.lower() == ".parquet":
            raise ValueError(f"{name}: summarize reads JSON Lines; run `batch` with `-o OUTPUT.jsonl`")
    files = _distinct_files(args.files)
    articles = [article for name in files for article in articles_from_rows(read_json_values(name), name)]
    summary = summarize(articles, SpeakerDirectory.load(args.speakers), top=args.top)
    if args.output:
        print(f"summary written to {write_summary(summary, args.output)}", file=sys.stderr)
    else:
        print(format_summary(summary))
    return 0


def _distinct_files(names: Sequence[str]) -> list[str]:
    """The files in order, each once: a file named twice would count its articles twice."""
    seen: set[str] = set()
    distinct = []
    for name in names:
        key = name if name == "-" else str(Path(name).resolve())
        if key in seen:
            print(f"{name}: named more than once; read once", file=sys.stderr)
            continue
        seen.add(key)
        distinct.append(name)
    return distinct
