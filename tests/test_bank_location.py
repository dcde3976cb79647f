"""Where the bank is: shipped in the package, replaced by $QUIZKIT_BANK, extended by --bank DIR;
a duplicate template id is a load error for every command, naming both files and lines."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from quizkit.bank.bank import Bank
from quizkit.bank.loader import bank_folders, packaged_bank_dir, read_topic
from quizkit.cli.main import app
from quizkit.errors import BankError, UsageError

REPO_BANK = Path(__file__).resolve().parent.parent / "questions"
runner = CliRunner()

EXTRA = """\
topic: {topic}
title: Extra
templates:
  - id: {id}
    title: Adding
    difficulty: 1
    params:
      a: {{ints: [1, 9]}}
      b: {{ints: [1, 9]}}
    let:
      result: "a + b"
    prompt: "What is {{a}} + {{b}}?"
    answer:
      kind: value
      expr: "torch.tensor(a, dtype=torch.float64) + b"
    hint: "Add them."
    solution: "{{a}} + {{b}} = {{result}}"
"""

# Every command that reads the bank, with arguments that make it read it (and nothing slow).
BANK_COMMANDS = [
    ["topics"],
    ["show", "extra-add@1"],
    ["validate", "-n", "1", "--topic", "extra"],
    ["practice", "extra", "-n", "1", "--seed", "1"],
    ["worksheet", "extra", "-n", "1", "-f", "md", "--seed", "1"],
    ["export", "gift", "extra", "--variants", "1", "-o", "-"],
]


def _topic(folder: Path, topic: str, template_id: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{topic}.yaml").write_text(EXTRA.format(topic=topic, id=template_id), "utf-8")
    return folder


def _invoke(args: list[str], tmp_path: Path, **env: str) -> tuple[int, str]:
    base = {"COLUMNS": "200", "QUIZKIT_HOME": str(tmp_path / "home"), "QUIZKIT_BANK": ""}
    result = runner.invoke(app, args, env={**base, **env}, input="")
    return result.exit_code, result.output


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # worksheets and exports write into the working directory
    monkeypatch.delenv("QUIZKIT_BANK", raising=False)


def test_the_default_bank_is_the_packaged_one_and_holds_every_repository_topic_file() -> None:
    shipped = packaged_bank_dir()
    assert Bank().folders == (shipped,)
    assert {p.name for p in REPO_BANK.glob("*.yaml")} <= {p.name for p in shipped.glob("*.yaml")}
    for path in REPO_BANK.glob("*.yaml"):
        assert (shipped / path.name).read_bytes() == path.read_bytes(), path.name


def test_quizkit_bank_replaces_the_shipped_bank_and_may_list_several_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = (
        _topic(tmp_path / "one", "alpha", "alpha-add"),
        _topic(tmp_path / "two", "beta", "beta-add"),
    )
    monkeypatch.setenv("QUIZKIT_BANK", os.pathsep.join([str(one), str(two)]))
    assert Bank().topic_names() == ["alpha", "beta"]


def test_bank_dirs_add_to_the_base_and_bank_only_drops_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = _topic(tmp_path / "extra", "extra", "extra-add")
    assert bank_folders([extra]) == (packaged_bank_dir(), extra)
    assert bank_folders([extra], only=True) == (extra,)
    monkeypatch.setenv("QUIZKIT_BANK", str(REPO_BANK))
    assert bank_folders([extra]) == (REPO_BANK, extra)
    with pytest.raises(UsageError, match="--bank-only needs at least one --bank DIR"):
        bank_folders([], only=True)


def test_a_folder_named_twice_counts_once() -> None:
    assert bank_folders([packaged_bank_dir()]) == (packaged_bank_dir(),)


@pytest.mark.parametrize("command", [*BANK_COMMANDS, ["grade", "x"]], ids=lambda c: c[0])
def test_every_command_that_reads_the_bank_takes_bank_and_bank_only(command: list[str]) -> None:
    result = runner.invoke(app, [command[0], "--help"], env={"COLUMNS": "200"})
    assert "--bank " in result.output and "--bank-only" in result.output
    assert "$QUIZKIT_BANK" in result.output


def test_topics_with_bank_lists_the_shipped_topics_and_the_added_ones(tmp_path: Path) -> None:
    extra = _topic(tmp_path / "extra", "extra", "extra-add")
    code, out = _invoke(["topics", "--bank", str(extra)], tmp_path)
    assert code == 0, out
    assert re.search(r"│ extra +│ +1 │", out) and re.search(r"│ conv +│", out)
    code, out = _invoke(["topics", "--bank", str(extra), "--bank-only"], tmp_path)
    assert code == 0 and "extra" in out and "conv" not in out


def test_show_serves_a_template_from_an_added_folder(tmp_path: Path) -> None:
    extra = _topic(tmp_path / "extra", "extra", "extra-add")
    code, out = _invoke(["show", "extra-add@1", "--bank", str(extra)], tmp_path)
    assert code == 0 and "extra-add@1" in out and "What is" in out
    code, out = _invoke(["show", "extra-add@1"], tmp_path)
    assert code == 2 and "unknown template 'extra-add'" in out


def test_a_missing_bank_folder_is_a_usage_error(tmp_path: Path) -> None:
    code, out = _invoke(["topics", "--bank", str(tmp_path / "nowhere")], tmp_path)
    assert code == 2 and "nowhere" in out and "does not exist" in out


def test_an_empty_bank_folder_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, out = _invoke(["topics", "--bank", "empty"], tmp_path)
    assert (code, out.strip()) == (
        2,
        "quizkit: error: empty: no topic files (*.yaml) in this question bank folder",
    )


def _id_line(path: Path, template_id: str) -> int:
    lines = path.read_text("utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip() == f"- id: {template_id}")


@pytest.mark.parametrize("command", BANK_COMMANDS, ids=lambda c: c[0])
def test_a_duplicate_id_is_a_load_error_for_every_command_naming_both_files_and_lines(
    command: list[str], tmp_path: Path
) -> None:
    # extra-add is served by topic extra; a second folder defines it again in topic dupe.
    extra = _topic(tmp_path / "extra", "extra", "extra-add")
    dupe = _topic(tmp_path / "dupe", "dupe", "extra-add")
    args = [*command, "--bank", str(extra), "--bank", str(dupe)]
    code, out = _invoke(args, tmp_path)
    line = _id_line(dupe / "dupe.yaml", "extra-add")
    assert code == 2, out
    assert out.strip() == (
        f"quizkit: error: dupe/dupe.yaml:{line}: duplicate template id 'extra-add' "
        f"(also at extra/extra.yaml:{line}); ids must be unique across the bank"
    )


def test_a_template_id_copied_from_the_shipped_bank_names_the_shipped_file(tmp_path: Path) -> None:
    dupe = _topic(tmp_path / "dupe", "dupe", "conv-out-size")
    with pytest.raises(BankError) as caught:
        Bank(packaged_bank_dir(), dupe).template("conv-out-size")
    shipped = packaged_bank_dir() / "conv.yaml"
    where = re.search(r"\(also at (.+):(\d+)\)", caught.value.message)
    assert where is not None, caught.value.message
    assert Path(where[1]).resolve() == shipped.resolve()
    assert int(where[2]) == _id_line(shipped, "conv-out-size")


def test_a_duplicate_id_inside_one_file_names_both_lines(tmp_path: Path) -> None:
    folder = tmp_path / "bank"
    folder.mkdir()
    one = EXTRA.format(topic="demo", id="demo-add")
    body = one.split("templates:\n", 1)[1]
    (folder / "demo.yaml").write_text(one + body, "utf-8")
    first = _id_line(folder / "demo.yaml", "demo-add")
    second = first + len(body.splitlines())
    with pytest.raises(BankError, match=rf"demo.yaml:{second}: .* \(also at .*demo.yaml:{first}\)"):
        Bank(folder).templates()


def test_a_topic_in_two_folders_is_an_error_naming_both_files(tmp_path: Path) -> None:
    one = _topic(tmp_path / "one", "same", "same-add")
    two = _topic(tmp_path / "two", "same", "same-other")
    with pytest.raises(BankError, match=r"two/same.yaml: topic 'same' is also in .*one/same.yaml"):
        Bank(one, two).topic_names()


def test_answer_sheets_grade_against_the_bank_they_were_made_from(tmp_path: Path) -> None:
    extra = _topic(tmp_path / "extra", "extra", "extra-add")
    only = ["--bank", str(extra), "--bank-only"]
    args = ["worksheet", "extra", "-n", "2", "-f", "json", "--seed", "3", "-o", "ws", *only]
    code, out = _invoke(args, tmp_path)
    assert code == 0, out
    assert f"--bank {extra} --bank-only" in out  # the command that makes it again
    [sheet] = (tmp_path / "ws").glob("answers-*.yaml")
    code, out = _invoke(["grade", str(sheet), "-f", "json", *only], tmp_path)
    report = json.loads(out)
    subs = report.get("submissions", [report])  # one submission is reported on its own
    tests = [t for sub in subs for ex in sub["exercises"] for t in ex["tests"]]
    assert code == 1 and len(tests) == 2  # both questions graded (blank, so wrong)
    assert all(t["function"].startswith("extra-add@") for t in tests)


def test_version_is_the_installed_distributions() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"quizkit {importlib.metadata.version('quizkit')}"


def _ids_by_loading(path: Path) -> tuple[tuple[str, int], ...]:
    """The reference: load the YAML in full and take each template's id and its line."""
    text = path.read_text("utf-8")
    lines = text.splitlines()
    ids = [t["id"] for t in yaml.safe_load(text)["templates"]]
    found, start = [], 0
    for template_id in ids:
        start = next(
            i
            for i in range(start, len(lines))
            if re.search(rf"\bid: ['\"]?{template_id}\b", lines[i])
        )
        found.append((template_id, start + 1))
        start += 1
    return tuple(found)


