"""Responses in the publishers' documented formats, built by the tests.

No real World Bank, UNHCR or WPP file is in ../shared/data/upstream yet, so these fixtures
exercise the real clients (pagination, error payloads, units) with FIXTURE VALUES: counts are
generated from a formula, never presented as data. The layouts follow the publishers' docs:
World Bank API v2 JSON, UNHCR Population Statistics API v1, WPP demographic-indicators CSV.
"""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from etl.sources import unhcr, worldbank, wpp

# (ISO3, M49, World Bank id) of the areas the fixtures report; XKX has no M49 code (left out);
# LCN/NAC/WLD are aggregates the client maps, EAS one it leaves out.
WB_AREAS = [("LCN", "ZJ"), ("NAC", "XU"), ("WLD", "1W"), ("EAS", "Z4"), ("MEX", "MX"), ("GTM", "GT"),
            ("HND", "HN"), ("SLV", "SV"), ("COL", "CO"), ("HTI", "HT"), ("JAM", "JM"), ("USA", "US"),
            ("CAN", "CA"), ("XKX", "XK")]
YEARS = list(range(2010, 2024))
UNHCR_AREAS = ["VEN", "COL", "PER", "HTI", "HND", "GTM", "SLV", "USA", "MEX", "CRI", "ECU", "BRA", "CHL"]
WPP_AREAS = [(484, "Mexico"), (170, "Colombia"), (862, "Venezuela (Bolivarian Republic of)"),
             (840, "United States of America"), (904, "Latin America and the Caribbean"), (2000, "not an M49 area")]
LAST_UPDATED = "2025-07-01"


def fixture_value(series: str, area: str, year: int) -> float:
    """A deterministic, obviously generated number (not data)."""
    base = sum(map(ord, series + area)) % 97 + 1
    if series.endswith("GD.ZS"):
        return round(base / 10 + (year - 2010) / 10, 2)
    return float(base * 100_000_000 + (year - 2010) * 250_000_000)


def worldbank_rows(code: str) -> list[dict]:
    rows = []
    for iso3, wb_id in WB_AREAS:
        for year in reversed(YEARS):
            value = None if (iso3 == "HTI" and year == 2010) else fixture_value(code, iso3, year)
            rows.append({"indicator": {"id": code, "value": "fixture"}, "country": {"id": wb_id, "value": iso3},
                         "countryiso3code": iso3, "date": str(year), "value": value, "unit": "",
                         "obs_status": "", "decimal": 0})
    return rows


def worldbank_pages(code: str, per_page: int = 60) -> list[bytes]:
    rows = worldbank_rows(code)
    pages = max(1, -(-len(rows) // per_page))
    return [json.dumps([{"page": p + 1, "pages": pages, "per_page": per_page, "total": len(rows), "sourceid": "2",
                         "sourcename": "World Development Indicators", "lastupdated": LAST_UPDATED},
                        rows[p * per_page:(p + 1) * per_page]]).encode() for p in range(pages)]


def unhcr_items(side: str) -> list[dict]:
    items = []
    for iso3 in UNHCR_AREAS:
        for year in YEARS:
            own = {"id": 1, "name": iso3, "code": iso3, "iso": iso3}
            none = {"id": "-", "name": "-", "code": "-", "iso": "-"}
            coo, coa = (own, none) if side == "origin" else (none, own)
            items.append({
                "year": year, **{f"coo_{k}" if k != "code" else "coo": v for k, v in coo.items()},
                **{f"coa_{k}" if k != "code" else "coa": v for k, v in coa.items()},
                "refugees": int(fixture_value("ref" + side, iso3, year) / 1000),
                "asylum_seekers": str(int(fixture_value("asy" + side, iso3, year) / 2000)),
                "oip": "-" if year < 2018 else int(fixture_value("oip" + side, iso3, year) / 500),
                "returned_refugees": 0, "idps": "-", "returned_idps": "-", "stateless": 0, "ooc": 0, "hst": "-",
            })
    items.append({**items[0], "coo_iso": "-", "coa_iso": "-"})  # "Various/unknown": left out, counted
    return items


def unhcr_pages(side: str, limit: int = 50) -> list[bytes]:
    items = unhcr_items(side)
    pages = -(-len(items) // limit)
    return [json.dumps({"page": p + 1, "maxPages": pages, "total": [], "items": items[p * limit:(p + 1) * limit]}).encode()
            for p in range(pages)]


def wpp_csv_gz() -> bytes:
    header = ["SortOrder", "LocID", "Notes", "ISO3_code", "ISO2_code", "SDMX_code", "LocTypeID", "LocTypeName",
              "ParentID", "Location", "VarID", "Variant", "Time", "TPopulation1Jan", "NetMigrations", "CNMR"]
    lines = [",".join(header)]
    for order, (code, name) in enumerate(WPP_AREAS):
        for year in range(2015, 2027):  # 2024-2026 are projections: the client leaves them out
            net = (code % 7 - 3) * 12.5 + (year - 2015)
            lines.append(",".join(map(str, [order, code, "", "", "", "", 4, "Country/Area", 0, f'"{name}"', 2,
                                            "Medium", year, 1000.0, net, round(net / 10, 3)])))
    return gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0)  # the same bytes every call


def write_directory_mirrors(root: Path) -> dict[str, str]:
    """Directory mirrors of all three sources, as `--mirror SOURCE=DIR` expects them."""
    for series in worldbank.SERIES:
        for number, body in enumerate(worldbank_pages(series.code), start=1):
            path = root / "worldbank" / series.code / f"page-{number}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
    for side in unhcr.SIDES:
        for number, body in enumerate(unhcr_pages(side), start=1):
            path = root / "unhcr" / f"population-{side}" / f"page-{number}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
    (root / "wpp").mkdir(parents=True, exist_ok=True)
    (root / "wpp" / wpp.EDITION.filename).write_bytes(wpp_csv_gz())
    return {name: str(root / name) for name in ("worldbank", "unhcr", "wpp")}


def url_responses() -> dict[tuple[str, str], bytes]:
    """(path, query) -> body, for a local HTTP server standing in for the three publishers."""
    out: dict[tuple[str, str], bytes] = {}
    for series in worldbank.SERIES:
        for number, body in enumerate(worldbank_pages(series.code), start=1):
            url = worldbank.page_url(series.code, number)
            out[_path_query(url, "/worldbank")] = body
    for side in unhcr.SIDES:
        for number, body in enumerate(unhcr_pages(side), start=1):
            out[_path_query(unhcr.page_url(side, number, date.today().year), "/unhcr")] = body
    out[("/wpp/" + wpp.EDITION.filename, "")] = wpp_csv_gz()
    return out


def _path_query(url: str, prefix: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return prefix + parts.path, parts.query
