"""Show analysed documents as one self-contained HTML page.

Every quote is highlighted in its stance colour and followed by a label with its speaker's
name; the speaker mention is underlined, the cue (the reporting verb) dashed; hovering a quote
shows its stance scores and confidence; a side panel counts each speaker's quotes per stance.
The page carries inline CSS only: no scripts, fonts or images from anywhere, so it opens
offline and travels as one file. All text from the article is HTML-escaped.

Nested quotes render as an inner highlight inside the outer one. Elements must nest to make
valid HTML, so a quote that crosses another quote's boundary is cut into pieces at that
boundary (the label follows the last piece), and an underline that would cross a quote or
another underline is left out.

Example:
    >>> from quotestance.model.document import Document, Quote
    >>> text = 'Kim said "we <b>are</b> ready."'
    >>> doc = Document("d1", text, [Quote(text[10:30], 10, 30, "Kim", stance="support")])
    >>> page = document_to_html(doc)
    >>> "we &lt;b&gt;are&lt;/b&gt; ready." in page and "<script" not in page
    True
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path

from .defaults import DEFAULT_MODEL, RULES_MODEL, STANCE_COLOURS, STANCES
from .document import Document, Quote

#: A text sign per stance, so that labels and the legend do not depend on colour alone.
STANCE_SIGNS: dict[str, str] = {"support": "+", "oppose": "\u2212", "neutral": "\u25cb"}

_QUOTE, _MENTION, _CUE = 0, 1, 2  # nesting order of elements with the same span: quote outermost
_NO_SPEAKER = "no speaker"
_ZERO = "\u00b7"  # a zero count, dimmed, so that the panel's numbers stand out


@dataclass(frozen=True)
class _Markup:
    """An element to wrap around text[start:end]; `label` follows its closing tag."""

    start: int
    end: int
    rank: int
    open: str
    close: str
    label: str = ""


def document_to_html(document: Document, title: str | None = None) -> str:
    """Render one document as a self-contained HTML page.

    Args:
        document: An analysed document (or one built from gold annotations).
        title: The page title; "quotestance: 1 article" by default.

    Returns:
        The HTML page as a string, the same that `quotestance render` writes.

    Raises:
        SpanError: A quote, mention or cue does not match the document's text.
    """
    return documents_to_html([document], title)


def documents_to_html(documents: Sequence[Document], title: str | None = None) -> str:
    """Render documents as one self-contained HTML page with a section per document.

    Args:
        documents: Analysed documents, shown in this order.
        title: The page title; "quotestance: N articles" by default.

    Returns:
        The HTML page as a string.

    Raises:
        SpanError: A quote, mention or cue does not match its document's text.
    """
    for document in documents:
        document.validate()  # offsets drive the markup: wrong ones would highlight the wrong words
    title = title or f"quotestance: {len(documents)} article{'s' * (len(documents) != 1)}"
    sections = [_section(document, i) for i, document in enumerate(documents, 1)]
    return "\n".join([
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>\n<style>\n{_css()}\n</style>\n</head>\n<body>",
        _page_header(title, documents),
        *sections,
        "</body>\n</html>\n",
    ])


# -- page furniture ----------------------------------------------------------------------------
def _page_header(title: str, documents: Sequence[Document]) -> str:
    nav = ""
    if len(documents) > 1:
        links = "".join(f'<li><a href="#doc-{i}">{escape(d.id)}</a></li>' for i, d in enumerate(documents, 1))
        nav = f'<nav><ol class="toc">{links}</ol></nav>'
    return f'<header class="page"><h1>{escape(title)}</h1>{_legend()}{nav}</header>'


def _legend() -> str:
    stances = "".join(
        f'<li><span class="swatch stance-{s}">{STANCE_SIGNS.get(s, "")} {s}</span></li>' for s in STANCES
    )
    extras = (
        '<li><span class="label stance-neutral">Speaker</span> speaker label after each quote</li>'
        '<li><span class="mention">mention</span> speaker mention</li>'
        '<li><span class="cue">cue</span> cue</li>'
        "<li>hover a quote for its confidence</li>"
    )
    return f'<ul class="legend" aria-label="legend"><li class="legend-title">Stance:</li>{stances}{extras}</ul>'


def _section(document: Document, index: int) -> str:
    counts = Counter(q.stance for q in document.quotes)
    summary = ", ".join(f"{counts[s]} {s}" for s in STANCES)
    return (
        f'<section class="document" id="doc-{index}">'
        f"<h2>{escape(document.id)}</h2>"
        f'<p class="meta">{len(document.quotes)} quote{"s" * (len(document.quotes) != 1)}: {summary}</p>'
        f'<div class="layout"><div class="article">{_article_body(document)}</div>'
        f"{_speaker_panel(document)}</div></section>"
    )


def _speaker_panel(document: Document) -> str:
    per_speaker: dict[str, Counter[str]] = {}
    for quote in document.quotes:
        per_speaker.setdefault(quote.speaker or "", Counter())[quote.stance] += 1
    ordered = sorted(per_speaker.items(), key=lambda item: (-sum(item[1].values()), item[0] == "", item[0]))
    head = "".join(f'<th class="stance-{s}" title="{s}">{STANCE_SIGNS.get(s, s)}</th>' for s in STANCES)
    rows = "".join(_speaker_row(name, counts) for name, counts in ordered)
    total = _speaker_row("all speakers", Counter(q.stance for q in document.quotes), cell="th")
    return (
        f'<aside class="speakers"><h3>Speakers</h3><table><thead><tr><th class="name">speaker</th>{head}'
        f"<th>all</th></tr></thead><tbody>{rows}</tbody><tfoot>{total}</tfoot></table></aside>"
    )


def _speaker_row(name: str, counts: Counter[str], cell: str = "td") -> str:
    shown = escape(name) if name else f'<span class="none">{_NO_SPEAKER}</span>'
    cells = "".join(
        f'<td class="{"count stance-" + s if counts[s] else "zero"}">{counts[s] or _ZERO}</td>' for s in STANCES
    )
    return f"<tr><{cell} class=\"name\">{shown}</{cell}>{cells}<td class=\"all\">{sum(counts.values())}</td></tr>"


# -- the article text with its markup ----------------------------------------------------------
def _article_body(document: Document) -> str:
    quotes = [_quote_markup(quote, i) for i, quote in enumerate(document.quotes)]
    return _weave(document.text, _laminate(quotes, _underline_markups(document.quotes)))


def _quote_markup(quote: Quote, index: int) -> _Markup:
    opening = (
        f'<mark class="quote stance-{quote.stance}" data-quote="{index}" data-stance="{quote.stance}" '
        f'data-speaker="{escape(quote.speaker or "")}" title="{escape(_quote_title(quote))}">'
    )
    speaker = escape(quote.speaker) if quote.speaker else f'<span class="none">{_NO_SPEAKER}</span>'
    label = f'<span class="label stance-{quote.stance}">{STANCE_SIGNS.get(quote.stance, "")} {speaker}</span>'
    return _Markup(quote.start, quote.end, _QUOTE, opening, "</mark>", label)


def _quote_title(quote: Quote) -> str:
    scores = " \u00b7 ".join(f"{s} {quote.stance_scores.get(s, 0.0):.2f}" for s in STANCES)
    confidence = " \u00b7 ".join(f"{key} {value:.2f}" for key, value in quote.confidence.items())
    lines = [f"{quote.speaker or _NO_SPEAKER} \u2014 {quote.stance}", f"stance: {scores}"]
    return "\n".join(lines + ([f"confidence: {confidence}"] if confidence else []))


def _underline_markups(quotes: Iterable[Quote]) -> list[_Markup]:
    """One underline per distinct mention or cue span; a mention shared by quotes is drawn once."""
    speakers: dict[tuple[int, int, int], list[str]] = {}
    for quote in quotes:
        for rank, span in ((_MENTION, quote.speaker_mention), (_CUE, quote.cue)):
            if span is not None:
                names = speakers.setdefault((span.start, span.end, rank), [])
                names += [quote.speaker] if quote.speaker and quote.speaker not in names else []
    return [_underline(start, end, rank, names) for (start, end, rank), names in speakers.items()]


def _underline(start: int, end: int, rank: int, speakers: list[str]) -> _Markup:
    kind = "mention" if rank == _MENTION else "cue"
    what = "speaker mention" if rank == _MENTION else "cue"
    title = f"{what} of {', '.join(speakers)}" if speakers else what
    return _Markup(start, end, rank, f'<span class="{kind}" title="{escape(title)}">', "</span>")


def _crosses(a: _Markup, b: _Markup) -> bool:
    """Whether two spans overlap without one containing the other."""
    return a.start < b.start < a.end < b.end or b.start < a.start < b.end < a.end


def _laminate(quotes: list[_Markup], underlines: list[_Markup]) -> list[_Markup]:
    """Make the elements nest: cut crossing quotes at the boundaries they cross, drop crossing underlines."""
    accepted: list[_Markup] = []
    for quote in sorted(quotes, key=lambda m: (m.start, -m.end)):
        accepted += _cut(quote, accepted)
    for underline in sorted(underlines, key=lambda m: (m.start, -m.end, m.rank)):
        if not any(_crosses(underline, other) for other in accepted):
            accepted.append(underline)
    return accepted


def _cut(markup: _Markup, accepted: list[_Markup]) -> list[_Markup]:
    """Split `markup` at the boundaries of accepted elements it crosses; only the last piece keeps the label.

    The pieces cross nothing already accepted: an accepted element that crosses a piece would
    either cross `markup` itself (its boundary is then a cut) or contain a cut point, whose
    element would then lie inside it and not cross `markup`.
    """
    crossed = [other for other in accepted if _crosses(markup, other)]
    cuts = sorted({p for o in crossed for p in (o.start, o.end) if markup.start < p < markup.end})
    bounds = [markup.start, *cuts, markup.end]
    pieces = [replace(markup, start=s, end=e, label="") for s, e in zip(bounds, bounds[1:], strict=False)]
    pieces[-1] = replace(pieces[-1], label=markup.label)
    return pieces


def _weave(text: str, markups: list[_Markup]) -> str:
    """Interleave escaped text and properly nested tags; `markups` must not cross each other."""
    out: list[str] = []
    stack: list[_Markup] = []
    position = 0
    for markup in sorted(markups, key=lambda m: (m.start, -m.end, m.rank)):
        while stack and stack[-1].end <= markup.start:
            position = _close(text, position, stack.pop(), out)
        out += [escape(text[position : markup.start], quote=False), markup.open]
        position = markup.start
        stack.append(markup)
    while stack:
        position = _close(text, position, stack.pop(), out)
    out.append(escape(text[position:], quote=False))
    return "".join(out)


def _close(text: str, position: int, markup: _Markup, out: list[str]) -> int:
    out += [escape(text[position : markup.end], quote=False), markup.close, markup.label]
    return markup.end


# -- style -------------------------------------------------------------------------------------
def _mix(colour: str, other: str, share: float) -> str:
    """Blend `share` of `colour` with the rest `other` (both #RRGGBB)."""
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x * share + y * (1 - share)):02x}" for x, y in zip(a, b, strict=True))


