"""The HTML view: escaping, nesting, legend, completeness, one self-contained file, and a real browser."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import defaultdict
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from quotestance.cli import main
from quotestance.eval.fixtures import read_article
from quotestance.model.defaults import STANCE_COLOURS, STANCES
from quotestance.model.document import Document, Quote, Span, SpanError
from quotestance.model.render import STANCE_SIGNS, document_to_html, documents_to_html

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


class _Page(HTMLParser):
    """Reads a rendered page back: tag balance, each quote's text, the article text, the labels."""

    VOID = {"meta", "br", "img", "link", "hr", "input"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.balanced = True
        self.quotes: list[dict[int, str]] = []  # per article: quote index -> its text
        self.articles: list[str] = []
        self.labels: list[str] = []
        self.feed(html)
        self.close()
        self.balanced = self.balanced and not self.stack

    def _classes(self) -> list[set[str]]:
        return [set((attrs.get("class") or "").split()) for _, attrs in self.stack]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        self.stack.append((tag, {k: v or "" for k, v in attrs}))
        classes = self._classes()[-1]
        if "article" in classes:
            self.articles.append("")
            self.quotes.append(defaultdict(str))
        if "label" in classes and any("article" in c for c in self._classes()):
            self.labels.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.balanced = False
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        classes = self._classes()
        if not any("article" in c for c in classes):
            return
        if any("label" in c for c in classes):
            self.labels[-1] += data
            return
        self.articles[-1] += data
        for _, attrs in self.stack:
            if "data-quote" in attrs:
                self.quotes[-1][int(attrs["data-quote"])] += data


def _quote(text: str, start: int, end: int, speaker: str | None = "Kim", stance: str = "neutral", **spans) -> Quote:
    return Quote(text[start:end], start, end, speaker, stance=stance, **spans)


def _seed_document(seed_path: Path) -> Document:
    return read_article(seed_path).to_document()


def test_render_escapes_markup_in_text_speaker_and_id():
    text = 'He said "<script>alert(1)</script> & more" today.'
    doc = Document("<i>id</i>", text, [_quote(text, 9, 41, speaker="<b>Kim</b>")]).validate()
    page = document_to_html(doc)
    assert "<script" not in page and "<b>Kim" not in page and "<i>id" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    parsed = _Page(page)
    assert parsed.balanced and parsed.quotes == [{0: doc.quotes[0].text}]
    assert parsed.articles == [text] and "<b>Kim</b>" in parsed.labels[0]


def test_render_nests_inner_quote_inside_outer():
    text = "Lee said \"Kim calls it 'a threat to us,' but he lies,\" on Monday."
    outer, inner = (10, 53), (24, 39)
    doc = Document("d", text, [_quote(text, *outer, speaker="Lee", stance="oppose"),
                               _quote(text, *inner, speaker="Kim", stance="support")]).validate()
    page = document_to_html(doc)
    parsed = _Page(page)
    assert parsed.balanced and parsed.articles == [text]
    assert parsed.quotes == [{0: text[10:53], 1: text[24:39]}]
    body = page[page.index('class="article"'):]
    assert body.index('data-quote="0"') < body.index('data-quote="1"') < body.index("</mark>")
    assert [label.split(" ", 1)[1] for label in parsed.labels] == ["Kim", "Lee"]


def test_render_cuts_crossing_quotes_into_valid_nesting():
    text = "aaa bbb ccc ddd eee"
    doc = Document("d", text, [_quote(text, 0, 11), _quote(text, 4, 15, stance="oppose")])
    parsed = _Page(document_to_html(doc))
    assert parsed.balanced and parsed.articles == [text]
    assert parsed.quotes == [{0: "aaa bbb ccc", 1: "bbb ccc ddd"}]
    assert len(parsed.labels) == 2


@pytest.mark.parametrize(("mention", "drawn"), [((8, 12), False), ((0, 3), True), ((11, 13), True)])
def test_render_underlines_mentions_unless_they_cross_a_quote(mention, drawn):
    text = 'Kim said "go now" to us.'
    quote = _quote(text, 10, 16, speaker_mention=Span.at(text, *mention), cue=Span.at(text, 4, 8))
    page = document_to_html(Document("d", text, [quote]).validate())
    body = page[page.index('class="article"'):]
    assert ('class="mention"' in body) is drawn and 'class="cue"' in body
    assert _Page(page).balanced and _Page(page).articles == [text]


def test_render_draws_a_shared_mention_once():
    text = '"Yes," Kim said. "No," he said.'
    mention = Span.at(text, 7, 10)
    doc = Document("d", text, [_quote(text, 1, 5, speaker_mention=mention),
                               _quote(text, 18, 21, speaker_mention=mention)])
    body = document_to_html(doc).split('class="article"', 1)[1]
    assert body.count('class="mention"') == 1


def test_render_legend_names_every_stance_with_colour_and_sign():
    page = document_to_html(Document("d", "No quotes here."))
    legend = page[page.index('class="legend"'):page.index("</ul>")]
    for stance in STANCES:
        assert f"stance-{stance}" in legend and stance in legend and STANCE_SIGNS[stance] in legend
        assert STANCE_COLOURS[stance] in page
    assert "speaker mention" in legend and "cue" in legend and "confidence" in legend


def test_render_palette_and_signs_cover_the_stances():
    assert set(STANCE_COLOURS) == set(STANCES) == set(STANCE_SIGNS)


def test_render_seed_contains_every_quote_and_speaker(seed_path):
    doc = _seed_document(seed_path)
    page = doc.to_html()
    parsed = _Page(page)
    assert parsed.balanced and parsed.articles == [doc.text]
    assert parsed.quotes == [{i: q.text for i, q in enumerate(doc.quotes)}]
    for quote, label in zip(doc.quotes, parsed.labels, strict=True):
        assert label.endswith(quote.speaker or "no speaker")
    panel = unescape(page[page.index('<aside class="speakers">'):])
    assert all(q.speaker in panel for q in doc.quotes if q.speaker)


def test_render_is_self_contained(seed_path):
    page = _seed_document(seed_path).to_html()
    for forbidden in ("http://", "https://", "<script", "<link", "@import", "url(", " src="):
        assert forbidden not in page
    assert "<style>" in page


def test_render_gives_each_document_a_section():
    docs = [Document("first", "One."), Document("second", '"Two," Kim said.', [Quote("Two,", 1, 5, "Kim")])]
    page = documents_to_html(docs)
    assert page.count('<section class="document"') == 2 and 'href="#doc-2"' in page
    assert _Page(page).articles == ["One.", '"Two," Kim said.']


def test_document_to_html_is_the_renderer():
    doc = Document("d", '"Yes," Kim said.', [Quote("Yes,", 1, 5, "Kim")])
    assert doc.to_html() == document_to_html(doc)


def test_render_cli_from_text_and_stored_output(tmp_path, capsys):
    story = tmp_path / "story.txt"
    story.write_text('"We are ready," Kim said.', encoding="utf-8")
    stored = tmp_path / "out.jsonl"
    assert main(["analyze", str(story), "--model", "rules", "--format", "jsonl", "-o", str(stored)]) == 0
    page = tmp_path / "page.html"
    assert main(["render", str(stored), str(story), "--model", "rules", "-o", str(page)]) == 0
    parsed = _Page(page.read_text(encoding="utf-8"))
    assert parsed.quotes[0] == parsed.quotes[1] == {0: "We are ready,"} and len(parsed.articles) == 2
    assert main(["render", str(stored), "-o", str(page)]) == 1
    assert "--force" in capsys.readouterr().err


def test_render_cli_leaves_out_an_unreadable_file_and_shows_the_others(tmp_path, capsys):
    story, bad, page = tmp_path / "story.txt", tmp_path / "bad.txt", tmp_path / "page.html"
    story.write_text('"We are ready," Kim said.', encoding="utf-8")
    bad.write_bytes(b"caf\xe9")
    assert main(["render", str(bad), str(story), str(story), "--model", "rules", "-o", str(page)]) == 1
    assert "bad.txt: not UTF-8 at byte 3" in capsys.readouterr().err
    assert _Page(page.read_text(encoding="utf-8")).quotes == [{0: "We are ready,"}] * 2


def test_render_cli_points_annotated_files_to_gold(tiny_article, tmp_path, capsys):
    assert main(["render", str(tiny_article), "-o", str(tmp_path / "a.html")]) == 1
    assert "--gold" in capsys.readouterr().err
    assert main(["render", str(tiny_article), "--gold", "-o", str(tmp_path / "a.html")]) == 0
    assert "Yoon Suk Yeol" in (tmp_path / "a.html").read_text(encoding="utf-8")


def _chromium(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [shutil.which("chromium") or "chromium", *CHROMIUM_FLAGS, f"--user-data-dir={cwd / 'profile'}", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=180, check=False)


def test_render_seed_in_headless_chromium(seed_path, tmp_path):
    if shutil.which("chromium") is None:
        pytest.skip("Debian's `chromium` is not on PATH (`apt-get install chromium`; `make test` does it in CI)")
    doc = _seed_document(seed_path)
    html = tmp_path / "seed.html"
    html.write_text(doc.to_html(), encoding="utf-8")
    shot = tmp_path / "seed.png"
    result = _chromium(f"--screenshot={shot}", "--window-size=1280,2000", html.as_uri(), cwd=tmp_path)
    assert shot.is_file(), result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    dom = _chromium("--dump-dom", html.as_uri(), cwd=tmp_path).stdout
    parsed = _Page(dom)
    assert parsed.articles == [doc.text]
    assert parsed.quotes == [{i: q.text for i, q in enumerate(doc.quotes)}]
    assert {q.speaker for q in doc.quotes if q.speaker} <= {label.split(" ", 1)[1] for label in parsed.labels}


def test_render_refuses_spans_that_do_not_match_the_text():
    doc = Document("d", '"Yes," Kim said.', [Quote("No", 1, 3, "Kim")])
    with pytest.raises(SpanError, match="does not match"):
        document_to_html(doc)


@pytest.mark.parametrize(("row", "message"), [
    ({"id": "a", "quote_index": 0, "quote_count": 1, "text": "Yes,", "start": 1, "end": 5}, "batch --flat"),
    ({"id": "a", "text": '"Yes," Kim said.'}, "not analysed yet"),
])
def test_render_cli_refuses_rows_that_are_not_analysed_articles(tmp_path, capsys, row, message):
    stored = tmp_path / "rows.jsonl"
    stored.write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert main(["render", str(stored), "-o", str(tmp_path / "page.html")]) == 1
    assert message in capsys.readouterr().err and not (tmp_path / "page.html").exists()


def test_render_of_gold_annotations_claims_no_confidence(seed_path):
    page = document_to_html(_seed_document(seed_path))
    assert "confidence: " not in page and "stance: " in page
