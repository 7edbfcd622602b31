"""Documents round-trip through JSON and refuse spans that do not match their text."""

from __future__ import annotations

import pytest

from quotestance.model.document import Document, Quote, Span, SpanError


def _doc() -> Document:
    text = '"It\'s very dangerous," Biden told reporters.'
    return Document("d", text, [Quote("It's very dangerous,", 1, 21, "Joe Biden", Span.at(text, 23, 28),
                                      Span.at(text, 29, 33), "oppose")])


def test_document_json_round_trip():
    doc = _doc().validate()
    again = Document.from_dict(__import__("json").loads(doc.to_json()))
    assert again == doc


def test_document_rejects_mismatched_span():
    doc = _doc()
    doc.quotes[0].start += 1
    with pytest.raises(SpanError, match="quote 0"):
        doc.validate()


def test_document_rejects_unknown_stance():
    with pytest.raises(ValueError, match="stance must be one of"):
        Quote("x", 0, 1, stance="positive")  # type: ignore[arg-type]
