"""Hostile input, faults and safe loading: never a traceback, never a wrong offset, never the network."""

from __future__ import annotations

import json
import socket
import time
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotestance.cli import main
from quotestance.model.batch import BatchOptions, run_batch
from quotestance.model.defaults import STANCES
from quotestance.model.document import Document
from quotestance.model.rules import RuleAnalyzer
from tests.conftest import TEST_FIXTURES

MARKS = '"\u201c\u201d\'\u2018\u2019'
HOSTILE = {
    "empty": "",
    "whitespace": " \n\t\r\n ",
    "control": 'He said "ok\x00\x07\x1b" and left.\x0c',
    "html": '<p>Kim said &quot;no&quot; and "<b>yes</b> &amp; maybe," she said.</p><script>x()</script>',
    "crlf": 'Title\r\n\r\n"We are ready," Kim said.\r\n"Still ready," she added.\r\n',
    "lone_cr": '"One," he said.\r"Two," he said.\r',
    "odd_marks": 'A " B " C " D "',
    "never_closes": 'The minister said "this goes on and on without end',
    "only_quotes": '"A" "B" "C" \u201cD\u201d \u201cE\u201d',
    "nested": '"a \'b "c \u201cd \u2018e\u2019 f\u201d g" h\' i"' * 5,
    "mixed_scripts": '\uae40\uc815\uc740 said "\u0414\u0430, \u043c\u044b \u0433\u043e\u0442\u043e\u0432\u044b," '
                     'and \u4e60\u8fd1\u5e73 said \u201c\u597d.\u201d',
    "emoji": 'Kim said "we are ready \U0001f680\U0001f1f0\U0001f1f5," e\u0301e\u0301 "d\u0303one."',
    "long_paragraph": ('word ' * 10000) + '"end," he said.',
}


def check_document(document: Document, text: str) -> None:
    """The invariants every analysis must keep (offsets are Python string indices)."""
    assert document.text == text
    document.validate()
    quotes = sorted(document.quotes, key=lambda q: (q.start, -q.end))
    for a, b in zip(quotes, quotes[1:], strict=False):
        assert b.start >= a.end or b.end <= a.end, "quotes may nest but never cross"
    for quote in document.quotes:
        assert 0 <= quote.start < quote.end <= len(text)
        assert quote.stance in STANCES
        assert abs(sum(quote.stance_scores.values()) - 1.0) < 1e-3
        assert set(quote.stance_scores) == set(STANCES)


@pytest.fixture(scope="module")
def tiny_analyzer(tiny_model_settings, tmp_path_factory):
    """A tiny trained transformer: the same code paths as the shipped model, fast enough to fuzz."""
    from quotestance.training.train import TrainConfig, train

    fixture = TEST_FIXTURES / "tiny.json"
    config = TrainConfig(synthetic_articles=4, synthetic_dev_articles=2, fixtures=[str(fixture)], fixture_repeats=2,
                         dev=[str(fixture)], batch_size=2, evaluations=1, model=tiny_model_settings)
    return train(config).analyzer


@pytest.fixture(scope="module", params=["rules", "tiny"])
def analyzer(request):
    return RuleAnalyzer() if request.param == "rules" else request.getfixturevalue("tiny_analyzer")


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_trust_hostile_inputs_work(analyzer, name):
    text = HOSTILE[name]
    check_document(analyzer(text), text)


