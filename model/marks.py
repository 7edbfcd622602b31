"""Find the stretches of text that sit inside quotation marks.

This is the candidate generator that both the rule baseline and the transformer use:
quotes are always in marks (ANNOTATION.md), so the open question for a model is only
*which* marked spans are quotes, who said them and with what stance.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_OPEN_CONTEXT = set(" \t([{\u2014\u2013-/:;,") | {""}
_WORD = re.compile(r"\w", re.UNICODE)
_LINE = re.compile(r"[^\r\n]+")


@dataclass(frozen=True)
class MarkedSpan:
    """Text between a pair of marks (or from an opening mark to its paragraph's end)."""

    start: int
    end: int
    single: bool = False
    closed: bool = True
    headline: bool = False
    nested: bool = False


def _is_open(text: str, i: int, mark: str) -> bool:
    """Whether a mark met outside a quote opens one (apostrophes and stray closers do not)."""
    if mark in "\u201c\u2018\"":
        return True
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    return (before in _OPEN_CONTEXT or before in "\"\u201c") and bool(_WORD.match(after or " "))


def _is_close(text: str, i: int, mark: str) -> bool:
    """Whether a mark met inside a quote closes it; an apostrophe inside a word does not."""
    if mark in "\u201d\"":
        return True
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    return bool(before.strip()) and not _WORD.match(after or " ")


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _pairs(text: str, lo: int, hi: int, marks: str) -> Iterator[tuple[int, int, bool]]:
    """Yield (start, end, closed) for mark pairs in text[lo:hi]; an unclosed one runs to hi."""
    opened = -1
    for i in range(lo, hi):
        mark = text[i]
        if mark not in marks:
            continue
        if opened < 0 and _is_open(text, i, mark):
            opened = i + 1
        elif opened >= 0 and i > opened and _is_close(text, i, mark):
            yield opened, i, True
            opened = -1
    if opened >= 0:
        yield opened, hi, False


def _is_headline(first_line_start: int, line: re.Match[str]) -> bool:
    """The first line of an article, short and without a closing full stop."""
    body = line.group().strip()
    return line.start() == first_line_start and len(body.split()) <= 25 and not body.endswith(".")


def find_marked_spans(text: str) -> list[MarkedSpan]:
    """Return every marked span, line by line, sorted by position.

    Double marks open and close quotes anywhere; single marks only in the headline and
    inside a double-quoted span. A span left open at its line's end runs to that end, which
    is how multi-paragraph quotes appear (one span per paragraph).

    Example:
        >>> [text[s.start:s.end] for text in ['He said "we will win," twice.'] for s in find_marked_spans(text)]
        ['we will win,']
    """
    spans: list[MarkedSpan] = []
    first_line_start = len(text) - len(text.lstrip())
    for line in _LINE.finditer(text):
        headline = _is_headline(first_line_start, line)
        for start, end, closed in _pairs(text, line.start(), line.end(), "\"\u201c\u201d"):
            spans.append(MarkedSpan(*_strip(text, start, end), closed=closed, headline=headline))
            for s, e, c in _pairs(text, start, end, "'\u2018\u2019"):
                if c:
                    spans.append(MarkedSpan(*_strip(text, s, e), single=True, nested=True, headline=headline))
        if headline:
            spans.extend(
                MarkedSpan(*_strip(text, s, e), single=True, headline=True)
                for s, e, closed in _pairs(text, line.start(), line.end(), "'\u2018\u2019")
                if closed and not any(q.start <= s < q.end for q in spans)
            )
    worded = (s for s in spans if any(c.isalnum() for c in text[s.start : s.end]))  # not `""` or `“”“”`
    return _nest_only(sorted(worded, key=lambda s: (s.start, -s.end)))


def _nest_only(spans: list[MarkedSpan]) -> list[MarkedSpan]:
    """Drop spans that cross (or repeat) an earlier one: quotes may nest, never overlap partly."""
    kept: list[MarkedSpan] = []
    open_spans: list[MarkedSpan] = []
    for span in spans:
        while open_spans and open_spans[-1].end <= span.start:
            open_spans.pop()
        if open_spans and (span.end > open_spans[-1].end or
                           (span.start, span.end) == (open_spans[-1].start, open_spans[-1].end)):
            continue
        kept.append(span)
        open_spans.append(span)
    return kept


#: What lies between a paragraph left open and the span that carries it on: the break and a reopening mark.
_PARAGRAPH_REOPENS = re.compile(r"[ \t]*\n\s*[\"\u201c]")


def continuation(text: str, spans: list[MarkedSpan], i: int) -> int | None:
    """The index of the span that carries on span i's quote in the next paragraph, if any.

    A paragraph that ends without a closing mark continues in the next one, which reopens the
    quote; all its paragraphs share one speaker, often named only after the last of them.
    """
    span = spans[i]
    if span.closed or span.nested:
        return None
    following = next((j for j in range(i + 1, len(spans)) if not spans[j].nested), None)
    if following is None or not _PARAGRAPH_REOPENS.fullmatch(text, span.end, spans[following].start):
        return None
    return following


def run_ends(text: str, spans: list[MarkedSpan]) -> dict[tuple[int, int], int]:
    """(start, end) of each span that continues in the next paragraph -> where its quote's last paragraph ends."""
    ends: dict[tuple[int, int], int] = {}
    for i in range(len(spans) - 1, -1, -1):
        following = continuation(text, spans, i)
        if following is not None:
            last = spans[following]
            ends[(spans[i].start, spans[i].end)] = ends.get((last.start, last.end), last.end)
    return ends
