"""Run a model over annotated articles and present the scores as a table, Markdown with plots, and JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from quotestance.model.document import Document
from quotestance.model.registry import Analyzer

from .errors import ERROR_KINDS, QuoteOutcome, errors_by_phenomenon, quote_outcomes
from .fixtures import GoldArticle, read_articles
from .plots import plot_confusion, plot_errors_by_phenomenon, plot_metric_bars
from .scorer import EvalResult, score

#: (column header, metric key) of the compact table, in order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("quote P", "quote_precision"),
    ("quote R", "quote_recall"),
    ("quote F1", "quote_f1"),
    ("exact F1", "exact_f1"),
    ("spk strict", "speaker_strict"),
    ("spk lenient", "speaker_lenient"),
    ("attr F1", "attribution_f1"),
    ("stance acc", "stance_accuracy"),
    ("stance mF1", "stance_macro_f1"),
)


def predict(articles: Sequence[GoldArticle], analyzer: Analyzer, batch_size: int = 8) -> list[Document]:
    """Analyse the gold articles' texts; the documents come back in the articles' order."""
    return list(analyzer.pipe((a.text for a in articles), batch_size=batch_size, ids=(a.id for a in articles)))


def evaluate(articles: Sequence[GoldArticle], analyzer: Analyzer, batch_size: int = 8) -> EvalResult:
    """Analyse the gold articles' texts and score the predictions."""
    return score(articles, predict(articles, analyzer, batch_size))


def evaluate_paths(paths: Iterable[str | Path], analyzer: Analyzer) -> EvalResult:
    return evaluate(read_articles(paths), analyzer)


def _row(name: str, metrics: dict[str, Any], width: int) -> str:
    cells = [f"{metrics[key]:>{max(len(head), 5)}.3f}" for head, key in COLUMNS]
    return f"{name[:width]:<{width}}  " + "  ".join(cells) + f"  {metrics['gold_quotes']:>5}"


def format_table(result: EvalResult, title: str = "", per_article: bool = True) -> str:
    """A fixed-width table: one row per article, then the micro total."""
    width = max([len(title), 24] + [min(len(i), 40) for i, _ in result.rows])
    header = f"{title:<{width}}  " + "  ".join(f"{h:>5}" for h, _ in COLUMNS) + "   gold"
    lines = [header, "-" * len(header)]
    if per_article:
        lines += [_row(article, counts.metrics(), width) for article, counts in result.rows]
        lines.append("-" * len(header))
    lines.append(_row(f"TOTAL ({len(result.rows)} articles)", result.metrics(), width))
    return "\n".join(lines)


def format_confusion(result: EvalResult) -> str:
    """Stance confusion matrix: rows are gold labels, columns predictions."""
    confusion = result.total.confusion
    labels = list(confusion)
    lines = ["gold \\ pred " + " ".join(f"{p:>8}" for p in labels)]
    lines += [f"{g:<12}" + " ".join(f"{confusion[g][p]:>8}" for p in labels) for g in labels]
    return "\n".join(lines)


def write_report(
    directory: str | Path,
    results: Mapping[str, EvalResult],
    articles: Sequence[GoldArticle] = (),
    predictions: Mapping[str, Sequence[Document]] | None = None,
) -> Path:
    """Write `report.md`, `metrics.json` and the PNG plots the report embeds.

    The plots: metric bars comparing the models, and per model its stance confusion matrix and,
    where fixtures note phenomena, its errors by phenomenon. That last part needs the gold
    `articles` and each model's `predictions` (as `predict` returns them); without them it is left out.

    Args:
        directory: Folder to write into; created if missing.
        results: Model name -> its scores.
        articles: The gold articles the models were scored on.
        predictions: Model name -> its documents, in the order of `articles`.

    Returns:
        The path of `report.md`.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    metrics = {
        model: {"total": result.metrics(), "articles": {a: c.metrics() for a, c in result.rows}}
        for model, result in results.items()
    }
    (directory / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    plot_metric_bars({m: r.metrics() for m, r in results.items()}, COLUMNS, directory / "metrics.png")
    parts = ["# quotestance evaluation report", "", "![Metrics per model](metrics.png)", ""]
    for model, stem in _file_stems(list(results)).items():
        outcomes = quote_outcomes(articles, predictions[model]) if predictions and model in predictions else None
        parts += _model_section(directory, model, stem, results[model], outcomes)
    (directory / "report.md").write_text("\n".join(parts), encoding="utf-8")
    return directory / "report.md"


def _file_stems(models: Sequence[str]) -> dict[str, str]:
    """A file-name-safe, unique stem per model name ('runs/v1' -> 'runs-v1')."""
    stems: dict[str, str] = {}
    for model in models:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", model).strip("-.") or "model"
        stems[model] = stem if stem not in stems.values() else f"{stem}-{len(stems) + 1}"
    return stems


def _model_section(
    directory: Path, model: str, stem: str, result: EvalResult, outcomes: list[QuoteOutcome] | None
) -> list[str]:
    plot_confusion(result.total.confusion, directory / f"confusion-{stem}.png", f"stance confusion: {model}")
    table = format_table(result, model)
    parts = [f"## Model `{model}`", "", "```", table, "", format_confusion(result), "```", ""]
    parts += [f"![Stance confusion matrix of {model}](confusion-{stem}.png)", ""]
    return parts + ([] if outcomes is None else _errors_section(directory, model, stem, outcomes))


def _errors_section(directory: Path, model: str, stem: str, outcomes: list[QuoteOutcome]) -> list[str]:
    errors = errors_by_phenomenon(outcomes)
    if not errors:
        return ["No gold quote's fixture notes a phenomenon, so there are no errors by phenomenon.", ""]
    plot_errors_by_phenomenon(errors, directory / f"errors-{stem}.png", f"errors by phenomenon: {model}")
    header = ["phenomenon", "gold quotes", *ERROR_KINDS]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += [f"| {name} | " + " | ".join(str(row[k]) for k in ("quotes", *ERROR_KINDS)) + " |"
              for name, row in errors.items()]
    image = f"![Errors by phenomenon of {model}](errors-{stem}.png)"
    return ["### Errors by phenomenon", "", *lines, "", image, ""]
