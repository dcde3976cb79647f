"""Hostile and broken submissions (``tests/hostile/<case>/``) graded in one ``quizkit grade`` run,
in the bubblewrap sandbox, next to an honest student: each ends as failed, error, forbidden,
missing or timeout with a reason, never a point; the honest student keeps full marks; a secret
in the grader's environment reaches no report; a listener on 127.0.0.1 receives nothing; the
grader's peak RSS stays under 1 GB; no process, temporary file or ``/tmp``/``/dev/shm`` note of
the run is left; site-packages and the installed package are untouched. The run is repeated as
root and as an unprivileged user created for the test."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pwd
import shutil
import site
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import quizkit
from quizkit.exercises.sandbox import bwrap_problem

HOSTILE = Path(__file__).parent / "hostile"
SOLUTIONS = Path(__file__).parent.parent / "solutions"
SECRET = "ghp_quizkitHostileSecret0123456789"
RELU = "relu_matches_torch_on_random_shapes"


@dataclass(frozen=True)
class Expect:
    """The first test of ``exercise`` named ``test`` ends with one of ``statuses``, and its
    message or output contains ``words``."""

    statuses: tuple[str, ...]
    words: str
    exercise: str = "activations"
    test: str = RELU


EXPECTED: dict[str, Expect] = {
    "loop_in_call": Expect(("timeout",), "did not finish within"),
    "loop_at_import": Expect(("timeout",), "importing the file failed"),
    "memory": Expect(("error", "timeout"), ""),
    "sys_exit": Expect(("error",), "called exit(0)"),
    "os_exit": Expect(("error",), "exited with status 0"),
    "segfault": Expect(("forbidden",), "ctypes"),
    "segfault_native": Expect(("error",), "SIGSEGV"),
    "syntax_error": Expect(("error",), "syntax error"),
    "missing_function": Expect(("missing",), "does not define relu"),
    "huge_output": Expect(("error",), "File too large"),
    "report_files": Expect(("failed",), "expected 0"),
    "monkeypatch": Expect(("failed",), "expected"),
    "mutate_input": Expect(("failed",), "modified its argument x in place"),
    "stack_search": Expect(("forbidden",), "uses get_objects"),
    "stack_search_hidden": Expect(("forbidden",), "introspection (gc.get_objects)"),
    "forbidden_alias": Expect(("forbidden",), "torch.nn.functional.relu"),
    "forbidden_hidden": Expect(("forbidden",), "aten::relu"),
    "tracers_disabled": Expect(("forbidden",), "op tracers"),
    "signals": Expect(("forbidden",), "ctypes"),
    "forged_reply": Expect(("error",), "reply"),
    # issue 10
    "thread": Expect(("forbidden",), "a thread"),
    "private_conv": Expect(
        ("forbidden",), "slow_conv_dilated2d", "conv2d", "conv2d_with_defaults_matches_torch"
    ),
    "safe_softmax": Expect(
        ("forbidden",), "_safe_softmax", "softmax", "softmax_matches_torch_along_every_dim"
    ),
    "ctypes_frames": Expect(("forbidden",), "ctypes"),
    "subprocess_python": Expect(("forbidden",), "running another program"),
    "exec_python": Expect(("forbidden",), "running another program"),
    "fork_worker": Expect(("forbidden",), "a new process"),
    "import_solutions": Expect(("error",), "No module named 'solutions'"),
    "secrets_env": Expect(("error",), "RuntimeError: environment"),
    "socket_loopback": Expect(("forbidden",), "a network socket"),
    "partial_frame": Expect(("error", "timeout"), ""),
    "huge_reply": Expect(("error",), "expands to more than the grader accepts"),
    "lone_surrogate": Expect(("error",), "ValueError: bad \\ud800 \\udfff"),
    "tmp_leftovers": Expect(("error",), "OSError"),  # file size limit or the /tmp cap
    "tmp_cross_read": Expect(("failed",), "expected"),
    "pth_drop": Expect(("error",), "Read-only file system"),
}
# Submissions refused per file: (their error names this)
INPUT_ERRORS = {"yaml_bomb": "anchors and aliases", "symlink": "symbolic link"}
HONEST = ("activations", "conv2d", "softmax")

# Runs the CLI and records this process's own peak RSS (children excluded) on exit.
WRAPPER = """
import os, resource, sys
from quizkit.cli.main import main
sys.argv = ["quizkit", *sys.argv[1:]]
try:
    main()
finally:
    with open(os.environ["QUIZKIT_TEST_RSS"], "w") as f:
        f.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
