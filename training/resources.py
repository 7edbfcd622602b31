"""The generator's data files, loaded into named records and split into train and held-out parts.

The registry, the quote bank and the patterns live in `training/data/*.json`, not in code,
so that a newsroom can extend them without touching Python.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quotestance.model.defaults import GENERATOR_DATA_DIR, STANCES

SPLITS = ("train", "heldout")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z\u201c\"'])")
PRONOUN_BY_GENDER = {"m": ("he", "him"), "f": ("she", "her"), "n": ("it", "it"), "p": ("they", "them")}


@dataclass(frozen=True)
class Speaker:
    """One entity of the speaker registry."""

    id: str
    name: str
    kind: str
    gender: str
    country: str
    titles: tuple[str, ...] = ()
    appositives: tuple[str, ...] = ()
    role_nouns: tuple[str, ...] = ()
    short: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    leaning: str = "neutral"
    split: str = "train"

    @property
    def label(self) -> str:
        """The gold speaker name: the full name without a leading article."""
        return re.sub(r"^(?:an?|the)\s+", "", self.name, flags=re.I)

    @property
    def group(self) -> str:
        """The pattern family: person, org, group (plural) or anonymous."""
        if self.gender == "p":
            return "group"
        if self.kind == "anonymous":
            return "anonymous"
        return "org" if self.gender == "n" else "person"

    @property
    def pronoun(self) -> str:
        return PRONOUN_BY_GENDER.get(self.gender, ("they", "them"))[0]


@dataclass(frozen=True)
class Statement:
    """One quotable statement of the quote bank."""

    text: str
    stance: str
    topic: str = "coop"
    voices: tuple[str, ...] = ("any",)
    split: str = "train"

    @property
    def is_fragment(self) -> bool:
        """A partial-quote fragment: lower-case start and no closing punctuation."""
        return self.text[:1].islower() and self.text[-1:] not in ".!?"

    @property
    def sentences(self) -> list[str]:
        return _SENTENCE_BREAK.split(self.text)

    def fits(self, speaker: Speaker) -> bool:
        return "any" in self.voices or speaker.country in self.voices


@dataclass(frozen=True)
class Pattern:
    """An attribution pattern: a paragraph template with slots (see patterns.json's _doc)."""

    id: str
    template: str
    phenomena: tuple[str, ...]
    statement: str = "full"
    kinds: tuple[str, ...] = ()
    split: str = "train"
    requires_intro: bool = False
    two_speakers: bool = False
    nested: bool = False
    unattributed: bool = False
    weight: float = 1.0

    def accepts(self, speaker: Speaker) -> bool:
        return not self.kinds or speaker.group in self.kinds


@dataclass
class GeneratorResources:
    """Everything the generator draws from, already restricted to one split."""

    speakers: list[Speaker]
    statements: list[Statement]
    patterns: list[Pattern]
    words: dict[str, Any]
    distractors: dict[str, list[Any]] = field(default_factory=dict)
    split: str = "train"

    def word_list(self, name: str) -> list[Any]:
        """A word list of patterns.json; lists kept per split give this split's part."""
        words = self.words[name]
        return words[self.split] if isinstance(words, dict) else words


def _records(cls: type, rows: list[dict[str, Any]]) -> list[Any]:
    names = set(cls.__dataclass_fields__)
    out = []
    for row in rows:
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in row.items() if k in names}
        out.append(cls(**values))
    return out


def _pattern(row: dict[str, Any]) -> Pattern:
    """A pattern row; `"speaker": null` marks an unattributed quote."""
    (pattern,) = _records(Pattern, [{**row, "unattributed": "speaker" in row and row["speaker"] is None}])
    return pattern


def _check_split(split: str) -> None:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")


def load_resources(split: str = "train", data_dir: Path = GENERATOR_DATA_DIR) -> GeneratorResources:
    """Load the data files and keep the `split` part of registry, quote bank and patterns.

    The held-out part is what `synthetic-dev` is generated from, so dev scores show whether a
    model learned the task or the templates.
    """
    _check_split(split)
    speakers = _records(Speaker, json.loads((data_dir / "speakers.json").read_text("utf-8")))
    statements = _records(Statement, json.loads((data_dir / "statements.json").read_text("utf-8")))
    pattern_file = json.loads((data_dir / "patterns.json").read_text("utf-8"))
    patterns = [_pattern(row) for row in pattern_file["patterns"]]
    distractors = json.loads((data_dir / "distractors.json").read_text("utf-8"))
    for statement in statements:
        if statement.stance not in STANCES:
            raise ValueError(f"statements.json: stance {statement.stance!r} not in {STANCES}: {statement.text!r}")
    return GeneratorResources(
        speakers=[s for s in speakers if s.split == split],
        statements=[s for s in statements if s.split == split],
        patterns=[p for p in patterns if p.split == split],
        words={k: v for k, v in pattern_file.items() if k not in ("patterns", "_doc")},
        distractors=distractors,
        split=split,
    )
