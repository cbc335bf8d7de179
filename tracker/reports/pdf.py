"""report.pdf: the board-ready report, A4 portrait pages drawn with ReportLab.

``board_pages(report, tables, info, lang)`` lays the report out as pages of drawn items (lines
of text, filled rectangles, rules; charts are made of the same items); ``write_pdf`` draws them
onto a ReportLab canvas. The pages, in order:

1. a title page: förbund, report kind (Halvårsrapport, Helårsrapport …), period with dates,
   comparison period, insatser, when it was generated and how small counts are protected;
2. a summary: each goal against its result and the comparison period, and the key figures;
3. one section per chart (the period's flow, step-up share against its goal, exit
   destinations by gender, follow-up results, non-start reasons): title, chart with units,
   its table from ``tracker.reports.tables`` and a one-line definition;
4. the remaining tables of ``report_tables``, so the PDF holds every figure the bundle has.

Every page has a footer (page n/N, the signing key's fingerprint, when it was generated) and,
when ``info`` says so, a DEMO and/or INTERNT banner and watermark.

Why laid out here and not by a plotting library: the pages are tables and a few bar charts,
and the layout (wrapping, columns, continued tables) was always this module's own. Drawing
them with matplotlib cost about 1.2 s of CPU for a county report plus 1 s to import it;
ReportLab's canvas draws the same items in well under a tenth of that (docs/performance.md).
Text is measured with the widths the PDF draws it with (the embedded font's advances), wrapped
to the width it is drawn in, so nothing runs off a page; long tables continue on the next page.
The fonts are DejaVu Sans (å, ä, ö, the dashes and arrows used here), embedded as subsets.
"""

from __future__ import annotations

import functools
import io
import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from tracker.domain.errors import RuleError
from tracker.domain.periods import Period
from tracker.i18n import get_language, t
from tracker.reports.cellkey import HIDDEN_MARK, perturbation_table, protection_note
from tracker.reports.fonts import font_name
from tracker.reports.info import ReportInfo
from tracker.reports.tables import ReportTable, goal_source, is_share
from tracker.stats.engine import COLUMNS

# --- page geometry (inches) and style --------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = 8.27, 11.69  # A4 portrait
MARGIN = 0.75
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
TOP = PAGE_HEIGHT - 0.85  # below the DEMO/INTERNT banner
BOTTOM = 0.75  # above the footer
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
GRID_COLOUR = "#e3e3e3"
AXIS_COLOUR = "#000000"

# Chart text sizes (points): title, axis label, tick labels, legend, value labels.
CHART_TITLE_SIZE = 11
AXIS_LABEL_SIZE = 9
TICK_SIZE = 8.5
LEGEND_SIZE = 8.5
VALUE_SIZE = 7.5
TICK_LENGTH = 3.5  # points, outside the axes
TICK_PAD = 3.5  # points between a tick and its label


def _points(size: float) -> float:
    return size / 72  # inches per point


# --- fonts and measuring text ----------------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def text_width(text: str, size: float, weight: str = "normal", style: str = "normal") -> float:
    """The width of ``text`` in points as the PDF draws it (the face's advance widths, no
    kerning: ReportLab places glyphs so). Cached: the same labels come back on every page."""
    return float(pdfmetrics.stringWidth(text, font_name(weight, style), size))


@functools.cache
def _extent(weight: str, style: str) -> tuple[float, float]:
    """A face's ascent and descent (descent negative) per point of size."""
    ascent, descent = pdfmetrics.getAscentDescent(font_name(weight, style), 1.0)
    return float(ascent), float(descent)


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


# --- what a page is made of (points, origin at the page's bottom left) ------------------------


