"""Exercises in Jupyter notebooks: IPython syntax is dropped, never run; notebooks get the same
verdicts as the same code in a ``.py`` file, with messages pointing at notebook cells; starter
notebooks carry the maths and a check cell that works in a real kernel; ``quizkit grade``
grades folders of notebooks (mixed with ``.py``) in every report format."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat import v4
from notebook_support import SOLUTIONS, code_notebook, solution_notebook, write_notebook
from test_exercise_careless import MUTATIONS
from typer.testing import CliRunner

from quizkit.cli.main import app
from quizkit.exercises.catalog import get_exercise, list_exercises, starter_source
from quizkit.exercises.models import TestStatus
from quizkit.exercises.notebook import (
    CHECK_TAG,
    NotebookError,
    check_file,
    notebook_source,
    read_notebook,
    strip_ipython,
    unsaved_functions,
)
from quizkit.exercises.runner import ExerciseFileError, check_exercise, load_suite
from quizkit.exercises.sandbox import Limits
from quizkit.exercises.starter_notebook import maths_page, starter_notebook
from quizkit.grade.discover import discover
from quizkit.grade.reports import ReportFormat

NAMES = [info.name for info in list_exercises()]
runner = CliRunner()


def _notebook(path: Path, *cells: Any, minor: int = 5) -> Path:
    notebook = v4.new_notebook(cells=list(cells))
    notebook.nbformat_minor = minor
    if minor < 5:  # cell ids came with 4.5
        for cell in notebook.cells:
            cell.pop("id", None)
    return write_notebook(notebook, path)


def _verdicts(result: Any) -> list[tuple[str, TestStatus]]:
    return [(t.name, t.status) for t in result.tests]


# ---------------------------------------------------------------- IPython syntax


def test_line_magics_shell_escapes_and_help_become_pass_at_their_indentation() -> None:
    cell = (
        "%matplotlib inline\n"
        "!pip install torch\n"
        "files = !ls -la\n"
        "a, b = %sx echo 1 2\n"
        "t = %timeit -o f()\n"
        "%time y = f(x)\n"
        "conv2d?\n"
        "??torch.nn\n"
        "for i in range(2):\n"
        "    !echo $i\n"
        "    x = i % 2\n"
        "y = 3"
    )
    assert strip_ipython(cell) == [
        "pass",
        "pass",
        "pass",
        "pass",
        "pass",
        "pass",
        "pass",
        "pass",
        "for i in range(2):",
        "    pass",
        "    x = i % 2",
        "y = 3",
    ]


def test_a_magic_continued_with_a_backslash_is_dropped_with_its_continuation() -> None:
    assert strip_ipython("!pip install \\\n    torch\nx = 1") == ["pass", "pass", "x = 1"]


def test_a_cell_starting_with_a_cell_magic_is_dropped_whole() -> None:
    assert strip_ipython("\n%%time\nraise SystemExit\n") == []
    assert strip_ipython("%%bash\necho (not python") == []
    assert strip_ipython("x = 1\n%%time\n") == ["x = 1", "pass"]  # only at the top of a cell


def test_percent_and_bang_inside_strings_brackets_and_continuations_stay_python() -> None:
    cell = (
        'doc = """\n'
        "!this line is inside a string\n"
        "%and so is this\n"
        '"""\n'
        "total = (a\n"
        "         % b)\n"
        "flag = a \\\n"
        "    != b\n"
        "s = 'it''s # not a comment (' + \"%d\" % 3\n"
        "%who"
    )
    lines = strip_ipython(cell)
    assert lines[:-1] == cell.split("\n")[:-1]
    assert lines[-1] == "pass"


IPYTHON_CELLS = [
    "%matplotlib inline\nimport torch\n!pip install x\nfiles = !ls\nt = %timeit -o f()\nconv2d?\n??torch\nx = 1",
    "for i in range(2):\n    !echo $i\n    %time y = i\nz = 2",
    'doc = """\n!inside\n%inside\n"""\ntotal = (a\n % b)\nflag = a \\\n    != b\n%who',
    "  x = 1\n  %time y = 2\n  z = 3",
    ">>> x = 1\n>>> for i in range(2):\n...     print(i)",
    "In [1]: x = 1\n   ...: y = 2",
    "a, b = %sx echo 1 2\nc = a",
    "x = 'it''s' + \"%d\" % 3\n%time x",
    "def f():\n    %time pass\n    return 1",
    "s = f'{x!r}'\n!ls",
    "x = [1,\n!2]",
]


