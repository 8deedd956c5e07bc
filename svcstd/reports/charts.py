"""Inline SVG charts for the score report: no network, no JavaScript, prints as it shows.

Each function returns a small SVG document as text (already escaped) for one row of a table
or one figure, so the HTML stays a single self-contained file a manager can mail to staff.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from markupsafe import Markup, escape

STATUS_COLOURS = {
    "meets": ("#1a7f37", "#b7e4c4"),
    "uncertain": ("#9a6700", "#f5dfa3"),
    "below": ("#c62828", "#f6c1bd"),
    "no data": ("#8c959f", "#e1e5ea"),
}
FONT = (
    'font-family="system-ui, -apple-system, &quot;PingFang SC&quot;, &quot;Microsoft YaHei&quot;, '
    '&quot;Noto Sans CJK SC&quot;, sans-serif"'
)


def axis_range(rows: Sequence[dict[str, Any]]) -> tuple[float, float]:
    """A shared 0–100 % axis, zoomed in (to 50 %, 60 %, …) when every interval sits high."""
    lows = [row["ci_low"] for row in rows if row.get("ci_low") is not None]
    lows += [row["target"] for row in rows if row.get("target") is not None]
    if not lows:
        return 0.0, 1.0
    lowest = min(lows) - 0.03
    floor = math.floor(max(lowest, 0.0) * 10) / 10
    return (min(floor, 0.5), 1.0)


def _x(value: float, low: float, high: float, left: float, width: float) -> float:
    share = (min(max(value, low), high) - low) / (high - low)
    return left + share * width


def interval_bar(row: dict[str, Any], low: float, high: float, width: int = 300) -> Markup:
    """A standard's compliance: the 95 % interval as a bar, the share as a dot, the target as a line."""
    height, pad = 22, 4
    inner = width - 2 * pad
    dark, soft = STATUS_COLOURS.get(row["status"], STATUS_COLOURS["no data"])
    parts = [
        f'<svg class="bar" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" xmlns="http://www.w3.org/2000/svg">',
        f'<rect x="{pad}" y="9" width="{inner}" height="4" rx="2" fill="#eef1f4"/>',
    ]
    for tick in _ticks(low, high):
        x = _x(tick, low, high, pad, inner)
        parts.append(f'<line x1="{x:.1f}" y1="5" x2="{x:.1f}" y2="17" stroke="#e1e5ea"/>')
    title = ""
    if row.get("compliance") is not None:
        x1 = _x(row["ci_low"], low, high, pad, inner)
        x2 = _x(row["ci_high"], low, high, pad, inner)
        parts.append(
            f'<rect x="{x1:.1f}" y="5" width="{max(x2 - x1, 2):.1f}" height="12" rx="3" '
            f'fill="{soft}" stroke="{dark}" stroke-width=".8"/>'
        )
        cx = _x(row["compliance"], low, high, pad, inner)
        parts.append(f'<circle cx="{cx:.1f}" cy="11" r="3.6" fill="{dark}"/>')
        title = (
            f"{row['compliance']:.1%} (95% {row['ci_low']:.1%}–{row['ci_high']:.1%}), "
            f"target {row['target']:.0%}"
        )
    tx = _x(row["target"], low, high, pad, inner)
    parts.append(
        f'<line x1="{tx:.1f}" y1="1" x2="{tx:.1f}" y2="21" stroke="#1f2328" stroke-width="2"/>'
    )
    if title:
        parts.insert(1, f"<title>{escape(title)}</title>")
    parts.append("</svg>")
    return Markup("".join(parts))