@dataclass(frozen=True)
class TextItem:
    """One line of text on its baseline. ``align``: where ``x`` is (left, right or centre of
    the line); ``rotation`` in degrees, counter-clockwise about (x, y)."""

    x: float
    y: float
    text: str
    size: float
    colour: str = INK
    weight: str = "normal"
    style: str = "normal"
    align: str = "left"
    rotation: float = 0.0
    alpha: float = 1.0

    @property
    def width(self) -> float:
        return text_width(self.text, self.size, self.weight, self.style)

    def box(self) -> tuple[float, float, float, float]:
        """(x0, x1, y0, y1) of the line's ink box: its width by the ascent and descent."""
        width = self.width
        left = {"left": 0.0, "right": -width, "centre": -width / 2}[self.align]
        ascent, descent = _extent(self.weight, self.style)
        corners = [
            (left, descent * self.size),
            (left + width, descent * self.size),
            (left, ascent * self.size),
            (left + width, ascent * self.size),
        ]
        turn = math.radians(self.rotation)
        cos, sin = math.cos(turn), math.sin(turn)
        xs = [self.x + cx * cos - cy * sin for cx, cy in corners]
        ys = [self.y + cx * sin + cy * cos for cx, cy in corners]
        return min(xs), max(xs), min(ys), max(ys)


@dataclass(frozen=True)
class RectItem:
    """A filled rectangle; a chart's bar carries the value it draws (``value``)."""

    x: float
    y: float
    width: float
    height: float
    fill: str
    alpha: float = 1.0
    value: float | None = None  # a bar's value; None: not a bar (fills, stripes, patches)


@dataclass(frozen=True)
class LineItem:
    """A straight line; a goal line carries its value on the chart's scale (``goal``)."""

    x0: float
    y0: float
    x1: float
    y1: float
    colour: str
    width: float
    dash: tuple[float, ...] = ()
    goal: float | None = None


Item = TextItem | RectItem | LineItem


@dataclass
class Page:
    """One A4 page: its items in drawing order (later ones on top)."""

    items: list[Item] = field(default_factory=list)
    width: float = PAGE_WIDTH * 72
    height: float = PAGE_HEIGHT * 72

    @property
    def texts(self) -> list[TextItem]:
        return [item for item in self.items if isinstance(item, TextItem)]

    @property
    def bars(self) -> list[RectItem]:
        return [
            item for item in self.items if isinstance(item, RectItem) and item.value is not None
        ]

    @property
    def lines(self) -> list[LineItem]:
        return [item for item in self.items if isinstance(item, LineItem)]


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


def _pt(inches: float) -> float:
    return inches * 72