@pytest.mark.parametrize("cell", IPYTHON_CELLS)
def test_ipython_syntax_is_found_exactly_where_ipython_itself_finds_it(cell: str) -> None:
    from IPython.core.inputtransformer2 import TransformerManager

    theirs = TransformerManager().transform_cell(cell).rstrip("\n").split("\n")
    mine = strip_ipython(cell)
    assert len(mine) == len(theirs)
    for line, their_line in zip(mine, theirs, strict=True):
        if "get_ipython()" in their_line:
            assert line.strip() == "pass", (line, their_line)
        else:
            assert line == their_line


# ---------------------------------------------------------------- reading and converting


def test_markdown_raw_cells_outputs_and_the_check_cell_are_ignored_and_lines_map_to_cells(
    tmp_path: Path,
) -> None:
    code = v4.new_code_cell("import math\n%time x = 1\ny = math.pi")
    code.outputs = [v4.new_output("stream", name="stdout", text="old output\n")]
    check = v4.new_code_cell("from quizkit.exercises.notebook import check_here")
    check.metadata["tags"] = [CHECK_TAG]
    path = _notebook(
        tmp_path / "n.ipynb",
        v4.new_markdown_cell("# Title with $x^2$"),
        code,
        v4.new_raw_cell("raw ( text"),
        v4.new_code_cell("def f():\n    return y"),
        check,
    )
    converted = notebook_source(path)
    assert converted.source == "import math\npass\ny = math.pi\ndef f():\n    return y\n"
    assert converted.syntax_error == ""
    assert converted.where(3) == "cell 2, line 3"
    assert converted.where(5) == "cell 4, line 2"
    assert converted.where(6) is None


@pytest.mark.parametrize("minor", [0, 1, 2, 3, 4, 5, 9])  # 4.9: a minor not yet published
def test_every_nbformat_4_minor_is_read(minor: int, tmp_path: Path) -> None:
    path = _notebook(tmp_path / "n.ipynb", v4.new_code_cell("x = 1"), minor=minor)
    assert read_notebook(path).nbformat_minor == minor
    assert notebook_source(path).source == "x = 1\n"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("", "not JSON"),
        ("{not json", "not JSON"),
        ('{"cells": [], "metadata": {}, "nbformat": 3, "nbformat_minor": 0}', "nbformat 3"),
        (
            '{"cells": [{"cell_type": "code", "metadata": {}}], "metadata": {}, '
            '"nbformat": 4, "nbformat_minor": 4}',
            "not a valid notebook",
        ),
        ('["a list"]', "not a Jupyter notebook"),
        ('{"cells": "x", "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "not a"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
    ids=["empty", "not-json", "nbformat-3", "schema", "list", "cells-not-a-list", "deep"],
)
def test_a_malformed_notebook_is_a_one_line_error_naming_the_file(
    content: str, words: str, tmp_path: Path
) -> None:
    path = tmp_path / "conv2d.ipynb"
    path.write_text(content)
    with pytest.raises(NotebookError) as caught:
        notebook_source(path)
    message = caught.value.message
    assert str(path) in message and words in message and "\n" not in message
    with pytest.raises(ExerciseFileError):
        check_file("conv2d", path, seed=0)
    result = runner.invoke(app, ["exercise", "check", "conv2d", str(path)])
    assert result.exit_code == 2
    assert words in result.output and len(result.output.strip().splitlines()) <= 2


