"""Release check: build the sdist and the wheel, install the wheel into a fresh venv, and use the
installed ``quizkit`` from a folder outside the checkout, as a teaching assistant would.

    python scripts/release_check.py [--torch SPEC] [--keep]   # the whole check (./dev test)
    python scripts/release_check.py --dists WHEEL SDIST       # only what the two files hold

The build runs on a copy of the files git would commit (as a fresh clone has them), and the
wheel is built from the sdist (``python -m build``), so a file missing from the sdist is
missing from the wheel too. Contents checked: every file under ``quizkit/`` is in the wheel;
every ``questions/*.yaml`` is in the wheel as ``quizkit/questions/<file>`` (same bytes) and in
the sdist; no file of
``solutions/`` (by path or by content) is in either; the wheel's version is
``quizkit.__version__``. Then, in a fresh venv (the CPU torch first, then the wheel with its
dependencies) and a temporary working folder: ``--version``, where the bank was found,
``topics``, a piped ``practice`` session answered right, ``show --answer``, a PDF worksheet,
its answer sheet filled in and graded, exercise files (copies of reference solutions) graded,
``export moodle``, ``explain`` and ``classroom init``. Exit 0 iff every step passed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import venv
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

REPO = Path(__file__).resolve().parent.parent
DEFAULT_TORCH = "torch==2.13.0"
SOLUTIONS_GRADED = ("linear", "softmax")  # reference solutions submitted as a student would


class CheckFailed(Exception):
    """One step of the check went wrong; the message says what was expected and what came."""


# --- contents of the built files ---------------------------------------------------------------


def dist_members(path: Path) -> dict[str, bytes]:
    """Every file in a wheel (zip) or sdist (tar.gz) by its path; sdist paths lose the
    ``quizkit-<version>/`` prefix so they read like paths in the repository."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            return {n: wheel.read(n) for n in wheel.namelist() if not n.endswith("/")}
    members: dict[str, bytes] = {}
    with tarfile.open(path) as sdist:
        for info in sdist.getmembers():
            handle = sdist.extractfile(info) if info.isfile() else None
            if handle is not None:
                members[info.name.split("/", 1)[-1]] = handle.read()
    return members


