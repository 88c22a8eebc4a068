"""The words of the four languages the checker reads: qualifiers, scales, and what a figure is about.

Why one module: every rule of the checker looks words up here, so adding a wording ("superó
los", "bilhões", "saldo migratorio") is one edit, and the corpus test (tests/data/scan_corpus)
shows at once what it changes. Matching is on `fold`ed text (lower case, no accents, one
character for one so offsets stay those of the text) and at word starts ("migrant" finds
"migrantes"); the words of all four languages are looked for in every text, since a Spanish
paragraph may quote an English series name and the nouns below do not collide across languages.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

QUALIFIERS = {
    "around": ["around", "about", "approximately", "roughly", "some", "close to", "an estimated", "alrededor de",
               "aproximadamente", "unos", "unas", "cerca de", "en torno a", "aproximadamente unos", "environ",
               "approximativement", "autour de", "quelque", "près d'un", "em torno de", "por volta de", "cerca de",
               "aproximadamente"],
    "nearly": ["nearly", "almost", "just under", "casi", "poco menos de", "près de", "presque", "quase", "pouco menos de"],
    "more than": ["more than", "over", "above", "in excess of", "exceeded", "surpassed", "topped", "exceeding",
                  "más de", "por encima de", "superó", "superaron", "superaba", "superaban", "supera", "superan",
                  "sobrepasó", "plus de", "au-delà de", "dépassé", "dépassait", "dépasse", "mais de", "acima de",
                  "superou", "superaram", "ultrapassou", "ultrapassaram"],
    "less than": ["less than", "fewer than", "under", "below", "menos de", "por debajo de", "moins de",
                  "en dessous de", "abaixo de"],
}
ARTICLES = r"(?:el|la|los|las|del|de|le|les|o|a|os|as|the|un|una|um|uma)"
SCALES = {  # word -> power of ten
    "mil millones": 9, "miles de millones": 9, "mil milhões": 9, "billion": 9, "billions": 9, "bn": 9, "milliard": 9,
    "milliards": 9, "bilhão": 9, "bilhões": 9, "million": 6, "millions": 6, "millón": 6, "millones": 6,
    "milhão": 6, "milhões": 6, "thousand": 3, "mil": 3, "mille": 3, "milliers": 3,
}
PERCENT = r"\s?%|\s+per\s?cent|\s+percent|\s+por\s+ciento|\s+pour\s?cent|\s+por\s+cento"
CURRENCY_BEFORE = r"us\s?\$|usd|\$"  # matched on folded (lower-case) text
CURRENCY_AFTER = r"(?:de\s+)?(?:US\s?dollars|dollars|dólares|USD|US\$)"
MULTIPLES = {"two": 2, "three": 3, "four": 4, "five": 5, "ten": 10, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
             "diez": 10, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "dix": 10, "duas": 2, "três": 3,
             "quatro": 4, "dez": 10}
TIMES = r"times|veces|fois|vezes"

# What a figure is about. A kind names the series family; `metric_of` in ties.py turns kinds into metrics.
KEYWORDS = {
    "remittances": ["remittance", "remesa", "envois de fonds", "transferts de fonds", "transferts d'argent", "remessa"],
    "paid": ["paid", "outflow", "outward", "sent from", "sent abroad", "pagad", "enviadas desde", "enviados desde",
             "salida", "versés", "verses", "envoyés depuis", "sortant", "pagas", "enviadas do", "enviadas dos",
             "enviadas da", "saída"],
    "gdp": ["gdp", "gross domestic product", "pib", "producto interno bruto", "producto interior bruto",
            "produit intérieur brut", "produto interno bruto"],
    "refugees": ["refugee", "refugiad", "réfugié", "refugie"],
    "asylum_seekers": ["asylum-seeker", "asylum seeker", "solicitantes de asilo", "solicitante de asilo",
                       "demandeurs d'asile", "demandeuses d'asile", "demandeur d'asile", "solicitantes de refúgio",
                       "requerentes de asilo", "solicitantes de refugio"],
    "oip": ["in need of international protection", "necesitan protección internacional",
            "necesidad de protección internacional", "besoin d'une protection internationale",
            "besoin de protection internationale", "necessidade de proteção internacional",
            "necessitam de proteção internacional"],
    "displaced_abroad": ["displaced abroad", "displaced across borders", "desplazados en el extranjero",
                         "desplazadas en el extranjero", "desplazados fuera de", "déplacés à l'étranger",
                         "déplacées à l'étranger", "deslocados no exterior", "deslocados no estrangeiro",
                         "deslocadas no exterior"],
    "net_migration": ["net migration", "net migrants", "net international migration", "saldo migratorio",
                      "migración neta", "migracion neta", "solde migratoire", "migration nette", "saldo migratório",
                      "migração líquida", "migração internacional líquida"],
    "dead_missing": ["dead and missing", "died or went missing", "died or disappeared", "deaths and disappearances",
                     "migrant deaths", "lost their lives", "died", "deaths", "perished", "muertos y desaparecidos",
                     "murieron o desaparecieron", "muertes", "murieron", "perdieron la vida", "fallecidos",
                     "fallecieron", "morts et disparus", "sont morts ou ont disparu", "décès", "morts", "ont péri",
                     "ont perdu la vie", "mortos e desaparecidos", "morreram ou desapareceram", "mortes", "morreram",
                     "perderam a vida", "mortos"],
    "new_displacements": ["new displacements", "new internal displacements", "internal displacements",
                          "displacements", "nuevos desplazamientos", "desplazamientos internos", "desplazamientos",
                          "nouveaux déplacements", "déplacements internes", "déplacements", "novos deslocamentos",
                          "deslocamentos internos", "deslocamentos"],
    "disaster": ["disaster", "desastre", "catástrofe", "catastroph", "désastre", "catastrophe"],
    "conflict": ["conflict", "violence", "conflicto", "violencia", "conflit", "conflito", "violência"],
    "inflows": ["inflow", "entries", "admissions", "new immigrants", "entradas", "flujos de entrada", "llegadas",
                "entrées", "flux d'entrée", "admissions", "fluxos de entrada", "chegadas", "new permanent immigrants"],
    "permanent": ["permanent", "permanente"],
    "temporary": ["temporary", "temporal", "temporales", "temporaire", "temporário", "temporária", "temporários"],
    "foreign_population": ["foreign population", "foreign nationals", "foreigners", "población extranjera",
                           "extranjeros", "population étrangère", "étrangers", "população estrangeira",
                           "estrangeiros"],
    "flows": ["flow", "movement", "flujo", "movimiento", "flux", "fluxo", "movimento"],
    "change": ["increase", "grew", "grown", "growth", "rise", "rose", "jump", "up by", "more than doubled", "fell",
               "decline", "aument", "crec", "increment", "hausse", "augment", "progress", "croissance",
               "crescimento", "cresceu", "subiu", "disminu", "baisse", "queda"],
    "population": ["of the population", "of the total population", "of its population", "de la población",
                   "de la population", "da população", "de su población", "de sa population", "da sua população",
                   "of the country's population", "de la población total", "da população total"],
    "migrants": ["migrant", "immigrant", "migrante", "inmigrante", "immigré", "imigrante", "foreign-born",
                 "born abroad", "nacidos en el extranjero", "nés à l'étranger", "nascidos no exterior",
                 "migración internacional", "población inmigrante", "population immigrée", "população imigrante",
                 "immigrant population"],
    "women": ["women", "female", "females", "mujeres", "femmes", "mulheres", "migrant women"],
    "men": ["men", "male", "males", "hombres", "hommes", "homens"],
    "negative": ["negative", "negativo", "negativa", "négatif", "négative", "net emigration", "emigración neta",
                 "émigration nette", "emigração líquida", "net loss", "pérdida neta", "perte nette", "perda líquida"],
    "previous_year": ["previous year", "year before", "año anterior", "année précédente", "ano anterior"],
    "parts": ["including", "of which", "of whom", "among them", "de los cuales", "de las cuales", "entre ellos",
              "incluidos", "dont", "parmi lesquels", "parmi lesquelles", "dos quais", "das quais", "incluindo",
              "entre eles"],
    "origin": ["from", "born in", "procedentes de", "provenientes de", "originarios de", "nacidos en",
               "originaires de", "venant de", "nés en", "oriundos de", "nascidos em", "nacionales de",
               "ressortissants de", "originários de", "originaires d'", "originaire d'", "venant d'", "oriundos da",
               "oriundos do", "provenientes da", "provenientes do", "nascidos na", "nascidos no", "originários da",
               "originários do", "procedentes da", "procedentes do"],
    "comparison": ["compared with", "compared to", "up from", "down from", "against", "versus", "frente a",
                   "frente al", "frente a los", "comparado con", "en comparación con", "contra", "contre",
                   "face à", "par rapport à", "em comparação com", "frente aos", "ante"],
}
WHOLE_WORDS = {"women", "men", "parts", "origin", "previous_year", "gdp", "comparison"}

# Migration routes of IOM's Missing Migrants Project in the Americas: route key -> the route
# names the files use (merged: "Darien Gap" until 2021, "Darien" since), labels, words.
ROUTES = {
    "darien": {"names": ["Darien", "Darien Gap"],
               "label": {"en": "Darién", "es": "Darién", "fr": "Darién", "pt": "Darién"},
               "words": ["Darién", "Darien", "Darién Gap", "Darien Gap", "Tapón del Darién", "selva del Darién"]},
    "us_mexico": {"names": ["US-Mexico border crossing"],
                  "label": {"en": "US–Mexico border", "es": "frontera entre Estados Unidos y México",
                            "fr": "frontière entre les États-Unis et le Mexique",
                            "pt": "fronteira entre os Estados Unidos e o México"},
                  "words": ["US-Mexico border", "U.S.-Mexico border", "United States-Mexico border",
                            "frontera entre Estados Unidos y México", "frontera entre México y Estados Unidos",
                            "frontera México-Estados Unidos", "frontière entre les États-Unis et le Mexique",
                            "frontière américano-mexicaine", "fronteira entre os Estados Unidos e o México",
                            "fronteira EUA-México"]},
}
# IOM's incident regions of the Americas, by the M49 area a text names.
IOM_REGIONS = {900: None, 904: ["Central America", "South America", "Caribbean"], 905: ["North America"],
               915: ["Caribbean"], 916: ["Central America"], 931: ["South America"]}


class _FoldTable(dict):
    """str.translate table built as characters are met: 'É' -> 'e', 'ç' -> 'c', 'İ' stays (its lower
    case is two characters)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = (unicodedata.normalize("NFD", char)[0].lower() or char) if len(char.lower()) == 1 else char
        self[code] = folded if len(folded) == 1 else char
        return self[code]


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lower case without accents, one character for one, so offsets stay those of the text."""
    return text.translate(_FOLD)


def alternation(phrases: list[str]) -> str:
    """A regex alternation of folded phrases, longest first (so 'mil millones' wins over 'mil')."""
    return "|".join(re.escape(fold(p)) for p in sorted(set(phrases), key=len, reverse=True))


@cache
def keyword_pattern(kind: str) -> re.Pattern:
    end = r"(?!\w)" if kind in WHOLE_WORDS else ""
    return re.compile(rf"(?<!\w)(?:{alternation(KEYWORDS[kind])}){end}")


def has_keyword(kind: str, folded: str) -> bool:
    """A keyword of `kind` starts a word of `folded` ('migrant' in 'migrantes'; 'men' only as a word)."""
    return keyword_pattern(kind).search(folded) is not None


def keyword_spans(kind: str, folded: str) -> list[tuple[int, int]]:
    """Where the keywords of `kind` are in `folded`, as (start, end of the word)."""
    out = []
    for match in keyword_pattern(kind).finditer(folded):
        end = match.end()
        while end < len(folded) and (folded[end].isalnum() or folded[end] in "-'"):
            end += 1  # to the end of the word: 'migrant' -> 'migrantes'
        out.append((match.start(), end))
    return out


@cache
def route_pattern() -> re.Pattern:
    words = [w for route in ROUTES.values() for w in route["words"]]
    return re.compile(rf"(?<!\w)(?:{alternation(words)})(?!\w)")


def route_of(phrase: str) -> str:
    folded = fold(phrase)
    return next(key for key, route in ROUTES.items() if folded in {fold(w) for w in route["words"]})


@cache
def folded_table(name: str) -> dict[str, int]:
    return {fold(k): v for k, v in {"scales": SCALES, "multiples": MULTIPLES}[name].items()}


def qualifier_of(text: str | None) -> str:
    if not text:
        return "exact"
    words = " ".join(fold(text).split())
    return next(q for q, phrases in QUALIFIERS.items() if words in {fold(w) for w in phrases})
