"""Turn a model name or folder into an analyzer: a plain name-to-loader dict, no registry system."""

from __future__ import annotations

import logging
import re
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


_SURROGATE = re.compile("[\ud800-\udfff]")
_NO_ID = object()


def check_text(text: object, what: str = "text") -> str:
    """The text itself, or a TypeError/ValueError saying what is wrong with it.

    A lone surrogate (from `errors="surrogateescape"` decoding, or a JSON escape of U+D800 to U+DFFF)
    is caught here: it would pass the analysis and then break every UTF-8 writer downstream.
    """
    if not isinstance(text, str):
        raise TypeError(f"{what} is {type(text).__name__}, expected str")
    if match := _SURROGATE.search(text):
        raise ValueError(f"{what} is not valid Unicode: lone surrogate U+{ord(match.group()):04X} at character "
                         f"{match.start()} (undecodable bytes? decode the input as UTF-8 first)")
    return text


def texts_with_ids(texts: Iterable[str], ids: Iterable[str] | None = None) -> Iterator[tuple[str, str]]:
    """Pair the texts given to `pipe` with their ids (running numbers when none), checking both.

    A bare string would otherwise be analysed letter by letter, and ids that run out would stop
    the caller with a StopIteration from deep inside a generator.
    """
    if isinstance(texts, (str, bytes)) or isinstance(ids, (str, bytes)):
        raise TypeError("pipe() takes an iterable of texts (and of ids), not a single string; "
                        "call the analyzer itself on one text")
    id_iter = iter(ids) if ids is not None else None
    for i, text in enumerate(texts):
        doc_id = str(i) if id_iter is None else next(id_iter, _NO_ID)
        if doc_id is _NO_ID:
            raise ValueError(f"fewer ids than texts: text {i} has no id")
        yield check_text(text, f"text {i} (id {doc_id!r})"), str(doc_id)
    if id_iter is not None and next(id_iter, _NO_ID) is not _NO_ID:
        raise ValueError("more ids than texts")


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
