"""Chinese exercise starters: the same code as the English ones, the prose in Chinese."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizkit.bank.locale import Lang
from quizkit.cli.main import app
from quizkit.exercises.catalog import list_exercises, starter_source

NAMES = [info.name for info in list_exercises()]
CHINESE = re.compile(
    r"[\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e]"
)  # Chinese characters or punctuation


class _Prose(ast.NodeTransformer):
    """Blanks what a translation may change: docstrings and the text printed by examples."""

    def _drop_docstring(self, node: ast.AST) -> None:
        body = getattr(node, "body", None)
        if (
            body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            body[0] = ast.Pass()

    def generic_visit(self, node: ast.AST) -> ast.AST:
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef):
            self._drop_docstring(node)
        if isinstance(node, ast.JoinedStr):  # f-strings: keep the expressions, blank the words
            node.values = [v for v in node.values if not isinstance(v, ast.Constant)]
        return super().generic_visit(node)


def code_of(source: str) -> str:
    return ast.dump(_Prose().visit(ast.parse(source)))


@pytest.mark.parametrize("name", NAMES)
def test_the_chinese_starter_has_the_english_code_and_chinese_prose(name: str) -> None:
    english = starter_source(name)
    chinese = starter_source(name, Lang.ZH)
    assert chinese != english, f"no Chinese starter for {name}"
    assert code_of(chinese) == code_of(english)
    assert chinese.count("THIS_FILE") == english.count("THIS_FILE")
    tree = ast.parse(chinese)
    docstrings = [
        ast.get_docstring(node)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and not (isinstance(node, ast.FunctionDef) and node.name.startswith("_"))
    ]
    documented = [d for d in docstrings if d]
    assert documented and all(CHINESE.search(d) for d in documented), name
    assert f"quizkit exercise check {name} THIS_FILE" in chinese


def test_the_normalised_code_still_tells_a_changed_program_apart() -> None:
    english = starter_source("linear")
    assert code_of(english) != code_of(english.replace("rtol=1e-6", "rtol=1e-5"))


def test_exercise_start_lang_zh_writes_a_runnable_chinese_starter(tmp_path: Path) -> None:
    target = tmp_path / "linear.py"
    result = CliRunner().invoke(
        app, ["exercise", "start", "linear", "-o", str(target), "--lang", "zh"]
    )
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert "用 matmul / @ 实现全连接层" in text
    assert f"quizkit exercise check linear {target}" in text
    run = subprocess.run(
        [sys.executable, str(target)], capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stderr
    assert "linear: 尚未实现" in run.stdout
