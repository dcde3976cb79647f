"""Truth: every correct answer is computed by live PyTorch from the template's code.

The template's ``module``/``input``, ``expr`` or ``code`` is evaluated in a namespace holding
the question's params and lets plus ``torch``, ``nn``, ``F``, ``math`` and ``zoo`` (the model
zoo: ``zoo.build("resnet18")``). Modules and inputs are
built on the ``meta`` device unless the answer needs values (``value``, ``bool`` and ``choice``
default to ``cpu``), so a VGG-sized question allocates no weights. Measures, by answer kind:

- shape:  ``tuple(out.shape)`` of ``module(*inputs)`` or of the expression's tensor / size
- legal:  True iff evaluating raises none of RuntimeError, ValueError, TypeError, IndexError
- params: ``sum(p.numel() for p in module.parameters())`` (shared parameters count once),
  only those with ``requires_grad`` when ``trainable_only``
- flops:  ``FlopCounterMode.get_total_flops()`` while running; torch counts a multiply-add as
  2 FLOPs, so Conv2d costs ``2 * k_h * k_w * (c_in / groups) * c_out * H_out * W_out * N``
- int / value / bool: the expression's value (tensors converted with ``.item()``/``.tolist()``)
- choice: the single option whose ``when`` is true, or the index the expression returns

This module imports torch at import time; the CLI imports it lazily, inside commands.
"""

from __future__ import annotations

import builtins
import math
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from quizkit import zoo
from quizkit.answers.check import flatten
from quizkit.bank.model import AnswerKind, AnswerSpec
from quizkit.bank.question import Question, Truth, WrongAnswer
from quizkit.bank.sampling import FORMULA_GLOBALS
from quizkit.errors import TemplateError

__all__ = ["Truth", "compute_truth", "warm_up"]

LEGAL_ERRORS = (RuntimeError, ValueError, TypeError, IndexError)
# Truth code is trusted bank code: it gets the real builtins (classes, super, imports) so the
# notes' own modules can be written out as they are in the notes.
TORCH_GLOBALS: dict[str, Any] = {
    **FORMULA_GLOBALS,
    "__builtins__": builtins,
    "torch": torch,
    "nn": nn,
    "F": F,
    "zoo": zoo,
}


class _Evaluation:
    """Runs one question's truth code in its namespace, on its device."""

    def __init__(
        self, question: Question, spec: AnswerSpec | None = None, where: str = "answer"
    ) -> None:
        self.question = question
        self.spec: AnswerSpec = spec or question.template.answer
        self.device = torch.device(self.spec.resolved_device)
        self.names: dict[str, Any] = {**TORCH_GLOBALS, **question.scope, "device": self.device}
        self.where = f"{question.id}.{where}"

    def eval(self, source: str, field: str) -> Any:
        try:
            with torch.device(self.device):
                return eval(source, self.names)
        except LEGAL_ERRORS:
            raise
        except Exception as error:
            raise TemplateError(f"{self.where}.{field}: {type(error).__name__}: {error}") from None

    def exec_code(self, result_name: str) -> Any:
        assert self.spec.code is not None
        try:
            with torch.device(self.device):
                exec(self.spec.code, self.names)
        except LEGAL_ERRORS:
            raise
        except Exception as error:
            raise TemplateError(f"{self.where}.code: {type(error).__name__}: {error}") from None
        if result_name not in self.names:
            raise TemplateError(f"{self.where}.code: must assign `{result_name}`")
        return self.names[result_name]

    def module(self) -> nn.Module:
        spec = self.spec
        built = self.exec_code("module") if spec.code is not None else None
        if spec.module is not None:
            built = self.eval(spec.module, "module")
        if not isinstance(built, nn.Module):
            raise TemplateError(f"{self.where}.module: expected an nn.Module, got {built!r}")
        return built

    def inputs(self) -> list[torch.Tensor]:
        assert self.spec.input is not None
        value = self.eval(self.spec.input, "input")
        items = [value] if _is_shape(value) or isinstance(value, torch.Tensor) else list(value)
        return [item if isinstance(item, torch.Tensor) else self._tensor(item) for item in items]

    def _tensor(self, shape: Any) -> torch.Tensor:
        if not _is_shape(shape):
            raise TemplateError(f"{self.where}.input: expected a shape or tensor, got {shape!r}")
        if self.device.type == "meta":
            return torch.empty(tuple(shape), device=self.device)
        return torch.randn(tuple(shape), generator=torch.Generator().manual_seed(0))

    def run(self) -> Any:
        """The subject's result: ``module(*inputs)``, the expression, or ``answer`` from code."""
        torch.manual_seed(0)
        spec = self.spec
        if spec.module is not None and spec.input is not None:
            module = self.module()
            inputs = self.inputs()
            return module(*inputs)
        if spec.expr is not None:
            return self.eval(spec.expr, "expr")
        return self.exec_code("answer")


