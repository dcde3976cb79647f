"""Finding a Chinese (CJK) font for Typst, which embeds only Latin fonts.

English PDFs use only Typst's embedded fonts, so they are the same bytes on every machine.
Chinese needs a CJK font from the machine; it is looked for, in order:

1. ``$QUIZKIT_FONT_PATH``: folders (or font files) separated by ``os.pathsep``;
2. fontconfig (``fc-list :lang=zh``), where it exists (Linux, BSD, Homebrew);
3. the usual font folders of Debian/Ubuntu, Fedora, Arch, macOS and Windows.

Within what is found, a Song/serif face is preferred (it matches Libertinus Serif), then a
sans face. The families are named explicitly in the document, and Typst is given only the
folders that hold them, so a font is either there or the command stops with one line naming
what to install: a PDF is never typeset with tofu boxes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from quizkit.worksheet.errors import RenderError

# Preferred families, best first: serif (Song) faces, then sans; Simplified Chinese first.
CJK_FAMILIES = (
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Source Han Serif CN",
    "Noto Serif SC",
    "Songti SC",
    "STSong",
    "SimSun",
    "AR PL UMing CN",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Serif CJK TC",
    "Noto Sans CJK TC",
    "Noto Serif CJK JP",
    "Noto Sans CJK JP",
)

FONT_PATH_VARIABLE = "QUIZKIT_FONT_PATH"

INSTALL_HINT = (
    "no Chinese font found for the PDF; install Noto CJK (Debian/Ubuntu: sudo apt install "
    "fonts-noto-cjk; Fedora: sudo dnf install google-noto-serif-cjk-sc-fonts; Arch: sudo pacman "
    "-S noto-fonts-cjk; macOS and Windows have one built in) or set QUIZKIT_FONT_PATH to a "
    "folder holding a CJK .otf/.ttc font; other formats (md, html, json) need no font"
)


def known_font_dirs(home: Path | None = None, env: Mapping[str, str] | None = None) -> list[Path]:
    """The usual places of CJK fonts on Linux distributions, macOS and Windows."""
    home = home if home is not None else Path.home()
    environ = os.environ if env is None else env
    dirs = [
        Path("/usr/share/fonts/opentype/noto"),  # Debian/Ubuntu fonts-noto-cjk
        Path("/usr/share/fonts/noto-cjk"),  # Arch noto-fonts-cjk
        Path("/usr/share/fonts/google-noto-serif-cjk-sc-fonts"),  # Fedora
        Path("/usr/share/fonts/google-noto-sans-cjk-sc-fonts"),
        Path("/usr/share/fonts/google-noto-cjk"),
        Path("/usr/share/fonts/adobe-source-han-serif"),
        Path("/usr/share/fonts/adobe-source-han-sans"),
        Path("/usr/share/fonts/truetype/arphic"),
        Path("/usr/share/fonts/truetype/wqy"),
        Path("/usr/share/fonts/wenquanyi"),
        home / ".local/share/fonts",
        home / ".fonts",
        Path("/System/Library/Fonts/Supplemental"),  # macOS: Songti SC
        Path("/System/Library/Fonts"),  # macOS: PingFang SC, Hiragino Sans GB
        Path("/Library/Fonts"),
        home / "Library/Fonts",
    ]
    windir = environ.get("WINDIR") or environ.get("SystemRoot")
    if windir:
        dirs.append(Path(windir) / "Fonts")  # SimSun, Microsoft YaHei
    local = environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft/Windows/Fonts")
    return dirs


@dataclass(frozen=True)
class CjkFont:
    """A CJK family Typst can use, and the folders (or files) that hold it."""

    family: str
    paths: tuple[str, ...]


def families_in(paths: Sequence[str]) -> set[str]:
    """The font families Typst finds in ``paths`` (folders or font files)."""
    import typst

    fonts = typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=False, font_paths=list(paths)
    )
    return set(fonts.families())


def _fontconfig_files() -> dict[str, str]:
    """Family -> file of the fonts fontconfig says cover Chinese (empty without fc-list)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return {}
    try:
        out = subprocess.run(
            [fc_list, ":lang=zh", "family", "file"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    found: dict[str, str] = {}
    for line in out.splitlines():
        file, _, names = line.partition(": ")
        for family in names.split(","):
            found.setdefault(family.strip(), file.strip())
    return found


def _pick(families: Iterable[str]) -> str | None:
    available = set(families)
    return next((family for family in CJK_FAMILIES if family in available), None)


def find_cjk_font(
    *,
    env: Mapping[str, str] | None = None,
    search_dirs: Sequence[Path] | None = None,
    use_fontconfig: bool = True,
) -> CjkFont:
    """The best CJK font found (see the module's docstring); :class:`RenderError` if none."""
    environ = os.environ if env is None else env
    configured = [p for p in environ.get(FONT_PATH_VARIABLE, "").split(os.pathsep) if p]
    if configured:
        family = _pick(families_in(configured)) or _any_cjk(configured)
        if family is None:
            raise RenderError(
                f"no CJK font in ${FONT_PATH_VARIABLE} ({os.pathsep.join(configured)}); "
                f"expected one of: {', '.join(CJK_FAMILIES[:4])}, …"
            )
        return CjkFont(family, tuple(configured))
    if use_fontconfig:
        files = _fontconfig_files()
        family = _pick(files)
        if family is not None:
            folder = str(Path(files[family]).parent)
            if family in families_in([folder]):
                return CjkFont(family, (folder,))
    dirs = search_dirs if search_dirs is not None else known_font_dirs(env=environ)
    for place in dirs:
        if not place.is_dir():
            continue
        family = _pick(families_in([str(place)]))
        if family is not None:
            return CjkFont(family, (str(place),))
    raise RenderError(INSTALL_HINT)


def _any_cjk(paths: Sequence[str]) -> str | None:
    """A family with CJK in its name, for a font the preference list does not know."""
    names = sorted(families_in(paths))
    return next((n for n in names if any(w in n for w in ("CJK", "Han", "SC", "Song"))), None)


@cache
def cjk_font() -> CjkFont:
    """:func:`find_cjk_font` for this process (the search runs once)."""
    return find_cjk_font()
