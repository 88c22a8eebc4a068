"""Origin x destination data end to end: a generated origin workbook beside the real ones.

The origin x destination figures here are synthetic fixtures (the real workbook is not in
../shared yet); the destination totals they are reconciled with are the publisher's.
"""

from __future__ import annotations

from readside import queries
from readside.queries import Database
from readside.transform import REST, subregion_links
from tests.workbooks import SUBREGIONS


def test_origin_rows_are_loaded_beside_the_destination_totals(od_db):
    db = Database(od_db)
    assert queries.has_origin_data(db, 2020) and not queries.has_origin_data(db, 2024)
    other = db.rows("SELECT migrants FROM stock WHERE revision = 2020 AND year = 2020 AND sex = 'total' AND origin_code = 2003")
    assert other == [(100,)]  # the "Other" origin is kept


def test_links_into_each_subregion_add_up_to_its_published_total(od_db):
    db = Database(od_db)
    totals = queries.stock_series(db, 2020, list(SUBREGIONS))
    totals = totals[totals["year"] == 2020]
    links = subregion_links(queries.flows_between(db, 2020, 2020, list(SUBREGIONS)), totals)
    inflow = links[links["destination_code"] != REST].groupby("destination_code")["migrants"].sum()
    assert inflow.to_dict() == totals.set_index("area_code")["migrants"].to_dict()
    outflow_central = links[(links["origin_code"] == 916) & (links["destination_code"] == REST)]["migrants"].item()
    assert outflow_central == 60_000 - 40_000 - 5_000


def test_top_corridors_rank_country_pairs_touching_the_americas(od_db):
    top = queries.top_corridors(Database(od_db), 2020, 2020, 1990)
    assert list(zip(top["origin_code"], top["destination_code"], strict=True))[:2] == [(484, 840), (862, 170)]
    assert (top["base_migrants"] == top["migrants"]).all()  # the fixture holds the same value every year


def test_country_partners(od_db):
    db = Database(od_db)
    origins = queries.top_partners(db, 2020, 2020, 840, direction="origins")
    assert origins["area_code"].tolist() == [484]  # "Other" (2003) is not a country
    destinations = queries.top_partners(db, 2020, 2020, 862, direction="destinations")
    assert destinations["area_code"].tolist() == [170]
