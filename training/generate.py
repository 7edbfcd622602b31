"""Synthetic annotated articles: speakers, statements and attribution patterns combined at random.

Each article introduces its speakers with full name and title and then refers back by
surname, pronoun or role noun; a statement's stance fits its speaker, with deliberate
exceptions. Output follows ANNOTATION.md, plus `mention`, `cue` and `phenomena` per quote
as extra training signal. Deterministic per seed.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .resources import GeneratorResources, Pattern, Speaker, Statement, load_resources

#: How a speaker's usual position shapes the stance of what they are quoted saying.
STANCE_BY_LEANING = {
    "support": {"support": 0.62, "neutral": 0.3, "oppose": 0.08},
    "oppose": {"oppose": 0.62, "neutral": 0.3, "support": 0.08},
    "neutral": {"neutral": 0.5, "support": 0.25, "oppose": 0.25},
}
MARKS = {"straight": ('"', '"', "'", "'"), "curly": ("\u201c", "\u201d", "\u2018", "\u2019")}
_TOKEN = re.compile(r"(\[[A-Za-z0-9+]+\]|\{[A-Za-z0-9_.]+\})")
_SENTENCE_END = ".!?\n"
OFF_TOPIC_SHARE = 0.12
VOICE_EXCEPTION_SHARE = 0.08


class PatternMismatch(Exception):
    """The chosen pattern cannot be rendered with this speaker; the caller tries another."""


@dataclass
class _Event:
    kind: str  # "mention", "verb", "quote", "para"
    key: str
    start: int
    end: int


@dataclass
class _Writer:
    """Appends text and remembers where quotes, mentions and cues landed."""

    base: int = 0
    parts: list[str] = field(default_factory=list)
    length: int = 0
    quotes: list[dict[str, Any]] = field(default_factory=list)
    non_quotes: list[str] = field(default_factory=list)

    def write(self, text: str) -> tuple[int, int]:
        """Append text; return its absolute offsets (`base` shifts a block written apart)."""
        start = self.base + self.length
        self.parts.append(text)
        self.length += len(text)
        return start, start + len(text)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def at_sentence_start(self) -> bool:
        tail = self.text[-3:].rstrip(" ")
        return not tail or tail[-1] in _SENTENCE_END


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _punctuate(text: str, attribution_follows: bool) -> str:
    """News style: a full stop before an attribution becomes a comma, and a dangling comma a full stop."""
    if attribution_follows and text.endswith("."):
        return text[:-1] + ","
    if not attribution_follows and text.endswith(","):
        return text[:-1] + "."
    return text


class ArticleGenerator:
    """Builds one annotated article at a time from `GeneratorResources`."""

    def __init__(self, resources: GeneratorResources, rng: random.Random) -> None:
        self.res = resources
        self.rng = rng
        self.words = resources.words

    # -- choosing speakers and statements -------------------------------------------------
    def _cast(self) -> list[Speaker]:
        pool = self.res.speakers
        by_leaning = {lean: [s for s in pool if s.leaning == lean] for lean in STANCE_BY_LEANING}
        cast = [self.rng.choice(by_leaning[lean]) for lean in ("support", "oppose") if by_leaning[lean]]
        cast += self.rng.sample(pool, k=min(len(pool), self.rng.randint(1, 4)))
        return self._distinct(cast)

    def _distinct(self, cast: list[Speaker]) -> list[Speaker]:
        """Drop speakers whose short forms would clash ("Cho" for two people is unresolvable)."""
        kept: list[Speaker] = []
        seen: set[str] = set()
        for speaker in cast:
            forms = {f.casefold() for f in (*speaker.short, speaker.name.split()[-1])}
            if speaker.id not in {k.id for k in kept} and not forms & seen:
                kept.append(speaker)
                seen |= forms
        self.rng.shuffle(kept)
        return kept

    def _stance_for(self, speaker: Speaker) -> str:
        weights = STANCE_BY_LEANING.get(speaker.leaning, STANCE_BY_LEANING["neutral"])
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _statement(self, speaker: Speaker, shape: str, used: set[str]) -> Statement:
        stance = self._stance_for(speaker)
        off_topic = stance == "neutral" and self.rng.random() < OFF_TOPIC_SHARE * 3
        ignore_voice = self.rng.random() < VOICE_EXCEPTION_SHARE
        candidates = [
            s for s in self.res.statements
            if s.stance == stance and (s.topic == "off") == off_topic and s.text not in used
            and (ignore_voice or s.fits(speaker)) and _has_shape(s, shape)
        ]
        if not candidates:
            candidates = [s for s in self.res.statements if s.text not in used and _has_shape(s, shape)]
        if not candidates:
            raise PatternMismatch(f"no statement of shape {shape}")
        statement = self.rng.choice(candidates)
        used.add(statement.text)
        return statement


def _has_shape(statement: Statement, shape: str) -> bool:
    if shape == "fragment":
        return statement.is_fragment
    if shape == "multi":
        return not statement.is_fragment and len(statement.sentences) >= 2
    return not statement.is_fragment


@dataclass
class _State:
    """What the article has established so far: who was introduced, who spoke last."""

    introduced: set[str] = field(default_factory=set)
    last_speaker: str | None = None
    used: set[str] = field(default_factory=set)

    def copy(self) -> _State:
        return _State(set(self.introduced), self.last_speaker, set(self.used))


class _PatternRenderer:
    """Renders one pattern instance into a writer, recording quotes, mentions and cues."""

    def __init__(self, gen: ArticleGenerator, writer: _Writer, state: _State, speakers: dict[str, Speaker],
                 cast: list[Speaker], marks: tuple[str, str, str, str], pattern: Pattern) -> None:
        self.gen, self.rng, self.w, self.state = gen, gen.rng, writer, state
        self.speakers, self.cast, self.marks, self.pattern = speakers, cast, marks, pattern
        self.events: list[_Event] = []
        self.paragraph = 0
        self.multi: dict[str, list[str]] = {}

    def render(self) -> None:
        tokens = [t for t in _TOKEN.split(self.pattern.template) if t]
        for i, token in enumerate(tokens):
            rest = "".join(tokens[i + 1 :])
            if token.startswith("["):
                self._quote_slot(token[1:-1], rest)
            elif token.startswith("{"):
                self._slot(token[1:-1], rest)
            else:
                self.w.write(token)
        self._attach_attributions()

    # -- slots ----------------------------------------------------------------------------
    def _slot(self, name: str, rest: str) -> None:
        key, _, form = name.partition(".")
        if key in self.speakers:
            self._mention(key, form or None, rest)
        elif name in ("V", "V2"):
            self._verb("S2" if name == "V2" else "S", inverted=rest.lstrip().startswith("{S"))
        elif name == "P":
            self.w.write("\n\n")
            self.paragraph += 1
        else:
            self.w.write(self._filler(name))

    def _filler(self, name: str) -> str:
        choice = self.rng.choice
        fillers = {
            "CTX": lambda: choice(self.gen.res.word_list("contexts")),
            "CTX_CAP": lambda: _cap(choice(self.gen.res.word_list("contexts"))),
            "BACKGROUND_VERB": lambda: choice(self.gen.res.word_list("background_verbs")),
            "FILLER": lambda: " ".join(self.rng.sample(self.gen.res.word_list("filler_sentences"), 2)),
            "FILLER_SENTENCE": lambda: choice(self.gen.res.word_list("filler_sentences")),
            "QUESTION": lambda: choice(self.gen.res.word_list("questions")),
            "DISAGREED": lambda: choice(self.gen.res.word_list("disagreed")),
            "APPOSITIVE_CLAUSE": lambda: choice(self.gen.res.word_list("appositive_clauses")),
        }
        if name not in fillers:
            raise ValueError(f"pattern {self.pattern.id!r}: unknown slot {{{name}}}")
        return fillers[name]()

    def _verb(self, key: str, inverted: bool) -> None:
        verbs = self.gen.res.word_list("verbs")
        verb = self.rng.choice([v for v in verbs if " " not in v] if inverted else verbs)
        start, _ = self.w.write(verb)
        cue = verb.split()[0]
        self.events.append(_Event("verb", key, start, start + len(cue)))

    def _mention(self, key: str, form: str | None, rest: str) -> None:
        speaker = self.speakers[key]
        form = form or self._auto_form(speaker)
        text, name_at = self._mention_text(speaker, form)
        if rest[:1] in ".:," or not rest:
            text = text.rstrip(",")
        if self.w.at_sentence_start():
            text = _cap(text)
        start, _ = self.w.write(text)
        span_start, span_end = start + name_at[0], start + name_at[1]
        self.events.append(_Event(f"mention:{form}", key, span_start, span_end))
        if form in ("intro", "app", "name"):
            self.state.introduced.add(speaker.id)

    def _auto_form(self, speaker: Speaker) -> str:
        if speaker.id not in self.state.introduced:
            return "intro"
        can_pronoun = self.state.last_speaker == speaker.id and speaker.group != "anonymous"
        options = ["short"] + ["pron"] * can_pronoun * 2
        options += ["role"] * bool(self._unique_roles(speaker))
        return self.rng.choice(options)

    def _unique_roles(self, speaker: Speaker) -> list[str]:
        taken = {r.casefold() for s in self.cast if s.id != speaker.id for r in s.role_nouns}
        return [r for r in speaker.role_nouns if r.casefold() not in taken]

    def _mention_text(self, speaker: Speaker, form: str) -> tuple[str, tuple[int, int]]:
        """The mention's text and where the name itself sits inside it."""
        name = speaker.name
        if form in ("role", "role_cap"):
            roles = self._unique_roles(speaker)
            if not roles:
                raise PatternMismatch(f"{speaker.id} has no unambiguous role noun")
            role = self.rng.choice(roles)
            return role, (0, len(role))
        if form == "pron":
            return speaker.pronoun, (0, len(speaker.pronoun))
        if form == "short":
            short = self.rng.choice(speaker.short) if speaker.short else name
            return short, (0, len(short))
        if form == "app" or (form == "intro" and speaker.appositives and self.rng.random() < 0.3):
            if speaker.appositives:
                return f"{name}, {self.rng.choice(speaker.appositives)},", (0, len(name))
        if form in ("intro", "app") and speaker.group == "person" and speaker.titles and self.rng.random() < 0.75:
            title = self.rng.choice(speaker.titles)
            return f"{title} {name}", (len(title) + 1, len(title) + 1 + len(name))
        return name, (0, len(name))

    # -- quotes ---------------------------------------------------------------------------
    def _quote_slot(self, slot: str, rest: str) -> None:
        follows = bool(re.match(r"\s*\{(?:S|V|N)", rest)) or rest.lstrip().startswith(("according", "they "))
        key = "S2" if slot in ("Q2", "q2", "Q2+") else "S"
        speaker = self.speakers.get(key)
        if slot in ("Q", "Q2", "Q+", "Q2+"):
            statement = self.gen._statement(speaker or self._any_speaker(), "full", self.state.used)
            self._emit(_punctuate(statement.text, follows), statement, key, continuation=slot.endswith("+"))
        elif slot in ("q", "q2"):
            statement = self.gen._statement(speaker, "fragment", self.state.used)
            ends = not rest.strip()
            inside = ends and self.rng.random() < 0.5
            after = "." if ends and not inside else ""
            comma = "," if follows else ""  # news style: '"struggling with it," they said.'
            self._emit(statement.text + ("." if inside else comma), statement, key, after=after)
        elif slot in ("Qa", "Qb", "Qopen", "Qrest"):
            self._split_slot(slot, follows)
        elif slot == "N":
            self._nested(follows)
        else:
            raise ValueError(f"pattern {self.pattern.id!r}: unknown quote slot [{slot}]")

    def _any_speaker(self) -> Speaker:
        return self.rng.choice(self.cast)

    def _split_parts(self) -> tuple[Statement, str, str]:
        if "parts" not in self.multi:
            statement = self.gen._statement(self.speakers["S"], "multi", self.state.used)
            sentences = statement.sentences
            cut = self.rng.randint(1, len(sentences) - 1)
            self.multi["parts"] = [statement, " ".join(sentences[:cut]), " ".join(sentences[cut:])]
        statement, first, second = self.multi["parts"]
        return statement, first, second

    def _split_slot(self, slot: str, follows: bool) -> None:
        statement, first, second = self._split_parts()
        if slot == "Qa":
            self._emit(_punctuate(first, True), statement, "S")
        elif slot == "Qb":
            self._emit(second, statement, "S")
        elif slot == "Qopen":
            self._emit(first, statement, "S", closed=False)
        else:
            self._emit(_punctuate(second, follows), statement, "S")

    def _nested(self, follows: bool) -> None:
        frame = self.rng.choice(self.gen.words["nested_frames"])
        inner = self.gen._statement(self.speakers["N"], "fragment", self.state.used)
        name = self.speakers["N"].name
        before, after = frame["text"].replace("{N.name}", name).split("'[n]'")
        open_in, close_in = self.marks[2], self.marks[3]
        outer = _punctuate(f"{before}{open_in}{inner.text}{close_in}{after}", follows)
        start = self._emit(outer, inner, "S")
        inner_start = start + len(before) + 1
        name_start = start + before.index(name)
        self.events.append(_Event("mention:name", "N", name_start, name_start + len(name)))
        self._record(inner.text, inner_start, inner, "N", nested=True)

    def _emit(self, text: str, statement: Statement, key: str, closed: bool = True, after: str = "",
              continuation: bool = False) -> int:
        """Write a quote between marks and record it; return where its text starts."""
        self.w.write(self.marks[0])
        start, _ = self.w.write(text)
        self.w.write((self.marks[1] if closed else "") + after)
        self._record(text, start, statement, key, continuation=continuation)
        return start

    def _record(self, text: str, start: int, statement: Statement, key: str, nested: bool = False,
                continuation: bool = False) -> None:
        speaker = None if self.pattern.unattributed else self.speakers.get(key)
        phenomena = list(self.pattern.phenomena) + (["nested_inner"] if nested else [])
        phenomena += ["continuation"] * (continuation and "continuation" not in phenomena)
        phenomena += ["off_topic"] * (statement.topic == "off")
        self.w.quotes.append({
            "text": text, "start": start, "end": start + len(text),
            "speaker": speaker.label if speaker else None,
            "speaker_aliases": _aliases(speaker) if speaker else [],
            "stance": statement.stance, "phenomena": phenomena,
            "_key": key if speaker and not continuation else None, "_para": self.paragraph,
        })
        self.events.append(_Event("quote", key, start, start + len(text)))

    # -- mentions and cues per quote ------------------------------------------------------------
    def _attach_attributions(self) -> None:
        mentions = [e for e in self.events if e.kind.startswith("mention")]
        verbs = [e for e in self.events if e.kind == "verb"]
        for quote in self.w.quotes:
            key = quote.pop("_key", None)
            quote.pop("_para", None)
            if "mention" in quote or key is None:
                continue
            own = [m for m in mentions if m.key == key]
            if not own:
                continue
            mention = min(own, key=lambda m: min(abs(m.start - quote["end"]), abs(quote["start"] - m.end)))
            quote["mention"] = {"start": mention.start, "end": mention.end}
            quote["phenomena"].append(mention.kind)
            near = [v for v in verbs if abs(v.start - mention.end) < 40 or abs(mention.start - v.end) < 40]
            if near:
                verb = min(near, key=lambda v: abs(v.start - mention.start))
                quote["cue"] = {"start": verb.start, "end": verb.end}


