"""``--format junit``: JUnit XML valid against the Ant/Jenkins JUnit schema (``JUnit.xsd`` from
windyroad/JUnit-Schema, vendored in ``tests/fixtures/junit``), which GitLab
(``artifacts:reports:junit``), Jenkins and the GitHub test reporters read.

One ``<testsuite>`` per exercise or answer sheet of each student (``package`` and ``id`` as the
schema requires inside ``<testsuites>``; ``timestamp`` and ``hostname`` of the run), its
``<properties>`` naming the student (``student_name``, ``student_id``, ``submission``), the seed,
the score and any warnings; one ``<testcase>`` per hidden test or question. ``failed``/
``forbidden``/``missing`` tests carry a ``<failure>``, ``error``/``timeout`` an ``<error>``;
the student's output of passed tests goes to the suite's ``<system-out>`` (the schema allows no
output inside a test case). An unreadable submission is a suite with one ``<error>``; a roster
student who handed nothing in a suite with one ``<failure type="missing">``.

Always well-formed, whatever the student wrote: every text passes through
:func:`quizkit.grade.reports.safe.visible` (NUL, escapes, lone surrogates, U+FFFE ... become
visible ``\\xNN``/``\\uNNNN``).
"""

from __future__ import annotations

import socket
import xml.etree.ElementTree as ET

from quizkit.exercises.models import ExerciseResult, TestResult, TestStatus
from quizkit.grade.models import GradeRun, SubmissionKind, SubmissionResult
from quizkit.grade.reports.safe import visible

_FAILURES = {TestStatus.FAILED, TestStatus.FORBIDDEN, TestStatus.MISSING}
MESSAGE_CHARS = 500


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 forbids (and every control) visibly escaped."""
    return visible(text)


def _attribute(text: str) -> str:
    return visible(text, newlines=False)


def junit_report(run: GradeRun) -> str:
    root = ET.Element("testsuites")
    context = _Context(run)
    for sub in run.submissions:
        if sub.kind is SubmissionKind.MISSING:
            root.append(context.missing(sub))
            continue
        for result in sub.exercises:
            root.append(context.suite(sub, result))
        if sub.errors or not sub.exercises:
            root.append(context.input_errors(sub))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


class _Context:
    """The run-wide attributes and the running suite id."""

    def __init__(self, run: GradeRun) -> None:
        self.run = run
        self.next_id = 0
        self.many = len(run.submissions) > 1
        self.timestamp = run.started.strftime("%Y-%m-%dT%H:%M:%S")
        self.hostname = _attribute(socket.gethostname().strip() or "localhost") or "localhost"

    def _name(self, sub: SubmissionResult, part: str) -> str:
        return f"{sub.student}: {part}" if self.many or sub.name or sub.student_id else part

    def _open(
        self, sub: SubmissionResult, part: str, counts: tuple[int, int, int], seconds: float
    ) -> ET.Element:
        tests, failures, errors = counts
        suite = ET.Element(
            "testsuite",
            package=_attribute(sub.student or "quizkit"),
            id=str(self.next_id),
            name=_attribute(self._name(sub, part)),
            timestamp=self.timestamp,
            hostname=self.hostname,
            tests=str(tests),
            failures=str(failures),
            errors=str(errors),
            skipped="0",
            time=f"{seconds:.3f}",
        )
        self.next_id += 1
        props = ET.SubElement(suite, "properties")
        for key, value in (
            ("student_name", sub.name),
            ("student_id", sub.student_id),
            ("submission", sub.submission),
            ("seed", str(self.run.seed)),
        ):
            ET.SubElement(props, "property", name=key, value=_attribute(value))
        for warning in sub.warnings:
            ET.SubElement(props, "property", name="warning", value=_attribute(warning))
        return suite

    def suite(self, sub: SubmissionResult, result: ExerciseResult) -> ET.Element:
        failures = sum(t.status in _FAILURES for t in result.tests)
        errors = sum(t.status in (TestStatus.ERROR, TestStatus.TIMEOUT) for t in result.tests)
        seconds = sum(t.seconds for t in result.tests)
        suite = self._open(sub, result.exercise, (len(result.tests), failures, errors), seconds)
        props = suite.find("properties")
        assert props is not None
        ET.SubElement(
            props, "property", name="score", value=f"{result.score:g}/{result.max_score:g}"
        )
        outputs = []
        for test in result.tests:
            suite.append(_case(test, result.exercise))
            if test.status is TestStatus.PASSED and test.output.strip():
                outputs.append(f"--- {test.name} ---\n{test.output}")
        _close(suite, "\n".join(outputs))
        return suite

    def input_errors(self, sub: SubmissionResult) -> ET.Element:
        reasons = sub.errors or ["nothing to grade"]
        suite = self._open(sub, "input", (1, 0, 1), 0.0)
        case = ET.SubElement(suite, "testcase", classname="input", name="readable input", time="0")
        text = "\n".join(reasons)
        error = ET.SubElement(case, "error", type="input", message=_attribute(text[:MESSAGE_CHARS]))
        error.text = xml_safe(text)
        _close(suite, "")
        return suite

    def missing(self, sub: SubmissionResult) -> ET.Element:
        suite = self._open(sub, "nothing handed in", (1, 1, 0), 0.0)
        case = ET.SubElement(suite, "testcase", classname="roster", name="handed in", time="0")
        reason = "; ".join(sub.warnings) or "nothing handed in"
        failure = ET.SubElement(case, "failure", type="missing", message=_attribute(reason))
        failure.text = xml_safe(reason)
        _close(suite, "")
        return suite


def _close(suite: ET.Element, output: str) -> None:
    ET.SubElement(suite, "system-out").text = xml_safe(output)
    ET.SubElement(suite, "system-err").text = ""


def _case(test: TestResult, exercise: str) -> ET.Element:
    case = ET.Element(
        "testcase",
        classname=_attribute(f"{exercise}.{test.group}"),
        name=_attribute(test.name),
        time=f"{test.seconds:.3f}",
    )
    if test.status is not TestStatus.PASSED:
        tag = "failure" if test.status in _FAILURES else "error"
        first = test.message.splitlines()[0] if test.message else test.status.value
        element = ET.SubElement(
            case,
            tag,
            type=test.status.value,
            message=_attribute(f"{test.status.value}: {first}"[:MESSAGE_CHARS]),
        )
        body = test.message
        if test.output.strip():
            body += "\n--- student output (truncated) ---\n" + test.output
        element.text = xml_safe(body)
    return case
