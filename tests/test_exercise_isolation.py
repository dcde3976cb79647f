"""Student code runs in a worker: hangs, crashes, exits, memory bombs, huge output, forbidden
calls and tampering become failed tests with a reason, and the other tests still run."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from quizkit.exercises.runner import ExerciseFileError, check_exercise
from quizkit.exercises.sandbox import Isolation, Limits

FAST = Limits(timeout=3.0, import_timeout=3.0, memory_mb=512)
RELU_OK = "def relu(x):\n    return x.clamp(min=0)\n"


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "student.py"
    path.write_text("import torch\nimport torch.nn.functional as F\n" + textwrap.dedent(body))
    return path


def _statuses(tmp_path: Path, body: str, limits: Limits = FAST) -> dict[str, tuple[str, str]]:
    result = check_exercise("activations", _write(tmp_path, body), seed=0, limits=limits)
    return {t.name: (t.status.value, t.message + t.output) for t in result.tests}


def test_a_hang_in_one_function_times_out_and_the_others_still_pass(tmp_path: Path) -> None:
    got = _statuses(tmp_path, RELU_OK + "def sigmoid(x):\n    while True:\n        pass\n")
    assert got["relu_matches_torch_on_random_shapes"][0] == "passed"
    assert got["relu_gradient_matches_autograd"][0] == "passed"
    assert got["sigmoid_matches_torch_on_random_shapes"][0] == "timeout"


def test_an_infinite_loop_at_import_times_out_every_test(tmp_path: Path) -> None:
    got = _statuses(tmp_path, "while True:\n    pass\n")
    assert {status for status, _ in got.values()} == {"timeout"}
    assert all("importing the file" in message for _, message in got.values())


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("import sys\ndef sigmoid(x):\n    sys.exit(3)\n", "called exit(3)"),
        ("import os\ndef sigmoid(x):\n    os._exit(7)\n", "exited with status 7"),
        ("import faulthandler\ndef sigmoid(x):\n    faulthandler._sigsegv()\n", "SIGSEGV"),
        ("def sigmoid(x):\n    return torch.empty(10**10)\n", "RuntimeError"),
        ("def sigmoid(x):\n    raise KeyError('boom')\n", "KeyError: 'boom'"),
    ],
)
def test_a_crash_becomes_an_error_with_a_reason(tmp_path: Path, body: str, reason: str) -> None:
    got = _statuses(tmp_path, RELU_OK + body)
    status, message = got["sigmoid_matches_torch_on_random_shapes"]
    assert status == "error"
    assert reason in message
    assert got["relu_matches_torch_on_random_shapes"][0] == "passed"


def test_huge_output_is_captured_and_truncated(tmp_path: Path) -> None:
    got = _statuses(tmp_path, "def relu(x):\n    print('x' * 100_000)\n    return x.clamp(min=0)\n")
    status, message = got["relu_matches_torch_on_random_shapes"]
    assert status == "passed"
    assert "(output truncated)" in message
    assert len(message) < 5000


def test_an_import_error_fails_every_test_with_the_reason(tmp_path: Path) -> None:
    got = _statuses(tmp_path, "import not_a_module_anywhere\n")
    assert {status for status, _ in got.values()} == {"error"}
    assert all("not_a_module_anywhere" in m for _, m in got.values())


def test_a_syntax_error_names_the_line(tmp_path: Path) -> None:
    got = _statuses(tmp_path, "def relu(x)\n    return x\n")
    assert all(
        status == "error" and "student.py:3: syntax error" in m for status, m in got.values()
    )


def test_a_function_that_is_not_defined_is_missing(tmp_path: Path) -> None:
    got = _statuses(tmp_path, RELU_OK)
    assert got["tanh_matches_torch_on_random_shapes"][0] == "missing"


def test_a_forbidden_call_is_detected_statically(tmp_path: Path) -> None:
    got = _statuses(tmp_path, "def relu(x):\n    return F.relu(x)\n")
    status, message = got["relu_matches_torch_on_random_shapes"]
    assert status == "forbidden"
    assert "torch.nn.functional.relu" in message


def test_a_forbidden_call_hidden_from_the_scan_is_traced_at_run_time(tmp_path: Path) -> None:
    body = "def relu(x):\n    return getattr(torch, 're' + 'lu')(x)\n"
    got = _statuses(tmp_path, body)
    status, message = got["relu_matches_torch_on_random_shapes"]
    assert status == "forbidden"
    assert "aten::relu" in message


def test_the_student_cannot_alter_the_comparison(tmp_path: Path) -> None:
    body = """
        torch.allclose = lambda *a, **k: True
        torch.equal = lambda *a, **k: True
        torch.Tensor.__eq__ = lambda *a, **k: True
        def relu(x):
            return x * 2
    """
    got = _statuses(tmp_path, body)
    assert got["relu_matches_torch_on_random_shapes"][0] == "failed"


def test_mutating_the_input_in_place_fails(tmp_path: Path) -> None:
    got = _statuses(tmp_path, "def relu(x):\n    return x.clamp_(min=0)\n")
    status, message = got["relu_matches_torch_on_random_shapes"]
    assert status == "failed"
    assert "modified its argument x in place" in message


# ---------------------------------------------------------------- issue 10


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("import ctypes\ndef sigmoid(x):\n    return ctypes.string_at(0)\n", "ctypes"),
        (
            "import threading\ndef sigmoid(x):\n    threading.Thread(target=print).start()\n",
            "a thread",
        ),
        ("import os\ndef sigmoid(x):\n    os.system('true')\n", "running another program"),
        (
            "import socket\ndef sigmoid(x):\n    socket.socket().connect(('127.0.0.1', 9))\n",
            "a network socket",
        ),
    ],
)
def test_work_the_tracers_cannot_see_is_forbidden(tmp_path: Path, body: str, reason: str) -> None:
    got = _statuses(tmp_path, RELU_OK + body)
    status, message = got["sigmoid_matches_torch_on_random_shapes"]
    assert status == "forbidden"
    assert reason in message
    assert got["relu_matches_torch_on_random_shapes"][0] == "passed"


def test_a_symbolic_link_is_refused_with_a_per_file_error(tmp_path: Path) -> None:
    target = _write(tmp_path, RELU_OK)
    link = tmp_path / "activations.py"
    link.symlink_to(target)
    with pytest.raises(ExerciseFileError, match="symbolic link"):
        check_exercise("activations", link, seed=0, limits=FAST)


def test_process_isolation_runs_the_same_tests(tmp_path: Path) -> None:
    path = _write(tmp_path, RELU_OK + "def sigmoid(x):\n    return torch.sigmoid(x)\n")
    result = check_exercise("activations", path, seed=0, limits=FAST, isolation=Isolation.PROCESS)
    got = {t.name: t.status.value for t in result.tests}
    assert got["relu_matches_torch_on_random_shapes"] == "passed"
    assert got["sigmoid_matches_torch_on_random_shapes"] == "forbidden"


def test_without_bubblewrap_check_falls_back_with_a_notice_and_grade_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from quizkit.cli.main import app
    from quizkit.exercises import sandbox

    monkeypatch.setitem(sandbox._probe, "result", sandbox.INSTALL_HINT)
    mode, notice = sandbox.resolve_isolation(None)
    assert mode is Isolation.PROCESS and "apt install bubblewrap" in notice
    path = _write(tmp_path, RELU_OK)
    result = CliRunner().invoke(app, ["grade", str(path), "--exercises", "activations"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "apt install bubblewrap" in lines[0]
    assert "--isolation=process" in lines[0]


def test_a_submission_budget_ends_the_remaining_tests_as_timeouts(tmp_path: Path) -> None:
    from quizkit.grade.models import Submission, SubmissionKind
    from quizkit.grade.run import grade_submissions

    path = _write(tmp_path, "def relu(x):\n    while True:\n        pass\n" + "tanh = relu\n")
    sub = Submission("s", tmp_path, SubmissionKind.FILE, {"activations": path})
    limits = Limits(timeout=2.0, import_timeout=10.0, submission_budget=4.0)
    started = time.monotonic()
    run = grade_submissions([sub], seed=0, limits=limits, jobs=1)
    assert time.monotonic() - started < 60
    tests = run.submissions[0].exercises[0].tests
    assert all(t.status.value in ("timeout", "missing") for t in tests)
    assert any("time budget (4 s) ran out" in t.message for t in tests)


def test_asking_torch_for_threads_is_ignored_with_a_note_not_a_crash(tmp_path: Path) -> None:
    body = """
        def relu(x):
            torch.set_num_threads(4)
            a = torch.randn(256, 256)
            (a @ a).exp().sum()
            return x.clamp(min=0)
    """
    status, output = _statuses(tmp_path, body)["relu_matches_torch_on_random_shapes"]
    assert status == "passed", output
    assert "torch.set_num_threads(4) ignored" in output