def _aliases(speaker: Speaker) -> list[str]:
    names = [speaker.name, *speaker.short, *speaker.aliases]
    return sorted({n for n in names if n and n != speaker.label})


class _ArticleAssembler:
    """Lays out one article: headline, noise, lead, quote blocks and distractor paragraphs."""

    def __init__(self, gen: ArticleGenerator, article_id: str) -> None:
        self.gen, self.rng, self.id = gen, gen.rng, article_id
        self.marks = MARKS[self.rng.choice(list(MARKS))]
        self.w = _Writer()
        self.state = _State()
        self.cast = gen._cast()
        self.pattern_counts: Counter[str] = Counter()

    def build(self) -> dict[str, Any]:
        first = self._headline()
        self._noise()
        self._paragraph(self.rng.choice(self.gen.res.distractors["background"]))
        blocks = self.rng.randint(6, 14)
        if first:
            self._quote_block(first)
        for _ in range(blocks):
            self._block()
        if self.rng.random() < 0.4:
            self._paragraph("Related Topics")
        return self._result()

    def _paragraph(self, text: str) -> tuple[int, int]:
        if self.w.length:
            self.w.write("\n\n")
        return self.w.write(text)

    def _headline(self) -> Speaker | None:
        """A headline, sometimes with a single-marked quote by a speaker who then appears."""
        pool = {s.id: s for s in self.gen.res.speakers}
        headlines = self.gen.res.distractors["headlines"]
        quoted = [h for h in headlines if h.get("quote") and h.get("speaker_id") in pool]
        if quoted and self.rng.random() < 0.35:
            headline = self.rng.choice(quoted)
            speaker = pool[headline["speaker_id"]]
            self.cast = [speaker] + [s for s in self.cast if s.id != speaker.id]
            self.cast = self.gen._distinct(self.cast) if len(self.cast) > 1 else self.cast
            if speaker not in self.cast:
                self.cast.insert(0, speaker)
            marked = self.marks[2] + headline["quote"] + self.marks[3]
            text = headline["headline"].replace(f"'{headline['quote']}'", marked)
            start = text.find(marked) + 1
            if start > 0:
                self.w.write(text)
                stance = speaker.leaning if speaker.leaning in STANCE_BY_LEANING else "neutral"
                self.w.quotes.append({"text": headline["quote"], "start": start, "end": start + len(headline["quote"]),
                                      "speaker": speaker.label, "speaker_aliases": _aliases(speaker),
                                      "stance": stance, "phenomena": ["headline"]})
                return speaker
        plain = [h for h in headlines if not h.get("quote")]
        self.w.write(self.rng.choice(plain)["headline"])
        return None

    def _noise(self) -> None:
        noise = self.gen.res.distractors["web_noise"]
        for line in self.rng.sample(noise, k=self.rng.randint(0, 2)):
            self._paragraph(line)

    def _block(self) -> None:
        roll = self.rng.random()
        distractors = self.gen.res.distractors
        if roll < 0.16:
            self._paragraph(self.rng.choice(distractors["background"]))
        elif roll < 0.23:
            self._paragraph(self.rng.choice(distractors["captions"]))
        elif roll < 0.31:
            self._scare_quote(self.rng.choice(distractors["scare_quote_sentences"]))
        else:
            self._quote_block(self._next_speaker())

    def _scare_quote(self, item: dict[str, Any]) -> None:
        sentence = item["sentence"]
        for term in item["terms"]:
            sentence = sentence.replace(f'"{term}"', f"{self.marks[0]}{term}{self.marks[1]}")
        self._paragraph(sentence)
        self.w.non_quotes.extend(item["terms"])

    def _next_speaker(self) -> Speaker:
        fresh = [s for s in self.cast if s.id not in self.state.introduced]
        if fresh and self.rng.random() < 0.6:
            return fresh[0]
        return self.rng.choice(self.cast)

    def _quote_block(self, speaker: Speaker, tries: int = 12) -> None:
        patterns = [p for p in self.gen.res.patterns if p.accepts(speaker)] or self.gen.res.patterns
        weights = [p.weight for p in patterns]
        for _ in range(tries):
            pattern = self.rng.choices(patterns, weights=weights)[0]
            if self._try_pattern(pattern, speaker):
                self.pattern_counts[pattern.id] += 1
                return

    def _try_pattern(self, pattern: Pattern, speaker: Speaker) -> bool:
        if pattern.requires_intro and speaker.id not in self.state.introduced:
            return False
        speakers = {"S": speaker}
        others = [s for s in self.cast if s.id != speaker.id]
        if pattern.two_speakers:
            same = [s for s in others if s.gender == speaker.gender and s.group == speaker.group]
            if pattern.requires_intro:
                same = [s for s in same if s.id in self.state.introduced]
            if not same:
                return False
            speakers["S2"] = self.rng.choice(same)
        if pattern.nested:
            persons = [s for s in self.gen.res.speakers if s.group == "person" and s.id != speaker.id]
            speakers["N"] = self.rng.choice(persons)
        writer = _Writer(base=self.w.length + (2 if self.w.length else 0))
        state = self.state.copy()
        try:
            _PatternRenderer(self.gen, writer, state, speakers, self.cast, self.marks, pattern).render()
        except PatternMismatch:
            return False
        self._paragraph(writer.text)
        self.w.quotes.extend(writer.quotes)
        self.state = state
        second = speakers.get("S2")  # only spoken to ("told Yoon") unless the pattern quotes them too
        spoke = second is not None and any(quote["speaker"] == second.label for quote in writer.quotes)
        self.state.last_speaker = (second if spoke else speaker).id
        return True

    def _result(self) -> dict[str, Any]:
        text = self.w.text
        quotes = sorted(self.w.quotes, key=lambda q: (q["start"], -q["end"]))
        for quote in quotes:
            if text[quote["start"] : quote["end"]] != quote["text"]:
                raise AssertionError(f"{self.id}: generator offset bug for {quote['text']!r}")
            quote["occurrence"] = _occurrence(text, quote["text"], quote["start"])
            for key in ("mention", "cue"):
                if key in quote:
                    quote[key]["text"] = text[quote[key]["start"] : quote[key]["end"]]
            del quote["start"], quote["end"]
            if quote["occurrence"] == 1:
                del quote["occurrence"]
        non_quotes = sorted(set(self.w.non_quotes))
        return {"id": self.id, "source": "synthetic", "text": text, "quotes": quotes, "non_quotes": non_quotes,
                "patterns": dict(self.pattern_counts)}


