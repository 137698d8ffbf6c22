"""Splice translations into an article's source: Markdown that keeps every other byte, and HTML."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import babel.dates
import jinja2
import tomlkit
import yaml

from .model import Article, Key, Unit, UnitKind
from .segment import markdown_to_html

# Text at the start of a line that would turn a paragraph line into another block.
_BLOCK_START = re.compile(
    r"^(?P<indent>[ ]{0,3})(?:(?P<mark>#{1,6}|[-+*]|>)(?=[ \t]|$)|(?P<num>\d{1,9})(?P<delim>[.)])(?=[ \t]|$)"
    r"|(?P<fence>```(?!.*`)|~~~)|(?P<rule>[=]+[ \t]*$|(?:[-*_][ \t]*){3,}$))"
)
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_UNESCAPED_QUOTE = re.compile(r"(?<!\\)([\"'()])")


def render_markdown(
    article: Article,
    translations: Mapping[Key, str],
    *,
    locale: str,
    mark_fallback: bool = False,
) -> str:
    """Return the article in ``locale``: translated units replaced, every other byte kept.

    ``translations`` holds only text fit to publish (no fuzzy entries). With
    ``mark_fallback``, source text left in a foreign page is wrapped in a ``<span lang>``
    so HTML tells browsers and screen readers which language it is in.
    """
    data = article.text.encode()
    edits: list[tuple[int, int, str]] = []
    toml = article.front_matter is not None and article.front_matter.format == "toml"
    for unit in article.units:
        translated = translations.get(unit.key)
        if toml and unit.kind is UnitKind.FRONT_MATTER:
            continue  # rewritten as a whole below, with tomlkit
        if translated is not None and translated != unit.msgid:
            edits.append((unit.start, unit.end, _format(unit, translated, article.newline)))
        elif mark_fallback and locale != article.lang and unit.kind is not UnitKind.IMAGE_ALT:
            if unit.kind is not UnitKind.FRONT_MATTER:
                source = data[unit.start : unit.end].decode()
                edits.append((unit.start, unit.end, _lang_span(source, article.lang)))
    if toml:
        edits.append(_toml_edit(article, translations, locale))
    else:
        edits.extend(_lang_edit(article, locale))
    out = []
    cursor = 0
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1])):
        out.append(data[cursor:start].decode())
        out.append(text)
        cursor = end
    out.append(data[cursor:].decode())
    prefix = "" if not article.bom else "\ufeff"
    return prefix + "".join(out)


def _lang_span(text: str, lang: str) -> str:
    return f'<span lang="{html.escape(lang)}">{text}</span>'


def _format(unit: Unit, text: str, newline: str) -> str:
    if unit.kind is UnitKind.FRONT_MATTER:
        return yaml_scalar(text)
    lines = text.split("\n")
    if not unit.multiline:
        lines = [" ".join(line.strip() for line in lines)]
    lines = [escape_line_start(line) for line in lines]
    if unit.kind is UnitKind.LINK_TITLE:
        lines = [_UNESCAPED_QUOTE.sub(r"\\\1", line) for line in lines]
    if unit.kind in (UnitKind.TABLE_HEADER, UnitKind.TABLE_CELL):
        lines = [_UNESCAPED_PIPE.sub(r"\\|", line) for line in lines]
    text = (unit.hard_break + newline + unit.prefix).join(lines)
    if unit.label is not None:
        return f"{text}][{unit.label}]"
    return text


def escape_line_start(line: str) -> str:
    r"""Escape what would start a new block if a translated line began with it.

    >>> escape_line_start("# not a heading")
    '\\# not a heading'
    >>> escape_line_start("2026. rok")
    '2026\\. rok'
    """
    match = _BLOCK_START.match(line)
    if match is None:
        return line
    at = len(match.group("indent"))
    if match.group("num") is not None:
        at += len(match.group("num"))
    return line[:at] + "\\" + line[at:]


def yaml_scalar(text: str) -> str:
    """Write a string as a one-line YAML scalar: plain when that reads back the same.

    Plain only if it reads back in block and in flow context (``[a, b]``) alike.
    """
    if "\n" not in text and text == text.strip() and text:
        try:
            if yaml.safe_load(f"k: {text}") == {"k": text} and yaml.safe_load(
                f"k: [{text}]"
            ) == {"k": [text]}:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


def _toml_edit(
    article: Article, translations: Mapping[Key, str], locale: str
) -> tuple[int, int, str]:
    """Rewrite TOML front matter with its translated values and ``lang``, keeping the rest."""
    front = article.front_matter
    assert front is not None
    data = article.text.encode()
    document = tomlkit.parse(data[front.body_start : front.body_end].decode())
    for unit in article.units:
        translated = translations.get(unit.key)
        if unit.kind is UnitKind.FRONT_MATTER and translated is not None:
            _toml_set(document, unit.detail.split("."), unit.msgid, translated)
    document["lang"] = locale
    return front.body_start, front.body_end, tomlkit.dumps(document)


def _toml_set(table: Any, path: Sequence[str], old: str, new: str) -> None:
    for part in path[:-1]:
        table = table.get(part)
        if table is None:
            return
    value = table.get(path[-1])
    if isinstance(value, list):
        for i, item in enumerate(value):
            if item == old:
                value[i] = new
    elif value == old:
        table[path[-1]] = new


def _lang_edit(article: Article, locale: str) -> list[tuple[int, int, str]]:
    front = article.front_matter
    if front is None:
        nl = article.newline
        return [(0, 0, f"---{nl}lang: {locale}{nl}---{nl}")]
    if front.lang_span is not None:
        return [(front.lang_span[0], front.lang_span[1], locale)]
    return [(front.body_end, front.body_end, f"lang: {locale}{article.newline}")]


# -- HTML pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Alternate:
    """Another language version of a page, for hreflang links and the language switcher."""

    locale: str
    href: str
    name: str


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("locpipe", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def language_name(locale: str) -> str:
    """The language's own name for the switcher, such as 'polski' or 'English'."""
    name = babel.Locale.parse(locale).get_display_name(locale) or locale
    return name[:1].upper() + name[1:] if locale.startswith("en") else name


