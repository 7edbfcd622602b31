"""Turn a model name or folder into an analyzer: a plain name-to-loader dict, no registry system."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol

from .defaults import DEFAULT_MODEL, DEFAULT_MODEL_DIR, RULES_MODEL
from .document import Document

logger = logging.getLogger(__name__)


class Analyzer(Protocol):
    """What every model offers: one text, or many in input order."""

    name: str

    def __call__(self, text: str, id: str = "doc") -> Document: ...

    def pipe(
        self, texts: Iterable[str], batch_size: int = 8, ids: Iterable[str] | None = None
    ) -> Iterator[Document]: ...


class ModelNotFoundError(FileNotFoundError):
    """A model name or folder that cannot be loaded."""


def _load_rules() -> Analyzer:
    from .rules import RuleAnalyzer

    return RuleAnalyzer()


def _load_folder(path: Path) -> Analyzer:
    from .pipeline import QuoteAnalyzer

    return QuoteAnalyzer.load(path)


def default_model_available() -> bool:
    """Whether the fine-tuned default ships with this installation."""
    return (DEFAULT_MODEL_DIR / "config.json").is_file()


def _load_default() -> Analyzer:
    if not default_model_available():
        logger.warning("no fine-tuned model is shipped in %s; falling back to the rule baseline", DEFAULT_MODEL_DIR)
        return _load_rules()
    return _load_folder(DEFAULT_MODEL_DIR)


NAMED_MODELS: dict[str, Callable[[], Analyzer]] = {RULES_MODEL: _load_rules, DEFAULT_MODEL: _load_default}


def load_analyzer(name_or_dir: str | Path = DEFAULT_MODEL) -> Analyzer:
    """Load `rules`, `default` or a saved model folder; never touches the network.

    Example:
        >>> load_analyzer("rules").name
        'rules'
    """
    key = str(name_or_dir)
    if key in NAMED_MODELS:
        return NAMED_MODELS[key]()
    path = Path(name_or_dir)
    if path.is_dir():
        return _load_folder(path)
    raise ModelNotFoundError(
        f"unknown model {key!r}: expected one of {sorted(NAMED_MODELS)} or a folder holding a saved model"
    )