def compute_truth(question: Question) -> Truth:
    """The torch-computed answer of ``question``; :class:`TemplateError` if its code is broken."""
    spec = question.template.answer
    if spec.static is not None and spec.kind is not AnswerKind.CHOICE:
        return Truth(spec.kind, bool(spec.static))
    evaluation = _Evaluation(question)
    with _quiet_single_thread(), _default_dtype(torch.float64):
        truth = _measured(evaluation, spec.kind)
        wrong = tuple(
            _wrong_answer(question, i) for i in range(len(question.template.misconceptions))
        )
    return replace(truth, misconceptions=wrong) if wrong else truth


def _measured(evaluation: _Evaluation, kind: AnswerKind) -> Truth:
    try:
        return MEASURES[kind](evaluation)
    except LEGAL_ERRORS as error:
        raise TemplateError(
            f"{evaluation.where}: torch raised {type(error).__name__}: {error}"
        ) from None


def _wrong_answer(question: Question, index: int) -> WrongAnswer:
    """Misconception ``index`` of the question, measured as its kind (counts as plain ints)."""
    answer = question.template.answer
    misconception = question.template.misconceptions[index]
    kind = answer.kind if answer.kind in (AnswerKind.SHAPE, AnswerKind.VALUE) else AnswerKind.INT
    spec = AnswerSpec(
        kind=kind,
        expr=misconception.expr,
        code=misconception.code,
        device=answer.device or ("cpu" if kind is AnswerKind.VALUE else "meta"),
    )
    evaluation = _Evaluation(question, spec, where=f"misconceptions[{index}]")
    truth = _measured(evaluation, kind)
    return WrongAnswer(misconception.name, truth.value)


@contextmanager
def _default_dtype(dtype: torch.dtype) -> Iterator[None]:
    """Value truths in float64 by default, so a derivation in Python floats can match to 1e-9;
    a template that means float32 says ``dtype=torch.float32`` in its code."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


@contextmanager
def _quiet_single_thread() -> Iterator[None]:
    """Truths are tiny: one intra-op thread is several times faster than a pool on a busy
    machine. Warnings that torch raises about the question's own code are not the user's."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        torch.set_num_threads(threads)


def _measure_shape(ev: _Evaluation) -> Truth:
    out = ev.run()
    if isinstance(out, torch.Tensor):
        return Truth(AnswerKind.SHAPE, tuple(int(n) for n in out.shape))
    if _is_shape(out):
        return Truth(AnswerKind.SHAPE, tuple(int(n) for n in out))
    raise TemplateError(f"{ev.where}: shape answer must come from a tensor or size, got {out!r}")


def _measure_legal(ev: _Evaluation) -> Truth:
    try:
        ev.run()
    except LEGAL_ERRORS as error:
        return Truth(AnswerKind.LEGAL, False, detail=_first_line(str(error)))
    return Truth(AnswerKind.LEGAL, True)


