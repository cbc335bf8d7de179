"""report.pdf: the board-ready report, A4 portrait pages drawn with matplotlib.

``board_figures(report, tables, info, lang)`` builds one matplotlib ``Figure`` per page;
``write_pdf`` saves them into one PDF. The pages, in order:

1. a title page: förbund, report kind (Halvårsrapport, Helårsrapport …), period with dates,
   comparison period, insatser, when it was generated and how small counts are protected;
2. a summary: each goal against its result and the comparison period, and the key figures;
3. one section per chart (the period's flow, step-up share against its goal, exit
   destinations by gender, follow-up results, non-start reasons): title, chart with units,
   its table from ``tracker.reports.tables`` and a one-line definition;
4. the remaining tables of ``report_tables``, so the PDF holds every figure the bundle has.

Every page has a footer (page n/N, the signing key's fingerprint, when it was generated) and,
when ``info`` says so, a DEMO and/or INTERNT banner and watermark.

Only matplotlib's non-interactive machinery is used: figures are made with ``Figure()`` (never
pyplot, so no GUI backend and no global figure state), text is measured with the Agg renderer
and the pages are written by the pdf backend's ``PdfPages``. Text is wrapped to the width it
is drawn in, so nothing runs off a page; long tables continue on the next page.
"""

from __future__ import annotations

import functools
import io
import textwrap
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.ft2font import Kerning, LoadFlags
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MaxNLocator

from tracker.domain.errors import RuleError
from tracker.domain.periods import Period
from tracker.i18n import get_language, t
from tracker.reports.cellkey import HIDDEN_MARK, perturbation_table, protection_note
from tracker.reports.info import ReportInfo
from tracker.reports.tables import ReportTable, goal_source, is_share
from tracker.stats.engine import COLUMNS

# --- page geometry (inches) and style --------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = 8.27, 11.69  # A4 portrait
MARGIN = 0.75
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
TOP = PAGE_HEIGHT - 0.85  # below the DEMO/INTERNT banner
BOTTOM = 0.75  # above the footer
FONT = "DejaVu Sans"  # ships with matplotlib; has å, ä, ö and the dashes and arrows used here
BODY_SIZE = 9.5
TABLE_SIZE = 8.5
LINE = 1.3  # line height as a multiple of the font size
ASCENT = 0.95  # first baseline below a cell's top, in font sizes (room for Å)

INK = "#1a1a1a"
MUTED = "#5a5a5a"
RULE = "#b0b0b0"
HEADER_FILL = "#dde8f2"
STRIPE_FILL = "#f4f6f8"
WARNING = "#b00020"
PERIOD_COLOUR = "#1f5f8b"
COMPARISON_COLOUR = "#a9c6de"
GOAL_COLOUR = "#c0392b"
DEFAULT_GOAL_COLOUR = "#7f7f7f"  # a default goal: shown, never judged in the board's red
MET_COLOUR = "#1e7b34"
GENDER_COLOURS = {"kvinna": "#d55e00", "man": "#0072b2", "ej_angivet": "#8c8c8c", "total": "#333"}
HIDDEN_COLOUR = "#8c8c8c"

_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "pdf.fonttype": 42,  # embedded TrueType: the text can be searched and copied (fingerprint)
    # The pdf backend sizes its font subsets by this setting: with 42, characters beyond
    # Latin-1 (–, →) join the face's one subset instead of opening a second (see _FEATURES).
    "ps.fonttype": 42,
    "axes.titlesize": 11,
    "axes.labelsize": 9,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    # Text measured as the pdf backend draws it: unhinted outlines (hinting, a bitmap
    # renderer's matter, made the Agg measure up to an eighth wider than the printed text).
    "text.hinting": "none",
}

# No ligatures in the PDF: the backend puts a ligature glyph (fi, fl) into a second subset of
# its face, and embedding a subset costs a fontTools pass over the whole font (about a fifth of
# a second each). One subset per face: DejaVu Sans, its bold and its oblique.
_FEATURES = ("-liga",)


def _points(size: float) -> float:
    return size / 72  # inches per point


# --- measuring and wrapping text ------------------------------------------------------------


_THREAD = threading.local()


def _agg() -> RendererAgg:
    # One renderer per thread: FreeType's state is not shared safely (the TUI exports in a
    # worker thread).
    renderer = getattr(_THREAD, "renderer", None)
    if renderer is None:
        renderer = _THREAD.renderer = RendererAgg(1, 1, 72)
    return renderer


class _Face:
    """One face's advance widths and kerning in font units, each read once: a line's width is
    then a sum, as the pdf backend lays the line out (advances and kerning, no hinting), without
    shaping every string with FreeType again (most of the PDF's time went to measuring)."""

    def __init__(self, prop: FontProperties) -> None:
        self.font = get_font(findfont(prop))
        self.per_em = self.font.units_per_EM
        self.glyphs: dict[str, tuple[int, int]] = {}  # character -> (glyph index, advance)
        self.kerning: dict[tuple[int, int], int] = {}

    def width(self, text: str, size: float) -> float | None:
        """``text``'s width in points, or None when the face lacks one of its characters."""
        font, glyphs, kerning = self.font, self.glyphs, self.kerning
        units = 0
        previous = None
        for character in text:
            entry = glyphs.get(character)
            if entry is None:
                index = font.get_char_index(ord(character))
                if index == 0:
                    return None  # drawn from a fallback font: measure it the slow way
                advance = font.load_glyph(index, flags=LoadFlags.NO_SCALE).horiAdvance
                entry = glyphs[character] = (index, advance)
            index, advance = entry
            if previous is not None:
                pair = (previous, index)
                kern = kerning.get(pair)
                if kern is None:
                    kern = kerning[pair] = font.get_kerning(previous, index, Kerning.UNSCALED)
                units += kern
            units += advance
            previous = index
        return units * size / self.per_em


