"""A bar chart as inline SVG, rendered on the server (no script, no CDN)."""
from __future__ import annotations

from html import escape
from typing import Sequence

WIDTH, HEIGHT, PAD, LABEL = 640, 200, 24, 18


def bar_chart_svg(points: Sequence[tuple[str, int]], *, title: str) -> str:
    """One bar per (label, value); value labels above the bars; every other x label shown,
    counting back from the last (today)."""
    peak = max((v for _, v in points), default=0) or 1
    slot = (WIDTH - 2 * PAD) / max(len(points), 1)
    plot = HEIGHT - 2 * PAD - LABEL
    bars = []
    for i, (label, value) in enumerate(points):
        h = plot * value / peak
        x = PAD + i * slot + slot * 0.15
        y = PAD + plot - h
        bars.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}">'
            f"<title>{escape(label)}: {value}</title></rect>"
            f'<text class="value" x="{x + slot * 0.35:.1f}" y="{y - 4:.1f}" text-anchor="middle">{value}</text>'
        )
        if (len(points) - 1 - i) % 2 == 0 or len(points) <= 8:
            bars.append(
                f'<text class="label" x="{x + slot * 0.35:.1f}" y="{HEIGHT - PAD + 4:.1f}" text-anchor="middle">{escape(label)}</text>'
            )
    return (
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f'<line x1="{PAD}" y1="{PAD + plot}" x2="{WIDTH - PAD}" y2="{PAD + plot}" class="axis"/>'
        + "".join(bars)
        + "</svg>"
    )