class _Pages:
    """Pages being laid out top to bottom; ``y`` is the next free height in inches."""

    def __init__(self, info: ReportInfo, lang: str) -> None:
        self.info = info
        self.lang = lang
        self.measure = _Measure()
        self.pages: list[Page] = []
        self.y = TOP

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def new_page(self) -> Page:
        page = Page()
        self.pages.append(page)
        self.y = TOP
        return page

    def room(self) -> float:
        return self.y - BOTTOM

    def line(
        self,
        x: float,
        y: float,
        text: str,
        size: float = BODY_SIZE,
        *,
        page: Page | None = None,
        color: str = INK,
        weight: str = "normal",
        style: str = "normal",
        ha: str = "left",
    ) -> None:
        """One line of text on baseline ``y`` (inches)."""
        if not text:
            return
        align = "right" if ha == "right" else "left"
        item = TextItem(_pt(x), _pt(y), text, size, color, weight, style, align)
        (page or self.page).items.append(item)

    def rect(
        self, x: float, y: float, width: float, height: float, fill: str, page: Page | None = None
    ) -> None:
        """A filled rectangle, its lower left corner at (x, y) (inches)."""
        item = RectItem(_pt(x), _pt(y), _pt(width), _pt(height), fill)
        (page or self.page).items.append(item)

    def rule(self, y: float, width: float, page: Page | None = None) -> None:
        """A grey rule across the content width at height ``y`` (inches)."""
        item = LineItem(_pt(MARGIN), _pt(y), _pt(MARGIN + CONTENT_WIDTH), _pt(y), RULE, width)
        (page or self.page).items.append(item)

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

    def chart(self, height: float, left: float = 1.0, right: float = 0.25) -> _Chart:
        """A chart's plot area ``height`` inches tall below ``y``; ``left`` leaves room for
        tick labels."""
        top_room = 0.35  # the chart's title
        bottom_room = 0.85  # tick labels, the axis label and the legend
        x0 = MARGIN + left
        width = CONTENT_WIDTH - left - right
        y0 = self.y - top_room - height
        self.y = y0 - bottom_room
        return _Chart(self.page, _pt(x0), _pt(y0), _pt(width), _pt(height))

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
            self.rect(MARGIN, top - height, CONTENT_WIDTH, height, fill)
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
        self.rule(top - height, 0.5)
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

    def finish(self, report: Mapping[str, Any]) -> list[Page]:
        """Footers (now that the page count is known) and the DEMO/INTERNT marks."""
        total = len(self.pages)
        for number, page in enumerate(self.pages, start=1):
            self._marks(page, report)
            footer = t(
                "pdf.footer",
                self.lang,
                page=number,
                pages=total,
                fingerprint=self.info.signer_fingerprint,
                generated=_format_generated(self.info.generated_at),
            )
            self.rule(0.55, 0.6, page)
            lines = self.measure.wrap(footer, CONTENT_WIDTH, 7.5)
            if self.info.threshold is not None:
                # Every page says its figures are protected and how far they may be off.
                spread = perturbation_table(self.info.threshold).spread
                note = t("pdf.protection_footer", self.lang, spread=spread)
                lines = [*self.measure.wrap(note, CONTENT_WIDTH, 7.5), *lines]
            self.lines(MARGIN, 0.5, lines, 7.5, page=page, color=MUTED)
        return self.pages

    def _marks(self, page: Page, report: Mapping[str, Any]) -> None:
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
        self.rect(MARGIN, top - height, CONTENT_WIDTH, height, WARNING, page)
        self.lines(MARGIN + 0.1, top - 0.06, lines, 9, page=page, weight="bold", color="white")
        # A faint diagonal watermark, so a page cut out of the report still says what it is.
        words = []
        if self.info.demo:
            words.append(t("pdf.watermark.demo", self.lang))
        if self.info.internal:
            words.append(t("pdf.watermark.internal", self.lang))
        if not words:  # a preliminary report alone: the banner says it, no watermark
            return
        size = 64 if len(words) == 1 else 44
        ascent, descent = _extent("bold", "normal")
        rotation = 55.0
        # Centred on (0.5, 0.45) of the page: the baseline drops by half the text's height,
        # along the rotated vertical.
        drop = (ascent + descent) * size / 2
        turn = math.radians(rotation)
        centre_x, centre_y = page.width * 0.5, page.height * 0.45
        page.items.append(
            TextItem(
                centre_x + drop * math.sin(turn),
                centre_y - drop * math.cos(turn),
                " ".join(words),
                size,
                WARNING,
                "bold",
                align="centre",
                rotation=rotation,
                alpha=0.07,
            )
        )


# --- charts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _LegendEntry:
    label: str
    colour: str
    dash: tuple[float, ...] | None = None  # None: a filled patch (bars); else a line sample


def _middle_baseline(y: float, size: float, weight: str = "normal") -> float:
    """The baseline that centres a line of ``size`` vertically on ``y``."""
    ascent, descent = _extent(weight, "normal")
    return y - (ascent + descent) * size / 2


