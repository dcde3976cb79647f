"""The question-bank schema, declared once: typed models with defaults and a description per field.

A topic file ``questions/<topic>.yaml`` holds ``topic``, ``title`` and a list of ``templates``.
A template is sampled into a question instance by binding each parameter to a value drawn
from its domain with ``random.Random`` (see :mod:`quizkit.bank.sampling`); its truth is PyTorch
code evaluated with those parameters as variables (see :mod:`quizkit.bank.truth`).
"""

from __future__ import annotations

import re
import string
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
Number = int | float
Bound = int | float | str


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AnswerKind(str, Enum):
    """What kind of answer a question expects; decides parsing, truth measure and tolerance."""

    SHAPE = "shape"  # a tuple of ints: the output shape of a module or expression
    LEGAL = "legal"  # yes/no: does the expression run without raising?
    PARAMS = "params"  # an int: sum of numel over the module's (trainable) parameters
    FLOPS = "flops"  # an int: FLOPs counted by torch.utils.flop_counter (1 MAC = 2 FLOPs)
    INT = "int"  # an int computed by an expression (e.g. number of batches)
    VALUE = "value"  # a float, or a list of floats (e.g. a loss, an activation, a gradient)
    BOOL = "bool"  # true/false statement, checked by running torch where possible
    CHOICE = "choice"  # multiple choice; the correct option is computed by torch where possible


class ParamSpec(Strict):
    """The domain of one template parameter. Exactly one of the domain fields is set.

    Bounds may be numbers or Python expressions over earlier parameters (``"h"``, ``"h // 2"``).
    """

    choices: list[Any] | None = Field(None, description="pick one of these values uniformly")
    ints: tuple[Bound, Bound] | None = Field(
        None, description="an integer in [lo, hi] on a grid of `step` (default 1); inclusive"
    )
    floats: tuple[Bound, Bound] | None = Field(
        None, description="a float in [lo, hi] on a grid of `step` (default 0.1); inclusive"
    )
    value: Any = Field(None, description="a fixed value, or an expression when `expr` is true")
    step: Number | None = Field(None, description="grid step for `ints` or `floats`")
    size: int | str | None = Field(
        None, description="draw a list of this many values instead of one (ints/floats/choices)"
    )
    expr: bool = Field(False, description="treat `value` as a Python expression of earlier params")

    @model_validator(mode="after")
    def _exactly_one_domain(self) -> ParamSpec:
        given = [
            name
            for name in ("choices", "ints", "floats", "value")
            if getattr(self, name) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of choices, ints, floats, value"
                + (f" (got {', '.join(given)})" if given else "")
            )
        if self.choices is not None and not self.choices:
            raise ValueError("choices must not be empty")
        if self.step is not None and self.step <= 0:
            raise ValueError("step must be positive")
        return self


class Tolerance(Strict):
    """How close a numeric answer must be. Unset fields take the answer kind's defaults.

    A float answer ``x`` is accepted for truth ``t`` when ``|x - t| <= atol + rtol * |t|``
    (defaults rtol=1e-2, atol=1e-8, as PrairieLearn), or, with ``sigfigs=n``, when ``x`` and
    ``t`` agree to n significant figures: ``|x - t| <= 0.5 * 10**(floor(log10|t|) - n + 1)``,
    or, with ``decimals=n``, when ``x`` rounds like ``t`` to n decimals: ``|x - t| <= 0.5 * 10**-n``.
    Exact kinds (shape, int, params, flops, bool, choice) accept only the exact value unless
    ``rtol`` is declared (e.g. ``rtol: 0.01`` for an approximate FLOPs count).
    """

    rtol: float | None = Field(None, ge=0, description="relative tolerance")
    atol: float | None = Field(None, ge=0, description="absolute tolerance")
    sigfigs: int | None = Field(None, ge=1, le=15, description="significant figures to match")
    decimals: int | None = Field(
        None, ge=0, le=15, description="decimal places to match: |x - t| <= 0.5 * 10**-decimals"
    )

    @model_validator(mode="after")
    def _decimals_alone(self) -> Tolerance:
        if self.decimals is not None and (
            self.rtol is not None or self.atol is not None or self.sigfigs is not None
        ):
            raise ValueError("decimals is a whole rule: give it without rtol, atol or sigfigs")
        return self


class Option(Strict):
    """One option of a multiple-choice question."""

    text: str = Field(description="the option as shown; may contain {placeholders}")
    when: str | None = Field(
        None, description="torch expression, true iff this option is correct (computed live)"
    )


