"""Speaker candidates and how they resolve to the fullest form the article gives."""

from quotestance.model.mentions import credit_lines, find_name_mentions, find_speaker_candidates


def _roles(text: str) -> dict[str, str]:
    return {c.text: c.resolved for c in find_speaker_candidates(text) if c.kind == "role"}


def test_role_phrases_resolve_to_the_fullest_phrase_that_extends_them():
    roles = _roles("A border official at the airport said so. In Seoul, South Korea's foreign ministry agreed.")
    assert roles["A border official"] == "border official at the airport"  # the same head with its tail
    assert roles["South Korea's foreign ministry"] == "South Korea's foreign ministry"
    assert all(resolved != "foreign ministry" for resolved in roles.values())


def test_a_phrase_behind_a_preposition_is_another_entity():
    roles = _roles("A spokesman for North Korea's foreign ministry, speaking on Monday, disagreed.")
    assert roles["North Korea's foreign ministry"] == "North Korea's foreign ministry"
    assert roles["A spokesman"] == "spokesman for North Korea's foreign ministry"


def test_role_nouns_in_a_row_are_one_phrase_after_a_determiner():
    roles = _roles('"Soon," a senior defence ministry official said. The NATO secretary general agreed.')
    assert roles["a senior defence ministry official"] == "senior defence ministry official"
    assert roles["The NATO secretary general"] == "NATO secretary general"
    assert "official" not in roles and "general" not in roles
    assert "Department official" not in _roles("State Department official Ned Price spoke.")  # part of a name


def test_a_ledes_role_resolves_to_the_name_given_further_down():
    text = ("Sanctions came, in what the State Department's spokesman called \"an answer.\"\n\n"
            "State Department spokesman Matthew Miller said more would follow.")
    assert _roles(text)["the State Department's spokesman"] == "Matthew Miller"
    # a modifier the later name was not introduced with: no match ahead
    assert _roles(text.replace("the State Department's", "the Pentagon's"))["the Pentagon's spokesman"] == (
        "Pentagon's spokesman")


def test_a_named_tail_must_fit_the_antecedent():
    roles = _roles('Russia\'s General Staff claimed the region. "Not so," the General Staff of the Armed Forces of '
                   'Ukraine said.')
    assert roles["the General Staff"] == "General Staff of the Armed Forces of Ukraine"


def test_names_resolve_to_their_fullest_form():
    resolved = [c.resolved for c in find_speaker_candidates("Sabrina Singh spoke. Singh left later.")]
    assert resolved.count("Sabrina Singh") == 2


def test_a_capitalised_tail_ends_where_a_verb_begins():
    roles = _roles("The Russian Ministry of Foreign Affairs went further in a statement.")
    assert roles["The Russian Ministry"] == "Russian Ministry of Foreign Affairs"
    assert _roles("A spokesman for the Ministry of Defence in Moscow spoke.")["A spokesman"] == (
        "spokesman for the Ministry of Defence in Moscow")  # "of", "in" join a name's tail


def test_un_titles_are_stripped_and_no_name_starts_lower_case():
    candidates = find_speaker_candidates("U.N. Assistant Secretary-General Miroslav Jenča told the Ministry of "
                                         "Defence so.")
    names = [c.text for c in candidates if c.kind == "name"]
    assert "Miroslav Jenča" in names
    assert not any(name[:1].islower() for name in names)  # not "of Defence"


def test_photo_credits_name_no_speaker():
    text = ('"We are concerned," she said.\nProtesters rally in Seoul.\nAhn Young-joon/AP\n'
            "Russian Foreign Ministry via AP\n\"It is an escalation,\" she said.")
    texts = [c.text for c in find_speaker_candidates(text)]
    assert "Ahn Young-joon" not in texts and "Russian Foreign Ministry" not in texts
    assert "Seoul" in texts  # a caption is still part of the story
    assert credit_lines("A line with a date, 10/28.\nKCNA via Reuters") == [(27, 43)]


def test_an_organisation_with_a_tail_is_kept_whole():
    candidates = find_speaker_candidates("The Security Service of Ukraine said so. Ukraine agreed.")
    kinds = {c.text: c.kind for c in candidates}
    assert kinds["Security Service of Ukraine"] == "org"
    assert "Service of Ukraine" not in kinds  # not a person whose surname is "Ukraine"
    assert [c.resolved for c in candidates if c.text == "Ukraine"] == ["Ukraine"]