def _face(weight: str, style: str) -> _Face:
    # Per thread, as matplotlib's fonts are: FreeType's state is not shared safely.
    faces = getattr(_THREAD, "faces", None)
    if faces is None:
        faces = _THREAD.faces = {}
    face = faces.get((weight, style))
    if face is None:
        prop = FontProperties(family=FONT, weight=weight, style=style)
        face = faces[(weight, style)] = _Face(prop)
    return face


@functools.lru_cache(maxsize=65536)
def text_width(text: str, size: float, weight: str = "normal", style: str = "normal") -> float:
    """The width of ``text`` in points as the pdf backend draws it. Cached across reports: the
    same labels and headers come back on every page and in every export."""
    width = _face(weight, style).width(text, size)
    if width is None:
        prop = FontProperties(family=FONT, size=size, weight=weight, style=style)
        with matplotlib.rc_context({"text.hinting": "none"}):
            width, _, _ = _agg().get_text_width_height_descent(text, prop, ismath=False)
    return float(width)


class _Measure:
    """Wraps text to a width in inches (the layout's unit)."""

    def width(self, text: str, size: float, weight: str = "normal", style: str = "normal") -> float:
        return text_width(text, size, weight, style)

    def wrap(
        self,
        text: str,
        width_in: float,
        size: float,
        weight: str = "normal",
        style: str = "normal",
    ) -> list[str]:
        """``text`` broken into lines no wider than ``width_in``; a word too long for a line
        is cut (fingerprints, long codes)."""
        limit = width_in * 72
        lines: list[str] = []
        for paragraph in text.split("\n"):
            current = ""
            for word in paragraph.split(" "):
                candidate = f"{current} {word}" if current else word
                if self.width(candidate, size, weight, style) <= limit:
                    current = candidate
                    continue
                if current:
                    lines.append(current)
                current = word
                while self.width(current, size, weight, style) > limit and len(current) > 1:
                    # The longest head that fits (at least one character), by bisection.
                    low, high = 1, len(current) - 1
                    while low < high:
                        middle = (low + high + 1) // 2
                        if self.width(current[:middle], size, weight, style) <= limit:
                            low = middle
                        else:
                            high = middle - 1
                    lines.append(current[:low])
                    current = current[low:]
            lines.append(current)
        return lines


# --- lines of text ---------------------------------------------------------------------------


class _Line(Text):
    """One line of text (a table cell's, a paragraph's, a footer's), drawn straight onto its
    baseline.

    A report is hundreds of such lines, and Text's own draw lays each one out again to find its
    extent (a FreeType pass per line) before drawing it; that was most of the PDF's drawing
    time. A line is left- or right-aligned on a known baseline, so only its width is needed,
    and that is a sum of the face's advances (``text_width``). Everything else a Text is (its
    extent, its text, its colour) is unchanged: the layout checks see lines as any other text.
    Each line is its own text also because the pdf backend draws the lines of a multi-line Text
    without their font features, which put a ligature into a second subset of the font."""

    def draw(self, renderer: Any) -> None:
        if not self.get_visible() or not self.get_text():
            return
        text = self.get_text()
        x, y = self.get_transform().transform((self._x, self._y))
        prop = self.get_fontproperties()
        if self.get_horizontalalignment() == "right":
            width = text_width(
                text, prop.get_size_in_points(), str(prop.get_weight()), prop.get_style()
            )
            x -= renderer.points_to_pixels(width)
        if renderer.flipy():
            y = renderer.get_canvas_width_height()[1] - y
        gc = renderer.new_gc()
        gc.set_foreground(to_rgba(self.get_color()), isRGBA=True)
        gc.set_alpha(self.get_alpha())
        renderer.draw_text(gc, x, y, text, prop, 0, ismath=False, mtext=self)
        gc.restore()
        self.stale = False


# --- formatting cells ------------------------------------------------------------------------


def _decimal(text: str, lang: str) -> str:
    return text.replace(".", ",") if lang == "sv" else text


def format_share(value: float | None, lang: str) -> str:
    """0.743 → "74,3 %" (sv) / "74.3%" (en); None → "–"."""
    if value is None:
        return t("stats.no_value", lang)
    number = _decimal(f"{value * 100:.1f}", lang)
    return f"{number}\u00a0%" if lang == "sv" else f"{number}%"


def format_count(value: int, lang: str) -> str:
    text = f"{value:,}"
    return text.replace(",", "\u00a0") if lang == "sv" else text


def format_cell(table: ReportTable, value: Any, lang: str) -> str:
    """A table cell as the PDF prints it: marks as they are, None as "–"."""
    if value is None:
        return t("stats.no_value", lang)
    if isinstance(value, str):
        return value
    if is_share(table, value):
        return format_share(float(value), lang)
    if isinstance(value, float):
        return _decimal(f"{value:g}", lang)
    return format_count(int(value), lang)


def _format_generated(moment: datetime) -> str:
    zone = moment.tzname() or ""
    return f"{moment:%Y-%m-%d %H:%M} {zone}".strip()


def _label(period: Mapping[str, Any]) -> str:
    """A period's label as printed: a custom range's "2026-01-15..2026-03-31" with spaces, so
    a column header or legend can wrap between its dates."""
    return str(period["label"]).replace("..", " – ")


def _period_text(period: Mapping[str, Any], lang: str) -> str:
    if ".." in period["label"]:  # the label already is the dates
        return _label(period)
    return t("pdf.period", lang, label=period["label"], first=period["first"], last=period["last"])


