"""The `quotestance` command: a thin layer that checks arguments and calls library functions.

Library code raises; only this module turns exceptions into messages and exit codes.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from quotestance.model.defaults import DEFAULT_MODEL, RULES_MODEL
from quotestance.model.document import Document

from .io import InputError, read_article_files

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
#: A batch job that finished but skipped bad records (listed in its errors file).
EXIT_RECORD_ERRORS = 3


def _open_output(path: str | None, force: bool):
    if path in (None, "-"):
        return sys.stdout
    target = Path(path)
    if target.exists() and not force:
        raise FileExistsError(f"{path} exists; pass --force to overwrite it")
    return target.open("w", encoding="utf-8")


def format_document_table(document: Document, width: int = 70) -> str:
    """A readable table of one document's quotes: speaker, stance, confidence, quote."""
    lines = [f"== {document.id}: {len(document.quotes)} quote(s)"]
    lines.append(f"{'#':>3}  {'speaker':<28} {'stance':<8} {'conf':>4}  quote")
    for i, quote in enumerate(document.quotes, 1):
        text = quote.text if len(quote.text) <= width else quote.text[: width - 1] + "\u2026"
        speaker = (quote.speaker or "-")[:28]
        conf = min(quote.confidence.get("quote", 1.0), quote.stance_scores.get(quote.stance, 1.0))
        lines.append(f"{i:>3}  {speaker:<28} {quote.stance:<8} {conf:>4.2f}  {text}")
    return "\n".join(lines)