@pytest.mark.parametrize("path", sorted(REPO_BANK.glob("*.yaml")), ids=lambda p: p.name)
def test_the_event_scan_finds_the_same_ids_and_lines_as_loading_the_file(path: Path) -> None:
    assert read_topic(path).ids == _ids_by_loading(path)


@pytest.mark.parametrize(
    "entry",
    [
        "  - {id: odd-flow, title: Flow}",  # a flow mapping
        '  - "id": odd-quoted\n    title: Quoted key',  # a quoted key
        "  - title: First\n    id: odd-late",  # the id after other fields
    ],
)
def test_ids_written_in_any_yaml_form_are_indexed(entry: str, tmp_path: Path) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(f"topic: odd\ntitle: Odd\ntemplates:\n{entry}\n", "utf-8")
    [(template_id, line)] = read_topic(path).ids
    assert template_id.startswith("odd-")
    assert template_id in path.read_text("utf-8").splitlines()[line - 1]


def test_an_id_given_by_an_alias_is_found_by_loading_the_file(tmp_path: Path) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text("topic: odd\ntitle: Odd\nname: &n odd-alias\ntemplates:\n  - id: *n\n", "utf-8")
    assert read_topic(path).ids == (("odd-alias", 5),)


def test_a_yaml_error_in_any_topic_file_is_a_load_error_with_its_line(tmp_path: Path) -> None:
    _topic(tmp_path / "bank", "good", "good-add")
    (tmp_path / "bank" / "bad.yaml").write_text("topic: bad\ntitle: [Bad\n", "utf-8")
    with pytest.raises(BankError, match=r"bad.yaml:\d+: YAML error"):
        Bank(tmp_path / "bank").template("good-add")
