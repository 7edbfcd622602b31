"""Gender evidence for "he" and "she": titles first, then the given-name lexicon, else unknown."""

from __future__ import annotations

import pytest

from quotestance.model.gender import GivenNames, entity_genders, name_gender, person_like, role_gender
from quotestance.model.mentions import index_entities
from quotestance.training.given_names import compact

NAMES = GivenNames(female=frozenset({"maria", "sabrina"}), male=frozenset({"sergei", "washington"}))


def test_shipped_lexicon_knows_common_names_and_leaves_ambiguous_ones_out():
    names = GivenNames.load()
    assert [names.gender(n) for n in ("Maria", "Sabrina", "Sergei", "Matthew")] == ["f", "f", "m", "m"]
    assert names.gender("Kim") is None  # p(female) about 0.67: no evidence either way


@pytest.mark.parametrize(("name", "expected"), [
    ("Maria Zakharova", "f"), ("Sergei Lavrov", "m"), ("Kim Maria", "f"), ("Choe Son Hui", None),
])
def test_name_gender_reads_first_or_second_word(name, expected):
    assert name_gender(name, NAMES) == expected


def test_titles_beat_the_lexicon_and_lone_words_are_not_trusted():
    text = ("Spokeswoman Sergei Ivanova spoke. Maria Zakharova agreed. Washington said nothing. "
            "Choe Son Hui left.")
    genders = entity_genders(index_entities(text), NAMES)
    assert genders["Sergei Ivanova"] == "f"  # the title says so, whatever the lexicon thinks
    assert genders["Maria Zakharova"] == "f"
    assert "Washington" not in genders and "Choe Son Hui" not in genders


def test_a_lone_first_name_counts_when_the_article_says_it_is_someone_s():
    text = "A woman who gave her name as Sabrina said it was fine. Washington said nothing."
    genders = entity_genders(index_entities(text), NAMES, text)
    assert genders.get("Sabrina") == "f" and "Washington" not in genders


@pytest.mark.parametrize(("name", "expected"), [
    ("Choe Son Hui", True), ("Leif-Eric Easley", True), ("United Kingdom", False), ("Beijing's", False),
    ("NIS", False), ("Moscow", False), ("was more", False),
])
def test_person_like(name, expected):
    assert person_like(name) is expected


def test_role_gender():
    assert role_gender("the foreign ministry spokeswoman") == "f"
    assert role_gender("a senior official") is None


def test_compact_keeps_only_frequent_unambiguous_names():
    data = {"maria": [30, 1000, 0.95, 3], "sergei": [20, 500, 0.0, 3], "kim": [30, 9000, 0.66, 3],
            "rare": [1, 3, 1.0, 3], "1st": [5, 900, 0.0, 3]}
    assert compact(data) == {"f": ["maria"], "m": ["sergei"]}
