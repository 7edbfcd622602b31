"""How fine-tuned encoder weights are stored: int8 deltas from the pip-installed base encoder.

Fine-tuning moves each weight matrix only a little, so `fine-tuned - base` is small and
quantises to int8 with one scale per row at an error far below float16's on the weights
themselves. This keeps all six fine-tuned layers of MiniLM in about 11 MB (float16 would take
21 MB); vectors (biases, LayerNorm) are stored in float16.
"""

from __future__ import annotations

import torch

Q8 = "::q8"
SCALE = "::scale"


def quantize_delta(weight: torch.Tensor, base: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """int8 codes and per-row float32 scales of `weight - base`."""
    delta = (weight.float() - base.float())
    scale = (delta.abs().amax(dim=1, keepdim=True) / 127.0).clamp(min=1e-12)
    return torch.round(delta / scale).clamp(-127, 127).to(torch.int8), scale


def dequantize_delta(codes: torch.Tensor, scale: torch.Tensor, base: torch.Tensor) -> torch.Tensor:
    return base.float() + codes.float() * scale


def round_trip(weight: torch.Tensor, base: torch.Tensor) -> torch.Tensor:
    """The value a weight has after saving and loading; matrices as int8 deltas, vectors as float16."""
    if weight.dim() == 2:
        return dequantize_delta(*quantize_delta(weight, base), base)
    return weight.half().float()


def pack(tensors: dict[str, torch.Tensor], base: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Tensors to write: encoder matrices as int8 deltas, encoder vectors as float16, heads as float32."""
    packed = {}
    for key, tensor in tensors.items():
        if key in base and tensor.dim() == 2:
            packed[key + Q8], packed[key + SCALE] = quantize_delta(tensor, base[key])
        elif key in base:
            packed[key] = tensor.half()
        else:
            packed[key] = tensor.float()
    return {k: v.contiguous() for k, v in packed.items()}


def unpack(saved: dict[str, torch.Tensor], current: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Rebuild full tensors; `current` holds the base weights the deltas were taken from."""
    state = {}
    for key, tensor in saved.items():
        if key.endswith(Q8):
            name = key[: -len(Q8)]
            state[name] = dequantize_delta(tensor, saved[name + SCALE], current[name])
        elif not key.endswith(SCALE):
            state[key] = tensor.float()
    return state
