"""``quizkit grade`` on a class's answer sheets: every sheet in a folder is its own student
(recognized by content, any file name); name and student id in every report format; the CSV
gradebook; ``--roster``; one-line reasons for bad sheets while the others are still graded;
``--allow-changed-bank``; JUnit valid against the Ant/Jenkins schema; writers that survive any
Unicode."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
import xmlschema
from hypothesis import given, settings
from hypothesis import strategies as st
from test_worksheet_common import BANK_DIR, fixture_bank, small_worksheet
from typer.testing import CliRunner

from quizkit.cli.main import app
from quizkit.exercises.models import ExerciseResult, TestResult, TestStatus
from quizkit.grade.models import GradeRun, SubmissionKind, SubmissionResult
from quizkit.grade.reports import ReportFormat, build_report
from quizkit.grade.reports.csv_report import cell
from quizkit.grade.reports.junit import junit_report
from quizkit.grade.reports.safe import visible
from quizkit.grade.students import RosterError, read_roster
from quizkit.ui.grade import text_report
from quizkit.worksheet.build import Worksheet, build_worksheet
from quizkit.worksheet.select import Selection
from quizkit.worksheet.sheet import render_answer_sheet

runner = CliRunner()
XSD = Path(__file__).parent / "fixtures" / "junit" / "JUnit.xsd"
NASTY = 'Zoë \x00\x1b[2J\x1b]0;pwned\x07\ud800\udfff\ufffe\U0010fffe\u202eevil\r\n=cmd|" x'


@pytest.fixture(autouse=True)
def _fixture_bank(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The small fixture bank as the installed bank (a copy, so a test may edit it)."""
    bank = tmp_path / "bank"
    shutil.copytree(BANK_DIR, bank)
    monkeypatch.setenv("QUIZKIT_BANK", str(bank))
    return bank


@cache
def beta_worksheet() -> Worksheet:
    """Every beta template, including beta-nasty-text, which small_worksheet does not ask."""
    return build_worksheet(fixture_bank(), Selection(topics=("beta",), count=5), seed=2)


def _sheet(
    folder: Path,
    filename: str,
    *,
    version: int = 0,
    name: str = "",
    student_id: str = "",
    right: int | None = None,
    worksheet: Worksheet | None = None,
) -> Path:
    """A filled sheet of fixture worksheet version ``version``: the first ``right`` answers
    correct (all by default), the others wrong."""
    worksheet = worksheet or small_worksheet()
    chosen = worksheet.versions[version]
    answers = [item.answer for item in chosen.items]
    if right is not None:
        answers = [a if i < right else "999999" for i, a in enumerate(answers)]
    text = render_answer_sheet(worksheet, chosen, answers=answers)
    text = text.replace("name: \n", f"name: {json.dumps(name)}\n", 1)
    text = text.replace("student_id: \n", f"student_id: {json.dumps(student_id)}\n", 1)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    path.write_text(text)
    return path


def _grade(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["grade", *args, "--seed", "1", "-j", "1"])
    return result.exit_code, result.stdout


def _class(tmp_path: Path) -> Path:
    folder = tmp_path / "sheets"
    _sheet(folder, "ada.yaml", name="Ada Lovelace", student_id="s1", right=9)
    _sheet(folder, "scan 002.txt", version=1, name="Alan Turing", student_id="s2", right=5)
    _sheet(folder, "grace", version=2, name="Grace Hopper", student_id="s3", right=0)
    (folder / "notes.md").write_text("# not a sheet\n")
    return folder


# ---------------------------------------------------------------- one student per sheet


def test_every_sheet_in_a_folder_is_its_own_student_whatever_its_name(tmp_path: Path) -> None:
    status, out = _grade(str(_class(tmp_path)), "-f", "json")
    assert status == 1  # two students got something wrong
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["name"], r["student_id"], r["score"]) for r in rows] == [
        ("Ada Lovelace", "s1", 9),
        ("Grace Hopper", "s3", 0),
        ("Alan Turing", "s2", 5),
    ]
    assert {r["kind"] for r in rows} == {"sheet"}
    assert Path(rows[1]["submission"]).name == "grace"


def test_the_csv_gradebook_has_a_row_per_student_a_column_per_question_and_the_total(
    tmp_path: Path,
) -> None:
    status, out = _grade(str(_class(tmp_path)), "-f", "csv")
    assert status == 1
    rows = list(csv.reader(io.StringIO(out)))
    header = rows[0]
    questions = [f"q{n}" for n in range(1, 10)]
    assert header == [
        "student_id",
        "name",
        "submission",
        *questions,
        "total",
        "max",
        "status",
        "notes",
    ]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_id) == {"s1", "s2", "s3"}
    alan = by_id["s2"]
    assert [alan[q] for q in questions] == ["1"] * 5 + ["0"] * 4
    assert (alan["total"], alan["max"], alan["status"]) == ("5", "9", "graded")
    assert by_id["s1"]["total"] == "9" and by_id["s3"]["total"] == "0"


