"""Charts the site draws itself, as SVG: the geometry and words of each chart, computed here
from the campaign's figures; `templates/campaign/_chart_*.html` draw them, each with a
title, a text alternative (the SVG's description) and the table of its data.

Frames are small (400 units wide, 600 for the map) and the text is sized for them, so a chart scaled
down to a phone's width stays readable; labels sit above bars rather than beside them, so
longer French words never run out of room.
"""

import math
from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from requests_app.templatetags.campaign_format import long_date, percent

BAR_FRAME = 400
BAR_ROW = 50
# Room kept right of the longest bar for its value.
BAR_TEXT_ROOM = 100


def _named(name, value) -> str:
    """ "Ontario: 12%", or in French "Ontario : 12 %"."""
    return _("%(name)s: %(value)s") % {"name": name, "value": value}


def bar_chart(items: list[dict], *, markers: list[float | None] | None = None) -> dict:
    """Horizontal bars, one per item ({"label", "value", "text"}), on one scale; `markers`
    (one per item, or None) draw a tick across a bar, such as the time the law allows."""
    markers = markers or [None] * len(items)
    top = max([item["value"] for item in items] + [m for m in markers if m is not None] + [1])
    length = BAR_FRAME - BAR_TEXT_ROOM
    bars = []
    for index, (item, marker) in enumerate(zip(items, markers, strict=True)):
        y = index * BAR_ROW
        width = round(item["value"] / top * length, 1)
        bars.append(
            {
                **item,
                "label_y": y + 16,
                "bar_y": y + 24,
                "width": width,
                "text_x": width + 6,
                "text_y": y + 37,
                "marker_x": round(marker / top * length, 1) if marker is not None else None,
                "marker_y1": y + 20,
                "marker_y2": y + 44,
            }
        )
    return {"width": BAR_FRAME, "height": len(items) * BAR_ROW, "bars": bars}


def funnel_chart(rows: list[dict]) -> dict:
    """The campaign funnel: targets unclaimed, then each step reached, with their share."""
    items = [
        {
            "label": row["label"],
            "value": row["count"],
            "text": f"{row['count']} ({percent(row['share'])})",
        }
        for row in rows
    ]
    chart = bar_chart(items)
    chart["description"] = "; ".join(_named(item["label"], item["text"]) for item in items)
    return chart


def answer_times_chart(rows: list[dict]) -> dict:
    """Median days to answer per law, each with a tick at the median days its law allowed."""
    items = [
        {
            "label": f"{row['short_name']} · {row['province']}",
            "value": row["median_days"],
            "text": _days(row["median_days"]),
        }
        for row in rows
    ]
    chart = bar_chart(items, markers=[row["median_allowed"] for row in rows])
    chart["description"] = "; ".join(
        _("%(law)s: %(days)s to answer, %(allowed)s allowed")
        % {
            "law": item["label"],
            "days": item["text"],
            "allowed": _days(row["median_allowed"]) if row["median_allowed"] is not None else "—",
        }
        for item, row in zip(items, rows, strict=True)
    )
    return chart


def _days(days: float) -> str:
    number = formats.number_format(days, decimal_pos=1 if days % 1 else 0, use_l10n=True)
    return ngettext("%(days)s day", "%(days)s days", math.ceil(days)) % {"days": number}


WEEK_FRAME = (400, 180)
WEEK_MARGINS = {"left": 30, "right": 6, "top": 10, "bottom": 24}
WEEK_LABELS = 6


