"""Check annotated articles against ANNOTATION.md before anyone trains or scores on them.

Run as `python -m quotestance.eval.validate PATH...`; the test suite runs it over every
fixture. Beyond what the reader enforces (quote texts found, labels valid), it checks that
every quotation-mark span is either annotated or listed in `non_quotes`, that every
annotated quote sits inside marks, and that no key is unknown (a misspelt one would be ignored).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path

from quotestance.model.marks import find_marked_spans

from .fixtures import FixtureError, GoldArticle, iter_article_files, parse_article, read_article_json, unknown_keys
from .scorer import MATCH_THRESHOLD, overlap, trim


def _covers(article: GoldArticle, start: int, end: int) -> bool:
    span = trim(article.text, start, end)
    return any(overlap(span, trim(article.text, q.start, q.end)) >= MATCH_THRESHOLD for q in article.quotes)


def article_problems(article: GoldArticle, words: tuple[int, int] | None = None) -> list[str]:
    """Everything wrong with one article, as readable sentences (empty when it is clean)."""
    problems = []
    non_quotes = {t.strip() for t in article.non_quotes}
    marked = find_marked_spans(article.text)
    for span in marked:
        text = article.text[span.start : span.end]
        if not _covers(article, span.start, span.end) and text.strip() not in non_quotes:
            problems.append(f"marked span {text!r} at {span.start} is neither a quote nor in non_quotes")
    for quote in article.quotes:
        inside = any(overlap(trim(article.text, quote.start, quote.end), trim(article.text, s.start, s.end))
                     >= MATCH_THRESHOLD for s in marked)
        if not inside:
            problems.append(f"quote {quote.text[:60]!r} is not inside quotation marks")
    for first, second in combinations(article.quotes, 2):  # sorted by (start, end)
        if (first.start, first.end) == (second.start, second.end):
            problems.append(f"quote {first.text[:60]!r} is annotated twice")
        elif first.start <= second.start < first.end < second.end:
            problems.append(f"quotes {first.text[:40]!r} and {second.text[:40]!r} cross (quotes nest or stay apart)")
    for text in non_quotes:
        if text not in article.text:
            problems.append(f"non_quote {text!r} does not occur in the article")
    if words:
        count = len(article.text.split())
        if not words[0] <= count <= words[1]:
            problems.append(f"{count} words, expected {words[0]}-{words[1]}")
    return problems


def validate(paths: Iterable[str | Path], words: tuple[int, int] | None = None) -> dict[str, list[str]]:
    """Map each file with problems to its problems; duplicate ids are problems too."""
    report: dict[str, list[str]] = {}
    seen: dict[str, Path] = {}
    for path in iter_article_files(paths):
        try:
            data = read_article_json(path)
            article = parse_article(data, path)
        except FixtureError as error:
            report[str(path)] = [str(error)]
            continue
        problems = unknown_keys(data) + article_problems(article, words)
        if article.id in seen:
            problems.append(f"id {article.id!r} already used by {seen[article.id]}")
        seen[article.id] = path
        if problems:
            report[str(path)] = problems
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--words", type=int, nargs=2, metavar=("MIN", "MAX"), help="allowed article length")
    args = parser.parse_args(argv)
    report = validate(args.paths, tuple(args.words) if args.words else None)
    for path, problems in report.items():
        for problem in problems:
            print(f"{path}: {problem}")
    print(f"{len(report)} file(s) with problems")
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main())
