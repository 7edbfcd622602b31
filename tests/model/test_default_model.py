"""The shipped model: quality floors on articles it never saw, bf16 agreement, loading."""

from __future__ import annotations

import pytest

from quotestance.eval.fixtures import read_articles
from quotestance.eval.runner import evaluate
from quotestance.model.defaults import FIXTURES_DIR
from quotestance.model.registry import default_model_available, load_analyzer
from quotestance.model.rules import RuleAnalyzer

pytestmark = pytest.mark.skipif(not default_model_available(), reason="no model shipped in model/default")

#: Floors a little under the shipped model's measured scores (model/default/README.md), so that a
#: regression fails CI. The brief's targets are higher; the model card says where it falls short.
FLOORS = {
    # 19 articles since session 20 (v48: 0.992, 0.862, 0.854, 0.813); nine of them by writers unseen in training
    "test": {"quote_f1": 0.98, "speaker_strict": 0.85, "attribution_f1": 0.84, "stance_macro_f1": 0.80},
    # the seed has 21 quotes and one of them `support`: its stance macro-F1 swings with that one quote
    # (v26, v44 and v48 get it right, 0.754, 0.886 and 0.893; v29, v36 and v47 do not, 0.501 to 0.534)
    "seed": {"quote_f1": 0.95, "speaker_strict": 0.89, "attribution_f1": 0.87, "stance_macro_f1": 0.75},
}
COMPARED = ("quote_f1", "speaker_strict", "attribution_f1", "stance_macro_f1")


@pytest.fixture(scope="module")
def analyzer():
    return load_analyzer("default")


@pytest.fixture(scope="module")
def sets(request):
    from tests.conftest import SEED_DIR

    found = {"test": read_articles([FIXTURES_DIR / "test"])}
    if SEED_DIR.is_dir():
        found["seed"] = read_articles([SEED_DIR])
    return found


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_default_model_keeps_its_floors(analyzer, sets, name):
    if name not in sets:
        pytest.skip(f"{name} set not available")
    metrics = evaluate(sets[name], analyzer).metrics()
    for key, floor in FLOORS[name].items():
        assert metrics[key] >= floor, f"{name} {key} {metrics[key]:.3f} fell under {floor}"


def test_default_model_beats_rules_on_test(analyzer, sets):
    model = evaluate(sets["test"], analyzer).metrics()
    rules = evaluate(sets["test"], RuleAnalyzer()).metrics()
    for key in COMPARED:
        assert model[key] > rules[key], key


def test_default_model_bf16_agrees_with_float32(sets):
    from quotestance.model.pipeline import QuoteAnalyzer

    articles = sets["test"][:3]
    fp32 = QuoteAnalyzer.load(dtype="float32")
    bf16 = QuoteAnalyzer.load(dtype="bfloat16")
    agree = total = 0
    for article in articles:
        a, b = fp32(article.text), bf16(article.text)
        assert [(q.start, q.end) for q in a.quotes] == [(q.start, q.end) for q in b.quotes]
        for qa, qb in zip(a.quotes, b.quotes, strict=True):
            agree += (qa.speaker, qa.stance) == (qb.speaker, qb.stance)
            total += 1
    assert agree / total >= 0.95, f"bf16 agreed with float32 on {agree}/{total} quotes"
