"""Pseudo-translation: accented, lengthened text with every piece of markup kept.

A pseudo-locale shows, without a translator, whether layout survives longer text with
diacritics and whether rendering keeps the structure of every article.
"""

from __future__ import annotations

from collections.abc import Collection

from .segment import literal_text_spans

PSEUDO_LOCALE = "en_XA"
"""CLDR's pseudo-locale for accented, lengthened English."""

_ACCENTS = str.maketrans(
    "AaCcEeGgIiLlNnOoRrSsTtUuYyZz",
    "ÅåÇçÉéĜĝÎîĻļÑñÖöŔŕŠšŢţÛûÝýŽž",
)
_DOUBLE = str.maketrans({v: v * 2 for v in "åéîöûýÅÉÎÖÛÝ"})


def pseudo_text(text: str, labels: Collection[str] = ()) -> str:
    """Accent and lengthen the prose of inline Markdown, leaving code, URLs and HTML alone.

    >>> pseudo_text("See [the docs](https://example.org) and `code`.")
    'Šéééé [ţhéé dööçš](https://example.org) ååñd `code`.'
    """
    out = []
    cursor = 0
    for start, end in literal_text_spans(text, labels):
        out.append(text[cursor:start])
        out.append(text[start:end].translate(_ACCENTS).translate(_DOUBLE))
        cursor = end
    out.append(text[cursor:])
    return "".join(out)