def cmd_analyze(args: argparse.Namespace) -> int:
    from quotestance.model.registry import load_analyzer

    inputs, failed = read_article_files(args.files)
    if not inputs:
        return EXIT_ERROR
    analyzer = load_analyzer(args.model)
    documents = analyzer.pipe([text for _, text in inputs], batch_size=args.batch_size, ids=[i for i, _ in inputs])
    out = _open_output(args.output, args.force)
    try:
        if args.format == "json" and len(args.files) > 1:  # several articles: one JSON array
            out.write(json.dumps([d.to_dict() for d in documents], ensure_ascii=False, indent=2) + "\n")
        else:
            for document in documents:
                if args.format == "table":
                    out.write(format_document_table(document) + "\n\n")
                else:
                    out.write(document.to_json(indent=2 if args.format == "json" else None) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return EXIT_ERROR if failed else EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from quotestance.eval.fixtures import read_articles
    from quotestance.eval.runner import format_confusion, format_table, predict, write_report
    from quotestance.eval.scorer import score
    from quotestance.model.registry import load_analyzer

    models = args.model or [DEFAULT_MODEL]
    if len(set(models)) < len(models):
        raise ValueError(f"--model names a model twice ({', '.join(models)}): results are kept per model")
    if args.report and Path(args.report).exists() and not Path(args.report).is_dir():
        raise FileExistsError(f"--report {args.report}: a file, not a folder; the report is a folder of files")
    articles = read_articles(args.paths)
    results, predictions = {}, {}
    for model in models:
        analyzer = load_analyzer(model)
        predictions[model] = predict(articles, analyzer, batch_size=args.batch_size)
        results[model] = score(articles, predictions[model])
        if not args.json:
            print(format_table(results[model], f"model: {analyzer.name}", per_article=not args.summary))
            print(format_confusion(results[model]) + "\n")
    if args.json:
        print(json.dumps({m: r.metrics() for m, r in results.items()}, indent=2))
    if args.report:
        print(f"report written to {write_report(args.report, results, articles, predictions)}", file=sys.stderr)
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    from quotestance.model.batch import BatchOptions, errors_path, run_batch
    from quotestance.model.registry import load_analyzer

    options = BatchOptions(text_field=args.text_field, id_field=args.id_field, batch_size=args.batch_size,
                           chunk_size=args.chunk_size, flat=args.flat, resume=args.resume, errors=args.errors)
    if args.engine == "ray":
        from quotestance.model.ray_engine import run_batch_ray

        summary = run_batch_ray(args.input, args.output, args.model, options)
    else:
        summary = run_batch(args.input, args.output, load_analyzer(args.model), options)
    print(f"{summary.line()}; output: {args.output}", file=sys.stderr)
    if summary.errors or summary.earlier_errors:
        print(f"errors written to {errors_path(args.output, args.errors)}", file=sys.stderr)
        return EXIT_RECORD_ERRORS
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from quotestance.eval.validate import main as validate_main

    argv = list(args.paths) + (["--words", *map(str, args.words)] if args.words else [])
    return validate_main(argv)


def _model_option(parser: argparse.ArgumentParser, multiple: bool = False) -> None:
    help_text = f"'{DEFAULT_MODEL}' (the shipped fine-tuned model), '{RULES_MODEL}', or a saved model folder"
    if multiple:
        parser.add_argument("--model", action="append", help=help_text + "; repeat to compare models")
    else:
        parser.add_argument("--model", default=DEFAULT_MODEL, help=help_text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="quotestance", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress at INFO level")
    sub = parser.add_subparsers(dest="command", required=True)

    analyze = sub.add_parser("analyze", help="find quotes, speakers and stance in article files")
    analyze.add_argument("files", nargs="+", help="UTF-8 text files; '-' reads standard input")
    _model_option(analyze)
    analyze.add_argument("--format", choices=("table", "json", "jsonl"), default="table")
    analyze.add_argument("-o", "--output", help="write here instead of standard output")
    analyze.add_argument("--force", action="store_true", help="overwrite an existing output file")
    analyze.add_argument("--batch-size", type=int, default=8)
    analyze.set_defaults(func=cmd_analyze)

    evaluate = sub.add_parser("eval", help="score a model on annotated articles (ANNOTATION.md format)")
    evaluate.add_argument("paths", nargs="+", help="annotated JSON files or folders of them")
    _model_option(evaluate, multiple=True)
    evaluate.add_argument("--report", metavar="DIR", help="write report.md, metrics.json and PNG plots here")
    evaluate.add_argument("--json", action="store_true", help="print metrics as JSON instead of tables")
    evaluate.add_argument("--summary", action="store_true", help="print only the total row")
    evaluate.add_argument("--batch-size", type=int, default=8)
    evaluate.set_defaults(func=cmd_eval)

    batch = sub.add_parser("batch", help="analyse a collection: JSONL, CSV, Parquet, a .txt folder or a dataset")
    batch.add_argument("input", help="input file or folder")
    batch.add_argument("-o", "--output", required=True, help="output .jsonl or .parquet")
    _model_option(batch)
    batch.add_argument("--text-field", default="text")
    batch.add_argument("--id-field", default="id")
    batch.add_argument("--batch-size", type=int, default=16, help="articles per model batch")
    batch.add_argument("--chunk-size", type=int, default=64, help="articles written per flushed chunk")
    batch.add_argument("--flat", action="store_true", help="one row per quote instead of one per article")
    batch.add_argument("--resume", action="store_true", help="continue a killed job: skip ids already written")
    batch.add_argument("--errors", help="errors file (default: OUTPUT.errors.jsonl)")
    batch.add_argument("--engine", choices=("local", "ray"), default="local")
    batch.set_defaults(func=cmd_batch)

    validate = sub.add_parser("validate", help="check annotated articles against ANNOTATION.md")
    validate.add_argument("paths", nargs="+")
    validate.add_argument("--words", type=int, nargs=2, metavar=("MIN", "MAX"))
    validate.set_defaults(func=cmd_validate)

    for register in _extra_commands():
        register(sub)
    return parser


def _extra_commands() -> list[Callable[[argparse._SubParsersAction], None]]:
    """Commands that live with their package (generate, train, render, summarize) and register themselves."""
    from quotestance.eval.bench import register_cli as bench
    from quotestance.eval.summarize import register_cli as summarize
    from quotestance.model.render import register_cli as render
    from quotestance.training.generate import register_cli as generate
    from quotestance.training.train import register_cli as train

    return [generate, train, bench, render, summarize]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return args.func(args)
    except (InputError, OSError, ValueError) as error:  # OSError: missing files, full disks, unwritable paths
        print(f"quotestance: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `quotestance ... | head`: the reader left, nothing is wrong
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