def _occurrence(text: str, needle: str, start: int) -> int:
    """1-based index of the match of `needle` that starts at `start`."""
    count, at = 0, -1
    while True:
        at = text.find(needle, at + 1)
        if at < 0 or at > start:
            raise AssertionError(f"{needle!r} not found at {start}")
        count += 1
        if at == start:
            return count


def generate_articles(n: int, seed: int, split: str = "train",
                      resources: GeneratorResources | None = None) -> Iterator[dict[str, Any]]:
    """Yield `n` annotated articles, the same ones for the same seed and split."""
    resources = resources or load_resources(split)
    for i in range(n):
        rng = random.Random(f"{seed}-{split}-{i}")
        yield _ArticleAssembler(ArticleGenerator(resources, rng), f"syn-{split}-{seed}-{i:06d}").build()


@dataclass
class CorpusStats:
    """Counts that show what a generated corpus covers."""

    articles: int = 0
    quotes: Counter[str] = field(default_factory=Counter)
    patterns: Counter[str] = field(default_factory=Counter)
    phenomena: Counter[str] = field(default_factory=Counter)
    statements: set[str] = field(default_factory=set)
    speakers: set[str] = field(default_factory=set)
    words: int = 0

    def add(self, article: dict[str, Any]) -> None:
        self.articles += 1
        self.words += len(article["text"].split())
        self.patterns.update(article.get("patterns", {}))
        for quote in article["quotes"]:
            self.quotes[quote["stance"]] += 1
            self.phenomena.update(quote.get("phenomena", []))
            self.statements.add(quote["text"].rstrip(".,"))
            if quote["speaker"]:
                self.speakers.add(quote["speaker"])

    def summary(self) -> str:
        total = sum(self.quotes.values())
        stances = ", ".join(f"{k} {v} ({v / max(total, 1):.0%})" for k, v in sorted(self.quotes.items()))
        return "\n".join([
            f"articles: {self.articles}  words/article: {self.words / max(self.articles, 1):.0f}",
            f"quotes: {total}  ({stances})",
            f"distinct statements: {len(self.statements)}  distinct speakers: {len(self.speakers)}",
            f"patterns used: {len(self.patterns)}  " + ", ".join(f"{k} {v}" for k, v in self.patterns.most_common()),
            "phenomena: " + ", ".join(f"{k} {v}" for k, v in self.phenomena.most_common()),
        ])


