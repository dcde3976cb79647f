"""``quizkit ci init``: the files each CI platform gets are valid (the GitHub-workflow and GitLab-CI
JSON schemas that check-jsonschema ships, offline), pass ``zizmor --offline`` but for unpinned
action references, install one fixed quizkit and CPU torch, cache pip, fix the seed, run the
bubblewrap sandbox, and, for Classroom, use the names the reporter requires."""

from __future__ import annotations

import base64
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.testing import CliRunner

from quizkit.ci.init import (
    TORCH_INDEX,
    TORCH_VERSION,
    CiInitError,
    Platform,
    init_ci,
)
from quizkit.ci.install import (
    InstallSpecError,
    SpecKind,
    installed_source,
    parse_install_spec,
)
from quizkit.cli.main import app

runner = CliRunner()
BIN = Path(sys.executable).parent
COMMIT = "0123456789abcdef0123456789abcdef01234567"
GIT = f"git+https://github.com/example/quizkit@{COMMIT}"
WHEEL = "https://example.org/dl/quizkit-0.1.0-py3-none-any.whl"
SPECS = {"pypi": "quizkit==0.1.0", "git": GIT, "wheel": WHEEL}
WORKFLOW = Path(".github/workflows/quizkit.yml")


def _init(tmp_path: Path, platform: Platform, spec: str = GIT, **options: Any) -> Path:
    root = tmp_path / platform.value
    root.mkdir(exist_ok=True)
    init_ci(
        root,
        platform=platform,
        install=parse_install_spec(spec),
        exercises=options.pop("exercises", ["conv2d", "softmax"]),
        **options,
    )
    return root


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        found = shutil.which(name)
        if found is None:
            pytest.fail(f"{name} is not installed: ./dev setup installs the dev extra")
        return found
    return str(path)


def _steps(root: Path) -> list[dict[str, Any]]:
    workflow = yaml.safe_load((root / WORKFLOW).read_text())
    [job] = workflow["jobs"].values()
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def _shell_of(root: Path, platform: Platform) -> str:
    """Every shell script the platform's files run, joined."""
    if platform is Platform.GITLAB:
        data = yaml.safe_load((root / ".gitlab-ci.yml").read_text())
        return "\n".join(line for job in ("pip-downloads", "grade") for line in data[job]["script"])
    if platform is Platform.GRADESCOPE:
        return (root / "setup.sh").read_text() + (root / "run_autograder").read_text()
    return "\n".join(step["run"] for step in _steps(root) if "run" in step)


# ---------------------------------------------------------------- validity


