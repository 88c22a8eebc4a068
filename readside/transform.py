"""Pure data shaping shared by pages and tests (no SQL, no Dash)."""

from __future__ import annotations

import pandas as pd

from etl.areas import WORLD

REST = -1  # "rest of the world" node: World minus the four subregions


def subregion_links(flows: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """Links between subregions plus 'rest of the world' in both directions.

    flows: origin_code, destination_code, migrants with origins among the subregions and
    destinations among the subregions or World; totals: area_code, migrants (all origins).
    """
    inner = flows[flows["destination_code"] != WORLD]
    from_rest = totals.set_index("area_code")["migrants"].sub(inner.groupby("destination_code")["migrants"].sum(), fill_value=0)
    to_world = flows[flows["destination_code"] == WORLD].set_index("origin_code")["migrants"]
    to_rest = to_world.sub(inner.groupby("origin_code")["migrants"].sum().reindex(to_world.index), fill_value=0)
    extra = [
        *({"origin_code": REST, "destination_code": int(d), "migrants": int(v)} for d, v in from_rest.dropna().items()),
        *({"origin_code": int(o), "destination_code": REST, "migrants": int(v)} for o, v in to_rest.dropna().items()),
    ]
    links = pd.concat([inner, pd.DataFrame(extra)], ignore_index=True)
    return links[links["migrants"] > 0]
