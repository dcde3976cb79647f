"""The exercise catalog: names, one-line descriptions, difficulty, the student API, and the
starter files. Torch-free, so ``quizkit exercise list`` and ``start`` are fast."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from importlib import resources
from typing import TYPE_CHECKING

from quizkit.errors import QuizkitError

if TYPE_CHECKING:  # the bank (pydantic, yaml) stays out of the exercise workers
    from quizkit.bank.locale import Lang


class UnknownExerciseError(QuizkitError):
    """An exercise name that the catalog does not hold."""


class Difficulty(str, Enum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


@dataclass(frozen=True)
class ExerciseInfo:
    """One catalog entry."""

    name: str
    summary: str  # one line for ``exercise list``
    difficulty: Difficulty
    api: tuple[str, ...]  # functions/classes the student writes, in starter order
    reference: str  # the PyTorch API whose semantics the exercise reproduces


CATALOG: tuple[ExerciseInfo, ...] = (
    ExerciseInfo(
        "activations",
        "ReLU, leaky ReLU, ELU, sigmoid and tanh, stable for extreme inputs",
        Difficulty.EASY,
        ("relu", "leaky_relu", "elu", "sigmoid", "tanh"),
        "torch.nn.functional.relu/leaky_relu/elu, torch.sigmoid, torch.tanh",
    ),
    ExerciseInfo(
        "softmax",
        "softmax and log-softmax along any dim, without overflow",
        Difficulty.EASY,
        ("softmax", "log_softmax"),
        "torch.nn.functional.softmax/log_softmax",
    ),
    ExerciseInfo(
        "losses",
        "MSE, L1, smooth L1, Huber, binary cross-entropy and cross-entropy losses",
        Difficulty.MEDIUM,
        (
            "mse_loss",
            "l1_loss",
            "smooth_l1_loss",
            "huber_loss",
            "binary_cross_entropy",
            "cross_entropy",
        ),
        "torch.nn.functional.*_loss",
    ),
    ExerciseInfo(
        "linear",
        "the fully connected layer y = x Wᵀ + b on any leading dims",
        Difficulty.EASY,
        ("linear",),
        "torch.nn.functional.linear",
    ),
    ExerciseInfo(
        "conv2d",
        "2-D convolution with stride, padding, dilation and groups",
        Difficulty.HARD,
        ("conv2d",),
        "torch.nn.functional.conv2d",
    ),
    ExerciseInfo(
        "pooling",
        "max and average 2-D pooling with stride and padding",
        Difficulty.MEDIUM,
        ("max_pool2d", "avg_pool2d"),
        "torch.nn.functional.max_pool2d/avg_pool2d",
    ),
    ExerciseInfo(
        "batch_norm",
        "batch normalization, training and eval, running statistics updated in place",
        Difficulty.HARD,
        ("batch_norm",),
        "torch.nn.functional.batch_norm",
    ),
    ExerciseInfo(
        "layer_norm",
        "layer normalization over the trailing normalized_shape",
        Difficulty.MEDIUM,
        ("layer_norm",),
        "torch.nn.functional.layer_norm",
    ),
    ExerciseInfo(
        "dropout",
        "inverted dropout: zero with probability p, scale survivors by 1/(1-p)",
        Difficulty.EASY,
        ("dropout",),
        "torch.nn.functional.dropout",
    ),
    ExerciseInfo(
        "rnn_cells",
        "one step of an LSTM cell and of a GRU cell",
        Difficulty.MEDIUM,
        ("lstm_cell", "gru_cell"),
        "torch.nn.LSTMCell, torch.nn.GRUCell",
    ),
    ExerciseInfo(
        "optimizers",
        "one step of SGD (momentum, Nesterov, weight decay) and of Adam",
        Difficulty.MEDIUM,
        ("sgd_step", "adam_step"),
        "torch.optim.SGD, torch.optim.Adam",
    ),
    ExerciseInfo(
        "init",
        "Xavier/Glorot uniform and normal initialization, in place",
        Difficulty.EASY,
        ("xavier_uniform_", "xavier_normal_"),
        "torch.nn.init.xavier_uniform_/xavier_normal_",
    ),
    ExerciseInfo(
        "broadcasting",
        "the broadcast shape of several shapes, in pure Python",
        Difficulty.EASY,
        ("broadcast_shape",),
        "torch.broadcast_shapes",
    ),
    ExerciseInfo(
        "conv_arithmetic",
        "output sizes, parameter counts and FLOPs of convolutions, in pure Python",
        Difficulty.MEDIUM,
        (
            "conv2d_output_size",
            "pool2d_output_size",
            "conv_transpose2d_output_size",
            "conv2d_params",
            "conv2d_flops",
        ),
        "torch.nn.Conv2d/MaxPool2d/ConvTranspose2d, torch.utils.flop_counter",
    ),
    ExerciseInfo(
        "modules",
        "the notes' ResnetBlock and MySequential container as nn.Modules",
        Difficulty.MEDIUM,
        ("ResnetBlock", "MySequential"),
        "torch.nn.Module, torch.nn.Sequential",
    ),
)


def list_exercises() -> tuple[ExerciseInfo, ...]:
    return CATALOG


def get_exercise(name: str) -> ExerciseInfo:
    """The catalog entry ``name``; raises :class:`UnknownExerciseError` naming the choices."""
    for info in CATALOG:
        if info.name == name:
            return info
    choices = ", ".join(i.name for i in CATALOG)
    raise UnknownExerciseError(f"unknown exercise {name!r}; choose one of: {choices}")


def starter_source(name: str, lang: Lang | None = None) -> str:
    """The starter file of exercise ``name``: signatures, exact docstrings, visible examples.

    In another language, ``starters/<lang>/<name>.py.tmpl``: the same code, the prose translated.
    """
    get_exercise(name)
    starters = resources.files("quizkit.exercises").joinpath("starters")
    translated = starters.joinpath(lang.value if lang else "en", f"{name}.py.tmpl")
    if lang is not None and translated.is_file():
        return translated.read_text(encoding="utf-8")
    return starters.joinpath(f"{name}.py.tmpl").read_text(encoding="utf-8")
