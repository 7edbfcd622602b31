"""PNG plots for evaluation reports and batch summaries (matplotlib).

Figures are built with matplotlib's object interface (`matplotlib.figure.Figure`) and saved
through its Agg canvas, never through `pyplot`: no backend is chosen, no window opens and no
global state changes, so plotting is safe on a headless server and inside a notebook alike.
matplotlib is imported only when a plot is drawn.

Stances keep the colours of the HTML view (`STANCE_COLOURS`); the other series use further
Okabe-Ito colours, which stay apart under every common colour-vision deficiency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from quotestance.model.defaults import STANCE_COLOURS, STANCES

from .errors import ERROR_KINDS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Okabe-Ito colours for series that are not stances (models, error kinds), in order.
SERIES_COLOURS: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
_DPI = 110


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=_DPI, layout="constrained")


def _save(figure: Figure, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png", metadata={"Software": None})
    return path


def plot_confusion(confusion: Mapping[str, Mapping[str, int]], path: str | Path, title: str = "") -> Path:
    """Draw a stance confusion matrix (rows gold, columns predicted) with the count in each cell.

    Args:
        confusion: `confusion[gold][predicted]` counts, as `Counts.confusion` holds them.
        path: The PNG file to write.
        title: A title above the matrix.

    Returns:
        The path written.
    """
    labels = [label for label in STANCES if label in confusion]
    cells = [[confusion[gold].get(pred, 0) for pred in labels] for gold in labels]
    figure = _figure(4.4, 3.8)
    axes = figure.add_subplot()
    image = axes.imshow(cells, cmap="Blues", vmin=0, vmax=max([1, *(max(row) for row in cells if row)]))
    top = image.get_clim()[1]
    for i, row in enumerate(cells):
        for j, count in enumerate(row):
            axes.text(j, i, str(count), ha="center", va="center", color="white" if count > top / 2 else "black")
    axes.set_xticks(range(len(labels)), labels)
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlabel("predicted stance")
    axes.set_ylabel("gold stance")
    axes.set_title(title or "stance confusion", fontsize=10)
    figure.colorbar(image, ax=axes, shrink=0.8)
    return _save(figure, path)


def plot_metric_bars(
    metrics: Mapping[str, Mapping[str, float]], columns: Sequence[tuple[str, str]], path: str | Path
) -> Path:
    """Draw grouped bars: one group per metric, one bar per model.

    Args:
        metrics: Model name -> flat metrics (`EvalResult.metrics()`).
        columns: (label, metric key) pairs to show, in order.
        path: The PNG file to write.

    Returns:
        The path written.
    """
    models = list(metrics)
    width = 0.8 / max(1, len(models))
    figure = _figure(max(6.0, len(columns) * (0.5 + 0.25 * len(models)) + 1.5), 3.6)
    axes = figure.add_subplot()
    for k, model in enumerate(models):
        xs = [i + (k - (len(models) - 1) / 2) * width for i in range(len(columns))]
        ys = [metrics[model][key] for _, key in columns]
        bars = axes.bar(xs, ys, width, label=model, color=SERIES_COLOURS[k % len(SERIES_COLOURS)])
        axes.bar_label(bars, fmt="%.2f", fontsize=6, padding=1)
    axes.set_xticks(range(len(columns)), [label for label, _ in columns], rotation=30, ha="right")
    axes.set_ylim(0, 1.1)
    axes.set_ylabel("score")
    axes.set_title("metrics per model", fontsize=10)
    axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _save(figure, path)


def plot_errors_by_phenomenon(errors: Mapping[str, Mapping[str, int]], path: str | Path, title: str = "") -> Path:
    """Draw, per phenomenon, the share of its gold quotes missed, misattributed or given the wrong stance.

    Args:
        errors: Phenomenon -> {"quotes": n, "missed": ..., "misattributed": ..., "wrong stance": ...},
            as `errors_by_phenomenon` returns it.
        path: The PNG file to write.
        title: A title above the bars.

    Returns:
        The path written.
    """
    names = list(errors)
    height = 0.8 / len(ERROR_KINDS)
    figure = _figure(7.0, max(2.2, 0.34 * len(names) + 1.2))
    axes = figure.add_subplot()
    for k, kind in enumerate(ERROR_KINDS):
        ys = [i + (k - (len(ERROR_KINDS) - 1) / 2) * height for i in range(len(names))]
        shares = [100 * errors[n][kind] / errors[n]["quotes"] for n in names]
        axes.barh(ys, shares, height, label=kind, color=SERIES_COLOURS[k + 2])
    axes.set_yticks(range(len(names)), [f"{n} (n={errors[n]['quotes']})" for n in names], fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("% of the phenomenon's gold quotes")
    axes.set_title(title or "errors by phenomenon", fontsize=10)
    axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _save(figure, path)


def plot_stance_counts(counts: Mapping[str, Mapping[str, int]], path: str | Path, title: str = "") -> Path:
    """Draw stacked horizontal bars of quote counts per stance, one bar per row key (speaker, country).

    Args:
        counts: Row name -> stance -> count; rows are drawn top to bottom in this order.
        path: The PNG file to write.
        title: A title above the bars.

    Returns:
        The path written.
    """
    names = list(counts)
    figure = _figure(7.0, max(2.0, 0.32 * len(names) + 1.2))
    axes = figure.add_subplot()
    left = [0] * len(names)
    for stance in STANCES:
        widths = [counts[n].get(stance, 0) for n in names]
        axes.barh(range(len(names)), widths, 0.7, left=left, label=stance, color=STANCE_COLOURS.get(stance))
        left = [a + b for a, b in zip(left, widths, strict=True)]
    axes.set_yticks(range(len(names)), names, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("quotes")
    axes.set_title(title, fontsize=10)
    axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _save(figure, path)
