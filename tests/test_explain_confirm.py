"""What the meta device lets through, and the CPU confirmation that catches it.

``quizkit.explain.confirm`` re-runs convolutions on CPU at a reduced size (one channel in and
out, no groups, batch ≤ 1, same spatial hyper-parameters and input size). These tests prove on
random configurations that the reduced probe accepts exactly when torch accepts the full layer
on CPU, that every call meta accepts but CPU refuses is one that gets confirmed, and that the
configurations the probe exists for are really accepted by meta.
"""

from __future__ import annotations

import random
import warnings

import pytest
import torch
from torch import nn

from quizkit.errors import ExplainError
from quizkit.explain import explain
from quizkit.explain.confirm import confirm, needs_confirmation

CONVS = {
    (False, 1): nn.Conv1d, (False, 2): nn.Conv2d, (False, 3): nn.Conv3d,
    (True, 1): nn.ConvTranspose1d, (True, 2): nn.ConvTranspose2d, (True, 3): nn.ConvTranspose3d,
}  # fmt: skip


def _random_conv(rng: random.Random) -> tuple[nn.Module, tuple[int, ...]] | None:
    transposed, nd = rng.random() < 0.6, rng.choice([1, 2, 3])
    groups = rng.choice([1, 1, 2])
    kwargs: dict[str, object] = {
        "kernel_size": tuple(rng.randint(1, 4) for _ in range(nd)),
        "stride": tuple(rng.randint(1, 3) for _ in range(nd)),
        "padding": tuple(rng.randint(0, 3) for _ in range(nd)),
        "dilation": tuple(rng.randint(1, 3) for _ in range(nd)),
        "groups": groups,
        "bias": rng.random() < 0.5,
    }
    if transposed:
        kwargs["output_padding"] = tuple(rng.randint(0, 3) for _ in range(nd))
    try:
        conv = CONVS[(transposed, nd)](2 * groups, 3 * groups, **kwargs)  # type: ignore[arg-type]
    except (ValueError, RuntimeError):
        return None
    shape = (rng.choice([0, 1, 2, 3, 5]), 2 * groups, *(rng.randint(0, 6) for _ in range(nd)))
    if rng.random() < 0.2:
        shape = shape[1:]  # unbatched
    return conv, shape


def _cpu_accepts(conv: nn.Module, shape: tuple[int, ...]) -> bool:
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            conv(torch.zeros(shape))
    except RuntimeError:
        return False
    return True


def _meta_accepts(conv: nn.Module, shape: tuple[int, ...]) -> bool:
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            conv.to("meta")(torch.empty(shape, device="meta"))
    except RuntimeError:
        return False
    return True


def test_the_reduced_probe_agrees_with_the_full_layer_on_cpu() -> None:
    rng = random.Random(14)
    checked = refused = meta_only = 0
    while checked < 1500:
        drawn = _random_conv(rng)
        if drawn is None:
            continue
        conv, shape = drawn
        full = _cpu_accepts(conv, shape)
        probe = confirm(conv, list(shape)) is None
        assert probe == full, f"{conv} on {shape}: probe {probe}, torch {full}"
        meta = _meta_accepts(conv, shape)
        if meta and not needs_confirmation(conv, list(shape), _meta_out(conv, shape)):
            assert full, f"{conv} on {shape}: meta alone accepts, and it is not confirmed"
        checked += 1
        refused += not full
        meta_only += (not full) and meta
    assert refused > 100 and meta_only > 50  # the draws do reach the rules meta skips


def _meta_out(conv: nn.Module, shape: tuple[int, ...]) -> list[int]:
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return list(conv.to("meta")(torch.empty(shape, device="meta")).shape)


@pytest.mark.parametrize(
    "expr, shape, fragment",
    [
        (
            "nn.ConvTranspose2d(8, 4, 3, stride=2, output_padding=2)",
            (1, 8, 5, 5),
            "output padding must be smaller",
        ),
        ("nn.ConvTranspose1d(2, 2, 3, stride=2, output_padding=2)", (1, 2, 4), "ConvTranspose1d"),
        ("nn.Conv3d(2, 2, 1, padding=1)", (1, 2, 0, 3, 3), "Conv3d"),
    ],
)
def test_what_only_meta_accepts_is_an_explain_error(
    expr: str, shape: tuple[int, ...], fragment: str
) -> None:
    with torch.device("meta"):
        module = eval(expr, {"nn": nn})
    module(torch.empty(shape, device="meta"))  # meta alone accepts it...
    with pytest.raises(ExplainError, match=fragment):  # ...explain does not
        explain(expr, shape)


def test_probes_are_not_counted_as_flops() -> None:
    report = explain("nn.Conv2d(3, 6, 5)", (1, 3, 32, 32))
    assert report.flops == 2 * 6 * 3 * 5 * 5 * 28 * 28


POOLS = {
    ("max", 1): nn.MaxPool1d, ("max", 2): nn.MaxPool2d, ("max", 3): nn.MaxPool3d,
    ("avg", 1): nn.AvgPool1d, ("avg", 2): nn.AvgPool2d, ("avg", 3): nn.AvgPool3d,
}  # fmt: skip


def _verdict(module: nn.Module, shape: tuple[int, ...], device: str) -> tuple[int, ...] | None:
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return tuple(module.to(device)(torch.zeros(shape, device=device)).shape)
    except RuntimeError:
        return None


def test_pools_need_no_confirmation_meta_and_cpu_agree() -> None:
    """Why only convolutions are confirmed: on random pools (dilation, ceil_mode, padding,
    empty sizes) meta refuses exactly what CPU refuses and gives the same shapes."""
    rng = random.Random(7)
    checked = refused = 0
    while checked < 1500:
        kind, nd = rng.choice(["max", "avg"]), rng.choice([1, 2, 3])
        kwargs: dict[str, object] = {
            "kernel_size": rng.randint(1, 4),
            "stride": rng.randint(1, 3),
            "padding": rng.randint(0, 2),
            "ceil_mode": rng.random() < 0.5,
        }
        if kind == "max":
            kwargs["dilation"] = rng.randint(1, 3)
        try:
            pool = POOLS[(kind, nd)](**kwargs)  # type: ignore[arg-type]
        except (ValueError, RuntimeError):
            continue
        shape = (rng.choice([0, 1, 2]), 2, *(rng.randint(0, 7) for _ in range(nd)))
        meta, cpu = _verdict(pool, shape, "meta"), _verdict(pool, shape, "cpu")
        assert meta == cpu, f"{pool} on {shape}: meta {meta}, cpu {cpu}"
        checked += 1
        refused += cpu is None
    assert refused > 100
