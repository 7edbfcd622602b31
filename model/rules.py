"""The rule baseline: quotation marks, reporting verbs and nearby names.

A permanent comparison row for the harness and a fast mode for users who need speed
over accuracy. Stance is always `neutral`: rules cannot judge it honestly.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from .batch import DatasetMixin
from .document import Document, Quote, Span
from .gender import Gender, GivenNames, entity_genders, name_gender, person_like, role_gender
from .marks import MarkedSpan, continuation, find_marked_spans
from .mentions import (
    BODY_HEADS,
    GROUP_PHRASE,
    NOT_ABBREVIATION,
    NOT_SPEAKERS,
    ORG_HEADS,
    PRONOUNS,
    REPORTING_VERB,
    REPORTING_VERBS,
    ROLE_NOUNS,
    EntityIndex,
    definite_antecedent,
    final_pronoun,
    find_name_mentions,
    index_entities,
    is_role_noun,
    role_descriptions,
    strip_article,
)
from .registry import texts_with_ids

#: Words before a quoted term that make it a mention of a word, not a quote (ANNOTATION.md).
NON_QUOTE_CUES = re.compile(
    r"\b(so-called|such as|known as|dubbed|called|nicknamed|term|terms|word|words|phrase|slogan|titled|entitled"
    r"|named|label|labelled|labeled|codenamed|code-named|like|as)(?:\s+(?:the|a|an))?[^\w.!?\n]*$",
    re.IGNORECASE,
)
#: A verb that makes "X as "..."" a quoted verdict rather than a term.
_DESCRIBED = re.compile(r"\b(?:" + "|".join(sorted(REPORTING_VERBS | {"characterised", "characterized", "saw",
                                                                        "sees", "regards", "regarded", "treated"}))
                        + r")\b", re.IGNORECASE)
_LIST_BEFORE = re.compile(r"[\"\u201d],?\s*(?:and|or)?\s*$")
_MASK = "\u00a7"
_SUBJECT_WORDS = r"(?:[\w\u2019'\-.,\[\]]+[ \t]+){0,9}?[\w\u2019'\-.\]]+"
_AFTER = re.compile(
    rf"[\s,\u2014\u2013-]*(?:(?P<verb1>{REPORTING_VERB})[ \t]+(?P<subj1>{_SUBJECT_WORDS})"
    r"(?=[,.;:]|[ \t]+(?:on|in|at|who|of|to)\b|$)"
    rf"|(?!(?:and|but|or|which|who|that|while|according)\b)(?P<subj2>{_SUBJECT_WORDS})"
    rf"[ \t]+(?:also[ \t]+|later[ \t]+|then[ \t]+)?(?P<verb2>{REPORTING_VERB}))",
    re.IGNORECASE,
)
#: "..., Pak Jong Chon, a senior North Korean military official, said": a name, an appositive, the verb.
_NAME_WORDS = r"(?:[A-Z][\w\u2019'\-.]*[ \t]+){0,4}[A-Z][\w\u2019'\-.]*"
_APPOSITIVE = r",[ \t]+[^,;:\n\u00a7]{2,120}?,[ \t]+(?:also[ \t]+|later[ \t]+|then[ \t]+)?"
_AFTER_APPOSITIVE = re.compile(rf"[\s,\u2014\u2013-]*(?P<subj>{_NAME_WORDS}){_APPOSITIVE}(?P<verb>{REPORTING_VERB})")
_APPOSITIVE_BEFORE = re.compile(rf"(?P<subj>{_NAME_WORDS}){_APPOSITIVE}$")
#: "Ukraine's defence minister, Rustem Umerov, told": the name set off by commas after its role.
_NAME_AFTER_ROLE = re.compile(rf"[a-z][\w\u2019']*,[ \t]+(?P<subj>{_NAME_WORDS}),[ \t]+(?:also[ \t]+|later[ \t]+)?$")
#: Verbs that take the speaker after them ("said Kirby"); "told reporters" names the listener.
_INVERTIBLE = REPORTING_VERBS - {
    "told", "tells", "called", "calls", "described", "describes", "labelled", "labeled", "branded", "dismissed",
    "dismisses", "hailed", "praised", "praises", "welcomed", "welcomes", "blasted", "slammed", "accused",
    "criticized", "criticised", "condemned", "condemns", "urged", "urges", "quoted", "pledged", "promised",
    "vowed", "denied", "denies", "confirmed", "confirms", "announced", "announces", "ruled", "committed",
    "agreed", "pointed", "reported", "reports", "posted", "tweeted", "alleged", "charged"}
#: Lower-case words that cannot open the phrase naming a speaker: "of his country and declared".
_NOT_SUBJECT_START = frozenset(
    """of about without whose who which that with to for in on at from by as than after before while when
    into over under asked and but or then also later reporters journalists""".split())
#: Words between a subject and its verb: "the embassy later said", "Russia has repeatedly said".
_BEFORE_VERB = re.compile(r"(?:[ \t]+(?:also|later|then|earlier|again|too|previously|separately|subsequently|since|"
                          r"repeatedly|publicly|privately|once|only|just|simply|has|have|had|would|will|could|"
                          r"may|might|not|never|herself|himself|itself|themselves))+"
                          r"[ \t]*$", re.IGNORECASE)
_DETERMINER_END = re.compile(r"\b(?:the|such|these|those|its|his|their|our|your|initial|recent|"
                             r"earlier|latest|some|any|many|several|unconfirmed|similar|other)$", re.IGNORECASE)
_TAIL = re.compile(r"[ \t]+(?:of|on|at|from|in|for|with|to)\b.*", re.DOTALL)
#: A subject before a first verb, when the reporting verb is the second: "Putin expressed thanks and said".
_COORDINATED = re.compile(rf"\s*({_NAME_WORDS})[ \t]+[a-z][^\u00a7]*[ \t]and[ \t]*$")
_ACCORDING = re.compile(r"according to (?P<subj>[^,.;\u00a7]+)", re.IGNORECASE)
#: What a "which" or "who" stands for: "(according to) the agency KCNA, which called".
_RELATIVE = re.compile(r"(?:(?<=[,.!?;\u00a7])|^)[ \t]*(?:according to[ \t]+)?(?P<subj>[^,.;\u00a7\n]+)"
                       r",[ \t]+(?:which|who)[ \t]*$", re.IGNORECASE | re.MULTILINE)
#: "A border official, who declined to be named, said": the subject before a relative aside.
_RELATIVE_ASIDE = re.compile(r"(?:(?<=[.!?;\u00a7\n])|^)[ \t]*(?P<subj>[^,.;:\u00a7\n]+),[ \t]+(?:who|which)\b"
                             r"[^,.;:\u00a7\n]*,[ \t]*$", re.MULTILINE)
_BOUNDARY = re.compile(rf"[.!?;]{NOT_ABBREVIATION}\s+|\n|,\s+(?:and|but|while|as)\s+|\s--\s|\u2014")


@dataclass(frozen=True)
class Attribution:
    """A reporting verb and the phrase that names who spoke."""

    subject: Span
    verb: Span


def _mask_quotes(text: str, spans: Iterable[MarkedSpan]) -> str:
    """Blank out quoted text (marks included) so verbs and names inside quotes are ignored."""
    chars = list(text)
    for span in spans:
        if span.nested:
            continue
        lo, hi = max(span.start - 1, 0), min(span.end + 1, len(text))
        chars[lo:hi] = _MASK * (hi - lo)
    return "".join(chars)


def _non_quote_flags(text: str, spans: list[MarkedSpan]) -> list[bool]:
    """Quoted terms, nicknames and titles of works are mentions, not quotes.

    A short span after a cue such as "terms such as" is a term, and so is each further item
    of a list of quoted terms that such a span starts.
    """
    flags: list[bool] = []
    for span in spans:
        words = len(text[span.start : span.end].split())
        short = not span.headline and words <= 4
        before = text[max(0, span.start - 30) : max(span.start - 1, 0)]
        listed = bool(flags) and flags[-1] and bool(_LIST_BEFORE.search(before))
        cue = NON_QUOTE_CUES.search(before)
        if cue and cue.group(1).casefold() in ("as", "like") and _DESCRIBED.search(text, max(0, span.start - 60),
                                                                                    span.start):
            cue = None  # "described the deal as "a flagrant violation"": a partial quote, not a term
        title = cue is not None and cue.group(1).casefold() in ("titled", "entitled") and not span.headline \
            and words <= 12  # a work's title may run longer than a term
        flags.append((short and (bool(cue) or listed)) or title)
    return flags


#: How far back a sentence start is looked for: bounds the work per quote, so a long article costs linear time.
_LOOKBACK = 2000


def _sentence_bounds(masked: str, pos: int) -> tuple[int, int]:
    floor = max(0, pos - _LOOKBACK)
    starts = [m.end() for m in _BOUNDARY.finditer(masked, floor, pos)]
    end = _BOUNDARY.search(masked, pos, pos + _LOOKBACK)
    start = starts[-1] if starts else max(masked.rfind("\n", floor, pos) + 1, floor)
    return start, (end.start() if end else min(len(masked), pos + _LOOKBACK))


def _plural(name: str) -> bool:
    """'lawmakers', 'officials', 'the two presidents': a lower-case last word in -s."""
    last = name.split()[-1]
    return last.islower() and last.endswith("s")


class _Resolver:
    """Turns a subject phrase into the fullest name, remembering who spoke last."""

    def __init__(self, entities: EntityIndex, events: list[tuple[int, Span]], names: GivenNames,
                 genders: dict[str, Gender], text: str = "") -> None:
        self.entities = entities
        self.text = text
        self._descriptions: list[tuple[int, str]] | None = None
        self.names = names
        self.genders = genders
        self.spoken: list[tuple[int, str]] = []  # kept sorted by position
        #: People the article names, where they are named: "she" may point to someone who has not spoken yet.
        self.named = sorted({(m.start, name) for m in entities.names
                             if (name := entities.fullest(m.text, m.start)) in self.genders or person_like(name)})
        for position, subject in events:
            name = self.resolve(subject, position)
            if name:
                bisect.insort(self.spoken, (position, name))

    def spoke(self, position: int, speaker: str) -> None:
        bisect.insort(self.spoken, (position, speaker))

    def speaker_before(self, position: int, pronoun: str = "") -> str | None:
        """Who spoke last before `position`: a quote's speaker or the subject of 'X said'.

        "he"/"she" skip plural speakers such as "lawmakers"; "they" prefers them.
        """
        index = bisect.bisect_left(self.spoken, (position, ""))
        pronoun = {"him": "he", "her": "she"}.get(pronoun, pronoun)  # "KCNA quoted him as saying"
        if pronoun in ("he", "she"):
            return self._person_before(position, PRONOUNS[pronoun])
        if pronoun in PRONOUNS:
            plural = PRONOUNS[pronoun] == "p"
            for _, name in reversed(self.spoken[max(0, index - 50) : index]):
                if _plural(name) == plural:
                    return name
        return self.spoken[index - 1][1] if index else None

    def _person_before(self, position: int, gender: str, lookback: int = 50) -> str | None:
        """The last person before `position` that "he" or "she" can be.

        Speakers and named people of that gender, latest first; a speaker of unknown gender is
        taken as is, a named person of unknown gender only when nobody fits better.
        """
        spoken = self.spoken[max(0, bisect.bisect_left(self.spoken, (position, "")) - lookback) :]
        named = self.named[max(0, bisect.bisect_left(self.named, (position, "")) - lookback) :]
        recent = sorted([(p, n, True) for p, n in spoken if p < position] +
                        [(p, n, False) for p, n in named if p < position])
        fallback = None
        for _, name, has_spoken in reversed(recent):
            found = self.genders.get(name) or name_gender(name, self.names) or role_gender(name)
            if found == gender:
                return name
            if found is None and not _plural(name) and person_like(name):
                if has_spoken:
                    return name
                fallback = fallback or name
        return fallback

    def _described(self, subject: Span, words: list[str]) -> str | None:
        """The speaker a subject headed by a role noun names, or None.

        "a NATO official" is itself the speaker; "the official" and "the Russian envoy" refer back
        (`definite_antecedent`).
        """
        phrase = subject.text.strip(" ,")
        core = _TAIL.sub("", phrase)  # "the DPRK embassy in Moscow" -> "the DPRK embassy"
        head = core.split()[-1].strip(",.").casefold() if core.split() else ""
        if not is_role_noun(head):  # "a source close to Russia's defence ministry": the last word is the head
            core, head = phrase, words[-1] if words else ""
        if not is_role_noun(head) or len(words) > 10:
            return None
        if _INDEFINITE.match(phrase):
            return _description(phrase) or None
        if GROUP_PHRASE.fullmatch(core):  # "US officials", "Japanese defence officials": the group names itself
            return phrase
        if head in _INSTITUTIONS and _NAMED_OWNER.match(core):  # "South Korea's foreign ministry" names itself
            return strip_article(_TIME_TAIL.sub("", phrase))
        last = self.speaker_before(subject.start)
        plain = len(words) == 2 and words[0] == "the"  # "the president", no modifier to check
        if plain and last and head in self.entities.titles_of(last):
            return last  # the last speaker, if that is their title
        start = subject.start + subject.text.index(phrase)
        if self._descriptions is None:  # read on first need: the role-phrase scan costs a third of the rules' time
            self._descriptions = role_descriptions(self.text)
        found = definite_antecedent(self.text, (start, start + len(core)), self.entities, self._descriptions,
                                    tail=phrase[len(core) :])
        if found is None and core != phrase and re.match(r"[Tt]he\s", phrase):
            return phrase[4:].strip()  # a definite phrase with a tail describes its own source
        if found is None and head not in BODY_HEADS and _OWNED_ROLE.match(core):  # "NATO's secretary general"
            return strip_article(_TIME_TAIL.sub("", phrase))
        return found

    def resolve(self, subject: Span, position: int | None = None) -> str | None:
        clause = _RELATIVE_CLAUSE.search(subject.text)  # "an agency that sells tours to North Korea"
        if clause and clause.start() and subject.text[clause.end() :].strip():
            subject = Span(subject.text[: clause.start()], subject.start, subject.start + clause.start())
        words = [w.strip(",.").casefold() for w in subject.text.split()]
        described = self._described(subject, words)
        if described:
            return described
        names = [m for m in find_name_mentions(subject.text, whole_article=False)
                 if m.text.casefold() not in PRONOUNS and m.text.casefold() not in NOT_SPEAKERS]  # "on Wednesday"
        if names:
            name = names[-1]
            if name.kind == "org":
                return strip_article(subject.text[: name.end])
            return self.entities.fullest(re.sub(r"['\u2019]s$", "", name.text), subject.start)  # "Savelyev's answer"
        position = subject.start if position is None else position
        last = self.speaker_before(position)
        if words and words[-1] in PRONOUNS:
            return self.speaker_before(position, words[-1])
        if len(words) == 1 and words[0] in _POSSESSIVE:  # "His reply was blunt: ..."
            return self.speaker_before(position, _POSSESSIVE[words[0]])
        role = next((w for w in reversed(words) if w in ROLE_NOUNS), None)
        if role and role not in {"statement", "source", "sources", "officials", "lawmakers", "analysts"}:
            if last and role in self.entities.titles_of(last):
                return last
            hit = self.entities.latest_with_title(role, subject.start)
            return self.entities.fullest(hit.text) if hit else last
        phrase = re.sub(r"^(?:an?|the|some|one|two|several)\s+", "", subject.text.strip(" ,"), flags=re.I)
        return phrase or None


#: Heads of phrases that name an institution, not a person: with a named owner or nationality they
#: describe their own source ("Russia's foreign ministry", "the Russian embassy in Seoul").
_INSTITUTIONS = ORG_HEADS | {"embassy", "consulate", "mission", "delegation", "directorate", "chamber", "treasury"}
_NAMED_OWNER = re.compile(r"(?:[Tt]he[ \t]+)?(?:[A-Z][\w.\-]*[ \t]+){0,3}"
                          r"(?:[A-Z][\w.\-]*['\u2019]s|[A-Z][a-z]*(?:an|ese|ish|i)|[A-Z]{2,})"  # Russia's, Russian
                          r"[ \t]+(?:(?!the\b)[a-z][\w\-]*[ \t]+){0,3}\S+$")
#: A person's role owned by a name ("China's representative", "Japan's top government spokesman").
_OWNED_ROLE = re.compile(r"(?:[Tt]he[ \t]+)?(?:[A-Z][\w.\-]*[ \t]+){0,3}[A-Z][\w.\-]*['\u2019]s"
                         r"[ \t]+(?:[a-z][\w\-]*[ \t]+){0,3}[a-z][\w\-]*$")
_TIME_TAIL = re.compile(r"[ \t]+(?:on|last|this)[ \t]+[A-Z]?[a-z]+$")
_RELATIVE_CLAUSE = re.compile(r"\s+(?:who|which|that)\b", re.IGNORECASE)
_INDEFINITE = re.compile(r"(?:an?|one|another|some|two|several)\s+", re.IGNORECASE)


def _description(phrase: str) -> str:
    """"a senior official who asked not to be named" -> "senior official"."""
    phrase = re.split(r",|\s(?:who|which|that|speaking|asking|asked)\b", phrase.strip(" ,"))[0]
    return _INDEFINITE.sub("", phrase, count=1).strip()


def _attribution_after(masked: str, end: int, limit: int) -> Attribution | None:
    appositive = _AFTER_APPOSITIVE.match(masked, end, limit)
    if appositive:
        return Attribution(Span.at(masked, *appositive.span("subj")), Span.at(masked, *appositive.span("verb")))
    match = _AFTER.match(masked, end, limit)
    if not match:
        return None
    group = "1" if match.group("verb1") else "2"
    subject, verb = match.span("subj" + group), match.span("verb" + group)
    if group == "1" and match.group("verb1").casefold() not in _INVERTIBLE:
        return None
    if not _subject_like(masked[subject[0] : subject[1]]):
        return None
    return Attribution(Span.at(masked, *subject), Span.at(masked, *verb))


def _subject_like(phrase: str) -> bool:
    """Whether a phrase can name a speaker: not "of his country and" or "reporters"."""
    words = phrase.split()
    return bool(words) and words[0].casefold() not in _NOT_SUBJECT_START \
        and words[-1].casefold() not in ("and", "but", "or", "has", "have", "had", "was", "is")


def _antecedent(masked: str, lo: int, end: int) -> Span | None:
    """The phrase a relative "which" or "who" ending at `end` stands for, if it can speak."""
    found = _RELATIVE.search(masked, lo, end)
    if found is None:
        return None
    phrase = found.group("subj").strip()
    if not _subject_like(phrase) or re.match(REPORTING_VERB, phrase, re.IGNORECASE):  # "said one diplomat, who"
        return None
    return Span.at(masked, *found.span("subj"))


def _attribution_before(masked: str, lo: int, start: int) -> Attribution | None:
    """The last reporting verb before `start` that has a subject ("X said" or "said X")."""
    for verb in reversed(list(re.finditer(REPORTING_VERB, masked[lo:start], re.IGNORECASE))):
        v_start, v_end = lo + verb.start(), lo + verb.end()
        before = masked[lo:v_start].rstrip()
        if _DETERMINER_END.search(before):  # "called such reports": a noun, not the verb
            continue
        clause = before[max(before.rfind(","), before.rfind(_MASK)) + 1 :]
        clause_start = lo + len(before) - len(clause)
        lead = re.match(r"\s*(?:(?:and|but|or|then|also)\b\s*)*", clause)
        kept = _BEFORE_VERB.sub("", before)
        subject = Span.at(masked, min(clause_start + lead.end(), lo + len(kept)), lo + len(kept))
        if subject.text.strip().casefold() in {"which", "who"}:  # "... according to KCNA, which called"
            subject = _antecedent(masked, lo, v_start) or subject
        if not subject.text.strip():
            appositive = _APPOSITIVE_BEFORE.search(masked, max(lo, v_start - 200), v_start)
            aside = _RELATIVE_ASIDE.search(masked, max(lo, v_start - 200), v_start)
            after = _AFTER.match(masked, v_start, start)
            named = _NAME_AFTER_ROLE.search(masked, max(lo, v_start - 200), v_start)
            if appositive:
                subject = Span.at(masked, *appositive.span("subj"))
            elif named:
                subject = Span.at(masked, *named.span("subj"))
            elif aside and _subject_like(aside.group("subj")):
                subject = Span.at(masked, *aside.span("subj"))
            elif after and after.group("subj1") and verb.group().casefold() in _INVERTIBLE \
                    and _subject_like(after.group("subj1")):
                subject = Span.at(masked, *after.span("subj1"))
            else:
                continue
        elif not _subject_like(subject.text):
            lead_name = _COORDINATED.match(subject.text)  # "Putin expressed deep thanks and said"
            if not lead_name:
                continue
            subject = Span.at(masked, subject.start + lead_name.start(1), subject.start + lead_name.end(1))
        return Attribution(subject, Span.at(masked, v_start, v_end))
    return None


def _shared_attributions(text: str, masked: str, spans: list[MarkedSpan]) -> list[Attribution | None]:
    """Attribution per span; `"a" and "b," she said` gives "a" the attribution of "b"."""
    found: list[Attribution | None] = []
    next_starts, upcoming = [], len(masked)
    for span in reversed(spans):  # where the next top-level quote opens, for every span, in one pass
        next_starts.append(upcoming)
        if not span.nested:
            upcoming = span.start - 1
    for span, next_start in zip(spans, reversed(next_starts), strict=True):
        inner = _nested_attribution(text, spans, span) if span.nested else None
        found.append(inner or _find_attribution(masked, span, next_start, _ends_sentence(text, span)))
    for i in range(len(spans) - 2, -1, -1):
        gap = masked[spans[i].end + 1 : max(spans[i + 1].start - 1, spans[i].end + 1)]
        if found[i] is None and not spans[i + 1].nested and re.fullmatch(r"[ \t,]*(?:and|or)?[ \t,]*", gap):
            found[i] = found[i + 1]
        elif found[i] is None and (following := continuation(text, spans, i)) is not None:
            found[i] = found[following]
    return found


def _nested_attribution(text: str, spans: list[MarkedSpan], span: MarkedSpan) -> Attribution | None:
    """Who the outer quote says spoke a quote inside it: "I heard Taras Lysenko say 'a grave threat'".

    The outer quote's own words are read, the inner quotes blanked. A pronoun subject ("He said,
    '...'") is not taken: whom it means inside someone's quote is guesswork.
    """
    outer = next((s for s in spans if not s.nested and s.start < span.start and span.end <= s.end), None)
    if outer is None:
        return None
    inside = [replace(s, nested=False) for s in spans if s.nested and outer.start <= s.start < outer.end]
    view = _mask_quotes(text, inside)
    lo = max(outer.start, _sentence_bounds(view, span.start)[0])
    found = _attribution_before(view, lo, max(span.start - 1, lo))
    if found is None or not found.subject.text.strip(" ,") or final_pronoun(found.subject.text):
        return None
    return found


def _speech_events(text: str, masked: str) -> list[tuple[int, Span]]:
    """Every 'X said' in the article, quote or not, so that a later 'she' can find X."""
    events = []
    for verb in re.finditer(REPORTING_VERB, masked, re.IGNORECASE):
        lo, _ = _sentence_bounds(masked, verb.start())
        attribution = _attribution_before(masked, lo, verb.end())
        if attribution and attribution.subject.text.strip().casefold() not in PRONOUNS:
            events.append((verb.start(), Span.at(text, attribution.subject.start, attribution.subject.end)))
    return events


def _ends_sentence(text: str, span: MarkedSpan) -> bool:
    """`..."We will respond." The ministry said...`: a full stop inside the marks and a capital after them.

    The next sentence's verb then belongs to another statement.
    """
    after = text[span.end + 1 : span.end + 3].lstrip(" \t")
    return text[span.start : span.end].rstrip().endswith(".") and after[:1].isupper()


#: "KCNA quoted Kim as saying": the agency relays, the one it quotes speaks.
_QUOTED_AS = re.compile(rf"[ \t]+(?P<obj>{_SUBJECT_WORDS})[ \t]+as[ \t]+\w+ing\b", re.IGNORECASE)


def _find_attribution(masked: str, span: MarkedSpan, next_start: int,
                      ends_sentence: bool = False) -> Attribution | None:
    found = _nearest_attribution(masked, span, next_start, ends_sentence)
    if found is not None and found.verb.text.casefold() == "quoted":
        relayed = _QUOTED_AS.match(masked, found.verb.end)
        if relayed:
            return Attribution(Span.at(masked, *relayed.span("obj")), found.verb)
    return found


def _nearest_attribution(masked: str, span: MarkedSpan, next_start: int, ends_sentence: bool) -> Attribution | None:
    lo, hi = _sentence_bounds(masked, span.start)
    limit = min(hi if hi > span.end else next_start, next_start)
    after = None if ends_sentence else _attribution_after(masked, min(span.end + 1, len(masked)), limit)
    if after:
        return after
    before = _attribution_before(masked, lo, max(span.start - 1, lo))
    if before:  # "Choe described the ties as "...," according to KCNA": the agency only relays her words
        return before
    according = _ACCORDING.search(masked, lo, max(hi, span.end))
    if according:
        subject = Span.at(masked, *according.span("subj"))
        return Attribution(subject, Span.at(masked, according.start(), according.start() + 12))
    return _colon_attribution(masked, lo, max(span.start - 1, lo))


#: A clause that introduces a quote without a reporting verb: "Savelyev cut in:", "His reply was blunt:".
_COLON_CLAUSE = re.compile(r"(?P<clause>[^,;:\u00a7\n]{2,120}?)[ \t]*:[ \t]*$")
_OPENING_PRONOUN = re.compile(r"[ \t]*(?P<word>he|she|they|his|her|their)\b", re.IGNORECASE)
#: Possessives that are not also object pronouns ("her" already resolves like "she").
_POSSESSIVE = {"his": "he", "their": "they"}


def _colon_attribution(masked: str, lo: int, start: int) -> Attribution | None:
    """The subject of the clause a colon ends right before the quote, if it names someone.

    The sentence's last clause is tried first ("..., as Peskov put it:"), then its first
    ("The ministry, in a statement, made clear its stand:"). The colon is the cue.
    """
    clause = _COLON_CLAUSE.search(masked, lo, start)
    if clause is None:
        return None
    at = masked.rindex(":", lo, start)
    colon = Span.at(masked, at, at + 1)
    first = re.match(r"[ \t]*[^,;:\u00a7\n]{2,120}", masked[lo:start])
    spans = [clause.span("clause")] + ([(lo + first.start(), lo + first.end())] if first else [])
    for c_start, c_end in spans:
        text = masked[c_start:c_end]
        pronoun = _OPENING_PRONOUN.match(text)
        if pronoun:  # "His reply was blunt:" -> "he"
            return Attribution(Span.at(masked, c_start + pronoun.start("word"), c_start + pronoun.end("word")), colon)
        names = [m for m in find_name_mentions(text, whole_article=False) if m.text.casefold() not in PRONOUNS]
        if names or any(w.strip(",.").casefold() in ROLE_NOUNS for w in text.split()):
            return Attribution(Span.at(masked, c_start + len(text) - len(text.lstrip()), c_end), colon)
    return None


class RuleAnalyzer(DatasetMixin):
    """Quotes from marks, speakers from reporting verbs and names nearby, stance `neutral`.

    Example:
        >>> doc = RuleAnalyzer()('"We are ready," Sabrina Singh said. "Very ready," she added.')
        >>> [(q.text, q.speaker) for q in doc.quotes]
        [('We are ready,', 'Sabrina Singh'), ('Very ready,', 'Sabrina Singh')]
    """

    name = "rules"

    def __init__(self, given_names: GivenNames | None = None) -> None:
        self._given_names = given_names

    @property
    def given_names(self) -> GivenNames:
        """The lexicon behind "she" and "he", read on first use."""
        if self._given_names is None:
            self._given_names = GivenNames.load()
        return self._given_names

    def __call__(self, text: str, id: str = "doc") -> Document:
        return next(self.pipe([text], ids=[id]))

    def pipe(self, texts: Iterable[str], batch_size: int = 1, ids: Iterable[str] | None = None) -> Iterator[Document]:
        """Analyse texts one after another; rules need no batching."""
        for text, doc_id in texts_with_ids(texts, ids):
            yield Document(doc_id, text, self.find_quotes(text))

    def find_quotes(self, text: str) -> list[Quote]:
        return self.read(text)[0]

    def read(self, text: str) -> tuple[list[Quote], dict[str, Gender]]:
        """The quotes, and fullest name -> gender for the people whose gender the article makes plain.

        One pass gives both, so the transformer's hints need not index the article's names again.
        """
        marked = find_marked_spans(text)
        spans = [s for s, skip in zip(marked, _non_quote_flags(text, marked), strict=True) if not skip]
        masked = _mask_quotes(text, marked)
        entities = index_entities(text)
        genders = entity_genders(entities, self.given_names, text)
        resolver = _Resolver(entities, _speech_events(text, masked), self.given_names, genders, text)
        attributions = _shared_attributions(text, masked, spans)
        pairs = zip(spans, attributions, strict=True)
        return [self._quote(text, span, attribution, resolver) for span, attribution in pairs], genders

    def _quote(self, text: str, span: MarkedSpan, attribution: Attribution | None, resolver: _Resolver) -> Quote:
        speaker = mention = cue = None
        if attribution:
            mention = Span.at(text, attribution.subject.start, attribution.subject.end)
            speaker = resolver.resolve(mention)
            cue = Span.at(text, attribution.verb.start, attribution.verb.end)
        elif not (span.headline or span.nested):
            speaker = resolver.speaker_before(span.start)
        if speaker and not span.nested:
            resolver.spoke(span.start, speaker)
        confidence = {"quote": 0.9 if span.closed else 0.7, "speaker": 0.7 if attribution else 0.3}
        return Quote(text[span.start : span.end], span.start, span.end, speaker, mention, cue, "neutral",
                     {"support": 0.0, "oppose": 0.0, "neutral": 1.0}, confidence)
