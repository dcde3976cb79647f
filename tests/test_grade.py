"""``quizkit grade``: discovery, exit codes, the same verdicts as ``exercise check``, and every
report format (JUnit XML well-formed whatever the student printed, Gradescope and GitHub Classroom
schemas, the step summary), atomic output, ``classroom init``."""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizkit.cli.main import app
from quizkit.exercises.models import ExerciseResult, TestResult, TestStatus
from quizkit.exercises.runner import check_exercise
from quizkit.exercises.sandbox import Limits
from quizkit.grade.discover import GradeInputError, discover
from quizkit.grade.models import GradeRun, SubmissionKind, SubmissionResult
from quizkit.grade.output import write_atomic
from quizkit.grade.reports import ReportFormat, build_report
from quizkit.grade.reports.junit import junit_report
from quizkit.grade.reports.summary import append_step_summary, markdown_summary
from quizkit.grade.run import grade_submissions
from quizkit.grade.sanitize import clean_text

SOLUTIONS = Path(__file__).parent.parent / "solutions"
runner = CliRunner()
WRONG_BROADCAST = "def broadcast_shape(*shapes):\n    return tuple(max(s) for s in zip(*shapes))\n"


def _submission(tmp_path: Path, name: str = "alice", **files: str) -> Path:
    root = tmp_path / name
    root.mkdir()
    for exercise, source in files.items():
        (root / f"{exercise}.py").write_text(source)
    return root


def _fake_run(message: str = "boom", output: str = "") -> GradeRun:
    tests = [
        TestResult(
            name="t_ok", function="f", group="g", status=TestStatus.PASSED, points=1, max_points=1
        ),
        TestResult(
            name="t_bad",
            function="f",
            group="g",
            status=TestStatus.FAILED,
            points=0,
            max_points=2,
            message=message,
            output=output,
        ),
        TestResult(
            name="t_hang",
            function="f",
            group="g",
            status=TestStatus.TIMEOUT,
            points=0,
            max_points=1,
            message="did not finish within 1 s",
        ),
    ]
    result = ExerciseResult.from_tests("conv2d", tests, seed=5)
    sub = SubmissionResult(submission="alice", kind=SubmissionKind.DIRECTORY, exercises=[result])
    return GradeRun(seed=5, submissions=[sub], seconds=1.5)


# ---------------------------------------------------------------- discovery and exit codes


def test_a_directory_is_graded_on_the_exercise_files_it_holds(tmp_path: Path) -> None:
    root = _submission(tmp_path, broadcasting="", softmax="")
    (root / "notes.py").write_text("")
    [sub] = discover([root])
    assert sub.kind is SubmissionKind.DIRECTORY
    assert list(sub.exercises) == ["softmax", "broadcasting"]  # catalog order


def test_with_exercises_a_missing_file_scores_zero_instead_of_shrinking_the_maximum(
    tmp_path: Path,
) -> None:
    root = _submission(tmp_path, broadcasting=(SOLUTIONS / "broadcasting.py").read_text())
    result = runner.invoke(
        app, ["grade", str(root), "-e", "broadcasting,linear", "--seed", "1", "-f", "json"]
    )
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    linear = data["exercises"][1]
    assert linear["exercise"] == "linear" and linear["score"] == 0 < linear["max_score"]
    assert {t["status"] for t in linear["tests"]} == {"missing"}
    assert "the submission has no linear.py" in linear["tests"][0]["message"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["nowhere"], "no such file or directory"),
        (["EMPTY"], "no exercise files"),
        (["EMPTY/notes.py"], "'notes' is not an exercise name"),
        (["EMPTY", "-e", "nope"], "unknown exercise 'nope'"),
        (["EMPTY", "EMPTY2", "-f", "gradescope"], "reports one submission"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path: Path, args: list[str], words: str) -> None:
    (tmp_path / "EMPTY").mkdir()
    (tmp_path / "EMPTY2").mkdir()
    (tmp_path / "EMPTY" / "notes.py").write_text("")
    argv = [str(tmp_path / a) if a.startswith(("EMPTY", "nowhere")) else a for a in args]
    result = runner.invoke(app, ["grade", *argv])
    assert result.exit_code == 2
    assert words in result.output


