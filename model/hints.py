"""Structural hints for the attribution scorer: what the rule baseline and the layout say.

The encoder sees wordpieces; a handful of numbers per (quote, candidate) pair tells the
scorer what would otherwise take many training steps to learn: which phrase is the subject
of the quote's reporting verb and whom the rules resolve it to ("she" -> the last female
speaker, "the spokesman" -> the name introduced with that title), whether the candidate is
in the same sentence or paragraph, whether it is itself inside quotation marks. The network
learns how far to trust each hint, so rule mistakes cost less than in the rule baseline.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .defaults import KNOWN_SIDES_FILE
from .document import Quote, Span
from .gender import Gender, role_gender
from .marks import MarkedSpan, run_ends
from .mentions import (
    APPOSITIVE_END,
    NOT_ABBREVIATION,
    PRONOUNS,
    ROLE_NOUNS,
    TITLE_WORDS,
    SpeakerCandidate,
    final_pronoun,
    find_name_mentions,
    normalize_name,
)

#: The two sides, as `KNOWN_SIDES_FILE` names them.
SIDES = ("russia_dprk", "opposing")
#: Which side the article places the candidate's entity on, read from the words that introduce it
#: ("Russian envoy ...", "..., South Korea's ambassador,"). The stance head reads them through the
#: attribution weights: the same words mean support from Moscow and oppose from Seoul.
SIDE_HINTS = tuple(f"side_{side}" for side in SIDES)
#: One value per (quote, candidate) pair, in this order. The rules' verdict comes split by how
#: it was reached, because its reliability differs widely: on the hand-written train and dev
#: fixtures "..., Kirby said" resolves right 88% of the time, "..., she said" 34%, no verb 27%.
CANDIDATE_HINTS = (
    "rule_speaker",  # the rules attribute the quote to this entity
    "rule_speaker_named",  # ... and their reporting verb's subject names it ("Kirby said")
    "rule_speaker_pronoun",  # ... through a pronoun subject ("she said")
    "rule_speaker_cue_after",  # ... with the verb after the quote ("...," Kirby said)
    "rule_speaker_no_cue",  # ... without a verb: the last speaker carried over
    "rule_mention",  # the candidate overlaps the subject phrase of the quote's reporting verb
    "rule_article_speaker",  # the rules attribute some quote of the article to this entity
    "same_sentence",
    "same_paragraph",
    "inside_quote",  # the candidate is itself inside quotation marks
    "gender_agrees",  # the reporting verb's subject is "he"/"she" and the candidate is known to be that gender
    "gender_clashes",  # ... and known to be the other one
    "kind_name",
    "kind_org",
    "kind_role",
    *SIDE_HINTS,
)
#: One value per quote, for the quote and "no speaker" scores.
QUOTE_HINTS = ("rule_cue", "rule_no_speaker", "rule_non_quote", "headline", "nested")
#: Starting weights of the quote hints in the quote's log-odds. Zero leaves a hint unused: after a
#: full training run its weight was still under 0.01, and the tagger called the seed's listed term
#: "launch," a quote. The quoted-term cue is right on 27 of the 28 fixture spans it flags, which is
#: about log(3/97) in log-odds; training may still move it.
QUOTE_HINT_PRIORS = {"rule_non_quote": -3.5}

_PRO = re.compile(r"\b(?:russia(?:n|'s|\u2019s)?|moscow|kremlin|duma|north korea(?:n|'s|\u2019s)?|pyongyang|"
                  r"workers' party|rodong sinmun)\b|\b(?:TASS|RIA|DPRK|KCNA)\b", re.IGNORECASE)
_CONTRA = re.compile(r"\b(?:ukrain(?:e|ian|e's|e\u2019s)|kyiv|south korea(?:n|'s|\u2019s)?|seoul|yonhap|united states|"
                     r"american|washington|pentagon|white house|state department|european|japan(?:ese)?|tokyo|"
                     r"britain|british|german(?:y)?|france|french|canad(?:a|ian)|australia(?:n)?)\b", re.IGNORECASE)
_CONTRA_ACRONYMS = re.compile(r"\b(?:US|U\.S\.|EU|UK|NATO|NIS|G7)(?![\w.])")


_TITLE_RUN = re.compile(r"(?:(?:[A-Z][\w\-.'\u2019]*|[a-z\-]+)[ \t]+){1,6}$")
_CLAUSE = re.compile(r"\b(?:who|which|that|after|since|when|while|whose|[a-z]+ed)\b")


def _introduction(text: str, start: int, end: int) -> str:
    """A mention with the title words right before it and its appositive: "Russian envoy X, ...,"."""
    run = _TITLE_RUN.search(text, max(0, start - 80), start)
    lo = start
    if run:
        words = list(re.finditer(r"\S+", run.group()))
        for word in reversed(words):  # keep capitalised words and titles, stop at "after", "vetoed"
            bare = word.group().casefold()
            if not (word.group()[:1].isupper() or bare in TITLE_WORDS or bare in ROLE_NOUNS):
                break
            lo = run.start() + word.start()
    hi = end
    if text.startswith(",", hi):  # the appositive up to its end or a clause ("formed after Russia vetoed")
        stop = APPOSITIVE_END.search(text, hi + 1, hi + 100)
        clause = _CLAUSE.search(text, hi + 1, stop.start() if stop else hi + 100)
        hi = clause.start() if clause else stop.start() if stop else hi
    return text[lo:hi]


@dataclass(frozen=True)
class KnownSides:
    """Normalised names whose side is on record (`KNOWN_SIDES_FILE`): 0 Russia/DPRK, 1 opposing.

    Only full names match: an entity resolves to the fullest name its article gives, and a lone
    "Kim" could be anyone.
    """

    sides: dict[str, int]

    @classmethod
    def load(cls, path: Path = KNOWN_SIDES_FILE) -> KnownSides:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls({normalize_name(name): i for i, side in enumerate(SIDES) for name in data[side]})


#: How many introducing words a side on record counts for: it outweighs one stray word
#: ("Nebenzia, speaking in Seoul"), not a plain introduction on the other side.
KNOWN_SIDE_WEIGHT = 2


def entity_sides(text: str, candidates: list[SpeakerCandidate],
                 known: KnownSides | None = None) -> dict[str, tuple[float, float]]:
    """Resolved name -> (Russia/DPRK side, opposing side), from the words that introduce its mentions.

    Counted over every mention of the entity, so that "Lavrov said" inherits "Russian Foreign
    Minister Sergei Lavrov"; a name on record in `known` adds its side. A tie, or no such words,
    leaves both at zero.
    """
    counts: dict[str, list[int]] = {}
    for candidate in candidates:
        words = _introduction(text, candidate.start, candidate.end)
        pro = len(_PRO.findall(words))
        contra = len(_CONTRA.findall(words)) + len(_CONTRA_ACRONYMS.findall(words))
        tally = counts.setdefault(candidate.resolved, [0, 0])
        tally[0] += pro
        tally[1] += contra
    if known is not None:
        for name, tally in counts.items():
            side = known.sides.get(normalize_name(name))
            if side is not None:
                tally[side] += KNOWN_SIDE_WEIGHT
    return {name: (float(pro > contra), float(contra > pro)) for name, (pro, contra) in counts.items()}


_SENTENCE_END = re.compile(rf"[.!?]{NOT_ABBREVIATION}[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])|\n")


@dataclass(frozen=True)
class _Verdict:
    """What the rules said about one marked span, worked out once per span."""

    speaker: str | None  # normalised
    subject: str | None  # "name", "pronoun", "other"; None without a reporting verb
    cue: Span | None
    mention: Span | None
    pronoun_gender: str | None  # "f" for "she said", "m" for "he said"

    @classmethod
    def of(cls, rule: Quote) -> _Verdict:
        speaker = normalize_name(rule.speaker) if rule.speaker is not None else None
        subject = _subject_kind(rule)
        gender = None
        if subject == "pronoun":
            gender = PRONOUNS.get(final_pronoun(rule.speaker_mention.text))
        return cls(speaker, subject, rule.cue, rule.speaker_mention, gender if gender in ("f", "m") else None)


@dataclass
class ArticleHints:
    """Per-article lookups, built once, so that each pair costs a few bisections and dict lookups."""

    boundaries: list[int]  # sentence starts (positions after a sentence end), sorted
    newlines: list[int]
    quoted: list[tuple[int, int]]  # top-level marked spans, sorted
    #: The rules' verdict per marked span; a span missing here is one the rules call a quoted term.
    verdicts: dict[tuple[int, int], _Verdict]
    rule_speakers: set[str]
    genders: dict[str, Gender]  # fullest name -> gender, where the article makes it plain
    sides: dict[str, tuple[float, float]] = field(default_factory=dict)  # see `entity_sides`
    #: A paragraph left open -> the end of its quote's last paragraph, where the speaker is often named.
    run_ends: dict[tuple[int, int], int] = field(default_factory=dict)
    _names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str, spans: list[MarkedSpan], rule_quotes: list[Quote],
           genders: dict[str, Gender] | None = None,
           candidates: list[SpeakerCandidate] | None = None, known: KnownSides | None = None) -> ArticleHints:
        quoted = sorted((s.start, s.end) for s in spans if not s.nested)
        starts = [s for s, _ in quoted]

        def inside(position: int) -> bool:
            i = bisect.bisect_right(starts, position) - 1
            return i >= 0 and position < quoted[i][1]

        # a full stop inside a quote ends no sentence of the article; the space after `."` does
        boundaries = [m.end() for m in _SENTENCE_END.finditer(text) if not inside(m.end() - 1)]
        speakers = {normalize_name(q.speaker) for q in rule_quotes if q.speaker and q.cue is not None}
        return cls(boundaries, [m.start() for m in re.finditer("\n", text)], quoted,
                   {(q.start, q.end): _Verdict.of(q) for q in rule_quotes}, speakers, genders or {},
                   entity_sides(text, candidates or [], known), run_ends(text, spans))

    def quote(self, span: MarkedSpan) -> list[float]:
        verdict = self.verdicts.get((span.start, span.end))
        return [float(verdict is not None and verdict.cue is not None),
                float(verdict is None or verdict.speaker is None),
                float(verdict is None), float(span.headline), float(span.nested)]

    def cue(self, span: MarkedSpan) -> Span | None:
        verdict = self.verdicts.get((span.start, span.end))
        return verdict.cue if verdict is not None else None

    def candidate(self, span: MarkedSpan, candidate: SpeakerCandidate) -> list[float]:
        verdict = self.verdicts.get((span.start, span.end))
        name = self._names.get(candidate.resolved)
        if name is None:
            name = self._names[candidate.resolved] = normalize_name(candidate.resolved)
        agrees = verdict is not None and verdict.speaker == name
        mention = verdict.mention if verdict is not None else None
        pronoun = verdict.pronoun_gender if verdict is not None else None
        gender = self.genders.get(candidate.resolved) or (role_gender(candidate.text) if candidate.kind == "role"
                                                          else None)
        before = candidate.end <= span.start
        end = self.run_ends.get((span.start, span.end), span.end)
        if candidate.start < end:  # before the quote, or inside its later paragraphs
            end = span.end
        lo, hi = (candidate.end, span.start - 1) if before else (end, candidate.start)
        return [
            float(agrees),
            float(agrees and verdict.subject == "name"),
            float(agrees and verdict.subject == "pronoun"),
            float(agrees and verdict.cue is not None and verdict.cue.start >= span.end),
            float(agrees and verdict.subject is None),
            float(mention is not None and mention.start < candidate.end and candidate.start < mention.end),
            float(name in self.rule_speakers),
            float(not _any_between(self.boundaries, lo, hi)),
            float(not _any_between(self.newlines, lo, hi)),
            float(self._quoted(candidate)),
            float(pronoun is not None and gender == pronoun),
            float(pronoun is not None and gender is not None and gender != pronoun),
            float(candidate.kind == "name"),
            float(candidate.kind == "org"),
            float(candidate.kind == "role"),
            *self.sides.get(candidate.resolved, (0.0, 0.0)),
        ]

    def _quoted(self, candidate: SpeakerCandidate) -> bool:
        i = bisect.bisect_right(self.quoted, candidate.start, key=lambda span: span[0]) - 1
        return i >= 0 and self.quoted[i][0] <= candidate.start and candidate.end <= self.quoted[i][1]


def _subject_kind(rule: Quote | None) -> str | None:
    """How the rules' reporting-verb subject names the speaker: "name", "pronoun" or "other"."""
    if rule is None or rule.cue is None or rule.speaker_mention is None:
        return None
    if final_pronoun(rule.speaker_mention.text):
        return "pronoun"
    return "name" if find_name_mentions(rule.speaker_mention.text, whole_article=False) else "other"


def _any_between(positions: list[int], lo: int, hi: int) -> bool:
    """Whether some position p has lo < p <= hi."""
    i = bisect.bisect_right(positions, lo)
    return i < len(positions) and positions[i] <= hi