def week_chart(weeks: list[tuple[date, int]], *, what: str) -> dict:
    """A column per week (Monday, count); `what` names the counted thing for the text
    alternative ("Requests filed")."""
    width, height = WEEK_FRAME
    left, top = WEEK_MARGINS["left"], WEEK_MARGINS["top"]
    plot_width = width - left - WEEK_MARGINS["right"]
    plot_height = height - top - WEEK_MARGINS["bottom"]
    most = max([count for _week, count in weeks] + [0])
    scale_top = _round_up(most)
    step = plot_width / max(len(weeks), 1)
    every = max(1, math.ceil(len(weeks) / WEEK_LABELS))
    columns, labels = [], []
    for index, (week, count) in enumerate(weeks):
        column_height = round(count / scale_top * plot_height, 1)
        x = left + index * step
        columns.append(
            {
                "x": round(x + step * 0.125, 1),
                "y": round(top + plot_height - column_height, 1),
                "width": round(max(step * 0.75, 1), 1),
                "height": column_height,
                "title": _named(long_date(week), count),
            }
        )
        if index % every == 0:
            labels.append({"x": round(x + step / 2, 1), "text": formats.date_format(week, "j N")})
    grid = []
    for value in sorted({0, scale_top // 2, scale_top}):
        y = round(top + plot_height - value / scale_top * plot_height, 1)
        grid.append({"y": y, "text_y": y + 4, "value": value})
    total = sum(count for _week, count in weeks)
    if weeks:
        busiest = max(weeks, key=lambda week: week[1])
        description = _(
            "%(what)s per week, from the week of %(first)s to the week of %(last)s: %(total)s "
            "in all, at most %(most)s in the week of %(busiest)s."
        ) % {
            "what": what,
            "first": long_date(weeks[0][0]),
            "last": long_date(weeks[-1][0]),
            "total": total,
            "most": most,
            "busiest": long_date(busiest[0]),
        }
    else:
        description = ""
    return {
        "width": width,
        "height": height,
        "plot_left": left,
        "plot_right": width - WEEK_MARGINS["right"],
        "axis_y": top + plot_height,
        "label_y": height - 6,
        "columns": columns,
        "labels": labels,
        "grid": grid,
        "description": description,
    }


def _round_up(value: int) -> int:
    """A round scale top at or above `value`: 1, 2, 4, 5, 10, 20, 40, 50, 100..."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 4, 5, 10):
        if value <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


# Share covered: the first class whose bound is above the share, from light to dark; none
# covered is the lightest, a province without police services is left white.
SHARE_CLASSES = [
    (0.0, "#f1f3f5"),
    (0.25, "#c6dbef"),
    (0.5, "#6baed6"),
    (0.75, "#2171b5"),
    (1.01, "#08306b"),
]
NO_SERVICES = "#ffffff"


def _share_class(share: float | None) -> int | None:
    if share is None:
        return None
    if share == 0:
        return 0
    return next(i for i, (bound, _colour) in enumerate(SHARE_CLASSES) if i and share < bound)


def choropleth(outlines: dict, shares: dict[str, float | None], names: dict[str, str]) -> dict:
    """Provinces and territories coloured by the share of their police services covered."""
    provinces = []
    for code, path in sorted(outlines["paths"].items()):
        share = shares.get(code)
        index = _share_class(share)
        text = percent(share) if share is not None else _("no police service listed")
        provinces.append(
            {
                "code": code,
                "d": path,
                "fill": NO_SERVICES if index is None else SHARE_CLASSES[index][1],
                "title": _named(names.get(code, code), text),
            }
        )
    legend = [
        {"fill": SHARE_CLASSES[0][1], "label": pgettext("share covered", "none")},
        {"fill": SHARE_CLASSES[1][1], "label": _("under %(share)s") % {"share": percent(0.25)}},
        {
            "fill": SHARE_CLASSES[2][1],
            "label": _("%(low)s to %(high)s") % {"low": percent(0.25), "high": percent(0.49)},
        },
        {
            "fill": SHARE_CLASSES[3][1],
            "label": _("%(low)s to %(high)s") % {"low": percent(0.5), "high": percent(0.74)},
        },
        {"fill": SHARE_CLASSES[4][1], "label": _("%(share)s or more") % {"share": percent(0.75)}},
    ]
    return {
        "width": outlines["width"],
        "height": outlines["height"],
        "provinces": provinces,
        "legend": legend,
        "description": "; ".join(p["title"] for p in provinces),
    }