class _Chart:
    """A chart's plot area on a page (points): data limits, and drawing in data coordinates.
    Items go onto the page in the order drawn: grid, bars, lines, then axes and labels."""

    def __init__(self, page: Page, x0: float, y0: float, width: float, height: float) -> None:
        self.page = page
        self.x0, self.y0, self.width, self.height = x0, y0, width, height
        self.xlim = (0.0, 1.0)
        self.ylim = (0.0, 1.0)
        self.y_down = False  # rows numbered from the top (horizontal bars)
        self.legend: list[_LegendEntry] = []
        self.lowest = y0  # the lowest ink below the plot area so far (tick and axis labels)

    def px(self, x: float) -> float:
        low, high = self.xlim
        return self.x0 + (x - low) / (high - low) * self.width

    def py(self, y: float) -> float:
        low, high = self.ylim
        share = (y - low) / (high - low)
        return self.y0 + (1 - share if self.y_down else share) * self.height

    def _add(self, item: Item) -> None:
        self.page.items.append(item)

    def text(self, item: TextItem) -> None:
        self._add(item)
        self.lowest = min(self.lowest, item.box()[2])

    # -- marks in data coordinates

    def bar(self, x0: float, x1: float, y0: float, y1: float, colour: str, value: float) -> None:
        left, right = sorted((self.px(x0), self.px(x1)))
        bottom, top = sorted((self.py(y0), self.py(y1)))
        self._add(RectItem(left, bottom, right - left, top - bottom, colour, value=value))

    def hline(
        self,
        y: float,
        colour: str,
        width: float,
        dash: tuple[float, ...] = (),
        *,
        span: tuple[float, float] | None = None,
        goal: float | None = None,
    ) -> None:
        """A horizontal line at ``y``, across the plot area or over ``span`` (data x)."""
        x0, x1 = (self.x0, self.x0 + self.width) if span is None else map(self.px, span)
        self._add(LineItem(x0, self.py(y), x1, self.py(y), colour, width, dash, goal=goal))

    def label(self, x: float, y: float, text: str, colour: str, size: float = VALUE_SIZE) -> None:
        """A value label centred vertically on (x, y) (data), left-aligned."""
        baseline = _middle_baseline(self.py(y), size)
        self.text(TextItem(self.px(x), baseline, text, size, colour))

    def label_above(self, x: float, y: float, text: str, colour: str) -> None:
        """A value label centred above (x, y) (data) on a white box, readable over a line."""
        pad = 0.6
        ascent, descent = _extent("normal", "normal")
        bottom = self.py(y)
        width = text_width(text, VALUE_SIZE)
        box_height = (ascent - descent) * VALUE_SIZE + 2 * pad
        left = self.px(x) - width / 2 - pad
        self._add(RectItem(left, bottom - pad, width + 2 * pad, box_height, "#ffffff", alpha=0.85))
        baseline = bottom - descent * VALUE_SIZE
        self.text(TextItem(self.px(x), baseline, text, VALUE_SIZE, colour, align="centre"))

    # -- axes, ticks and labels

    def grid(self, ticks: Sequence[float], axis: str) -> None:
        for tick in ticks:
            if axis == "x":
                x = self.px(tick)
                self._add(LineItem(x, self.y0, x, self.y0 + self.height, GRID_COLOUR, 0.6))
            else:
                y = self.py(tick)
                self._add(LineItem(self.x0, y, self.x0 + self.width, y, GRID_COLOUR, 0.6))

    def spines(self) -> None:
        """The left and the bottom axis lines."""
        x0, y0 = self.x0, self.y0
        self._add(LineItem(x0, y0, x0, y0 + self.height, AXIS_COLOUR, 0.8))
        self._add(LineItem(x0, y0, x0 + self.width, y0, AXIS_COLOUR, 0.8))

    def x_ticks(self, ticks: Sequence[float], labels: Sequence[str]) -> None:
        """Ticks below the plot area, each label centred under its tick (lines downwards)."""
        ascent, _ = _extent("normal", "normal")
        first = self.y0 - TICK_LENGTH - TICK_PAD - ascent * TICK_SIZE
        for tick, label in zip(ticks, labels, strict=True):
            x = self.px(tick)
            self._add(LineItem(x, self.y0, x, self.y0 - TICK_LENGTH, AXIS_COLOUR, 0.8))
            for number, text in enumerate(label.split("\n")):
                baseline = first - number * 1.2 * TICK_SIZE
                self.text(TextItem(x, baseline, text, TICK_SIZE, align="centre"))

    def y_ticks(
        self, ticks: Sequence[float], labels: Sequence[str], size: float = TICK_SIZE
    ) -> float:
        """Ticks left of the plot area, each label right-aligned and centred on its tick;
        returns the widest label's width."""
        right = self.x0 - TICK_LENGTH - TICK_PAD
        widest = 0.0
        for tick, label in zip(ticks, labels, strict=True):
            y = self.py(tick)
            self._add(LineItem(self.x0 - TICK_LENGTH, y, self.x0, y, AXIS_COLOUR, 0.8))
            lines = label.split("\n")
            middle = _middle_baseline(y, size)
            for number, text in enumerate(lines):
                baseline = middle + ((len(lines) - 1) / 2 - number) * 1.2 * size
                item = TextItem(right, baseline, text, size, align="right")
                self.text(item)
                widest = max(widest, item.width)
        return widest

    def x_label(self, text: str) -> None:
        ascent, _ = _extent("normal", "normal")
        baseline = self.lowest - 4 - ascent * AXIS_LABEL_SIZE
        centre = self.x0 + self.width / 2
        self.text(TextItem(centre, baseline, text, AXIS_LABEL_SIZE, align="centre"))

    def y_label(self, text: str, tick_width: float) -> None:
        """The axis label turned a quarter left of the tick labels, centred on the axis."""
        _, descent = _extent("normal", "normal")
        right = self.x0 - TICK_LENGTH - TICK_PAD - tick_width - 4
        x = right + descent * AXIS_LABEL_SIZE  # the turned line's descent points right
        y = self.y0 + self.height / 2
        item = TextItem(x, y, text, AXIS_LABEL_SIZE, align="centre", rotation=90)
        self.text(item)

    def title(self, text: str) -> None:
        _, descent = _extent("bold", "normal")
        baseline = self.y0 + self.height + 6 - descent * CHART_TITLE_SIZE
        item = TextItem(self.x0, baseline, text, CHART_TITLE_SIZE, INK, "bold")
        self._add(item)

    def legend_below(self, drop: float) -> None:
        """The legend ``drop`` inches below the plot area (and below its labels), in one row
        when it fits the page's width, where it can never cover a bar."""
        if not self.legend:
            return
        handle, gap, spacing = 2.0 * LEGEND_SIZE, 0.8 * LEGEND_SIZE, 2.0 * LEGEND_SIZE
        widths = [handle + gap + text_width(e.label, LEGEND_SIZE) for e in self.legend]
        rows: list[list[int]] = [[]]
        used = 0.0
        for index, width in enumerate(widths):
            if rows[-1] and used + spacing + width > _pt(CONTENT_WIDTH):
                rows.append([])
                used = 0.0
            used += (spacing if rows[-1] else 0) + width
            rows[-1].append(index)
        ascent, _ = _extent("normal", "normal")
        top = min(self.y0 - _pt(drop), self.lowest - 4)
        centre = self.x0 + self.width / 2
        for number, row in enumerate(rows):
            total = sum(widths[i] for i in row) + spacing * (len(row) - 1)
            x = min(max(centre - total / 2, _pt(MARGIN)), _pt(MARGIN + CONTENT_WIDTH) - total)
            baseline = top - ascent * LEGEND_SIZE - number * 1.4 * LEGEND_SIZE
            middle = baseline + 0.3 * LEGEND_SIZE
            for index in row:
                entry = self.legend[index]
                if entry.dash is None:
                    height = 0.7 * LEGEND_SIZE
                    self._add(RectItem(x, middle - height / 2, handle, height, entry.colour))
                else:
                    self._add(
                        LineItem(x, middle, x + handle, middle, entry.colour, 1.4, entry.dash)
                    )
                self.text(TextItem(x + handle + gap, baseline, entry.label, LEGEND_SIZE))
                x += widths[index] + spacing


