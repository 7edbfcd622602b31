"""`QuoteAnalyzer`: load a fine-tuned model, run it over texts, save it back.

A saved model is a folder of plain files: `config.json`, `model.safetensors` (the fine-tuned
upper encoder layers and the heads), the tokenizer files and a `README.md` model card. The
lower encoder layers come from the pip-installed base encoder, so nothing is downloaded.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from .batch import DatasetMixin
from .config import ConfigError, ModelConfig
from .defaults import DEFAULT_MODEL_DIR
from .document import Document, Quote, Span
from .encoder import base_encoder_state, load_encoder, load_tokenizer, resolve_dtype
from .features import EncodedArticle, Featurizer, QuoteInstance, Window
from .hints import CANDIDATE_HINTS
from .mentions import normalize_name
from .network import ModelOutput, QuoteStanceNetwork, collate
from .registry import texts_with_ids
from .weights import pack, unpack

logger = logging.getLogger(__name__)

WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
#: Windows are padded to a multiple of this many wordpieces (see `_analyse`).
PAD_MULTIPLE = 64
#: The candidate hints that say how the rules reached their speaker (see `_trusted_rule_speaker`).
_RULE = {name: CANDIDATE_HINTS.index(f"rule_{name}") for name in (
    "speaker", "speaker_named", "speaker_pronoun", "speaker_cue_after", "speaker_no_cue", "mention")}
#: Files that can run code when loaded; a model folder holding any of them is refused.
UNSAFE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt")


class UnsafeModelError(ValueError):
    """A model folder that holds pickled files, which could run code when loaded."""


def _trained_keys(network: QuoteStanceNetwork) -> list[str]:
    """State-dict keys that are fine-tuned and saved: upper encoder layers and all heads."""
    first = network.config.first_trained_layer
    trained = [f"encoder.encoder.layer.{i}." for i in range(first, network.config.num_layers)]
    return [k for k in network.state_dict() if not k.startswith("encoder.") or k.startswith(tuple(trained))]


def check_model_folder(path: Path) -> None:
    """Refuse folders with pickles or without the expected files, saying what is wrong."""
    if not path.is_dir():
        raise FileNotFoundError(f"model folder {path} does not exist")
    unsafe = sorted(p.name for p in path.iterdir() if p.suffix.lower() in UNSAFE_SUFFIXES)
    if unsafe:
        raise UnsafeModelError(
            f"{path} holds {', '.join(unsafe)}: pickled files can run code when loaded, so quotestance "
            f"only reads {WEIGHTS_FILE} and JSON; remove them or re-save the model with quotestance"
        )
    for name in (CONFIG_FILE, WEIGHTS_FILE):
        if not (path / name).is_file():
            raise FileNotFoundError(f"{path} is not a quotestance model: {name} is missing")


@dataclass
class Scored:
    """One text after the network: its candidate quotes and their calibrated head probabilities.

    No decision is taken yet: `QuoteAnalyzer.decide` applies the analyzer's current
    `quote_threshold` and `rule_trust`, so trying other settings costs no second encoder pass.
    """

    id: str
    encoded: EncodedArticle
    #: Quote index -> (quote probability, speaker probabilities [none, candidates...], stance probabilities).
    outputs: dict[int, tuple[float, list[float], list[float]]] = field(default_factory=dict)
    by_window: dict[int, list[int]] = field(default_factory=dict)  # window -> indices of the quotes it scores


class QuoteAnalyzer(DatasetMixin):
    """Finds quotes, attributes them and labels their stance with a fine-tuned encoder.

    Example:
        >>> analyzer = QuoteAnalyzer.load()  # doctest: +SKIP
        >>> analyzer('"It is lawful," Zinoviev said.').quotes[0].speaker  # doctest: +SKIP
        'Zinoviev'
    """

    def __init__(self, network: QuoteStanceNetwork, tokenizer: Any, config: ModelConfig,
                 dtype: torch.dtype = torch.float32, name: str = "transformer", window_batch: int = 16) -> None:
        self.network = network.eval()
        self.tokenizer = tokenizer
        self.config = config
        self.featurizer = Featurizer(tokenizer, config)
        self.dtype = dtype
        self.name = name
        self.window_batch = window_batch
        if dtype != torch.float32:
            self.network.encoder.to(dtype)

    # -- loading and saving ------------------------------------------------------------------
    @property
    def device(self) -> torch.device:
        """Where the network lives; move it with `analyzer.network.to(device)`."""
        return next(self.network.parameters()).device

    @classmethod
    def load(cls, path: str | Path | None = None, dtype: str = "auto") -> QuoteAnalyzer:
        """Load a saved model folder (default: the shipped model); never touches the network."""
        path = Path(path) if path is not None else DEFAULT_MODEL_DIR
        check_model_folder(path)
        try:
            config = ModelConfig.from_dict(json.loads((path / CONFIG_FILE).read_text(encoding="utf-8")))
        except json.JSONDecodeError as error:
            raise ConfigError(f"{path / CONFIG_FILE} is not valid JSON: {error}") from None
        tokenizer = load_tokenizer(path if (path / "tokenizer.json").is_file() else config.encoder)
        network = QuoteStanceNetwork(load_encoder(config, training=False), config)
        _load_weights(network, path / WEIGHTS_FILE)
        return cls(network, tokenizer, config, resolve_dtype(dtype), name=str(path))

    def save(self, path: str | Path) -> Path:
        """Write config, weights (encoder layers as int8 deltas from the base, heads in float32) and tokenizer."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        state = self.network.state_dict()
        tensors = {key: state[key].detach().to("cpu") for key in _trained_keys(self.network)}
        base = {f"encoder.{k}": v for k, v in base_encoder_state(self.config).items()}
        save_file(pack(tensors, base), str(path / WEIGHTS_FILE),
                  metadata={"format": "pt", "quotestance_format": str(self.config.format_version)})
        (path / CONFIG_FILE).write_text(json.dumps(self.config.to_dict(), indent=2) + "\n", encoding="utf-8")
        self.tokenizer.save_pretrained(str(path))
        return path

    # -- analysis ------------------------------------------------------------------------------
    def __call__(self, text: str, id: str = "doc") -> Document:
        return next(self.pipe([text], batch_size=1, ids=[id]))

    def pipe(self, texts: Iterable[str], batch_size: int = 8, ids: Iterable[str] | None = None) -> Iterator[Document]:
        """Analyse texts in input order, `batch_size` texts at a time; windows of similar length share a pass."""
        with closing(self.score(texts, batch_size, ids)) as scored:  # a consumer that stops early stops the helper
            for item in scored:
                yield self.decide(item)

    def score(self, texts: Iterable[str], batch_size: int = 8, ids: Iterable[str] | None = None) -> Iterator[Scored]:
        """Run the network over texts in input order; `decide` turns each result into a Document.

        The next batch is featurised on a helper thread while the encoder runs on this one: the
        featuriser is pure Python and the encoder's kernels release the GIL.
        """
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="quotestance-featurise") as pool:
            previous: Future[list[Scored]] | None = None
            chunks = _chunks(texts, ids, batch_size)
            while True:
                try:
                    chunk, chunk_ids = next(chunks)
                except StopIteration:
                    break
                except Exception:  # a bad text or id: the batches before it still come out, then the error
                    if previous is not None:
                        yield from self._analyse(previous.result())
                    raise
                future = pool.submit(self._prepare, chunk, chunk_ids)
                if previous is not None:
                    yield from self._analyse(previous.result())
                previous = future
            if previous is not None:
                yield from self._analyse(previous.result())

    def decide(self, scored: Scored) -> Document:
        """The Document for a scored text under the current `quote_threshold` and `rule_trust`."""
        encoded = scored.encoded
        kept = [i for i in range(len(encoded.quotes))
                if i in scored.outputs and scored.outputs[i][0] >= self.config.quote_threshold]
        quotes = [self._quote(encoded, encoded.quotes[i], scored.outputs[i]) for i in kept]
        return Document(scored.id, encoded.text, quotes)

    def _prepare(self, texts: Sequence[str], ids: Sequence[str]) -> list[Scored]:
        pending = []
        for text, doc_id in zip(texts, ids, strict=True):
            scored = Scored(doc_id, self.featurizer.encode(text))
            for i, quote in enumerate(scored.encoded.quotes):
                scored.by_window.setdefault(quote.window, []).append(i)
            pending.append(scored)
        return pending

    def _analyse(self, pending: list[Scored]) -> list[Scored]:
        # Each window is padded to its length bucket whatever company it keeps, so the tensors it
        # sees are the same alone or in any batch: windows of different articles can share a
        # batch and `pipe` still equals single calls exactly.
        groups: dict[int, list[tuple[int, int]]] = {}
        for doc, p in enumerate(pending):
            for w in p.by_window:  # windows without a marked span need no encoder pass
                groups.setdefault(self._padded_length(len(p.encoded.windows[w].input_ids)), []).append((doc, w))
        for length, members in sorted(groups.items()):
            for start in range(0, len(members), self.window_batch):
                self._score(members[start : start + self.window_batch], pending, length)
        return pending

    def _padded_length(self, n: int) -> int:
        """The window length rounded up to a multiple of `PAD_MULTIPLE`, at most the configured window."""
        return max(n, min(-(-n // PAD_MULTIPLE) * PAD_MULTIPLE, self.config.window))

    def _score(self, items: list[tuple[int, int]], pending: list[Scored], length: int) -> None:
        batch_items: list[tuple[Window, list[QuoteInstance]]] = []
        owners: list[tuple[int, int]] = []
        for doc, w in items:
            encoded, indices = pending[doc].encoded, pending[doc].by_window[w]
            batch_items.append((encoded.windows[w], [encoded.quotes[i] for i in indices]))
            owners += [(doc, i) for i in indices]
        batch = collate(batch_items, self.tokenizer.pad_token_id or 0, labels=False, pad_to=length).to(self.device)
        with torch.inference_mode():
            output = self.network(batch)
        self._store(output, owners, pending)

    def _store(self, output: ModelOutput, owners: list[tuple[int, int]], pending: list[Scored]) -> None:
        temps = self.config.temperatures
        quote_p = torch.sigmoid(output.quote_logits / temps["quote"]).tolist()
        speaker_p = (output.speaker_logits / temps["speaker"]).softmax(-1).tolist()
        stance_p = (output.stance_logits / temps["stance"]).softmax(-1).tolist()
        for row, (doc, index) in enumerate(owners):
            pending[doc].outputs[index] = (quote_p[row], speaker_p[row], stance_p[row])

    def _quote(self, encoded: EncodedArticle, instance: QuoteInstance,
               scores: tuple[float, list[float], list[float]]) -> Quote:
        quote_p, speaker_p, stance_p = scores
        speaker, mention, speaker_conf = _choose_speaker(encoded.text, instance, speaker_p, self.config.rule_trust)
        stance_scores = {label: round(p, 4) for label, p in zip(self.config.stances, stance_p, strict=True)}
        stance = max(stance_scores, key=stance_scores.__getitem__)
        span = instance.span
        return Quote(encoded.text[span.start : span.end], span.start, span.end, speaker, mention, instance.cue, stance,
                     stance_scores, {"quote": round(quote_p, 4), "speaker": round(speaker_conf, 4)})


def _chunks(texts: Iterable[str], ids: Iterable[str] | None, size: int) -> Iterator[tuple[list[str], list[str]]]:
    """Texts in batches of `size` with their ids (running numbers when none are given), checked."""
    pairs = texts_with_ids(texts, ids)
    while chunk := list(islice(pairs, size)):
        yield [text for text, _ in chunk], [doc_id for _, doc_id in chunk]


def _choose_speaker(text: str, instance: QuoteInstance, probs: list[float],
                    rule_trust: float) -> tuple[str | None, Span | None, float]:
    """Add up candidate probabilities per resolved name; the likeliest name (or none) wins.

    When the network is less sure than `rule_trust`, the rules' speaker wins where their reporting
    verb's subject is plain (`_trusted_rule_speaker`). The confidence stays the network's top total.
    """
    totals: dict[str, float] = {}
    best: dict[str, tuple[float, int]] = {}
    for j, candidate in enumerate(instance.candidates):
        key = normalize_name(candidate.resolved)
        p = probs[1 + j]
        totals[key] = totals.get(key, 0.0) + p
        if key not in best or p > best[key][0]:
            best[key] = (p, j)
    if not totals or max(totals.values()) <= probs[0]:
        key, confidence = None, probs[0]
    else:
        key = max(totals, key=totals.__getitem__)
        confidence = totals[key]
    trusted = _trusted_rule_speaker(instance) if confidence < rule_trust else None
    if trusted is not None:
        return _speaker_at(text, instance, trusted, confidence)
    if key is None:
        return None, None, confidence
    return _speaker_at(text, instance, best[key][1], confidence)


def _trusted_rule_speaker(instance: QuoteInstance) -> int | None:
    """The candidate for the rules' speaker where their verdict is plain enough to beat an unsure network.

    Plain: a name as the subject of a reporting verb after the quote ("...," Kirby said), or a role or
    description as the subject on either side ("the spokesman said", "said a ministry official").
    The network's sense of who usually says what outvotes these most often on speakers it has not
    met. A pronoun subject, a name before the quote and a speaker carried over without a verb lost
    dev quotes when trusted, so they are not. The subject mention itself is preferred.
    """
    trusted = [j for j, hints in enumerate(instance.candidate_hints)
               if hints[_RULE["speaker"]] and not hints[_RULE["speaker_no_cue"]] and not hints[_RULE["speaker_pronoun"]]
               and (hints[_RULE["speaker_cue_after"]] or not hints[_RULE["speaker_named"]])]
    return max(trusted, key=lambda j: instance.candidate_hints[j][_RULE["mention"]], default=None)


def _speaker_at(text: str, instance: QuoteInstance, j: int, confidence: float) -> tuple[str, Span, float]:
    candidate = instance.candidates[j]
    return candidate.resolved, Span.at(text, candidate.start, candidate.end), confidence


def _load_weights(network: QuoteStanceNetwork, path: Path) -> None:
    """Load saved tensors over the freshly built network, checking names and shapes."""
    state = network.state_dict()
    saved = unpack(load_file(str(path)), state)
    expected = set(_trained_keys(network))
    missing, unknown = expected - set(saved), set(saved) - set(state)
    if missing or unknown:
        raise ConfigError(f"{path}: weights do not fit the config (missing {sorted(missing)[:3]}, "
                          f"unexpected {sorted(unknown)[:3]})")
    for key, tensor in saved.items():
        if tensor.shape != state[key].shape:
            raise ConfigError(f"{path}: {key} has shape {tuple(tensor.shape)}, config needs {tuple(state[key].shape)}")
        if not torch.isfinite(tensor).all():
            raise ConfigError(f"{path}: {key} holds NaN or infinite values")
    network.load_state_dict({k: v.float() for k, v in saved.items()}, strict=False)
