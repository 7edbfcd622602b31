"""Quotation-mark spans: the candidates every model starts from."""

from __future__ import annotations

import pytest

from quotestance.model.marks import find_marked_spans


def _texts(text: str) -> list[str]:
    return [text[s.start:s.end] for s in find_marked_spans(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ('He said "we will win," twice.', ["we will win,"]),
    ("She said \u201cno,\u201d then \u201cnever.\u201d", ["no,", "never."]),
    ('"First part," she said, "second part."', ["First part,", "second part."]),
    ("Biden warns of 'dangerous' situation\n\nIt's Kim's day.", ["dangerous"]),
    ('"He told me \'we will not retreat,\'" she said.',
     ["He told me 'we will not retreat,'", "we will not retreat,"]),
    ('"The first paragraph runs on\n\n"and the second closes."',
     ["The first paragraph runs on", "and the second closes."]),
    ("It's the soldiers' morale, isn't it?", []),
    ('An "unclosed quote at the end', ["unclosed quote at the end"]),
    ('\u201c\u201d\u201c\u201d and """""" or "...", "- -" hold no words', []),
])
def test_marks_spans(text, expected):
    assert _texts(text) == expected


def test_marks_unclosed_span_is_flagged():
    spans = find_marked_spans('"Open paragraph\n\n"Closed."')
    assert [s.closed for s in spans] == [False, True]
