"""Run a model over annotated articles and present the scores as a table, Markdown and JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from quotestance.model.registry import Analyzer

from .fixtures import GoldArticle, read_articles
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


def evaluate(articles: Sequence[GoldArticle], analyzer: Analyzer, batch_size: int = 8) -> EvalResult:
    """Analyse the gold articles' texts and score the predictions."""
    predictions = analyzer.pipe((a.text for a in articles), batch_size=batch_size, ids=(a.id for a in articles))
    return score(articles, predictions)


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


def write_report(directory: str | Path, results: dict[str, EvalResult]) -> Path:
    """Write `report.md` (tables per model) and `metrics.json` (flat metrics per model and article)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    metrics = {
        model: {"total": result.metrics(), "articles": {a: c.metrics() for a, c in result.rows}}
        for model, result in results.items()
    }
    (directory / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    parts = ["# quotestance evaluation report", ""]
    for model, result in results.items():
        table = format_table(result, model)
        parts += [f"## Model `{model}`", "", "```", table, "", format_confusion(result), "```", ""]
    (directory / "report.md").write_text("\n".join(parts), encoding="utf-8")
    return directory / "report.md"
