"""Links between articles: where a link to another article's Markdown file leads on each
language's page, and headings' anchors, the same in every language.

An author links to another article as to its file, relative to the article
(``other.md``, ``../blog/other.md#a-heading``). In HTML pages the link goes to the other
article's page in the same language. A heading's anchor is the slug of its *source*
text, as GitHub and Hugo make it (``## Otrzymujesz nową perspektywę`` ->
``otrzymujesz-nową-perspektywę``), on the page of every language: a link written once in
the source lands on the heading in every translation, and keeps landing there when a
translator rewords it. In Markdown output, a translated heading whose own slug would
differ carries the anchor as a heading attribute (``## New perspective {#otrzymujesz-…}``),
which Hugo, kramdown, Pandoc and MkDocs' attr_list read.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

import pyromark

from .model import Article, Key, UnitKind
from .segment import OPTIONS


def slug(text: str) -> str:
    """A heading's anchor as GitHub and Hugo make it: lower case, punctuation dropped,
    spaces as hyphens.

    >>> slug("Otrzymujesz ważną, nową perspektywę!"), slug("Step 2: `pip` & co.")
    ('otrzymujesz-ważną-nową-perspektywę', 'step-2-pip--co')
    """
    kept = "".join(c for c in text.strip().lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def _body(article: Article) -> tuple[bytes, int]:
    """The article's bytes after its front matter, and where they start."""
    data = article.text.encode("utf-8")
    start = article.front_matter.end if article.front_matter is not None else 0
    return data[start:], start


def headings(article: Article) -> tuple[tuple[int, int, str], ...]:
    """Every heading of the article, in order: its byte span in the article and its anchor
    (``-1``, ``-2``... added to a repeated one, as GitHub and Hugo do)."""
    data, offset = _body(article)
    return _headings(data, offset)


@lru_cache(maxsize=16)  # asked for the page of every language
def _headings(data: bytes, offset: int) -> tuple[tuple[int, int, str], ...]:
    found: list[tuple[int, int, str]] = []
    used: dict[str, int] = {}
    text: list[str] | None = None
    start = 0
    for event, span in _events(data):
        if isinstance(event, dict) and "Start" in event and _is_heading(event["Start"]):
            text, start = [], span["start"]
        elif isinstance(event, dict) and "End" in event and _is_heading(event["End"]):
            anchor = slug("".join(text or []))
            count = used.get(anchor, 0)
            used[anchor] = count + 1
            found.append((offset + start, offset + span["end"],
                          f"{anchor}-{count}" if count else anchor))
            text = None
        elif text is not None and isinstance(event, dict):
            for kind in ("Text", "Code"):
                if kind in event:
                    text.append(str(event[kind]))
    return tuple(found)


def _events(data: bytes) -> Iterator[tuple[Any, Mapping[str, int]]]:
    """The parser's events with their byte spans, as plain data."""
    events: Any = pyromark.events_with_range(data.decode("utf-8"), options=OPTIONS)
    yield from events


def _is_heading(value: object) -> bool:
    return (isinstance(value, dict) and "Heading" in value) or value == "Heading"


def anchored(article: Article, markdown: str, body: str, texts: Mapping[Key, str]) -> str:
    """The rendered Markdown with each heading whose text no longer gives its source anchor
    (a translated one) followed by that anchor as a heading attribute (``{#anchor}``).

    ``body`` is ``markdown`` without its front matter, ``texts`` the translations it shows.
    The rendered article has the source's blocks, so its headings are the source's, in
    order.
    """
    if not any(unit.kind is UnitKind.HEADING and unit.key in texts
               and slug(texts[unit.key]) != slug(unit.msgid) for unit in article.units):
        return markdown  # every heading gives its anchor itself
    source = [anchor for _, _, anchor in headings(article)]
    data = markdown.encode("utf-8")
    offset = len(data) - len(body.encode("utf-8"))
    found = _heading_texts(data[offset:])
    if len(found) != len(source):
        return markdown  # not the source's blocks: leave it as it is
    edits = [(offset + end, anchor) for (end, text), anchor in zip(found, source, strict=True)
             if end is not None and slug(text) != anchor and not text.rstrip().endswith("}")]
    for at, anchor in reversed(edits):
        data = data[:at] + f" {{#{anchor}}}".encode() + data[at:]
    return data.decode("utf-8")


def _heading_texts(data: bytes) -> list[tuple[int | None, str]]:
    """Each heading's text and the byte offset where its inline content ends."""
    found: list[tuple[int | None, str]] = []
    text: list[str] | None = None
    end: int | None = None
    for event, span in _events(data):
        if isinstance(event, dict) and "Start" in event and _is_heading(event["Start"]):
            text, end = [], None
        elif isinstance(event, dict) and "End" in event and _is_heading(event["End"]):
            found.append((end, "".join(text or [])))
            text = None
        elif text is not None:
            end = span["end"]
            if isinstance(event, dict):
                text.extend(str(event[kind]) for kind in ("Text", "Code") if kind in event)
    return found


def target(destination: str, name: str) -> tuple[str, str] | None:
    """The article a link leads to, and its fragment, if it is a relative link to a
    Markdown file (``../blog/other.md#part`` from ``blog/a`` -> ``("blog/other", "part")``).

    >>> target("./other.md#part", "blog/a"), target("https://x.org/a.md", "a")
    (('blog/other', 'part'), None)
    """
    parts = urlsplit(destination)
    if parts.scheme or parts.netloc or not parts.path.endswith(".md") \
            or parts.path.startswith("/"):
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path)))
    if path.startswith("../") or path == "..":
        return None  # outside the content folder: not an article
    return path[: -len(".md")], parts.fragment


def links(article: Article) -> Iterator[tuple[int, str, str]]:
    """Every link of the article to another article: its line, destination and target."""
    data, offset = _body(article)
    if b".md" not in data:
        return
    text = article.text.encode("utf-8")
    for event, span in _events(data):
        if not (isinstance(event, dict) and isinstance(event.get("Start"), dict)):
            continue
        link = event["Start"].get("Link")
        if not isinstance(link, dict):
            continue
        found = target(str(link.get("dest_url", "")), article.name)
        if found is not None:
            line = text[: offset + span["start"]].count(b"\n") + 1
            yield line, str(link["dest_url"]), found[0]


_HREF = re.compile(r'(<a\s[^>]*?href=")([^"]*)(")')
_HEADING = re.compile(r"<h([1-6])>")


def page_links(body: str, name: str, href: Callable[[str], str]) -> str:
    """Point the HTML body's links to other articles' Markdown files at their pages;
    ``href(target)`` is the link from this page to the page of article ``target``."""
    def replace(match: re.Match[str]) -> str:
        found = target(html.unescape(match.group(2)), name)
        if found is None:
            return match.group(0)
        new = href(found[0]) + (f"#{found[1]}" if found[1] else "")
        return match.group(1) + html.escape(new) + match.group(3)

    return _HREF.sub(replace, body) if ".md" in body else body


def heading_ids(body: str, anchors: Sequence[str]) -> str:
    """Give the HTML body's headings, in order, their anchors as ids; left as it is when
    the count differs (an author's raw HTML headings among them)."""
    if len(_HEADING.findall(body)) != len(anchors):
        return body
    given = iter(anchors)
    return _HEADING.sub(lambda m: f'<h{m.group(1)} id="{html.escape(next(given))}">', body)