class Misconception(Strict):
    """A classic wrong answer: the code that computes it and one sentence naming the mistake.

    The wrong answer is computed at run time like the truth — ``expr`` (an expression) or
    ``code`` (statements that assign ``answer``) in the truth's namespace (params, lets, torch,
    ``nn``, ``F``, ``formulas``) — and measured as the question's kind (shape, value, or a
    number for int/params/flops). ``quizkit validate`` proves for every sampled seed that the
    question's tolerance *rejects* it; a student answer that the tolerance would accept as
    this value is named with ``feedback``.
    """

    name: str = Field(description="short id of the mistake, lower-case words joined by '-'")
    expr: str | None = Field(None, description="expression computing the wrong answer")
    code: str | None = Field(None, description="statements that assign the wrong `answer`")
    feedback: str = Field(
        description="one sentence, as a teacher names the mistake; may use {placeholders}"
    )

    @field_validator("name")
    @classmethod
    def _name_shape(cls, value: str) -> str:
        if not IDENTIFIER.match(value):
            raise ValueError(f"misconception name {value!r} must be lower-case words joined by '-'")
        return value

    @model_validator(mode="after")
    def _one_source(self) -> Misconception:
        if (self.expr is None) == (self.code is None):
            raise ValueError("give exactly one of expr, code")
        return self


MISCONCEPTION_KINDS = frozenset(
    {AnswerKind.SHAPE, AnswerKind.PARAMS, AnswerKind.FLOPS, AnswerKind.INT, AnswerKind.VALUE}
)


class AnswerSpec(Strict):
    """The answer kind and the PyTorch code that defines the truth.

    Give either ``module`` (+ ``input``) — a module expression called on meta tensors of the
    given shape(s) — or ``expr`` (an expression whose value is the answer), or ``code``
    (statements that assign ``answer``). Choice questions give ``options`` instead, each with a
    ``when`` expression, or ``expr`` evaluating to the correct option's index.
    """

    kind: AnswerKind = Field(
        description="shape | legal | params | flops | int | value | bool | choice"
    )
    module: str | None = Field(None, description="module expression, built on the meta device")
    input: str | None = Field(
        None, description="input shape expression, or a list of shapes for several inputs"
    )
    expr: str | None = Field(None, description="expression whose value is the answer")
    code: str | None = Field(None, description="statements that assign the variable `answer`")
    device: Literal["meta", "cpu"] | None = Field(
        None, description="where modules and inputs live (default: meta, cpu for value/bool)"
    )
    trainable_only: bool = Field(False, description="params: count only requires_grad params")
    options: list[Option] | None = Field(None, description="choice: the options in order")
    static: bool | int | None = Field(
        None,
        description="for concept questions torch cannot check: the fixed answer "
        "(bool, or option index); use only where no torch check exists",
    )
    tolerance: Tolerance = Field(Tolerance(), description="accepted error")
    unit: str | None = Field(None, description="shown after the answer, e.g. FLOPs")

    @model_validator(mode="after")
    def _consistent(self) -> AnswerSpec:
        sources = [n for n in ("module", "expr", "code") if getattr(self, n) is not None]
        kind = self.kind
        if kind is AnswerKind.CHOICE:
            if not self.options or len(self.options) < 2:
                raise ValueError("a choice question needs at least two options")
            with_when = [o for o in self.options if o.when is not None]
            if with_when and len(with_when) != len(self.options):
                raise ValueError("give `when` for every option or for none")
            if not with_when and not sources and self.static is None:
                raise ValueError("give each option a `when`, or `expr`, or `static`")
            index = self.static
            if (
                isinstance(index, int)
                and not isinstance(index, bool)
                and not 0 <= index < len(self.options)
            ):
                raise ValueError(f"static option index {self.static} is out of range")
            return self
        if self.options is not None:
            raise ValueError(f"options are only for choice questions, not {kind.value}")
        if self.static is not None:
            if kind is not AnswerKind.BOOL or not isinstance(self.static, bool):
                raise ValueError("static answers are only for bool questions (or choice)")
            if sources:
                raise ValueError("give either `static` or torch code, not both")
            return self
        if len(sources) != 1:
            raise ValueError("give exactly one of module, expr, code")
        if kind is AnswerKind.PARAMS and self.expr is not None:
            raise ValueError("params answers need `module`, or `code` that assigns `module`")
        if self.module is not None and kind is not AnswerKind.PARAMS and self.input is None:
            raise ValueError("`module` needs an `input` shape")
        if self.input is not None and self.module is None:
            raise ValueError("`input` goes with `module`")
        return self

    @property
    def resolved_device(self) -> str:
        if self.device is not None:
            return self.device
        return (
            "cpu" if self.kind in (AnswerKind.VALUE, AnswerKind.BOOL, AnswerKind.CHOICE) else "meta"
        )


