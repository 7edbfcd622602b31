"""Throughput benchmark: the full pipeline against the bare encoder on the same windows.

Run as `quotestance bench`. One run measures, on a fixed set of generated ~1,000-word
articles: articles/s and wordpieces/s of the full pipeline and of the bare encoder forward
(the ceiling) in float32 and bfloat16, the rule baseline, and peak RSS; `--memory` adds a
batch-job memory check (a large job must not need more memory than a small one).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WORDS_PER_ARTICLE = 1000


def bench_articles(n: int, seed: int = 0, words: int = WORDS_PER_ARTICLE) -> list[str]:
    """Deterministic ~`words`-word articles stitched from generated ones."""
    from quotestance.training.generate import generate_articles

    source = generate_articles(n * 6, seed, "heldout")
    articles, parts = [], []
    for article in source:
        parts.append(article["text"])
        if sum(len(p.split()) for p in parts) >= words:
            articles.append("\n\n".join(parts))
            parts = []
            if len(articles) == n:
                break
    return articles


def _timed(run: Callable[[], Any], repeats: int) -> float:
    run()  # warm-up: first calls allocate and pick kernels
    started = time.perf_counter()
    for _ in range(repeats):
        run()
    return (time.perf_counter() - started) / repeats


@dataclass
class BenchResult:
    rows: list[dict[str, Any]] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)

    def add(self, name: str, seconds: float, articles: int, tokens: int) -> None:
        self.rows.append({"setting": name, "seconds": round(seconds, 3), "articles_per_s": round(articles / seconds, 2),
                          "tokens_per_s": round(tokens / seconds)})

    def table(self) -> str:
        lines = [f"{'setting':<34} {'articles/s':>10} {'tokens/s':>10}"]
        lines += [f"{r['setting']:<34} {r['articles_per_s']:>10.2f} {r['tokens_per_s']:>10}" for r in self.rows]
        lines += [f"{k}: {v}" for k, v in self.info.items()]
        return "\n".join(lines)


def _encoder_only(analyzer: Any, texts: list[str], window_batch: int) -> Callable[[], None]:
    """The ceiling: the windows the pipeline encodes (those holding a marked span), nothing else."""
    import torch

    from quotestance.model.network import collate

    windows = [w for t in texts for w, quotes in analyzer.featurizer.encode(t).window_items() if quotes]
    windows.sort(key=lambda w: len(w.input_ids))
    batches = [collate([(w, []) for w in windows[i : i + window_batch]], 0, labels=False)
               for i in range(0, len(windows), window_batch)]
    encoder = analyzer.network.encoder

    def run() -> None:
        with torch.inference_mode():
            for batch in batches:
                encoder(input_ids=batch.input_ids, attention_mask=batch.attention_mask)

    return run


def run_bench(model: str = "default", n: int = 16, repeats: int = 2, dtypes: tuple[str, ...] = ("float32", "bfloat16"),
              batch_size: int = 8) -> BenchResult:
    """Measure pipeline, bare encoder and rules on the same articles."""
    import torch

    from quotestance.model.defaults import DEFAULT_MODEL
    from quotestance.model.pipeline import QuoteAnalyzer
    from quotestance.model.rules import RuleAnalyzer

    texts = bench_articles(n)
    result = BenchResult(info={"articles": n, "words_per_article": round(sum(len(t.split()) for t in texts) / n),
                               "threads": torch.get_num_threads()})
    for dtype in dtypes:
        analyzer = QuoteAnalyzer.load(None if model == DEFAULT_MODEL else model, dtype=dtype)
        tokens = sum(len(w.input_ids) for t in texts for w, quotes in analyzer.featurizer.encode(t).window_items()
                     if quotes)
        pipeline = _timed(lambda a=analyzer: list(a.pipe(texts, batch_size=batch_size)), repeats)
        bare = _timed(_encoder_only(analyzer, texts, analyzer.window_batch), repeats)
        result.add(f"pipeline {dtype}", pipeline, n, tokens)
        result.add(f"bare encoder {dtype}", bare, n, tokens)
        result.info[f"pipeline / bare encoder ({dtype})"] = f"{bare / pipeline:.1%}"
    rules = _timed(lambda: list(RuleAnalyzer().pipe(texts)), repeats)
    result.add("rules", rules, n, 0)
    result.info["peak RSS MB"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # this process
    return result


def batch_memory(model: str, sizes: tuple[int, ...] = (1000, 100000)) -> dict[int, int]:
    """Peak RSS (MB) of `quotestance batch` jobs of different sizes, each in a fresh process."""
    peaks = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            source = Path(folder) / f"in-{size}.jsonl"
            with source.open("w", encoding="utf-8") as handle:
                for i in range(size):
                    text = f'"Statement number {i} stands," the minister said. ' + "Background sentence. " * 10
                    handle.write(json.dumps({"id": str(i), "text": text}) + "\n")
            command = [sys.executable, "-c", _MEASURE, str(source), str(Path(folder) / f"out-{size}.jsonl"), model]
            peaks[size] = int(subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()[-1])
    return peaks


# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec.
_MEASURE = """
import sys
from quotestance.model.batch import BatchOptions, run_batch
from quotestance.model.registry import load_analyzer
run_batch(sys.argv[1], sys.argv[2], load_analyzer(sys.argv[3]), BatchOptions(progress=False))
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(int(peak.split()[1]) // 1024)
"""


def register_cli(sub) -> None:  # noqa: ANN001 - argparse's private subparsers type
    """Add `quotestance bench` to the CLI."""
    parser = sub.add_parser("bench", help="measure throughput: pipeline vs bare encoder vs rules")
    parser.add_argument("--model", default="default")
    parser.add_argument("--n", type=int, default=16, help="number of ~1,000-word articles")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--dtype", nargs="+", default=["float32", "bfloat16"], choices=["float32", "bfloat16"])
    parser.add_argument("--memory", nargs="*", type=int, metavar="N",
                        help="also measure peak RSS of batch jobs of these sizes (default 1000 100000)")
    parser.add_argument("--memory-model", default="rules", help="model for the memory check")
    parser.set_defaults(func=_cmd_bench)


def _cmd_bench(args) -> int:  # noqa: ANN001
    result = run_bench(args.model, args.n, args.repeats, tuple(args.dtype))
    print(result.table())
    if args.memory is not None:
        sizes = tuple(args.memory) or (1000, 100000)
        for size, peak in batch_memory(args.memory_model, sizes).items():
            print(f"batch job of {size} articles ({args.memory_model}): peak RSS {peak} MB")
    return 0
