"""quotestance: direct quotes, their speakers and their stance toward North Korea–Russia cooperation.

Importing is cheap: torch and transformers load only when a fine-tuned model does.

Example:
    >>> import quotestance
    >>> doc = quotestance.load("rules")('"We are ready," Sabrina Singh said.')
    >>> doc.quotes[0].speaker
    'Sabrina Singh'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from quotestance.model.defaults import STANCES, Stance
from quotestance.model.document import Document, Quote, Span
from quotestance.model.registry import load_analyzer as load

if TYPE_CHECKING:
    from quotestance.model.pipeline import QuoteAnalyzer

__all__ = ["STANCES", "Document", "Quote", "QuoteAnalyzer", "Span", "Stance", "load"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "QuoteAnalyzer":  # imports torch, so only on demand
        from quotestance.model.pipeline import QuoteAnalyzer

        return QuoteAnalyzer
    raise AttributeError(f"module 'quotestance' has no attribute {name!r}")
