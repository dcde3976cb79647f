"""The starter notebook of an exercise, built from its ``.py`` starter and its maths page.

Cells, top to bottom:

1. Markdown: the title, how to work in the notebook, the starter's instructions, and the
   maths page's introduction;
2. code: the starter's imports;
3. per function or class to implement: Markdown with its maths (LaTeX, from
   ``starters/maths/<name>.md``, section ``## <function>``), then a code cell holding exactly
   the ``.py`` starter's definition (signature, docstring, ``raise NotImplementedError``);
4. the visible examples: the starter's helpers, then a cell that runs them;
5. the check cell (tagged :data:`~quizkit.exercises.notebook.CHECK_TAG`, so grading drops it),
   which calls :func:`quizkit.exercises.notebook.check_here` on the notebook's own file.

Torch-free.
"""

from __future__ import annotations

import ast
import re
from importlib import resources
from typing import Any

from quizkit.exercises.catalog import get_exercise, starter_source
from quizkit.exercises.notebook import CHECK_TAG

_RST_CODE = re.compile(r"``(.+?)``")
_MARKDOWN_SPECIAL = re.compile(r"([\\*_$`|\[\]<>#])")
_SEPARATOR = re.compile(r"^# -{5,}")


def maths_page(name: str) -> tuple[str, dict[str, str]]:
    """The maths page of exercise ``name``: its introduction and one Markdown section per
    function, keyed by the ``## function`` heading."""
    text = (
        resources.files("quizkit.exercises")
        .joinpath("starters", "maths", f"{name}.md")
        .read_text(encoding="utf-8")
    )
    parts = re.split(r"^## (\w+)[ \t]*$", text, flags=re.MULTILINE)
    intro, sections = parts[0].strip(), {}
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        sections[heading] = body.strip()
    return intro, sections


def starter_notebook(name: str, filename: str) -> Any:
    """The starter notebook of exercise ``name`` (an nbformat 4 ``NotebookNode``); ``filename``
    is written into the check cell, for front ends that do not tell the kernel its notebook."""
    from nbformat import v4

    info = get_exercise(name)
    source = starter_source(name).replace("THIS_FILE", filename)
    tree = ast.parse(source)
    lines = source.split("\n")
    intro, sections = maths_page(name)
    missing = [api for api in info.api if api not in sections]
    if missing:  # a packaging bug, caught by the tests
        raise ValueError(f"maths/{name}.md has no section for {', '.join(missing)}")
    docstring = ast.get_docstring(tree, clean=True) or ""
    cells = [
        v4.new_markdown_cell(_title(name, info.summary, filename, docstring, intro)),
    ]
    pending: list[str] = []  # non-API statements waiting for a cell
    examples_started = False
    body = tree.body[1:] if docstring else tree.body
    previous_end = tree.body[0].end_lineno if docstring else 0
    for stmt in body:
        start = min([d.lineno for d in getattr(stmt, "decorator_list", [])] + [stmt.lineno])
        gap = lines[(previous_end or 0) : start - 1]
        chunk = lines[start - 1 : stmt.end_lineno]
        previous_end = stmt.end_lineno or start
        if any(_SEPARATOR.match(g) for g in gap) and not examples_started:
            cells += _flush(pending)
            cells.append(v4.new_markdown_cell(_EXAMPLES))
            examples_started = True
        if isinstance(stmt, ast.FunctionDef | ast.ClassDef) and stmt.name in info.api:
            cells += _flush(pending)
            heading = f"## `{stmt.name}`\n\n"
            cells.append(v4.new_markdown_cell(heading + sections[stmt.name]))
            cells.append(v4.new_code_cell("\n".join(chunk).strip("\n")))
        elif _is_main_guard(stmt):
            cells += _flush(pending)
            assert isinstance(stmt, ast.If)
            calls = [line for s in stmt.body for line in lines[s.lineno - 1 : s.end_lineno]]
            cells.append(v4.new_code_cell("\n".join(_dedent(calls)).strip("\n")))
        else:
            pending += [*[g for g in gap if g.strip() and not _SEPARATOR.match(g)], *chunk, ""]
    cells += _flush(pending)
    cells.append(v4.new_markdown_cell(_CHECK.format(name=name, filename=filename)))
    check = v4.new_code_cell(_CHECK_CODE.format(name=name, filename=filename))
    check.metadata["tags"] = [CHECK_TAG]
    cells.append(check)
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def _flush(pending: list[str]) -> list[Any]:
    from nbformat import v4

    text = "\n".join(pending).strip("\n")
    pending.clear()
    return [v4.new_code_cell(text)] if text else []


def _is_main_guard(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.If)
        and isinstance(stmt.test, ast.Compare)
        and isinstance(stmt.test.left, ast.Name)
        and stmt.test.left.id == "__name__"
    )


def _dedent(lines: list[str]) -> list[str]:
    width = min((len(s) - len(s.lstrip()) for s in lines if s.strip()), default=0)
    return [s[width:] for s in lines]


def _title(name: str, summary: str, filename: str, docstring: str, intro: str) -> str:
    prose = [
        line
        for line in docstring.split("\n")[1:]
        if not line.startswith(("Check your work:", "Run the examples:"))
    ]
    return "\n\n".join(
        part
        for part in (
            f"# Exercise `{name}`: {_markdown(summary)}",
            _HOW.format(name=name, filename=filename),
            _docstring_markdown("\n".join(prose).strip()),
            intro,
        )
        if part
    )


def _docstring_markdown(text: str) -> str:
    """Plain-text docstring prose as Markdown: indented formula lines become a code block,
    ````code```` becomes `code`, and characters Markdown or MathJax would interpret are
    escaped."""
    out: list[str] = []
    in_block = False
    for line in text.split("\n"):
        indented = line.startswith("    ")
        if indented and not in_block and out and out[-1].strip():
            out.append("")
        if not indented and in_block and line.strip():
            out.append("")
        in_block = indented or (in_block and not line.strip())
        out.append(line if indented else _markdown(line))
    return "\n".join(out)


def _markdown(line: str) -> str:
    parts = _RST_CODE.split(line)
    return "".join(
        f"`{part}`" if i % 2 else _MARKDOWN_SPECIAL.sub(r"\\\1", part)
        for i, part in enumerate(parts)
    )


_HOW = (
    "**How to work here.** Fill in each code cell that raises `NotImplementedError` "
    "(keep the names and signatures), run the examples, then save the notebook and run the "
    "last cell: it runs the hidden tests on `{filename}` as saved and shows a table of "
    "results. In a terminal, `quizkit exercise check {name} {filename}` does the same. "
    "Magics (`%time`), shell escapes (`!ls`) and Markdown cells are fine anywhere: the "
    "checker ignores them."
)

_EXAMPLES = (
    "## Visible examples\n\n"
    "Run the next cells after filling in your code: each example prints `ok`, `MISMATCH` "
    "(with the expected and received values) or `not implemented yet`. The hidden tests check "
    "much more (shapes, dtypes, gradients, edge cases)."
)

_CHECK = (
    "## Check your work\n\n"
    "Save the notebook first (Ctrl+S / Cmd+S): the check runs the hidden tests on the saved "
    "`{filename}`, each in an isolated process, and compares your code with PyTorch."
)

_CHECK_CODE = """\
from quizkit.exercises.notebook import check_here

check_here("{name}", "{filename}");"""
