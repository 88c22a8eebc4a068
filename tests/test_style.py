"""The one figure style (readside/style.py): colours belong to entities, ticks are round."""

from __future__ import annotations

from readside import style


def test_each_subregion_has_one_colour_and_they_differ():
    subregions = [style.CARIBBEAN, style.CENTRAL_AMERICA, style.SOUTH_AMERICA, 905, 904, style.AMERICAS]
    colours = [style.area_colour(code) for code in subregions]
    assert len(set(colours)) == len(colours)
    assert style.area_colour(918) == style.area_colour(905) and style.area_colour(1830) == style.area_colour(904)
    assert style.area_colour("931") == style.area_colour(931.0) == style.area_colour(931)


def test_countries_never_share_a_colour_with_a_subregion_or_each_other():
    countries = set(style.COUNTRY_COLOURS.values())
    assert len(countries) == len(style.COUNTRY_COLOURS)
    assert not countries & {style.area_colour(c) for c in (904, 905, 915, 916, 931)}


def test_a_chart_never_draws_two_series_alike_and_keeps_fixed_colours():
    keys = [862, 999, 998, 332, 997]  # two curated countries, three without a colour of their own
    colours = style.colours_for(keys)
    assert len(set(colours)) == len(keys)
    assert colours[0] == style.COUNTRY_COLOURS[862] and colours[3] == style.COUNTRY_COLOURS[332]
    assert style.colours_for(["women", "men"], measures=True) == [style.MEASURE_COLOURS["women"],
                                                                   style.MEASURE_COLOURS["men"]]


def test_ticks_are_round_and_cover_the_range():
    assert style.nice_ticks(0, 155e9) == [0, 50e9, 100e9, 150e9, 200e9]
    assert style.nice_ticks(-350_000, 1_200_000)[:2] == [-500_000, 0]
    assert style.nice_ticks(0, 0)[0] == 0 and style.nice_ticks(0, 0)[-1] >= 1
    assert style.year_ticks(range(1970, 2025)) == list(range(1970, 2021, 10))
    assert style.year_ticks([1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024]) == [1990, 1995, 2000, 2005, 2010,
                                                                                   2015, 2020, 2024]
    assert style.year_basis("unhcr") == "end_year" and style.year_basis("undesa_ims") == "mid_year"
