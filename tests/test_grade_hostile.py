"""Hostile and broken submissions (``tests/hostile/<case>/activations.py``) graded in one
``quizkit grade`` run next to a correct one: each ends as a failed or errored ``relu`` test with
a clear reason, never a pass; nothing hangs; the correct student still gets full marks; student
files never reach the report; CI commands in student output are defused."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizkit.cli.main import app

HOSTILE = Path(__file__).parent / "hostile"
SOLUTION = Path(__file__).parent.parent / "solutions" / "activations.py"
RELU = "relu_matches_torch_on_random_shapes"

# case -> (status of the relu test, words its message or output must contain)
EXPECTED: dict[str, tuple[str, str]] = {
    "loop_in_call": ("timeout", "did not finish within 5 s"),
    "loop_at_import": ("timeout", "importing the file failed"),
    "memory": ("error", "MemoryError"),
    "sys_exit": ("error", "called exit(0)"),
    "os_exit": ("error", "exited with status 0"),
    "segfault": ("error", "SIGSEGV"),
    "syntax_error": ("error", "syntax error"),
    "missing_function": ("missing", "does not define relu"),
    "huge_output": ("error", "File too large"),
    "report_files": ("failed", "expected 0"),
    "monkeypatch": ("failed", "expected"),
    "mutate_input": ("failed", "modified its argument x in place"),
    "stack_search": ("forbidden", "uses get_objects"),
    "stack_search_hidden": ("forbidden", "introspection (gc.get_objects)"),
    "forbidden_alias": ("forbidden", "torch.nn.functional.relu"),
    "forbidden_hidden": ("forbidden", "aten::relu"),
    "tracers_disabled": ("forbidden", "op tracers"),
    "signals": ("forbidden", "a signal to another process"),
    "forged_reply": ("error", "out of sequence"),
}


def _copy_case(case: str, target: Path) -> None:
    """Copy one fixture; ``x.py.txt`` becomes ``x.py`` (files that must not parse, for ruff)."""
    target.mkdir(parents=True)
    for source in (HOSTILE / case).iterdir():
        shutil.copy(source, target / source.name.removesuffix(".txt"))


@pytest.mark.slow
def test_every_hostile_submission_fails_with_a_reason_and_the_honest_one_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if os.geteuid() != 0 and "signals" in EXPECTED:
        # without root the kernel may refuse the worker its own PID namespace; the case that
        # signals every process would then hit this very test run
        del EXPECTED["signals"]
    students = tmp_path / "students"
    for case in EXPECTED:
        _copy_case(case, students / case)
    (students / "honest").mkdir()
    shutil.copy(SOLUTION, students / "honest" / "activations.py")
    cwd = tmp_path / "ci"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    paths = [str(students / case) for case in [*EXPECTED, "honest"]]
    # 5 s, not less: under a loaded CI machine the 1 GB memory bomb needs seconds of page faults
    # to reach its limit, and must end as MemoryError, not be cut short as a timeout.
    args = ["grade", *paths, "--seed", "3", "--timeout", "5", "--jobs", "2", "-f", "json"]
    result = CliRunner().invoke(app, [*args, "--output", "report.json"])
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in cwd.iterdir()) == ["report.json"]
    lines = (cwd / "report.json").read_text().splitlines()
    by_student = {Path(d["submission"]).name: d for d in map(json.loads, lines)}
    assert by_student["honest"]["passed"] is True
    assert by_student["honest"]["score"] == by_student["honest"]["max_score"] > 0
    wrong = {}
    for case, (status, words) in EXPECTED.items():
        tests = {t["name"]: t for t in by_student[case]["exercises"][0]["tests"]}
        relu = tests[RELU]
        if relu["status"] != status or words not in relu["message"]:
            wrong[case] = (relu["status"], relu["message"][:300])
        assert by_student[case]["passed"] is False
    assert not wrong, wrong
    # the text report, as a CI log shows it: no workflow command survives at a line start
    text = result.output
    for line in text.splitlines():
        assert not line.lstrip(" |").startswith(("::", "##")), line
    assert "\x1b" not in text


def test_student_output_is_captured_not_interleaved_and_commands_are_defused(
    tmp_path: Path,
) -> None:
    student = tmp_path / "s"
    _copy_case("huge_output", student)
    result = CliRunner().invoke(
        app, ["grade", str(student), "--seed", "1", "--timeout", "5"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 1
    assert "yyyy" in result.output and "(output truncated)" in result.output
    assert ": :error file=grader.py::all tests passed" in result.output
    assert "# #vso[task.complete" not in result.output or "##vso" not in result.output
    assert "\x1b" not in result.output
    assert len(result.output) < 200_000
