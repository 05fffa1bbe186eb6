"""The participation-balance chart, laid out here and drawn as SVG by a template.

Server-rendered SVG needs no script, and uses presentation attributes (fill=, x=, width=)
rather than style attributes, which the Content Security Policy would block.
"""

from dataclasses import dataclass

from meetings.selectors import Figures

REGISTERED_FILL = "#1f4e79"
ATTENDED_FILL = "#2e7d32"
WIDTH = 640
LABEL_WIDTH = 190
BAR_AREA = 380
BAR_HEIGHT = 14
BAR_GAP = 4
ROW_GAP = 18
TOP = 34


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    value: int
    value_x: int
    value_y: int
    fill: str


@dataclass(frozen=True)
class Row:
    label: str
    label_y: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class BalanceChart:
    width: int
    height: int
    label_x: int
    rows: tuple[Row, ...]
    registered_fill: str = REGISTERED_FILL
    attended_fill: str = ATTENDED_FILL


def balance_chart(figures: list[Figures]) -> BalanceChart:
    """Two bars per community (registered, attended), scaled to the largest count."""
    largest = max([1, *(f.registered for f in figures), *(f.attended for f in figures)])
    rows = []
    y = TOP
    for item in figures:
        bars = []
        for offset, (value, fill) in enumerate(
            ((item.registered, REGISTERED_FILL), (item.attended, ATTENDED_FILL))
        ):
            bar_y = y + offset * (BAR_HEIGHT + BAR_GAP)
            width = round(BAR_AREA * value / largest)
            bars.append(
                Bar(
                    x=LABEL_WIDTH,
                    y=bar_y,
                    width=width,
                    height=BAR_HEIGHT,
                    value=value,
                    value_x=LABEL_WIDTH + width + 6,
                    value_y=bar_y + BAR_HEIGHT - 3,
                    fill=fill,
                )
            )
        rows.append(Row(label=item.label, label_y=y + BAR_HEIGHT + 2, bars=tuple(bars)))
        y += 2 * BAR_HEIGHT + BAR_GAP + ROW_GAP
    return BalanceChart(width=WIDTH, height=y, label_x=LABEL_WIDTH - 10, rows=tuple(rows))