def report_kind(period_label: str, lang: str | None = None) -> str:
    """Halvårsrapport / Helårsrapport / Tertialrapport / Kvartalsrapport, or Rapport for a
    custom range."""
    try:
        kind = Period.parse(period_label).kind
    except RuleError:
        kind = "other"
    return t(f"pdf.kind.{kind}", lang)


# --- reading values out of the report -------------------------------------------------------


@dataclass(frozen=True)
class _Value:
    """One number for a chart: ``number`` None means nothing is drawn; ``label`` is printed."""

    number: float | None
    label: str
    hidden: bool = False  # suppressed: a mark instead of a number
    empty: bool = False  # a share of nothing ("–")


def _count_value(cell: Any, lang: str) -> _Value:
    if isinstance(cell, str):
        return _Value(None, cell, hidden=True)
    return _Value(float(cell), format_count(int(cell), lang))


def _share_value(share: Mapping[str, Any] | None, lang: str) -> _Value:
    if share is None:
        return _Value(None, t("stats.no_value", lang), empty=True)
    if share.get("suppressed"):
        # As the tables show it: a share is hidden because its numerator or denominator is.
        return _Value(None, HIDDEN_MARK, hidden=True)
    value = share.get("value")
    if value is None:
        return _Value(None, t("stats.no_value", lang), empty=True)
    return _Value(float(value) * 100, format_share(float(value), lang))


def _column_labels(lang: str, tables: Sequence[ReportTable]) -> dict[str, str]:
    """kvinna/man/ej_angivet/total → the tables' translated column headers."""
    for table in tables:
        if table.kind != "goals" and len(table.frame.columns) == len(COLUMNS):
            return dict(zip(COLUMNS, (str(c) for c in table.frame.columns), strict=True))
    return {column: t(f"stats.col.{column}", lang) for column in COLUMNS}


def _goal(report: Mapping[str, Any], metric: str) -> Mapping[str, Any] | None:
    return next((g for g in report.get("goals", []) if g.get("metric") == metric), None)


def _goal_target(report: Mapping[str, Any], metric: str) -> float | None:
    goal = _goal(report, metric)
    return float(goal["target"]) if goal is not None else None


def _goal_colour(report: Mapping[str, Any], metric: str) -> str:
    """The board's goal is drawn red; a default nobody decided, grey."""
    goal = _goal(report, metric)
    return GOAL_COLOUR if goal is not None and goal_source(goal) == "set" else DEFAULT_GOAL_COLOUR


def _summary_intro_key(report: Mapping[str, Any]) -> str:
    sources = {goal_source(goal) for goal in report.get("goals", [])}
    return "pdf.summary.intro" if sources == {"set"} else "pdf.summary.intro_default"


# --- the page builder ------------------------------------------------------------------------


