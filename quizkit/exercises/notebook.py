"""Jupyter notebooks as exercise submissions: ``.ipynb`` → Python source + a line map, checked by
the same isolated runner as ``.py`` files.

A notebook becomes a module the way Jupyter would run it top to bottom, minus everything that is
not Python or must not run in a grader:

- the code cells are joined in order; Markdown and raw cells and every output are ignored;
- IPython syntax is dropped, never run: line magics (``%time f(x)``, ``%matplotlib inline``),
  shell escapes (``!pip install x``), their assignment forms (``files = !ls``,
  ``t = %timeit -o f()``), help (``conv2d?``), and a cell that starts with a cell magic
  (``%%time``, ``%%bash``, ``%%writefile``: its body may not even be Python) is dropped whole.
  A dropped line becomes ``pass`` at its indentation, so blocks stay valid and lines keep
  their numbers;
- the check cell is dropped: the cell tagged :data:`CHECK_TAG` (as starter notebooks write
  it), and any cell that only imports and calls :func:`check_here`.

Cells are numbered from 1 counting every cell, Markdown included, top to bottom, as a reader
counts them; every line number in a message (syntax errors, tracebacks, forbidden calls) is
mapped back to ``conv2d.ipynb, cell 5, line 2``.

This module is torch-free; :func:`check_file` imports the runner when called.
"""

from __future__ import annotations

import ast
import json
import os
import re
import tempfile
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizkit.errors import QuizkitError

if TYPE_CHECKING:
    from quizkit.exercises.models import ExerciseResult
    from quizkit.exercises.sandbox import Limits

NOTEBOOK_SUFFIX = ".ipynb"
CHECK_TAG = "quizkit-check"  # metadata tag of the cell that checks the notebook from inside

# IPython's own patterns for ``x = !cmd`` and ``x = %magic`` (IPython.core.inputtransformer2).
_ASSIGN_ESCAPE = re.compile(r"^\s*[\w.]+(\s*,\s*[\w.]+)*\s*=\s*[!%]")
_PROMPTS = (  # (any line's prompt, the first line's), as IPython strips them
    (re.compile(r"^(>>>|\.\.\.)( |$)"), re.compile(r"^>>>( |$)")),
    (re.compile(r"^(In \[\d+\]: |\s*\.{3,}: ?)"), re.compile(r"^(In \[\d+\]: |\s*\.{3,}: ?)")),
)
_HELP = re.compile(r"^\s*(\?{1,2}[\w.%]+|[\w.%]+\?{1,2})\s*$")


class NotebookError(QuizkitError):
    """A file that is not a readable, valid Jupyter notebook (nbformat 4)."""


@dataclass(frozen=True)
class CodeCell:
    number: int  # 1-based position among all cells of the notebook
    source: str  # as written, IPython syntax included


@dataclass(frozen=True)
class NotebookSource:
    """A notebook as one Python module: ``source``, and where each of its lines came from."""

    path: Path
    source: str
    origins: tuple[tuple[int, int], ...]  # line i + 1 of source -> (cell number, line in cell)
    syntax_error: str = ""  # "conv2d.ipynb, cell 5, line 2: syntax error: ...", or ""
    # cells dropped whole for their cell magic: (cell number, the magic line, their source)
    magic_cells: tuple[tuple[int, str, str], ...] = ()

    def missing_hint(self, name: str) -> str:
        """Why ``name`` may be missing: it is defined in a cell that starts with a cell magic,
        which the checker does not run; "" if not."""
        pattern = re.compile(rf"^\s*(async\s+def|def|class)\s+{re.escape(name)}\b", re.M)
        for number, magic, source in self.magic_cells:
            if pattern.search(source):
                return (
                    f"{name} is defined in cell {number}, which starts with the cell magic "
                    f"{magic} and is not run by the checker: move it to a cell of its own"
                )
        return ""

    def where(self, line: int) -> str | None:
        """``cell C, line L`` for line ``line`` (1-based) of :attr:`source`; None if none."""
        if 1 <= line <= len(self.origins):
            cell, in_cell = self.origins[line - 1]
            return f"cell {cell}, line {in_cell}"
        return None

    def map_lines(self, text: str, filename: str, *, bare_lines: bool = False) -> str:
        """``text`` with the line references into ``filename`` (the module written from this
        notebook) turned into notebook cells and lines: ``conv2d.ipynb.py:14`` and tracebacks'
        ``File ".../conv2d.ipynb.py", line 14``; with ``bare_lines`` also ``(line 14)``, as the
        static scan of forbidden calls writes them."""
        name = self.path.name

        def located(match: re.Match[str], template: str) -> str:
            where = self.where(int(match.group("line")))
            return match.group(0) if where is None else template.format(where=where)

        escaped = re.escape(filename)
        text = re.sub(
            rf'File "[^"\n]*{escaped}", line (?P<line>\d+)',
            lambda m: located(m, f'File "{name}", {{where}}'),
            text,
        )
        text = re.sub(rf"{escaped}:(?P<line>\d+)", lambda m: located(m, f"{name}, {{where}}"), text)
        if bare_lines:
            text = re.sub(r"\(line (?P<line>\d+)\)", lambda m: located(m, "({where})"), text)
        return text