def test_the_president_resolves_to_the_person_introduced_with_that_title():
    text = ("Ukrainian President Volodymyr Zelenskyy spoke with Yoon Suk Yeol. The president said he gave him "
            "new data. A spokesman for the Kremlin said in October the governor agreed. The spokesman left.")
    roles = {c.text: c.resolved for c in find_speaker_candidates(text) if c.kind == "role"}
    assert roles["The president"] == "Volodymyr Zelenskyy"
    assert roles["The spokesman"] != "Volodymyr Zelenskyy"  # no named spokesman: the role stays a role
    assert roles["the governor"] == "governor"  # "October" is no person


def test_an_appositive_gives_a_name_its_title():
    text = ('"No," Oleh Marchenko, a spokesman for the agency, said. Lee Seong-kweun, the lawmaker, left. '
            "The spokesman sighed.")
    roles = {c.text: c.resolved for c in find_speaker_candidates(text) if c.kind == "role"}
    assert roles["The spokesman"] == "Oleh Marchenko"
    text = ("Kremlin spokesman Dmitry Peskov spoke first. Heorhii Tykhyi, spokesman for Ukraine's foreign "
            "ministry, spoke next. The spokesman sighed.")
    roles = {c.text: c.resolved for c in find_speaker_candidates(text) if c.kind == "role"}
    assert roles["The spokesman"] == "Heorhii Tykhyi"  # a bare appositive that opens with its role


def test_a_definite_role_refers_back_to_the_unnamed_source_it_repeats():
    text = ("A senior US official who spoke on condition of anonymity said it was bad. Later the official said "
            "more. An official at South Korea's unification ministry said it was fine. The official left.")
    roles = [(c.text, c.resolved) for c in find_speaker_candidates(text) if c.text.casefold() == "the official"]
    assert roles == [("the official", "senior US official"),
                     ("The official", "official at South Korea's unification ministry")]


def test_a_capitalised_modifier_picks_which_envoy():
    text = ("Russian envoy Vassily Nebenzia spoke. South Korean Ambassador Hwang Joon-kook spoke. "
            "The Russian envoy sat down. The South Korean envoy stood up.")
    roles = _roles(text)
    assert roles["The Russian envoy"] == "Vassily Nebenzia"
    assert roles["The South Korean envoy"] == "Hwang Joon-kook"  # "envoy" and "ambassador" are one role


def test_the_agency_refers_back_to_an_organisation_named_with_that_word():
    text = "The Korean Central News Agency ran the story. Later the agency added a line."
    assert _roles(text)["the agency"] == "Korean Central News Agency"


def test_an_acronym_before_a_personal_name_is_not_part_of_it():
    text = "Russia's ambassador to the DPRK Alexander Matsegora spoke. JD Vance and the UN Security Council did not."
    names = {c.text: c.resolved for c in find_speaker_candidates(text) if c.kind != "role"}
    assert names["Alexander Matsegora"] == "Alexander Matsegora" and "DPRK Alexander Matsegora" not in names
    assert "JD Vance" in names  # initials before one surname stay: no two-word name would be left
    assert "UN Security Council" in names  # an organisation keeps its acronym


def test_a_role_that_opens_a_name_resolves_to_the_name():
    candidates = find_speaker_candidates("South Korea's Joint Chiefs of Staff said the troops had moved.")
    resolved = {c.text: c.resolved for c in candidates}
    assert resolved["South Korea's Joint Chiefs"] == "South Korea's Joint Chiefs of Staff"  # "chief" is a role noun
    names = {c.text for c in find_speaker_candidates("Russian Railways said the train would run twice a month.")}
    assert "Russian Railways" in names  # a nationality before an organisation's head is part of its name


def test_a_role_phrase_neither_runs_through_a_reporting_verb_nor_stops_before_to():
    roles = _roles('South Korea\'s mission to the EU agreed. "Good," the mission said in a statement.')
    assert "the mission said in a statement" not in roles
    assert roles["the mission"] == "South Korea's mission to the EU"
    assert "Russia's mission to the UN" in _roles("Russia's mission to the UN later posted a reply.")