def write_corpus(directory: str | Path, n: int, seed: int, split: str = "train",
                 jsonl: bool = False) -> CorpusStats:
    """Write `n` articles as one JSON file each (or one JSON Lines file) and return statistics."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stats = CorpusStats()
    sink = (directory / f"{split}-{seed}.jsonl").open("w", encoding="utf-8") if jsonl else None
    try:
        for article in generate_articles(n, seed, split):
            stats.add(article)
            line = json.dumps(article, ensure_ascii=False)
            if sink:
                sink.write(line + "\n")
            else:
                (directory / f"{article['id']}.json").write_text(line, encoding="utf-8")
    finally:
        if sink:
            sink.close()
    return stats


def register_cli(sub) -> None:  # noqa: ANN001 - argparse's private subparsers type
    """Add `quotestance generate` to the CLI."""
    parser = sub.add_parser("generate", help="write synthetic annotated articles (ANNOTATION.md format)")
    parser.add_argument("--n", type=int, required=True, help="number of articles")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--split", choices=("train", "heldout"), default="train",
                        help="which part of registry, quote bank and patterns to draw from (heldout: synthetic-dev)")
    parser.add_argument("-o", "--output", required=True, help="folder to write into")
    parser.add_argument("--jsonl", action="store_true", help="one JSON Lines file instead of a file per article")
    parser.add_argument("--stats", action="store_true", help="print corpus statistics")
    parser.set_defaults(func=_cmd_generate)


def _cmd_generate(args) -> int:  # noqa: ANN001
    import time

    started = time.perf_counter()
    stats = write_corpus(args.output, args.n, args.seed, args.split, jsonl=args.jsonl)
    print(f"wrote {stats.articles} articles to {args.output} in {time.perf_counter() - started:.1f} s")
    if args.stats:
        print(stats.summary())
    return 0
