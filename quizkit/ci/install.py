"""Where CI gets quizkit from: ``--install SPEC``, else the source this quizkit was installed from.

A generated workflow must install exactly one reachable, fixed quizkit, so every push is graded
by the same code. Accepted forms of SPEC:

- a pinned PyPI requirement, ``quizkit==0.3.1`` (extras allowed: ``quizkit[x]==0.3.1``);
- a git URL, ``git+https://github.com/ORG/quizkit@COMMIT`` (a tag or branch works too, but
  only a commit is fixed);
- a wheel URL, ``https://host/path/quizkit-0.3.1-py3-none-any.whl`` (optionally
  ``#sha256=...``).

``quizkit @ URL`` (PEP 508) is accepted for both URL forms. Anything else — a bare ``quizkit``
(unpinned, and quizkit may not be on the index at all), a local path or ``file://`` URL (not on
the CI machine), an ``ssh`` URL (CI has no key) — is refused with :class:`InstallSpecError`.

Without SPEC, :func:`installed_source` reads how this quizkit was installed (PEP 610
``direct_url.json`` in its ``.dist-info``): a git checkout gives ``git+URL@COMMIT``, a wheel
downloaded from a URL gives that URL; an install from a package index (no ``direct_url.json``)
gives ``quizkit==VERSION``. A local directory, an editable install or a local wheel file is not
reachable from CI, so it is refused, naming the path.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import Enum
from importlib import metadata
from pathlib import Path

from quizkit.errors import QuizkitError

PROJECT = "quizkit"
FORMS = (
    "quizkit==X.Y.Z (PyPI), git+https://HOST/OWNER/quizkit@COMMIT, "
    "or https://HOST/PATH/quizkit-X.Y.Z-py3-none-any.whl"
)
# No quotes, spaces, `$`, backquotes, braces, semicolons or backslashes: the spec lands in
# YAML, in (quoted) shell words and next to GitHub's `${{ }}` syntax; none may reinterpret it.
_URL_CHARS = r"[A-Za-z0-9._~:/?#@%+=&-]+"
_PYPI = re.compile(r"^quizkit(\[[A-Za-z0-9_,.-]+\])?===?[A-Za-z0-9.+!_-]+$")
_GIT = re.compile(rf"^git\+https://{_URL_CHARS}$")
_WHEEL = re.compile(rf"^https://{_URL_CHARS}\.whl(#sha256=[0-9a-f]{{64}})?$")
_PEP508_URL = re.compile(r"^quizkit\s*@\s*(?P<url>\S+)$")


class InstallSpecError(QuizkitError):
    """No usable source of quizkit for CI: a bad ``--install`` or an unreachable install."""


class SpecKind(str, Enum):
    PYPI = "pypi"
    GIT = "git"
    WHEEL = "wheel"


@dataclass(frozen=True)
class InstallSpec:
    """A quizkit requirement pip can install on a CI machine."""

    kind: SpecKind
    requirement: str  # what follows `pip install`, e.g. "quizkit @ git+https://...@abc123"
    origin: str  # where it came from, for messages: "--install" or "this quizkit's install"

    @property
    def pinned(self) -> bool:
        """Is the code fixed? A pinned version, a git commit (40 hex digits) or a wheel URL."""
        if self.kind is SpecKind.GIT:
            return bool(re.search(r"@[0-9a-f]{40}$", self.requirement))
        return True

    def describe(self) -> str:
        return f"{self.requirement} (from {self.origin})"


def _refuse(what: str) -> InstallSpecError:
    return InstallSpecError(f"{what}; pass --install with one of: {FORMS}")


def parse_install_spec(text: str, *, origin: str = "--install") -> InstallSpec:
    """``text`` as an :class:`InstallSpec`; :class:`InstallSpecError` naming the forms if not one."""
    spec = text.strip()
    match = _PEP508_URL.match(spec)
    if match:
        spec = match["url"]
    if _PYPI.match(spec):
        return InstallSpec(SpecKind.PYPI, spec, origin)
    if _GIT.match(spec):
        rest = spec.removeprefix("git+https://")
        if "/" not in rest.strip("/"):
            raise _refuse(f"--install {text!r}: a git URL needs a repository path")
        return InstallSpec(SpecKind.GIT, f"{PROJECT} @ {spec}", origin)
    if _WHEEL.match(spec):
        name = spec.split("#", 1)[0].rsplit("/", 1)[-1]
        if not name.lower().startswith(f"{PROJECT}-"):
            raise _refuse(f"--install {text!r}: the wheel is not a quizkit wheel ({name})")
        return InstallSpec(SpecKind.WHEEL, f"{PROJECT} @ {spec}", origin)
    if spec == PROJECT or re.match(r"^quizkit\s*(\[.*\])?\s*([<>~!]=?.*)?$", spec):
        raise _refuse(
            f"--install {text!r}: not pinned to one version (quizkit may not be on the index, "
            "and an unpinned one changes grades between pushes)"
        )
    if spec.startswith(("file:", "/", ".", "~")) or Path(spec).exists():
        raise _refuse(f"--install {text!r}: a local path, which the CI machine does not have")
    if spec.startswith(("git+ssh:", "git@", "git+git:")):
        raise _refuse(f"--install {text!r}: CI has no SSH key; use the https URL")
    raise _refuse(f"--install {text!r}: not a form CI can install")


def installed_source(distribution: metadata.Distribution | None = None) -> InstallSpec:
    """How this quizkit was installed, as a spec CI can use (see the module docstring)."""
    dist = distribution if distribution is not None else _own_distribution()
    if dist is None:
        raise _refuse("quizkit is not installed as a package here (running from a source tree)")
    origin = "this quizkit's install"
    raw = dist.read_text("direct_url.json")
    if raw is None:
        if _is_egg_info(dist):
            raise _refuse("cannot tell where this quizkit came from (a source tree's egg-info)")
        return parse_install_spec(f"{PROJECT}=={dist.version}", origin=origin)
    try:
        direct = json.loads(raw)
        url = str(direct["url"])
    except (ValueError, KeyError, TypeError):
        raise _refuse("this quizkit's direct_url.json is unreadable") from None
    if url.startswith("file:"):
        local = url.removeprefix("file://")
        raise _refuse(
            f"quizkit was installed from {local}, a local path the CI machine does not have"
        )
    vcs = direct.get("vcs_info")
    if isinstance(vcs, dict):
        if vcs.get("vcs") != "git" or not url.startswith("https://"):
            raise _refuse(f"quizkit was installed from {url}, which CI cannot fetch")
        commit = str(vcs.get("commit_id", ""))
        return parse_install_spec(f"git+{url}@{commit}" if commit else f"git+{url}", origin=origin)
    if "archive_info" in direct:
        hashes = direct["archive_info"].get("hashes") or {}
        digest = hashes.get("sha256") if isinstance(hashes, dict) else None
        spec = f"{url}#sha256={digest}" if digest and "#" not in url else url
        return parse_install_spec(spec, origin=origin)
    raise _refuse(f"quizkit was installed from {url}, which CI cannot install")


def resolve_install(spec: str | None) -> InstallSpec:
    """``--install SPEC`` when given, else :func:`installed_source`."""
    return parse_install_spec(spec) if spec is not None else installed_source()


def _own_distribution() -> metadata.Distribution | None:
    """The installed quizkit's metadata; a ``.dist-info`` wins over a source tree's egg-info
    (which shadows it when Python runs inside the checkout)."""
    found = list(metadata.distributions(name=PROJECT))
    found.sort(key=_is_egg_info)
    return found[0] if found else None


def _is_egg_info(dist: metadata.Distribution) -> bool:
    path = getattr(dist, "_path", None)
    return path is not None and str(path).endswith(".egg-info")