def repo_version(repo: Path) -> str:
    text = (repo / "quizkit" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if found is None:
        raise CheckFailed('quizkit/__init__.py: no __version__ = "..." line')
    return found[1]


def check_dists(wheel: Path, sdist: Path, repo: Path = REPO) -> list[str]:
    """Problems with what the wheel and the sdist hold (empty: none)."""
    problems: list[str] = []
    in_wheel, in_sdist = dist_members(wheel), dist_members(sdist)
    root = repo / "questions"
    bank = sorted(root.rglob("*.yaml"))  # topics, and the translations below them (zh/)
    if not bank:
        problems.append(f"{root}: no bank files to compare with")
    for path in bank:
        relative = path.relative_to(root).as_posix()
        packaged = f"quizkit/questions/{relative}"
        if packaged not in in_wheel:
            problems.append(f"{wheel.name}: {packaged} is missing (the bank file {relative})")
        elif in_wheel[packaged] != path.read_bytes():
            problems.append(f"{wheel.name}: {packaged} differs from questions/{relative}")
        if f"questions/{relative}" not in in_sdist:
            problems.append(f"{sdist.name}: questions/{relative} is missing")
    shipped = {n for n in in_wheel if re.fullmatch(r"quizkit/questions/.+\.yaml", n)}
    expected = {f"quizkit/questions/{p.relative_to(root).as_posix()}" for p in bank}
    for extra in sorted(shipped - expected):
        problems.append(f"{wheel.name}: {extra} is not in the repository's questions/")
    solutions = {p.read_bytes(): p.name for p in (repo / "solutions").glob("*.py")}
    for dist, members in ((wheel, in_wheel), (sdist, in_sdist)):
        for name, data in members.items():
            if name.startswith("solutions/") or "/solutions/" in name:
                problems.append(f"{dist.name}: {name}: solutions must not ship")
            elif data in solutions:
                problems.append(f"{dist.name}: {name} is solutions/{solutions[data]}")
    for path in sorted((repo / "quizkit").rglob("*")):
        name = path.relative_to(repo).as_posix()
        if path.is_file() and "__pycache__" not in name and name not in in_wheel:
            problems.append(f"{wheel.name}: {name} is missing")
    version = repo_version(repo)
    metadata = next((d for n, d in in_wheel.items() if n.endswith(".dist-info/METADATA")), b"")
    if f"\nVersion: {version}\n".encode() not in metadata:
        problems.append(f"{wheel.name}: METADATA does not say Version: {version}")
    return problems


def source_tree(repo: Path, dest: Path) -> Path:
    """A copy of the files git would commit (tracked, and new files not ignored), so that the
    build sees what a fresh clone has, and no stale build products such as quizkit.egg-info
    (whose file list would hide a package setup.py forgot)."""
    listed = subprocess.run(
        ["git", "-C", str(repo), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
    )
    if listed.returncode != 0:
        raise CheckFailed(f"git ls-files failed in {repo}: {listed.stderr.decode().strip()}")
    for name in listed.stdout.decode().split("\0"):
        source = repo / name
        if name and source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def build(repo: Path, out: Path) -> tuple[Path, Path]:
    """``python -m build`` in ``repo``: the sdist, then the wheel built from that sdist."""
    command = [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(repo)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise CheckFailed(f"python -m build failed:\n{_tail(done.stdout + done.stderr)}")
    wheels, sdists = sorted(out.glob("quizkit-*.whl")), sorted(out.glob("quizkit-*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        raise CheckFailed(f"expected one wheel and one sdist in {out}, got {wheels + sdists}")
    return wheels[0], sdists[0]


def install(wheel: Path, env_dir: Path, torch: str) -> Path:
    """A fresh venv (no system site-packages) with the CPU torch, then the wheel and its
    dependencies; returns its ``bin`` folder."""
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    bindir = env_dir / "bin"
    # --no-compile: byte-compiling all of torch would take longer than the rest of the check
    pip = [str(bindir / "python"), "-m", "pip", "install", "--quiet", "--no-compile"]
    command = [*pip, torch, str(wheel)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise CheckFailed(f"pip install failed:\n{_tail(done.stdout + done.stderr)}")
    return bindir


# --- using the installed command ---------------------------------------------------------------


@dataclass
class User:
    """Runs the installed ``quizkit`` in a working folder outside the checkout."""

    bindir: Path
    work: Path
    env: dict[str, str] = field(default_factory=dict)

    def run(self, *args: str, stdin: str = "", codes: Sequence[int] = (0,)) -> str:
        """Run ``quizkit ARGS``; its stdout, or :class:`CheckFailed` on another exit code."""
        command = [str(self.bindir / "quizkit"), *args]
        done = subprocess.run(
            command, cwd=self.work, env=self.env, input=stdin, capture_output=True, text=True
        )
        if done.returncode not in codes:
            shown = " ".join(args)
            raise CheckFailed(
                f"quizkit {shown}: exit {done.returncode}, expected {list(codes)}\n"
                f"{_tail(done.stdout + done.stderr)}"
            )
        return done.stdout

    def python(self, code: str) -> str:
        done = subprocess.run(
            [str(self.bindir / "python"), "-c", code],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise CheckFailed(f"python -c {code!r}: {_tail(done.stderr)}")
        return done.stdout.strip()


def user_env(bindir: Path, home: Path) -> dict[str, str]:
    """The caller's environment minus anything pointing into the checkout or its venv."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"QUIZKIT_BANK", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "QUIZKIT_HOME"}
    }
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and not _inside(Path(p), REPO)]
    env.update(
        PATH=os.pathsep.join([str(bindir), *path]),
        QUIZKIT_HOME=str(home),
        NO_COLOR="1",
        COLUMNS="120",
    )
    return env


def step_version(user: User) -> str:
    out = user.run("--version").strip()
    if out != f"quizkit {repo_version(REPO)}":
        raise CheckFailed(f"--version printed {out!r}")
    return out


def step_bank_location(user: User) -> str:
    code = "import importlib.resources as r; print(r.files('quizkit.questions'))"
    where = Path(user.python(code))
    if _inside(where, REPO) or not _inside(where, user.bindir.parent):
        raise CheckFailed(f"the bank was found at {where}, not inside the venv")
    site = where.parent.parent
    if (site / "solutions").exists() or any((site / "quizkit").rglob("solutions")):
        raise CheckFailed(f"{site}: a solutions folder was installed")
    return str(where)


def step_topics(user: User) -> str:
    out = user.run("topics")
    missing = [p.stem for p in (REPO / "questions").glob("*.yaml") if p.stem not in out]
    if missing:
        raise CheckFailed(f"topics does not list {missing}")
    return f"{len(list((REPO / 'questions').glob('*.yaml')))} topics"


def step_practice(user: User) -> str:
    """A piped session answered with skip shows the answers; the same seed answered with
    them must then be all right (exit 0)."""
    args = ("practice", "conv", "pooling", "-n", "3", "--seed", "5", "--json")
    first = json.loads(user.run(*args, stdin="skip\n" * 3, codes=(1,)))
    answers = [q["expected"] for q in first["questions"]]
    if len(answers) != 3:
        raise CheckFailed(f"practice asked {len(answers)} questions, expected 3")
    second = json.loads(user.run(*args, stdin="".join(f"{a}\n" for a in answers)))
    statuses = [q["status"] for q in second["questions"]]
    if statuses != ["correct"] * 3:
        raise CheckFailed(f"answered with the shown answers, practice said {statuses}")
    return "3 questions skipped, then answered right"


def step_show(user: User) -> str:
    out = user.run("show", "conv-out-size@1234", "--answer")
    if "conv-out-size@1234" not in out or "(" not in out:
        raise CheckFailed(f"show printed no question and answer:\n{_tail(out)}")
    return "conv-out-size@1234 with its answer"


def step_worksheet(user: User) -> str:
    user.run(
        "worksheet",
        "conv",
        "pooling",
        "-n",
        "4",
        "--seed",
        "11",
        "-f",
        "pdf",
        "-f",
        "json",
        "-o",
        "ws",
    )
    pdfs = sorted((user.work / "ws").glob("*.pdf"))
    if len(pdfs) != 2 or any(not p.read_bytes().startswith(b"%PDF-") for p in pdfs):
        raise CheckFailed(f"expected a worksheet and a key as PDF, got {[p.name for p in pdfs]}")
    pages = ""
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdfs[0])], capture_output=True, text=True).stdout
        found = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
        if found is None or int(found[1]) < 1:
            raise CheckFailed(f"pdfinfo {pdfs[0].name}: no pages\n{info}")
        pages = f", {found[1]} page(s)"
    return f"{', '.join(p.name for p in pdfs)}{pages}"


def step_grade_sheet(user: User) -> str:
    """The worksheet's answer sheet, filled in with its key's answers, grades full marks."""
    [key] = (user.work / "ws").glob("worksheet-*.json")
    [sheet] = (user.work / "ws").glob("answers-*.yaml")
    questions = json.loads(key.read_text("utf-8"))["versions"][0]["questions"]
    answers = iter(q["answer_text"] for q in questions)
    lines = []
    for line in sheet.read_text("utf-8").splitlines():
        found = re.match(r"(\s*)answer:", line)
        if found:
            line = f"{found[1]}answer: {json.dumps(next(answers))}"
        lines.append(line)
    filled = user.work / "sheets" / "ada.yaml"
    filled.parent.mkdir()
    filled.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = json.loads(user.run("grade", str(filled), "-f", "json"))
    text = json.dumps(report)
    found = re.search(r'"score": ([\d.]+), "max_score": ([\d.]+)', text)
    if found is None or not float(found[1]) == float(found[2]) == len(questions):
        raise CheckFailed(
            f"the filled-in sheet did not score {len(questions)}/{len(questions)}:\n{_tail(text)}"
        )
    return f"{found[1]}/{found[2]} for a sheet filled in from its key"


def step_grade_exercises(user: User) -> str:
    student = user.work / "student"
    student.mkdir()
    for name in SOLUTIONS_GRADED:
        shutil.copy(REPO / "solutions" / f"{name}.py", student / f"{name}.py")
    report = json.loads(user.run("grade", str(student), "-f", "json", "--seed", "1"))
    text = json.dumps(report)
    graded = set(re.findall(r'"exercise": "(\w+)"', text))
    if graded != set(SOLUTIONS_GRADED) or '"passed": false' in text:
        raise CheckFailed(f"reference solutions did not pass:\n{_tail(text)}")
    return f"{', '.join(SOLUTIONS_GRADED)} passed"


def step_export(user: User) -> str:
    user.run("export", "moodle", "conv", "--variants", "1", "-o", "conv.xml")
    root = ElementTree.parse(user.work / "conv.xml").getroot()
    count = sum(1 for q in root.iter("question") if q.get("type") != "category")
    if root.tag != "quiz" or count == 0:
        raise CheckFailed(f"conv.xml: <{root.tag}> with {count} questions")
    return f"{count} questions"


def step_explain(user: User) -> str:
    out = user.run("explain", "nn.Conv2d(3, 16, 5, stride=2)", "--input", "1,3,32,32", "--json")
    report = json.loads(out)
    # floor((32 - 5)/2) + 1 = 14; params 16*3*5*5 + 16 = 1216
    if (report["output_shape"], report["params"]) != ([1, 16, 14, 14], 1216):
        raise CheckFailed(f"explain gave {report['output_shape']}, {report['params']} params")
    return "Conv2d(3, 16, 5, stride=2) on 1x3x32x32: (1, 16, 14, 14), 1216 params"


def step_classroom(user: User) -> str:
    args = ["classroom", "init", "course"]
    if "--install" in user.run("classroom", "init", "--help"):
        args += ["--install", f"quizkit=={repo_version(REPO)}"]
    user.run(*args)
    workflows = sorted((user.work / "course" / ".github" / "workflows").glob("*.y*ml"))
    if not workflows:
        raise CheckFailed("classroom init wrote no workflow")
    return ", ".join(w.name for w in workflows)


STEPS: list[tuple[str, Callable[[User], str]]] = [
    ("version", step_version),
    ("bank location", step_bank_location),
    ("topics", step_topics),
    ("practice (piped)", step_practice),
    ("show", step_show),
    ("worksheet (pdf)", step_worksheet),
    ("grade answer sheet", step_grade_sheet),
    ("grade exercise files", step_grade_exercises),
    ("export moodle", step_export),
    ("explain", step_explain),
    ("classroom init", step_classroom),
]


# --- the whole check ---------------------------------------------------------------------------


def run_check(torch: str, scratch: Path) -> int:
    started = time.monotonic()
    failures = 0

    def report(name: str, begun: float, detail: str, ok: bool = True) -> None:
        mark = "ok  " if ok else "FAIL"
        first, *rest = detail.splitlines() or [""]
        print(f"release-check: {mark} {name} ({time.monotonic() - begun:.1f} s): {first}")
        for line in rest:
            print(f"    {line}")
        sys.stdout.flush()

    begun = time.monotonic()
    tree = source_tree(REPO, scratch / "src")
    wheel, sdist = build(tree, scratch / "dist")
    report("build", begun, f"{wheel.name}, {sdist.name} from the files git would commit")
    begun = time.monotonic()
    problems = check_dists(wheel, sdist, tree)
    if problems:
        report("contents", begun, "\n".join(problems), ok=False)
        return 1
    report("contents", begun, "every package file and bank file inside, no solutions")
    begun = time.monotonic()
    bindir = install(wheel, scratch / "venv", torch)
    report("install", begun, f"{torch} and the wheel into a fresh venv")
    work = scratch / "work"
    work.mkdir()
    user = User(bindir, work, user_env(bindir, scratch / "home"))
    for name, step in STEPS:
        begun = time.monotonic()
        try:
            report(name, begun, step(user))
        except (CheckFailed, OSError, ValueError, KeyError, StopIteration) as error:
            failures += 1
            report(name, begun, f"{type(error).__name__}: {error}", ok=False)
    print(f"release-check: took {time.monotonic() - started:.0f} s")
    print(f"release-check: {len(STEPS) - failures} passed, {failures} failed")
    return 1 if failures else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--torch", default=DEFAULT_TORCH, help="torch requirement to install first")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument(
        "--dists", nargs=2, type=Path, metavar=("WHEEL", "SDIST"), help="only check these files"
    )
    args = parser.parse_args(argv)
    if args.dists:
        problems = check_dists(*args.dists)
        for problem in problems:
            print(f"release-check: {problem}")
        return 1 if problems else 0
    scratch = Path(tempfile.mkdtemp(prefix="quizkit-release-"))
    try:
        return run_check(args.torch, scratch)
    except CheckFailed as error:
        print(f"release-check: FAIL {error}")
        return 1
    finally:
        if args.keep:
            print(f"release-check: kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


if __name__ == "__main__":
    sys.exit(main())
