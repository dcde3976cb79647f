"""What ``quizkit ci init`` tells the user: the files written and what is left to do."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from quizkit.ci.init import CiInitResult, Platform


def render_ci_init(console: Console, result: CiInitResult) -> None:
    for path in result.written:
        console.print(f"wrote {escape(str(path))}")
    console.print(f"CI installs {escape(result.install.describe())}")
    if not result.install.pinned:
        console.print(
            "[yellow]note:[/] the git reference is not a commit; grades may change when it moves"
        )
    if result.seed_generated:
        console.print(f"hidden-test seed {result.seed} (drawn now; fixed in run_autograder)")
    elif result.seed is None:
        where = {
            Platform.GITLAB: "as a masked CI/CD variable (masking needs 8 digits or more)",
            Platform.GRADESCOPE: "",
        }.get(result.platform, "as a repository (or organization) secret")
        console.print(
            f"next: set {result.seed_secret} {where} to a whole number: the hidden-test seed"
        )
    if result.platform is Platform.GRADESCOPE:
        console.print("upload autograder.zip in Gradescope under Configure Autograder")
    else:
        console.print("commit the files; every push grades itself")