class _Pages:
    """Pages being laid out top to bottom; ``y`` is the next free height in inches."""

    def __init__(self, info: ReportInfo, lang: str) -> None:
        self.info = info
        self.lang = lang
        self.measure = _Measure()
        self.figures: list[Figure] = []
        self.y = TOP

    @property
    def figure(self) -> Figure:
        return self.figures[-1]

    def new_page(self) -> Figure:
        figure = Figure(figsize=(PAGE_WIDTH, PAGE_HEIGHT))
        self.figures.append(figure)
        self.y = TOP
        return figure

    def room(self) -> float:
        return self.y - BOTTOM

    def line(
        self,
        x: float,
        y: float,
        text: str,
        size: float = BODY_SIZE,
        *,
        figure: Figure | None = None,
        **style: Any,
    ) -> None:
        """One line of text on baseline ``y`` (inches), a _Line among the page's texts."""
        figure = figure or self.figure
        style.setdefault("color", INK)
        artist = _Line(
            x / PAGE_WIDTH,
            y / PAGE_HEIGHT,
            text,
            fontsize=size,
            va="baseline",
            transform=figure.transSubfigure,
            **style,
        )
        artist.set_figure(figure)
        figure.texts.append(artist)
        artist._remove_method = figure.texts.remove  # type: ignore[attr-defined]

    def lines(self, x: float, top: float, lines: Sequence[str], size: float, **style: Any) -> None:
        """Lines below ``top`` (inches), one text each on its baseline."""
        for number, text in enumerate(lines):
            self.line(x, top - _points(size) * (ASCENT + number * LINE), text, size, **style)

    def paragraph(
        self,
        text: str,
        size: float = BODY_SIZE,
        *,
        x: float = MARGIN,
        width: float = CONTENT_WIDTH,
        weight: str = "normal",
        gap: float = 0.08,
        **style: Any,
    ) -> None:
        lines = self.measure.wrap(text, width, size, weight, style.get("style", "normal"))
        # Line by line on computed baselines: the height taken is exactly the height reserved.
        self.lines(x, self.y, lines, size, weight=weight, **style)
        self.y -= len(lines) * _points(size) * LINE + gap

    def heading(self, text: str, size: float = 15) -> None:
        self.paragraph(text, size, weight="bold", gap=0.12)

    def axes(self, height: float, left: float = 1.0, right: float = 0.25) -> Axes:
        """Axes ``height`` inches tall below ``y``; ``left`` leaves room for tick labels."""
        top_room = 0.35  # the axes title
        bottom_room = 0.85  # tick labels, the axis label and the legend
        x0 = MARGIN + left
        width = CONTENT_WIDTH - left - right
        y0 = self.y - top_room - height
        ax = self.figure.add_axes(
            (x0 / PAGE_WIDTH, y0 / PAGE_HEIGHT, width / PAGE_WIDTH, height / PAGE_HEIGHT)
        )
        self.y = y0 - bottom_room
        return ax

    # -- tables ------------------------------------------------------------------------------

    def table(
        self,
        title: str,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        label_width: float | None = None,
        colours: Sequence[Sequence[str | None]] | None = None,
    ) -> None:
        """A table with a wrapped header, wrapped cells and striped rows, continued on new
        pages (with its header again) when it does not fit."""
        columns = len(header)
        pad = 0.05
        size = TABLE_SIZE
        line = _points(size) * LINE
        if label_width is None:
            label_width = min(3.0, CONTENT_WIDTH - (columns - 1) * 0.9)
        other = (CONTENT_WIDTH - label_width) / max(1, columns - 1)
        # A column is at least as wide as its longest word, so a header such as
        # "Jämförelseperiod" wraps between words, never inside one; the label column gives way.
        widths = [label_width]
        for column in range(1, columns):
            words = [*header[column].split(" "), *(row[column] for row in rows)]
            widest = max(self.measure.width(w, size, "bold") for w in words) / 72 + 2 * pad
            widths.append(max(other, widest))
        spare = CONTENT_WIDTH - 1.2 - sum(widths[1:])
        if spare < 0:  # very long words (a custom period's dates): columns share the page
            widths[1:] = [w * (CONTENT_WIDTH - 1.2) / sum(widths[1:]) for w in widths[1:]]
        widths[0] = CONTENT_WIDTH - sum(widths[1:])

        def wrapped(cells: Sequence[str], weight: str) -> list[list[str]]:
            return [
                self.measure.wrap(cell, width - 2 * pad, size, weight)
                for cell, width in zip(cells, widths, strict=True)
            ]

        head = wrapped(header, "bold")
        head_height = max(len(c) for c in head) * line + 2 * pad
        body = [wrapped(row, "normal") for row in rows]
        heights = [max(len(c) for c in cells) * line + 2 * pad for cells in body]

        index = 0
        continued = False
        while True:
            title_text = t("pdf.continued", self.lang, title=title) if continued else title
            title_height = _points(10.5) * LINE + 0.06
            needed = title_height + head_height
            whole = needed + sum(heights[index:])
            fresh = TOP - BOTTOM
            # Start on a new page when the next row does not fit, or when the rest of the table
            # would fit on one page but not on this one: a table split without need reads badly.
            if self.room() < needed + (heights[index] if heights else 0) or (
                self.room() < whole <= fresh and self.y < TOP
            ):
                self.new_page()
            self.paragraph(title_text, 10.5, weight="bold", gap=0.06)
            self._row(head, widths, head_height, pad, "bold", HEADER_FILL, None)
            drawn = 0
            # At least one row per page, so a row taller than a page cannot loop forever.
            while index < len(body) and (self.room() >= heights[index] or drawn == 0):
                drawn += 1
                fill = STRIPE_FILL if index % 2 else None
                row_colours = colours[index] if colours is not None else None
                self._row(body[index], widths, heights[index], pad, "normal", fill, row_colours)
                index += 1
            if index >= len(body):
                break
            self.new_page()
            continued = True
        self.y -= 0.12

    def _row(
        self,
        cells: list[list[str]],
        widths: Sequence[float],
        height: float,
        pad: float,
        weight: str,
        fill: str | None,
        colours: Sequence[str | None] | None,
    ) -> None:
        top = self.y
        if fill is not None:
            self.figure.add_artist(
                Rectangle(
                    (MARGIN / PAGE_WIDTH, (top - height) / PAGE_HEIGHT),
                    CONTENT_WIDTH / PAGE_WIDTH,
                    height / PAGE_HEIGHT,
                    transform=self.figure.transFigure,
                    facecolor=fill,
                    edgecolor="none",
                )
            )
        x = MARGIN
        line = _points(TABLE_SIZE) * LINE
        first_baseline = top - pad - _points(TABLE_SIZE) * ASCENT
        for column, (lines, width) in enumerate(zip(cells, widths, strict=True)):
            colour = (colours[column] if colours and column < len(colours) else None) or INK
            # One text per line on its baseline: every cell of a row then sits on the same
            # baseline whatever its letters, and the row height is exactly what was measured.
            for number, text in enumerate(lines):
                self.line(
                    x + pad if column == 0 else x + width - pad,
                    first_baseline - number * line,
                    text,
                    TABLE_SIZE,
                    weight=weight,
                    ha="left" if column == 0 else "right",
                    color=colour,
                )
            x += width
        self.figure.add_artist(
            Line2D(
                [MARGIN / PAGE_WIDTH, (MARGIN + CONTENT_WIDTH) / PAGE_WIDTH],
                [(top - height) / PAGE_HEIGHT] * 2,
                transform=self.figure.transFigure,
                color=RULE,
                linewidth=0.5,
            )
        )
        self.y = top - height

    def presentation_table(self, table: ReportTable, title: str | None = None) -> None:
        """One of ``report_tables``' tables, its cells formatted as the PDF prints them."""
        frame = table.frame
        header = [str(frame.index.name or ""), *(str(c) for c in frame.columns)]
        rows = [
            [str(label), *(format_cell(table, value, self.lang) for value in values)]
            for label, values in zip(frame.index, frame.itertuples(index=False), strict=True)
        ]
        self.table(title or table.title, header, rows)

    # -- marks and footers -------------------------------------------------------------------

    def finish(self, report: Mapping[str, Any]) -> list[Figure]:
        """Footers (now that the page count is known) and the DEMO/INTERNT marks."""
        total = len(self.figures)
        for number, figure in enumerate(self.figures, start=1):
            self._marks(figure, report)
            footer = t(
                "pdf.footer",
                self.lang,
                page=number,
                pages=total,
                fingerprint=self.info.signer_fingerprint,
                generated=_format_generated(self.info.generated_at),
            )
            figure.add_artist(
                Line2D(
                    [MARGIN / PAGE_WIDTH, (MARGIN + CONTENT_WIDTH) / PAGE_WIDTH],
                    [0.55 / PAGE_HEIGHT] * 2,
                    transform=figure.transFigure,
                    color=RULE,
                    linewidth=0.6,
                )
            )
            lines = self.measure.wrap(footer, CONTENT_WIDTH, 7.5)
            if self.info.threshold is not None:
                # Every page says its figures are protected and how far they may be off.
                spread = perturbation_table(self.info.threshold).spread
                note = t("pdf.protection_footer", self.lang, spread=spread)
                lines = [*self.measure.wrap(note, CONTENT_WIDTH, 7.5), *lines]
            self.lines(MARGIN, 0.5, lines, 7.5, figure=figure, color=MUTED)
        return self.figures

    def _marks(self, figure: Figure, report: Mapping[str, Any]) -> None:
        banners = []
        if self.info.demo:
            banners.append(t("pdf.banner.demo", self.lang))
        if self.info.internal:
            banners.append(t("pdf.banner.internal", self.lang))
        if self.info.preliminary:
            banners.append(t("pdf.banner.preliminary", self.lang, last=report["period"]["last"]))
        if not banners:
            return
        text = " · ".join(banners)
        lines = self.measure.wrap(text, CONTENT_WIDTH - 0.2, 9, "bold")
        height = len(lines) * _points(9) * LINE + 0.12
        top = PAGE_HEIGHT - 0.3
        figure.add_artist(
            Rectangle(
                (MARGIN / PAGE_WIDTH, (top - height) / PAGE_HEIGHT),
                CONTENT_WIDTH / PAGE_WIDTH,
                height / PAGE_HEIGHT,
                transform=figure.transFigure,
                facecolor=WARNING,
                edgecolor="none",
            )
        )
        self.lines(MARGIN + 0.1, top - 0.06, lines, 9, figure=figure, weight="bold", color="white")
        # A faint diagonal watermark, so a page cut out of the report still says what it is.
        words = []
        if self.info.demo:
            words.append(t("pdf.watermark.demo", self.lang))
        if self.info.internal:
            words.append(t("pdf.watermark.internal", self.lang))
        if not words:  # a preliminary report alone: the banner says it, no watermark
            return
        figure.text(
            0.5,
            0.45,
            " ".join(words),
            fontsize=64 if len(words) == 1 else 44,
            color=WARNING,
            alpha=0.07,
            rotation=55,
            ha="center",
            va="center",
            weight="bold",
        )