def test_a_single_file_named_after_its_exercise_passes_with_exit_0(tmp_path: Path) -> None:
    path = tmp_path / "broadcasting.py"
    shutil.copy(SOLUTIONS / "broadcasting.py", path)
    result = runner.invoke(app, ["grade", str(path), "--seed", "2"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "all passed" in result.output


def test_any_file_name_works_with_one_exercises_name(tmp_path: Path) -> None:
    path = tmp_path / "my_attempt.py"
    path.write_text(WRONG_BROADCAST)
    [sub] = discover([path], exercises=["broadcasting"])
    assert sub.exercises == {"broadcasting": path}
    with pytest.raises(GradeInputError):
        discover([path], exercises=["broadcasting", "softmax"])


# ---------------------------------------------------------------- same verdicts as check


@pytest.mark.slow
def test_grade_gives_the_same_verdict_per_test_as_exercise_check(tmp_path: Path) -> None:
    softmax = "import torch\ndef softmax(x, dim):\n    e = x.exp()\n    return e / e.sum(dim, keepdim=True)\n"
    root = _submission(tmp_path, broadcasting=WRONG_BROADCAST, softmax=softmax)
    limits = Limits(timeout=5)
    run = grade_submissions(discover([root]), seed=7, limits=limits, jobs=2)
    graded = {r.exercise: r for r in run.submissions[0].exercises}
    for exercise in ("broadcasting", "softmax"):
        alone = check_exercise(exercise, root / f"{exercise}.py", seed=7, limits=limits)
        assert [(t.name, t.status) for t in graded[exercise].tests] == [
            (t.name, t.status) for t in alone.tests
        ]
        assert graded[exercise].score == alone.score
    assert not run.passed


def test_several_students_are_graded_in_one_run_in_order(tmp_path: Path) -> None:
    good = _submission(tmp_path, "good", broadcasting=(SOLUTIONS / "broadcasting.py").read_text())
    bad = _submission(tmp_path, "bad", broadcasting=WRONG_BROADCAST)
    result = runner.invoke(
        app, ["grade", str(good), str(bad), "-j", "2", "--seed", "4", "-f", "json"]
    )
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(r["submission"]).name for r in rows] == ["good", "bad"]
    assert [r["passed"] for r in rows] == [True, False]
    assert set(rows[0]) == {
        "submission",
        "kind",
        "name",
        "student_id",
        "warnings",
        "passed",
        "score",
        "max_score",
        "seed",
        "errors",
        "exercises",
    }
    assert set(rows[0]["exercises"][0]) == {"exercise", "passed", "score", "max_score", "tests"}


# ---------------------------------------------------------------- answer sheets


def test_a_filled_answer_sheet_is_graded_like_an_exercise(tmp_path: Path) -> None:
    from test_worksheet_common import fixture_bank, small_worksheet

    from quizkit.worksheet.sheet import render_answer_sheet, sheet_filename

    version = small_worksheet().versions[0]
    answers = [item.answer for item in version.items]
    answers[0] = "12345"
    path = tmp_path / sheet_filename(version)
    path.write_text(render_answer_sheet(small_worksheet(), version, answers=answers))
    [sub] = discover([path])
    assert sub.kind is SubmissionKind.SHEET
    run = grade_submissions([sub], seed=0, jobs=1, bank=fixture_bank())
    [result] = run.submissions[0].exercises
    assert result.exercise.startswith("worksheet ws-")
    assert [t.status for t in result.tests].count(TestStatus.FAILED) == 1
    assert result.score == result.max_score - result.tests[0].max_points


def test_an_unreadable_answer_sheet_is_an_input_error_and_others_are_still_graded(
    tmp_path: Path,
) -> None:
    root = _submission(tmp_path, broadcasting=(SOLUTIONS / "broadcasting.py").read_text())
    (root / "answers-ws-1-v1-000000000000.yaml").write_text("quizkit: answer-sheet\nworksheet: [\n")
    run = grade_submissions(discover([root]), seed=1, jobs=1)
    sub = run.submissions[0]
    assert sub.errors and "answers-ws-1" in sub.errors[0]
    assert sub.exercises[0].passed
    assert int(run.exit_status) == 2


# ---------------------------------------------------------------- reports


def test_junit_is_well_formed_whatever_the_student_printed() -> None:
    nasty = 'a\x00b\x1b[31mred]]></failure><x>\ud800\ufffe & "quotes" \x07'
    xml = junit_report(_fake_run(message=nasty, output=nasty))
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.tag == "testsuites"
    [suite] = root
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "1")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["t_ok", "t_bad", "t_hang"]
    failure = cases[1].find("failure")
    assert failure is not None and "]]></failure><x>" in (failure.text or "")
    assert "\\x00" in (failure.text or "") and "\\ud800" in (failure.text or "")
    assert cases[2].find("error") is not None