def test_line_references_into_the_module_map_to_notebook_cells(tmp_path: Path) -> None:
    path = _notebook(
        tmp_path / "act.ipynb",
        v4.new_markdown_cell("intro"),
        v4.new_code_cell("import torch\n!ls"),
        v4.new_code_cell("def relu(x):\n    return x.relu()"),
    )
    converted = notebook_source(path)
    text = (
        "raised ValueError: no (at act.ipynb.py:4 in relu)\n"
        'File "/tmp/q/src/act.ipynb.py", line 3, in <module>\n'
        "relu uses torch.relu (line 4), act.ipynb.py:99"
    )
    assert converted.map_lines(text, "act.ipynb.py", bare_lines=True) == (
        "raised ValueError: no (at act.ipynb, cell 3, line 2 in relu)\n"
        'File "act.ipynb", cell 3, line 1, in <module>\n'
        "relu uses torch.relu (cell 3, line 2), act.ipynb.py:99"
    )


def test_unsaved_functions_are_those_run_in_the_kernel_but_not_saved(tmp_path: Path) -> None:
    path = _notebook(
        tmp_path / "act.ipynb",
        v4.new_code_cell("def relu(x):\n    raise NotImplementedError"),
        v4.new_code_cell("def elu(x):\n    return x"),
    )
    ran = [
        "def relu(x):\n    raise NotImplementedError",
        "%time 1\ndef elu(x):\n    return x   ",  # same code, trailing spaces: saved
        "def relu(x):\n    return x.clamp(min=0)",  # edited and run, not saved
        "def sigmoid(x):\n    return x",  # not in the notebook at all
    ]
    assert unsaved_functions(path, ran, ("relu", "elu", "sigmoid", "tanh")) == ["relu", "sigmoid"]
    assert unsaved_functions(path, ran[:2], ("relu", "elu")) == []


# ---------------------------------------------------------------- starter notebooks


@pytest.mark.parametrize("name", NAMES)
def test_the_starter_notebook_has_maths_and_one_cell_per_function_with_the_py_definition(
    name: str, tmp_path: Path
) -> None:
    notebook = starter_notebook(name, f"{name}.ipynb")
    nbformat.validate(notebook)
    info = get_exercise(name)
    starter = starter_source(name)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    for api in info.api:
        (cell,) = [c for c in code if re.search(rf"^(def|class) {api}\b", c.source, re.M)]
        assert cell.source in starter  # the .py starter's definition, verbatim
        assert "NotImplementedError" in cell.source and '"""' in cell.source
        index = notebook.cells.index(cell)
        maths = notebook.cells[index - 1]
        assert maths.cell_type == "markdown" and "$$" in maths.source
    check = notebook.cells[-1]
    assert check.metadata["tags"] == [CHECK_TAG]
    assert f'check_here("{name}", "{name}.ipynb")' in check.source
    assert any(c.source.strip() == "_examples()" for c in code)
    path = write_notebook(notebook, tmp_path / f"{name}.ipynb")
    assert "check_here" not in notebook_source(path).source  # grading drops the check cell


@pytest.mark.parametrize("name", NAMES)
def test_every_maths_page_has_a_section_per_function_and_balanced_latex(name: str) -> None:
    intro, sections = maths_page(name)
    assert set(sections) == set(get_exercise(name).api)
    for text in [intro, *sections.values()]:
        without_display = text.replace("$$", "")
        assert text.count("$$") % 2 == 0, text
        assert without_display.count("$") % 2 == 0, text
        for opening, closing in (("{", "}"), (r"\\left\b", r"\\right\b"), (r"\\begin", r"\\end")):
            assert len(re.findall(opening, text)) == len(re.findall(closing, text)), opening


def test_exercise_start_notebook_writes_a_valid_notebook_and_refuses_to_overwrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["exercise", "start", "softmax", "--notebook"])
    assert result.exit_code == 0, result.output
    assert "softmax.ipynb" in result.output
    notebook = read_notebook(tmp_path / "softmax.ipynb")
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    again = runner.invoke(app, ["exercise", "start", "softmax", "--notebook"])
    assert again.exit_code == 2 and "already exists" in again.output
    implied = runner.invoke(app, ["exercise", "start", "linear", "-o", "lab/../mine.ipynb"])
    assert implied.exit_code == 2  # lab/ does not exist: a one-line error, nothing written
    implied = runner.invoke(app, ["exercise", "start", "linear", "-o", "mine.ipynb"])
    assert implied.exit_code == 0
    check = read_notebook(tmp_path / "mine.ipynb").cells[-1]
    assert 'check_here("linear", "mine.ipynb")' in check.source


