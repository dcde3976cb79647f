"""Forbidden-work detection: a static scan of the source (grader side) and run-time tracing
(worker side) with ``TorchFunctionMode`` and ``TorchDispatchMode`` around every student call.

Run time judges every aten op against an **allow-list** per exercise: :data:`BASE_OPS` (tensor
creation, views and indexing, elementwise arithmetic and maths, reductions, matrix products,
random draws) plus what the exercise adds, minus what it refuses. So an unlisted kernel — a
private convolution (``torch._C._nn.*``), ``torch._safe_softmax``, a normalization or pooling
kernel — is forbidden by default, whatever route reached it. Backward passes are judged by the
refusals only (autograd emits ``*_backward`` ops for allowed forward ops too). An exercise also
names the PyTorch functions it reimplements (``torch.nn.functional.conv2d``...) so the static
scan and the function tracer can say which one was used.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

MODULE_SCOPE = "<module>"


def _ops(*lines: str) -> frozenset[str]:
    """``aten::`` names from space-separated lines."""
    return frozenset(f"aten::{n}" for line in lines for n in line.split())


# Creation, copies, views, shapes, indexing: no computation of their own.
TENSOR_OPS = _ops(
    "empty empty_like empty_strided new_empty new_empty_strided zeros zeros_like ones",
    "ones_like full full_like new_zeros new_ones new_full scalar_tensor arange linspace",
    "logspace eye tril triu tril_indices triu_indices lift_fresh lift_fresh_copy",
    "_to_copy to clone copy_ detach detach_ alias contiguous _unsafe_view view",
    "view_as reshape _reshape_alias expand expand_as permute transpose t squeeze",
    "squeeze_ unsqueeze unsqueeze_ flatten unflatten select slice narrow split",
    "split_with_sizes unbind chunk cat stack hstack vstack flip roll repeat",
    "repeat_interleave as_strided index index_select index_put index_put_",
    "_index_put_impl_ gather scatter scatter_ scatter_add scatter_add_ masked_fill",
    "masked_fill_ masked_select masked_scatter nonzero take where fill fill_ zero_",
    "constant_pad_nd pad diagonal diag diag_embed movedim unfold resize_ set_",
    "_local_scalar_dense item is_nonzero size stride numel broadcast_to",
    "broadcast_tensors meshgrid sort argsort topk kthvalue searchsorted bucketize",
    "tensor_split swapaxes swapdims expand_copy view_copy _conj _neg_view",
    "_has_compatible_shallow_copy_type isin unique_consecutive _unique2 count_nonzero",
)
# Elementwise arithmetic, comparisons and maths (not neural-network kernels).
POINTWISE_OPS = _ops(
    "add add_ sub sub_ rsub mul mul_ div div_ neg neg_ reciprocal reciprocal_ pow",
    "pow_ sqrt sqrt_ rsqrt rsqrt_ exp exp_ exp2 expm1 expm1_ log log_ log2 log10",
    "log1p log1p_ abs abs_ sign sign_ sgn signbit clamp clamp_ clamp_min clamp_min_",
    "clamp_max clamp_max_ clip minimum maximum fmin fmax floor floor_ ceil ceil_",
    "round round_ trunc trunc_ frac remainder fmod floor_divide eq ne lt le gt ge",
    "eq_ ne_ lt_ le_ gt_ ge_ logical_and logical_or logical_not logical_xor",
    "bitwise_and bitwise_or bitwise_not bitwise_xor isnan isinf isfinite isposinf",
    "isneginf nan_to_num nan_to_num_ sin cos tan asin acos atan atan2 sinh cosh tanh",
    "tanh_ sigmoid sigmoid_ erf erfc erfinv lerp lerp_ addcmul addcmul_ addcdiv",
    "addcdiv_ square copysign hypot xlogy logaddexp logaddexp2 true_divide",
    "positive conj resolve_conj resolve_neg heaviside relu relu_",
)
# Reductions and scans.
REDUCTION_OPS = _ops(
    "sum mean amax amin max min aminmax argmax argmin prod var std var_mean std_mean",
    "cumsum cumsum_ cumprod cummax cummin all any norm linalg_vector_norm median",
    "nansum nanmean mode logcumsumexp diff dist",
)
# Matrix products.
MATMUL_OPS = _ops(
    "mm bmm matmul addmm addmm_ addmv addbmm baddbmm dot vdot mv outer ger einsum",
    "tensordot kron inner",
)
# Random draws.
RANDOM_OPS = _ops(
    "rand rand_like randn randn_like randint randint_like randperm uniform_ normal_",
    "normal bernoulli bernoulli_ exponential_ random_ multinomial",
)
BASE_OPS = TENSOR_OPS | POINTWISE_OPS | REDUCTION_OPS | MATMUL_OPS | RANDOM_OPS


@dataclass(frozen=True)
class ForbiddenSpec:
    """What one exercise forbids.

    At run time an aten op is allowed iff it is in :attr:`allowed` (``BASE_OPS`` plus
    ``extra_ops``, minus ``aten``) — or ``any_op`` is set; in a backward pass only ``aten`` is
    refused. ``names`` are the PyTorch functions the exercise reimplements (static scan and
    function tracer)."""

    names: tuple[
        str, ...
    ] = ()  # fully qualified: "torch.nn.functional.conv2d", "torch.Tensor.relu"
    aten: tuple[str, ...] = ()  # aten ops refused always: "aten::convolution"
    all_torch: bool = False  # pure-Python exercises: any torch call is forbidden
    # names forbidden only inside one API function/class: (("MySequential", ("torch.nn.Sequential",)),)
    per_function: tuple[tuple[str, tuple[str, ...]], ...] = ()
    extra_ops: tuple[str, ...] = ()  # aten ops this exercise may use beyond BASE_OPS
    any_op: bool = False  # every aten op but ``aten`` is allowed (e.g. composing nn modules)

    @property
    def allowed(self) -> frozenset[str]:
        return (BASE_OPS | frozenset(self.extra_ops)) - frozenset(self.aten)

    def names_for(self, scope: str) -> tuple[str, ...]:
        extra = [n for fn, names in self.per_function if fn == scope for n in names]
        return (*self.names, *extra)

    def to_wire(self) -> dict[str, Any]:
        return {
            "names": list(self.names),
            "aten": list(self.aten),
            "all_torch": self.all_torch,
            "per_function": [[fn, list(names)] for fn, names in self.per_function],
            "allowed": None if self.any_op else sorted(self.allowed),
        }


@dataclass(frozen=True)
class StaticHit:
    scope: str  # top-level function or class name, or MODULE_SCOPE
    name: str  # the forbidden name as resolved, e.g. "torch.nn.functional.conv2d"
    line: int

    def describe(self) -> str:
        return f"uses {self.name} (line {self.line})"


def scan_source(source: str, spec: ForbiddenSpec, api: Iterable[str]) -> list[StaticHit]:
    """Forbidden names used in the student API's functions/classes or at module level.

    Aliases from imports are resolved (``import torch.nn.functional as F`` makes ``F.relu`` mean
    ``torch.nn.functional.relu``). Code under ``if __name__ == "__main__":`` and helper functions
    outside the API are not scanned statically (run-time tracing still covers what they call).
    Raises ``SyntaxError`` when the source does not parse.
    """
    tree = ast.parse(source)
    aliases = _import_aliases(tree)
    api_names = set(api)
    methods = {n.rsplit(".", 1)[1] for n in spec.names if n.startswith("torch.Tensor.")}
    hits: list[StaticHit] = []
    for stmt in tree.body:
        if _is_main_guard(stmt) or isinstance(stmt, ast.Import | ast.ImportFrom):
            continue
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if stmt.name not in api_names:
                continue
            scope = stmt.name
        else:
            scope = MODULE_SCOPE
        for node in ast.walk(stmt):
            name = _dotted(node, aliases)
            if name is not None and _is_forbidden(name, spec, scope):
                hits.append(StaticHit(scope, name, getattr(node, "lineno", 0)))
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in methods
                and _dotted(node.func, aliases) is None
            ):
                hits.append(StaticHit(scope, f"Tensor.{node.func.attr}", node.lineno))
    return _dedupe(hits)


def _dedupe(hits: list[StaticHit]) -> list[StaticHit]:
    seen: set[tuple[str, str]] = set()
    out = []
    for hit in hits:
        if (hit.scope, hit.name) not in seen:
            seen.add((hit.scope, hit.name))
            out.append(hit)
    return out


def _is_forbidden(name: str, spec: ForbiddenSpec, scope: str) -> bool:
    if spec.all_torch and (name == "torch" or name.startswith(("torch.", "numpy"))):
        return True
    return any(name == f or name.startswith(f + ".") for f in spec.names_for(scope))


def _is_main_guard(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.If)
        and isinstance(stmt.test, ast.Compare)
        and isinstance(stmt.test.left, ast.Name)
        and stmt.test.left.id == "__name__"
    )


def _import_aliases(tree: ast.Module) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    aliases[a.asname] = a.name
                else:
                    top = a.name.split(".")[0]
                    aliases[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    return aliases


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """``F.conv2d`` → ``torch.nn.functional.conv2d`` when ``F`` is an imported alias."""
    if not isinstance(node, ast.Attribute | ast.Name):
        return None
    parts: list[str] = []
    cur: ast.AST = node
    while isinstance(cur, ast.Attribute):
        parts.append(cur.attr)
        cur = cur.value
    if not isinstance(cur, ast.Name) or cur.id not in aliases:
        return None
    if isinstance(node, ast.Name) and not parts and "." not in aliases[cur.id]:
        return None  # a bare module name such as `torch` is not a call
    return ".".join([aliases[cur.id], *reversed(parts)])


# ---------------------------------------------------------------- run time (worker side)


@dataclass
class Tracer:
    """Records forbidden calls made while :meth:`watch` is active. Never raises into the student
    code (a ``try/except`` there could swallow it); the worker reports the record instead."""

    functions: dict[int, str] = field(default_factory=dict)
    classes: list[tuple[type, str, str | None]] = field(default_factory=list)  # (cls, name, scope)
    aten: frozenset[str] = frozenset()
    all_torch: bool = False
    hits: list[str] = field(default_factory=list)
    allowed: frozenset[str] | None = None  # None: any op not in ``aten``

    @classmethod
    def from_wire(cls, wire: dict[str, Any]) -> Tracer:
        import torch

        allowed = wire.get("allowed")
        tracer = cls(
            aten=frozenset(wire.get("aten", ())),
            all_torch=bool(wire.get("all_torch")),
            allowed=None if allowed is None else frozenset(allowed),
        )
        scoped: list[tuple[str, str | None]] = [(n, None) for n in wire.get("names", ())]
        for fn, names in wire.get("per_function", ()):
            scoped += [(n, fn) for n in names]
        for dotted, scope in scoped:
            obj: Any = torch
            try:
                for part in dotted.split(".")[1:]:
                    obj = getattr(obj, part)
            except AttributeError:
                continue
            if isinstance(obj, type):
                tracer.classes.append((obj, dotted, scope))
            elif scope is None:
                # ids are stable: torch's modules keep these objects alive
                tracer.functions[id(obj)] = dotted
        return tracer

    def note(self, what: str) -> None:
        if what not in self.hits and len(self.hits) < 20:
            self.hits.append(what)

    def check_module(self, module: Any, target: str) -> None:
        """Flags a student module (built for API class ``target``) that is, or contains, a
        forbidden class."""
        import torch

        if not isinstance(module, torch.nn.Module):
            return
        for sub in module.modules():
            for cls, dotted, scope in self.classes:
                if scope in (None, target) and isinstance(sub, cls):
                    self.note(dotted)

    @contextmanager
    def watch(self, *, allow_list: bool = True) -> Iterator[None]:
        """Trace torch calls while active. ``allow_list=False`` (importing the file) judges only
        the forbidden names and kernels: code run at import computes nothing graded (a notebook's
        demo cell, a student's own ``torch.allclose`` self-check), while every graded call is held
        to the exercise's allow-list."""
        from torch.overrides import TorchFunctionMode
        from torch.utils._python_dispatch import TorchDispatchMode

        tracer = self

        class FunctionWatch(TorchFunctionMode):
            def __torch_function__(
                self, func: Any, types: Any, args: Any = (), kwargs: Any = None
            ) -> Any:
                name = tracer.functions.get(id(func))
                if name is not None:
                    tracer.note(name)
                elif tracer.all_torch:
                    tracer.note(f"torch function {getattr(func, '__name__', func)}")
                return func(*args, **(kwargs or {}))

        class DispatchWatch(TorchDispatchMode):
            @classmethod
            def _should_skip_dynamo(cls) -> bool:
                # True would wrap the handler in torch._dynamo.disable: a 3 s import of dynamo
                return False

            def __torch_dispatch__(
                self, func: Any, types: Any, args: Any = (), kwargs: Any = None
            ) -> Any:
                schema_name = func._schema.name
                if schema_name in tracer.aten:
                    tracer.note(schema_name)
                elif (
                    allowed is not None
                    and schema_name not in allowed
                    and current_node() is None  # not autograd's backward
                ):
                    tracer.note(f"{schema_name} (not among the ops this exercise may use)")
                return func(*args, **(kwargs or {}))

        import torch

        allowed = tracer.allowed if allow_list else None
        current_node = torch._C._current_autograd_node
        handlers = (
            FunctionWatch.__dict__["__torch_function__"],
            DispatchWatch.__dict__["__torch_dispatch__"],
        )
        fmode, dmode = FunctionWatch(), DispatchWatch()
        f_depth = torch._C._len_torch_function_stack()
        d_depth = torch._C._len_torch_dispatch_stack()
        with fmode, dmode:
            try:
                yield
            finally:
                if not _modes_intact(fmode, dmode, f_depth, d_depth, handlers):
                    tracer.note(TAMPERED)
                    _restore_depth(f_depth + 1, d_depth + 1, fmode, dmode)


TAMPERED = "the op tracers (a torch mode was removed, replaced or patched)"
# Names that turn the op tracers off or reach into the grader; a student file never needs them.
TAMPER_NAMES = (
    "_pop_torch_function_stack",
    "_pop_torch_dispatch_stack",
    "_push_on_torch_function_stack",
    "_push_on_torch_dispatch_stack",
    "_get_function_stack_at",
    "_get_dispatch_stack_at",
    "_pop_mode",
    "_pop_mode_temporarily",
    "_disable_current_modes",
    "DisableTorchFunction",
    "DisableTorchFunctionSubclass",
    "_DisableTorchDispatch",
    "_ExcludeDispatchKeyGuard",
    "_unset_dispatch_mode",
    "_set_dispatch_mode",
    "_python_dispatch",
    "__torch_function__",
    "__torch_dispatch__",
    "quizkit",
    "get_objects",
    "get_referrers",
    "get_referents",
    "_getframe",
    "_current_frames",
    "settrace",
    "setprofile",
    "f_back",
    "tb_frame",
    "f_locals",
    "f_globals",
)


def _modes_intact(
    fmode: Any, dmode: Any, f_depth: int, d_depth: int, handlers: tuple[Any, Any]
) -> bool:
    import torch

    return (
        torch._C._len_torch_function_stack() == f_depth + 1
        and torch._C._get_function_stack_at(f_depth) is fmode
        and torch._C._len_torch_dispatch_stack() == d_depth + 1
        and torch._C._get_dispatch_stack_at(d_depth) is dmode
        and type(fmode).__dict__.get("__torch_function__") is handlers[0]
        and type(dmode).__dict__.get("__torch_dispatch__") is handlers[1]
    )


def _restore_depth(f_target: int, d_target: int, fmode: Any, dmode: Any) -> None:
    """Leave the mode stacks as ``with fmode, dmode`` expects to find them on exit."""
    import torch

    while torch._C._len_torch_function_stack() > f_target:
        torch._C._pop_torch_function_stack()
    while torch._C._len_torch_dispatch_stack() > d_target:
        torch._C._pop_torch_dispatch_stack()
    if torch._C._len_torch_function_stack() < f_target:
        torch._C._push_on_torch_function_stack(fmode)
    if torch._C._len_torch_dispatch_stack() < d_target:
        torch._C._push_on_torch_dispatch_stack(dmode)


def scan_tampering(source: str) -> list[StaticHit]:
    """Uses of :data:`TAMPER_NAMES` anywhere in the file: as names, attributes, imported
    modules, or string constants that spell one (``getattr(torch._C, "_pop_mode")``).
    Raises ``SyntaxError``."""
    tree = ast.parse(source)
    names = set(TAMPER_NAMES)
    hits = []
    for node in ast.walk(tree):
        parts: list[str] = []
        if isinstance(node, ast.Name):
            parts = [node.id]
        elif isinstance(node, ast.Attribute):
            parts = [node.attr]
        elif isinstance(node, ast.alias):
            parts = node.name.split(".")
        elif isinstance(node, ast.ImportFrom):
            parts = (node.module or "").split(".")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            parts = node.value.strip().split(".") if len(node.value) < 100 else []
        found = next((p for p in parts if p in names), None)
        if found is not None:
            hits.append(StaticHit(MODULE_SCOPE, found, getattr(node, "lineno", 0)))
    return _dedupe(hits)