"""


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection and byte it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                data = b"<connected>"
                with contextlib.suppress(OSError):
                    data += conn.recv(65536)
                self.received.append(data)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


def _copy_case(case: str, target: Path, port: int) -> None:
    """One fixture; ``x.py.txt`` becomes ``x.py`` (files that must not parse, for ruff)."""
    target.mkdir(parents=True)
    for source in (HOSTILE / case).iterdir():
        text = source.read_bytes().replace(b"QUIZKIT_TEST_PORT", str(port).encode())
        (target / source.name.removesuffix(".txt")).write_bytes(text)


def _students(root: Path, port: int) -> list[Path]:
    students = root / "students"
    for case in EXPECTED:
        _copy_case(case, students / case, port)
    _copy_case("yaml_bomb", students / "yaml_bomb", port)
    (students / "symlink").mkdir()
    (students / "symlink" / "activations.py").symlink_to(SOLUTIONS / "activations.py")
    honest = students / "honest"
    honest.mkdir()
    for name in HONEST:
        shutil.copy(SOLUTIONS / f"{name}.py", honest / f"{name}.py")
    return sorted(students.iterdir())


def _sensitive_files() -> dict[Path, str]:
    """Files a student must not be able to change: the installed report module, and the
    site-packages listing (a dropped ``.pth``)."""
    package = Path(quizkit.__file__).parent
    found = {package / "grade" / "output.py": "", package / "grade" / "run.py": ""}
    for path in found:
        found[path] = hashlib.sha256(path.read_bytes()).hexdigest()
    for directory in site.getsitepackages():
        found[Path(directory)] = ",".join(sorted(os.listdir(directory)))
    return found


def _leftovers(grader_pid: int = 0, uid: int | None = None) -> set[str]:
    """What a run may have left in ``/tmp`` and ``/dev/shm``: the notes of ``tmp_leftovers``,
    and zone directories of the grader ``grader_pid`` or owned by ``uid`` (other tests running
    at the same time have zones of their own)."""
    names = set()
    for directory in ("/tmp", "/dev/shm"):
        with contextlib.suppress(OSError):
            for n in os.listdir(directory):
                path = f"{directory}/{n}"
                with contextlib.suppress(OSError):
                    ours = n.startswith(f"quizkit-zone-{grader_pid}-") or (
                        n.startswith("quizkit-zone-") and os.stat(path).st_uid == uid
                    )
                    if ours or n.startswith(("quizkit-hostile-note", "quizkit-hostile-fill")):
                        names.add(path)
    return names


def _processes_of(uids: set[int]) -> list[str]:
    """Live (not zombie) processes running as one of ``uids``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
            if fields["State"].split()[0] != "Z" and int(fields["Uid"].split()[0]) in uids:
                found.append(entry)
        except (OSError, ValueError):
            continue
    return found


def _unreadable_ancestor(path: str) -> str | None:
    """The first directory above ``path`` that other users cannot enter (e.g. ``/root``)."""
    current = Path(path).resolve()
    for parent in reversed(current.parents):
        if parent != Path("/") and not os.stat(parent).st_mode & stat.S_IXOTH:
            return str(parent)
    return None


def _as_user(command: list[str], uid: int) -> list[str]:
    """``command`` run as ``uid``; when the Python installation sits under a directory other
    users cannot enter (``/root/.pyenv``), that directory is replaced by an empty one in a
    mount namespace of the test's own, with only the Python trees bound back in."""
    prefix = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--"]
    blocked = {
        a for a in (_unreadable_ancestor(sys.base_prefix), _unreadable_ancestor(sys.prefix)) if a
    }
    if not blocked:
        return prefix + command
    wrap = ["bwrap", "--dev-bind", "/", "/"]
    for directory in blocked:
        wrap += ["--perms", "0755", "--tmpfs", directory]
        for tree in {os.path.realpath(sys.base_prefix), os.path.abspath(sys.prefix)}:
            if tree.startswith(directory + os.sep):
                between = [p for p in Path(tree).parents if str(p).startswith(directory + os.sep)]
                for parent in sorted(map(str, between)):
                    wrap += ["--perms", "0755", "--dir", parent]
                wrap += ["--ro-bind", tree, tree]
    return [*wrap, "--", *prefix, *command]


@pytest.fixture(params=["root", "unprivileged"])
def grader_user(request: pytest.FixtureRequest) -> object:
    """``None`` to grade as the current user (root), or the uid of a user created here."""
    if request.param == "root":
        if os.geteuid() != 0:
            pytest.skip("not running as root")
        yield None
        return
    if os.geteuid() != 0:
        yield None  # already unprivileged
        return
    name = f"qkhostile{os.getpid() % 100000}"
    done = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0 and b"already exists" not in done.stderr:
        pytest.skip(f"cannot create a user: {done.stderr.decode().strip()}")
    try:
        yield pwd.getpwnam(name).pw_uid
    finally:
        subprocess.run(["userdel", name], capture_output=True, check=False)