def test_name_and_student_id_appear_in_every_report_format(tmp_path: Path) -> None:
    folder = tmp_path / "one"
    sheet = _sheet(folder, "exam.yml", name="Ada Lovelace", student_id="s1815")
    for fmt in ReportFormat:
        status, out = _grade(str(sheet), "-f", fmt.value)
        assert status == 0, (fmt, out)
        assert "Ada Lovelace" in out and "s1815" in out, fmt
    _, out = _grade(str(sheet), "-f", "junit")
    props = {p.get("name"): p.get("value") for p in ET.fromstring(out.encode()).iter("property")}
    assert props["student_name"] == "Ada Lovelace" and props["student_id"] == "s1815"


# ---------------------------------------------------------------- roster


def test_the_roster_reports_students_with_no_sheet_in_every_class_format(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "\ufeffStudent_ID,Name\ns1,Ada Lovelace\ns2,Alan Turing\ns3,Grace Hopper\n"
        "s4,Edsger Dijkstra\n\n"
    )
    folder = _class(tmp_path)
    status, out = _grade(str(folder), "--roster", str(roster), "-f", "csv")
    assert status == 1
    rows = {r[0]: r for r in csv.reader(io.StringIO(out))}
    assert rows["s4"][1] == "Edsger Dijkstra" and rows["s4"][3] == ""
    assert rows["s4"][-2] == "missing" and "nothing handed in by s4" in rows["s4"][-1]
    _, text = _grade(str(folder), "--roster", str(roster))
    assert "nothing handed in by 1 student(s) on the roster" in text and "s4" in text
    assert "3/3 submission(s)" not in text  # the missing student is not a graded submission
    _, out = _grade(str(folder), "--roster", str(roster), "-f", "json")
    missing = [json.loads(line) for line in out.splitlines() if '"missing"' in line]
    assert [(m["student_id"], m["kind"], m["passed"]) for m in missing] == [
        ("s4", "missing", False)
    ]
    _, out = _grade(str(folder), "--roster", str(roster), "-f", "junit")
    assert "Edsger Dijkstra (s4): nothing handed in" in out


