"""Confirm on CPU what the meta device lets through: torch checks some rules only in real kernels.

Differential runs of random configurations (``tests/test_explain_confirm.py``) show where meta
and CPU disagree: transposed convolutions (``output_padding`` must be smaller than the stride or
the dilation; empty inputs and outputs) and convolutions over an empty spatial input. Meta
accepts these with a made-up shape; the CPU kernel refuses them.

For those calls (:func:`needs_confirmation`) each is re-run on CPU at a reduced but rule-equivalent size: one channel
per group in and out (``groups`` kept), a batch of at most two, and the same kernel, stride,
padding, dilation, output padding, padding mode and spatial input size. The rules the CPU
kernels apply are spatial (channel rules are checked by the constructor and on meta already),
but which kernel runs — and so which checks apply — depends on the batch (a batch of one and a
larger batch take different paths for an empty output) and on the groups, so both are kept.
The probe then fails exactly when the full layer would; ``tests/test_explain_confirm.py``
proves that agreement on random configurations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from torch import nn


def needs_confirmation(module: nn.Module, in_shape: list[int], out_shape: list[int]) -> bool:
    """Transposed convolutions always; other convolutions when a size is 0 — where the
    differential test found meta and CPU to disagree, and proves they agree otherwise."""
    from torch import nn

    if not isinstance(module, nn.modules.conv._ConvNd):
        return False
    return bool(module.transposed) or 0 in in_shape or 0 in out_shape


def confirm(module: nn.Module, in_shape: list[int]) -> str | None:
    """``None`` if CPU torch accepts ``module`` on ``in_shape``, else torch's first error line."""
    import torch

    conv: nn.modules.conv._ConvNd = module  # type: ignore[assignment]
    nd = len(conv.kernel_size)
    spatial = in_shape[-nd:] if len(in_shape) >= nd + 1 else in_shape
    batched = len(in_shape) == nd + 2
    batch = min(in_shape[0], 2) if batched else None
    groups = conv.groups
    kwargs: dict[str, Any] = {
        "kernel_size": conv.kernel_size,
        "stride": conv.stride,
        "padding": conv.padding,
        "dilation": conv.dilation,
        "bias": False,
        "padding_mode": conv.padding_mode,
    }
    if conv.transposed:
        kwargs["output_padding"] = conv.output_padding
    try:
        probe = type(conv)(groups, groups, groups=groups, device="cpu", **kwargs)
        shape = (batch, groups, *spatial) if batch is not None else (groups, *spatial)
        with torch.no_grad():
            probe(torch.zeros(shape))
    except (RuntimeError, ValueError) as error:
        text = str(error).strip()
        return text.splitlines()[0] if text else type(error).__name__
    return None
