"""Charts as SVG images drawn by matplotlib, for the reports: a heat map, lines and bars.

The pages show them with `<img src>` (the CSP forbids inline styles, which
matplotlib's SVG carries) and a text table beside each. Text stays text in
the SVG, so it prints sharply and reads in the page's language.
"""
from collections.abc import Sequence
from io import StringIO

import matplotlib
from fastapi.responses import Response
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

matplotlib.use("svg")  # no display, no GUI toolkit: pages draw in worker threads
matplotlib.rcParams.update({
    "svg.fonttype": "none",  # text as <text>, in the reader's fonts
    "svg.hashsalt": "totem",  # the same data draws the same bytes
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.edgecolor": "#c9ced6",
    "axes.labelcolor": "#39424e",
    "xtick.color": "#39424e",
    "ytick.color": "#39424e",
    "axes.spines.top": False,
    "axes.spines.right": False,
})
INK, ACCENT, SECOND = "#1b1f24", "#0b5cad", "#d97a2b"
HEAT = LinearSegmentedColormap.from_list("totem", ["#f4f6fa", "#bcd0f5", "#5b86de", "#1d3f91"])
# The SVG draws its own inline styles; as an image it runs no script, so this policy is enough.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def _svg(figure: Figure) -> str:
    out = StringIO()
    figure.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    return out.getvalue()


def heat_map(values: Sequence[Sequence[float | None]], rows: Sequence[str], columns: Sequence[str],
             *, legend: str) -> str:
    """Shares from 0 to 1, one row per label in `rows`; None draws an empty cell (closed)."""
    figure = Figure(figsize=(8.2, 0.42 * len(rows) + 1.1))
    axes = figure.subplots()
    grid = [[float("nan") if value is None else value for value in row] for row in values]
    image = axes.imshow(grid, cmap=HEAT, vmin=0, vmax=1, aspect="auto") if grid and columns else None
    axes.set_xticks(range(len(columns)), columns)
    axes.set_yticks(range(len(rows)), rows)
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    if image is not None:
        bar = figure.colorbar(image, ax=axes, fraction=0.025, pad=0.02, format=lambda x, _: f"{x:.0%}")
        bar.set_label(legend)
        bar.outline.set_visible(False)
    return _svg(figure)


def lines(labels: Sequence[str], series: dict[str, Sequence[float | None]], *, percent: bool = True,
          width: float = 8.2) -> str:
    """One line per series over the labels (weeks, months); `width` in inches (half a page: 4)."""
    figure = Figure(figsize=(width, 2.8 if width > 5 else 2.2))
    axes = figure.subplots()
    for (name, values), colour in zip(series.items(), (ACCENT, SECOND, INK)):
        axes.plot(range(len(labels)), [float("nan") if v is None else v for v in values], marker="o",
                  markersize=3, linewidth=1.8, color=colour, label=name)
    step = max(1, len(labels) // 12)
    axes.set_xticks(range(0, len(labels), step), list(labels)[::step])
    if percent:
        axes.set_ylim(0, 1)
        axes.yaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
    else:
        axes.set_ylim(bottom=0)
    axes.grid(axis="y", color="#e6e9ef", linewidth=0.8)
    if series:
        axes.legend(frameon=False, loc="upper left", ncols=len(series))
    return _svg(figure)


def bars(labels: Sequence[str], values: Sequence[float], *, unit: str = "", width: float = 8.2) -> str:
    """Horizontal bars, the first label on top; `width` in inches (half a page: 4); `unit=" %"`: percentages."""
    figure = Figure(figsize=(width, 0.32 * len(labels) + 0.9))
    axes = figure.subplots()
    positions = list(range(len(labels)))
    axes.barh(positions, values, color=ACCENT, height=0.6)
    axes.set_yticks(positions, labels)
    axes.invert_yaxis()
    axes.tick_params(axis="y", length=0)
    axes.grid(axis="x", color="#e6e9ef", linewidth=0.8)
    axes.set_axisbelow(True)
    for position, value in zip(positions, values):
        axes.text(value, position, f" {value:,.4g}{unit}", va="center", fontsize=8,
                  color=INK)
    if unit.strip() == "%":  # shares in percent: the axis reads 0 % to 100 %, so bars compare across charts
        axes.set_xlim(0, 115)
        axes.set_xticks(range(0, 101, 25))
        axes.xaxis.set_major_formatter(lambda x, _: f"{x:.0f} %")
    else:
        axes.set_xlim(0, max(values, default=0) * 1.15 or 1)
    return _svg(figure)


def svg_response(svg: str) -> Response:
    return Response(svg, media_type="image/svg+xml",
                    headers={"content-security-policy": SVG_POLICY, "cache-control": "private, max-age=300"})
