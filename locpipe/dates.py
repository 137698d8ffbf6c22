"""Dates as front matter writes them: every form Hugo reads, and dates written out in English.

Hugo reads a date string with a fixed list of Go layouts (spf13/cast's ``timeFormats``);
locpipe recognises each of them, so that whatever date Hugo publishes gets its display
field. The time and zone are read only to be sure the text is a date: the display is the
calendar day as written. Forms Hugo reads as a time of day without a date (``3:04PM``,
``Jan _2 15:04:05``) are not dates here.
"""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})"
_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*"
_CLOCK = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d{1,9})?)?"
_NUMERIC_ZONE = r"(?:Z|[+-]\d{1,2}(?::?\d{2})?)"
_NAMED_ZONE = r"[A-Z][A-Za-z]{1,4}(?:[+-]\d{1,2})?"
_ZONE = rf"(?:{_NUMERIC_ZONE}|{_NAMED_ZONE})"

_FORMS = [
    # 2006-01-02, RFC3339 (2006-01-02T15:04:05Z07:00), 2006-01-02T15:04:05,
    # 2006-01-02 15:04:05, and each with a zone: -0700, -07:00, Z0700, " -0700 MST"
    # (Go's Time.String()), as Hugo and YAML write them.
    rf"(?P<year>\d{{4}})-(?P<num>\d{{2}})-(?P<day>\d{{2}})"
    rf"(?:[Tt ]{_CLOCK}(?: ?{_NUMERIC_ZONE}(?: {_NAMED_ZONE})?)?)?",
    # RFC1123 and RFC1123Z (Mon, 02 Jan 2006 15:04:05 MST), and 02 Jan 2006.
    rf"(?:{_WEEKDAY},? )?(?P<day>\d{{1,2}}) {_MONTH}\.? (?P<year>\d{{4}})"
    rf"(?: {_CLOCK}(?: {_ZONE})?)?",
    # RFC822 and RFC822Z: 02 Jan 06 15:04 MST, with a two-digit year.
    rf"(?:{_WEEKDAY},? )?(?P<day>\d{{1,2}}) {_MONTH} (?P<yy>\d{{2}}) {_CLOCK}(?: {_ZONE})?",
    # RFC850: Monday, 02-Jan-06 15:04:05 MST.
    rf"{_WEEKDAY}, (?P<day>\d{{2}})-{_MONTH}-(?P<yy>\d{{2}}) {_CLOCK}(?: {_ZONE})?",
    # ANSIC, UnixDate, RubyDate: Mon Jan _2 15:04:05 [MST|-0700] 2006.
    rf"{_WEEKDAY} {_MONTH} +(?P<day>\d{{1,2}}) {_CLOCK}(?: {_ZONE})? (?P<year>\d{{4}})",
    # Written out: January 2, 2006; Jan 2 2006; Monday, January 2, 2006.
    rf"(?:{_WEEKDAY},? )?{_MONTH}\.? (?P<day>\d{{1,2}})(?:st|nd|rd|th)?,? (?P<year>\d{{4}})",
    # Written out, day first: 16 February 2019, 2nd of March 2020.
    rf"(?:{_WEEKDAY},? )?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?: of)? {_MONTH}\.?,? "
    rf"(?P<year>\d{{4}})",
]
_DATE_FORMS = [re.compile(form, re.IGNORECASE) for form in _FORMS]
_LONGEST = 80
"""No date form is longer: longer text is not a date, whatever it holds."""

HUGO_FORMS = (
    ("2006-01-02", "2026-03-05"),
    ("2006-01-02T15:04:05Z07:00 (RFC3339)", "2026-03-05T10:00:00+01:00"),
    ("2006-01-02T15:04:05Z07:00 (RFC3339, UTC)", "2026-03-05T10:00:00Z"),
    ("2006-01-02T15:04:05", "2026-03-05T10:00:00"),
    ("Mon, 02 Jan 2006 15:04:05 -0700 (RFC1123Z)", "Thu, 05 Mar 2026 10:00:00 +0100"),
    ("Mon, 02 Jan 2006 15:04:05 MST (RFC1123)", "Thu, 05 Mar 2026 10:00:00 CET"),
    ("02 Jan 06 15:04 -0700 (RFC822Z)", "05 Mar 26 10:00 +0100"),
    ("02 Jan 06 15:04 MST (RFC822)", "05 Mar 26 10:00 CET"),
    ("Monday, 02-Jan-06 15:04:05 MST (RFC850)", "Thursday, 05-Mar-26 10:00:00 CET"),
    ("2006-01-02 15:04:05.999999999 -0700 MST", "2026-03-05 10:00:00.5 +0100 CET"),
    ("2006-01-02T15:04:05-0700", "2026-03-05T10:00:00+0100"),
    ("2006-01-02 15:04:05Z0700", "2026-03-05 10:00:00+0100"),
    ("2006-01-02 15:04:05", "2026-03-05 10:00:00"),
    ("Mon Jan _2 15:04:05 2006 (ANSIC)", "Thu Mar  5 10:00:00 2026"),
    ("Mon Jan _2 15:04:05 MST 2006 (UnixDate)", "Thu Mar  5 10:00:00 CET 2026"),
    ("Mon Jan 02 15:04:05 -0700 2006 (RubyDate)", "Thu Mar 05 10:00:00 +0100 2026"),
    ("2006-01-02 15:04:05Z07:00", "2026-03-05 10:00:00+01:00"),
    ("02 Jan 2006", "05 Mar 2026"),
    ("2006-01-02 15:04:05 -07:00", "2026-03-05 10:00:00 +01:00"),
    ("2006-01-02 15:04:05 -0700", "2026-03-05 10:00:00 +0100"),
)
"""The date layouts Hugo reads (spf13/cast's list, as Go writes its reference time), each
with an example of 5 March 2026."""
WRITTEN_FORMS = (
    "16 February 2019", "16 Feb 2019", "February 16, 2019", "Feb 16 2019",
    "Saturday, 16 February 2019", "2nd of March 2020",
)
"""Dates written out in English, as blogs imported from elsewhere have them."""


def parse_date(text: str) -> dt.date | None:
    """The calendar day a front-matter string gives, or None if it is not a date.

    >>> parse_date("2019-02-16T10:00:00+01:00"), parse_date("16 February 2019")
    (datetime.date(2019, 2, 16), datetime.date(2019, 2, 16))
    >>> parse_date("2026-02-30") is None, parse_date("soon") is None
    (True, True)
    """
    text = text.strip()
    if len(text) > _LONGEST or not text[:1].isalnum():
        return None
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if match is not None:
            return _day(match.groupdict())
    return None


def _day(parts: dict[str, str | None]) -> dt.date | None:
    if parts.get("hour") is not None and not (
        int(parts["hour"] or 0) < 24 and int(parts["minute"] or 0) < 60
        and int(parts.get("second") or 0) < 60
    ):
        return None  # 25:61:00 is no time of day, so the text is no date
    year = parts.get("year")
    if year is None:
        yy = int(parts["yy"] or 0)
        year = str(1900 + yy if yy >= 69 else 2000 + yy)  # as Go reads a two-digit year
    month_name = parts.get("month")
    month = _MONTHS.get(month_name.lower()) if month_name else int(parts["num"] or 0)
    if month is None:
        return None
    try:
        return dt.date(int(year), month, int(parts["day"] or 0))
    except ValueError:  # 2026-02-30, year 0, month 13
        return None


def as_date(value: object) -> dt.date | None:
    """A front-matter value as a calendar day: a YAML or TOML date, or a string of one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return parse_date(value)
    return None
