"""The one place that names label sets, paths and defaults.

Every other module imports from here, so a label or a default changes in exactly one spot.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

Stance = Literal["support", "oppose", "neutral"]
#: Stance toward North Korea–Russia cooperation, in the order the classifier's outputs use.
STANCES: tuple[Stance, ...] = ("support", "oppose", "neutral")
#: One colour per stance for the HTML view and the plots: blue and vermillion from the
#: Okabe-Ito palette, which stay apart under every common colour-vision deficiency, and grey.
STANCE_COLOURS: dict[Stance, str] = {"support": "#0072B2", "oppose": "#D55E00", "neutral": "#7A7A7A"}

#: Confidence keys a predicted quote carries.
CONFIDENCE_KEYS: tuple[str, ...] = ("quote", "speaker")

#: Double quotation marks: straight, and curly open/close.
DOUBLE_MARKS = '"\u201c\u201d'
#: Single marks, only used in headlines and inside other quotes (ANNOTATION.md).
SINGLE_MARKS = "'\u2018\u2019"

#: The shipped fine-tuned model lives inside the installed `quotestance.model` package.
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "default"
#: Given names that are nearly always female or male, derived from nomquamgender's name data
#: by `python -m quotestance.training.given_names`: "she said" should not resolve to Sergei.
GIVEN_NAMES_FILE = Path(__file__).resolve().parent / "data" / "given_names.json"
#: Public figures and bodies whose side in the cooperation is a matter of record: a hint for the
#: stance head where an article names "Kim Yo Jong" or "Vassily Nebenzia" without "North Korean" or "Russian".
KNOWN_SIDES_FILE = Path(__file__).resolve().parent / "data" / "known_sides.json"
#: Hand-written annotated fixtures (train/dev/test) inside `quotestance.eval`; the same
#: relative path holds for editable and regular installs.
FIXTURES_DIR = Path(__file__).resolve().parent.parent / "eval" / "fixtures"
#: Data files (speaker registry, quote bank, patterns) of the synthetic generator.
GENERATOR_DATA_DIR = Path(__file__).resolve().parent.parent / "training" / "data"

#: Name of the rule baseline, accepted wherever a model name is.
RULES_MODEL = "rules"
#: Name that means "the shipped fine-tuned model".
DEFAULT_MODEL = "default"