# ---------------------------------------------------------------- reading


def read_notebook(path: Path) -> Any:
    """The notebook at ``path`` as an nbformat 4 ``NotebookNode``, validated against its schema
    (any 4.x minor). Raises :class:`NotebookError` with one line naming the file."""
    import nbformat

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise NotebookError(f"{path}: cannot read the notebook ({error})") from None
    try:
        data = json.loads(text)
    except ValueError:
        raise NotebookError(f"{path}: not a Jupyter notebook (the file is not JSON)") from None
    except RecursionError:
        raise NotebookError(f"{path}: not a Jupyter notebook (JSON nested too deeply)") from None
    major = data.get("nbformat") if isinstance(data, dict) else None
    if not isinstance(data, dict) or ("cells" not in data and major is None):
        raise NotebookError(f"{path}: not a Jupyter notebook (no cells and no nbformat)")
    if major != 4:
        raise NotebookError(
            f"{path}: nbformat {major} notebooks are not supported; open and save it in a "
            "current Jupyter (nbformat 4)"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nbformat warns (and logs) where we raise below
            notebook = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    except Exception as error:  # nbformat raises assorted errors for JSON of the wrong shape
        raise NotebookError(f"{path}: not a Jupyter notebook ({_first_line(error)})") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.validate(notebook)
    except nbformat.ValidationError as error:
        where = "/".join(str(p) for p in getattr(error, "absolute_path", ()))
        detail = _first_line(getattr(error, "message", error))
        raise NotebookError(
            f"{path}: not a valid notebook: {detail}" + (f" (at {where})" if where else "")
        ) from None
    except Exception as error:  # the validator itself failing on hostile input
        raise NotebookError(f"{path}: not a valid notebook ({_first_line(error)})") from None
    return notebook


def _first_line(error: object) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else type(error).__name__


def code_cells(notebook: Any) -> list[CodeCell]:
    """The code cells to grade, in order, with their numbers among all cells; the check cell
    (tagged :data:`CHECK_TAG`) is left out."""
    out = []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        source = _normalize_newlines(cell.get("source", ""))
        if CHECK_TAG in tags or is_check_cell(source):
            continue
        out.append(CodeCell(number, source))
    return out


def is_check_cell(source: str) -> bool:
    """A cell that only imports and calls :func:`check_here` (a check cell whose tag was lost,
    e.g. typed or pasted into a new cell). It is dropped like the tagged one: the grader
    would otherwise see a submission reaching into ``quizkit``."""
    try:
        tree = ast.parse("\n".join(strip_ipython(source)) + "\n")
    except (SyntaxError, ValueError):
        return False
    calls = 0
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and (stmt.module or "").startswith("quizkit"):
            continue
        if isinstance(stmt, ast.Import) and all(a.name.startswith("quizkit") for a in stmt.names):
            continue
        if isinstance(stmt, ast.Expr | ast.Assign) and isinstance(stmt.value, ast.Call):
            func = stmt.value.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name == "check_here":
                calls += 1
                continue
        if isinstance(stmt, ast.Pass):  # a dropped magic line
            continue
        return False
    return calls > 0


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------- IPython syntax


def strip_ipython(source: str) -> list[str]:
    """The lines of one cell with IPython syntax dropped, as many lines as ``source`` has, or
    no lines at all when the cell starts with a cell magic (``%%...``). A magic, shell escape
    or help line only counts where a Python statement could start: not inside a string,
    brackets or a backslash continuation (``x = (a\\n % b)`` is Python)."""
    lines = _normalize_newlines(source).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = _clean_up(lines)
    first = next((line for line in lines if line.strip()), "")
    if first.startswith("%%"):
        return []
    out: list[str] = []
    lexer = _Lexer()
    continued_escape = False
    for line in lines:
        if continued_escape:  # a magic or shell line continued with a trailing backslash
            out.append(_pass_like(line, out))
            continued_escape = line.endswith("\\")
            continue
        if lexer.at_statement_start() and _is_ipython_line(line):
            out.append(_indent_of(line) + "pass")
            continued_escape = line.endswith("\\")
            continue
        lexer.feed(line)
        out.append(line)
    return out


def _clean_up(lines: list[str]) -> list[str]:
    """IPython's clean-up before it compiles a cell: an indented first line removes that
    indentation from every line, and pasted ``>>> ``/``... `` or ``In [3]: `` prompts are
    stripped (``IPython.core.inputtransformer2.leading_indent``, ``classic_prompt``,
    ``ipython_prompt``). Blank lines at the top are kept so line numbers stay put."""
    top = next((i for i, line in enumerate(lines) if line.strip()), None)
    if top is None:
        return lines
    indent = _indent_of(lines[top])
    if indent:
        lines = lines[:top] + [s[len(indent) :] if s.startswith(indent) else s for s in lines[top:]]
    for prompt, initial in _PROMPTS:
        rest = lines[top:]
        if initial.match(rest[0]) or (len(rest) > 1 and prompt.match(rest[1])):
            lines = lines[:top] + [prompt.sub("", s, count=1) for s in rest]
    return lines


def _is_ipython_line(line: str) -> bool:
    stripped = line.lstrip()
    if stripped.startswith(("%", "!")):
        return True
    return bool(_ASSIGN_ESCAPE.match(line) or _HELP.match(line))


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _pass_like(line: str, previous: Sequence[str]) -> str:
    return (_indent_of(previous[-1]) if previous else "") + "pass"


class _Lexer:
    """Just enough of Python's tokenizer to know whether the next line starts a statement:
    open brackets, open strings (triple-quoted ones span lines) and backslash continuations."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote = ""  # the open string's closing quote, "" when outside a string
        self.continued = False

    def at_statement_start(self) -> bool:
        return self.depth == 0 and not self.quote and not self.continued

    def feed(self, line: str) -> None:
        i, n = 0, len(line)
        comment = False
        while i < n:
            c = line[i]
            if self.quote:
                if c == "\\":
                    i += 2
                    continue
                if line.startswith(self.quote, i):
                    i += len(self.quote)
                    self.quote = ""
                    continue
                i += 1
                continue
            if c == "#":
                comment = True
                break
            if c in "'\"":
                triple = line[i : i + 3]
                self.quote = triple if triple in ('"""', "'''") else c
                i += len(self.quote)
                continue
            if c in "([{":
                self.depth += 1
            elif c in ")]}":
                self.depth = max(0, self.depth - 1)
            i += 1
        ends_escaped = not comment and line.endswith("\\")
        if self.quote and len(self.quote) == 1 and not ends_escaped:
            self.quote = ""  # an unterminated one-line string: Python reports that, not us
        self.continued = ends_escaped and not self.quote


# ---------------------------------------------------------------- notebook -> module


def notebook_source(path: Path) -> NotebookSource:
    """Read, validate and convert the notebook at ``path``. Each cell must parse on its own
    (Jupyter compiles cells one by one); the first that does not is :attr:`syntax_error`."""
    path = Path(path)
    cells = code_cells(read_notebook(path))
    lines: list[str] = []
    origins: list[tuple[int, int]] = []
    problem = ""
    magic_cells: list[tuple[int, str, str]] = []
    for cell in cells:
        converted = strip_ipython(cell.source)
        if not converted and cell.source.strip().startswith("%%"):
            magic = cell.source.strip().split("\n", 1)[0].split()[0]
            magic_cells.append((cell.number, magic, cell.source))
        if not problem:
            problem = _parse_problem(path, cell.number, converted)
        lines += converted
        origins += [(cell.number, i) for i in range(1, len(converted) + 1)]
    source = "\n".join(lines) + "\n" if lines else ""
    return NotebookSource(path, source, tuple(origins), problem, tuple(magic_cells))


def _parse_problem(path: Path, cell: int, lines: list[str]) -> str:
    try:
        ast.parse("\n".join(lines) + "\n")
    except SyntaxError as error:
        line = error.lineno or 1
        return f"{path.name}, cell {cell}, line {line}: syntax error: {error.msg}"
    except ValueError as error:  # NUL bytes
        return f"{path.name}, cell {cell}: syntax error: {error}"
    return ""


# ---------------------------------------------------------------- checking


def is_notebook(path: Path) -> bool:
    return Path(path).suffix.lower() == NOTEBOOK_SUFFIX


def check_file(
    name: str,
    path: Path,
    *,
    seed: int | None = None,
    limits: Limits | None = None,
    only: Iterable[str] | None = None,
) -> ExerciseResult:
    """:func:`quizkit.exercises.runner.check_exercise` for a ``.py`` file or a notebook.

    A notebook is converted by :func:`notebook_source`, written to a private temporary
    ``<name>.ipynb.py`` and checked like any ``.py`` file (same sandbox, same limits); line
    references in the messages and output are mapped back to notebook cells. A notebook that
    cannot be read raises ``ExerciseFileError`` (one line naming the file)."""
    from quizkit.exercises.runner import ExerciseFileError, check_exercise, new_seed

    if not is_notebook(path):
        return check_exercise(name, path, seed=seed, limits=limits, only=only)
    try:
        notebook = notebook_source(path)
    except NotebookError as error:
        raise ExerciseFileError(error.message) from None
    seed = new_seed() if seed is None else seed
    if notebook.syntax_error:
        return _every_test_errs(name, notebook.syntax_error, seed=seed, only=only)
    filename = f"{Path(path).name}.py"
    with tempfile.TemporaryDirectory(prefix="quizkit-notebook-") as tmp:
        module = Path(tmp) / filename
        module.write_text(notebook.source, encoding="utf-8")
        result = check_exercise(name, module, seed=seed, limits=limits, only=only)
    return _mapped(result, notebook, filename)


def _every_test_errs(
    name: str, message: str, *, seed: int, only: Iterable[str] | None
) -> ExerciseResult:
    """What the runner returns for a ``.py`` file that does not parse: every test an error."""
    from quizkit.exercises.models import ExerciseResult, TestResult, TestStatus
    from quizkit.exercises.runner import load_suite

    wanted = None if only is None else set(only)
    tests = [
        TestResult(
            name=t.name,
            function=t.function,
            group=t.group,
            status=TestStatus.ERROR,
            points=0.0,
            max_points=t.points,
            message=message,
        )
        for t in load_suite(name).tests
        if wanted is None or t.name in wanted
    ]
    return ExerciseResult.from_tests(name, tests, seed=seed)


def _mapped(result: ExerciseResult, notebook: NotebookSource, filename: str) -> ExerciseResult:
    from quizkit.exercises.models import TestStatus

    tests = []
    for t in result.tests:
        static = t.status is TestStatus.FORBIDDEN  # the static scan says "(line N)"
        message = notebook.map_lines(t.message, filename, bare_lines=static)
        hint = notebook.missing_hint(t.function) if t.status is TestStatus.MISSING else ""
        message = f"{message}\n  {hint}" if hint else message
        output = notebook.map_lines(t.output, filename)
        tests.append(t.model_copy(update={"message": message, "output": output}))
    return result.model_copy(update={"tests": tests})


# ---------------------------------------------------------------- from inside a notebook


def check_here(
    exercise: str,
    path: str | os.PathLike[str] | None = None,
    *,
    seed: int | None = None,
    timeout: float | None = None,
) -> ExerciseResult | None:
    """Check the running notebook as saved on disk and show the result table in the notebook.

    The notebook's path comes from the kernel where the front end tells it (VS Code's
    ``__vsc_ipynb_file__``, Jupyter Server's ``__session__``/``JPY_SESSION_NAME``), else from
    ``path`` (the starter writes its file name there). Code run in the kernel but not saved
    is named in a warning above the table. ``timeout``: seconds per test (default: that of
    :class:`~quizkit.exercises.sandbox.Limits`). Outside an IPython kernel (e.g. a grader
    importing the notebook's code) this does nothing and returns None."""
    shell = _ipython()
    if shell is None:
        return None
    from IPython.display import display

    from quizkit.exercises.catalog import get_exercise
    from quizkit.exercises.sandbox import Limits
    from quizkit.ui.exercise import notebook_check_bundle

    try:
        info = get_exercise(exercise)
        found = notebook_path(shell.user_ns, path, dict(os.environ))
        unsaved = unsaved_functions(found, _kernel_inputs(shell), info.api)
        limits = Limits() if timeout is None else Limits(timeout=timeout)
        result = check_file(exercise, found, seed=seed, limits=limits)
    except QuizkitError as error:
        display(notebook_check_bundle(None, "", [], error=error.message), raw=True)
        return None
    display(notebook_check_bundle(result, found.name, unsaved), raw=True)
    return result


def _ipython() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return shell if shell is not None and hasattr(shell, "user_ns") else None


def notebook_path(
    user_ns: dict[str, Any], explicit: str | os.PathLike[str] | None, environ: dict[str, str]
) -> Path:
    """The notebook a kernel runs: what the front end told the kernel (VS Code's absolute
    ``__vsc_ipynb_file__``; Jupyter Server's ``__session__``/``JPY_SESSION_NAME``, which may
    be relative to the server's root rather than to the kernel's cwd, the notebook's folder,
    so its file name there is tried too), else ``explicit``."""
    told = [user_ns.get("__vsc_ipynb_file__"), user_ns.get("__session__")]
    told.append(environ.get("JPY_SESSION_NAME"))
    candidates: list[Path] = []
    for value in told:
        if isinstance(value, str) and value:
            candidates += [Path(value), Path(Path(value).name)]
    if explicit is not None:
        candidates.append(Path(explicit))
    for candidate in candidates:
        if is_notebook(candidate) and candidate.is_file():
            return candidate
    if explicit is not None:
        raise NotebookError(f"{explicit}: no such notebook; save it first, or pass its path")
    raise NotebookError(
        "cannot tell which notebook this is; pass its file name, e.g. "
        'check_here("conv2d", "conv2d.ipynb")'
    )


def _kernel_inputs(shell: Any) -> list[str]:
    history = getattr(getattr(shell, "history_manager", None), "input_hist_raw", None)
    return [str(entry) for entry in history] if isinstance(history, list) else []


def unsaved_functions(path: Path, executed: Sequence[str], api: Sequence[str]) -> list[str]:
    """The API functions whose last definition run in the kernel (``executed``: the raw cell
    inputs, oldest first) differs from their last definition in the notebook saved at
    ``path``: the student edited and ran a cell but has not saved the notebook."""
    try:
        saved_cells = [c.source for c in code_cells(read_notebook(path))]
    except NotebookError:
        return []  # check_file reports the unreadable notebook itself
    saved = _last_definitions(saved_cells, api)
    ran = _last_definitions(executed, api)
    return [name for name in api if name in ran and ran[name] != saved.get(name)]


def _last_definitions(cells: Iterable[str], api: Sequence[str]) -> dict[str, str]:
    """API name -> the source of the last top-level def/class of that name in ``cells``."""
    found: dict[str, str] = {}
    for cell in cells:
        lines = strip_ipython(cell)
        try:
            tree = ast.parse("\n".join(lines) + "\n")
        except (SyntaxError, ValueError):
            continue
        for node in tree.body:
            definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
            if isinstance(node, definition) and node.name in api:
                start = min([d.lineno for d in node.decorator_list] + [node.lineno])
                body = lines[start - 1 : node.end_lineno]
                found[node.name] = "\n".join(line.rstrip() for line in body).strip()
    return found
