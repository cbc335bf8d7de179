"""The PDF's fonts: DejaVu Sans in four faces, registered with ReportLab once per process.

DejaVu Sans has å, ä, ö and the dashes and arrows the report prints. The files are those
matplotlib ships (a dependency already), found without importing matplotlib. This module
imports nothing of the project, so ``tracker report`` can register the fonts on its import
thread while the login derives the key (tracker/cli.py).
"""

from __future__ import annotations

import functools
import importlib.util
import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FACES = {
    ("normal", "normal"): "DejaVuSans.ttf",
    ("bold", "normal"): "DejaVuSans-Bold.ttf",
    ("normal", "italic"): "DejaVuSans-Oblique.ttf",
    ("bold", "italic"): "DejaVuSans-BoldOblique.ttf",
}
_LOCK = threading.Lock()


def _font_folder() -> Path:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib's DejaVu fonts are missing")  # a broken install
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


@functools.cache
def font_name(weight: str = "normal", style: str = "normal") -> str:
    """The registered ReportLab name of a face, registering it on first use (each face's file
    is read once per process)."""
    file = FACES[("bold" if weight == "bold" else "normal", style)]
    name = file.removesuffix(".ttf")
    with _LOCK:
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(_font_folder() / file)))
    return name


def register_fonts() -> None:
    """Register every face the report uses (the first report then reads no font file)."""
    for weight, style in FACES:
        font_name(weight, style)