# --- charts ----------------------------------------------------------------------------------


def _wrap_labels(labels: Sequence[str], width: int = 24) -> list[str]:
    return ["\n".join(textwrap.wrap(label, width)) or label for label in labels]


def _percent_axis(ax: Axes, lang: str, axis: str = "y") -> None:
    formatter = FuncFormatter(lambda v, _: _decimal(f"{v:g}", lang))
    if axis == "y":
        ax.set_ylim(0, 100)
        ax.yaxis.set_major_formatter(formatter)
        ax.set_ylabel(t("pdf.axis.share", lang))
    else:
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_formatter(formatter)
        ax.set_xlabel(t("pdf.axis.share", lang))


def _count_axis(ax: Axes, lang: str, maximum: float, axis: str = "x") -> None:
    top = max(1.0, maximum) * 1.18  # room for the value labels
    if axis == "x":
        ax.set_xlim(0, top)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(t("pdf.axis.people", lang))
    else:
        ax.set_ylim(0, top)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(t("pdf.axis.people", lang))


def _legend_below(ax: Axes, drop: float) -> None:
    """The legend in one row ``drop`` inches below the axes (under the tick and axis labels),
    where it can never cover a bar."""
    height = ax.get_position().height * PAGE_HEIGHT
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, -drop / height),
        ncol=max(1, len(labels)),
        frameon=False,
    )


def _hbars(
    ax: Axes,
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[_Value]]],
    lang: str,
) -> tuple[bool, bool]:
    """Horizontal grouped bars: one group per label, one bar per series (name, colour,
    values). A hidden value draws no bar, only its mark. Returns (any hidden, any empty)."""
    count = len(series)
    height = 0.8 / count
    maximum = max((v.number or 0 for _, _, values in series for v in values), default=0)
    hidden = empty = False
    for s, (name, colour, values) in enumerate(series):
        for row, value in enumerate(values):
            y = row + (s - (count - 1) / 2) * height
            hidden |= value.hidden
            empty |= value.empty
            if value.number is not None:
                ax.barh(
                    y,
                    value.number,
                    height=height * 0.92,
                    color=colour,
                    label=name if row == 0 else None,
                )
            elif row == 0:
                ax.barh(y, 0, height=0, color=colour, label=name)  # keeps the legend entry
            ax.text(
                (value.number or 0) + max(1.0, maximum) * 0.01,
                y,
                value.label,
                va="center",
                fontsize=7.5,
                color=HIDDEN_COLOUR if value.number is None else INK,
            )
    ax.set_yticks(range(len(labels)), _wrap_labels(labels))
    ax.invert_yaxis()
    _count_axis(ax, lang, maximum, "x")
    ax.grid(axis="x", color="#e3e3e3", linewidth=0.6)
    ax.set_axisbelow(True)
    if count > 1:
        _legend_below(ax, 0.5)
    return hidden, empty