def render_html(
    article: Article,
    markdown: str,
    *,
    locale: str,
    translations: Mapping[Key, str],
    alternates: Sequence[Alternate],
    default_href: str,
) -> str:
    """Wrap the localised article's HTML in a complete, readable page."""
    body = markdown_to_html(_strip_front_matter(markdown))
    data = article.front_matter.data if article.front_matter else {}
    title = _field(data, "title", translations) or article.name
    description = _field(data, "description", translations)
    title_lang = None if (("title", str(data.get("title"))) in translations) else article.lang
    date = data.get("date")
    page = _environment().get_template("article.html")
    return page.render(
        lang=locale,
        title=title,
        title_lang=title_lang if title_lang != locale else None,
        description=description,
        date_iso=date.isoformat() if isinstance(date, dt.date) else None,
        date_text=_format_date(date, locale),
        body=jinja2.utils.markupsafe.Markup(body),
        alternates=alternates,
        default_href=default_href,
    )


def _field(data: Mapping[str, object], key: str, translations: Mapping[Key, str]) -> str | None:
    value = data.get(key)
    if not isinstance(value, str):
        return None
    return translations.get((key, value), value)


def _format_date(value: object, locale: str) -> str | None:
    if isinstance(value, dt.date):
        return str(babel.dates.format_date(value, format="long", locale=locale))
    return None


def _strip_front_matter(markdown: str) -> str:
    match = re.match(
        r"\ufeff?(?:---[ \t]*\r?\n.*?^(?:---|\.\.\.)|\+\+\+[ \t]*\r?\n.*?^\+\+\+)[ \t]*(?:\r?\n|\Z)",
        markdown, re.DOTALL | re.MULTILINE,
    )
    return markdown[match.end():] if match else markdown