def axis(low: float, high: float, width: int = 300) -> Markup:
    """The tick labels above a column of interval bars."""
    pad, inner = 4, width - 8
    parts = [
        f'<svg class="axis" width="{width}" height="16" viewBox="0 0 {width} 16" '
        f'xmlns="http://www.w3.org/2000/svg" {FONT} font-size="10" fill="#59636e">'
    ]
    for tick in _ticks(low, high):
        x = _x(tick, low, high, pad, inner)
        anchor = "start" if tick == low else "end" if tick == high else "middle"
        parts.append(f'<text x="{x:.1f}" y="12" text-anchor="{anchor}">{tick:.0%}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _ticks(low: float, high: float) -> list[float]:
    step = 0.1 if high - low <= 0.5 else 0.25
    count = round((high - low) / step)
    return [round(low + index * step, 4) for index in range(count + 1)]


def score_colour(score: float | None) -> str:
    """A calm red → amber → green scale for mean scores (0–100)."""
    if score is None:
        return "#e1e5ea"
    stops = ((60.0, (198, 40, 40)), (80.0, (224, 160, 40)), (95.0, (26, 127, 55)))
    rgb = stops[0][1] if score <= stops[0][0] else stops[-1][1]
    for (x1, c1), (x2, c2) in pairwise(stops):
        if x1 < score < x2:
            t = (score - x1) / (x2 - x1)
            rgb = (
                round(c1[0] + (c2[0] - c1[0]) * t),
                round(c1[1] + (c2[1] - c1[1]) * t),
                round(c1[2] + (c2[2] - c1[2]) * t),
            )
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def heat_background(score: float | None) -> str:
    """A light tint of the score colour, for table cells that carry dark text."""
    colour = score_colour(score)
    if score is None:
        return "#f6f8fa"
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mix = 0.28
    return "#{:02x}{:02x}{:02x}".format(*(round(255 - (255 - value) * mix) for value in (r, g, b)))


def score_bar(score: float | None, width: int = 240, muted: bool = False) -> Markup:
    """A mean score (0–100) as a horizontal bar with its value."""
    height = 18
    parts = [
        f'<svg class="bar" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" {FONT} font-size="11">',
        f'<rect x="0" y="3" width="{width - 42}" height="12" rx="3" fill="#eef1f4"/>',
    ]
    if score is not None:
        fill = "#b4bcc6" if muted else score_colour(score)
        bar = max(1.0, (width - 42) * score / 100)
        parts.append(f'<rect x="0" y="3" width="{bar:.1f}" height="12" rx="3" fill="{fill}"/>')
        parts.append(
            f'<text x="{width - 2}" y="13" text-anchor="end" fill="#1f2328">{score:.1f}</text>'
        )
    else:
        parts.append(f'<text x="{width - 2}" y="13" text-anchor="end" fill="#8c959f">—</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def trend(months: Sequence[dict[str, Any]], labels: dict[str, str], width: int = 760) -> Markup:
    """Mean score and compliance per month as two lines, with counts under the axis."""
    height, left, right, top, bottom = 240, 44, 16, 26, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [m["score"] for m in months if m["score"] is not None]
    values += [m["compliance"] * 100 for m in months if m["compliance"] is not None]
    if not values:
        return Markup("")
    low = float(min(values))
    floor = max(0, math.floor((low - 5) / 10) * 10)
    ceiling = 100

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - floor) / (ceiling - floor))

    count = len(months)
    step = plot_w / max(count, 1)

    def x(index: int) -> float:
        return left + step * (index + 0.5)

    parts = [
        f'<svg class="trend" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" xmlns="http://www.w3.org/2000/svg" {FONT} font-size="11" fill="#59636e">'
    ]
    for tick in range(int(floor), ceiling + 1, 10 if ceiling - floor <= 50 else 20):
        parts.append(
            f'<line x1="{left}" y1="{y(tick):.1f}" x2="{width - right}" y2="{y(tick):.1f}" '
            f'stroke="#eef1f4"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    label_every = max(1, math.ceil(count / 12))
    for index, month in enumerate(months):
        if index % label_every == 0 or index == count - 1:
            parts.append(
                f'<text x="{x(index):.1f}" y="{height - bottom + 16}" text-anchor="middle">'
                f"{escape(month['month'])}</text>"
            )
            parts.append(
                f'<text x="{x(index):.1f}" y="{height - bottom + 30}" text-anchor="middle" '
                f'font-size="10" fill="#8c959f">n={month["inspections"]}</text>'
            )

    def score_of(month: dict[str, Any]) -> float | None:
        return None if month["score"] is None else float(month["score"])

    def compliance_of(month: dict[str, Any]) -> float | None:
        return None if month["compliance"] is None else float(month["compliance"]) * 100

    series = (
        ("score", "#0b5cad", "", score_of),
        ("compliance", "#1a7f37", ' stroke-dasharray="5 4"', compliance_of),
    )
    for name, colour, dash, value_of in series:
        points = [
            (x(index), y(value), value, compliance_of(month))
            for index, month in enumerate(months)
            if (value := value_of(month)) is not None
        ]
        if not points:
            continue
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _, _ in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.2"{dash}/>'
        )
        for px, py, value, other in points:
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.2" fill="{colour}"/>')
            if name == "score" and count <= 18:
                # the label goes on the side away from the compliance line
                below = other is not None and other > value
                ly = py + 17 if below else py - 9
                parts.append(
                    f'<text x="{px:.1f}" y="{ly:.1f}" text-anchor="middle" '
                    f'fill="{colour}" font-weight="600">{value:.1f}</text>'
                )
    legend_y = 12
    parts.append(
        f'<line x1="{left}" y1="{legend_y}" x2="{left + 22}" y2="{legend_y}" stroke="#0b5cad" '
        f'stroke-width="2.2"/><text x="{left + 28}" y="{legend_y + 4}">'
        f"{escape(labels['mean_score'])}</text>"
    )
    offset = left + 40 + 12 * len(labels["mean_score"])
    parts.append(
        f'<line x1="{offset}" y1="{legend_y}" x2="{offset + 22}" y2="{legend_y}" '
        f'stroke="#1a7f37" stroke-width="2.2" stroke-dasharray="5 4"/>'
        f'<text x="{offset + 28}" y="{legend_y + 4}">{escape(labels["compliance_pct"])}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


ACCOUNT_COLOURS = {
    "scored": "#1a7f37",
    "blank": "#c9d1d9",
    "na": "#8fb8de",
    "duplicate": "#d4a72c",
    "rejected": "#c62828",
}


def accounting(parts: Sequence[tuple[str, int, str]], width: int = 760) -> Markup:
    """Every entry read, as one stacked bar: scored, blank, N/A, duplicates, rejected."""
    total = sum(count for _, count, _ in parts)
    if total == 0:
        return Markup("")
    height = 16
    svg = [
        f'<svg class="account" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" xmlns="http://www.w3.org/2000/svg">'
    ]
    x = 0.0
    for key, count, label in parts:
        if not count:
            continue
        w = width * count / total
        svg.append(
            f'<rect x="{x:.2f}" y="0" width="{max(w, 1.5):.2f}" height="{height}" '
            f'fill="{ACCOUNT_COLOURS[key]}"><title>{escape(label)}: {count:,}</title></rect>'
        )
        x += w
    svg.append("</svg>")
    return Markup("".join(svg))