def _edits(draw_text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A fixture article with random insertions, deletions and quote marks."""
    articles = [json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted(TEST_FIXTURES.glob("*.json"))]

    @st.composite
    def edited(draw: st.DrawFn) -> str:
        text = draw(st.sampled_from(articles))
        for _ in range(draw(st.integers(0, 6))):
            at = draw(st.integers(0, len(text)))
            if draw(st.booleans()):
                text = text[:at] + draw(draw_text) + text[at:]
            else:
                text = text[:at] + text[at + draw(st.integers(0, 20)) :]
        return text

    return edited()


TEXTS = st.one_of(
    st.text(alphabet=st.sampled_from(list(MARKS + " \n.,Kim said he she the minister\u00e9\U0001f600\x00\r")),
             max_size=300),
    st.text(max_size=200),
    _edits(st.text(alphabet=st.sampled_from(list(MARKS + " \n.,abc")), max_size=10)),
)


def _property(analyzer, texts: list[str]) -> None:
    documents = [analyzer(t, id=str(i)) for i, t in enumerate(texts)]
    for document, text in zip(documents, texts, strict=True):
        check_document(document, text)
    assert [d.to_dict() for d in analyzer.pipe(texts, batch_size=2, ids=[str(i) for i in range(len(texts))])] == \
        [d.to_dict() for d in documents], "pipe must equal single calls"
    assert analyzer(texts[0], id="0").to_dict() == documents[0].to_dict(), "analysis must be deterministic"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(TEXTS, min_size=1, max_size=3))
def test_trust_property_rules(texts):
    _property(RuleAnalyzer(), texts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(texts=st.lists(TEXTS, min_size=1, max_size=3))
def test_trust_property_transformer(tiny_analyzer, texts):
    _property(tiny_analyzer, texts)


@pytest.mark.slow
@settings(max_examples=10000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(TEXTS, min_size=1, max_size=2))
def test_trust_property_rules_10000(texts):
    _property(RuleAnalyzer(), texts)


@pytest.mark.slow
@settings(max_examples=10000, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                     HealthCheck.function_scoped_fixture])
@given(texts=st.lists(TEXTS, min_size=1, max_size=2))
def test_trust_property_transformer_10000(tiny_analyzer, texts):
    _property(tiny_analyzer, texts)


def test_trust_million_characters_bounded_and_linear():
    paragraph = 'Officials met again. "We are ready," Kim said. The talks went on. ' * 15
    big = "\n\n".join([paragraph] * 1010)  # ~1,000,000 characters
    small = big[: len(big) // 10]
    analyzer = RuleAnalyzer()
    timings = []
    for text in (small, big):
        started = time.perf_counter()
        tracemalloc.start()
        document = analyzer(text)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        timings.append(time.perf_counter() - started)
        check_document(document, text)
    assert len(big) >= 1_000_000
    assert timings[1] < timings[0] * 25, f"10x the text took {timings[1] / timings[0]:.1f}x the time"
    assert peak < 400 * 2**20


def test_trust_analyze_file_errors_name_file_and_byte(tmp_path, capsys):
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b'\xef\xbb\xbf"Yes," Kim said.')
    assert main(["analyze", str(bom), "--model", "rules", "--format", "jsonl"]) == 0
    assert json.loads(capsys.readouterr().out)["quotes"][0]["start"] == 1  # the BOM is not part of the text
    latin = tmp_path / "latin.txt"
    latin.write_bytes('"Caf\u00e9," Kim said.'.encode("latin-1"))
    assert main(["analyze", str(latin), "--model", "rules"]) == 1
    assert "latin.txt: not UTF-8 at byte 4" in capsys.readouterr().err


def test_trust_no_network_needed(monkeypatch, tiny_analyzer):
    """With sockets blocked, models load and analyse (the shipped one too, when it is there)."""
    from quotestance.model.registry import default_model_available, load_analyzer

    def refuse(*args, **kwargs):
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    check_document(tiny_analyzer('"Yes," Kim said.'), '"Yes," Kim said.')
    if default_model_available():
        document = load_analyzer("default")('"It is lawful," Zinoviev said.')
        assert document.quotes and document.quotes[0].speaker == "Zinoviev"


def test_trust_disk_full_is_a_clear_error_and_resume_loses_nothing(tmp_path, monkeypatch):
    from quotestance.model import batch_io

    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": f"a{i}", "text": f'"Hi {i}," Kim said.'}) + "\n" for i in range(50)))
    out = tmp_path / "out.jsonl"
    real_write = batch_io.JsonlSink.write
    calls = {"n": 0}

    def full_disk(self, rows):
        calls["n"] += 1
        if calls["n"] == 3 and self.path == out:
            raise OSError(28, "No space left on device", str(self.path))
        return real_write(self, rows)

    monkeypatch.setattr(batch_io.JsonlSink, "write", full_disk)
    with pytest.raises(OSError, match="No space left"):
        run_batch(source, out, RuleAnalyzer(), BatchOptions(chunk_size=10))
    monkeypatch.setattr(batch_io.JsonlSink, "write", real_write)
    run_batch(source, out, RuleAnalyzer(), BatchOptions(chunk_size=10, resume=True))
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert sorted(ids) == sorted(f"a{i}" for i in range(50))


def test_trust_unwritable_output_is_a_clear_cli_error(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": '"Hi," Kim said.'}) + "\n")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code = main(["batch", str(source), "-o", str(blocker / "out.jsonl"), "--model", "rules"])
    assert code == 1
    assert "out.jsonl" in capsys.readouterr().err


def test_trust_input_file_vanishing_mid_job_is_an_error_row(tmp_path, monkeypatch):
    folder = tmp_path / "texts"
    folder.mkdir()
    for i in range(5):
        (folder / f"{i}.txt").write_text(f'"Hi {i}," Kim said.')
    from pathlib import Path

    real_read = Path.read_bytes

    def vanish(self):
        if self.name == "2.txt":
            raise FileNotFoundError(2, "No such file or directory", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", vanish)
    summary = run_batch(folder, tmp_path / "out.jsonl", RuleAnalyzer())
    errors = [json.loads(line) for line in (tmp_path / "out.jsonl.errors.jsonl").read_text().splitlines()]
    assert summary.analysed == 4 and [e["id"] for e in errors] == ["2.txt"]
    assert "cannot be read" in errors[0]["error"]
