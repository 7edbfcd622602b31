"""The hand-written fixtures follow ANNOTATION.md and meet the corpus targets."""

from __future__ import annotations

from collections import Counter

from quotestance.eval.fixtures import read_articles
from quotestance.eval.validate import validate
from quotestance.model.defaults import FIXTURES_DIR

SPLITS = {"train": 20, "dev": 10, "test": 10}


def test_corpus_fixtures_validate():
    assert validate([FIXTURES_DIR], words=(300, 1300)) == {}


def test_corpus_split_sizes_and_quote_count():
    counts = {split: len(read_articles([FIXTURES_DIR / split])) for split in SPLITS}
    assert all(counts[split] >= minimum for split, minimum in SPLITS.items()), counts
    scored = [q for a in read_articles([FIXTURES_DIR]) for q in a.quotes if not q.optional]
    assert len(scored) >= 500


def test_corpus_stance_balance():
    stances = Counter(q.stance for a in read_articles([FIXTURES_DIR]) for q in a.quotes if not q.optional)
    total = sum(stances.values())
    assert stances["support"] / total >= 0.25 and stances["oppose"] / total >= 0.30, stances


def test_corpus_ids_are_file_names_and_unique():
    articles = read_articles([FIXTURES_DIR])
    assert all(a.path is not None and a.path.stem == a.id for a in articles)
    assert len({a.id for a in articles}) == len(articles)
