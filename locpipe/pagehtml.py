"""Finish the HTML of an article's body the way readers expect of footnotes and task lists.

The Markdown renderer puts each footnote where it is defined, as a bare number and its
text, and writes a task-list item as a list item holding a checkbox, so the page shows
both a bullet and a box. :func:`finish` gathers the footnotes into one section at the end,
numbered, separated from the text, each with links back to where it is referred to, and
marks task-list items so that the style sheet drops their bullet. Pure: text in, text out.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

_DEFINITION = re.compile(
    r'<div class="footnote-definition" id="(?P<id>[^"]*)">'
    r'<sup class="footnote-definition-label">(?P<number>[^<]*)</sup>\n?')
_REFERENCE = re.compile(
    r'<sup class="footnote-reference"><a href="#(?P<id>[^"]*)">(?P<number>[^<]*)</a></sup>')
_DIV = re.compile(r"<(/?)div\b[^>]*>")
_TASK = re.compile(r'<li>(?P<p>\n?<p>)?(?=<input disabled="" type="checkbox")')
_LAST_PARAGRAPH = re.compile(r"</p>\s*\Z")


@dataclass
class _Note:
    id: str
    number: str
    body: str
    references: list[str] = field(default_factory=list)


def finish(body: str) -> str:
    r"""The body with its footnotes at the end, linked both ways, and its task items marked.

    >>> page = finish('<p>Text<sup class="footnote-reference"><a href="#n">1</a></sup>.</p>\n'
    ...               '<div class="footnote-definition" id="n">'
    ...               '<sup class="footnote-definition-label">1</sup>\n<p>Note.</p>\n</div>\n')
    >>> print(page.replace(' role="doc-noteref"', '').replace(' role="doc-backlink"', ''))
    <p>Text<sup class="footnote-ref"><a href="#fn-n" id="fnref-n">1</a></sup>.</p>
    <section class="footnotes" role="doc-endnotes">
    <ol>
    <li id="fn-n" value="1">
    <p>Note. <a href="#fnref-n" class="footnote-backref" aria-label="↩ 1">↩</a></p>
    </li>
    </ol>
    </section>
    <BLANKLINE>
    """
    body = _TASK.sub(lambda m: f'<li class="task">{m.group("p") or ""}', body)
    if "footnote-" not in body:
        return body
    body, notes = _take_definitions(body)
    body = _REFERENCE.sub(lambda m: _reference(m, notes), body)
    shown = [note for note in notes.values() if note.body.strip()]
    if not shown:
        return body
    shown.sort(key=lambda n: (int(n.number) if n.number.isdigit() else 0, n.number))
    items = "".join(_item(note) for note in shown)
    section = f'<section class="footnotes" role="doc-endnotes">\n<ol>\n{items}</ol>\n</section>\n'
    return body.rstrip("\n") + "\n" + section


def _take_definitions(body: str) -> tuple[str, dict[str, _Note]]:
    """Cut every footnote definition out of the body (nested ``<div>``s and all)."""
    notes: dict[str, _Note] = {}
    out: list[str] = []
    position = 0
    while (start := _DEFINITION.search(body, position)) is not None:
        depth, cursor, end = 1, start.end(), len(body)
        for tag in _DIV.finditer(body, start.end()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                cursor, end = tag.start(), tag.end()
                break
        else:
            cursor = end
        out.append(body[position:start.start()])
        note_id = start.group("id")
        notes.setdefault(note_id, _Note(note_id, start.group("number"),
                                        body[start.end():cursor].strip("\n")))
        position = end + (1 if body[end:end + 1] == "\n" else 0)
    out.append(body[position:])
    return "".join(out), notes


def _reference(match: re.Match[str], notes: dict[str, _Note]) -> str:
    note_id, number = match.group("id"), match.group("number")
    note = notes.setdefault(note_id, _Note(note_id, number, ""))
    anchor = f"fnref-{note_id}" + (f"-{len(note.references) + 1}" if note.references else "")
    note.references.append(anchor)
    return (f'<sup class="footnote-ref"><a href="#fn-{note_id}" id="{anchor}" '
            f'role="doc-noteref">{number}</a></sup>')


def _item(note: _Note) -> str:
    label = html.escape(note.number)
    links = " ".join(
        f'<a href="#{ref}" class="footnote-backref" role="doc-backlink" '
        f'aria-label="↩ {label}{"" if n == 0 else f" ({n + 1})"}">'
        f'↩{"" if n == 0 else f"<sup>{n + 1}</sup>"}</a>'
        for n, ref in enumerate(note.references))
    body = note.body
    if links:
        last = _LAST_PARAGRAPH.search(body)
        body = (body[:last.start()] + f" {links}</p>" if last is not None
                else f"{body}\n<p>{links}</p>")
    value = f' value="{label}"' if note.number.isdigit() else ""
    return f'<li id="fn-{note.id}"{value}>\n{body}\n</li>\n'
