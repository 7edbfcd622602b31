"""The structural hints the attribution scorer sees, on hand-made sentences."""

from quotestance.model.hints import CANDIDATE_HINTS, QUOTE_HINTS, ArticleHints, entity_sides
from quotestance.model.marks import find_marked_spans
from quotestance.model.mentions import find_speaker_candidates
from quotestance.model.rules import RuleAnalyzer

TEXT = (
    "Sabrina Singh said on Monday that drills were routine. \"We are watching closely,\" she said.\n\n"
    "John Kirby disagreed. \"It is a 'partnership' of convenience,\" Kirby said.\n\n"
    "Officials used terms such as \"location,\" and \"launch.\""
)


def _hints(text: str = TEXT) -> tuple[ArticleHints, list, list]:
    spans = find_marked_spans(text)
    return ArticleHints.of(text, spans, RuleAnalyzer().find_quotes(text)), spans, find_speaker_candidates(text)


def _pair(hints, span, candidate) -> dict[str, float]:
    return dict(zip(CANDIDATE_HINTS, hints.candidate(span, candidate), strict=True))


def test_hints_follow_the_rules_verdict_and_how_it_was_reached():
    hints, spans, candidates = _hints()
    first, second = spans[0], next(s for s in spans if TEXT[s.start:].startswith("It is"))
    singh = next(c for c in candidates if c.text == "Sabrina Singh")
    kirby = next(c for c in candidates if c.text == "Kirby")
    on_singh = _pair(hints, first, singh)
    assert on_singh["rule_speaker"] == on_singh["rule_speaker_pronoun"] == on_singh["rule_speaker_cue_after"] == 1.0
    assert on_singh["rule_speaker_named"] == 0.0 and on_singh["same_sentence"] == 0.0
    assert on_singh["same_paragraph"] == 1.0 and on_singh["kind_name"] == 1.0
    on_kirby = _pair(hints, second, kirby)
    assert on_kirby["rule_speaker_named"] == on_kirby["rule_mention"] == on_kirby["same_sentence"] == 1.0
    assert _pair(hints, second, singh)["rule_speaker"] == 0.0
    assert _pair(hints, first, kirby)["same_paragraph"] == 0.0


def test_a_full_stop_inside_a_quote_ends_no_sentence():
    text = "Kirby said \"We go. They stay,\" on Monday. \"Fine.\" Singh said later."
    hints, spans, candidates = _hints(text)
    kirby = next(c for c in candidates if c.text == "Kirby")
    singh = next(c for c in candidates if c.text == "Singh")
    assert _pair(hints, spans[0], kirby)["same_sentence"] == 1.0
    assert _pair(hints, spans[1], singh)["same_sentence"] == 0.0  # `."` then a capital: a new sentence


def test_a_quote_run_over_paragraphs_shares_the_paragraph_that_names_its_speaker():
    text = ("A headline\n\nJohn Kirby spoke first.\n\n\"The drills go on.\n\n\"They are routine,\" Sabrina Singh said, "
            "citing Yonhap.\n\nLater, Lavrov left.")
    hints, spans, candidates = _hints(text)
    first, second = spans[0], spans[1]
    singh = next(c for c in candidates if c.text == "Sabrina Singh")
    lavrov = next(c for c in candidates if c.text == "Lavrov")
    kirby = next(c for c in candidates if c.text == "John Kirby")
    assert _pair(hints, first, singh)["same_paragraph"] == _pair(hints, first, singh)["same_sentence"] == 1.0
    assert _pair(hints, first, singh) == _pair(hints, second, singh)
    assert _pair(hints, first, lavrov)["same_paragraph"] == 0.0  # after the run's last paragraph
    assert _pair(hints, first, kirby)["same_paragraph"] == 0.0  # before the run


def test_quote_hints_mark_quoted_terms_and_nesting():
    hints, spans, _ = _hints()
    by_text = {TEXT[s.start : s.end]: dict(zip(QUOTE_HINTS, hints.quote(s), strict=True)) for s in spans}
    assert by_text["location,"]["rule_non_quote"] == 1.0
    assert by_text["We are watching closely,"]["rule_cue"] == 1.0
    assert by_text["We are watching closely,"]["rule_non_quote"] == 0.0
    assert any(h["nested"] == 1.0 for h in by_text.values())


def test_candidates_inside_quotes_are_flagged():
    text = "\"Ask Sergei Lavrov,\" Kirby said. \"Yes,\" Lavrov said."
    hints, spans, candidates = _hints(text)
    quoted = next(c for c in candidates if c.start < spans[0].end)
    outside = next(c for c in candidates if c.text == "Kirby")
    assert _pair(hints, spans[1], quoted)["inside_quote"] == 1.0
    assert _pair(hints, spans[1], outside)["inside_quote"] == 0.0


def test_gender_hints_compare_the_pronoun_with_the_candidate():
    text = 'Sergei Lavrov met Maria Zakharova. "We agree," she said.'
    spans = find_marked_spans(text)
    rules = RuleAnalyzer()
    hints = ArticleHints.of(text, spans, *rules.read(text))
    candidates = {c.text: c for c in find_speaker_candidates(text)}
    on_her = _pair(hints, spans[0], candidates["Maria Zakharova"])
    on_him = _pair(hints, spans[0], candidates["Sergei Lavrov"])
    assert (on_her["gender_agrees"], on_her["gender_clashes"]) == (1.0, 0.0)
    assert (on_him["gender_agrees"], on_him["gender_clashes"]) == (0.0, 1.0)


def test_sides_come_from_the_words_that_introduce_an_entity():
    text = ("Russian envoy Vassily Nebenzia spoke first. Hwang Joon-kook, South Korea's ambassador, replied. "
            "The Multilateral Sanctions Monitoring Team, formed after Russia vetoed the panel, reported. "
            "\"No,\" Nebenzia said.")
    sides = entity_sides(text, find_speaker_candidates(text))
    assert sides["Vassily Nebenzia"] == (1.0, 0.0)  # every mention inherits the introduction
    assert sides["Hwang Joon-kook"] == (0.0, 1.0)  # from the appositive
    assert sides["Multilateral Sanctions Monitoring Team"] == (0.0, 0.0)  # a clause is no introduction


def test_a_side_on_record_fills_in_where_the_article_gives_none():
    from quotestance.model.hints import KnownSides

    known = KnownSides.load()
    text = ("Kim Yo Jong issued a statement. Ursula von der Leyen replied. Vassily Nebenzia, speaking in Seoul, "
            "objected. A farmer, Ivan Petrov, shrugged. Kim disagreed.")
    sides = entity_sides(text, find_speaker_candidates(text), known)
    assert sides["Kim Yo Jong"] == (1.0, 0.0) and sides["Ursula von der Leyen"] == (0.0, 1.0)
    assert sides["Vassily Nebenzia"] == (1.0, 0.0)  # on record, it outweighs one stray word
    assert sides["Ivan Petrov"] == (0.0, 0.0)
    assert entity_sides(text, find_speaker_candidates(text))["Kim Yo Jong"] == (0.0, 0.0)  # without the record


def test_the_record_of_known_sides_is_consistent():
    import json

    from quotestance.model.defaults import KNOWN_SIDES_FILE
    from quotestance.model.hints import SIDES
    from quotestance.model.mentions import normalize_name

    data = json.loads(KNOWN_SIDES_FILE.read_text(encoding="utf-8"))
    names = {side: {normalize_name(n) for n in data[side]} for side in SIDES}
    assert not names[SIDES[0]] & names[SIDES[1]]  # nobody on both sides
    assert all(len(names[side]) == len(data[side]) for side in SIDES)  # no entry repeats another
