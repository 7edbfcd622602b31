"""The transformer pipeline on a tiny random encoder: train, save, reload, predict the same."""

from __future__ import annotations

import json
import threading

import pytest

from quotestance.model.config import ConfigError, ModelConfig
from quotestance.model.pipeline import QuoteAnalyzer, UnsafeModelError
from quotestance.training.train import TrainConfig, train

TEXTS = [
    '"We are ready," Kim said. "Very ready," he added.',
    "",
    "No quotes in this one.",
    'The minister said the troops were "not going anywhere" and left. "It is a lie," the spokesman said.',
]


@pytest.fixture(scope="module")
def trained(tiny_model_settings, tiny_article, tmp_path_factory):
    config = TrainConfig(synthetic_articles=4, synthetic_dev_articles=2, fixtures=[str(tiny_article)],
                         fixture_repeats=2, dev=[str(tiny_article)], batch_size=2, evaluations=1,
                         model=tiny_model_settings)
    result = train(config)
    path = result.analyzer.save(tmp_path_factory.mktemp("model"))
    return result, path


@pytest.fixture(scope="module")
def tiny_article():
    from tests.conftest import TEST_FIXTURES

    return TEST_FIXTURES / "tiny.json"


def test_pipeline_trains_saves_reloads_and_predicts_the_same(trained):
    result, path = trained
    assert result.steps >= 1 and result.history
    again = QuoteAnalyzer.load(path, dtype="float32")
    for text in TEXTS:
        assert again(text).to_dict() == result.analyzer(text).to_dict()


def test_pipeline_pipe_equals_single_calls(trained):
    analyzer = trained[0].analyzer
    batched = [d.to_dict() for d in analyzer.pipe(TEXTS, batch_size=3, ids=[str(i) for i in range(len(TEXTS))])]
    single = [analyzer(t, id=str(i)).to_dict() for i, t in enumerate(TEXTS)]
    assert batched == single


def test_pipeline_decides_again_from_one_network_pass(trained):
    analyzer = trained[0].analyzer
    scored = list(analyzer.score(TEXTS, ids=[str(i) for i in range(len(TEXTS))]))
    assert [analyzer.decide(s).to_dict() for s in scored] == [d.to_dict() for d in analyzer.pipe(TEXTS)]
    threshold = analyzer.config.quote_threshold
    try:
        for analyzer.config.quote_threshold in (0.01, 0.99):
            again = [analyzer.decide(s) for s in scored]
            assert [d.to_dict() for d in again] == [d.to_dict() for d in analyzer.pipe(TEXTS)]
            kept = [[q.start for q in d.quotes] for d in again]
            assert kept == [[s.encoded.quotes[i].span.start for i in sorted(s.outputs)
                             if s.outputs[i][0] >= analyzer.config.quote_threshold] for s in scored]
    finally:
        analyzer.config.quote_threshold = threshold


def test_pipeline_featurises_ahead_without_reordering_or_losing_errors(trained):
    analyzer = QuoteAnalyzer.load(trained[1])
    docs = analyzer.pipe([*TEXTS, 42, TEXTS[0]], batch_size=2, ids=list("abcdef"))
    assert [next(docs).id for _ in range(4)] == list("abcd")  # the batches before the bad one come out
    with pytest.raises(TypeError, match="is int, expected str"):
        next(docs)
    unfinished = analyzer.pipe(TEXTS * 3, batch_size=1)
    assert next(unfinished).text == TEXTS[0]
    unfinished.close()  # a consumer that stops early leaves no thread behind
    assert not [t for t in threading.enumerate() if t.name.startswith("quotestance-featurise")]


def test_pipeline_output_spans_and_scores_are_valid(trained):
    analyzer = trained[0].analyzer
    for text in TEXTS + ["x " * 400 + '"a long one at the end," she said.']:
        document = analyzer(text).validate()
        for quote in document.quotes:
            assert abs(sum(quote.stance_scores.values()) - 1.0) < 1e-3
            assert quote.stance in quote.stance_scores


