"""The trends chart as server-rendered SVG: grouped bars, one group per period, a bar per query.

No script and nothing from another host. Text stays at its real size: the
SVG is as wide as its periods need (a phone scrolls it sideways, the table
under it has the same figures) and print CSS scales it to the page. Each
bar links to the search behind it and says its figures in a tooltip
(`<title>`); colours differ in lightness too, so a grey print keeps the
series apart. A period the archive holds no articles of (`articles` 0) is
no bar of 0 but a hatched band over the whole height, with its own
tooltip: a gap in coverage never looks like a word going out of use.
Every text is escaped here: queries are user input.
"""
from __future__ import annotations

import math
from html import escape
from typing import Any

COLOURS = ("#8a2b1a", "#3b78b0", "#d9a520", "#2e6b3a", "#9a9a9a")  # dark to light in grey as well
VIEWS = ("count", "share")
TOP, RIGHT, BOTTOM, LEFT = 16, 12, 44, 64
PLOT_HEIGHT = 220
MIN_WIDTH = 320
CHAR_PX = 7.5  # about the width of a digit at the 12px label size
GAP_PATTERN = "trends-gap"


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten at or above `value` (1 for 0)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def share_label(share: float) -> str:
    """A share as a percentage with two significant figures (0.0073 -> 0.73%)."""
    if share == 0:
        return "0%"
    percent = share * 100
    decimals = max(0, 1 - math.floor(math.log10(percent)))
    return f"{percent:.{decimals}f}%"


def value_label(value: float, view: str) -> str:
    """An axis label: a share as a percentage, a count as written (2.5 on an axis up to 10, not a rounded 2)."""
    if view == "share":
        return share_label(value)
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _bar_width(queries: int) -> float:
    return max(5.0, min(22.0, 48.0 / queries))


def render_chart(series: list[dict[str, Any]], view: str = "count") -> str:
    """SVG markup for the series of `/api/trends` (all over the same periods), `view` count or share."""
    periods = [bucket["period"] for bucket in series[0]["buckets"]] if series else []
    values = [[bucket[view] or 0 for bucket in one["buckets"]] for one in series]  # share None: a gap
    top = nice_ceiling(max((value for row in values for value in row), default=0))
    bar = _bar_width(len(series))
    group = bar * len(series) + max(4.0, bar / 2)
    width = max(MIN_WIDTH, LEFT + group * len(periods) + RIGHT)
    height = TOP + PLOT_HEIGHT + BOTTOM
    label_px = CHAR_PX * max((len(period) for period in periods), default=4) + 8
    every = max(1, math.ceil(label_px / group))  # label every n-th period so labels never overlap
    unit = "所占比例" if view == "share" else "篇数"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="trends-chart" width="{width:.0f}" height="{height}" '
           f'viewBox="0 0 {width:.0f} {height}" role="img" aria-labelledby="trends-title">',
           f'<title id="trends-title">{escape("、".join(one["query"] for one in series))}：各时期的{unit}</title>',
           f'<defs><pattern id="{GAP_PATTERN}" width="6" height="6" patternUnits="userSpaceOnUse" '
           f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f4f4f4"/>'
           f'<line x1="0" y1="0" x2="0" y2="6" stroke="#bbb" stroke-width="2"/></pattern></defs>']
    for tick in range(5):  # grid lines and y labels at 0, 1/4 … of the top
        value = top * tick / 4
        y = TOP + PLOT_HEIGHT * (1 - tick / 4)
        out.append(f'<line x1="{LEFT}" x2="{width - RIGHT:.0f}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="#555">'
                   f'{escape(value_label(value, view))}</text>')
    for index, period in enumerate(periods):
        x0 = LEFT + index * group
        if series[0]["buckets"][index]["articles"] == 0:
            out.append(f'<rect class="gap" x="{x0:.1f}" y="{TOP}" width="{group - 1:.1f}" height="{PLOT_HEIGHT}" '
                       f'fill="url(#{GAP_PATTERN})"><title>{escape(period)}：档案里没有这一时期的文章</title></rect>')
        for number, one in enumerate(series):
            bucket = one["buckets"][index]
            if bucket["articles"] == 0:
                continue
            size = PLOT_HEIGHT * bucket[view] / top
            tip = (f'{one["query"]} · {period}：{bucket["count"]:,} 篇，占该时期 {bucket["articles"]:,} 篇的 '
                   f'{share_label(bucket["share"])}')
            out.append(f'<a href="{escape(bucket["url"])}"><rect class="s{number}" x="{x0 + number * bar:.1f}" '
                       f'y="{TOP + PLOT_HEIGHT - size:.1f}" width="{bar - 1:.1f}" height="{size:.1f}" '
                       f'fill="{COLOURS[number % len(COLOURS)]}"><title>{escape(tip)}</title></rect></a>')
        if index % every == 0:
            out.append(f'<text x="{x0 + bar * len(series) / 2:.1f}" y="{TOP + PLOT_HEIGHT + 18}" '
                       f'text-anchor="middle" font-size="12" fill="#333">{escape(period)}</text>')
    out.append(f'<line x1="{LEFT}" x2="{width - RIGHT:.0f}" y1="{TOP + PLOT_HEIGHT}" y2="{TOP + PLOT_HEIGHT}" '
               f'stroke="#333"/>')
    out.append("</svg>")
    return "".join(out)