class Template(Strict):
    """A question template: parameters, prompt, truth, hint and worked solution."""

    id: str = Field(description="unique across the bank, lower-case words joined by '-'")
    title: str = Field(description="a short name shown in lists")
    topic: str = Field(description="the topic; filled from the topic file when omitted")
    tags: list[str] = Field(default_factory=list, description="free-form tags")
    difficulty: Annotated[int, Field(ge=1, le=3)] = Field(description="1 easy, 2 medium, 3 hard")
    params: dict[str, ParamSpec] = Field(default_factory=dict, description="parameter domains")
    constraints: list[str] = Field(
        default_factory=list, description="Python boolean expressions over params; all must hold"
    )
    let: dict[str, str] = Field(
        default_factory=dict,
        description="derived values: Python expressions (no torch) over params and earlier lets, "
        "used by prompt and solution; `result` is the derivation's final answer",
    )
    prompt: str = Field(description="question text with {placeholders} (str.format syntax)")
    answer: AnswerSpec = Field(description="answer kind and the torch code defining the truth")
    hint: str = Field(description="a nudge shown on request; may use {placeholders}")
    solution: str = Field(
        description="worked derivation with {placeholders}; its final value is {result}"
    )
    misconceptions: list[Misconception] = Field(
        default_factory=list,
        description="classic wrong answers, each proven rejected and named when a student gives it",
    )
    degenerate_ok: bool = Field(
        False, description="allow zero-size shapes / zero values as answers (otherwise flagged)"
    )
    source: str | None = Field(None, description="where in the notes this idea comes from")
    # The language of the text fields: "en" as loaded, set by quizkit.bank.locale.translate.
    _lang: str = PrivateAttr("en")

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not IDENTIFIER.match(value):
            raise ValueError(f"id {value!r} must be lower-case words joined by '-'")
        return value

    @model_validator(mode="after")
    def _placeholders_known(self) -> Template:
        known = set(self.params) | set(self.let)
        if self.answer.options:
            known |= {"options"}
        texts = {field: getattr(self, field) for field in ("prompt", "hint", "solution")}
        texts |= {
            f"misconceptions[{i}].feedback": m.feedback for i, m in enumerate(self.misconceptions)
        }
        for field, text in texts.items():
            for name in placeholder_names(text):
                if name not in known:
                    literal = "" if name.isidentifier() else "; write a literal brace as {{ and }}"
                    raise ValueError(
                        f"{field} uses {{{name}}}, which is not a param or let{literal}"
                    )
        if self.misconceptions and self.answer.kind not in MISCONCEPTION_KINDS:
            raise ValueError(
                f"misconceptions are for number, shape and value answers, not {self.answer.kind.value}"
            )
        names = [m.name for m in self.misconceptions]
        if len(set(names)) != len(names):
            raise ValueError(
                f"misconception names repeat: {sorted({n for n in names if names.count(n) > 1})}"
            )
        needs_result = self.answer.kind not in (AnswerKind.BOOL, AnswerKind.CHOICE)
        if needs_result and "result" not in self.let:
            raise ValueError("let.result is required: the derivation's final answer")
        if "result" in self.let and "result" not in placeholder_names(self.solution):
            raise ValueError("solution must show {result}, the derivation's final answer")
        clash = set(self.params) & set(self.let)
        if clash:
            raise ValueError(f"names used as both param and let: {sorted(clash)}")
        return self


class TopicFile(Strict):
    """One ``questions/<topic>.yaml`` file."""

    topic: str = Field(description="topic name; must equal the file's stem")
    title: str = Field(description="human title of the topic")
    description: str = Field("", description="one line on what the topic practises")
    templates: list[Template] = Field(description="the templates of this topic")

    @model_validator(mode="before")
    @classmethod
    def _fill_topic(cls, data: Any) -> Any:
        """Each template inherits the file's topic unless it names one itself."""
        if isinstance(data, dict) and isinstance(data.get("templates"), list):
            topic = data.get("topic")
            data = {
                **data,
                "templates": [
                    {"topic": topic, **t} if isinstance(t, dict) else t for t in data["templates"]
                ],
            }
        return data

    @model_validator(mode="after")
    def _same_topic(self) -> TopicFile:
        for template in self.templates:
            if template.topic != self.topic:
                raise ValueError(f"template {template.id} has topic {template.topic!r}")
        return self


def placeholder_names(text: str) -> set[str]:
    """Root names used as ``{name}``, ``{name[0]}``, ``{name.attr}`` or ``{name:.3f}`` in text."""
    names: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:  # "Single '}' encountered": a lone brace
        raise ValueError(f"{error}; write a literal brace as {{{{ and }}}}") from None
    for _, field, _, _ in parsed:
        if field:
            names.add(re.split(r"[.\[]", field, maxsplit=1)[0])
    return names