def _wrap_labels(labels: Sequence[str], width: int = 24) -> list[str]:
    return ["\n".join(textwrap.wrap(label, width)) or label for label in labels]


def _count_ticks(top: float, most: int = 8) -> list[float]:
    """Whole-number ticks from 0 to at most ``top`` at a round step (1, 2, 5 × 10^n), at
    most ``most`` intervals."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if top / (step * factor) <= most:
                step *= factor
                return [float(tick) for tick in range(0, int(top) + 1, step)]
        step *= 10


_GOAL_DASH = (5.2, 2.2)
_RULE_DOTS = (0.8, 1.3)


def _hbars(
    ax: _Chart,
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[_Value]]],
    lang: str,
) -> tuple[bool, bool]:
    """Horizontal grouped bars: one group per label, one bar per series (name, colour,
    values). A hidden value draws no bar, only its mark. Returns (any hidden, any empty)."""
    count = len(series)
    height = 0.8 / count
    maximum = max((v.number or 0 for _, _, values in series for v in values), default=0)
    ax.xlim = (0.0, max(1.0, maximum) * 1.18)  # room for the value labels
    ax.ylim = (-0.5, len(labels) - 0.5)
    ax.y_down = True
    ticks = _count_ticks(ax.xlim[1])
    ax.grid(ticks, "x")
    # A long code list gets smaller labels rather than labels on top of each other.
    row = ax.height / max(1, len(labels))
    names = _wrap_labels(labels)
    lines = max((name.count("\n") + 1 for name in names), default=1)
    tick_size = min(TICK_SIZE, row / (1.2 * lines + 0.1))
    value_size = min(VALUE_SIZE, row * height / 1.3)
    hidden = empty = False
    for s, (name, colour, values) in enumerate(series):
        for row, value in enumerate(values):
            y = row + (s - (count - 1) / 2) * height
            hidden |= value.hidden
            empty |= value.empty
            if value.number is not None:
                half = height * 0.92 / 2
                ax.bar(0, value.number, y - half, y + half, colour, value.number)
            ax.label(
                (value.number or 0) + max(1.0, maximum) * 0.01,
                y,
                value.label,
                HIDDEN_COLOUR if value.number is None else INK,
                value_size,
            )
        ax.legend.append(_LegendEntry(name, colour))
    ax.spines()
    ax.y_ticks(range(len(labels)), names, tick_size)
    ax.x_ticks(ticks, [f"{tick:g}" for tick in ticks])
    ax.x_label(t("pdf.axis.people", lang))
    if count > 1:
        ax.legend_below(0.5)
    return hidden, empty


def _vbars(
    ax: _Chart,
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[_Value]]],
    lang: str,
    xlim: tuple[float, float] | None = None,
) -> tuple[bool, bool]:
    """Vertical grouped bars of shares (0–100 %) with their labels on top."""
    count = len(series)
    width = 0.8 / count
    ax.xlim = xlim or (-0.6, len(labels) - 0.4)
    ax.ylim = (0.0, 112.0)  # room for the labels above a 100 % bar
    ticks = [float(tick) for tick in range(0, 101, 20)]
    ax.grid(ticks, "y")
    hidden = empty = False
    for s, (name, colour, values) in enumerate(series):
        for column, value in enumerate(values):
            x = column + (s - (count - 1) / 2) * width
            hidden |= value.hidden
            empty |= value.empty
            if value.number is not None:
                half = width * 0.92 / 2
                ax.bar(x - half, x + half, 0, value.number, colour, value.number)
        ax.legend.append(_LegendEntry(name, colour))
    return hidden, empty


def _vbar_labels(ax: _Chart, series: Sequence[tuple[str, str, Sequence[_Value]]]) -> None:
    """The bars' value labels, over the goal lines (drawn after them)."""
    count = len(series)
    width = 0.8 / count
    for s, (_, _, values) in enumerate(series):
        for column, value in enumerate(values):
            x = column + (s - (count - 1) / 2) * width
            colour = HIDDEN_COLOUR if value.number is None else INK
            ax.label_above(x, (value.number or 0) + 1.5, value.label, colour)


