"""Memory estimates from sizes alone (nothing is allocated: the run is on the meta device).

The convention, in bytes, each tensor counted at its dtype's element size (float32 = 4):

- ``input``: the input tensors;
- ``params``: every parameter once (shared parameters once);
- ``buffers``: every buffer once (BatchNorm running mean/var, counters);
- ``activations``: the tensors returned by every call of every leaf row, summed. This is what
  one forward pass writes; training keeps about this much for the backward pass;
- ``forward_backward``: ``2 * activations``, the activations plus their gradients — the figure
  torchinfo prints as "Forward/backward pass size";
- ``total = input + params + buffers + forward_backward`` (torchinfo's "Estimated Total Size"
  plus buffers). Optimizer state and the framework's workspace are not included.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from torch import nn


@dataclass(frozen=True)
class MemoryEstimate:
    input_bytes: int
    param_bytes: int
    buffer_bytes: int
    activation_bytes: int

    @property
    def forward_backward_bytes(self) -> int:
        return 2 * self.activation_bytes

    @property
    def total_bytes(self) -> int:
        return self.input_bytes + self.param_bytes + self.buffer_bytes + self.forward_backward_bytes

    def to_json(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "forward_backward_bytes": self.forward_backward_bytes,
            "total_bytes": self.total_bytes,
        }


def parameter_bytes(module: nn.Module) -> tuple[int, int]:
    """(parameter bytes, buffer bytes), each tensor once."""
    params = {id(p): p for p in module.parameters()}
    buffers = {id(b): b for b in module.buffers()}
    return (
        sum(p.numel() * p.element_size() for p in params.values()),
        sum(b.numel() * b.element_size() for b in buffers.values()),
    )