@pytest.mark.parametrize("seed", [None, 4242])
@pytest.mark.parametrize("kind", sorted(SPECS))
@pytest.mark.parametrize("platform", [Platform.CLASSROOM, Platform.GITHUB, Platform.GITLAB])
def test_every_generated_workflow_passes_its_json_schema_offline(
    tmp_path: Path, platform: Platform, kind: str, seed: int | None
) -> None:
    root = _init(tmp_path, platform, SPECS[kind], seed=seed)
    if platform is Platform.GITLAB:
        schema, target = "vendor.gitlab-ci", root / ".gitlab-ci.yml"
    else:
        schema, target = "vendor.github-workflows", root / WORKFLOW
    done = subprocess.run(
        [_tool("check-jsonschema"), "--builtin-schema", schema, str(target)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("seed", [None, 7])
@pytest.mark.parametrize("platform", [Platform.CLASSROOM, Platform.GITHUB])
def test_zizmor_finds_nothing_but_unpinned_action_references(
    tmp_path: Path, platform: Platform, seed: int | None
) -> None:
    root = _init(tmp_path, platform, seed=seed)
    done = subprocess.run(
        [_tool("zizmor"), "--offline", "--format", "json", str(root / WORKFLOW)],
        capture_output=True,
        text=True,
    )
    findings = json.loads(done.stdout)
    assert findings, "zizmor should at least report the @v4 references (is it running?)"
    assert {f["ident"] for f in findings} == {"unpinned-uses"}


def test_the_audits_do_fail_on_a_workflow_that_leaks_the_checkout_token(tmp_path: Path) -> None:
    root = _init(tmp_path, Platform.GITHUB)
    path = root / WORKFLOW
    path.write_text(path.read_text().replace("persist-credentials: false", "fetch-depth: 1"))
    done = subprocess.run(
        [_tool("zizmor"), "--offline", "--format", "json", str(path)],
        capture_output=True,
        text=True,
    )
    assert "artipacked" in {f["ident"] for f in json.loads(done.stdout)}


@pytest.mark.parametrize("platform", list(Platform))
def test_every_shell_script_parses(tmp_path: Path, platform: Platform) -> None:
    root = _init(tmp_path, platform, seed=3)
    script = _shell_of(root, platform).replace("${{ runner.temp }}", "/tmp")
    done = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# ---------------------------------------------------------------- what the files do


@pytest.mark.parametrize("platform", list(Platform))
def test_every_platform_pins_cpu_torch_fixes_quizkit_and_grades_in_the_sandbox(
    tmp_path: Path, platform: Platform
) -> None:
    root = _init(tmp_path, platform, seed=11)
    shell = _shell_of(root, platform)
    torch = re.escape(f"torch=={TORCH_VERSION} --index-url {TORCH_INDEX}")
    assert re.search(rf"pip install (--no-cache-dir )?{torch}\n", shell)
    assert f"'quizkit @ {GIT}'" in shell
    assert "pip install quizkit\n" not in shell and "pip install quizkit " not in shell
    grade = next(line for line in shell.splitlines() if "quizkit grade" in line)
    assert "--exercises conv2d,softmax" in grade
    isolation = shell.split("quizkit grade", 1)[1].split("\n", 2)[1] + grade
    if platform in (Platform.GITLAB, Platform.GRADESCOPE):  # Docker: probe, say so if no sandbox
        assert '--isolation "$isolation"' in isolation and "isolation=bwrap\n" in shell
        assert "bwrap --unshare-all --die-with-parent --ro-bind / / true" in shell
    else:
        assert "--isolation bwrap" in isolation
    assert "bubblewrap" in shell
    if platform in (Platform.CLASSROOM, Platform.GITHUB):
        assert "sudo apt-get install -y -q bubblewrap" in shell


@pytest.mark.parametrize("platform", [Platform.CLASSROOM, Platform.GITHUB])
def test_github_checkout_keeps_no_credentials_and_pip_is_cached_before_student_code_runs(
    tmp_path: Path, platform: Platform
) -> None:
    steps = _steps(_init(tmp_path, platform))
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    checkout = steps[uses.index("actions/checkout")]
    assert checkout["with"]["persist-credentials"] is False
    restore, save = uses.index("actions/cache/restore"), uses.index("actions/cache/save")
    grade = next(i for i, s in enumerate(steps) if "quizkit grade" in s.get("run", ""))
    assert restore < save < grade
    assert steps[restore]["with"] == steps[save]["with"]


def test_gitlab_caches_pip_in_a_job_without_student_code_and_grading_only_reads_it(
    tmp_path: Path,
) -> None:
    data = yaml.safe_load((_init(tmp_path, Platform.GITLAB) / ".gitlab-ci.yml").read_text())
    assert data["pip-downloads"]["cache"]["policy"] == "pull-push"
    assert data["grade"]["cache"]["policy"] == "pull"
    assert data["grade"]["cache"]["key"] == data["pip-downloads"]["cache"]["key"]
    assert data["grade"]["artifacts"]["reports"]["junit"] == "quizkit-junit.xml"
    assert "quizkit grade" not in "\n".join(data["pip-downloads"]["script"])


def test_the_pip_cache_key_changes_with_what_is_installed(tmp_path: Path) -> None:
    keys = set()
    for index, spec in enumerate(SPECS.values()):
        root = _init(tmp_path, Platform.GITLAB, spec, force=True)
        keys.add(yaml.safe_load((root / ".gitlab-ci.yml").read_text())["grade"]["cache"]["key"])
        assert len(keys) == index + 1


def test_classroom_uses_exactly_the_names_the_grading_reporter_requires(tmp_path: Path) -> None:
    root = _init(tmp_path, Platform.CLASSROOM)
    workflow = yaml.safe_load((root / WORKFLOW).read_text())
    assert workflow["name"] == "Autograding Tests"
    assert list(workflow["jobs"]) == ["run-autograding-tests"]
    job = workflow["jobs"]["run-autograding-tests"]
    assert "name" not in job  # the check run is named after the job id
    assert job["if"] == "github.actor != 'github-classroom[bot]'"
    reporter = job["steps"][-1]
    assert reporter["uses"] == "classroom-resources/autograding-grading-reporter@v1"
    assert reporter["with"]["runners"] == "quizkit"
    # the reporter reads `<RUNNER in capitals>_RESULTS`, base64 JSON of the grader's output
    assert reporter["env"]["QUIZKIT_RESULTS"] == "${{ steps.quizkit.outputs.result }}"
    assert any(s.get("id") == "quizkit" for s in job["steps"])


def _fake_quizkit(tmp_path: Path) -> Path:
    """A `quizkit` on PATH that records its arguments and writes a Classroom result."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    fake = bindir / "quizkit"
    fake.write_text(
        "#!/usr/bin/env bash\n"
        'echo "$@" > "$RUNNER_TEMP/args"\n'
        'while [ $# -gt 0 ]; do if [ "$1" = --output ]; then out="$2"; fi; shift; done\n'
        'echo \'{"version": 1, "status": "fail", "max_score": 2, "tests": []}\' > "$out"\n'
        "exit 1\n"
    )
    fake.chmod(0o755)
    return bindir


def test_the_classroom_grading_step_hands_the_reporter_a_base64_result(tmp_path: Path) -> None:
    root = _init(tmp_path, Platform.CLASSROOM)
    step = next(s for s in _steps(root) if s.get("id") == "quizkit")
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    output = tmp_path / "github-output"
    env = {
        **os.environ,
        "PATH": f"{_fake_quizkit(tmp_path)}:{os.environ['PATH']}",
        "RUNNER_TEMP": str(temp),
        "GITHUB_OUTPUT": str(output),
        "QUIZKIT_SEED": "31337",
    }
    done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=root, env=env)
    assert done.returncode == 1  # the grade's exit status: a failing student fails the step
    args = (temp / "args").read_text().split()
    assert args[:4] == ["grade", ".", "--exercises", "conv2d,softmax"]
    assert args[args.index("--seed") + 1] == "31337" and "bwrap" in args
    key, _, value = output.read_text().strip().partition("=")
    assert key == "result" and json.loads(base64.b64decode(value))["max_score"] == 2


def test_the_grading_step_stops_with_the_reason_when_the_seed_secret_is_missing(
    tmp_path: Path,
) -> None:
    root = _init(tmp_path, Platform.CLASSROOM)
    step = next(s for s in _steps(root) if s.get("id") == "quizkit")
    assert step["env"]["QUIZKIT_SEED"] == "${{ secrets.QUIZKIT_SEED }}"
    env = {**os.environ, "QUIZKIT_SEED": "", "PATH": f"{_fake_quizkit(tmp_path)}:/usr/bin:/bin"}
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=root, env=env, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "set the repository secret QUIZKIT_SEED" in done.stderr


def test_a_seed_given_is_written_in_and_the_readme_says_so(tmp_path: Path) -> None:
    root = _init(tmp_path, Platform.GITHUB, seed=4242)
    step = next(s for s in _steps(root) if "quizkit grade" in s.get("run", ""))
    assert step["env"]["QUIZKIT_SEED"] == "4242"
    readme = (root / "README.md").read_text()
    assert (
        "seed 4242" in readme and "quizkit grade . --exercises conv2d,softmax --seed 4242" in readme
    )
    assert "secret" not in readme


def test_without_a_seed_the_readme_says_it_is_a_secret_and_gitlab_reads_a_variable(
    tmp_path: Path,
) -> None:
    root = _init(tmp_path, Platform.GITLAB, seed_secret="EXAM_SEED")
    data = yaml.safe_load((root / ".gitlab-ci.yml").read_text())
    assert "QUIZKIT_SEED" not in data["variables"]
    assert 'QUIZKIT_SEED="$EXAM_SEED"' in "\n".join(data["grade"]["script"])
    assert "CI/CD variable `EXAM_SEED`" in (root / "README.md").read_text()


# ---------------------------------------------------------------- Gradescope


def test_gradescope_gets_setup_run_autograder_and_the_zip_of_both(tmp_path: Path) -> None:
    root = _init(tmp_path, Platform.GRADESCOPE, seed=99)
    with zipfile.ZipFile(root / "autograder.zip") as archive:
        assert sorted(archive.namelist()) == ["run_autograder", "setup.sh"]
        for info in archive.infolist():
            assert stat.S_IMODE(info.external_attr >> 16) == 0o755
            assert archive.read(info).decode() == (root / info.filename).read_text()
    run = (root / "run_autograder").read_text()
    assert run.startswith("#!/usr/bin/env bash\n")
    assert "--seed 99 " in run and '--format gradescope --output "$results"' in run
    assert (
        "apt-get install -y -q python3 python3-venv python3-pip bubblewrap"
        in (root / "setup.sh").read_text()
    )
    assert os.access(root / "run_autograder", os.X_OK)


def test_gradescope_without_a_seed_draws_one_and_writes_it_in(tmp_path: Path) -> None:
    root = tmp_path / "gs"
    result = init_ci(root, platform=Platform.GRADESCOPE, install=parse_install_spec(WHEEL))
    assert result.seed_generated and result.seed is not None
    assert f"--seed {result.seed} " in (root / "run_autograder").read_text()


def test_run_autograder_exits_0_once_results_json_is_written(tmp_path: Path) -> None:
    root = _init(tmp_path, Platform.GRADESCOPE, seed=5)
    script = (root / "run_autograder").read_text()
    results = tmp_path / "results"
    fake = tmp_path / "quizkit"
    fake.write_text(f'#!/usr/bin/env bash\necho "{{}}" > {results}/results.json\nexit 1\n')
    fake.chmod(0o755)
    script = script.replace("/autograder/results", str(results)).replace(
        "/opt/quizkit/bin/quizkit", str(fake)
    )
    assert subprocess.run(["bash", "-c", script]).returncode == 0
    fake.write_text("#!/usr/bin/env bash\nexit 2\n")
    assert subprocess.run(["bash", "-c", script]).returncode == 2


# ---------------------------------------------------------------- README and files


def test_the_readme_section_is_appended_once_and_tells_how_to_check_locally(
    tmp_path: Path,
) -> None:
    root = tmp_path / "classroom"
    root.mkdir()
    (root / "README.md").write_text("# Lab 3")
    _init(tmp_path, Platform.CLASSROOM)
    _init(tmp_path, Platform.CLASSROOM, force=True)
    readme = (root / "README.md").read_text()
    assert readme.startswith("# Lab 3\n\n## Autograding\n")
    assert readme.count("## Autograding") == 1
    assert f"pip install torch=={TORCH_VERSION} --index-url {TORCH_INDEX}" in readme
    assert f"pip install 'quizkit @ {GIT}'" in readme
    assert "`conv2d`, `softmax`" in readme and "Autograding Tests" in readme


def test_existing_files_are_not_overwritten_without_force(tmp_path: Path) -> None:
    _init(tmp_path, Platform.GITLAB)
    with pytest.raises(CiInitError, match="already exists"):
        _init(tmp_path, Platform.GITLAB)


def test_the_exercises_default_to_the_files_present(tmp_path: Path) -> None:
    root = tmp_path / "github"
    root.mkdir()
    (root / "softmax.py").write_text("")
    _init(tmp_path, Platform.GITHUB, exercises=None)
    assert "--exercises softmax " in (root / WORKFLOW).read_text()


# ---------------------------------------------------------------- install specs


@pytest.mark.parametrize(
    ("text", "kind", "requirement"),
    [
        ("quizkit==0.3.1", SpecKind.PYPI, "quizkit==0.3.1"),
        ("quizkit[dev]==0.3.1", SpecKind.PYPI, "quizkit[dev]==0.3.1"),
        (GIT, SpecKind.GIT, f"quizkit @ {GIT}"),
        (f"quizkit @ {GIT}", SpecKind.GIT, f"quizkit @ {GIT}"),
        (WHEEL, SpecKind.WHEEL, f"quizkit @ {WHEEL}"),
        (WHEEL + "#sha256=" + "a" * 64, SpecKind.WHEEL, f"quizkit @ {WHEEL}#sha256={'a' * 64}"),
    ],
)
def test_install_specs_in_the_three_forms_are_accepted(
    text: str, kind: SpecKind, requirement: str
) -> None:
    spec = parse_install_spec(text)
    assert (spec.kind, spec.requirement) == (kind, requirement)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("quizkit", "not pinned"),
        ("quizkit>=0.1", "not pinned"),
        ("/home/me/dist/quizkit-0.1.0-py3-none-any.whl", "local path"),
        ("file:///home/me/quizkit", "local path"),
        ("git+ssh://git@github.com/o/quizkit", "SSH"),
        ("https://example.org/numpy-2.0-py3-none-any.whl", "not a quizkit wheel"),
        ("https://example.org/x.whl; rm -rf /", "not a form"),
        ("git+https://github.com/o/quizkit@${{ secrets.X }}", "not a form"),
    ],
)
def test_unusable_install_specs_are_refused_in_one_line_showing_the_forms(
    text: str, words: str
) -> None:
    with pytest.raises(InstallSpecError) as raised:
        parse_install_spec(text)
    message = raised.value.message
    assert words in message and "\n" not in message
    assert "quizkit==X.Y.Z" in message and "git+https://" in message and ".whl" in message


class _FakeDistribution(metadata.Distribution):
    def __init__(self, direct_url: dict[str, Any] | None, version: str = "0.4.2") -> None:
        self.files_text = {
            "METADATA": f"Metadata-Version: 2.1\nName: quizkit\nVersion: {version}\n"
        }
        if direct_url is not None:
            self.files_text["direct_url.json"] = json.dumps(direct_url)

    def read_text(self, filename: str) -> str | None:
        return self.files_text.get(filename)

    def locate_file(self, path: Any) -> Path:
        return Path("/nonexistent") / str(path)


@pytest.mark.parametrize(
    ("direct_url", "requirement"),
    [
        (None, "quizkit==0.4.2"),
        (
            {
                "url": "https://github.com/o/quizkit",
                "vcs_info": {"vcs": "git", "commit_id": COMMIT},
            },
            f"quizkit @ git+https://github.com/o/quizkit@{COMMIT}",
        ),
        (
            {"url": WHEEL, "archive_info": {"hashes": {"sha256": "b" * 64}}},
            f"quizkit @ {WHEEL}#sha256={'b' * 64}",
        ),
    ],
)
def test_without_install_the_source_quizkit_was_installed_from_is_used(
    direct_url: dict[str, Any] | None, requirement: str
) -> None:
    spec = installed_source(_FakeDistribution(direct_url))
    assert spec.requirement == requirement and spec.pinned


@pytest.mark.parametrize(
    "direct_url",
    [
        {"url": "file:///home/me/quizkit", "dir_info": {"editable": True}},
        {"url": "file:///tmp/quizkit-0.1.0-py3-none-any.whl", "archive_info": {}},
        {"url": "file:///srv/git/quizkit", "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
    ],
)
def test_an_install_from_a_local_path_is_refused_naming_it(direct_url: dict[str, Any]) -> None:
    with pytest.raises(InstallSpecError) as raised:
        installed_source(_FakeDistribution(direct_url))
    assert direct_url["url"].removeprefix("file://") in raised.value.message
    assert "pass --install with one of" in raised.value.message


# ---------------------------------------------------------------- CLI


def test_ci_init_cli_refuses_an_unreachable_install_in_one_line(tmp_path: Path) -> None:
    """This checkout's quizkit is an editable install: CI cannot reach it."""
    result = runner.invoke(app, ["ci", "init", "--platform", "github", str(tmp_path)])
    assert result.exit_code == 2
    assert "pass --install with one of" in result.output
    assert not (tmp_path / WORKFLOW).exists()


def test_classroom_init_is_ci_init_for_classroom(tmp_path: Path) -> None:
    args = ["-e", "softmax,linear", "--install", "quizkit==0.1.0", "--seed", "8"]
    alias = runner.invoke(app, ["classroom", "init", str(tmp_path / "a"), *args])
    full = runner.invoke(app, ["ci", "init", "-p", "classroom", str(tmp_path / "b"), *args])
    assert alias.exit_code == full.exit_code == 0, alias.output + full.output
    assert (tmp_path / "a" / WORKFLOW).read_text() == (tmp_path / "b" / WORKFLOW).read_text()
    assert "--exercises softmax,linear" in (tmp_path / "a" / WORKFLOW).read_text()
    again = runner.invoke(app, ["classroom", "init", str(tmp_path / "a"), *args])
    assert again.exit_code == 2 and "already exists" in again.output


# ---------------------------------------------------------------- the real command line


def _grade_command(root: Path, platform: Platform) -> list[str]:
    """The `quizkit grade ...` words a platform's files run, continuation lines joined."""
    shell = _shell_of(root, platform).replace("\\\n", " ")
    line = next(text for text in shell.splitlines() if "quizkit grade" in text)
    words = shlex.split(line.split("||")[0])
    return words[words.index("grade") :]


def _grade_options() -> set[str]:
    grade = typer.main.get_command(app).commands["grade"]  # type: ignore[attr-defined]
    return {opt for param in grade.params for opt in getattr(param, "opts", [])}


@pytest.mark.parametrize("platform", list(Platform))
def test_the_generated_grade_command_is_accepted_by_quizkit_grade(
    tmp_path: Path, platform: Platform
) -> None:
    root = _init(tmp_path, platform, seed=3, exercises=["softmax"])
    words = _grade_command(root, platform)
    options = {w for w in words if w.startswith("--")}
    missing = options - _grade_options()
    if missing == {"--isolation"}:
        pytest.skip("`quizkit grade --isolation` comes with the sandbox branch (i10)")
    assert not missing
    submission = tmp_path / "submission"
    submission.mkdir()
    shutil.copy(Path(__file__).parent.parent / "solutions" / "softmax.py", submission)
    report = tmp_path / "report"
    values = {
        ".": str(submission),
        "/autograder/submission": str(submission),
        "$QUIZKIT_SEED": "3",
        "$isolation": "bwrap",
        "$report": str(report),
        "$results": str(report),
        "$RUNNER_TEMP/quizkit-junit.xml": str(report),
    }
    args = [values.get(w, w) for w in words]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert report.stat().st_size > 0


@pytest.mark.parametrize("platform", list(Platform))
def test_the_readme_installs_exactly_what_ci_installs(tmp_path: Path, platform: Platform) -> None:
    root = _init(tmp_path, platform, spec=WHEEL, seed=12)
    readme = (root / "README.md").read_text()
    local = {
        line.removeprefix("$ pip install ") for line in readme.splitlines() if "pip install" in line
    }
    shell = _shell_of(root, platform)
    ci = {
        re.sub(
            r"^.*pip (install|download) (--no-cache-dir |--dest \"\$\(mktemp -d\)\" )?", "", line
        )
        for line in shell.splitlines()
        if re.search(r"pip (install|download) ", line) and "--upgrade" not in line
    }
    assert (
        local == ci == {f"torch=={TORCH_VERSION} --index-url {TORCH_INDEX}", f"'quizkit @ {WHEEL}'"}
    )