def test_gradescope_report_has_the_results_json_schema() -> None:
    data = json.loads(build_report(_fake_run(), ReportFormat.GRADESCOPE))
    assert data["score"] == 1 and data["execution_time"] == 2
    assert {"name", "score", "max_score", "status", "output", "visibility"} <= set(data["tests"][0])
    assert [t["status"] for t in data["tests"]] == ["passed", "failed", "failed"]
    assert data["tests"][1]["output"].startswith("failed: boom")


def test_classroom_report_has_the_grader_action_schema() -> None:
    data = json.loads(build_report(_fake_run(), ReportFormat.CLASSROOM))
    assert data["version"] == 1 and data["status"] == "fail" and data["max_score"] == 4
    assert [t["status"] for t in data["tests"]] == ["pass", "fail", "error"]
    assert [t["score"] for t in data["tests"]] == [1, 0, 0]
    assert {"name", "status", "score", "message", "line_no", "execution_time"} == set(
        data["tests"][0]
    )


def test_step_summary_is_appended_with_student_text_escaped(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    run = _fake_run(message="<img src=x onerror=alert(1)> | [link](http://x)")
    assert append_step_summary(run, {"GITHUB_STEP_SUMMARY": str(summary)}) == summary
    text = summary.read_text()
    assert text.startswith("earlier step\n## quizkit grade")
    assert "<img" not in text and "&lt;img" in text and "\\| \\[link\\]" in text
    assert "| alice | conv2d | 1/4 | 1/3 | ❌ |" in markdown_summary(run)
    assert append_step_summary(run, {}) is None


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("::error::x", ": :error::x"),
        ("ok\n  ::set-output name=a::b", "ok\n  : :set-output name=a::b"),
        ("##vso[task.complete]", "# #vso[task.complete]"),
        ("\x1b[2Jcleared\x07", "cleared"),
        ("aten::relu is fine mid-line", "aten::relu is fine mid-line"),
        ("line\r::error::carriage", "line\n: :error::carriage"),
    ],
)
def test_ci_workflow_commands_and_terminal_escapes_are_defused(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_output_is_written_atomically_over_a_file_a_student_put_there(tmp_path: Path) -> None:
    target = tmp_path / "results.json"
    target.write_text('{"score": 100}')
    write_atomic(target, '{"score": 0}\n')
    assert target.read_text() == '{"score": 0}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_output_to_a_device_or_pipe_is_written_into_it_not_replaced(tmp_path: Path) -> None:
    # `-o /dev/null` as root once replaced the device with a regular file; a FIFO stands in.
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_atomic(fifo, "<testsuites/>\n")
    reader.join(timeout=10)
    assert received == ["<testsuites/>\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["report.pipe"]


def test_gradescope_output_to_a_file_and_text_report_on_stdout(tmp_path: Path) -> None:
    root = _submission(tmp_path, broadcasting=WRONG_BROADCAST)
    out = tmp_path / "results" / "results.json"
    out.parent.mkdir()
    result = runner.invoke(
        app,
        ["grade", str(root), "-f", "gradescope", "-o", str(out), "--seed", "1"],
        env={"COLUMNS": "150"},
    )
    assert result.exit_code == 1
    data = json.loads(out.read_text())
    assert data["score"] < sum(t["max_score"] for t in data["tests"])
    assert "expected" in result.output and "wrote the gradescope report" in result.output
