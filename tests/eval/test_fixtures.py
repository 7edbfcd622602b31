"""The fixture reader resolves occurrences and fails loudly with the article id."""

from __future__ import annotations

import pytest

from quotestance.eval.fixtures import FixtureError, parse_article, read_article


def test_fixtures_occurrence_resolves_to_the_nth_match():
    data = {"id": "a", "text": 'He said "yes." Then "yes." again.', "quotes": [
        {"text": "yes.", "speaker": None, "stance": "neutral", "occurrence": 2}]}
    quote = parse_article(data).quotes[0]
    assert (quote.start, quote.end) == (21, 25)
    assert data["text"][quote.start:quote.end] == "yes."


@pytest.mark.parametrize(("quote", "message"), [
    ({"text": "missing words", "stance": "neutral"}, "article 'a', quote 0: text 'missing words'"),
    ({"text": "yes.", "stance": "neutral", "occurrence": 3}, "occurrence 3"),
    ({"text": "yes.", "stance": "positive"}, "stance must be one of"),
])
def test_fixtures_bad_quote_names_article_and_quote(quote, message):
    with pytest.raises(FixtureError, match=message):
        parse_article({"id": "a", "text": 'He said "yes."', "quotes": [quote]})


def test_fixtures_seed_offsets_reproduce_quote_texts(seed_path):
    article = read_article(seed_path)
    assert len(article.quotes) == 23
    assert all(article.text[q.start:q.end] == q.text for q in article.quotes)
