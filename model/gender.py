"""Who "he" and "she" can be: the gender an article gives its people.

"..., she said" after a man and a woman were named means the woman. The evidence, strongest
first: a gendered title or honorific the article gives the person ("spokeswoman", "Mr."),
then a given name that is nearly always one gender (a lexicon derived from nomquamgender).
Unknown stays unknown: most Korean given names are not in the lexicon, and guessing would
send "he said" past the right speaker.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .defaults import GIVEN_NAMES_FILE
from .mentions import NAME_PARTICLES, PLACE_WORDS, EntityIndex

Gender = Literal["f", "m"]
#: Words that give a person's gender when the article uses them as a title or role.
GENDERED_WORDS: dict[str, Gender] = {
    **dict.fromkeys("""spokeswoman chairwoman congresswoman businesswoman councilwoman woman mother daughter
        sister wife grandmother widow ms. mrs. ms mrs madam madame""".split(), "f"),
    **dict.fromkeys("""spokesman chairman congressman businessman councilman man father son brother husband
        grandfather widower mr. mr sir""".split(), "m"),
}


@dataclass(frozen=True)
class GivenNames:
    """Given names that are nearly always female or male, casefolded."""

    female: frozenset[str]
    male: frozenset[str]

    @classmethod
    def load(cls, path: Path = GIVEN_NAMES_FILE) -> GivenNames:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(frozenset(data["f"].split()), frozenset(data["m"].split()))

    def gender(self, word: str) -> Gender | None:
        folded = word.casefold()
        return "f" if folded in self.female else "m" if folded in self.male else None


def person_like(name: str) -> bool:
    """A multi-word capitalised name that is not a place: 'Choe Son Hui', not 'United Kingdom' or 'NIS'."""
    words = name.split()
    if len(words) < 2 or name.endswith(("'s", "\u2019s")) or PLACE_WORDS & {w.casefold() for w in words}:
        return False
    return all(w[:1].isupper() or w in NAME_PARTICLES for w in words) and not any(len(w) > 1 and w.isupper()
                                                                              for w in words)


def name_gender(name: str, names: GivenNames) -> Gender | None:
    """The gender of a full name from its first or second word ("Maria Zakharova", "Kim Yo-jong")."""
    for word in name.split()[:2]:
        found = names.gender(word)
        if found is not None:
            return found
    return None


#: A lone first name the article says is a person's: "who gave her name as Yelena".
_NAMED_AS = re.compile(r"\b(?:gave (?:only )?(?:his|her) (?:first )?name(?: only)?(?: as)?"
                       r"|identified (?:only )?as|known only as|who asked to be called"
                       r"|introduced (?:himself|herself) as),?[ \t]+([A-Z][a-z]+)\b")


def entity_genders(entities: EntityIndex, names: GivenNames, text: str = "") -> dict[str, Gender]:
    """Fullest name -> gender for each person of the article whose gender it makes plain.

    The lexicon only speaks for multi-word names (a lone "Washington" is more often a place), and
    for a lone first name that `text` says is someone's ("who gave her name as Yelena").
    """
    fullest_names = [(mention, entities.fullest(mention.text, mention.start)) for mention in entities.names]
    from_titles: dict[str, Gender] = {}
    for mention, fullest in fullest_names:
        titled = {GENDERED_WORDS[t] for t in mention.titles if t in GENDERED_WORDS}
        if len(titled) == 1:
            from_titles.setdefault(fullest, titled.pop())
    genders = {}
    for _, fullest in fullest_names:
        found = from_titles.get(fullest) or (name_gender(fullest, names) if person_like(fullest) else None)
        if found is not None:
            genders[fullest] = found
    for match in _NAMED_AS.finditer(text):
        found = names.gender(match.group(1))
        if found is not None:
            genders.setdefault(entities.fullest(match.group(1), match.start(1)), found)
    return genders


def role_gender(phrase: str) -> Gender | None:
    """The gender a role phrase states ("the spokeswoman"), if any."""
    found = {GENDERED_WORDS[w] for w in phrase.casefold().split() if w in GENDERED_WORDS}
    return found.pop() if len(found) == 1 else None