def _vbars(
    ax: Axes,
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[_Value]]],
) -> tuple[bool, bool]:
    """Vertical grouped bars of shares (0–100) with their labels on top."""
    count = len(series)
    width = 0.8 / count
    hidden = empty = False
    for s, (name, colour, values) in enumerate(series):
        for column, value in enumerate(values):
            x = column + (s - (count - 1) / 2) * width
            hidden |= value.hidden
            empty |= value.empty
            if value.number is not None:
                ax.bar(
                    x,
                    value.number,
                    width=width * 0.92,
                    color=colour,
                    label=name if column == 0 else None,
                )
            elif column == 0:
                ax.bar(x, 0, width=0, color=colour, label=name)
            ax.text(
                x,
                (value.number or 0) + 1.5,
                value.label,
                ha="center",
                va="bottom",
                fontsize=7.5,
                color=HIDDEN_COLOUR if value.number is None else INK,
                # Readable where it crosses the goal line.
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.85},
            )
    ax.set_xticks(range(len(labels)), _wrap_labels(labels, 14))
    ax.grid(axis="y", color="#e3e3e3", linewidth=0.6)
    ax.set_axisbelow(True)
    return hidden, empty


@dataclass(frozen=True)
class _Section:
    slug: str  # the table of report_tables shown under the chart
    draw: Callable[
        [Axes, Mapping[str, Any], ReportTable, Mapping[str, str], str], tuple[bool, bool]
    ]
    height: float  # the chart's height in inches
    left: float  # room for the tick labels on the left
    per_row: float = 0.0  # a breakdown's chart grows by this much per code beyond eight

    def chart_height(self, table: ReportTable) -> float:
        # A code list a coordinator has lengthened still gets bars a reader can tell apart;
        # a page holds at most 7 inches of chart.
        extra = max(0, len(table.frame.index) - 9) * self.per_row
        return min(7.0, self.height + extra)


def _flow_chart(
    ax: Axes, report: Mapping[str, Any], table: ReportTable, columns: Mapping[str, str], lang: str
) -> tuple[bool, bool]:
    stages = (
        "contacts",
        "applications",
        "started",
        "not_started",
        "pending_at_end",
        "exits",
        "active_at_end",
    )
    labels = [t(f"stats.metric.{stage}", lang) for stage in stages]
    series = [
        (
            _label(report["period"]),
            PERIOD_COLOUR,
            [_count_value(report["counts"][s]["total"], lang) for s in stages],
        ),
        (
            _label(report["comparison_period"]),
            COMPARISON_COLOUR,
            [_count_value(report["comparison"]["counts"][s]["total"], lang) for s in stages],
        ),
    ]
    ax.set_title(t("pdf.chart.flow", lang), loc="left", fontweight="bold")
    flags = _hbars(ax, labels, series, lang)
    # Rules between the flow's steps: in → decided (started / not started / pending) → out.
    for boundary in (1.5, 4.5):
        ax.axhline(boundary, color=RULE, linewidth=0.8, linestyle=":")
    return flags


def _step_up_chart(
    ax: Axes, report: Mapping[str, Any], table: ReportTable, columns: Mapping[str, str], lang: str
) -> tuple[bool, bool]:
    series = [
        (
            _label(report["period"]),
            PERIOD_COLOUR,
            [_share_value(report["shares"]["step_up_share"].get(c), lang) for c in COLUMNS],
        ),
        (
            _label(report["comparison_period"]),
            COMPARISON_COLOUR,
            [
                _share_value(report["comparison"]["shares"]["step_up_share"].get(c), lang)
                for c in COLUMNS
            ],
        ),
    ]
    flags = _vbars(ax, [columns[c] for c in COLUMNS], series)
    _percent_axis(ax, lang)
    ax.set_ylim(0, 112)  # room for the labels above a 100 % bar
    ax.set_yticks(range(0, 101, 20))
    goal = _goal(report, "step_up_share")
    if goal is not None:
        target = float(goal["target"])
        line_key = "pdf.goal_line" if goal_source(goal) == "set" else "pdf.goal_line_default"
        ax.axhline(
            target * 100,
            color=_goal_colour(report, "step_up_share"),
            linestyle="--",
            linewidth=1.4,
            label=t(line_key, lang, target=format_share(target, lang)),
        )
    _legend_below(ax, 0.3)
    ax.set_title(t("pdf.chart.step_up", lang), loc="left", fontweight="bold")
    return flags


def _destinations_chart(
    ax: Axes, report: Mapping[str, Any], table: ReportTable, columns: Mapping[str, str], lang: str
) -> tuple[bool, bool]:
    breakdown = report["breakdowns"]["exits_by_destination"]
    labels = _breakdown_labels(table, breakdown)
    # The total too: in a small team most gender cells are hidden, and the board still sees
    # where people went.
    series = [
        (
            columns[c],
            GENDER_COLOURS[c],
            [_count_value(cells[c], lang) for cells in breakdown.values()],
        )
        for c in COLUMNS
    ]
    ax.set_title(t("pdf.chart.destinations", lang), loc="left", fontweight="bold")
    return _hbars(ax, labels, series, lang)


