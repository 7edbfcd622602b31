"""The network: one shared encoder pass per window, three small heads on top.

- a token tagger whose mean log-odds over a marked span says whether it is a quote;
- an attribution scorer that ranks candidate mentions (or none) for each quote;
- a stance classifier on the quote, its likely speaker (and the side the article places them on)
  and the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from .config import ModelConfig
from .features import IGNORE, QuoteInstance, Window
from .hints import CANDIDATE_HINTS, QUOTE_HINT_PRIORS, QUOTE_HINTS, SIDE_HINTS


@dataclass
class ModelBatch:
    """Padded tensors for a batch of windows and the quotes placed in them."""

    input_ids: torch.Tensor  # [B, T]
    attention_mask: torch.Tensor  # [B, T]
    quote_window: torch.Tensor  # [Q]
    quote_start: torch.Tensor  # [Q]
    quote_end: torch.Tensor  # [Q]
    cand_start: torch.Tensor  # [Q, K]
    cand_end: torch.Tensor  # [Q, K]
    cand_distance: torch.Tensor  # [Q, K]
    cand_mask: torch.Tensor  # [Q, K]
    cand_hints: torch.Tensor  # [Q, K, len(CANDIDATE_HINTS)]
    quote_hints: torch.Tensor  # [Q, len(QUOTE_HINTS)]
    tag_labels: torch.Tensor | None = None  # [B, T]
    is_quote: torch.Tensor | None = None  # [Q]
    speaker_targets: torch.Tensor | None = None  # [Q, K + 1], column 0 = no speaker
    speaker_known: torch.Tensor | None = None  # [Q]
    stance: torch.Tensor | None = None  # [Q]

    def to(self, device: torch.device | str) -> ModelBatch:
        """The same batch on another device (a no-op on the CPU)."""
        moved = {name: value.to(device) if isinstance(value, torch.Tensor) else value
                 for name, value in self.__dict__.items()}
        return ModelBatch(**moved)


@dataclass
class ModelOutput:
    """Raw scores per window and per quote; `loss` only when labels were given."""

    quote_logits: torch.Tensor  # [Q]
    speaker_logits: torch.Tensor  # [Q, K + 1]
    stance_logits: torch.Tensor  # [Q, S]
    loss: torch.Tensor | None = None
    losses: dict[str, float] | None = None


def collate(items: Sequence[tuple[Window, Sequence[QuoteInstance]]], pad_id: int, labels: bool,
            pad_to: int | None = None) -> ModelBatch:
    """Pad windows (to the longest, or to `pad_to`) and their quotes into one batch.

    Quotes index their window by batch row.
    """
    # Build plain padded lists first and convert once: per-element tensor writes dominate otherwise.
    length = max([len(w.input_ids) for w, _ in items] + [pad_to or 0])
    ids = torch.tensor([w.input_ids + [pad_id] * (length - len(w.input_ids)) for w, _ in items], dtype=torch.long)
    mask = torch.tensor([[1] * len(w.input_ids) + [0] * (length - len(w.input_ids)) for w, _ in items],
                        dtype=torch.long)
    quotes = [(row, q) for row, (_, qs) in enumerate(items) for q in qs]
    k = max([len(q.candidates) for _, q in quotes] + [1])
    rows = [[[s, e, d] for (s, e), d in zip(q.candidate_positions, q.candidate_distances, strict=True)]
            + [[0, 0, 0]] * (k - len(q.candidates)) for _, q in quotes]
    cand = torch.tensor(rows, dtype=torch.long).reshape(len(quotes), k, 3)
    no_hints = [0.0] * len(CANDIDATE_HINTS)
    cand_hints = torch.tensor([q.candidate_hints + [no_hints] * (k - len(q.candidates)) for _, q in quotes],
                              dtype=torch.float32).reshape(len(quotes), k, len(CANDIDATE_HINTS))
    quote_hints = torch.tensor([q.quote_hints for _, q in quotes], dtype=torch.float32).reshape(len(quotes),
                                                                                               len(QUOTE_HINTS))
    cand_mask = torch.tensor([[True] * len(q.candidates) + [False] * (k - len(q.candidates)) for _, q in quotes],
                             dtype=torch.bool).reshape(len(quotes), k)
    batch = ModelBatch(
        input_ids=ids, attention_mask=mask,
        quote_window=torch.tensor([row for row, _ in quotes], dtype=torch.long),
        quote_start=torch.tensor([q.start for _, q in quotes], dtype=torch.long),
        quote_end=torch.tensor([q.end for _, q in quotes], dtype=torch.long),
        cand_start=cand[..., 0], cand_end=cand[..., 1], cand_distance=cand[..., 2], cand_mask=cand_mask,
        cand_hints=cand_hints, quote_hints=quote_hints,
    )
    if labels:
        _add_labels(batch, items, [q for _, q in quotes], length, k)
    return batch


def _add_labels(batch: ModelBatch, items: Sequence[tuple[Window, Sequence[QuoteInstance]]],
                quotes: list[QuoteInstance], length: int, k: int) -> None:
    tags = torch.full((len(items), length), IGNORE, dtype=torch.long)
    for row, (window, _) in enumerate(items):
        if window.tag_labels is not None:
            tags[row, : len(window.tag_labels)] = torch.tensor(window.tag_labels)
    targets = torch.zeros((len(quotes), k + 1), dtype=torch.bool)
    known = torch.zeros(len(quotes), dtype=torch.bool)
    for i, quote in enumerate(quotes):
        if quote.positives is not None:
            known[i] = True
            targets[i, 0] = quote.null_speaker
            targets[i, 1 : 1 + len(quote.positives)] = torch.tensor(quote.positives, dtype=torch.bool)
    batch.tag_labels = tags
    batch.is_quote = torch.tensor([q.is_quote for q in quotes], dtype=torch.long)
    batch.speaker_targets = targets
    batch.speaker_known = known
    batch.stance = torch.tensor([q.stance for q in quotes], dtype=torch.long)


def _span_mean(prefix: torch.Tensor, rows: torch.Tensor, start: torch.Tensor, end: torch.Tensor) -> torch.Tensor:
    """Mean of positions [start, end) of `rows`, from prefix sums padded with a leading zero."""
    total = prefix[rows, end] - prefix[rows, start]
    return total / (end - start).clamp(min=1).unsqueeze(-1).to(total.dtype)


def _mlp(inputs: int, hidden: int, outputs: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(inputs, hidden), nn.GELU(), nn.Linear(hidden, outputs))


class QuoteStanceNetwork(nn.Module):
    """Encoder plus tagger, attribution scorer and stance classifier."""

    def __init__(self, encoder: nn.Module, config: ModelConfig, stance_smoothing: float = 0.0) -> None:
        super().__init__()
        self.stance_smoothing = stance_smoothing  # training only: label smoothing of the stance loss
        size, head = config.hidden_size, config.head_size
        self.config = config
        self.encoder = encoder
        self.tagger = nn.Linear(size, 2)
        self.distance = nn.Embedding(2 * config.distance_buckets, config.distance_dim)
        self.pair = _mlp(3 * size + config.distance_dim + len(CANDIDATE_HINTS), head, 1)
        self.no_speaker = _mlp(size + len(QUOTE_HINTS), head, 1)
        self.quote_hints = nn.Linear(len(QUOTE_HINTS), 1)
        nn.init.zeros_(self.quote_hints.bias)
        with torch.no_grad():  # start from the tagger plus what the hints are known to say
            self.quote_hints.weight.copy_(torch.tensor([[QUOTE_HINT_PRIORS.get(h, 0.0) for h in QUOTE_HINTS]]))
        self.stance_focus = nn.Linear(size, 1)  # which words of a quote carry its stance
        pools = 4
        if config.stance_context:
            self.context_focus = nn.Linear(size, 1)  # which words around it do ("shot back", "unimpressed")
            pools += 1
        self.stance = _mlp(pools * size + len(SIDE_HINTS), head, len(config.stances))

    def forward(self, batch: ModelBatch) -> ModelOutput:
        hidden = self.encoder(input_ids=batch.input_ids, attention_mask=batch.attention_mask).last_hidden_state
        hidden = hidden.float()
        tag_logits = self.tagger(hidden).float()
        log_odds = tag_logits[..., 1] - tag_logits[..., 0]
        prefix = F.pad(hidden.cumsum(1), (0, 0, 1, 0))
        odds_prefix = F.pad(log_odds.cumsum(1), (1, 0)).unsqueeze(-1)
        rows = batch.quote_window
        hint_logits = self.quote_hints(batch.quote_hints.to(log_odds.dtype)).squeeze(-1)
        quote_logits = _span_mean(odds_prefix, rows, batch.quote_start, batch.quote_end).squeeze(-1) + hint_logits
        quote = _span_mean(prefix, rows, batch.quote_start, batch.quote_end)
        cand_rows = rows.unsqueeze(1).expand_as(batch.cand_start)
        cand = _span_mean(prefix, cand_rows, batch.cand_start, batch.cand_end.clamp(min=1))
        speaker_logits = self._speaker_logits(quote, cand, batch)
        weights = speaker_logits.softmax(-1)[:, 1:].unsqueeze(-1)
        speaker = (weights * cand).sum(1)
        pooled = [quote, self._focused(hidden, self.stance_focus, rows, batch.quote_start, batch.quote_end), speaker,
                  hidden[rows, 0]]
        if self.config.stance_context:
            pooled.append(self._context(hidden, rows, batch))
        side = (weights * batch.cand_hints[..., -len(SIDE_HINTS) :].to(weights.dtype)).sum(1)  # the likely speaker's
        stance_input = torch.cat([*pooled, side.to(quote.dtype)], -1)
        stance_logits = self.stance(stance_input).float()
        output = ModelOutput(quote_logits, speaker_logits, stance_logits)
        if batch.tag_labels is not None:
            self._add_loss(output, tag_logits, batch)
        return output

    def _context(self, hidden: torch.Tensor, rows: torch.Tensor, batch: ModelBatch) -> torch.Tensor:
        """Attention-pooled surroundings of the quote (itself included), within the window's words."""
        reach = self.config.stance_context
        last = batch.attention_mask.sum(1)[rows] - 1  # the [SEP] position
        start = (batch.quote_start - reach).clamp(min=1)
        end = torch.minimum(batch.quote_end + reach, last).clamp(min=1)
        return self._focused(hidden, self.context_focus, rows, start, end)

    def _focused(self, hidden: torch.Tensor, scorer: nn.Module, rows: torch.Tensor, start: torch.Tensor,
                 end: torch.Tensor) -> torch.Tensor:
        """Attention-pooled span: "violation" or "welcome" can outweigh the words around them.

        The weights go into a [Q, B*T] matrix, mostly zeros, so that one matrix product pools
        every quote without copying its window's hidden states once per quote.
        """
        batch, length, _ = hidden.shape
        positions = torch.arange(length, device=hidden.device)
        inside = (positions >= start.unsqueeze(1)) & (positions < end.clamp(min=start + 1).unsqueeze(1))
        scores = scorer(hidden).squeeze(-1).float()[rows]
        weights = scores.masked_fill(~inside, torch.finfo(torch.float32).min).softmax(-1)
        spread = weights.new_zeros(len(rows), batch, length)
        spread[torch.arange(len(rows), device=hidden.device), rows] = weights
        return spread.flatten(1).to(hidden.dtype) @ hidden.flatten(0, 1)

    def _speaker_logits(self, quote: torch.Tensor, cand: torch.Tensor, batch: ModelBatch) -> torch.Tensor:
        expanded = quote.unsqueeze(1).expand_as(cand)
        hints = batch.cand_hints.to(cand.dtype)
        pair = torch.cat([expanded, cand, expanded * cand, self.distance(batch.cand_distance), hints], -1)
        # float32 before masking: under bf16 autocast the mask value would overflow
        scores = self.pair(pair).squeeze(-1).float().masked_fill(~batch.cand_mask, torch.finfo(torch.float32).min)
        no_speaker = self.no_speaker(torch.cat([quote, batch.quote_hints.to(quote.dtype)], -1))
        return torch.cat([no_speaker.float(), scores], -1)

    def _add_loss(self, output: ModelOutput, tag_logits: torch.Tensor, batch: ModelBatch) -> None:
        losses = {"tag": F.cross_entropy(tag_logits.reshape(-1, 2), batch.tag_labels.reshape(-1),
                                         ignore_index=IGNORE)}
        keep = batch.is_quote != IGNORE
        if keep.any():
            losses["quote"] = F.binary_cross_entropy_with_logits(output.quote_logits[keep],
                                                                 batch.is_quote[keep].float())
        known = batch.speaker_known
        if known.any():
            logits, targets = output.speaker_logits[known], batch.speaker_targets[known]
            gold = logits.masked_fill(~targets, torch.finfo(torch.float32).min).logsumexp(-1)
            losses["speaker"] = (logits.logsumexp(-1) - gold).mean()
        if (batch.stance != IGNORE).any():
            losses["stance"] = F.cross_entropy(output.stance_logits, batch.stance, ignore_index=IGNORE,
                                               label_smoothing=self.stance_smoothing)
        losses = {k: v for k, v in losses.items() if torch.isfinite(v)}
        output.loss = sum(losses.values()) if losses else None  # a batch may hold nothing to learn
        output.losses = {k: float(v.detach()) for k, v in losses.items()}
