"""The base map of the Americas that the dashboard serves itself, derived from world-atlas.

plotly.js draws a geo subplot from a topojson file it fetches from `config.topojsonURL`
(cdn.plot.ly by default). The dashboard points it at its own copy instead, so a map page makes
no request beyond the app. This module writes that copy, reproducibly, from the npm package
world-atlas 2.0.2 (`countries-50m.json`: Natural Earth 1:50m admin-0 countries, public domain;
package ISC; ids are ISO 3166-1 numeric = UN M49 codes, as in the `area` table):

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python -m etl.geometry package/countries-50m.json --db data/migdash.duckdb \
        --out dashboard/assets/topojson/world_50m.json

What it does: keeps the countries and territories of the UN's Americas (the `area` table's
region 904 or 905), each as a feature whose `id` is its ISO3 code (plotly's "ISO-3" location
mode) with `properties` m49, ct (the centroid of its largest polygon, where plotly puts a
marker) and small (shapes too small to see or click at this scale: the page adds a marker);
splits the territories Natural Earth folds into France and the Netherlands (French Guiana,
Guadeloupe, Martinique; Bonaire, Sint Eustatius and Saba) by their bounding boxes; drops the
polygons across the antimeridian; keeps only the arcs used, at the package's quantization.
The file is named as plotly asks for scope "world" at resolution 50 (`world_50m.json`).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb

from etl.areas import AMERICAS_PARTS

# Territories inside another Natural Earth feature: M49 code -> (host M49, lon/lat box).
PARTS = {
    254: (250, (-55.0, 2.0, -51.0, 6.5)),  # French Guiana, in France
    312: (250, (-62.0, 15.8, -60.9, 16.6)),  # Guadeloupe, in France
    474: (250, (-61.3, 14.3, -60.7, 14.95)),  # Martinique, in France
    535: (528, (-68.5, 11.9, -62.9, 17.7)),  # Bonaire, Sint Eustatius and Saba, in the Netherlands
}
SMALL_AREA = 1.5  # square degrees (about 18,000 km² near the equator): Jamaica, Bahamas, Puerto Rico...
SOURCE = {
    "package": "world-atlas@2.0.2", "file": "countries-50m.json",
    "data": "Natural Earth 1:50m Cultural Vectors, Admin 0 - Countries (public domain)",
    "licence": "world-atlas: ISC; Natural Earth: public domain",
}

Polygon = list[list[int]]  # rings of arc indices (negative: the arc reversed, as ~index)


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Every arc as absolute longitude/latitude points (arcs are delta-encoded, quantized)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def ring_points(ring: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in ring:
        part = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(part if not points else part[1:])
    return points


def polygons(geometry: dict) -> list[Polygon]:
    if geometry.get("type") == "Polygon":
        return [geometry["arcs"]]
    return list(geometry["arcs"]) if geometry.get("type") == "MultiPolygon" else []


def bbox(points: Iterable[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = zip(*points, strict=True)
    return min(xs), min(ys), max(xs), max(ys)


def area_and_centroid(points: list[tuple[float, float]]) -> tuple[float, tuple[float, float]]:
    """Planar area (square degrees) and centroid of a ring (shoelace formula)."""
    twice, cx, cy = 0.0, 0.0, 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        twice, cx, cy = twice + cross, cx + (x0 + x1) * cross, cy + (y0 + y1) * cross
    if abs(twice) < 1e-12:
        xs, ys = zip(*points, strict=True)
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return abs(twice) / 2, (cx / (3 * twice), cy / (3 * twice))


def inside(box: tuple[float, float, float, float], within: tuple[float, float, float, float]) -> bool:
    return within[0] <= box[0] and within[1] <= box[1] and box[2] <= within[2] and box[3] <= within[3]


def americas_polygons(topology: dict, codes: Iterable[int]) -> Iterator[tuple[int, list[Polygon]]]:
    """(M49 code, its polygons) for each wanted code: its own feature, or its part of a host's;
    polygons east of the antimeridian (the Aleutians' far end) are left out."""
    arcs = decode_arcs(topology)
    by_code = {int(g["id"]): polygons(g) for g in topology["objects"]["countries"]["geometries"] if "id" in g}
    for code in codes:
        host, box = PARTS.get(code, (code, None))
        kept = []
        for polygon in by_code.get(host, []):
            extent = bbox(ring_points(polygon[0], arcs))
            if extent[0] < 0 and (box is None or inside(extent, box)):
                kept.append(polygon)
        if kept:
            yield code, kept


def feature(code: int, iso3: str, parts: list[Polygon], arcs: list[list[tuple[float, float]]]) -> dict:
    measured = [area_and_centroid(ring_points(p[0], arcs)) for p in parts]
    total = sum(a for a, _ in measured)
    _, (x, y) = max(measured, key=lambda m: m[0])
    geometry = {"type": "Polygon", "arcs": parts[0]} if len(parts) == 1 else {"type": "MultiPolygon", "arcs": parts}
    return {**geometry, "id": iso3, "properties": {"m49": code, "ct": [round(x, 3), round(y, 3)],
                                                    "small": total < SMALL_AREA}}


def renumber(geometries: list[dict], topology: dict) -> list[list[list[int]]]:
    """Keep only the arcs the geometries use, renumbering their references in place."""
    used = sorted({i if i >= 0 else ~i for g in geometries for p in polygons(g) for r in p for i in r})
    new = {old: n for n, old in enumerate(used)}
    for g in geometries:
        g["arcs"] = [[[new[i] if i >= 0 else ~new[~i] for i in r] for r in p] for p in polygons(g)]
        if g["type"] == "Polygon":
            g["arcs"] = g["arcs"][0]
    return [topology["arcs"][i] for i in used]


def derive(topology: dict, areas: dict[int, str]) -> dict:
    """A plotly base map (objects `countries` and `land`) of `areas` (M49 code -> ISO3)."""
    arcs = decode_arcs(topology)
    geometries = [feature(code, areas[code], parts, arcs) for code, parts in americas_polygons(topology, sorted(areas))]
    kept = renumber(geometries, topology)
    land = [{"type": g["type"], "arcs": g["arcs"]} for g in geometries]
    return {"type": "Topology", "transform": topology["transform"], "source": SOURCE,
            "objects": {"countries": {"type": "GeometryCollection", "geometries": geometries},
                        "land": {"type": "GeometryCollection", "geometries": land}},
            "arcs": kept}


def americas_areas(db: Path) -> dict[int, str]:
    """The countries and territories of the UN's Americas in a built database: M49 -> ISO3."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT code, iso3 FROM area WHERE kind = 'country' AND iso3 IS NOT NULL "
                           "AND region IN (?, ?) ORDER BY code", list(AMERICAS_PARTS)).fetchall()
    return {int(code): iso3 for code, iso3 in rows}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("countries", type=Path, help="world-atlas 2.0.2 countries-50m.json")
    parser.add_argument("--db", type=Path, default=Path("data/migdash.duckdb"))
    parser.add_argument("--out", type=Path, default=Path("dashboard/assets/topojson/world_50m.json"))
    args = parser.parse_args(argv)
    topology = derive(json.loads(args.countries.read_text(encoding="utf-8")), americas_areas(args.db))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(topology, separators=(",", ":")), encoding="utf-8")
    shapes = topology["objects"]["countries"]["geometries"]
    print(f"wrote {args.out}: {len(shapes)} areas, {len(topology['arcs'])} arcs, {args.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
