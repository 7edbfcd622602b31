"""Fine-tune the quote, attribution and stance heads (and the upper encoder layers).

Trains on generated articles plus hand-written `train` fixtures (and any folders a user
adds), selects the best checkpoint on `dev` and `synthetic-dev`, never reads `test`.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from tqdm.auto import tqdm

from quotestance.eval.fixtures import GoldArticle, parse_article, read_articles
from quotestance.eval.runner import evaluate
from quotestance.eval.scorer import score
from quotestance.model.config import ConfigError, ModelConfig
from quotestance.model.defaults import FIXTURES_DIR
from quotestance.model.encoder import cpu_has_fast_bf16, load_encoder, load_tokenizer
from quotestance.model.features import Featurizer, QuoteInstance, Window
from quotestance.model.network import QuoteStanceNetwork, collate
from quotestance.model.pipeline import QuoteAnalyzer, Scored

from .generate import generate_articles

logger = logging.getLogger(__name__)

Item = tuple[Window, list[QuoteInstance]]
#: Dev metrics averaged into the selection score.
SELECTION_METRICS = ("quote_f1", "attribution_f1", "stance_macro_f1")
#: How much each dev set counts in it: the model is judged on articles written by other hands, and
#: synthetic-dev (generated from held-out parts of the generator) is only their stand-in.
SELECTION_WEIGHTS = {"dev": 2.0, "synthetic_dev": 1.0}
#: `ModelConfig.rule_trust` values tried after training, unless the config sets one.
RULE_TRUST_GRID = (0.0, 0.5, 0.7, 0.9)


@dataclass
class TrainConfig:
    """What to train on and how; saved next to the model so a run can be repeated."""

    seed: int = 13
    synthetic_articles: int = 3000
    synthetic_dev_articles: int = 150
    #: Folders of hand-annotated articles to train on (ANNOTATION.md format).
    fixtures: list[str] = field(default_factory=lambda: [str(FIXTURES_DIR / "train")])
    #: How many times each hand-written article is repeated per epoch: they are few but real.
    fixture_repeats: int = 6
    dev: list[str] = field(default_factory=lambda: [str(FIXTURES_DIR / "dev")])
    epochs: float = 1.0
    batch_size: int = 16
    learning_rate: float = 1e-4
    encoder_learning_rate: float = 5e-5
    warmup_share: float = 0.06
    weight_decay: float = 0.01
    #: Stop after this many minutes of training (the shipped model must train in 30 on 2 cores).
    max_minutes: float = 25.0
    evaluations: int = 4
    #: Decay of an exponential moving average of the trained weights (0 = none). When set, every dev
    #: evaluation also scores the averaged weights, and whichever scores higher may be selected.
    ema_decay: float = 0.0
    #: Label smoothing of the stance loss: the generated statements repeat, and the stance head
    #: learns them by heart (its calibrated temperature is near 3).
    stance_label_smoothing: float = 0.0
    #: Lines added to the model card's notes (e.g. measured comparisons with other settings).
    card_notes: list[str] = field(default_factory=list)
    #: Torch device to train on ("cpu", or "cuda" where one is lent); the shipped model trains on the CPU.
    device: str = "cpu"
    model: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.synthetic_articles < 0 or self.batch_size < 1 or self.epochs <= 0:
            raise ConfigError(f"synthetic_articles >= 0, batch_size >= 1, epochs > 0 needed; got "
                              f"{self.synthetic_articles}, {self.batch_size}, {self.epochs}")
        if not 0.0 <= self.ema_decay < 1.0:
            raise ConfigError(f"ema_decay must be in [0, 1), got {self.ema_decay}")
        if not 0.0 <= self.stance_label_smoothing < 1.0:
            raise ConfigError(f"stance_label_smoothing must be in [0, 1), got {self.stance_label_smoothing}")
        if any("test" in Path(p).parts[-1:] for p in self.dev + self.fixtures):
            raise ConfigError("the test split may be used neither for training nor for selection")
        ModelConfig.from_dict(self.model)  # fail now, not after data preparation

    @classmethod
    def from_file(cls, path: str | Path) -> TrainConfig:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ConfigError(f"{path}: unknown training option(s) {sorted(unknown)}")
        return cls(**data)


def set_seed(seed: int) -> None:
    """Seed Python and torch so a run is repeatable."""
    from transformers import set_seed as hf_set_seed

    random.seed(seed)
    hf_set_seed(seed)


def _items(featurizer: Featurizer, articles: Iterable[GoldArticle]) -> list[Item]:
    """Windows that hold at least one marked span: a window without one has nothing to learn."""
    return [(window, quotes) for article in articles
            for window, quotes in featurizer.encode(article.text, article).window_items() if quotes]


def prepare_data(config: TrainConfig, featurizer: Featurizer) -> tuple[list[Item], list[GoldArticle]]:
    """Training items and synthetic-dev articles (generated from the held-out data parts)."""
    synthetic = (parse_article(a) for a in generate_articles(config.synthetic_articles, config.seed, "train"))
    items = _items(featurizer, tqdm(synthetic, total=config.synthetic_articles, desc="featurising", leave=False))
    fixtures = read_articles(config.fixtures) if config.fixtures else []
    items += _items(featurizer, fixtures) * config.fixture_repeats
    synthetic_dev = [parse_article(a) for a in generate_articles(config.synthetic_dev_articles, config.seed,
                                                                 "heldout")]
    logger.info("%d training windows from %d synthetic and %d hand-written articles", len(items),
                config.synthetic_articles, len(fixtures))
    return items, synthetic_dev


def _length_grouped_order(items: Sequence[Item], config: TrainConfig, epochs: int) -> list[int]:
    """Item indices, `epochs` passes, in batches of windows of similar length.

    Random batches of windows are padded to the longest and use about 78% of the tokens they
    pay for; transformers' length grouping sorts within mega-batches of 50 batches. The batches
    themselves are then shuffled so that long and short windows alternate through training.
    Deterministic for a given seed.
    """
    from transformers.trainer_pt_utils import get_length_grouped_indices

    lengths = [len(window.input_ids) for window, _ in items]
    generator = torch.Generator().manual_seed(config.seed)
    rng = random.Random(config.seed)
    order = []
    for _ in range(epochs):
        indices = get_length_grouped_indices(lengths, config.batch_size, generator=generator)
        full = len(indices) - len(indices) % config.batch_size
        batches = [indices[i : i + config.batch_size] for i in range(0, full, config.batch_size)]
        rng.shuffle(batches)
        order += [i for batch in batches for i in batch]  # the short remainder waits for the next pass
    return order


@dataclass
class Plan:
    """How many steps a run takes and where it evaluates, refitted to its time budget as it goes.

    A run stopped by its budget mid-schedule ends with its learning rate still high, so once step
    and evaluation times are measured the plan shrinks to what the budget holds, and the linear
    schedule (the one `transformers.get_linear_schedule_with_warmup` builds) decays to zero at its
    new end. A plan shrunk while other work slowed the machine grows back when steps speed up
    again, never past the steps first planned. When the budget holds the whole run, nothing
    changes and the run stays deterministic.
    """

    steps: int
    warmup_share: float
    evaluations: int
    budget: float  # seconds
    warmup: int = field(init=False)
    evaluate_at: set[int] = field(init=False)
    planned: int = field(init=False)  # the steps first planned: the most a refit grows back to

    def __post_init__(self) -> None:
        self.planned = self.steps
        self.warmup = int(self.steps * self.warmup_share)
        self.evaluate_at = self._points(0)

    def _points(self, after: int) -> set[int]:
        points = {max(1, round(self.steps * (k + 1) / self.evaluations)) for k in range(self.evaluations)}
        return {p for p in points if p > after} | {self.steps}

    def lr_factor(self, step: int) -> float:
        if step < self.warmup:
            return step / max(1, self.warmup)
        return max(0.0, (self.steps - step) / max(1, self.steps - self.warmup))

    def refit(self, step: int, elapsed: float, step_seconds: float, eval_seconds: float) -> bool:
        """Fit the remaining steps and evaluations to the budget, up to the first plan; True if it changed."""
        owed = len([p for p in self.evaluate_at if p > step])
        fits = step + int((self.budget - elapsed - owed * eval_seconds) // step_seconds)
        steps = min(self.planned, max(step + 1, fits))
        if steps == self.steps:
            return False
        self.steps = steps
        if step < self.warmup:  # a warm-up already done stays done
            self.warmup = max(step, int(self.steps * self.warmup_share))
        points = sorted(self._points(step))
        self.evaluate_at = set(points[len(points) - owed :])  # the last `owed` points, none if none are owed
        return True


#: The plan is first fitted to the budget after this many steps, and step times are averaged over
#: as many recent ones: on the CPU the first few steps run about a fifth slower than the rest.
PROBE_STEPS = 20


class _Clock:
    """Seconds of a recent training step and of the last dev evaluation, for `Plan.refit`."""

    def __init__(self) -> None:
        self._since = 0.0
        self._recent: deque[float] = deque(maxlen=PROBE_STEPS)
        self.evaluation_seconds = 0.0  # until one is measured

    def start(self) -> None:
        self._since = time.perf_counter()

    def stop_step(self) -> None:
        self._recent.append(time.perf_counter() - self._since)

    def stop_evaluation(self) -> None:
        self.evaluation_seconds = time.perf_counter() - self._since

    @property
    def step_seconds(self) -> float:
        return sum(self._recent) / max(1, len(self._recent))


def _optimizer(network: QuoteStanceNetwork, config: TrainConfig, plan: Plan):
    encoder = [p for p in network.encoder.parameters() if p.requires_grad]
    heads = [p for n, p in network.named_parameters() if not n.startswith("encoder.")]
    optimizer = torch.optim.AdamW([
        {"params": encoder, "lr": config.encoder_learning_rate},
        {"params": heads, "lr": config.learning_rate},
    ], weight_decay=config.weight_decay)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, plan.lr_factor)
    return optimizer, schedule


def _round_like_saved(network: QuoteStanceNetwork) -> None:
    """Round fine-tuned encoder weights as `save` stores them (int8 deltas, float16 vectors).

    Every score measured from here on then describes exactly the model that is shipped.
    """
    from quotestance.model.encoder import base_encoder_state
    from quotestance.model.weights import round_trip

    base = base_encoder_state(network.config)
    with torch.no_grad():
        for name, parameter in network.encoder.named_parameters():
            if parameter.requires_grad:
                parameter.copy_(round_trip(parameter, base[name].to(parameter.device)))


class WeightAverage:
    """An exponential moving average of the network's weights, swapped in for evaluation.

    The averaged weights sit between the last steps of a noisy run; they often generalise a
    little better than the last step alone, and cost one copy of the weights and no inference time.
    """

    def __init__(self, network: QuoteStanceNetwork, decay: float) -> None:
        from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

        self.network = network
        self.averaged = AveragedModel(network, multi_avg_fn=get_ema_multi_avg_fn(decay))

    @property
    def ready(self) -> bool:
        """Whether any step has been averaged yet (before warm-up ends, none has)."""
        return bool(self.averaged.n_averaged)

    def update(self) -> None:
        self.averaged.update_parameters(self.network)

    @torch.no_grad()
    def swap(self) -> None:
        """Exchange the live and the averaged weights (call again to swap back)."""
        for live, average in zip(self.network.parameters(), self.averaged.module.parameters(), strict=True):
            kept = live.detach().clone()
            live.copy_(average)
            average.copy_(kept)


@dataclass
class TrainResult:
    """What a run produced and measured."""

    analyzer: QuoteAnalyzer
    steps: int
    seconds: float
    best_score: float
    history: list[dict[str, Any]]


def _dev_scores(analyzer: QuoteAnalyzer, dev: Sequence[GoldArticle], synthetic_dev: Sequence[GoldArticle],
                scored: dict[str, list[Scored]] | None = None) -> dict:
    """Dev and synthetic-dev metrics and their selection score; `scored` reuses earlier network outputs."""
    analyzer.network.eval()
    scored = scored or score_sets(analyzer, dev, synthetic_dev)
    scores = {name: score(articles, [analyzer.decide(s) for s in scored[name]]).metrics() if articles else None
              for name, articles in _dev_sets(dev, synthetic_dev).items()}
    scores["selection"] = selection_score(scores)
    return scores


def score_sets(analyzer: QuoteAnalyzer, dev: Sequence[GoldArticle],
               synthetic_dev: Sequence[GoldArticle]) -> dict[str, list[Scored]]:
    """One network pass over dev and synthetic-dev, for as many decisions as needed."""
    return {name: list(analyzer.score((a.text for a in articles), ids=(a.id for a in articles)))
            for name, articles in _dev_sets(dev, synthetic_dev).items()}


def _dev_sets(dev: Sequence[GoldArticle], synthetic_dev: Sequence[GoldArticle]) -> dict[str, Sequence[GoldArticle]]:
    """The selection sets under their `SELECTION_WEIGHTS` names."""
    return {"dev": dev, "synthetic_dev": synthetic_dev}


def fit_rule_trust(analyzer: QuoteAnalyzer, dev: Sequence[GoldArticle], synthetic_dev: Sequence[GoldArticle],
                   scored: dict[str, list[Scored]] | None = None) -> dict[float, float]:
    """Set `rule_trust` to the grid value with the best dev selection score (ties: the lowest).

    How far an unsure network should defer to a named subject depends on how sure the trained,
    calibrated scorer tends to be, so each run measures it rather than inheriting the shipped 0.9.
    The network runs once; each grid value only re-decides its outputs.
    """
    scored = scored or score_sets(analyzer, dev, synthetic_dev)
    scores = {}
    for value in RULE_TRUST_GRID:
        analyzer.config.rule_trust = value
        scores[value] = round(_dev_scores(analyzer, dev, synthetic_dev, scored)["selection"], 4)
    analyzer.config.rule_trust = max(scores, key=lambda value: (scores[value], -value))
    return scores


def selection_score(scores: dict[str, dict | None]) -> float:
    """The weighted mean of `SELECTION_METRICS` over the dev sets that were scored."""
    parts = {name: s for name, s in scores.items() if s and name in SELECTION_WEIGHTS}
    total = sum(SELECTION_WEIGHTS[name] for name in parts) * len(SELECTION_METRICS)
    weighted = sum(SELECTION_WEIGHTS[n] * s[m] for n, s in parts.items() for m in SELECTION_METRICS)
    return weighted / total if parts else 0.0


def train(config: TrainConfig, items: list[Item] | None = None,
          synthetic_dev: list[GoldArticle] | None = None) -> TrainResult:
    """Fine-tune a model; returns the best checkpoint by the dev selection score."""
    set_seed(config.seed)
    model_config = ModelConfig.from_dict(config.model)
    tokenizer = load_tokenizer(model_config.encoder)
    if items is None:
        items, synthetic_dev = prepare_data(config, Featurizer(tokenizer, model_config))
    synthetic_dev = synthetic_dev or []
    dev = read_articles(config.dev) if config.dev else []
    network = QuoteStanceNetwork(load_encoder(model_config, training=True), model_config,
                                 config.stance_label_smoothing).to(config.device)
    analyzer = QuoteAnalyzer(network, tokenizer, model_config)
    steps = max(1, int(len(items) * config.epochs / config.batch_size))
    plan = Plan(steps, config.warmup_share, config.evaluations, config.max_minutes * 60)
    optimizer, schedule = _optimizer(network, config, plan)
    order = _length_grouped_order(items, config, int(config.epochs) + 1)
    device_type = torch.device(config.device).type
    fast_bf16 = cpu_has_fast_bf16() if device_type == "cpu" else True
    autocast = torch.autocast(device_type, dtype=torch.bfloat16, enabled=fast_bf16)
    average = WeightAverage(network, config.ema_decay) if config.ema_decay else None
    best, best_state, history = -1.0, None, []
    started = time.perf_counter()
    clock = _Clock()
    progress = tqdm(total=plan.steps, desc="training", disable=None)
    step = 0
    while step < plan.steps:
        step += 1
        clock.start()
        network.train()
        batch_items = [items[i] for i in order[(step - 1) * config.batch_size : step * config.batch_size]]
        with autocast:
            output = network(collate(batch_items, tokenizer.pad_token_id or 0, labels=True).to(config.device))
        if output.loss is not None:
            output.loss.backward()
            torch.nn.utils.clip_grad_norm_([p for p in network.parameters() if p.requires_grad], 1.0)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            if average and step > plan.warmup:  # the average starts from the warmed-up weights
                average.update()
            progress.set_postfix(loss=f"{output.loss.item():.3f}", **{k: f"{v:.2f}" for k, v in output.losses.items()})
        schedule.step()
        clock.stop_step()
        progress.update()
        if step % 50 == 0 and output.loss is not None:
            logger.info("step %d/%d loss %.3f %s", step, plan.steps, output.loss.item(), output.losses)
        out_of_time = time.perf_counter() - started > config.max_minutes * 60
        if step in plan.evaluate_at or out_of_time or step == plan.steps:
            clock.start()
            for weights in ("live", "average") if average and average.ready else ("live",):
                if weights == "average":
                    average.swap()
                scores = _dev_scores(analyzer, dev, synthetic_dev)
                history.append({"step": step, "weights": weights, "seconds": round(time.perf_counter() - started),
                                **scores})
                logger.info("step %d (%s weights): selection score %.4f", step, weights, scores["selection"])
                progress.write(f"step {step} ({weights} weights): dev selection score {scores['selection']:.4f}")
                if scores["selection"] > best:
                    best = scores["selection"]
                    best_state = {k: v.detach().clone() for k, v in network.state_dict().items()}
                if weights == "average":
                    average.swap()
            clock.stop_evaluation()
        if out_of_time:
            logger.warning("stopping at step %d of %d: the %.0f-minute budget is spent", step, plan.steps,
                           config.max_minutes)
            break
        if (step == PROBE_STEPS or step in plan.evaluate_at or step % 50 == 0) and plan.refit(
                step, time.perf_counter() - started, clock.step_seconds, clock.evaluation_seconds):
            progress.total = plan.steps
            progress.refresh()
            logger.info("the %.0f-minute budget holds %d steps at %.1f s a step (%d planned); the learning rate "
                        "now decays to zero there", config.max_minutes, plan.steps, clock.step_seconds, steps)
    progress.close()
    if best_state is not None:
        network.load_state_dict(best_state)
    _round_like_saved(network)
    network.eval()
    return TrainResult(analyzer, step, time.perf_counter() - started, best, history)


def save_run(result: TrainResult, config: TrainConfig, output: str | Path) -> Path:
    """Save the model plus the training config and history beside it."""
    path = result.analyzer.save(output)
    (path / "training.json").write_text(json.dumps({"config": asdict(config), "steps": result.steps,
                                                    "seconds": round(result.seconds),
                                                    "history": result.history}, indent=2) + "\n", encoding="utf-8")
    return path


def _speed(analyzer: QuoteAnalyzer, texts: Sequence[str], repeats: int = 3) -> str:
    analyzer(texts[0])  # warm-up
    started = time.perf_counter()
    for _ in range(repeats):
        list(analyzer.pipe(texts, batch_size=8))
    seconds = (time.perf_counter() - started) / repeats
    words = sum(len(t.split()) for t in texts) / len(texts)
    return (f"{len(texts) / seconds:.2f} articles/s ({analyzer.dtype}, {torch.get_num_threads()} threads) on "
            f"{len(texts)} article(s) of {words:.0f} words on average")


def _card_scores(analyzer: QuoteAnalyzer, sets: dict[str, list[GoldArticle]]) -> dict[str, dict[str, dict]]:
    from quotestance.model.rules import RuleAnalyzer

    rules = RuleAnalyzer()
    return {name: {"transformer": evaluate(articles, analyzer).metrics(), "rules": evaluate(articles, rules).metrics()}
            for name, articles in sets.items() if articles}


def _parse_sets(values: Sequence[str]) -> dict[str, list[GoldArticle]]:
    sets = {}
    for value in values:
        name, _, path = value.partition("=")
        if not path:
            raise ValueError(f"--card-eval expects NAME=PATH, got {value!r}")
        sets[name] = read_articles([path])
    return sets


def run_training(config: TrainConfig, output: str | Path, card_sets: dict[str, list[GoldArticle]]) -> Path:
    """Train, calibrate on dev, save, then score and write the model card."""
    import platform

    from .model_card import write_model_card

    model_config = ModelConfig.from_dict(config.model)
    featurizer = Featurizer(load_tokenizer(model_config.encoder), model_config)
    items, synthetic_dev = prepare_data(config, featurizer)
    result = train(config, items, synthetic_dev)
    dev_fixtures = read_articles(config.dev) if config.dev else []
    calibration, trust = calibrate(result.analyzer, dev_fixtures, synthetic_dev,
                                   fit_trust="rule_trust" not in config.model)
    path = save_run(result, config, output)
    sets = {"dev": dev_fixtures, "synthetic-dev": synthetic_dev, **card_sets}
    seed_texts = [a.text for a in card_sets.get("seed", [])] or [a.text for a in sets["dev"][:5]]
    info = {
        "training": json.loads((path / "training.json").read_text(encoding="utf-8")),
        "calibration": calibration,
        "rule_trust": trust,
        "scores": _card_scores(result.analyzer, sets),
        "speed": _speed(result.analyzer, seed_texts),
        "machine": f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} threads",
        "notes": config.card_notes,
    }
    write_model_card(path, info)
    (path / "scores.json").write_text(json.dumps(info["scores"], indent=1) + "\n", encoding="utf-8")
    return path


def calibrate(analyzer: QuoteAnalyzer, dev: list[GoldArticle], synthetic_dev: list[GoldArticle],
              fit_trust: bool = True) -> tuple[dict[str, dict[str, float]], dict[float, float] | None]:
    """Fit temperatures, then `rule_trust` (on calibrated confidences), then measure reported ECE."""
    from .calibrate import collect_logits, fit_temperatures, reported_ece

    calibration = fit_temperatures(collect_logits(analyzer, dev + synthetic_dev))
    analyzer.config.temperatures = {name: c["temperature"] for name, c in calibration.items()}
    scored = score_sets(analyzer, dev, synthetic_dev)  # with the fitted temperatures
    trust = fit_rule_trust(analyzer, dev, synthetic_dev, scored) if fit_trust else None
    documents = [analyzer.decide(s) for s in scored["dev"] + scored["synthetic_dev"]]
    for name, error in reported_ece(list(dev) + list(synthetic_dev), documents).items():
        calibration[name]["ece_reported"] = round(error, 4)
    return calibration, trust


def register_cli(sub) -> None:  # noqa: ANN001 - argparse's private subparsers type
    """Add `quotestance train` to the CLI."""
    parser = sub.add_parser("train", help="fine-tune a model on generated and annotated articles")
    parser.add_argument("--config", help="JSON file of TrainConfig options")
    parser.add_argument("--output", "-o", default="runs/model", help="folder for the trained model")
    parser.add_argument("--fixtures", nargs="+", default=[], metavar="DIR",
                        help="extra annotated folders to train on (your own house style)")
    parser.add_argument("--synthetic", type=int, help="number of generated training articles")
    parser.add_argument("--max-minutes", type=float, help="training time budget")
    parser.add_argument("--card-eval", nargs="+", default=[], metavar="NAME=PATH",
                        help="extra sets scored for the model card after training, e.g. test=eval/fixtures/test")
    parser.set_defaults(func=_cmd_train)


def _cmd_train(args) -> int:  # noqa: ANN001
    config = TrainConfig.from_file(args.config) if args.config else TrainConfig()
    config.fixtures = config.fixtures + list(args.fixtures)
    if args.synthetic is not None:
        config.synthetic_articles = args.synthetic
    if args.max_minutes is not None:
        config.max_minutes = args.max_minutes
    config.__post_init__()
    path = run_training(config, args.output, _parse_sets(args.card_eval))
    print(f"model saved to {path}; model card: {path / 'README.md'}")
    return 0
