"""The day a claim was stated, read from the free text importers keep in
``review.claim_date`` ("2019-10-22", "2020-03-14T00:00:00Z", "October 22, 2019",
"22 October 2019")."""

from __future__ import annotations

import re
from datetime import date

# English names on purpose: calendar.month_name follows the locale, the importers' sources don't.
_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
_MONTHS = {**{n: i for i, n in enumerate(_NAMES, 1)}, **{n[:3]: i for i, n in enumerate(_NAMES, 1)},
           "sept": 9}
_ISO_RE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")
_WRITTEN_RE = re.compile(r"\b([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})\b")      # October 22, 2019
_DAY_FIRST_RE = re.compile(r"\b(\d{1,2}) ([A-Za-z]{3,9})\.?,? (\d{4})\b")     # 22 October 2019


def stated_day(text: str) -> date | None:
    """The calendar day in ``text`` (ISO 8601 at the start, or "Month D, YYYY" or
    "D Month YYYY" anywhere), or None."""
    if m := _ISO_RE.match(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif (m := _WRITTEN_RE.search(text)) and m[1].lower() in _MONTHS:
        year, month, day = int(m[3]), _MONTHS[m[1].lower()], int(m[2])
    elif (m := _DAY_FIRST_RE.search(text)) and m[2].lower() in _MONTHS:
        year, month, day = int(m[3]), _MONTHS[m[2].lower()], int(m[1])
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:  # "2019-02-30"
        return None
