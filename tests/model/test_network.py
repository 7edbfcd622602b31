"""The network's own pieces: where training starts, and stance pooling that stays where it belongs."""

from __future__ import annotations

import pytest
import torch

from quotestance.model.config import ModelConfig
from quotestance.model.encoder import load_encoder
from quotestance.model.hints import QUOTE_HINT_PRIORS, QUOTE_HINTS
from quotestance.model.network import QuoteStanceNetwork


@pytest.fixture()
def network(tiny_model_settings) -> QuoteStanceNetwork:
    config = ModelConfig(**tiny_model_settings)
    return QuoteStanceNetwork(load_encoder(config, training=True), config)


def test_quote_hints_start_from_their_priors(network):
    weights = dict(zip(QUOTE_HINTS, network.quote_hints.weight[0].tolist(), strict=True))
    assert weights["rule_non_quote"] == pytest.approx(QUOTE_HINT_PRIORS["rule_non_quote"])
    assert weights["rule_non_quote"] < 0  # a quoted term pulls the span towards "not a quote"
    assert all(weights[h] == 0.0 for h in QUOTE_HINTS if h not in QUOTE_HINT_PRIORS)


def test_stance_pooling_reads_only_its_own_quote(network):
    torch.manual_seed(0)
    hidden = torch.randn(2, 6, 32)
    rows, start, end = torch.tensor([1, 0]), torch.tensor([2, 1]), torch.tensor([3, 4])
    with torch.no_grad():
        pooled = network._focused(hidden, network.stance_focus, rows, start, end)
        assert torch.allclose(pooled[0], hidden[1, 2], atol=1e-6)  # a one-wordpiece quote is that wordpiece
        span = hidden[0, 1:4]
        weights = network.stance_focus(span).squeeze(-1).softmax(-1)
        assert torch.allclose(pooled[1], weights @ span, atol=1e-6)


def test_stance_context_reads_around_the_quote_but_not_past_the_window(network):
    from quotestance.model.network import ModelBatch

    reach = network.config.stance_context
    torch.manual_seed(0)
    hidden = torch.randn(1, 40, 32)
    mask = torch.tensor([[1] * 30 + [0] * 10])  # [CLS] + 28 wordpieces + [SEP], then padding
    batch = ModelBatch(input_ids=torch.zeros(1, 40, dtype=torch.long), attention_mask=mask,
                       quote_window=torch.tensor([0, 0]), quote_start=torch.tensor([3, 25]),
                       quote_end=torch.tensor([5, 27]), cand_start=None, cand_end=None, cand_distance=None,
                       cand_mask=None, cand_hints=None, quote_hints=None)
    with torch.no_grad():
        pooled = network._context(hidden, batch.quote_window, batch)
        for row, (start, end) in enumerate([(1, 5 + reach), (25 - reach, 29)]):  # never [CLS], [SEP] or padding
            span = hidden[0, start:end]
            weights = network.context_focus(span).squeeze(-1).softmax(-1)
            assert torch.allclose(pooled[row], weights @ span, atol=1e-6)