def _stance_css(stance: str, colour: str) -> str:
    tint, dark = _mix(colour, "#ffffff", 0.28), _mix(colour, "#000000", 0.82)
    return (
        f"mark.stance-{stance} {{ background: {tint}; border-color: {colour}; }}\n"
        f".label.stance-{stance} {{ background: {dark}; }}\n"
        f".swatch.stance-{stance} {{ background: {tint}; border-color: {colour}; }}\n"
        f"th.stance-{stance} {{ color: {dark}; }}\n"
        f"td.stance-{stance} {{ background: {tint}; }}"
    )


def _css() -> str:
    stance_rules = "\n".join(_stance_css(s, STANCE_COLOURS.get(s, "#7a7a7a")) for s in STANCES)
    return _BASE_CSS + stance_rules


_BASE_CSS = """\
body { margin: 0; background: #f6f6f2; color: #1b1b1b; font: 17px/1.65 Georgia, "DejaVu Serif", serif; }
header.page, .meta, aside.speakers, .label, .legend, nav, h1, h2, h3 {
  font-family: system-ui, "DejaVu Sans", sans-serif; }
header.page { padding: 0.9rem 2rem; background: #fff; border-bottom: 1px solid #ddd; }
h1 { font-size: 1.25rem; margin: 0 0 0.5rem; }
h2 { font-size: 1.1rem; margin: 0; }
h3 { font-size: 0.95rem; margin: 0 0 0.4rem; }
.legend { display: flex; flex-wrap: wrap; gap: 0.35rem 1.1rem; align-items: center; list-style: none;
  margin: 0; padding: 0; font-size: 0.85rem; color: #333; }
.legend-title { font-weight: 600; }
.swatch { padding: 0 0.45em; border-bottom: 3px solid; font-weight: 600; }
.toc { margin: 0.5rem 0 0; padding-left: 1.4rem; font-size: 0.85rem; columns: 3; }
section.document { padding: 1.2rem 2rem 1.6rem; }
.meta { margin: 0.1rem 0 0.8rem; color: #555; font-size: 0.85rem; }
.layout { display: grid; grid-template-columns: minmax(0, 48rem) minmax(15rem, 23rem); gap: 1.6rem;
  align-items: start; }
.article { white-space: pre-wrap; overflow-wrap: break-word; background: #fff; padding: 1.4rem 1.8rem;
  border: 1px solid #e0e0da; border-radius: 6px; }
mark.quote { color: inherit; border-bottom: 3px solid; padding: 0.08em 0; }
mark.quote mark.quote { border-style: solid; border-width: 1px 1px 3px; }  /* a nested quote: boxed */
mark.quote:hover { box-shadow: 0 0 0 2px #1b1b1b; }
.label { display: inline-block; margin: 0 0.3em 0 0.25em; padding: 0.05em 0.4em; border-radius: 3px;
  color: #fff; font-size: 0.72rem; font-weight: 600; line-height: 1.45; white-space: nowrap; vertical-align: 0.1em; }
.mention { text-decoration: underline solid 2px #1b1b1b; text-underline-offset: 0.2em; }
.cue { text-decoration: underline dashed 1.5px #1b1b1b; text-underline-offset: 0.2em; }
.none { font-style: italic; }
aside.speakers { position: sticky; top: 1rem; background: #fff; border: 1px solid #e0e0da; border-radius: 6px;
  padding: 0.8rem 0.9rem; font-size: 0.85rem; line-height: 1.35; }
aside table { border-collapse: collapse; width: 100%; }
aside th, aside td { padding: 0.22rem 0.35rem; border-bottom: 1px solid #eee; text-align: right; }
aside .name { text-align: left; font-weight: 400; }
aside thead th { font-size: 1rem; }
aside tfoot th, aside tfoot td { border-top: 2px solid #ccc; font-weight: 600; }
td.zero { color: #bbb; }
td.all { font-weight: 600; }
@media (max-width: 900px) { .layout { grid-template-columns: minmax(0, 1fr); } aside.speakers { position: static; } }
"""


