"""Batch summaries: counts per speaker and per country match hand-made `analyze` and `batch` output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quotestance.cli import main
from quotestance.eval.summarize import (
    NO_SPEAKER,
    UNKNOWN,
    ArticleQuotes,
    SpeakerDirectory,
    articles_from_rows,
    summarize,
)
from quotestance.io import read_json_values
from quotestance.model.batch_io import article_row, flat_rows
from quotestance.model.document import Document, Quote


def _doc(doc_id: str, quotes: list[tuple[str | None, str, float]]) -> Document:
    """A document whose quotes are "q0", "q1", ... with (speaker, stance, stance score) each."""
    parts, made = [], []
    for i, (speaker, stance, score) in enumerate(quotes):
        start = sum(len(p) for p in parts) + 1
        parts.append(f'"q{i}" ')
        scores = {s: (score if s == stance else (1 - score) / 2) for s in ("support", "oppose", "neutral")}
        made.append(Quote(f"q{i}", start, start + len(f"q{i}"), speaker, stance=stance, stance_scores=scores,
                          confidence={"quote": 0.99, "speaker": 0.9}))
    return Document(doc_id, "".join(parts), made).validate()


def _docs() -> list[Document]:
    """Two articles: Kim Jong Un and Choe (North Korea), Sabrina Singh (US), an unknown and an unattributed quote."""
    return [
        _doc("a", [("Kim Jong Un", "support", 0.9), ("Choe Son-hui", "support", 0.6), ("Sabrina Singh", "oppose", 0.8),
                   (None, "neutral", 0.7)]),
        _doc("b", [("Sabrina Singh", "oppose", 0.95), ("Sabrina Singh", "neutral", 0.5), ("Jane Nobody", "oppose", 0.4),
                   ("kim jong-un", "neutral", 0.55)]),
        _doc("c", []),
    ]


def _rows(form: str) -> list[dict]:
    if form == "analyze":
        return [d.to_dict() for d in _docs()]
    if form == "batch":
        return [article_row(d, "rules", "test") for d in _docs()]
    return [row for d in _docs() for row in flat_rows(d, "rules", "test")]


@pytest.fixture(params=["analyze", "batch", "flat"])
def batch(request, tmp_path) -> Path:
    """The same three articles as `analyze --format jsonl`, `batch` or `batch --flat` writes them."""
    path = tmp_path / "out.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in _rows(request.param)), encoding="utf-8")
    return path


def _read(path: Path) -> list[ArticleQuotes]:
    return articles_from_rows(read_json_values(str(path)), str(path))


def test_summarize_counts_per_speaker_and_country(batch):
    summary = summarize(_read(batch), SpeakerDirectory.load())
    assert summary.documents == 3
    assert dict(summary.totals) == {"support": 2, "oppose": 3, "neutral": 3}
    assert {k: dict(v) for k, v in summary.per_speaker.items()} == {
        "Kim Jong Un": {"support": 1}, "Choe Son-hui": {"support": 1}, "Sabrina Singh": {"oppose": 2, "neutral": 1},
        NO_SPEAKER: {"neutral": 1}, "Jane Nobody": {"oppose": 1}, "kim jong-un": {"neutral": 1},
    }
    assert {k: dict(v) for k, v in summary.per_group.items()} == {
        "North Korea": {"support": 2, "neutral": 1}, "United States": {"oppose": 2, "neutral": 1},
        NO_SPEAKER: {"neutral": 1}, UNKNOWN: {"oppose": 1},
    }


def test_summarize_top_quotes_by_confidence(batch):
    summary = summarize(_read(batch), SpeakerDirectory.load(), top=2)
    assert [(q.document, q.text, q.confidence) for q in summary.top_quotes["oppose"]] == [
        ("b", "q0", 0.95), ("a", "q2", 0.8)]
    assert [q.speaker for q in summary.top_quotes["support"]] == ["Kim Jong Un", "Choe Son-hui"]


def test_summarize_drops_names_claimed_by_two_countries():
    directory = SpeakerDirectory.from_entries([
        {"name": "Kim Jong Un", "short": ["Kim"], "country": "KP"},
        {"name": "Kim Yong-hyun", "short": ["Kim"], "country": "KR"},
        {"name": "Choe Son Hui", "short": ["Choe"], "country": "KP"},
    ])
    assert directory.group_of("Kim") == UNKNOWN
    assert directory.group_of("Choe") == directory.group_of("Kim Jong Un") == "North Korea"
    assert directory.group_of("Kim Yong-hyun") == "South Korea" and directory.group_of(None) == NO_SPEAKER


def test_summarize_cli_writes_tables_charts_and_json(batch, tmp_path, capsys):
    out = tmp_path / "summary"
    assert main(["summarize", str(batch), "-o", str(out)]) == 0
    text = (out / "summary.md").read_text(encoding="utf-8")
    assert "| Sabrina Singh | United States | 0 | 2 | 1 | 3 |" in text
    assert "| North Korea | 2 | 0 | 1 | 3 |" in text
    assert "![Stance per speaker](speakers.png)" in text and "](groups.png)" in text
    for name in ("speakers.png", "groups.png"):
        assert (out / name).read_bytes()[:4] == b"\x89PNG"
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert data["totals"] == {"support": 2, "oppose": 3, "neutral": 3, "all": 8}
    assert data["speakers"][0] == {"speaker": "Sabrina Singh", "group": "United States", "support": 0, "oppose": 2,
                                   "neutral": 1, "all": 3}
    assert main(["summarize", str(batch), "-o", str(out)]) == 1
    assert "--force" in capsys.readouterr().err


def test_summarize_cli_prints_tables_without_output_dir(batch, capsys):
    assert main(["summarize", str(batch), "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert "| United States | 0 | 2 | 1 | 3 |" in out and "### oppose" in out and "q0" in out


def test_summarize_flat_rows_give_the_same_summary_as_documents():
    assert summarize(_docs(), SpeakerDirectory.load()) == summarize(articles_from_rows(_rows("flat")),
                                                                 SpeakerDirectory.load())


def test_summarize_cli_names_a_file_that_is_not_output(tiny_article, capsys):
    assert main(["summarize", str(tiny_article)]) == 1
    err = capsys.readouterr().err
    assert "tiny.json: row 1 is not `batch` or `analyze` output" in err


def test_summarize_refuses_a_batch_errors_file(tmp_path, capsys):
    errors = tmp_path / "out.jsonl.errors.jsonl"
    errors.write_text('{"id": "x", "row": 2, "error": "empty text"}\n', encoding="utf-8")
    assert main(["summarize", str(errors)]) == 1
    assert "row 1 is not `batch` or `analyze` output" in capsys.readouterr().err


def test_summarize_cli_refuses_to_overwrite_any_summary_file(batch, tmp_path, capsys):
    out = tmp_path / "summary"
    out.mkdir()
    (out / "summary.json").write_text("{}", encoding="utf-8")
    assert main(["summarize", str(batch), "-o", str(out)]) == 1
    assert "summary.json" in capsys.readouterr().err and (out / "summary.json").read_text() == "{}"
    assert main(["summarize", str(batch), "-o", str(out), "--force"]) == 0


def test_summarize_cli_reads_a_file_named_twice_once(batch, capsys):
    assert main(["summarize", str(batch)]) == 0
    once = capsys.readouterr().out
    assert main(["summarize", str(batch), str(batch.parent / ".." / batch.parent.name / batch.name)]) == 0
    captured = capsys.readouterr()
    assert captured.out == once and "named more than once" in captured.err


@pytest.mark.parametrize("registry, fault", [
    ([{"name": "Kim Jong Un", "country": "KP"}, {"country": "US"}], "speaker 2 has no name"),
    (["Kim Jong Un"], "speaker 1 is str"),
    ([{"name": "Kim Jong Un", "aliases": "Kim"}], "aliases must be a list of strings"),
])
def test_summarize_cli_names_a_broken_speaker_registry(batch, tmp_path, capsys, registry, fault):
    path = tmp_path / "speakers.json"
    path.write_text(json.dumps(registry), encoding="utf-8")
    assert main(["summarize", str(batch), "--speakers", str(path)]) == 1
    assert fault in capsys.readouterr().err