def test_pipeline_refuses_pickles(trained, tmp_path):
    _, path = trained
    for item in path.iterdir():
        (tmp_path / item.name).write_bytes(item.read_bytes())
    (tmp_path / "pytorch_model.bin").write_bytes(b"not really")
    with pytest.raises(UnsafeModelError, match="pytorch_model.bin"):
        QuoteAnalyzer.load(tmp_path)


@pytest.mark.parametrize(("version", "message"), [(99, "format_version 99 is newer"),
                                                  (1, "format_version 1 was written by an older")])
def test_pipeline_refuses_other_formats(trained, tmp_path, version, message):
    _, path = trained
    for item in path.iterdir():
        (tmp_path / item.name).write_bytes(item.read_bytes())
    config = json.loads((tmp_path / "config.json").read_text())
    config["format_version"] = version
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(ConfigError, match=message):
        QuoteAnalyzer.load(tmp_path)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("window", 10000, "window must be between"),
    ("stances", ["good", "bad"], "stances must be"),
    ("temperatures", {"quote": 0}, "temperatures need"),
    ("rule_trust", 1.5, "rule_trust must be"),
    ("colour", "red", "unknown config field"),
])
def test_pipeline_config_errors_name_the_field(field, value, message):
    with pytest.raises(ConfigError, match=message):
        ModelConfig.from_dict({field: value})


_NAMED_AFTER = 'Sergei Lavrov left early. "We will not back down," Kim Yo Jong said.'
_INTRO = "Sergei Lavrov left early. Kim Yo Jong, the party spokeswoman, stayed. "


@pytest.mark.parametrize(("text", "lavrov", "rule_trust", "expected", "mention"), [
    (_NAMED_AFTER, 0.6, 0.0, "Sergei Lavrov", "Sergei Lavrov"),  # no override: the network's pick stands
    (_NAMED_AFTER, 0.6, 0.9, "Kim Yo Jong", "Kim Yo Jong"),  # unsure network: the name after the quote wins
    (_NAMED_AFTER, 0.95, 0.9, "Sergei Lavrov", "Sergei Lavrov"),  # sure network: it stands
    (_INTRO + '"We will not back down," the spokeswoman said.', 0.6, 0.9, "Kim Yo Jong", "the spokeswoman"),
    (_INTRO + 'The spokeswoman said they would "not back down".', 0.6, 0.9, "Kim Yo Jong", "The spokeswoman"),
    # a pronoun subject and a name before the quote lost dev quotes when trusted: the network's pick stands
    ('Sergei Lavrov left early. Kim Yo Jong stayed. "We will not back down," she said.', 0.6, 0.9,
     "Sergei Lavrov", "Sergei Lavrov"),
    ('Sergei Lavrov left early. Kim Yo Jong said they would "not back down".', 0.6, 0.9,
     "Sergei Lavrov", "Sergei Lavrov"),
])
def test_pipeline_trusts_a_plain_rule_subject_only_when_unsure(tiny_encoder, tiny_model_settings,
                                                               text, lavrov, rule_trust, expected, mention):
    from quotestance.model.encoder import load_tokenizer
    from quotestance.model.features import Featurizer
    from quotestance.model.pipeline import _choose_speaker

    config = ModelConfig.from_dict(tiny_model_settings)
    quote = Featurizer(load_tokenizer(config.encoder), config).encode(text).quotes[0]
    names = [c.resolved for c in quote.candidates]
    probs = [0.0] + [lavrov if name == "Sergei Lavrov" else (1 - lavrov) / (len(names) - 1) for name in names]
    speaker, span, confidence = _choose_speaker(text, quote, probs, rule_trust)
    assert (speaker, text[span.start:span.end]) == (expected, mention)
    assert confidence == pytest.approx(lavrov)
