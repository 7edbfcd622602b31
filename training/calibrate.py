"""Make confidences mean something: temperature scaling per head, fitted on dev.

A temperature divides a head's logits; it changes no decision (argmax and the 0.5 quote
threshold stay put) but makes "0.9" right about nine times in ten. Expected calibration
error (ECE, 10 equal-width bins) is reported before and after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from quotestance.eval.fixtures import GoldArticle
from quotestance.model.document import Document
from quotestance.model.features import IGNORE
from quotestance.model.network import ModelOutput, collate
from quotestance.model.pipeline import QuoteAnalyzer

TEMPERATURE_GRID = [round(0.25 + 0.05 * i, 2) for i in range(96)]  # 0.25 ... 5.0


@dataclass
class HeadLogits:
    """Logits and labels of one head on dev, ready for fitting."""

    logits: torch.Tensor
    targets: torch.Tensor  # binary labels, or a [N, C] mask of correct classes


def collect_logits(analyzer: QuoteAnalyzer, articles: Sequence[GoldArticle]) -> dict[str, HeadLogits]:
    """Run the network over labelled dev windows and keep each head's logits with their labels."""
    quote, quote_y, speaker, speaker_y, stance, stance_y = [], [], [], [], [], []
    for article in articles:
        for window, quotes in analyzer.featurizer.encode(article.text, article).window_items():
            if not quotes:
                continue
            batch = collate([(window, quotes)], analyzer.tokenizer.pad_token_id or 0, labels=True).to(analyzer.device)
            with torch.inference_mode():
                out = analyzer.network(batch)
            out, batch = _cpu(out), batch.to("cpu")
            keep = batch.is_quote != IGNORE
            quote.append(out.quote_logits[keep])
            quote_y.append(batch.is_quote[keep].float())
            known = batch.speaker_known
            speaker += list(out.speaker_logits[known])
            speaker_y += list(batch.speaker_targets[known])
            labelled = batch.stance != IGNORE
            stance.append(out.stance_logits[labelled])
            stance_y.append(batch.stance[labelled])
    stance_logits = torch.cat(stance) if stance else torch.zeros((0, 3))
    stance_labels = torch.cat(stance_y) if stance_y else torch.zeros(0, dtype=torch.long)
    return {
        "quote": HeadLogits(torch.cat(quote), torch.cat(quote_y)),
        "speaker": _pad_rows(speaker, speaker_y),
        "stance": HeadLogits(stance_logits, torch.nn.functional.one_hot(stance_labels, 3).bool()),
    }


def _cpu(output: ModelOutput) -> ModelOutput:
    return ModelOutput(output.quote_logits.float().cpu(), output.speaker_logits.float().cpu(),
                       output.stance_logits.float().cpu())


def _pad_rows(logits: list[torch.Tensor], targets: list[torch.Tensor]) -> HeadLogits:
    width = max([len(x) for x in logits] + [1])
    low = torch.finfo(torch.float32).min
    padded = torch.full((len(logits), width), low)
    mask = torch.zeros((len(logits), width), dtype=torch.bool)
    for i, (row, target) in enumerate(zip(logits, targets, strict=True)):
        padded[i, : len(row)] = row
        mask[i, : len(target)] = target
    return HeadLogits(padded, mask)


def _probs(head: HeadLogits, temperature: float) -> torch.Tensor:
    if head.targets.dim() == 1:
        return torch.sigmoid(head.logits / temperature)
    return (head.logits / temperature).softmax(-1)


def nll(head: HeadLogits, temperature: float) -> float:
    probs = _probs(head, temperature).clamp(1e-7, 1 - 1e-7)
    if head.targets.dim() == 1:
        y = head.targets
        return float(-(y * probs.log() + (1 - y) * (1 - probs).log()).mean())
    return float(-(probs * head.targets).sum(-1).clamp(min=1e-7).log().mean())


def ece(head: HeadLogits, temperature: float, bins: int = 10) -> float:
    """Expected calibration error of the predicted class's confidence."""
    probs = _probs(head, temperature)
    if head.targets.dim() == 1:
        confidence = torch.maximum(probs, 1 - probs)
        correct = ((probs >= 0.5).float() == head.targets).float()
    else:
        confidence, predicted = probs.max(-1)
        correct = head.targets.gather(1, predicted.unsqueeze(1)).squeeze(1).float()
    return binned_ece(confidence, correct, bins)


def binned_ece(confidence: torch.Tensor, correct: torch.Tensor, bins: int = 10) -> float:
    """Share-weighted gap between mean confidence and accuracy over equal-width confidence bins."""
    if len(confidence) == 0:
        return 0.0
    error = 0.0
    for b in range(bins):
        inside = (confidence > b / bins) & (confidence <= (b + 1) / bins)
        if inside.any():
            error += inside.float().mean() * abs(confidence[inside].mean() - correct[inside].mean())
    return float(error)


def reported_ece(articles: Sequence[GoldArticle], documents: Sequence[Document]) -> dict[str, float]:
    """ECE of the confidences a user reads, on the gold quotes the pipeline finds.

    The head-level figures score one candidate mention at a time; a document reports a speaker's
    probability summed over all its mentions (and `rule_trust` may change the pick), and the
    stance score of the label it gives.
    """
    from quotestance.eval.errors import quote_outcomes

    found = [o for o in quote_outcomes(articles, documents) if o.predicted is not None]
    attributed = [o for o in found if not o.gold.speaker_optional]
    return {
        "speaker": binned_ece(torch.tensor([o.predicted.confidence["speaker"] for o in attributed]),
                              torch.tensor([float(not o.misattributed) for o in attributed])),
        "stance": binned_ece(torch.tensor([max(o.predicted.stance_scores.values()) for o in found]),
                             torch.tensor([float(o.predicted.stance == o.gold.stance) for o in found])),
    }


def fit_temperatures(heads: dict[str, HeadLogits]) -> dict[str, dict[str, float]]:
    """Pick each head's temperature by dev NLL; report ECE before (T=1) and after."""
    report = {}
    for name, head in heads.items():
        best = min(TEMPERATURE_GRID, key=lambda t: nll(head, t)) if len(head.logits) else 1.0
        report[name] = {"temperature": best, "ece_before": round(ece(head, 1.0), 4),
                        "ece_after": round(ece(head, best), 4), "n": len(head.logits)}
    return report