# ---------------------------------------------------------------- verdicts and messages


def test_a_cell_that_fails_to_parse_is_reported_with_its_cell_number(tmp_path: Path) -> None:
    path = _notebook(
        tmp_path / "broadcasting.ipynb",
        v4.new_markdown_cell("# mine"),
        v4.new_code_cell("x = (1,"),  # complete in no way, even joined with the next cell
        v4.new_code_cell("def broadcast_shape(*shapes):\n    return ()"),
    )
    result = check_file("broadcasting", path, seed=0)
    as_py = tmp_path / "broadcasting.py"
    as_py.write_text("x = (1,\ndef broadcast_shape(*shapes):\n    return ()\n")
    assert _verdicts(result) == _verdicts(check_exercise("broadcasting", as_py, seed=0))
    assert {t.status for t in result.tests} == {TestStatus.ERROR}
    assert all(
        t.message.startswith("broadcasting.ipynb, cell 2, line 1: syntax error:")
        for t in result.tests
    )


def test_a_runtime_error_points_at_the_notebook_cell_and_line(tmp_path: Path) -> None:
    path = _notebook(
        tmp_path / "linear.ipynb",
        v4.new_markdown_cell("$y = xW^T + b$"),
        v4.new_code_cell("import torch\n%load_ext autoreload"),
        v4.new_code_cell(
            "def linear(x, weight, bias=None):\n    y = x @ weight.T\n    return y[0][0][0][0]"
        ),
    )
    result = check_file("linear", path, seed=0, only=["linear_with_bias_matches_torch"])
    (test,) = result.tests
    assert test.status is TestStatus.ERROR
    assert "(at linear.ipynb, cell 3, line 3 in linear)" in test.message


def test_a_forbidden_call_points_at_the_notebook_cell_and_line(tmp_path: Path) -> None:
    path = _notebook(
        tmp_path / "activations.ipynb",
        v4.new_code_cell("import torch\n!nvidia-smi"),
        v4.new_markdown_cell("relu"),
        v4.new_code_cell("def relu(x):\n    %time pass\n    return torch.relu(x)"),
    )
    result = check_file("activations", path, seed=0)
    relu = [t for t in result.tests if t.function == "relu"]
    assert relu and all(t.status is TestStatus.FORBIDDEN for t in relu)
    assert all("(cell 3, line 3)" in t.message for t in relu)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_every_solution_as_a_notebook_passes_with_the_verdicts_of_its_py_file(
    name: str, tmp_path: Path
) -> None:
    minor = 4 if NAMES.index(name) % 2 else 5
    path = solution_notebook(name, tmp_path / f"{name}.ipynb", minor=minor)
    result = check_file(name, path, seed=3)
    as_py = check_exercise(name, SOLUTIONS / f"{name}.py", seed=3)
    failures = [f"{t.name}: {t.message}" for t in result.tests if t.status is not TestStatus.PASSED]
    assert result.passed, "\n".join(failures)
    assert _verdicts(result) == _verdicts(as_py)
    assert result.score == as_py.score == result.max_score > 0
    # the demo cell at the end ran at import (the starter's examples, all ok)
    assert "ok" in result.tests[0].output and "MISMATCH" not in result.tests[0].output


@pytest.mark.parametrize(
    ("name", "old", "new", "failing"), MUTATIONS, ids=[m[0] for m in MUTATIONS]
)
def test_a_careless_notebook_fails_the_same_test_as_its_py_form(
    name: str, old: str, new: str, failing: str, tmp_path: Path
) -> None:
    source = (SOLUTIONS / f"{name}.py").read_text().replace(old, new, 1)
    path = write_notebook(code_notebook(source, name), tmp_path / f"{name}.ipynb")
    as_py = tmp_path / f"{name}.py"
    as_py.write_text(source)
    (in_notebook,) = check_file(name, path, seed=5, only=[failing]).tests
    (in_py,) = check_exercise(name, as_py, seed=5, only=[failing]).tests
    assert in_notebook.status is in_py.status is TestStatus.FAILED
    assert in_notebook.message == in_py.message


