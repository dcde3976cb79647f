"""Hidden tests of ``rnn_cells``: the truth is torch.nn.LSTMCell / GRUCell with the same
weights (``torch.lstm_cell`` / ``torch.gru_cell``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch

from quizkit.exercises.catalog import get_exercise
from quizkit.exercises.forbidden import ForbiddenSpec
from quizkit.exercises.spec import Case, Rng, Suite, call_case
from quizkit.exercises.suites._common import DTYPES, test

LSTM_NAMES = ["input", "hx", "cx", "w_ih", "w_hh", "b_ih", "b_hh"]
GRU_NAMES = ["input", "hx", "w_ih", "w_hh", "b_ih", "b_hh"]


def lstm_truth(
    input: Any, hx: Any, cx: Any, w_ih: Any, w_hh: Any, b_ih: Any = None, b_hh: Any = None
) -> tuple[Any, Any]:
    h, c = torch.lstm_cell(input, (hx, cx), w_ih, w_hh, b_ih, b_hh)
    return h, c


def gru_truth(input: Any, hx: Any, w_ih: Any, w_hh: Any, b_ih: Any = None, b_hh: Any = None) -> Any:
    return torch.gru_cell(input, hx, w_ih, w_hh, b_ih, b_hh)


def _cell(
    rng: Rng,
    name: str,
    *,
    bias: bool,
    grad: bool = False,
    dtype: Any = torch.float64,
    input_scale: float = 1.0,
) -> Case:
    """One call of ``lstm_cell`` (4 gates, a cell state ``cx``) or ``gru_cell`` (3 gates)."""
    lstm = name == "lstm_cell"
    gates = 4 if lstm else 3
    n, i, h = rng.randint(1, 4), *rng.sizes(2, 2, 6)
    args = [rng.randn(n, i, dtype=dtype, scale=input_scale), rng.randn(n, h, dtype=dtype)]
    if lstm:
        args.append(rng.randn(n, h, dtype=dtype))
    args += [
        rng.randn(gates * h, i, dtype=dtype, scale=0.5),
        rng.randn(gates * h, h, dtype=dtype, scale=0.5),
    ]
    if bias:
        args += [rng.randn(gates * h, dtype=dtype), rng.randn(gates * h, dtype=dtype)]
    wrt: list[int | str] = list(range(len(args))) if grad else []
    truth, names = (lstm_truth, LSTM_NAMES) if lstm else (gru_truth, GRU_NAMES)
    return call_case(rng, name, truth, names, args, grad_wrt=wrt)


@test("lstm_cell_gradients_are_finite_with_saturated_gates", "lstm_cell", "lstm_cell", 1.0)
def lstm_saturated(rng: Rng) -> Iterator[Case]:
    """Inputs of size ~2000 drive gate pre-activations past exp's overflow (709.8 in float64):
    the gates saturate and their true derivatives are 0, not ``0 * inf = nan`` as from a
    hand-written ``1 / (1 + exp(-z))``."""
    yield _cell(rng, "lstm_cell", bias=True, grad=True, input_scale=2000.0)


@test("lstm_cell_matches_torch_with_biases", "lstm_cell", "lstm_cell", 2.0)
def lstm_bias(rng: Rng) -> Iterator[Case]:
    for i in range(4):
        yield _cell(rng, "lstm_cell", bias=True, dtype=DTYPES[i % 2])


@test("lstm_cell_matches_torch_without_biases", "lstm_cell", "lstm_cell", 1.0)
def lstm_nobias(rng: Rng) -> Iterator[Case]:
    for _ in range(2):
        yield _cell(rng, "lstm_cell", bias=False)


@test("lstm_cell_gradients_match_autograd", "lstm_cell", "lstm_cell", 2.0)
def lstm_grad(rng: Rng) -> Iterator[Case]:
    for _ in range(2):
        yield _cell(rng, "lstm_cell", bias=True, grad=True)


@test("gru_cell_gradients_are_finite_with_saturated_gates", "gru_cell", "gru_cell", 1.0)
def gru_saturated(rng: Rng) -> Iterator[Case]:
    """Inputs of size ~2000 drive gate pre-activations past exp's overflow (709.8 in float64):
    the gates saturate and their true derivatives are 0, not ``0 * inf = nan`` as from a
    hand-written ``1 / (1 + exp(-z))``."""
    yield _cell(rng, "gru_cell", bias=True, grad=True, input_scale=2000.0)


@test("gru_cell_matches_torch_with_biases", "gru_cell", "gru_cell", 2.0)
def gru_bias(rng: Rng) -> Iterator[Case]:
    for i in range(4):
        yield _cell(rng, "gru_cell", bias=True, dtype=DTYPES[i % 2])


@test("gru_cell_matches_torch_without_biases", "gru_cell", "gru_cell", 1.0)
def gru_nobias(rng: Rng) -> Iterator[Case]:
    for _ in range(2):
        yield _cell(rng, "gru_cell", bias=False)


@test("gru_cell_gradients_match_autograd", "gru_cell", "gru_cell", 2.0)
def gru_grad(rng: Rng) -> Iterator[Case]:
    for _ in range(2):
        yield _cell(rng, "gru_cell", bias=True, grad=True)


FORBIDDEN = ForbiddenSpec(
    names=(
        "torch.lstm_cell",
        "torch.gru_cell",
        "torch.rnn_tanh_cell",
        "torch.lstm",
        "torch.gru",
        "torch._VF",
        "torch._C._VariableFunctions.lstm_cell",
        "torch._C._VariableFunctions.gru_cell",
        "torch.nn.LSTMCell",
        "torch.nn.GRUCell",
        "torch.nn.LSTM",
        "torch.nn.GRU",
        "torch.nn.RNNCell",
        "torch.nn.RNN",
        "torch.ops.aten",
    ),
    aten=(
        "aten::lstm_cell",
        "aten::gru_cell",
        "aten::_thnn_fused_lstm_cell",
        "aten::_thnn_fused_gru_cell",
        "aten::lstm",
        "aten::gru",
    ),
)

SUITE = Suite(
    name="rnn_cells",
    api=get_exercise("rnn_cells").api,
    forbidden=FORBIDDEN,
    tests=(
        lstm_bias,
        lstm_nobias,
        lstm_grad,
        lstm_saturated,
        gru_bias,
        gru_nobias,
        gru_grad,
        gru_saturated,
    ),
)
