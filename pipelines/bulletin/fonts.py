"""The CJK font the charts are drawn with: found on the machine, checked to have the glyphs.

Charts are rendered by matplotlib, whose bundled DejaVu fonts have no Chinese glyphs: every label
would come out as boxes (tofu). `find_cjk_font` looks for an installed font file that really maps
the bulletin's characters (a glyph index other than 0, the .notdef box) and `make setup` installs
one (Debian `fonts-wqy-microhei`). Without one the bulletin fails with `CJKFontMissingError`,
naming `make setup`, instead of writing charts nobody can read.

Order of search: `HOTLINE_CJK_FONT` (a font file, e.g. a font a center ships), then fontconfig's
best match for Chinese (`fc-match :lang=zh-cn`), then every fontconfig font that declares Chinese
(`fc-list :lang=zh`), then matplotlib's own font list. Preferred families come first.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

#: characters every chart label uses (group names, rates, months): all must have a real glyph
PROBE_TEXT = "绩效考评县市区级及部门单位受理来源省派工单回访满意率按时办结及时签收月份年"
#: known good families, best first (Simplified Chinese forms, then the small WenQuanYi fonts)
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Droid Sans Fallback",
    "AR PL UMing CN",
)
FONT_ENV = "HOTLINE_CJK_FONT"
FONT_SUFFIXES = (".ttf", ".ttc", ".otf", ".otc")


class CJKFontMissingError(RuntimeError):
    """No installed font can draw Chinese; the message says how to install one."""


@dataclass(frozen=True)
class CJKFont:
    path: Path
    #: the family name matplotlib knows the file by (face 0 of a collection)
    family: str


def covers(path: Path, text: str = PROBE_TEXT) -> bool:
    """True when the font file (face 0) maps every character of `text` to a real glyph."""
    from matplotlib import ft2font

    try:
        face = ft2font.FT2Font(str(path))
    except (OSError, RuntimeError, ValueError):
        return False
    return all(face.get_char_index(ord(ch)) != 0 for ch in text if not ch.isspace())


def _run(args: list[str]) -> str:
    if shutil.which(args[0]) is None:
        return ""
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout if done.returncode == 0 else ""


def _fontconfig_candidates() -> list[Path]:
    paths = [Path(line) for line in _run(["fc-match", "-f", "%{file}\n", ":lang=zh-cn"]).splitlines()]
    listed = _run(["fc-list", ":lang=zh", "file", "family"]).splitlines()

    def rank(line: str) -> int:
        for i, family in enumerate(PREFERRED_FAMILIES):
            if family in line:
                return i
        return len(PREFERRED_FAMILIES)

    for line in sorted(listed, key=rank):
        paths.append(Path(line.split(":", 1)[0].strip()))
    return paths


def _matplotlib_candidates() -> list[Path]:
    from matplotlib import font_manager

    by_family = {entry.name: Path(entry.fname) for entry in font_manager.fontManager.ttflist}
    return [by_family[f] for f in PREFERRED_FAMILIES if f in by_family]


def _candidates() -> list[Path]:
    chosen = os.environ.get(FONT_ENV, "").strip()
    first = [Path(chosen)] if chosen else []
    seen: set[Path] = set()
    unique = []
    for path in [*first, *_fontconfig_candidates(), *_matplotlib_candidates()]:
        if path in seen or path.suffix.lower() not in FONT_SUFFIXES or not path.is_file():
            continue
        seen.add(path)
        unique.append(path)
    return unique


@functools.cache
def find_cjk_font() -> CJKFont:
    """The installed font the charts use; CJKFontMissingError (naming `make setup`) if none."""
    from matplotlib import font_manager

    for path in _candidates():
        if covers(path):
            font_manager.fontManager.addfont(str(path))
            family = font_manager.FontProperties(fname=str(path)).get_name()
            return CJKFont(path=path, family=family)
    raise CJKFontMissingError(
        "no installed font can draw the bulletin's Chinese chart labels (they would render as "
        "boxes). Run `make setup` (it installs the Debian package fonts-wqy-microhei), or install "
        f"any CJK font (e.g. fonts-noto-cjk), or set {FONT_ENV} to a .ttf/.ttc/.otf file."
    )
