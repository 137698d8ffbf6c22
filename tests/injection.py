"""Hostile translations and the scan that tells whether a page can do anything new.

The scan reads final HTML with ``html.parser``, as a browser's tokenizer would, and lists
what could run or lead somewhere: script elements, event-handler attributes, URLs with a
script or data scheme, meta refresh, base, form, object, embed, iframe (and the like).
A translated page must show nothing its source page does not.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from html.parser import HTMLParser

from locpipe import render, site
from locpipe.model import Article, Key, UnitKind
from locpipe.segment import OPTIONS, markdown_to_html, parse_article

ARTICLE = """\
---
title: Tytuł
---

# Nagłówek pierwszy

Akapit z [linkiem][docs] i tekstem,
złamany w dwóch wierszach.

Drugi nagłówek
--------------

- Punkt listy
- Drugi punkt
  > cytat w liście

1. Krok pierwszy

> Cytat w bloku.

| Nazwa | Opis |
|-------|------|
| Kot   | Zwierzę |

![Kot śpiący](kot.png)

![Pies][pies]

Przypis tutaj[^1] i <abbr title="Organizacja">ONZ</abbr>.

[^1]: Treść przypisu.

Ostatni akapit.

[docs]: https://example.org/docs "Tytuł linku"
[pies]: pies.png
"""
"""A source article with a unit of every kind (but front matter, which is not Markdown)."""

ELEMENTS = frozenset({"script", "meta", "base", "form", "object", "embed", "iframe", "frame",
                      "frameset", "applet", "link", "style", "svg", "math", "template",
                      "portal", "input", "button", "textarea", "select"})
"""Elements that can run script, load something or send a form: none may come from a
translation."""
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "data", "srcset",
                            "poster", "background", "xlink:href", "codebase", "cite",
                            "longdesc", "lowsrc", "dynsrc", "ping", "manifest"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def scheme(url: str) -> str | None:
    """The scheme of a URL as a browser reads it (controls and spaces ignored)."""
    match = _SCHEME.match(_INVISIBLE.sub("", url).lower())
    return match.group(1) if match else None


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ELEMENTS:
            self.found[f"<{tag}>"] += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.found[f"{tag} {name}="] += 1
            elif name in URL_ATTRIBUTES and value is not None:
                found = scheme(value)
                if found not in (None, "http", "https", "mailto", "tel", "ftp", "ftps"):
                    self.found[f"{tag} {name}={value}"] += 1
            elif name == "http-equiv" or (name == "style" and "url(" in (value or "")):
                self.found[f"{tag} {name}={value}"] += 1

    handle_startendtag = handle_starttag


def scan(html: str) -> Counter[str]:
    """What in a piece of HTML could run script, load or send something (see module doc)."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.found


def new_in(translated: str, source: str) -> Counter[str]:
    """What the scan finds in a translated page that it does not find in the source's."""
    return scan(translated) - scan(source)


def article(text: str = ARTICLE) -> Article:
    return parse_article(text, name="a", path="content/a.md", default_lang="pl")


def page_markdown(source: Article, translations: Mapping[Key, str], *,
                  html: bool = True) -> str:
    """The localised Markdown of an article, as `render` makes it for HTML (``html``) or
    for a static site generator."""
    texts = site.neutralised(source, translations)
    if not html:
        return render.render_markdown(source, texts, locale="en")
    marked = render.render_markdown(source, texts, locale="en", mark_fallback=True)
    return render.strip_front_matter(marked)


def page_html(source: Article, translations: Mapping[Key, str]) -> str:
    return markdown_to_html(page_markdown(source, translations))


def markdown_html(markdown: str) -> str:
    """A rendered ``.md`` file as a CommonMark site generator would show it (pyromark)."""
    import pyromark

    return str(pyromark.html(render.strip_front_matter(markdown), options=OPTIONS))


def body_units(source: Article) -> list[UnitKind]:
    return [u.kind for u in source.units if u.kind is not UnitKind.FRONT_MATTER]


BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote",
                    "table", "thead", "tbody", "tr", "th", "td", "pre", "hr", "div", "section",
                    "dl", "dt", "dd", "input", "details", "figure", "main", "article"})


class _Skeleton(HTMLParser):
    def __init__(self, only: frozenset[str] | None) -> None:
        super().__init__(convert_charrefs=True)
        self.only = only
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.only is None or tag in self.only:
            self.tags.append(tag)

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if self.only is None or tag in self.only:
            self.tags.append("/" + tag)


def skeleton(html: str, *, only: frozenset[str] | None = BLOCKS) -> list[str]:
    """The element structure of a page: its block elements in order (all elements when
    ``only`` is None)."""
    reader = _Skeleton(only)
    reader.feed(html)
    reader.close()
    return reader.tags


PAYLOADS = (
    # 1. Reference definitions a translator writes, and links that would use them.
    "[evil]: javascript:alert(1)",
    "[evil]: &#106;avascript:alert(1)",
    "[evil]: <javascript:alert(1)>",
    "[pic]: data:text/html,<script>alert(1)</script>",
    "[docs]: javascript:alert(1)",
    "[Docs]:\njavascript:alert(1)",
    "[^1]: <script>alert(1)</script>",
    "> [evil]: javascript:alert(1)",
    "- [evil]: vbscript:msgbox(1)",
    "Click [here][evil] now, ![pic][pic] and [evil] and [docs][]",
    # 2. Block structure.
    "[x]: /<script>alert(1)</script>",
    "    <img src=x onerror=alert(1)>",
    "\t<img src=x onerror=alert(1)>",
    " \t <svg onload=alert(1)>",
    "a\n```\n<script>alert(1)</script>\n```",
    "a\n~~~\n<script>alert(1)</script>",
    "```\n<script>alert(1)</script>",
    "````html\n<img src=x onerror=alert(1)>",
    "a\n<script>alert(1)</script>",
    "a\n<div onclick=alert(1)>x</div>",
    "a\n\n<img src=x onerror=alert(1)>",
    "a\r<img src=x onerror=alert(1)>",
    "a\r\n\r\n    <img src=x onerror=alert(1)>",
    "a | <img src=x onerror=alert(1)> | b",
    "a\n|-|-|\n<img src=x onerror=alert(1)>",
    "# <img src=x onerror=alert(1)>",
    "a\n---\n<img src=x onerror=alert(1)>",
    "a\n===",
    "<!-- x\n--> <script>alert(1)</script>",
    "<abbr title=\"Organizacja\">\n<script>alert(1)</script>",
    # 3. Closing what the unit sits in.
    "a\\] <script>alert(1)</script> \\[b",
    "a\\](x) \\[click\\](javascript:alert(1)) \\[b",
    "a](javascript:alert(1)) [b",
    "a\\\\](javascript:alert(1)) \\\\[b",
    "a\\",
    "a\" onmouseover=\"alert(1)",
    "a\\\" onmouseover=\\\"alert(1)",
    "x](https://e.org/ \"t\") <img src=x onerror=alert(1)> [y",
    # 4. HTML that does something.
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    'x <meta http-equiv="refresh" content="0;url=https://evil.example"> y',
    '<base href="https://evil.example/">',
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=javascript:alert(1)></object> <embed src=javascript:alert(1)>",
    "<abbr title=\"Organizacja\" onclick=alert(1)>ONZ</abbr>",
    "<abbr title=\"Organizacja\"/onclick=alert(1)>ONZ</abbr>",
    "[a](javascript:alert(1)) ![b](data:text/html,x) <javascript:alert(1)>",
    "[a](java&#115;cript:alert(1)) [b]( JaVaScRiPt:alert(1))",
    "[a [b](javascript:alert(1))](https://ok.example)",
    "&lt;script&gt;alert(1)&lt;/script&gt; &#60;script&#62;",
)
"""Translations that tried to make a page do something (issue #20), each for every unit."""
