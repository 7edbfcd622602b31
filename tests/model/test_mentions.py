"""Speaker candidates and how they resolve to the fullest form the article gives."""

from quotestance.model.mentions import find_speaker_candidates


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


def test_names_resolve_to_their_fullest_form():
    resolved = [c.resolved for c in find_speaker_candidates("Sabrina Singh spoke. Singh left later.")]
    assert resolved.count("Sabrina Singh") == 2
