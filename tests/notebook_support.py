"""Notebooks the way students write them, for the notebook tests: a reference solution split
into cells between Markdown, with magics, shell escapes, help lines, a cell magic whose body
must never run, a raw cell, stale outputs, and the starter's examples as a demo at the end."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import nbformat
from nbformat import v4

import quizkit
from quizkit.exercises.catalog import get_exercise
from quizkit.exercises.notebook import CHECK_TAG
from quizkit.exercises.starter_notebook import starter_notebook

SOLUTIONS = Path(quizkit.__file__).parent.parent / "solutions"


def code_notebook(source: str, name: str, *, minor: int = 5) -> Any:
    """``source`` (a whole module) as a student's notebook for exercise ``name``."""
    info = get_exercise(name)
    tree = ast.parse(source)
    lines = source.split("\n")
    first_api = info.api[0]
    cells = [
        v4.new_markdown_cell(f"# {name}\n\nMy solution, with $y = f(x)$ maths."),
        v4.new_code_cell("%matplotlib inline\n%load_ext autoreload\n!pip --version"),
    ]
    for stmt in tree.body:
        start = min([d.lineno for d in getattr(stmt, "decorator_list", [])] + [stmt.lineno])
        chunk = "\n".join(lines[start - 1 : stmt.end_lineno])
        if isinstance(stmt, ast.FunctionDef | ast.ClassDef):
            cells.append(v4.new_markdown_cell(f"## `{stmt.name}`\n\nSee the notes."))
        cells.append(v4.new_code_cell(chunk))
    cells += [
        v4.new_code_cell(f"files = !ls\n%time _ = 1 + 1\n{first_api}?\nx, y = %sx echo 1 2"),
        v4.new_code_cell("%%time\nraise RuntimeError('a cell magic body must never run')"),
        v4.new_raw_cell("this raw cell is not Python ("),
        v4.new_code_cell("%%bash\necho 'not python either' ("),
    ]
    starter = starter_notebook(name, f"{name}.ipynb")
    code = [c for c in starter.cells if c.cell_type == "code"]
    demo = [  # the starter's imports, its example helpers and the call
        c
        for c in code
        if all(isinstance(s, ast.Import | ast.ImportFrom) for s in ast.parse(c.source).body)
        or "def _show" in c.source
        or c.source.startswith("_examples")
    ]
    assert not any(CHECK_TAG in c.metadata.get("tags", []) for c in demo)
    cells += [v4.new_code_cell(c.source) for c in demo]
    stale = v4.new_output("stream", name="stdout", text="an old output\n")
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs = [stale]
            cell.execution_count = 7
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    if minor < 5:
        notebook.nbformat_minor = minor
        for cell in notebook.cells:
            cell.pop("id", None)
    nbformat.validate(notebook)
    return notebook


def write_notebook(notebook: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(notebook), encoding="utf-8")
    return path


def solution_notebook(name: str, path: Path, *, minor: int = 5) -> Path:
    source = (SOLUTIONS / f"{name}.py").read_text(encoding="utf-8")
    return write_notebook(code_notebook(source, name, minor=minor), path)
