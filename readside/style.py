"""One figure style for every chart: the dashboard's plotly figures, their PNG export and the
briefs' matplotlib charts all take their colours, fonts and tick steps from here.

A reader who has learnt that South America is green on the overview must find it green on the
Remittances page, in a slide exported from the Corridors page and in a printed brief. So colours
belong to entities (an area, a grouping, a measure such as "women" or "refugees"), never to the
position of a trace in a chart. No Dash, no plotly import: plain values and small functions.

Areas of the Americas take the Okabe-Ito colour-blind-safe palette; countries take Paul Tol's
"muted" scheme (plus a few of his "vibrant" colours), so a country never shares a colour with
its own subregion on the country profile; measures take Tol's "bright" scheme.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence

# ---------------------------------------------------------------- palettes

OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
}
# Colours of series that have no identity of their own (the n-th line of an ad-hoc chart).
PALETTE = [OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion", "reddish_purple", "sky_blue",
                                  "yellow", "black")]

TEXT = "#1a1a1a"
MUTED_TEXT = "#444444"  # source lines, notes (contrast 9.7:1 on white)
GRID = "#e5e5e5"
NEUTRAL = "#8c8c8c"  # destinations of a Sankey, "other" categories
NO_DATA = "#d4d4d4"  # map areas without a figure
LAND = "#e3e3e3"  # base-map land under circles
TOTAL = "#000000"  # a total drawn over its parts
HIGHLIGHT = OKABE_ITO["vermillion"]  # a marked point: a quoted claim, an incident, a selected area
BAR = "#4477AA"  # one-colour bar charts (a ranking of countries): no area's colour

FONT_FAMILY = "Arial, Helvetica, sans-serif"  # the same family in the page, the PNG and the brief
FONT_SIZE = 14
TITLE_SIZE = 18
SOURCE_SIZE = 11
SLIDE = {"width": 1600, "height": 900}  # PNG export: 16:9

# ---------------------------------------------------------------- entities

AMERICAS = "americas"  # the Americas' total (LAC + Northern America): UN DESA gives it no code
WORLD = 900
LATIN_AMERICA_AND_CARIBBEAN = (904, 1830)  # UN DESA's region and its SDG region
NORTHERN_AMERICA = (905, 918)
CARIBBEAN, CENTRAL_AMERICA, SOUTH_AMERICA = 915, 916, 931

AREA_COLOURS: dict[Hashable, str] = {
    AMERICAS: TOTAL,
    WORLD: "#7f7f7f",
    -1: "#999999",  # "rest of the world" in the subregion corridors (readside.transform.REST)
    **dict.fromkeys(LATIN_AMERICA_AND_CARIBBEAN, OKABE_ITO["orange"]),
    **dict.fromkeys(NORTHERN_AMERICA, OKABE_ITO["blue"]),
    CARIBBEAN: OKABE_ITO["reddish_purple"],
    CENTRAL_AMERICA: OKABE_ITO["vermillion"],
    SOUTH_AMERICA: OKABE_ITO["bluish_green"],
    # the groupings of data/groupings/*.yaml (sums of their members' figures)
    9801: "#003865",  # OAS member states: the OAS's own dark blue
    9802: OKABE_ITO["sky_blue"],  # CARICOM
    9803: "#882255",  # SICA
    9804: "#999933",  # Andean Community
    9805: "#44AA99",  # Mercosur
}

# Countries the Committee's documents and these pages single out (the special situations, the
# largest hosts and senders), by M49 code: distinct from one another and from the subregions.
COUNTRY_COLOURS: dict[int, str] = {
    862: "#882255",  # Venezuela: wine
    332: "#332288",  # Haiti: indigo
    222: "#44AA99",  # El Salvador: teal
    320: "#999933",  # Guatemala: olive
    340: "#CC6677",  # Honduras: rose
    558: "#EE3377",  # Nicaragua: magenta
    192: "#88CCEE",  # Cuba: cyan
    170: "#117733",  # Colombia: green
    484: "#AA4499",  # Mexico: purple (not an orange beside Central America's vermillion)
    840: "#004488",  # United States of America: dark blue
    124: "#BB5566",  # Canada: red
    76: "#DDAA33",  # Brazil: gold
}
# Any other country: the first of these not yet used in the same chart.
OTHER_COUNTRY_COLOURS = ["#DDCC77", "#33BBEE", "#EE7733", "#009988", "#CC3311", "#0077BB", "#666666", "#BBBBBB"]

MEASURE_COLOURS: dict[str, str] = {
    # sex
    "total": TOTAL, "women": "#AA3377", "female": "#AA3377", "men": "#4477AA", "male": "#4477AA",
    # people in need of international protection (UNHCR's three groups)
    "refugees": "#4477AA", "asylum_seekers": "#66CCEE", "other_in_need": "#228833", "oip": "#228833",
    # remittances
    "received": "#228833", "paid": "#EE6677",
    # stock by direction
    "immigrants": "#4477AA", "emigrants": "#EE6677",
    # IOM, IDMC
    "dead_and_missing": OKABE_ITO["vermillion"], "disasters": "#CCBB44", "conflict": "#EE6677",
    # OECD categories of entry (permanent-type) and programmes (temporary)
    "work": "#4477AA", "family": "#EE6677", "accompanying_family": "#66CCEE", "humanitarian": "#228833",
    "free_movement": "#CCBB44", "other": "#BBBBBB",
    "STU": "#AA3377", "SEAS": "#66CCEE", "WHM": "#CCBB44", "INTRA": "#228833", "TRA": "#4477AA", "OTH": "#BBBBBB",
    # a sum over all its members, and a year some of them have not reported yet (drawn apart)
    "complete": BAR, "partial": "#BBBBBB",
    # the claims page: a quoted figure
    "quoted": HIGHLIGHT,
}


def area_colour(code: object) -> str | None:
    """The colour of an area or grouping (M49 code, or AMERICAS), or None if it has none fixed."""
    if isinstance(code, str) and code != AMERICAS:
        code = int(code) if code.isascii() and code.isdigit() else code  # ASCII digits only: int("²") fails
    if isinstance(code, float) and not math.isnan(code):
        code = int(code)
    return AREA_COLOURS.get(code) or COUNTRY_COLOURS.get(code)  # type: ignore[arg-type]


def measure_colour(key: str) -> str | None:
    return MEASURE_COLOURS.get(key)


def colours_for(keys: Sequence[object], *, measures: bool = False) -> list[str]:
    """A colour for each key of one chart: the key's own colour where it has one, else the next
    colour not yet used in this chart (so two series of one chart never look alike)."""
    fixed = [measure_colour(str(k)) if measures else area_colour(k) for k in keys]
    used = {c for c in fixed if c}
    spare = iter([c for c in [*OTHER_COUNTRY_COLOURS, *PALETTE] if c not in used])
    out = []
    for colour in fixed:
        if colour is None or colour in out:
            colour = next(spare, NEUTRAL)
        out.append(colour)
    return out


# ---------------------------------------------------------------- ticks

NICE_STEPS = (1, 2, 2.5, 5, 10)
YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50)


def nice_ticks(low: float, high: float, target: int = 5) -> list[float]:
    """Round tick values covering [low, high] (always including 0 when the range spans it), about
    `target` of them, at steps of 1, 2, 2.5 or 5 times a power of ten."""
    low, high = min(low, high), max(low, high)
    if high == low:
        high = low + (abs(low) or 1)
    raw = (high - low) / max(target, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(s * power for s in NICE_STEPS if s * power >= raw)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(i * step, 10) for i in range(first, last + 1)]


def year_step(first: int, last: int, max_labels: int) -> int:
    """The smallest round step (1, 2, 5, 10, 20...) that labels at most `max_labels` years."""
    span = max(last - first, 0)
    return next((s for s in YEAR_STEPS if span // s + 1 <= max_labels), YEAR_STEPS[-1])


def year_ticks(years: Iterable[int], max_labels: int = 10) -> list[int]:
    """Years to label on a fixed-width chart (the briefs): multiples of a round step, e.g.
    1990, 2000, 2010, 2020 rather than every year since 1970 written vertically."""
    years = sorted({int(y) for y in years})
    if len(years) <= max_labels:
        return years
    step = year_step(years[0], years[-1], max_labels)
    return [y for y in range(math.ceil(years[0] / step) * step, years[-1] + 1, step)]


# ---------------------------------------------------------------- what a year means, per source

# The reference date of a year differs by publisher: the axis title says which.
YEAR_BASIS = {
    "undesa_ims": "mid_year",  # stock at 1 July
    "knomad": "mid_year",  # bilateral matrices built on UN DESA's mid-year stock
    "unhcr": "end_year",  # stock at 31 December
    "worldbank": "calendar_year",  # flows during the year
    "wpp": "calendar_year",  # net migration during the year
    "oecd": "calendar_year",  # inflows during the year
    "iom_missing_migrants": "calendar_year",  # incidents during the year
    "idmc": "calendar_year",  # new displacements during the year
}


def year_basis(source: str) -> str:
    """'mid_year', 'end_year' or 'calendar_year': the i18n key suffix of the year axis title."""
    return YEAR_BASIS.get(source, "calendar_year")
