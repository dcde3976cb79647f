"""Forbidden-call detection: a static scan of the source (grader side) and run-time tracing
(worker side) with ``TorchFunctionMode`` and ``TorchDispatchMode`` around every student call.

An exercise forbids the PyTorch function it reimplements and its aliases, e.g. for conv2d
``torch.nn.functional.conv2d``, ``torch.conv2d``, ``torch.nn.Conv2d`` and the aten op
``aten::convolution`` that every route to a convolution ends in.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

MODULE_SCOPE = "<module>"


@dataclass(frozen=True)
class ForbiddenSpec:
    """What one exercise forbids."""

    names: tuple[
        str, ...
    ] = ()  # fully qualified: "torch.nn.functional.conv2d", "torch.Tensor.relu"
    aten: tuple[str, ...] = ()  # aten schema names: "aten::convolution"
    all_torch: bool = False  # pure-Python exercises: any torch call is forbidden
    # names forbidden only inside one API function/class: (("MySequential", ("torch.nn.Sequential",)),)
    per_function: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def names_for(self, scope: str) -> tuple[str, ...]:
        extra = [n for fn, names in self.per_function if fn == scope for n in names]
        return (*self.names, *extra)

    def to_wire(self) -> dict[str, Any]:
        return {
            "names": list(self.names),
            "aten": list(self.aten),
            "all_torch": self.all_torch,
            "per_function": [[fn, list(names)] for fn, names in self.per_function],
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

    @classmethod
    def from_wire(cls, wire: dict[str, Any]) -> Tracer:
        import torch

        tracer = cls(aten=frozenset(wire.get("aten", ())), all_torch=bool(wire.get("all_torch")))
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
    def watch(self) -> Iterator[None]:
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
                return func(*args, **(kwargs or {}))

        import torch

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