def _percent_axes(ax: _Chart, labels: Sequence[str], lang: str) -> None:
    ticks = [float(tick) for tick in range(0, 101, 20)]
    ax.spines()
    ax.x_ticks(range(len(labels)), _wrap_labels(labels, 14))
    widest = ax.y_ticks(ticks, [_decimal(f"{tick:g}", lang) for tick in ticks])
    ax.y_label(t("pdf.axis.share", lang), widest)


@dataclass(frozen=True)
class _Section:
    slug: str  # the table of report_tables shown under the chart
    draw: Callable[
        [_Chart, Mapping[str, Any], ReportTable, Mapping[str, str], str], tuple[bool, bool]
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
    ax: _Chart, report: Mapping[str, Any], table: ReportTable, columns: Mapping[str, str], lang: str
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
    ax.title(t("pdf.chart.flow", lang))
    flags = _hbars(ax, labels, series, lang)
    # Rules between the flow's steps: in → decided (started / not started / pending) → out.
    for boundary in (1.5, 4.5):
        ax.hline(boundary, RULE, 0.8, _RULE_DOTS)
    return flags


def _step_up_chart(
    ax: _Chart, report: Mapping[str, Any], table: ReportTable, columns: Mapping[str, str], lang: str
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
    labels = [columns[c] for c in COLUMNS]
    flags = _vbars(ax, labels, series, lang)
    goal = _goal(report, "step_up_share")
    if goal is not None:
        target = float(goal["target"])
        line_key = "pdf.goal_line" if goal_source(goal) == "set" else "pdf.goal_line_default"
        colour = _goal_colour(report, "step_up_share")
        ax.hline(target * 100, colour, 1.4, _GOAL_DASH, goal=target * 100)
        label = t(line_key, lang, target=format_share(target, lang))
        ax.legend.append(_LegendEntry(label, colour, _GOAL_DASH))
    _vbar_labels(ax, series)
    _percent_axes(ax, labels, lang)
    ax.legend_below(0.3)
    ax.title(t("pdf.chart.step_up", lang))
    return flags


def _destinations_chart(
    ax: _Chart, report: Mapping[str, Any], table: ReportTable, columns: Mapping[str, str], lang: str
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
    ax.title(t("pdf.chart.destinations", lang))
    return _hbars(ax, labels, series, lang)


def _followups_chart(
    ax: _Chart, report: Mapping[str, Any], table: ReportTable, columns: Mapping[str, str], lang: str
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
    labels = [t("pdf.followup.6m", lang), t("pdf.followup.18m", lang)]
    flags = _vbars(ax, labels, series, lang, xlim=(-0.6, 1.75))
    labelled: set[str] = set()
    for position, kind in enumerate(kinds):
        goal = _goal(report, kind)
        if goal is None:
            continue
        target = float(goal["target"])
        source = goal_source(goal)
        colour = _goal_colour(report, kind)
        marker_key = "pdf.goal_marker" if source == "set" else "pdf.goal_marker_default"
        span = (position - 0.45, position + 0.45)
        ax.hline(target * 100, colour, 1.4, _GOAL_DASH, span=span, goal=target * 100)
        ax.label(position + 0.46, target * 100, format_share(target, lang), colour)
        if source not in labelled:
            ax.legend.append(_LegendEntry(t(marker_key, lang), colour, _GOAL_DASH))
        labelled.add(source)
    _vbar_labels(ax, series)
    _percent_axes(ax, labels, lang)
    ax.legend_below(0.3)
    ax.title(t("pdf.chart.followups", lang))
    return flags


def _reasons_chart(
    ax: _Chart, report: Mapping[str, Any], table: ReportTable, columns: Mapping[str, str], lang: str
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
    ax.title(t("pdf.chart.reasons", lang))
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
    ax = pages.chart(section.chart_height(table), left=section.left)
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


def board_pages(
    report: Mapping[str, Any],
    tables: Sequence[ReportTable],
    info: ReportInfo,
    lang: str | None = None,
) -> list[Page]:
    """The report's pages (A4 portrait) as drawn items, footers and marks included."""
    lang = lang or get_language()
    by_slug = {table.slug: table for table in tables}
    columns = _column_labels(lang, tables)
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


# --- drawing the pages -----------------------------------------------------------------------


@functools.cache
def _colour(hex_colour: str) -> Any:
    return HexColor("#ffffff" if hex_colour == "white" else hex_colour)


class _Pen:
    """The canvas's fill, stroke and font state, set only when it changes (each setting is a
    PDF operator in the page's stream)."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.fill: tuple[str, float] | None = None
        self.stroke: tuple[str, float, float, tuple[float, ...]] | None = None
        self.font: tuple[str, float] | None = None

    def fill_with(self, colour: str, alpha: float) -> None:
        if self.fill != (colour, alpha):
            self.canvas.setFillColor(_colour(colour))
            self.canvas.setFillAlpha(alpha)
            self.fill = (colour, alpha)

    def stroke_with(self, colour: str, width: float, dash: tuple[float, ...]) -> None:
        if self.stroke != (colour, width, dash):
            self.canvas.setStrokeColor(_colour(colour))
            self.canvas.setLineWidth(width)
            self.canvas.setDash(list(dash) if dash else [])
            self.stroke = (colour, width, dash)

    def font_of(self, item: TextItem) -> None:
        font = (font_name(item.weight, item.style), item.size)
        if self.font != font:
            self.canvas.setFont(*font)
            self.font = font


_DRAW_TEXT = {"left": "drawString", "right": "drawRightString", "centre": "drawCentredString"}


def _draw(canvas: Canvas, page: Page) -> None:
    pen = _Pen(canvas)
    for item in page.items:
        if isinstance(item, TextItem):
            pen.fill_with(item.colour, item.alpha)
            pen.font_of(item)
            draw = getattr(canvas, _DRAW_TEXT[item.align])
            if item.rotation:
                canvas.saveState()
                canvas.translate(item.x, item.y)
                canvas.rotate(item.rotation)
                draw(0, 0, item.text)
                canvas.restoreState()
                pen = _Pen(canvas)  # restoreState put the earlier settings back
            else:
                draw(item.x, item.y, item.text)
        elif isinstance(item, RectItem):
            if item.width > 0 and item.height > 0:
                pen.fill_with(item.fill, item.alpha)
                canvas.rect(item.x, item.y, item.width, item.height, stroke=0, fill=1)
        else:
            pen.stroke_with(item.colour, item.width, item.dash)
            canvas.line(item.x0, item.y0, item.x1, item.y1)


def _pdf_date(moment: datetime) -> Callable[..., str]:
    """The PDF's CreationDate: the report's generation time, never the clock's."""
    utc = moment.utctimetuple()
    stamp = f"D:{utc.tm_year:04d}{utc.tm_mon:02d}{utc.tm_mday:02d}"
    stamp += f"{utc.tm_hour:02d}{utc.tm_min:02d}{utc.tm_sec:02d}+00'00'"
    return lambda *_: stamp


def write_pdf(
    report: Mapping[str, Any],
    tables: Sequence[ReportTable],
    info: ReportInfo,
    lang: str | None = None,
) -> bytes:
    """report.pdf's bytes. The same input gives the same bytes (CreationDate is the report's
    generation time, not the clock's; the file's ID is derived from its content)."""
    lang = lang or get_language()
    pages = board_pages(report, tables, info, lang)
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH * 72, PAGE_HEIGHT * 72),
        pageCompression=1,
        invariant=1,
        lang=lang,
        initialFontName=font_name(),  # else the file names Helvetica, which no page uses
    )
    canvas.setTitle(f"{report_kind(report['period']['label'], lang)} {report['period']['label']}")
    canvas.setSubject(", ".join(report.get("insatser", [])))
    canvas.setCreator(f"tracker {info.tool_version}")
    canvas.setAuthor(info.forbund or "")
    canvas.setDateFormatter(_pdf_date(info.generated_at))
    for page in pages:
        _draw(canvas, page)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


__all__ = [
    "Page",
    "board_pages",
    "format_cell",
    "format_share",
    "report_kind",
    "text_width",
    "write_pdf",
]