@pytest.mark.parametrize("name", ["activations", "broadcasting", "modules"])
def test_the_starter_notebook_earns_nothing_like_the_starter_py(name: str, tmp_path: Path) -> None:
    path = write_notebook(starter_notebook(name, f"{name}.ipynb"), tmp_path / f"{name}.ipynb")
    as_py = tmp_path / f"{name}.py"
    as_py.write_text(starter_source(name))
    result = check_file(name, path, seed=0)
    assert _verdicts(result) == _verdicts(check_exercise(name, as_py, seed=0))
    assert result.score == 0
    assert all("NotImplementedError" in t.message for t in result.tests)
    assert f"(at {name}.ipynb, cell " in result.tests[0].message


def test_exercise_check_cli_takes_a_notebook(tmp_path: Path) -> None:
    path = solution_notebook("broadcasting", tmp_path / "mine.ipynb")
    result = runner.invoke(
        app, ["exercise", "check", "broadcasting", str(path), "--json", "--seed", "1"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["passed"] and data["score"] == data["max_score"]


# ---------------------------------------------------------------- quizkit grade


def _class(tmp_path: Path) -> tuple[Path, Path]:
    """alice hands in notebooks only; bob mixes a careless notebook with a .py file."""
    alice = tmp_path / "alice"
    solution_notebook("broadcasting", alice / "broadcasting.ipynb")
    solution_notebook("softmax", alice / "softmax.ipynb")
    bob = tmp_path / "bob"
    _, old, new, _ = next(m for m in MUTATIONS if m[0] == "softmax")
    careless = (SOLUTIONS / "softmax.py").read_text().replace(old, new, 1)
    write_notebook(code_notebook(careless, "softmax"), bob / "softmax.ipynb")
    (bob / "broadcasting.py").write_text((SOLUTIONS / "broadcasting.py").read_text())
    return alice, bob


def test_a_directory_with_both_forms_grades_the_py_file(tmp_path: Path) -> None:
    root = tmp_path / "carol"
    root.mkdir()
    (root / "softmax.py").write_text("")
    (root / "softmax.ipynb").write_text("")
    (root / "linear.ipynb").write_text("")
    (submission,) = discover([root])
    assert submission.exercises == {"linear": root / "linear.ipynb", "softmax": root / "softmax.py"}
    (named,) = discover([root], exercises=["linear", "conv2d"])
    assert named.exercises == {"linear": root / "linear.ipynb", "conv2d": root / "conv2d.py"}


@pytest.mark.slow
def test_a_folder_of_notebooks_grades_in_every_report_format(tmp_path: Path) -> None:
    alice, bob = _class(tmp_path)
    env = {"COLUMNS": "150"}
    text = runner.invoke(app, ["grade", str(alice), str(bob), "--seed", "2"], env=env)
    assert text.exit_code == 1, text.output  # bob's careless softmax
    assert "softmax_does_not_overflow_for_large_logits" in text.output

    lines = runner.invoke(app, ["grade", str(alice), str(bob), "-f", "json", "--seed", "2"])
    by_student = {s["submission"]: s for s in map(json.loads, lines.stdout.splitlines())}
    assert by_student[str(alice)]["passed"] is True
    assert {e["exercise"] for e in by_student[str(alice)]["exercises"]} == {
        "softmax",
        "broadcasting",
    }
    bob_softmax = next(e for e in by_student[str(bob)]["exercises"] if e["exercise"] == "softmax")
    alone = check_file("softmax", bob / "softmax.ipynb", seed=2)
    assert [(t["name"], t["status"]) for t in bob_softmax["tests"]] == [
        (t.name, t.status.value) for t in alone.tests
    ]

    junit = runner.invoke(app, ["grade", str(alice), str(bob), "-f", "junit", "--seed", "2"])
    suites = ET.fromstring(junit.stdout)
    assert len(suites.findall(".//failure")) + len(suites.findall(".//error")) >= 1

    for fmt in (ReportFormat.GRADESCOPE, ReportFormat.CLASSROOM):
        out = tmp_path / f"{fmt.value}.json"
        result = runner.invoke(
            app, ["grade", str(bob), "-f", fmt.value, "-o", str(out), "--seed", "2"], env=env
        )
        assert result.exit_code == 1, result.output
        report = json.loads(out.read_text())
        assert "softmax_does_not_overflow_for_large_logits" in out.read_text(), report


def test_grading_a_malformed_notebook_is_an_input_error_and_the_rest_is_graded(
    tmp_path: Path,
) -> None:
    root = tmp_path / "dan"
    root.mkdir()
    (root / "softmax.ipynb").write_text("{oops")
    (root / "broadcasting.py").write_text((SOLUTIONS / "broadcasting.py").read_text())
    result = runner.invoke(app, ["grade", str(root), "-f", "json", "--seed", "0"])
    assert result.exit_code == 2
    (submission,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert any("softmax.ipynb" in e and "not JSON" in e for e in submission["errors"])
    graded = {e["exercise"]: e for e in submission["exercises"]}
    assert graded["broadcasting"]["passed"] is True


def test_a_function_hidden_in_a_cell_magic_cell_is_missing_with_a_hint(tmp_path: Path) -> None:
    path = _notebook(
        tmp_path / "broadcasting.ipynb",
        v4.new_markdown_cell("# timing my solution"),
        v4.new_code_cell("%%time\n" + (SOLUTIONS / "broadcasting.py").read_text()),
    )
    result = check_file("broadcasting", path, seed=0)
    assert {t.status for t in result.tests} == {TestStatus.MISSING}
    assert all(
        "broadcast_shape is defined in cell 2, which starts with the cell magic %%time" in t.message
        for t in result.tests
    )


def test_the_same_limits_apply_to_notebooks(tmp_path: Path) -> None:
    path = _notebook(
        tmp_path / "broadcasting.ipynb",
        v4.new_code_cell("def broadcast_shape(*shapes):\n    while True:\n        pass"),
    )
    limits = Limits(timeout=1)
    result = check_file("broadcasting", path, seed=0, limits=limits)
    assert result.tests[0].status is TestStatus.TIMEOUT
    assert {t.status for t in result.tests} <= {TestStatus.TIMEOUT}
    assert sum(t.seconds for t in result.tests) < 30


# ---------------------------------------------------------------- a real Jupyter kernel


def _outputs_text(cell: Any) -> str:
    """Every string in the cell's outputs (stream text, every MIME type), joined."""

    def strings(value: Any) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return []

    return "\n".join(strings(cell.get("outputs", [])))


@pytest.mark.slow
def test_the_starter_notebook_runs_in_a_jupyter_kernel_and_its_check_cell_reports(
    tmp_path: Path,
) -> None:
    from nbclient import NotebookClient

    path = write_notebook(starter_notebook("conv2d", "conv2d.ipynb"), tmp_path / "conv2d.ipynb")
    notebook = read_notebook(path)
    client = NotebookClient(
        notebook,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},  # the kernel's cwd: the notebook's
    )
    check = len(notebook.cells) - 1
    (function,) = [i for i, c in enumerate(notebook.cells) if c.source.startswith("def conv2d")]
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)  # raises CellExecutionError if a cell fails

        # top to bottom: the examples say "not implemented yet", the check cell shows one
        # table with every test failing on the starter's NotImplementedError
        examples = next(c for c in notebook.cells if c.source.strip() == "_examples()")
        assert "not implemented yet" in _outputs_text(examples)
        (bundle,) = notebook.cells[check].outputs
        assert bundle.output_type == "display_data"
        plain, html = bundle.data["text/plain"], bundle.data["text/html"]
        suite = load_suite("conv2d")
        for test in suite.tests:
            assert test.name in plain and test.name in html
        max_points = sum(t.points for t in suite.tests)
        assert f"not yet: 0/{max_points:g} points" in plain
        assert "NotImplementedError: conv2d: conv2d (at conv2d.ipynb, cell " in plain
        assert "<pre" in html and "color:" in html and "error" in html
        assert not any("\x1b" in _outputs_text(c) for c in notebook.cells)  # no raw ANSI

        # the student fills in conv2d and runs it but forgets to save: the check warns
        notebook.cells[function].source = (SOLUTIONS / "conv2d.py").read_text()
        client.execute_cell(notebook.cells[function], function)
        client.execute_cell(notebook.cells[check], check)
        (bundle,) = notebook.cells[check].outputs
        assert "warning: the code you ran for conv2d differs from the saved" in " ".join(
            bundle.data["text/plain"].split()
        )
        assert "not yet" in bundle.data["text/plain"]

        # saved: every test passes, from inside the kernel
        write_notebook(notebook, path)
        client.execute_cell(notebook.cells[check], check)
        (bundle,) = notebook.cells[check].outputs
        assert "warning" not in bundle.data["text/plain"]
        assert (
            f"all tests passed: {max_points:g}/{max_points:g} points" in bundle.data["text/plain"]
        )


def test_classroom_init_finds_the_notebooks_of_a_template_repository(tmp_path: Path) -> None:
    from quizkit.ci.init import assignment_exercises

    write_notebook(starter_notebook("softmax", "softmax.ipynb"), tmp_path / "softmax.ipynb")
    (tmp_path / "linear.py").write_text(starter_source("linear"))
    assert assignment_exercises(tmp_path, None) == ("softmax", "linear")


def test_a_check_cell_that_lost_its_tag_is_dropped_too(tmp_path: Path) -> None:
    source = (SOLUTIONS / "broadcasting.py").read_text()
    path = _notebook(
        tmp_path / "broadcasting.ipynb",
        v4.new_code_cell(source),
        v4.new_code_cell(  # typed into new cells: no quizkit-check tag
            "%time 1\nimport quizkit.exercises.notebook\n"
            'r = quizkit.exercises.notebook.check_here("broadcasting")'
        ),
        v4.new_code_cell(
            'from quizkit.exercises import notebook\nnotebook.check_here("broadcasting")'
        ),
    )
    assert "quizkit" not in notebook_source(path).source
    result = check_file("broadcasting", path, seed=0)
    assert result.passed, [t.message for t in result.tests]


def test_quizkit_used_beside_student_code_is_still_refused(tmp_path: Path) -> None:
    source = (SOLUTIONS / "broadcasting.py").read_text()
    sneaky = "from quizkit.exercises.notebook import check_here\nx = 1\ncheck_here('broadcasting')"
    path = _notebook(
        tmp_path / "broadcasting.ipynb", v4.new_code_cell(source), v4.new_code_cell(sneaky)
    )
    result = check_file("broadcasting", path, seed=0)
    assert {t.status for t in result.tests} == {TestStatus.FORBIDDEN}
    assert "quizkit (cell 2, line 1)" in result.tests[0].message


def test_the_notebook_is_found_from_what_the_front_end_told_the_kernel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quizkit.exercises.notebook import notebook_path

    monkeypatch.chdir(tmp_path)  # a kernel's cwd is its notebook's folder
    mine = _notebook(tmp_path / "conv2d-Copy1.ipynb", v4.new_code_cell("x = 1"))
    _notebook(tmp_path / "conv2d.ipynb", v4.new_code_cell("x = 2"))
    vscode = {"__vsc_ipynb_file__": str(mine)}
    assert notebook_path(vscode, "conv2d.ipynb", {}) == mine
    relative_to_server_root = {"JPY_SESSION_NAME": "course/lab3/conv2d-Copy1.ipynb"}
    assert notebook_path({}, "conv2d.ipynb", relative_to_server_root).name == mine.name
    assert notebook_path({"__session__": ""}, "conv2d.ipynb", {}).name == "conv2d.ipynb"
    with pytest.raises(NotebookError, match=r"gone\.ipynb: no such notebook"):
        notebook_path({}, "gone.ipynb", {})
    with pytest.raises(NotebookError, match="cannot tell which notebook"):
        notebook_path({}, None, {})


def test_check_here_does_nothing_outside_a_kernel() -> None:
    from quizkit.exercises.notebook import check_here

    assert check_here("broadcasting", "nowhere.ipynb") is None
