"""What a figure is about, in the reader's language: 'South America, international migrants 2020',
'migrants from Venezuela in Peru 2021', 'Darién route, migrants dead and missing 2022'. One
wording for the paragraph checker's rows (/check) and the registry's figures (/claims)."""

from __future__ import annotations

from readside.text import t

# Metrics the registry has worded since before the checker read every source (claims.metric.*).
REGISTRY_WORDED = {"stock", "change_percent", "flow_change_percent", "ratio", "remittances", "remittances_change_percent"}


def metric_label(lang: str, metric: str, *, area: str = "", origin: str = "", detail: str | None = None,
                 sex: str = "total", year: object = "", base: object = "") -> str:
    """The checker's words for a figure (scan.metric.*): its area (or an IOM route), origin, kind and year."""
    key = f"scan.metric.{metric}" + (f"_{sex}" if metric == "stock" and sex != "total" else "")
    detail_words = t(lang, f"scan.detail.{detail}") if detail else ""
    origin_words = origin if metric == "corridor" else t(lang, "scan.origin", origin=origin) if origin else ""
    area = area or (detail_words if metric == "dead_missing" else "")
    sex_words = t(lang, f"scan.sex.{sex}") if sex != "total" else ""
    text = t(lang, key, area=area, year=year if year is not None else "", base=base if base is not None else "",
             origin=origin_words, detail=detail_words, sex=sex_words)
    return " ".join(text.split()).strip(" ,")