@pytest.mark.slow
def test_every_hostile_submission_fails_with_a_reason_and_the_honest_one_keeps_full_marks(
    grader_user: int | None,
) -> None:
    if bwrap_problem() is not None:
        pytest.skip(bwrap_problem() or "")
    listener = Listener()
    work = Path(tempfile.mkdtemp(prefix="quizkit-hostile-test-"))
    try:
        _run_and_check(work, listener, grader_user)
    finally:
        listener.close()
        shutil.rmtree(work, ignore_errors=True)


def _run_and_check(work: Path, listener: Listener, uid: int | None) -> None:
    paths = _students(work, listener.port)
    ci = work / "ci"
    ci.mkdir()
    if uid is not None:
        for directory, _dirs, files in os.walk(work):
            os.chmod(directory, 0o755)
            for f in files:
                if not os.path.islink(os.path.join(directory, f)):
                    os.chmod(os.path.join(directory, f), 0o644)
        os.chmod(work, 0o755)
        os.chown(ci, uid, uid)
    before_files = _sensitive_files()
    env = {
        **os.environ,
        "GITHUB_TOKEN": SECRET,
        "GRADESCOPE_API_TOKEN": SECRET,
        "GITHUB_STEP_SUMMARY": str(ci / "summary.md"),
        "QUIZKIT_TEST_RSS": str(ci / "rss.txt"),
        "COLUMNS": "200",
    }
    command = [sys.executable, "-c", WRAPPER, "grade", *map(str, paths)]
    command += ["--seed", "3", "--timeout", "8", "--jobs", "2", "-f", "json"]
    command += ["--output", str(ci / "report.json"), "--run-budget", "900"]
    if uid is not None:
        command = _as_user(command, uid)
    started = time.monotonic()
    grader = subprocess.Popen(
        command, cwd=ci, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = grader.communicate(timeout=1200)
    elapsed = time.monotonic() - started
    stdout, stderr = out.decode("utf-8"), err.decode("utf-8")
    assert grader.returncode == 2, stderr[-3000:]  # 2: the link and the alias bomb are bad input
    assert elapsed < 960
    report = (ci / "report.json").read_text(encoding="utf-8")
    summary = (ci / "summary.md").read_text(encoding="utf-8")
    for text in (report, summary, stdout, stderr):
        assert SECRET not in text
        assert "\x1b" not in text
    by_student = {_student(d["submission"]): d for d in map(json.loads, report.splitlines())}
    honest = by_student["honest"]
    assert honest["passed"] is True and honest["errors"] == []
    assert honest["score"] == honest["max_score"] > 0
    wrong = {}
    for case, expect in EXPECTED.items():
        sub = by_student[case]
        assert sub["score"] == 0 and sub["passed"] is False, case
        (result,) = [e for e in sub["exercises"] if e["exercise"] == expect.exercise]
        test = {t["name"]: t for t in result["tests"]}[expect.test]
        if test["status"] not in expect.statuses or expect.words not in test["message"]:
            wrong[case] = (test["status"], test["message"][:300])
        assert all(t["message"] for t in result["tests"] if t["status"] != "passed"), case
    assert not wrong, wrong
    for case, words in INPUT_ERRORS.items():
        sub = by_student[case]
        assert sub["score"] == 0 and any(words in e for e in sub["errors"]), sub["errors"]
    assert listener.received == []
    assert int((ci / "rss.txt").read_text()) < 1_000_000  # KiB: under 1 GB
    assert _sensitive_files() == before_files
    assert _leftovers(grader.pid, uid) == set()
    assert sorted(p.name for p in ci.iterdir()) == ["report.json", "rss.txt", "summary.md"]
    # the zones' uids (see quizkit.exercises.sandbox._allocate_uid), or the user's own
    base = 1_000_000_000 + (grader.pid % 100_000) * 10_000
    uids = {uid} if uid is not None else set(range(base, base + 10_000))
    deadline = time.monotonic() + 10  # killed sandboxes take a moment to be reaped
    while _processes_of(uids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_of(uids) == []


def test_student_output_is_captured_not_interleaved_and_commands_are_defused(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from quizkit.cli.main import app

    student = tmp_path / "s"
    _copy_case("huge_output", student, 0)
    result = CliRunner().invoke(
        app,
        ["grade", str(student), "--seed", "1", "--timeout", "5", "--isolation", "process"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 1
    assert "yyyy" in result.output and "(output truncated)" in result.output
    assert ": :error file=grader.py::all tests passed" in result.output
    assert "# #vso[task.complete" not in result.output or "##vso" not in result.output
    assert "\x1b" not in result.output
    assert len(result.output) < 200_000


def _run_with(message: str, *, warnings: list[str]) -> object:
    from quizkit.exercises.models import ExerciseResult, TestResult, TestStatus
    from quizkit.grade.models import GradeRun, SubmissionKind, SubmissionResult
    from quizkit.grade.sanitize import clean_result

    test = TestResult(
        name="relu_matches_torch_on_random_shapes",
        function="relu",
        group="relu",
        status=TestStatus.ERROR,
        points=0.0,
        max_points=1.0,
        message=message,
        output=message,
    )
    result = clean_result(ExerciseResult.from_tests("activations", [test], seed=1))
    sub = SubmissionResult(submission="s", kind=SubmissionKind.FILE, exercises=[result])
    return GradeRun(seed=1, submissions=[sub], warnings=warnings)


def test_every_report_format_survives_any_unicode_a_worker_sends() -> None:
    from quizkit.grade.reports import ReportFormat, build_report
    from quizkit.grade.reports.summary import markdown_summary
    from quizkit.ui.grade import text_report

    hostile = (
        "bad \ud800 \udfff \x00 \ufffe \uffff \x1b[2J\x1b]0;title\x07 ::error::x " + "z" * 50_000
    )
    run = _run_with(hostile, warnings=[])
    texts = [build_report(run, f) for f in ReportFormat if f is not ReportFormat.TEXT]  # type: ignore[arg-type]
    texts += [text_report(run), markdown_summary(run)]  # type: ignore[arg-type]
    for text in texts:
        text.encode("utf-8")  # strict: a lone surrogate would raise here
        assert "\x1b" not in text and "\x00" not in text
    assert "\\ud800" in texts[0]  # escaped, visible


def test_process_isolation_is_announced_in_every_report_format() -> None:
    from quizkit.exercises.sandbox import PROCESS_WARNING
    from quizkit.grade.reports import ReportFormat, build_report
    from quizkit.grade.reports.summary import markdown_summary
    from quizkit.ui.grade import text_report

    run = _run_with("wrong", warnings=[PROCESS_WARNING])
    texts = {f.value: build_report(run, f) for f in ReportFormat if f is not ReportFormat.TEXT}  # type: ignore[arg-type]
    texts["text"] = " ".join(text_report(run, width=400).split())  # type: ignore[arg-type]
    texts["summary"] = markdown_summary(run)  # type: ignore[arg-type]
    for name, text in texts.items():
        assert "not sandboxed" in text, name


def test_an_answer_sheet_with_yaml_aliases_is_refused_in_one_line() -> None:
    from quizkit.worksheet.sheet import AnswerSheetError, read_answer_sheet

    sheet = HOSTILE / "yaml_bomb" / "answers-bomb.yaml"
    with pytest.raises(AnswerSheetError) as raised:
        read_answer_sheet(sheet)
    assert "anchors and aliases are not allowed" in raised.value.message
    assert "\n" not in raised.value.message and f"{sheet}:3:" in raised.value.message


@pytest.mark.slow
def test_no_worker_outlives_a_grader_that_is_killed(tmp_path: Path) -> None:
    if os.geteuid() != 0 or bwrap_problem() is not None:
        pytest.skip("needs root (the zones' uids identify the run's processes) and bubblewrap")
    _copy_case("loop_in_call", tmp_path / "s", 0)
    command = [sys.executable, "-m", "quizkit", "grade", str(tmp_path / "s"), "--timeout", "60"]
    grader = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = 1_000_000_000 + (grader.pid % 100_000) * 10_000
    uids = set(range(base, base + 10_000))
    deadline = time.monotonic() + 120
    while not _processes_of(uids) and time.monotonic() < deadline:
        time.sleep(0.2)  # until a worker runs the student's loop
    assert _processes_of(uids), "no worker started"
    grader.kill()
    grader.wait()
    deadline = time.monotonic() + 15
    while _processes_of(uids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_of(uids) == []


def _student(submission: str) -> str:
    """The hostile case a report line is for: its folder, also for a folder holding only an
    answer sheet (graded as a class's folder of sheets: one submission per sheet)."""
    path = Path(submission)
    return path.parent.name if path.suffix in (".yaml", ".yml") else path.name