def test_a_body_named_with_capitals_is_what_the_bare_noun_repeats():
    roles = _roles('The Russian Embassy in Tokyo disagreed. "No," the embassy wrote.')
    assert roles["the embassy"] == "Russian Embassy in Tokyo"
    roles = _roles("Alexander Matsegora, Russian ambassador to the DPRK, came. The ambassador added more.")
    assert roles["The ambassador"] == "Alexander Matsegora"  # an appositive's role describes its name


def test_a_place_or_body_before_a_personal_name_is_not_part_of_it():
    text = ("Russia's ambassador in Seoul Georgy Zinoviev came. The chief of the General Staff Valery Gerasimov "
            "spoke. The Republic of Korea and the Korea Meteorological Administration did not.")
    names = {c.text: c.resolved for c in find_speaker_candidates(text) if c.kind != "role"}
    assert names["Georgy Zinoviev"] == "Georgy Zinoviev" and "Seoul Georgy Zinoviev" not in names
    assert names["Valery Gerasimov"] == "Valery Gerasimov"
    assert "Republic of Korea" in names  # "of Korea" is no personal name
    assert "Korea Meteorological Administration" in names  # an administration is a body


def test_particles_join_a_name():
    text = 'Ursula von der Leyen spoke in Brussels. "Enough," von der Leyen said.'
    resolved = {c.text: c.resolved for c in find_speaker_candidates(text)}
    assert resolved["Ursula von der Leyen"] == "Ursula von der Leyen"
    assert resolved["Leyen"] == "Ursula von der Leyen"


def test_a_common_word_opening_a_quote_is_no_name():
    text = ('Ella Park asked her. "Did they talk?"\n\n"Not for the laboratory. Every launch '
            'matters," Olena Marchuk said. "What Moscow wants is time."')
    names = [c.text for c in find_speaker_candidates(text)]
    assert names == ["Ella Park", "Olena Marchuk", "Moscow"]


def test_a_name_modifying_a_persons_role_is_no_candidate_of_its_own():
    text = ('"The figure is reliable," a senior JCS official said. "No," the KCNA statement said. '
            '"Yes," a pro-Kremlin military blogger wrote.')
    candidates = {c.text: c.resolved for c in find_speaker_candidates(text)}
    assert "JCS" not in candidates and "Kremlin" not in candidates  # the official and the blogger speak
    assert candidates["a senior JCS official"] == "senior JCS official"
    assert candidates["KCNA"] == "KCNA"  # a statement is its issuer's


def test_so_is_a_korean_surname_not_only_a_sentence_opener():
    names = [c.resolved for c in find_speaker_candidates('The envoy spoke. So Se Pyong said "we stand firm."')]
    assert "So Se Pyong" in names


def test_a_month_or_weekday_before_a_name_is_no_part_of_it():
    found = [m.text for m in find_name_mentions("In September Jake Sullivan warned that Theresa May said nothing.")]
    assert found == ["Jake Sullivan", "Theresa May"]


def test_a_bare_plural_with_modifiers_names_its_group():
    roles = _roles("US officials said so. Japanese defence officials and pro-Kremlin commentators disagreed. "
                   "Later the officials spoke again, and the commentators too. Meanwhile analysts waited.")
    assert roles["US officials"] == "US officials"
    assert roles["Japanese defence officials"] == "Japanese defence officials"
    assert roles["pro-Kremlin commentators"] == "pro-Kremlin commentators"
    assert roles["the officials"] == "Japanese defence officials"  # the group it repeats: the latest such one
    assert roles["the commentators"] == "pro-Kremlin commentators"
    assert roles["analysts"] == "analysts"  # "Meanwhile" names no group
    assert "US" not in _roles("US officials said so.").values()


def test_groups_crowd_no_earlier_body_out_of_reach():
    groups = " ".join(f"{n} officials met." for n in ("US", "EU", "NATO", "British", "French", "German", "Japanese",
                                                       "Chinese", "Indian", "Polish", "Swedish", "Finnish", "Danish"))
    roles = _roles(f"The Ministry of Unification spoke. {groups} Then the ministry said more.")
    assert roles["the ministry"] == "Ministry of Unification"


def test_a_role_tail_stops_at_an_auxiliary_verb():
    roles = _roles("Lawmakers on the National Assembly's intelligence committee has warned of it.")
    assert "Lawmakers on the National Assembly's intelligence committee" in roles.values()
