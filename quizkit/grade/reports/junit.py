"""``--format junit``: JUnit XML as GitLab (``artifacts:reports:junit``) and the GitHub test
reporters read it: one ``<testsuite>`` per exercise (per submission), one ``<testcase>`` per
hidden test; ``failed``/``forbidden``/``missing`` tests carry a ``<failure>``, ``error``/
``timeout`` an ``<error>``. Always well-formed: characters XML 1.0 cannot hold (NUL, escapes,
lone surrogates) are written as ``\\xNN``."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from quizkit.exercises.models import ExerciseResult, TestResult, TestStatus
from quizkit.grade.models import GradeRun, SubmissionResult

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FAILURES = {TestStatus.FAILED, TestStatus.FORBIDDEN, TestStatus.MISSING}


def xml_safe(text: str) -> str:
    """``text`` with every character that XML 1.0 forbids replaced by a visible ``\\xNN``."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _suite_name(sub: SubmissionResult, exercise: str, many: bool) -> str:
    return f"{sub.submission}: {exercise}" if many else exercise


def junit_report(run: GradeRun) -> str:
    many = len(run.submissions) > 1
    root = ET.Element("testsuites", name="quizkit grade", time=f"{run.seconds:.3f}")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for sub in run.submissions:
        for result in sub.exercises:
            suite = _suite(result, _suite_name(sub, result.exercise, many), run.seed)
            for warning in run.warnings:  # e.g. graded without a sandbox
                ET.SubElement(suite[0], "property", name="warning", value=xml_safe(warning))
            root.append(suite)
            for key in totals:
                totals[key] += int(suite.get(key, "0"))
        if sub.errors:
            suite = ET.SubElement(
                root,
                "testsuite",
                name=xml_safe(_suite_name(sub, "input", many)),
                tests="1",
                failures="0",
                errors="1",
                skipped="0",
            )
            case = ET.SubElement(suite, "testcase", classname="input", name="readable input")
            text = "\n".join(sub.errors)
            error = ET.SubElement(case, "error", type="input", message=xml_safe(text[:500]))
            error.text = xml_safe(text)
            totals["tests"] += 1
            totals["errors"] += 1
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(result: ExerciseResult, name: str, seed: int) -> ET.Element:
    failures = sum(t.status in _FAILURES for t in result.tests)
    errors = sum(t.status in (TestStatus.ERROR, TestStatus.TIMEOUT) for t in result.tests)
    suite = ET.Element(
        "testsuite",
        name=xml_safe(name),
        tests=str(len(result.tests)),
        failures=str(failures),
        errors=str(errors),
        skipped="0",
        time=f"{sum(t.seconds for t in result.tests):.3f}",
    )
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="seed", value=str(seed))
    ET.SubElement(props, "property", name="score", value=f"{result.score:g}/{result.max_score:g}")
    for test in result.tests:
        suite.append(_case(test, result.exercise))
    return suite


def _case(test: TestResult, exercise: str) -> ET.Element:
    case = ET.Element(
        "testcase",
        classname=xml_safe(f"{exercise}.{test.group}"),
        name=xml_safe(test.name),
        time=f"{test.seconds:.3f}",
    )
    if test.status is not TestStatus.PASSED:
        tag = "failure" if test.status in _FAILURES else "error"
        first = test.message.splitlines()[0] if test.message else test.status.value
        element = ET.SubElement(
            case, tag, type=test.status.value, message=xml_safe(f"{test.status.value}: {first}")
        )
        body = test.message
        if test.output.strip():
            body += "\n--- student output (truncated) ---\n" + test.output
        element.text = xml_safe(body)
    elif test.output.strip():
        ET.SubElement(case, "system-out").text = xml_safe(test.output)
    return case
