"""The Markdown summary appended to ``$GITHUB_STEP_SUMMARY`` (shown on the Actions run page):
one row per submission and exercise, then the first failures. Student text is escaped: no
HTML, no table breaks, no Markdown links."""

from __future__ import annotations

import os
import re
from pathlib import Path

from quizkit.exercises.models import TestStatus
from quizkit.grade.models import GradeRun, SubmissionKind
from quizkit.grade.reports.safe import visible

MAX_FAILURES = 20
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def md_escape(text: str, limit: int = 300) -> str:
    """One line of ``text`` that Markdown shows literally (HTML and table pipes escaped)."""
    line = visible(" ".join(text.split()), newlines=False)
    if len(line) > limit:
        line = line[: limit - 3] + "..."
    line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", line)


def markdown_summary(run: GradeRun) -> str:
    verdict = "all tests passed" if run.passed else "some tests failed"
    lines = [
        f"## quizkit grade: {verdict}",
        "",
        f"seed {run.seed}, {len(run.graded)} submission(s), {run.seconds:.1f} s",
        "",
        "| student | exercise | points | tests passed | |",
        "|---|---|---:|---:|---|",
    ]
    failures: list[str] = []
    for sub in run.submissions:
        if sub.kind is SubmissionKind.MISSING:
            lines.append(f"| {md_escape(sub.student)} | – | – | – | ⚠️ nothing handed in |")
            continue
        for r in sub.exercises:
            ok = sum(t.status is TestStatus.PASSED for t in r.tests)
            mark = "✅" if r.passed else "❌"
            lines.append(
                f"| {md_escape(sub.student)} | {md_escape(r.exercise)} | "
                f"{r.score:g}/{r.max_score:g} | {ok}/{len(r.tests)} | {mark} |"
            )
            failures += [
                f"- {md_escape(sub.student)} · {md_escape(r.exercise)} · "
                f"`{t.name}`: **{t.status.value}** — {md_escape(t.message)}"
                for t in r.tests
                if t.status is not TestStatus.PASSED
            ]
        for error in sub.errors:
            lines.append(f"| {md_escape(sub.student)} | input | 0/0 | – | ⚠️ {md_escape(error)} |")
    if failures:
        lines += ["", "### Failures", "", *failures[:MAX_FAILURES]]
        if len(failures) > MAX_FAILURES:
            lines.append(f"- … and {len(failures) - MAX_FAILURES} more")
    return "\n".join(lines) + "\n"


def append_step_summary(run: GradeRun, env: dict[str, str] | None = None) -> Path | None:
    """Append :func:`markdown_summary` to ``$GITHUB_STEP_SUMMARY`` if set; the path written."""
    target = (env if env is not None else os.environ).get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    path = Path(target)
    with path.open("a", encoding="utf-8", errors="backslashreplace") as handle:
        handle.write(markdown_summary(run))
    return path