def _followups_chart(
    ax: Axes, report: Mapping[str, Any], table: ReportTable, columns: Mapping[str, str], lang: str
) -> tuple[bool, bool]:
    kinds = ("followup_6m_share", "followup_18m_share")
    series = [
        (
            columns[c],
            GENDER_COLOURS[c],
            [_share_value(report["shares"][kind].get(c), lang) for kind in kinds],
        )
        for c in COLUMNS
    ]
    flags = _vbars(ax, [t("pdf.followup.6m", lang), t("pdf.followup.18m", lang)], series)
    _percent_axis(ax, lang)
    ax.set_ylim(0, 112)
    ax.set_yticks(range(0, 101, 20))
    labelled: set[str] = set()
    for position, kind in enumerate(kinds):
        goal = _goal(report, kind)
        if goal is None:
            continue
        target = float(goal["target"])
        source = goal_source(goal)
        colour = _goal_colour(report, kind)
        marker_key = "pdf.goal_marker" if source == "set" else "pdf.goal_marker_default"
        ax.hlines(
            target * 100,
            position - 0.45,
            position + 0.45,
            color=colour,
            linestyle="--",
            linewidth=1.4,
            label=None if source in labelled else t(marker_key, lang),
        )
        ax.text(
            position + 0.46,
            target * 100,
            format_share(target, lang),
            va="center",
            fontsize=7.5,
            color=colour,
        )
        labelled.add(source)
    ax.set_xlim(-0.6, 1.75)
    _legend_below(ax, 0.3)
    ax.set_title(t("pdf.chart.followups", lang), loc="left", fontweight="bold")
    return flags


def _reasons_chart(
    ax: Axes, report: Mapping[str, Any], table: ReportTable, columns: Mapping[str, str], lang: str
) -> tuple[bool, bool]:
    breakdown = report["breakdowns"]["not_started_by_reason"]
    earlier = report["comparison"]["breakdowns"].get("not_started_by_reason", {})
    labels = _breakdown_labels(table, breakdown)
    series = [
        (
            _label(report["period"]),
            PERIOD_COLOUR,
            [_count_value(cells["total"], lang) for cells in breakdown.values()],
        ),
        (
            _label(report["comparison_period"]),
            COMPARISON_COLOUR,
            [_count_value(earlier.get(code, {}).get("total", 0), lang) for code in breakdown],
        ),
    ]
    ax.set_title(t("pdf.chart.reasons", lang), loc="left", fontweight="bold")
    return _hbars(ax, labels, series, lang)


def _breakdown_labels(table: ReportTable, breakdown: Mapping[str, Any]) -> list[str]:
    """The codes' labels as the table under the chart shows them (its first rows, one per code,
    in the report's order), so chart and table always name a code alike."""
    labels = [str(label) for label in table.frame.index[: len(breakdown)]]
    return labels if len(labels) == len(breakdown) else [str(code) for code in breakdown]


SECTIONS: tuple[_Section, ...] = (
    _Section("flow", _flow_chart, 3.4, 2.1),
    _Section("step_up", _step_up_chart, 2.9, 0.55),
    _Section("exits_by_destination", _destinations_chart, 4.6, 1.9, per_row=0.5),
    _Section("followups", _followups_chart, 2.9, 0.55),
    _Section("not_started_by_reason", _reasons_chart, 3.0, 2.1, per_row=0.35),
)
# The section titles, by the slug of the table the section shows.
SECTION_TITLES = {
    "flow": "pdf.section.flow",
    "step_up": "pdf.section.step_up",
    "exits_by_destination": "pdf.section.destinations",
    "followups": "pdf.section.followups",
    "not_started_by_reason": "pdf.section.reasons",
}


# --- the pages -------------------------------------------------------------------------------


def _title_page(pages: _Pages, report: Mapping[str, Any]) -> None:
    info, lang = pages.info, pages.lang
    pages.new_page()
    pages.y = PAGE_HEIGHT - 2.2
    if info.forbund:
        pages.paragraph(info.forbund, 16, color=MUTED, gap=0.15)
    pages.paragraph(report_kind(report["period"]["label"], lang), 32, weight="bold", gap=0.2)
    pages.paragraph(_period_text(report["period"], lang), 17, gap=0.6)

    facts = [
        (t("pdf.fact.insatser", lang), ", ".join(report.get("insatser", []))),
        (t("pdf.fact.comparison", lang), _period_text(report["comparison_period"], lang)),
        (t("pdf.fact.generated", lang), _format_generated(info.generated_at)),
        (t("pdf.fact.as_of", lang), t("pdf.as_of", lang, seq=report["as_of"]["seq"])),
        (
            t("pdf.fact.suppression", lang),
            t(
                "pdf.suppression_on",
                lang,
                threshold=info.threshold,
                spread=perturbation_table(info.threshold).spread,
            )
            if info.threshold is not None
            else t("pdf.suppression_off", lang),
        ),
        (t("pdf.fact.signer", lang), info.signer_fingerprint),
    ]
    label_width = 1.9
    for label, value in facts:
        top = pages.y
        pages.line(MARGIN, top - _points(10.5) * ASCENT, label, 10.5, weight="bold", color=MUTED)
        pages.paragraph(
            value, 10.5, x=MARGIN + label_width, width=CONTENT_WIDTH - label_width, gap=0.14
        )
    if info.threshold is not None:
        pages.y -= 0.2
        pages.paragraph(protection_note(info.threshold, lang), 9.5, color=MUTED)
    pages.y -= 0.4
    pages.paragraph(t("pdf.reading_guide_title", lang), 10.5, weight="bold", gap=0.06)
    pages.paragraph(t("pdf.reading_guide", lang), 9.5, color=MUTED)


