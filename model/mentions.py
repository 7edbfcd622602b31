"""Mentions of possible speakers and how they resolve to an entity's fullest name.

Shared by the rule baseline and the transformer: both need candidate mentions (names,
organisations, pronouns, role nouns) and a way to turn "Singh", "she" or "the
spokesman" into "Sabrina Singh".
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

REPORTING_VERBS = frozenset(
    """said says say told tells added adds wrote writes stated states warned warns noted notes argued
    argues insisted insists declared declares asserted asserts claimed claims explained explains stressed
    stresses emphasized emphasised emphasises emphasizes urged urges continued continues replied replies
    responded countered observed acknowledged admitted announced announces reported reports cautioned
    cautions remarked recalled posted tweeted commented quipped concluded predicted pledged vowed promised
    suggested suggests maintained maintains affirmed confirmed confirms denied denies alleged charged
    lamented complained boasted conceded accused criticized criticised condemned condemns described
    describes called calls labelled labeled branded dismissed dismisses hailed praised praises welcomed
    welcomes blasted slammed ruled committed agreed pointed quoted contended contends reiterated reiterates
    retorted answered asked asks testified recounted mused underlined underscored clarified assured
    blustered prattled scoffed fumed snapped thundered""".split()
)
#: One reporting verb as a whole word, for patterns that look for verbs or must not run through one.
REPORTING_VERB = r"\b(?:" + "|".join(sorted(REPORTING_VERBS)) + r")\b"
#: A full stop that ends no sentence: after a title ("Adm. Samuel Paparo") or inside "U.S.".
#: Lookbehinds to put right after a sentence-ending stop in a pattern (after, so that they cost
#: nothing at the positions where no stop is).
NOT_ABBREVIATION = "".join(rf"(?<!\b{a}\.)" for a in (
    "Mr", "Mrs", "Ms", "Dr", "Gen", "Adm", "Col", "Lt", "Sgt", "Capt", "Maj", "Sen", "Rep", "Gov", "Prof", "Amb",
    "Brig", "Cmdr", "Gens", "Jr", "Sr", "St", "No", "Rev", "Hon")) + r"(?<!\.[A-Z]\.)(?<!\b[A-Z]\.)"
PRONOUNS = {"he": "m", "she": "f", "they": "p", "it": "n", "him": "m", "her": "f", "we": "p", "i": "s"}
#: Lower-case words that name a role; "the spokesman said" refers back through them.
ROLE_NOUNS = frozenset(
    """spokesman spokeswoman spokesperson president minister ministry leader official officials envoy
    ambassador chief secretary adviser advisor lawmaker lawmakers general commander premier chancellor
    analyst analysts diplomat diplomats agency office statement source sources expert experts researcher
    director head chairman chairwoman senator governor mayor professor agency's ministry's council
    committee department service government kremlin pentagon observer veteran resident residents
    soldier soldiers daughter mother father officer legislator academic scholar colonel worker staff
    commission owner co-chair aide speaker administration blogger secretary-general attaché group trader
    guide defector teacher broker operator sister newspaper daily paper chamber prosecutor directorate
    admiral treasury bloc union executive panel monitor body organisation organization team investigator
    embassy consulate mission delegation
    historian shopkeeper sergeant medic volunteer nurse specialist planner merchant brigadier lieutenant
    pensioner farmer labourer lawyer scientist tourist accountant commentator columnist activist driver
    student engineer pilot sailor refugee villager witness eyewitness insider delegate negotiator
    spokespeople representative representatives envoys diplomats experts ministers leaders officials sources""".split()
)
#: Capitalised words that are titles, not names ("President Joe Biden" -> "Joe Biden").
TITLE_WORDS = frozenset(
    """president prime minister foreign defense defence secretary vice deputy first chief general gen. lt.
    col. maj. ambassador spokesman spokeswoman spokesperson chairman director leader senator sen. rep.
    gov. mr. mrs. ms. dr. premier chancellor commander commander-in-chief adm. admiral marshal envoy national security
    adviser advisor state supreme ukrainian russian south north korean korea's chinese japanese american
    u.s. us un nato eu pentagon kremlin german british french former acting senior top deputy
    intelligence military army navy trade economy unification interior lawmaker representative
    permanent special press white house department ministry spokesperson's governor comrade cabinet
    commissioner high chairwoman marshal colonel lieutenant major captain sergeant private corporal
    analyst researcher professor economist journalist correspondent editor ceo founder mayor
    natural resources finance justice culture health education industry energy emergency development
    affairs federal regional provincial state-run assistant secretary-general under-secretary-general u.n.""".split()
)
#: Capitalised words that name a place, not a person: "ambassador in Seoul Georgy Zinoviev".
PLACE_WORDS = frozenset(
    """united kingdom states korea korea's russia china japan union nations republic north south n. s. west
    east european federation sea island islands seoul pyongyang moscow tokyo beijing washington kyiv kursk
    vladivostok brussels london paris berlin geneva zealand""".split()
)
#: Last words that make a capitalised sequence an organisation, kept whole.
ORG_HEADS = frozenset(
    """service ministry agency office department council committee staff commission news nations union
    command government party assembly duma kcna tass yonhap institute center centre university bureau
    kremlin pentagon nato
    organization organisation forces corps force group house affairs railways railway airlines airline
    administration""".split()
)
# A capitalised word, an initial ("J."), or a dotted abbreviation ("U.S."); a word's own full
# stop never joins it to the next word, so "the Kremlin. Dmitry Peskov" gives two names.
_NAME_TOKEN = r"(?:(?:[A-Z]\.){1,3}(?![a-z])|(?:Dr|Mr|Mrs|Ms|Gen|Lt|Col|Maj|Sen|Rep|Gov|Adm|St)\.|[A-Z][\w\u2019'\-]*)"
#: Lower-case particles inside a name: "Ministry of Defence", "Ursula von der Leyen" (a second
#: particle only after a first one).
_PARTICLES, _SECOND_PARTICLES = ("de", "van", "von", "bin", "al", "of", "el", "da"), ("der", "den", "la")
NAME_PARTICLES = frozenset(_PARTICLES + _SECOND_PARTICLES)
NAME = re.compile(rf"{_NAME_TOKEN}(?:[ \t]+(?:{_NAME_TOKEN}|(?:{'|'.join(_PARTICLES)})"
                  rf"(?:[ \t]+(?:{'|'.join(_SECOND_PARTICLES)}))?(?=[ \t]+[A-Z])))*")
_SENTENCE_STARTERS = frozenset(
    """the a an in on at this that these those it its he she they we i but and or as after before when
    while if for with by from to of meanwhile however yet still also some many most one two three
    related photo file members seoul's his her their our not yes every all what how why where who there
    here because then now""".split()
)


#: A photo credit on a line of its own ("Ahn Young-joon/AP", "KCNA via Reuters"): the people it
#: names took a picture, they said nothing in the story.
_CREDIT_LINE = re.compile(
    r"^(?=[^\n\"\u201c\u201d]*(?:\S/\S|[ \t]via[ \t]))[^\n\"\u201c\u201d]{2,100}(?<![.!?:;,])$", re.M)


def credit_lines(text: str) -> list[tuple[int, int]]:
    """Spans of photo-credit lines, short lines without quotes or final punctuation.

    Example:
        >>> credit_lines("She spoke." + chr(10) + "Ahn Young-joon/AP" + chr(10) + "The end.")
        [(11, 28)]
    """
    return [m.span() for m in _CREDIT_LINE.finditer(text) if len(m.group().split()) <= 12]


def _inside(spans: list[tuple[int, int]], position: int) -> bool:
    """Whether `position` falls in one of the sorted, disjoint `spans`."""
    i = bisect.bisect_right(spans, (position, float("inf"))) - 1
    return i >= 0 and position < spans[i][1]


_COMMON_ENDINGS = ("ing", "ed", "ly", "ies", "ness", "ment", "ful", "less", "ous", "ive", "able")
#: Before a sentence's first word: a line break or a sentence's end, and perhaps an opening mark ("Not yet.").
_OPENS = re.compile(r"(?:[.!?][ \t]*|\n[ \t]*)[\"\u201c(]?$")


_CAPITALISED = re.compile(r"[A-Z][\w\u2019'\-]*")


@dataclass
class _CapitalUse:
    """How an article uses its capitalised words, counted once (linear in the article's length)."""

    counts: Counter[str]
    mid_sentence: set[str]

    @classmethod
    def of(cls, text: str) -> _CapitalUse:
        mid = {m.group() for m in _CAPITALISED.finditer(text) if text[max(0, m.start() - 2) : m.start()][:1] in
               set("abcdefghijklmnopqrstuvwxyz,") and text[m.start() - 1 : m.start()] == " "}
        return cls(Counter(m.group() for m in _CAPITALISED.finditer(text)), mid)

    def is_sentence_word(self, text: str, start: int, words: list[str]) -> bool:
        """A lone capitalised word opening a sentence that reads like an ordinary word ("Asked", "Buying").

        Such a word is a speaker if the article also uses it mid-sentence with a capital, or if
        a reporting verb follows it ("Zinoviev said").
        """
        if len(words) != 1:
            return False
        word = words[0]
        opens = start == 0 or _OPENS.search(text, max(0, start - 4), start) is not None
        ordinary = word.casefold().endswith(_COMMON_ENDINGS) or word.casefold() in _SENTENCE_STARTERS
        after = text[start + len(word) : start + len(word) + 40].split()[:2]
        speaks = any(w.strip(",.:;").casefold() in REPORTING_VERBS for w in after)
        return opens and word not in self.mid_sentence and not speaks and (ordinary or self.counts[word] == 1)


@dataclass(frozen=True)
class Mention:
    """A stretch of text that may refer to a speaker."""

    start: int
    end: int
    text: str
    kind: str  # "name", "org", "pronoun", "role"
    titles: tuple[str, ...] = ()


@dataclass
class EntityIndex:
    """Names seen in an article, so short forms resolve to the fullest form.

    Indexed by word and by distinct name, so that each lookup costs the number of distinct
    names sharing a word, not the number of mentions: a long article stays linear.
    """

    names: list[Mention] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._starts: dict[str, list[int]] = defaultdict(list)  # distinct name -> sorted mention starts
        self._by_word: dict[str, dict[str, None]] = defaultdict(dict)  # word -> names, in order of first use
        self._titles: dict[str, set[str]] = defaultdict(set)
        self._by_title: dict[str, list[Mention]] = defaultdict(list)
        for mention in self.names:  # names arrive in article order
            self._starts[mention.text].append(mention.start)
            self._titles[mention.text].update(mention.titles)
            for word in mention.text.split():
                self._by_word[word][mention.text] = None
            for title in set(mention.titles):
                self._by_title[title].append(mention)
        self._fullest_cache: dict[str, str] = {}

    def _containing(self, tokens: set[str]) -> list[str]:
        """Distinct names holding all `tokens`, found through the rarest token."""
        if not tokens:
            return []
        rarest = min(tokens, key=lambda t: len(self._by_word.get(t, ())))
        return [t for t in self._by_word.get(rarest, ()) if tokens <= set(t.split())]

    def fullest(self, name: str, before: int | None = None) -> str:
        """The fullest name in the article that contains all of `name`'s words.

        Word sets rather than last tokens, so "Yoon" finds "Yoon Seok-yeol" (family name first).
        When several people share the words ("Kim"), the one named most recently before
        `before` wins, else the longest.
        """
        texts = [t for t in self._containing(set(name.split())) if len(t) > len(name)]
        if not texts:
            return name
        if before is not None:
            latest, at = None, -1
            for text in texts:
                i = bisect.bisect_left(self._starts[text], before)
                if i and self._starts[text][i - 1] > at:
                    latest, at = text, self._starts[text][i - 1]
            if latest is not None:
                words = set(latest.split())
                return max((t for t in texts if words <= set(t.split())), key=len)
        return max(texts, key=len)  # ties: the form the article used first

    def titles_of(self, fullest: str) -> set[str]:
        """Every title any mention of this entity was introduced with."""
        return {t for text, titles in self._titles.items() if self._fullest(text) == fullest for t in titles}

    def _fullest(self, text: str) -> str:
        if text not in self._fullest_cache:
            self._fullest_cache[text] = self.fullest(text)
        return self._fullest_cache[text]

    def with_title(self, role: str, before: int, after: int = -1) -> list[Mention]:
        """Every name starting in (after, before) introduced with `role` among its titles, in article order."""
        role = role.casefold().rstrip("'s")
        found = [m for title, mentions in self._by_title.items() if role in title
                 for m in mentions[bisect.bisect_right(mentions, after, key=lambda m: m.start):
                                   bisect.bisect_left(mentions, before, key=lambda m: m.start)]]
        return sorted(found, key=lambda m: m.start)

    def latest_with_title(self, role: str, before: int) -> Mention | None:
        """The last person's name before `before` introduced with `role` among its titles.

        Only full personal names: "Spokesman says Washington is watching" gives no spokesman.
        """
        found = [m for m in self.with_title(role, before) if _personal_name(m.text)]
        return found[-1] if found else None


_ACRONYM = re.compile(r"(?:[A-Z]\.){2,}|[A-Z]{2,}")


def _split_title(text: str, start: int) -> tuple[int, str, tuple[str, ...]]:
    """Cut a name after its last title word, possessive, leading acronym, body or place.

    "Kursk Governor Alexander Khinshtein" -> "Alexander Khinshtein"; "ambassador to the DPRK
    Alexander Matsegora" -> "Alexander Matsegora" (an acronym opens no personal name of two words);
    "ambassador in Seoul Georgy Zinoviev" -> "Georgy Zinoviev".
    """
    words = list(re.finditer(r"\S+", text))
    cut = 0
    for i, word in enumerate(words[:-1]):
        folded = word.group().casefold()
        if words[i + 1].group().casefold() in ORG_HEADS:  # "General Staff": the title word names the body
            continue
        if folded in TITLE_WORDS or folded.endswith(("'s", "\u2019s")):
            cut = i + 1
        elif (folded in ORG_HEADS or folded in PLACE_WORDS) and words[i + 1].group()[:1].isupper() \
                and _personal_name(text[words[i + 1].start() :]):
            cut = i + 1  # "General Staff | Valery Gerasimov", "Russian Federation | Alexander Kozlov"
        elif i == cut and _ACRONYM.fullmatch(word.group()) and _personal_name(text[words[i + 1].start() :]):
            cut = i + 1
    titles = tuple(w.group().casefold() for w in words[:cut])
    at = words[cut].start()
    return start + at, text[at:], titles


#: ", Russia's envoy", ", a spokesman for", or bare: ", spokesman for".
_APPOSITIVE = re.compile(r",[ \t]+(?:(?:an?|the)[ \t]+|(?=[A-Z])|(?P<bare>))(?P<words>[^,.;:\n]{1,60})")


def _appositive_role(text: str, end: int) -> tuple[str, ...]:
    """The roles of an appositive after a name, read up to a preposition, bodies left out.

    "Oleh Marchenko, a spokesman for the agency," -> spokesman; "Maria Zakharova, the Russian
    foreign ministry spokeswoman," -> spokeswoman; "a volunteer medic" -> volunteer, medic.
    """
    match = _APPOSITIVE.match(text, end)
    if match is None:
        return ()
    words = _HEAD_CUT.sub("", match.group("words")).casefold().split()[:5]
    if match.group("bare") is not None and not (words and words[0] in ROLE_NOUNS):
        return ()  # a bare appositive must open with its role: ", spokesman for the ministry,"
    return tuple(w for w in words if w in ROLE_NOUNS and w not in ORG_HEADS)


def _headed_by_org(words: list[str]) -> bool:
    """An organisation named by its head and a tail: "Security Service of Ukraine"."""
    return any(w.casefold() in ORG_HEADS and nxt == "of" for w, nxt in itertools.pairwise(words))


#: Where the words that may title a name stop: a title before a name stays in its sentence.
_CLAUSE_BREAK = re.compile(r"[.!?:;\n]")


def find_name_mentions(text: str, whole_article: bool = True,
                       credits: list[tuple[int, int]] | None = None) -> list[Mention]:
    """Capitalised sequences that look like names or organisations, titles stripped.

    On a whole article, lone sentence-opening words that read like ordinary words and names
    in photo credits (`credit_lines`, found here unless given) are dropped; pass
    `whole_article=False` for a phrase cut out of one.
    """
    mentions = []
    capitals = _CapitalUse.of(text) if whole_article else None
    if credits is None:
        credits = credit_lines(text) if whole_article else []
    for match in NAME.finditer(text):
        if _inside(credits, match.start()):
            continue
        raw = match.group().rstrip(".") if not re.search(r"(?:\b[A-Z]\.)+$", match.group()) else match.group()
        words = raw.split()
        while words and (words[0].casefold() in _SENTENCE_STARTERS or _leading_date(words)):
            words.pop(0)
        if not words or (capitals and capitals.is_sentence_word(text, match.start(), words)):
            continue
        offset = match.start() + raw.index(words[0])
        raw = " ".join(words) if raw.count(" ") == len(raw.split()) - 1 else raw[raw.index(words[0]) :]
        if words[-1].casefold() in ORG_HEADS or _headed_by_org(words):
            mentions.append(Mention(offset, offset + len(raw), raw, "org"))
            continue
        start, name, titles = _split_title(raw, offset)
        if name.casefold() in TITLE_WORDS or name[:1].islower():  # "Ministry of Defence" cut after a title
            continue
        preceding = _CLAUSE_BREAK.split(text[max(0, offset - 40) : offset])[-1].casefold().split()[-3:]
        titles += tuple(w for w in preceding if w.strip(",") in ROLE_NOUNS) + _appositive_role(text, start + len(name))
        mentions.append(Mention(start, start + len(name), name, "name", titles))
    return mentions


def final_pronoun(phrase: str) -> str | None:
    """The pronoun a subject phrase ends in ("she", "and he"), or None: such a subject names nobody itself."""
    words = phrase.strip(" ,").casefold().split()
    return words[-1] if words and words[-1] in PRONOUNS else None


def _leading_date(words: list[str]) -> bool:
    """A month or weekday before a name is no part of it ("In September Jake Sullivan warned"); "May" may be."""
    return len(words) > 1 and words[0].casefold() in NOT_SPEAKERS and words[0] != "May"


def index_entities(text: str, mentions: list[Mention] | None = None) -> EntityIndex:
    """Collect the article's name mentions (found here unless given) for later resolution."""
    mentions = find_name_mentions(text) if mentions is None else mentions
    return EntityIndex([m for m in mentions if m.kind == "name"])


_ROLE_ALTERNATION = "|".join(sorted((r for r in ROLE_NOUNS if "'" not in r), key=len, reverse=True))
#: Descriptive noun phrases that can speak or refer to a speaker: "a senior US official",
#: "the spokesman", "North Korea's foreign ministry", "lawmakers". After a determiner or a
#: possessive, role nouns in a row stay one phrase: "a defence ministry official", "the NATO
#: secretary general"; a bare "Department official" may be the end of a name, so it is not joined.
# A filler word is never a reporting verb: "the mission said in a statement" is no phrase.
_FILLER = rf"(?!{REPORTING_VERB})(?:(?:[A-Z]\.){{2,}}|[\w\-]+(?:['\u2019]s)?)[ \t]+"
_ROLE = rf"(?i:{_ROLE_ALTERNATION})s?\b(?!['\u2019]s\b)"  # "the State Department's" goes on to "spokesman"
#: Words that make a bare plural a named group: "US officials", "South Korean defence officials",
#: "pro-Kremlin commentators" (acronyms, places, nationality adjectives and a few lower-case kinds).
GROUP_MODIFIERS = frozenset(
    """defence defense intelligence military security government senior top foreign sanctions independent
    border party opposition ruling administration congressional parliamentary diplomatic regional local
    provincial federal trade nuclear kremlin pentagon state""".split()
) | {w for w in PLACE_WORDS if "." not in w}
_GROUP_MODIFIER = (rf"(?:(?:[A-Z]\.){{2,}}|[A-Z]{{2,}}\b|[Pp]ro-[A-Z][\w\-]*|[A-Z][a-z]+(?:an|ese|ish|ern|i)\b"
                   rf"|(?i:{'|'.join(sorted(GROUP_MODIFIERS, key=len, reverse=True))})\b)")
_ROLE_PLURAL = rf"(?i:{_ROLE_ALTERNATION})s\b(?!['\u2019]s\b)"
_GROUP = rf"(?:{_GROUP_MODIFIER}[ \t]+){{1,3}}{_ROLE_PLURAL}"
#: A bare plural that names its group, which is then the speaker: "US officials said".
GROUP_PHRASE = re.compile(_GROUP)
ROLE_PHRASE = re.compile(
    rf"\b(?:(?:(?:[Aa]n?|[Tt]he|[Oo]ne|[Tt]wo|[Ss]ome|[Ss]everal|[Aa]nother|[Oo]ther)[ \t]+(?:{_FILLER}){{0,4}}?"
    rf"|(?:[A-Z][\w\-]*[ \t]+){{0,3}}[A-Z][\w\-]*['\u2019]s[ \t]+(?:{_FILLER}){{0,3}}?){_ROLE}(?:[ \t]+{_ROLE})*"
    rf"|{_GROUP}"
    rf"|{_ROLE})"
)
NOT_SPEAKERS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december jan feb mar apr jun jul aug sep sept oct nov dec am pm""".split()
)


@dataclass(frozen=True)
class SpeakerCandidate:
    """A mention a quote may be attributed to, and the speaker name it stands for."""

    start: int
    end: int
    text: str
    kind: str  # "name", "org" or "role"
    resolved: str


def is_role_noun(word: str) -> bool:
    """A role noun or its plural: "commentators" as well as "officials" (which the list holds as such)."""
    return word in ROLE_NOUNS or word.removesuffix("s") in ROLE_NOUNS


def normalize_name(name: str) -> str:
    """Casefold, drop a leading article and punctuation, so 'Choe Son-hui' == 'choe son hui'."""
    name = unicodedata.normalize("NFKC", name).casefold().replace("\u2019", "'")
    name = re.sub(r"[^\w']+|'(?!s\b)", " ", name)
    name = re.sub(r"^(the)\s+", "", name.strip())
    return " ".join(name.split())


def strip_article(text: str) -> str:
    """"the Russian embassy, " -> "Russian embassy": a phrase as a speaker's name."""
    return re.sub(r"^(?:an?|the)\s+", "", text.strip(" ,"), flags=re.IGNORECASE)


def find_speaker_candidates(text: str) -> list[SpeakerCandidate]:
    """Names, organisations and role phrases, each resolved to the article's fullest form.

    Example:
        >>> [c.resolved for c in find_speaker_candidates("Sabrina Singh spoke. Singh and the spokesman left.")]
        ['Sabrina Singh', 'Sabrina Singh', 'spokesman']
    """
    credits = credit_lines(text)
    mentions = find_name_mentions(text, credits=credits)
    entities = index_entities(text, mentions)
    found: dict[tuple[int, int], SpeakerCandidate] = {}
    for mention in mentions:
        folded = mention.text.casefold()
        if folded.endswith(("'s", "\u2019s")) or folded in PRONOUNS or folded in NOT_SPEAKERS or len(folded) < 2:
            continue
        resolved = (entities.fullest(mention.text, mention.start) if mention.kind == "name"
                    else strip_article(mention.text))
        found[(mention.start, mention.end)] = SpeakerCandidate(
            mention.start, mention.end, mention.text, mention.kind, resolved
        )
    roles, phrases = [], []
    for match in ROLE_PHRASE.finditer(text):
        if _inside(credits, match.start()):
            continue
        extended = (match.start(), _extension_end(text, match.end()))
        opened = found.get(extended)
        if opened is not None and opened.kind != "role" and match.span() not in found:  # "[Joint Chiefs] of Staff"
            found[match.span()] = replace(opened, start=match.start(), end=match.end(), text=match.group())
            continue
        for key in {match.span(), extended}:
            if key not in found:
                found[key] = SpeakerCandidate(*key, text[key[0] : key[1]], "role", "")
                roles.append(key)
        if found[match.span()].kind == "role":
            phrases.append(match.span())
    for key in _modifiers(found, phrases):  # "JCS" in "a senior JCS official" is no speaker of its own
        del found[key]
    fullest_roles = _fullest_roles(text, roles)
    descriptions = _descriptions(text, fullest_roles, mentions)
    for key, fullest in fullest_roles.items():
        person = definite_antecedent(text, key, entities, descriptions, tail=text[key[1] : fullest[1]])
        resolved = person or strip_article(text[fullest[0] : fullest[1]])
        found[key] = SpeakerCandidate(*key, found[key].text, "role", resolved)
    return sorted(found.values(), key=lambda c: (c.start, c.end))


#: Role heads that stand for a body or a text: in "the KCNA statement" the name inside is the speaker.
BODY_HEADS = ORG_HEADS | frozenset(
    """statement embassy consulate mission delegation newspaper daily paper chamber directorate treasury bloc
    panel body team monitor executive""".split()
)


def _modifiers(found: dict[tuple[int, int], SpeakerCandidate], phrases: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Names that only modify a person's role: "JCS" in "a senior JCS official", "a pro-Kremlin blogger".

    The phrase speaks, not the organisation inside it; as candidates of their own such names drew
    the attribution away from the phrase.
    """
    people = [(start, end) for start, end in phrases  # a role phrase's plural is its head plus "s"
              if found[(start, end)].text.split()[-1].casefold().removesuffix("s") not in BODY_HEADS]
    return [key for key, candidate in found.items() if candidate.kind != "role"
            and any(start <= key[0] and key[1] < end for start, end in people)]


def role_descriptions(text: str) -> list[tuple[int, str]]:
    """Where the article introduces an unnamed source and how: "A senior US official" -> "senior US official"."""
    credits = credit_lines(text)
    roles = [m.span() for m in ROLE_PHRASE.finditer(text) if not _inside(credits, m.start())]
    roles += [(start, _extension_end(text, end)) for start, end in roles]
    return _descriptions(text, _fullest_roles(text, roles), find_name_mentions(text, credits=credits))


_APPOSITIVE_OPENING = re.compile(r"[A-Z][\w\-]*,[ \t]+(?:[A-Z][\w\-'\u2019]*[ \t]+){0,3}$")


def _descriptions(text: str, fullest: dict[tuple[int, int], tuple[int, int]],
                  mentions: list[Mention]) -> list[tuple[int, str]]:
    """Sources that "the agency" or "the official" can repeat, by start.

    Organisations ("Korean Central News Agency"), the fullest form of each role phrase that is
    not definite ("a ...", "Russia's ...") and definite bodies named with capitals ("The Russian
    Embassy in Tokyo"): a definite person ("the Russian envoy") repeats someone named before.
    """
    found = {m.start: m.text for m in mentions if m.kind == "org"}
    for (start, _), (lo, hi) in fullest.items():
        phrase = text[lo:hi]
        appositive = _APPOSITIVE_OPENING.search(text, max(0, lo - 60), lo)  # "Marchenko, Russian ambassador"
        if len(phrase.split()) > 1 and not appositive and (not re.match(r"[Tt]he\b", phrase) or _named_body(phrase)):
            found[start] = strip_article(re.sub(r"^(?:[Oo]ne|[Aa]nother|[Ss]ome|[Tt]wo|[Ss]everal)\s+", "", phrase))
    return sorted(found.items())


def _named_body(phrase: str) -> bool:
    """"The Russian Embassy in Tokyo": capitals after "the", a head noun that is no person's role."""
    words = _HEAD_CUT.sub("", phrase).split()
    return len(words) > 1 and words[-1].casefold() not in PERSON_ROLES and any(w[:1].isupper() for w in words[1:])


#: Role nouns that stand for one person, so "the president" can refer back to the last
#: name the article introduced with that title ("Ukrainian President Volodymyr Zelenskyy").
PERSON_ROLES = frozenset(
    """spokesman spokeswoman spokesperson president minister leader envoy ambassador secretary adviser
    advisor general commander premier chancellor director chairman chairwoman senator governor mayor
    professor admiral colonel lieutenant secretary-general lawmaker""".split()
)
_DEFINITE_ROLE = re.compile(r"[Tt]he[ \t]+((?:[\w\-\u2019'.]+[ \t]+){0,3}?)([\w\-]+)")
_SAME_ROLE = {"envoy": ("envoy", "ambassador"), "ambassador": ("ambassador", "envoy")}
_HEAD_CUT = re.compile(r"[ \t]+(?:of|on|at|from|in|for|with|to|who|that|which)\b.*", re.DOTALL)


#: Where an appositive after a name ends: "Hwang Joon-kook, South Korea's ambassador|,".
APPOSITIVE_END = re.compile(r"[,.;:!?\n]")


def _introduction(text: str, mention: Mention) -> str:
    """The words that introduce a name: its sentence up to it and an appositive after it, folded."""
    lo = max(text.rfind(c, max(0, mention.start - 60), mention.start) for c in ".!?\n") + 1
    hi = mention.end
    if text.startswith(",", hi):
        stop = APPOSITIVE_END.search(text, hi + 1, hi + 100)
        hi = stop.start() if stop else hi
    return text[max(lo, mention.start - 60) : hi].casefold()


def definite_antecedent(text: str, span: tuple[int, int], entities: EntityIndex,
                        descriptions: list[tuple[int, str]], tail: str = "") -> str | None:
    """Whom "the official" or "the Russian envoy" refers back to, or None.

    The nearest earlier person introduced with that title ("Russian envoy Vassily Nebenzia") or
    unnamed source described with that head noun ("a senior US official"). Capitalised
    modifiers must fit: "the South Korean envoy" is not the Russian one; so must the capitalised
    words of the phrase's `tail`: "the General Staff of the Armed Forces of Ukraine" is not
    "Russia's General Staff".
    """
    found = _antecedent(text, span, entities, descriptions)
    return found if found and _fits_tail(found, tail) else None


def _antecedent(text: str, span: tuple[int, int], entities: EntityIndex,
                descriptions: list[tuple[int, str]]) -> str | None:
    match = _DEFINITE_ROLE.fullmatch(text, *span)
    if match is None or not is_role_noun(match.group(2).casefold()):
        return None
    head = match.group(2).casefold()
    modifiers = match.group(1).split()
    required = [w.casefold()[:5] for w in modifiers if w[:1].isupper()]
    wanted = [w.casefold() for w in modifiers if not w[:1].isupper()]
    options = []
    if head in PERSON_ROLES:
        titled = [m for role in _SAME_ROLE.get(head, (head,)) for m in entities.with_title(role, span[0])[-8:]]
        for mention in titled:
            if _personal_name(mention.text):
                options.append((mention.start, entities.fullest(mention.text), _introduction(text, mention)))
    stop = bisect.bisect_left(descriptions, (span[0], ""))
    # the last 12 descriptions, counting no group of another head ("US officials" crowds out no ministry)
    headed = ((start, phrase, _HEAD_CUT.sub("", phrase).casefold().split()[-1:] == [head])
              for start, phrase in reversed(descriptions[:stop]))
    recent = itertools.islice((d for d in headed if d[2] or not GROUP_PHRASE.fullmatch(d[1])), 12)
    options += reversed([(start, phrase, phrase.casefold()) for start, phrase, same in recent if same])
    fitting = [o for o in options if all(r in o[2] for r in required)]
    if not fitting:
        return _named_later(text, span, head, modifiers, entities) if head in PERSON_ROLES and modifiers else None
    return max(fitting, key=lambda o: (sum(w in o[2] for w in wanted), o[0]))[1]


#: How far ahead a role with no antecedent looks for its holder's name (about two paragraphs).
CATAPHORA_CHARS = 1200


def _named_later(text: str, span: tuple[int, int], head: str, modifiers: list[str],
                 entities: EntityIndex) -> str | None:
    """A lede's "the State Department's spokesman" whom the article names a little later.

    Only when nobody earlier fits and every modifier reappears where the name is introduced:
    news leads with the role and names its holder further down, but a bare "the spokesman"
    is more often the last speaker than the next one.
    """
    words = [w.casefold()[:5] for w in modifiers]
    for role in _SAME_ROLE.get(head, (head,)):
        for mention in entities.with_title(role, span[1] + CATAPHORA_CHARS + 1, after=span[1]):
            if _personal_name(mention.text) and all(w in _introduction(text, mention) for w in words):
                return entities.fullest(mention.text)
    return None


def _fits_tail(antecedent: str, tail: str) -> bool:
    """Whether an antecedent holds the capitalised words of a role phrase's tail."""
    return all(w.casefold()[:5] in antecedent.casefold() for w in tail.split() if w[:1].isupper())


def _personal_name(name: str) -> bool:
    """Looks like a person's full name: two or more words, none a month, an organisation's head or an acronym."""
    words = name.split()
    return len(words) >= 2 and not any(w.casefold() in NOT_SPEAKERS or w.casefold() in ORG_HEADS or w.isupper()
                                       for w in words)


def _fullest_roles(text: str, spans: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[int, int]]:
    """Each role phrase with the fullest phrase that extends it.

    "foreign ministry" -> "North Korea's foreign ministry", "border official" -> "border official
    at the airport": first the longest tail on the same start, then the longest modifiers before the same end. A
    phrase joined by a preposition is another entity ("North Korea's foreign ministry" inside
    "spokesman for North Korea's foreign ministry" keeps its own form). Linear in the spans.
    """
    by_start: dict[int, tuple[int, int]] = {}
    by_end: dict[int, tuple[int, int]] = {}
    for span in spans:
        for table, key in ((by_start, span[0]), (by_end, span[1])):
            if key not in table or span[1] - span[0] > table[key][1] - table[key][0]:
                table[key] = span
    fullest = {}
    for span in spans:
        tail = by_start[span[0]]
        front = by_end[tail[1]]
        joined = front[0] < tail[0] and not _PREPOSITION.search(text, front[0], tail[0] + 1)
        fullest[span] = front if joined else tail
    return fullest


_PREPOSITION = re.compile(r"[ \t]+(?:of|on|at|from|in|for|with|to)[ \t]+")
_TAIL_JOINERS = frozenset({"of", "the", "and", "for", "in", "on", "at", "de"})
_EXTENSION_STOP = REPORTING_VERBS | NOT_SPEAKERS | {
    "who", "that", "which", "and", "but", "or", "as", "while", "when", "because", "last", "this", "next",
    "later", "earlier", "also", "then", "again",  # "the mission to the UN later posted"
    "has", "have", "had", "is", "are", "was", "were", "will", "would", "could", "can", "may", "might", "did"}


def _extension_end(text: str, end: int, most: int = 6) -> int:
    """Where a role phrase ends with its prepositional tail: "spokesman for North Korea's foreign ministry"."""
    preposition = _PREPOSITION.match(text, end)
    if not preposition:
        return end
    stop, previous = end, ""
    for word in list(re.finditer(r"[^\s]+", text[preposition.end() : preposition.end() + 120]))[:most]:
        bare = word.group().rstrip(",.;:!?\"\u201d")
        if bare.casefold() in _EXTENSION_STOP or not bare:
            break
        if previous[:1].isupper() and not previous.endswith(("'s", "\u2019s")) and bare[:1].islower() \
                and bare not in _TAIL_JOINERS:
            break  # "Ministry of Foreign Affairs went further": a name ends, a verb begins
        previous = bare
        stop = preposition.end() + word.start() + len(bare)
        if bare != word.group():
            break
    return stop