def test_a_sheet_whose_student_is_not_on_the_roster_gets_a_warning(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\ns1,Ada\ns2,Alan\ns3,Grace\n")
    folder = _class(tmp_path)
    _sheet(folder, "extra.yaml", name="Who", student_id="s99")
    status, out = _grade(str(folder), "--roster", str(roster), "-f", "csv")
    assert status == 1
    row = next(r for r in csv.reader(io.StringIO(out)) if r[0] == "s99")
    assert "is not on the roster" in row[-1]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("name,email\nAda,a@x\n", "roster.csv:1: no student id column"),
        (
            "student_id,name\ns1,Ada\nS1,Ada again\n",
            "roster.csv:3: student id 'S1' is also on line 2",
        ),
        ("student_id,name\n,Nobody\n", "roster.csv:2: no student id"),
    ],
)
def test_a_bad_roster_is_one_line_naming_file_and_line(
    tmp_path: Path, text: str, words: str
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(text)
    with pytest.raises(RosterError, match=words):
        read_roster(roster)
    result = runner.invoke(app, ["grade", str(_class(tmp_path)), "--roster", str(roster)])
    assert result.exit_code == 2 and words in result.output


# ---------------------------------------------------------------- bad sheets in a class


def test_each_bad_sheet_gets_a_one_line_reason_and_the_others_are_still_graded(
    tmp_path: Path, _fixture_bank: Path
) -> None:
    folder = tmp_path / "sheets"
    _sheet(folder, "good.yaml", name="Good", student_id="g1")
    malformed = _sheet(folder, "malformed.yaml", name="Mal", student_id="m1")
    malformed.write_text(malformed.read_text().replace("  - q: 2\n", "  - q: two\n", 1))
    unknown = _sheet(folder, "unknown.yaml", version=1, name="Unk", student_id="u1")
    first = small_worksheet().versions[1].items[0].question.id
    unknown.write_text(unknown.read_text().replace(f"question: {first}", "question: zz-top@1"))
    _sheet(folder, "twin-a.yaml", name="Twin A", student_id="t1")
    _sheet(folder, "twin-b.yaml", version=2, name="Twin B", student_id="T1 ")
    changed = _sheet(
        folder, "changed.yaml", name="Chg", student_id="c1", worksheet=beta_worksheet()
    )
    beta = _fixture_bank / "beta.yaml"
    beta.write_text(beta.read_text().replace("a: {choices: [2, 3]}", "a: {choices: [2, 4]}", 1))
    status, out = _grade(str(folder), "-f", "json")
    assert status == 2
    rows = {r["student_id"]: r for r in map(json.loads, out.splitlines())}
    assert rows["g1"]["errors"] == [] and rows["g1"]["score"] == 9
    reasons = {sid: rows[sid]["errors"] for sid in ("m1", "u1", "c1", "t1", "T1")}
    for sid, errors in reasons.items():
        assert len(errors) == 1 and "\n" not in errors[0], sid
    assert (
        "malformed.yaml:" in reasons["m1"][0] and "`q:` must be a whole number" in reasons["m1"][0]
    )
    assert "unknown question id 'zz-top@1'" in reasons["u1"][0]
    assert "beta-nasty-text changed" in reasons["c1"][0]
    assert "is also on" in reasons["t1"][0] and "twin-b.yaml" in reasons["t1"][0]
    assert rows["t1"]["score"] == 9  # a duplicate id is flagged, its sheet still graded
    assert str(changed) in reasons["c1"][0]


def test_allow_changed_bank_grades_a_changed_template_with_a_warning_in_the_report(
    tmp_path: Path, _fixture_bank: Path
) -> None:
    sheet = _sheet(tmp_path / "s", "exam.yaml", name="Chg", student_id="c1")
    alpha = _fixture_bank / "alpha.yaml"
    alpha.write_text(alpha.read_text().replace("[10, 20, 30]", "[10, 20, 40]", 1))
    status, out = _grade(str(sheet))
    assert status == 2 and "alpha-linear-params changed" in out
    status, out = _grade(str(sheet), "--allow-changed-bank")
    assert status in (0, 1) and "warning:" in out and "alpha-linear-params" in out
    _, out = _grade(str(sheet), "--allow-changed-bank", "-f", "gradescope")
    assert "warning: " in json.loads(out)["output"]


def test_a_folder_of_many_sheets_cannot_go_to_a_one_student_format(tmp_path: Path) -> None:
    result = runner.invoke(app, ["grade", str(_class(tmp_path)), "-f", "gradescope"])
    assert result.exit_code == 2 and "holds 3 answer sheets" in result.output


# ---------------------------------------------------------------- JUnit schema and Unicode


def _run_with_everything() -> GradeRun:
    tests = [
        TestResult(name="q1", function="f", group="g", status=TestStatus.PASSED, points=1,
                   max_points=1, output=NASTY),
        TestResult(name=NASTY, function="f", group=NASTY, status=TestStatus.FAILED, points=0,
                   max_points=2, message=NASTY, output=NASTY),
        TestResult(name="t", function="f", group="g", status=TestStatus.TIMEOUT, points=0,
                   max_points=1, message=""),
    ]  # fmt: skip
    result = ExerciseResult.from_tests("worksheet ws-11-v1-0123456789ab", tests, seed=5)
    return GradeRun(
        seed=5,
        submissions=[
            SubmissionResult(
                submission=NASTY,
                kind=SubmissionKind.SHEET,
                name=NASTY,
                student_id=NASTY,
                exercises=[result],
                warnings=[NASTY],
            ),
            SubmissionResult(
                submission="bad.yaml", kind=SubmissionKind.SHEET, errors=[NASTY, "second"]
            ),
            SubmissionResult(
                submission="",
                kind=SubmissionKind.MISSING,
                name="Ed",
                student_id="s4",
                warnings=["nothing handed in by s4"],
            ),
            SubmissionResult(submission="x", kind=SubmissionKind.FILE, exercises=[result]),
        ],
    )


@pytest.mark.parametrize("many", [False, True])
def test_junit_is_valid_against_the_ant_junit_schema(tmp_path: Path, many: bool) -> None:
    run = _run_with_everything()
    if not many:
        run = run.model_copy(update={"submissions": run.submissions[:1]})
    path = tmp_path / "junit.xml"
    path.write_text(junit_report(run), encoding="utf-8")
    xmlschema.XMLSchema(str(XSD)).validate(str(path))  # raises with the reason if invalid
    if shutil.which("xmllint"):
        done = subprocess.run(
            ["xmllint", "--noout", "--schema", str(XSD), str(path)], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr


def test_the_junit_schema_check_does_reject_the_old_layout(tmp_path: Path) -> None:
    """The check can fail: output inside a testcase is not allowed by the schema."""
    path = tmp_path / "old.xml"
    path.write_text(
        '<testsuites><testsuite name="a" tests="1" failures="0" errors="0" time="0">'
        '<testcase classname="c" name="n" time="0"><system-out>x</system-out></testcase>'
        "</testsuite></testsuites>"
    )
    assert not xmlschema.XMLSchema(str(XSD)).is_valid(str(path))


@pytest.mark.parametrize(
    "fmt", [ReportFormat.CSV, ReportFormat.JUNIT, ReportFormat.JSON, ReportFormat.TEXT]
)
def test_report_writers_escape_any_unicode_and_never_raise(fmt: ReportFormat) -> None:
    run = _run_with_everything()
    text = text_report(run) if fmt is ReportFormat.TEXT else build_report(run, fmt)
    text.encode("utf-8")  # no lone surrogate left
    for raw in ("\x00", "\x1b", "\ud800", "\ufffe", "\u202e", "\x07", "\U0010fffe"):
        assert raw not in text, (fmt, repr(raw))
    if fmt is not ReportFormat.JSON:
        assert "\\x1b" in text and "\\ud800" in text and "Zoë" in text


def test_csv_cells_cannot_start_a_spreadsheet_formula() -> None:
    assert cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert cell("+1") == "'+1" and cell("@SUM(A1)") == "'@SUM(A1)" and cell("Ada") == "Ada"
    rows = list(csv.reader(io.StringIO(build_report(_run_with_everything(), ReportFormat.CSV))))
    assert all(len(row) == len(rows[0]) for row in rows)  # no cell broke a line


def test_visible_keeps_text_and_escapes_only_what_is_unsafe() -> None:
    assert visible("Zoë 中文 🎉\ttab\nline") == "Zoë 中文 🎉\ttab\nline"
    assert visible("a\nb", newlines=False) == "a\\x0ab"
    assert visible("\x1b[31m\ud83d\ufffe\u2028") == "\\x1b[31m\\ud83d\\ufffe\\u2028"


def test_a_folder_of_exercise_files_is_matched_to_the_roster_by_its_name(tmp_path: Path) -> None:
    from quizkit.grade.discover import discover
    from quizkit.grade.students import attach_students

    for folder in ("lab3-ada-l", "lab3-l", "stranger"):
        (tmp_path / "class" / folder).mkdir(parents=True)
        (tmp_path / "class" / folder / "softmax.py").write_text("")
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name\nada-l,Ada\nl,Lin\nbob,Bob\n")
    subs = discover(sorted((tmp_path / "class").iterdir()))
    empty = GradeRun(
        seed=0, submissions=[SubmissionResult(submission=s.label, kind=s.kind) for s in subs]
    )
    run = attach_students(empty, subs, roster=read_roster(roster))
    named = [(s.student_id, s.name, s.kind.value) for s in run.submissions]
    assert named == [
        ("ada-l", "Ada", "directory"),
        ("l", "Lin", "directory"),
        ("", "", "directory"),
        ("bob", "Bob", "missing"),
    ]
    assert run.submissions[2].warnings == [
        f"{tmp_path / 'class' / 'stranger'}: matches no student on the roster"
    ]


# any code point, lone surrogates and noncharacters included
any_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40)
_SCHEMA = xmlschema.XMLSchema(str(XSD))


@settings(max_examples=60, deadline=None)
@given(name=any_text, message=any_text, output=any_text, path=any_text)
def test_every_writer_survives_any_unicode(name: str, message: str, output: str, path: str) -> None:
    test = TestResult(
        name=name or "t", function="f", group=name, status=TestStatus.FAILED, points=0,
        max_points=1, message=message, output=output,
    )  # fmt: skip
    result = ExerciseResult.from_tests(name or "e", [test], seed=1)
    sub = SubmissionResult(
        submission=path, kind=SubmissionKind.SHEET, name=name, student_id=message,
        exercises=[result], errors=[output], warnings=[message],
    )  # fmt: skip
    run = GradeRun(seed=1, submissions=[sub, sub.model_copy(update={"submission": "other"})])
    for fmt in (ReportFormat.CSV, ReportFormat.JUNIT, ReportFormat.JSON):
        build_report(run, fmt).encode("utf-8")
    text_report(run).encode("utf-8")
    from quizkit.grade.reports.summary import markdown_summary

    markdown_summary(run).encode("utf-8")
    _SCHEMA.validate(ET.fromstring(build_report(run, ReportFormat.JUNIT).encode("utf-8")))
