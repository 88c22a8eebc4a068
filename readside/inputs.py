"""What counts as a number in a URL or a callback: ASCII digits only.

Why: Python's str.isdigit() is true for '²' and '٣', which int() then refuses (a 500) or reads
as 3 (a number nobody typed); int() also takes '+12', ' 12 ' and '1_2'. One rule for every
page, download and callback: a whole number is 1 to MAX_DIGITS characters 0-9, and anything
else is not a number (the caller answers 400 or shows a notice)."""

from __future__ import annotations

import re

MAX_DIGITS = 12  # no code, year or revision is longer; '9' * 400 is not a number worth converting
_DIGITS = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")


def whole_number(value: object) -> int | None:
    """The int that `value` spells in ASCII digits (an int passes through), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return int(value)
    return None


def is_whole_number(value: object) -> bool:
    return whole_number(value) is not None
