"""Calibration: temperatures that undo overconfidence, and ECE of what a document reports."""

import pytest
import torch

from quotestance.training.calibrate import HeadLogits, binned_ece, ece, fit_temperatures, reported_ece


def test_binned_ece_is_the_gap_between_confidence_and_accuracy():
    confidence = torch.tensor([0.9] * 10)
    assert binned_ece(confidence, torch.tensor([1.0] * 9 + [0.0])) == pytest.approx(0.0)
    assert binned_ece(confidence, torch.tensor([1.0] * 5 + [0.0] * 5)) == pytest.approx(0.4)
    assert binned_ece(torch.tensor([]), torch.tensor([])) == 0.0


def test_a_head_three_times_too_sure_gets_a_temperature_near_three():
    generator = torch.Generator().manual_seed(0)
    true_logits = torch.randn(4000, generator=generator) * 2
    labels = (torch.rand(4000, generator=generator) < torch.sigmoid(true_logits)).float()
    head = HeadLogits(true_logits * 3, labels)
    report = fit_temperatures({"quote": head})["quote"]
    assert 2.6 <= report["temperature"] <= 3.4
    assert report["ece_after"] < report["ece_before"] / 2
    assert ece(head, report["temperature"]) == pytest.approx(report["ece_after"], abs=1e-4)


def test_reported_ece_scores_the_confidences_a_document_gives(scored_case):
    gold, predicted = scored_case
    for quote, (speaker, top) in zip(predicted.quotes, [(0.9, 0.8), (0.9, 0.6), (0.6, 0.7), (0.5, 0.5)],
                                     strict=True):
        quote.confidence["speaker"] = speaker
        quote.stance_scores = {"support": 0.0, "oppose": 0.0, "neutral": 0.0, quote.stance: top}

    errors = reported_ece([gold], [predicted])
    # speakers of "One," (0.9, right), "Two," (0.9, wrong), "Four," (0.6, right); "Five," is optional
    assert errors["speaker"] == pytest.approx(2 / 3 * abs(0.9 - 0.5) + 1 / 3 * abs(0.6 - 1.0))
    # stances: "One," 0.8 right, "Two," 0.6 right, "Four," 0.7 wrong
    assert errors["stance"] == pytest.approx(1 / 3 * 0.2 + 1 / 3 * 0.4 + 1 / 3 * 0.7)


def test_rule_trust_is_fitted_to_the_best_dev_selection_score_lowest_on_ties(scored_case):
    from types import SimpleNamespace

    from quotestance.model.document import Document
    from quotestance.training.train import fit_rule_trust

    gold, predicted = scored_case

    class ByTrust:  # right speakers only at rule_trust 0.7; 0.0 and 0.5 tie below it
        network = torch.nn.Module()
        config = SimpleNamespace(rule_trust=0.9)
        passes = 0

        def score(self, texts, batch_size=8, ids=None):
            self.passes += 1
            return iter(list(texts))

        def decide(self, text):
            quotes = [q for q in predicted.quotes]
            if self.config.rule_trust == 0.7:
                quotes = [type(q)(q.text, q.start, q.end, g.speaker, stance=q.stance)
                          for q, g in zip(quotes, [gold.quotes[0], gold.quotes[1], gold.quotes[3], gold.quotes[4]],
                                          strict=True)]
            return Document(predicted.id, text, quotes)

    analyzer = ByTrust()
    scores = fit_rule_trust(analyzer, [gold], [])
    assert analyzer.config.rule_trust == 0.7 and scores[0.7] > scores[0.0] == scores[0.5] == scores[0.9]
    assert analyzer.passes == 2  # one network pass per set (dev, synthetic-dev), not one per grid value
    analyzer.decide = lambda text: predicted
    fit_rule_trust(analyzer, [gold], [])
    assert analyzer.config.rule_trust == 0.0  # all equal: trust the rules least
