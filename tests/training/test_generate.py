"""The synthetic generator: valid, deterministic, data-driven and honest about held-out parts."""

from __future__ import annotations

import json
import re

import pytest

from quotestance.cli import main
from quotestance.eval.fixtures import find_occurrence, parse_article, read_articles
from quotestance.eval.validate import article_problems
from quotestance.training.generate import generate_articles
from quotestance.training.resources import load_resources


@pytest.mark.parametrize("split", ["train", "heldout"])
def test_generate_articles_validate(split):
    for article in generate_articles(60, seed=7, split=split):
        gold = parse_article(article)
        assert article_problems(gold) == [], article["id"]
        assert gold.quotes, article["id"]


def test_generate_is_deterministic_per_seed():
    first = list(generate_articles(5, seed=3))
    assert first == list(generate_articles(5, seed=3))
    assert first != list(generate_articles(5, seed=4))


def test_generate_mentions_and_cues_point_into_text():
    for article in generate_articles(30, seed=1):
        for quote in article["quotes"]:
            for key in ("mention", "cue"):
                if key in quote:
                    span = quote[key]
                    assert article["text"][span["start"]:span["end"]] == span["text"]


def test_generate_heldout_uses_only_heldout_parts():
    train, heldout = load_resources("train"), load_resources("heldout")
    assert not {s.id for s in train.speakers} & {s.id for s in heldout.speakers}
    assert not {s.text for s in train.statements} & {s.text for s in heldout.statements}
    assert not {p.id for p in train.patterns} & {p.id for p in heldout.patterns}
    train_texts = {s.text for s in train.statements}
    for article in generate_articles(40, seed=5, split="heldout"):
        for quote in article["quotes"]:
            assert not any(quote["text"].rstrip(".,") == t.rstrip(".,") for t in train_texts)


def test_generate_data_files_meet_minimums():
    speakers = load_resources("train").speakers + load_resources("heldout").speakers
    statements = load_resources("train").statements + load_resources("heldout").statements
    patterns = load_resources("train").patterns + load_resources("heldout").patterns
    assert len(speakers) >= 150 and len(patterns) >= 40
    assert len({s.text for s in statements}) >= 900
    for stance in ("support", "oppose", "neutral"):
        assert sum(s.stance == stance and s.topic == "coop" for s in statements) >= 250
    assert any(s.topic == "off" for s in statements)


def test_generate_cli_writes_files_and_stats(tmp_path, capsys):
    assert main(["generate", "--n", "12", "--seed", "1", "-o", str(tmp_path), "--stats"]) == 0
    out = capsys.readouterr().out
    assert "quotes:" in out and "patterns used:" in out
    articles = read_articles([tmp_path])
    assert len(articles) == 12
    assert json.loads((tmp_path / f"{articles[0].id}.json").read_text())["id"] == articles[0].id


def test_generate_a_person_spoken_to_is_not_the_speaker():
    """'She said she had told Ri the partnership was "..."': Ri is named nearer the quote but says nothing."""
    seen = 0
    for article in generate_articles(150, seed=5):
        for quote in article["quotes"]:
            if "object_between" not in quote["phenomena"]:
                continue
            seen += 1
            end = article["text"].index(quote["text"])
            clause = article["text"][article["text"].rfind("\n", 0, end) + 1 : end]
            spoken_to = re.search(r"\b(?:told|given|assured) (.*)", clause)
            assert spoken_to, clause
            names = [quote["speaker"], *quote["speaker_aliases"]]
            assert not any(spoken_to.group(1).startswith(f"{name} ") for name in names), clause
    assert seen >= 10


def test_generate_the_last_speaker_is_whoever_was_quoted_last():
    """After "she said she had told Ri ...", a later "she said" is still hers: Ri was only spoken to."""
    import random

    from quotestance.training.generate import ArticleGenerator, _ArticleAssembler

    resources = load_resources("train")
    patterns = {p.id: p for p in resources.patterns}
    checked = 0
    for i in range(40):
        assembler = _ArticleAssembler(ArticleGenerator(resources, random.Random(i)), f"t{i}")
        persons = [s for s in assembler.cast if s.group == "person"]
        for speaker in persons:
            if assembler._try_pattern(patterns["partial_told_object"], speaker):
                assert assembler.state.last_speaker == speaker.id
                checked += 1
            if assembler._try_pattern(patterns["alternating"], speaker):
                assert assembler.state.last_speaker != speaker.id  # the second speaker spoke last
    assert checked >= 5


def _in_reading_order(article: dict) -> list[tuple[int, dict]]:
    """(start, quote) pairs sorted by position (only by position: two quotes may not compare)."""
    text = article["text"]
    found = ((find_occurrence(text, q["text"], q.get("occurrence", 1)), q) for q in article["quotes"])
    return sorted(found, key=lambda pair: pair[0])


@pytest.mark.parametrize("split", ["train", "heldout"])
def test_generate_a_paragraph_that_is_only_a_quote_continues_the_quote_before_it(split):
    """Interview-style runs: '"...," Kim said. ¶ "..." ¶ Ri disagreed. "...," she said. ¶ "..."'."""
    runs = 0
    for article in generate_articles(60, seed=7, split=split):
        text = article["text"]
        quotes = _in_reading_order(article)
        for (start, quote), (_, before) in zip(quotes[1:], quotes[:-1], strict=True):
            paragraph = text[text.rfind("\n", 0, start) + 1 :].split("\n", 1)[0]
            if paragraph[1:-1] == quote["text"]:  # the whole paragraph is one closed quote
                runs += "alternating" in quote["phenomena"]
                assert quote["speaker"] == before["speaker"], paragraph
    assert runs >= 5


@pytest.mark.parametrize("split", ["train", "heldout"])
def test_generate_a_group_quoted_as_they_also_speaks_the_quote_after_it(split):
    """'...were "struggling with it," they said. "..."': plural groups are 'they', and the next quote is theirs."""
    groups = {s.label for s in load_resources(split).speakers if s.group == "group"}
    seen = partial = 0
    for article in generate_articles(150, seed=7, split=split):
        text = article["text"]
        quotes = _in_reading_order(article)
        for (_, quote), (start, before) in zip(quotes[1:], quotes[:-1], strict=True):
            resumed = "continuation" in quote["phenomena"] and "mention" not in quote  # no attribution of its own
            if before.get("mention", {}).get("text") != "they" or not resumed:
                continue
            seen += 1
            assert before["speaker"] in groups and quote["speaker"] == before["speaker"], text[start - 1 : start + 300]
            if before["text"][:1].islower():  # a partial quote before its attribution keeps its comma inside
                partial += 1
                assert before["text"].endswith(","), before["text"]
    assert seen >= 5
    assert partial >= 2 or split == "heldout"
