"""The fixture reader resolves occurrences and fails loudly with the article id."""

from __future__ import annotations

import json

import pytest

from quotestance.eval.fixtures import FixtureError, parse_article, read_article


def test_fixtures_occurrence_resolves_to_the_nth_match():
    data = {"id": "a", "text": 'He said "yes." Then "yes." again.', "quotes": [
        {"text": "yes.", "speaker": None, "stance": "neutral", "occurrence": 2}]}
    quote = parse_article(data).quotes[0]
    assert (quote.start, quote.end) == (21, 25)
    assert data["text"][quote.start:quote.end] == "yes."


@pytest.mark.parametrize(("quote", "message"), [
    ({"text": "missing words", "speaker": None, "stance": "neutral"}, "article 'a', quote 1: text 'missing words'"),
    ({"text": "yes.", "speaker": None, "stance": "neutral", "occurrence": 3}, "occurrence 3"),
    ({"text": "yes.", "stance": "positive"}, "stance must be one of"),
    ("yes.", "quote 1: must be an object"),
    ({"text": "yes.", "stance": "neutral"}, "needs 'speaker'"),
    ({"text": "yes.", "speaker": 5, "stance": "neutral"}, "'speaker' must be str or null, got 5"),
    ({"text": "yes.", "speaker": "", "stance": "neutral"}, "use null for a quote without a source"),
    ({"text": "yes.", "speaker": None, "stance": "neutral", "occurrence": "two"}, "'occurrence' must be int"),
    ({"text": "yes.", "speaker": None, "stance": "neutral", "optional": "false"}, "'optional' must be bool"),
    ({"text": "yes.", "speaker": "Kim", "stance": "neutral", "speaker_aliases": "K"}, "'speaker_aliases' must be"),
    ({"text": "yes.", "speaker": None, "stance": "neutral", "cue": "said"}, "cue: must be an object"),
])
def test_fixtures_bad_quote_names_article_and_quote(quote, message):
    with pytest.raises(FixtureError, match=message):
        parse_article({"id": "a", "text": 'He said "yes."', "quotes": [quote]})


@pytest.mark.parametrize("data", [[], {"id": "a", "text": "x", "quotes": {"text": "x"}}])
def test_fixtures_an_article_of_the_wrong_shape_is_a_fixture_error(data):
    with pytest.raises(FixtureError):
        parse_article(data)


def test_fixtures_seed_offsets_reproduce_quote_texts(seed_path):
    article = read_article(seed_path)
    assert len(article.quotes) == 23
    assert all(article.text[q.start:q.end] == q.text for q in article.quotes)


def test_validate_flags_a_quote_annotated_twice_and_quotes_that_cross():
    from quotestance.eval.validate import article_problems

    text = '"One two three," she said. "Four five," he said.'
    quote = {"speaker": None, "stance": "neutral"}
    texts = ["One two three,", "One two three,", 'three," she said. "Four']
    data = {"id": "a", "text": text, "quotes": [{**quote, "text": t} for t in texts]}
    problems = " ".join(article_problems(parse_article(data)))
    assert "annotated twice" in problems and "cross" in problems


def test_validate_names_a_misspelt_key_that_the_reader_would_ignore(tmp_path, capsys):
    from quotestance.cli import main

    path = tmp_path / "a.json"
    quote = {"text": "yes.", "speaker": "Kim Jong Un", "speaker_alias": ["Kim"], "stance": "neutral"}
    path.write_text(json.dumps({"id": "a", "text": 'He said "yes."', "quotes": [quote], "nonquotes": []}))
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "quote 1: key 'speaker_alias' is unknown (did you mean 'speaker_aliases'?)" in out
    assert "key 'nonquotes' is unknown (did you mean 'non_quotes'?)" in out
