"""Training options: batches group windows of similar length, deterministically; options are checked."""

import pytest

from quotestance.model.config import ConfigError, ModelConfig
from quotestance.model.encoder import load_encoder
from quotestance.model.features import Window
from quotestance.model.network import QuoteStanceNetwork
from quotestance.training.train import TrainConfig, _length_grouped_order


def _items(lengths):
    return [(Window(list(range(n)), 0, n), []) for n in lengths]


def test_batches_hold_similar_lengths_and_each_item_once_per_pass():
    lengths = [(i * 37) % 380 + 4 for i in range(1000)]
    config = TrainConfig(synthetic_articles=0, batch_size=16, fixtures=[], dev=[])
    order = _length_grouped_order(_items(lengths), config, epochs=2)
    first_pass = order[: len(order) // 2]
    assert len(first_pass) == 992 and len(set(first_pass)) == 992  # 1000 rounded down to whole batches
    batches = [order[i : i + 16] for i in range(0, len(order), 16)]
    used = sum(sum(lengths[i] for i in b) for b in batches) / sum(16 * max(lengths[i] for i in b) for b in batches)
    assert used > 0.9  # random batches of these lengths use about half of their padded tokens
    assert order == _length_grouped_order(_items(lengths), config, epochs=2)
    assert order != _length_grouped_order(_items(lengths), TrainConfig(synthetic_articles=0, seed=14, fixtures=[],
                                                                       dev=[]), epochs=2)


def test_stance_label_smoothing_is_checked_and_reaches_the_network(tiny_model_settings):
    with pytest.raises(ConfigError, match="stance_label_smoothing"):
        TrainConfig(synthetic_articles=0, fixtures=[], dev=[], stance_label_smoothing=1.0)
    config = ModelConfig(**tiny_model_settings)
    assert QuoteStanceNetwork(load_encoder(config, training=True), config, 0.1).stance_smoothing == 0.1


def test_selection_counts_hand_written_dev_twice():
    from quotestance.training.train import selection_score

    dev = {"quote_f1": 1.0, "attribution_f1": 0.9, "stance_macro_f1": 0.8}
    synthetic = {"quote_f1": 1.0, "attribution_f1": 0.6, "stance_macro_f1": 0.5}
    assert selection_score({"dev": dev, "synthetic_dev": synthetic}) == pytest.approx((2 * 0.9 + 0.7) / 3)
    assert selection_score({"dev": None, "synthetic_dev": synthetic}) == pytest.approx(0.7)  # a config without dev
    assert selection_score({"dev": None, "synthetic_dev": None}) == 0.0


def test_weight_average_tracks_the_live_weights_and_swaps_back(tiny_model_settings):
    import torch

    from quotestance.training.train import WeightAverage

    with pytest.raises(ConfigError, match="ema_decay"):
        TrainConfig(synthetic_articles=0, fixtures=[], dev=[], ema_decay=1.0)
    config = ModelConfig(**tiny_model_settings)
    network = QuoteStanceNetwork(load_encoder(config, training=True), config)
    weight = network.tagger.weight
    start = weight.detach().clone()
    average = WeightAverage(network, decay=0.5)
    assert not average.ready  # nothing averaged yet: training evaluates only the live weights
    average.update()  # the first update copies the live weights
    assert average.ready
    with torch.no_grad():
        weight.add_(1.0)
    average.update()
    average.swap()
    assert torch.allclose(weight, start + 0.5)  # halfway between the two steps
    average.swap()
    assert torch.allclose(weight, start + 1.0)  # the live weights are back


def test_training_with_an_average_scores_both_weights(tiny_model_settings):
    from quotestance.training.train import train
    from tests.conftest import TEST_FIXTURES

    tiny = str(TEST_FIXTURES / "tiny.json")
    config = TrainConfig(synthetic_articles=4, synthetic_dev_articles=2, fixtures=[tiny], fixture_repeats=2,
                         dev=[tiny], batch_size=2, evaluations=2, ema_decay=0.9, model=tiny_model_settings)
    result = train(config)
    assert [(h["step"], h["weights"]) for h in result.history] == [
        (s, w) for s in sorted({h["step"] for h in result.history}) for w in ("live", "average")]
    assert result.best_score == max(h["selection"] for h in result.history)