# -- command line ------------------------------------------------------------------------------
def register_cli(sub: argparse._SubParsersAction) -> None:
    """Add `quotestance render` to the CLI."""
    parser = sub.add_parser("render", help="show analysed articles as one self-contained HTML page")
    parser.add_argument("files", nargs="+", help="article text files ('-' reads standard input) to analyse, or "
                        ".json/.jsonl output of `analyze --format json|jsonl` to show as stored")
    parser.add_argument("--model", default=DEFAULT_MODEL,
                        help=f"'{DEFAULT_MODEL}', '{RULES_MODEL}' or a saved model folder, for text files")
    parser.add_argument("--gold", action="store_true",
                        help="the files are annotated articles (ANNOTATION.md format, files or folders): show "
                        "their annotation instead of a model's output")
    parser.add_argument("-o", "--output", help="HTML file to write; standard output if omitted or '-'")
    parser.add_argument("--force", action="store_true", help="overwrite an existing output file")
    parser.add_argument("--title", help="page title")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.set_defaults(func=_cmd_render)


def _cmd_render(args: argparse.Namespace) -> int:
    target = None if args.output in (None, "-") else Path(args.output)
    if target is not None and target.exists() and not args.force:
        raise FileExistsError(f"{target} exists; pass --force to overwrite it")
    if args.gold:
        documents, failed = _gold_documents(args.files), 0
    else:
        documents, failed = _documents(args.files, args.model, args.batch_size)
    if not documents:
        print("quotestance: error: no articles to render (the inputs were unreadable or empty)", file=sys.stderr)
        return 1
    page = documents_to_html(documents, args.title)
    if target is None:
        sys.stdout.write(page)
    else:
        target.write_text(page, encoding="utf-8")
        print(f"wrote {len(documents)} article(s) to {target}", file=sys.stderr)
    return 1 if failed else 0