def _summary_page(
    pages: _Pages, report: Mapping[str, Any], tables: Mapping[str, ReportTable]
) -> None:
    lang = pages.lang
    pages.new_page()
    pages.heading(t("pdf.summary.title", lang), 18)
    pages.paragraph(
        t(
            _summary_intro_key(report),
            lang,
            period=_label(report["period"]),
            comparison=_label(report["comparison_period"]),
        ),
        color=MUTED,
        gap=0.25,
    )

    goals = tables.get("goals")
    if goals is not None:
        header = [
            t("pdf.col.goal", lang),
            t("pdf.col.target", lang),
            t("pdf.col.result", lang, label=_label(report["period"])),
            t("pdf.col.met", lang),
            t("pdf.col.comparison", lang, label=_label(report["comparison_period"])),
        ]
        rows, colours = [], []
        frame = goals.frame
        listed = list(report.get("goals", []))  # the table's order
        for position, (label, values) in enumerate(
            zip(frame.index, frame.itertuples(index=False), strict=True)
        ):
            goal = listed[position] if position < len(listed) else {}
            # The source goes with the goal's name: a default must never read as decided.
            name = str(label)
            if goal_source(goal) != "set":
                name = f"{name} – {t('tables.goal_source.default', lang)}"
            # The goals table's columns but its last (the source, now beside the name).
            cells = [name, *(format_cell(goals, v, lang) for v in values[: len(header) - 1])]
            met = goal.get("met")
            if met is not None and len(cells) == len(header):
                cells[3] = t("common.yes" if met else "common.no", lang)  # "Uppnått: ja/nej"
            # Green and red judge against the board's own goals only; a default nobody decided
            # is reported, not held against anyone.
            verdict_colour = (
                {True: MET_COLOUR, False: GOAL_COLOUR}.get(met)
                if goal_source(goal) == "set"
                else None
            )
            rows.append(cells)
            colours.append([None, None, None, verdict_colour, None])
        pages.table(goals.title, header, rows, label_width=2.3, colours=colours)
        pages.paragraph(goals.definition, 8.5, color=MUTED, style="italic", gap=0.3)

    # Key figures: this period's totals beside the comparison period's.
    current, earlier = tables.get("flow"), tables.get("comparison")
    if current is not None and earlier is not None:
        total = current.frame.columns[-1]
        header = [
            t("pdf.col.metric", lang),
            _label(report["period"]),
            _label(report["comparison_period"]),
        ]
        rows = []
        earlier_totals = earlier.frame[earlier.frame.columns[-1]]
        for label, value in current.frame[total].items():
            before = earlier_totals.get(label) if label in earlier_totals.index else None
            rows.append(
                [str(label), format_cell(current, value, lang), format_cell(earlier, before, lang)]
            )
        step_up = tables.get("step_up")
        if step_up is not None:
            for label, value in step_up.frame[step_up.frame.columns[-1]].items():
                if label in earlier_totals.index:
                    rows.append(
                        [
                            str(label),
                            format_cell(step_up, value, lang),
                            format_cell(earlier, earlier_totals.get(label), lang),
                        ]
                    )
        pages.table(t("pdf.summary.key_figures", lang), header, rows, label_width=3.9)


def _section_page(
    pages: _Pages,
    number: int,
    section: _Section,
    report: Mapping[str, Any],
    table: ReportTable,
    columns: Mapping[str, str],
) -> None:
    lang = pages.lang
    pages.new_page()
    pages.heading(f"{number}. {t(SECTION_TITLES[section.slug], lang)}")
    pages.paragraph(table.definition, 9, color=MUTED, style="italic", gap=0.1)
    ax = pages.axes(section.chart_height(table), left=section.left)
    hidden, empty = section.draw(ax, report, table, columns, lang)
    notes = []
    if hidden:
        notes.append(t("pdf.note.hidden", lang, mark=HIDDEN_MARK))
    if empty:
        notes.append(t("pdf.note.empty", lang))
    for note in notes:
        pages.paragraph(note, 8, color=MUTED, gap=0.04)
    pages.y -= 0.15
    pages.presentation_table(table)


def _other_tables(pages: _Pages, tables: Sequence[ReportTable], shown: set[str]) -> None:
    rest = [table for table in tables if table.slug not in shown]
    if not rest:
        return
    pages.new_page()
    pages.heading(t("pdf.more_tables", pages.lang))
    for table in rest:
        pages.presentation_table(table)
        pages.paragraph(table.definition, 8.5, color=MUTED, style="italic", gap=0.25)


def board_figures(
    report: Mapping[str, Any],
    tables: Sequence[ReportTable],
    info: ReportInfo,
    lang: str | None = None,
) -> list[Figure]:
    """The report's pages as matplotlib figures (A4 portrait), footers and marks included."""
    lang = lang or get_language()
    by_slug = {table.slug: table for table in tables}
    columns = _column_labels(lang, tables)
    with matplotlib.rc_context(_RC):
        pages = _Pages(info, lang)
        _title_page(pages, report)
        _summary_page(pages, report, by_slug)
        number = 0
        shown = {"goals"}
        for section in SECTIONS:
            table = by_slug.get(section.slug)
            if table is None:
                continue
            number += 1
            _section_page(pages, number, section, report, table, columns)
            shown.add(section.slug)
        _other_tables(pages, tables, shown)
        return pages.finish(report)


def write_pdf(
    report: Mapping[str, Any],
    tables: Sequence[ReportTable],
    info: ReportInfo,
    lang: str | None = None,
) -> bytes:
    """report.pdf's bytes. The same input gives the same bytes (CreationDate is the report's
    generation time, not the clock's)."""
    lang = lang or get_language()
    figures = board_figures(report, tables, info, lang)
    metadata = {
        "Title": f"{report_kind(report['period']['label'], lang)} {report['period']['label']}",
        "Subject": ", ".join(report.get("insatser", [])),
        "Creator": f"tracker {info.tool_version}",
        "Author": info.forbund or "",
        "CreationDate": info.generated_at,
    }
    buffer = io.BytesIO()
    with matplotlib.rc_context(_RC), PdfPages(buffer, metadata=metadata) as pdf:
        for figure in figures:
            for text in figure.findobj(Text):
                text.set_fontfeatures(_FEATURES)
            pdf.savefig(figure)
    return buffer.getvalue()


__all__ = ["board_figures", "format_cell", "format_share", "report_kind", "write_pdf"]