def _measure_params(ev: _Evaluation) -> Truth:
    with torch.device(ev.device):
        module = ev.module()
    count = sum(
        p.numel() for p in module.parameters() if p.requires_grad or not ev.spec.trainable_only
    )
    return Truth(AnswerKind.PARAMS, int(count))


def _measure_flops(ev: _Evaluation) -> Truth:
    with FlopCounterMode(display=False) as counter:
        ev.run()
    return Truth(AnswerKind.FLOPS, int(counter.get_total_flops()))


def _measure_int(ev: _Evaluation) -> Truth:
    out = _plain(ev.run())
    if isinstance(out, bool) or not isinstance(out, int | float) or out != int(out):
        raise TemplateError(f"{ev.where}: int answer must be integral, got {out!r}")
    return Truth(AnswerKind.INT, int(out))


def _measure_value(ev: _Evaluation) -> Truth:
    out = _plain(ev.run())
    if isinstance(out, list):
        return Truth(AnswerKind.VALUE, [float(x) for x in flatten(out)])
    if isinstance(out, bool) or not isinstance(out, int | float):
        raise TemplateError(f"{ev.where}: value answer must be a number or tensor, got {out!r}")
    return Truth(AnswerKind.VALUE, float(out))


def _measure_bool(ev: _Evaluation) -> Truth:
    out = _plain(ev.run())
    if not isinstance(out, bool):
        raise TemplateError(f"{ev.where}: bool answer must be True or False, got {out!r}")
    return Truth(AnswerKind.BOOL, out)


def _measure_choice(ev: _Evaluation) -> Truth:
    spec = ev.spec
    assert spec.options is not None
    if spec.options[0].when is not None:
        torch.manual_seed(0)
        verdicts = [
            bool(_plain(ev.eval(option.when or "", f"options[{i}].when")))
            for i, option in enumerate(spec.options)
        ]
        correct = [i for i, ok in enumerate(verdicts) if ok]
        if len(correct) != 1:
            raise TemplateError(f"{ev.where}: exactly one option must be correct, got {correct}")
        return Truth(AnswerKind.CHOICE, correct[0])
    if spec.static is not None:
        return Truth(AnswerKind.CHOICE, int(spec.static))
    index = _plain(ev.run())
    if not isinstance(index, int) or not 0 <= index < len(spec.options):
        raise TemplateError(
            f"{ev.where}: choice expression must give an option index, got {index!r}"
        )
    return Truth(AnswerKind.CHOICE, index)


MEASURES: dict[AnswerKind, Callable[[_Evaluation], Truth]] = {
    AnswerKind.SHAPE: _measure_shape,
    AnswerKind.LEGAL: _measure_legal,
    AnswerKind.PARAMS: _measure_params,
    AnswerKind.FLOPS: _measure_flops,
    AnswerKind.INT: _measure_int,
    AnswerKind.VALUE: _measure_value,
    AnswerKind.BOOL: _measure_bool,
    AnswerKind.CHOICE: _measure_choice,
}


def _plain(value: Any) -> Any:
    """Tensors to Python numbers/lists; torch.Size to tuple; everything else unchanged."""
    if isinstance(value, torch.Tensor):
        value = value.detach()
        return value.item() if value.numel() == 1 and value.dim() == 0 else value.tolist()
    if isinstance(value, torch.Size):
        return tuple(value)
    return value


def _is_shape(value: Any) -> bool:
    return isinstance(value, tuple | list | torch.Size) and all(
        isinstance(n, int) and not isinstance(n, bool) for n in value
    )


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def warm_up() -> None:
    """Pay torch's first-use costs (FlopCounterMode's is seconds) ahead of the first question."""
    with torch.device("meta"):
        conv = nn.Conv2d(3, 4, 3)
        x = torch.empty(1, 3, 8, 8)
    with FlopCounterMode(display=False):
        conv(x)
    F.cross_entropy(torch.randn(2, 3), torch.tensor([0, 1]))
    math.isfinite(0.0)