def _is_stored_output(name: str) -> bool:
    return Path(name).suffix.lower() in (".json", ".jsonl")


def _documents(names: Sequence[str], model: str, batch_size: int) -> tuple[list[Document], int]:
    """Stored documents from JSON files and fresh analyses of text files, in the order given.

    A file that cannot be read is reported and left out, as `analyze` does; the count says how many.
    """
    from quotestance.io import InputError, read_article_file, read_documents_file, report_skipped

    read: dict[str, list[Document] | tuple[str, str]] = {}
    for name in dict.fromkeys(names):  # a name given twice (or `-`) is read once
        try:
            read[name] = read_documents_file(name) if _is_stored_output(name) else read_article_file(name)
        except InputError as error:
            report_skipped(error)
    text_names = [name for name, item in read.items() if isinstance(item, tuple)]
    analysed = dict(zip(text_names, _analyse([read[n] for n in text_names], model, batch_size), strict=True))
    documents: list[Document] = []
    for name in names:
        if name in analysed:
            documents.append(analysed[name])
        elif name in read:
            documents += read[name]
    return documents, sum(name not in read for name in names)


def _analyse(texts: list[tuple[str, str]], model: str, batch_size: int) -> list[Document]:
    if not texts:
        return []
    from .registry import load_analyzer

    analyzer = load_analyzer(model)
    return list(analyzer.pipe([text for _, text in texts], batch_size=batch_size, ids=[i for i, _ in texts]))


def _gold_documents(paths: Sequence[str]) -> list[Document]:
    # The CLI is the one place that joins model and eval: the library in model/ never reads annotations.
    from quotestance.eval.fixtures import read_articles

    return [article.to_document() for article in read_articles(paths)]
