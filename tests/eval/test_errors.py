"""Per-quote outcomes and errors by phenomenon, against hand-counted numbers."""

from __future__ import annotations

import pytest

from quotestance.eval.errors import errors_by_phenomenon, phenomena_of, quote_outcomes
from quotestance.eval.fixtures import GoldQuote


@pytest.mark.parametrize(("note", "tags", "expected"), [
    ("split quote, first part; pronoun 'he'", (), ("split quote", "pronoun")),
    ("", ("partial_quote", "nested_inner"), ("partial quote", "nested quote")),
    ("Chinese line normalising the ties", (), ()),
    ("organisation statement via KCNA", ("anonymous",), ("anonymous source", "organisation speaker")),
])
def test_errors_phenomena_of_reads_notes_and_tags(note, tags, expected):
    assert phenomena_of(GoldQuote("x", 0, 1, None, "neutral", note=note, phenomena=tags)) == expected


def test_errors_outcomes_skip_optional_quotes_and_flag_each_error(scored_case):
    gold, predicted = scored_case
    outcomes = quote_outcomes([gold], [predicted])
    assert [o.gold.text for o in outcomes] == ["One,", "Two,", "Three,", "Four,"]
    assert [o.errors() for o in outcomes] == [(), ("misattributed",), ("missed",), ("wrong stance",)]


def test_errors_by_phenomenon_counts_match_hand_counts(scored_case):
    gold, predicted = scored_case
    table = errors_by_phenomenon(quote_outcomes([gold], [predicted]))
    assert table == {
        "partial quote": {"quotes": 3, "missed": 0, "misattributed": 1, "wrong stance": 1},
        "split quote": {"quotes": 1, "missed": 1, "misattributed": 0, "wrong stance": 0},
        "pronoun": {"quotes": 1, "missed": 0, "misattributed": 0, "wrong stance": 0},
        "role noun": {"quotes": 1, "missed": 0, "misattributed": 0, "wrong stance": 1},
    }


def test_errors_outcomes_need_one_prediction_per_article(scored_case):
    gold, _ = scored_case
    with pytest.raises(ValueError, match="1 gold articles but 0 predicted"):
        quote_outcomes([gold], [])
