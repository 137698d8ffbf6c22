"""The event walker of segment.py before issue #8 (speed), kept as the oracle for the new one.

Only tests import it: test_speed_equivalence.py checks that both cut every document into
the same units.
"""
# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

import pyromark

from locpipe.model import Unit, UnitKind
from locpipe.segment import (
    _ATX, _BLOCK_TAGS, _MARKER, _ONE_LINE, _REFERENCES, _VERBATIM_TAGS, OPTIONS, _join_lines,
    _Lines, _link_titles, normalize_label,
)


def _tag(value: Any) -> str:
    return value if isinstance(value, str) else next(iter(value))


@dataclass
class _Element:
    """A top-level inline element of a run, with the span of its inner content."""

    tag: str
    inner_start: int | None = None
    inner_end: int | None = None
    end: int = 0
    label: str | None = None
    """For an image whose alt text is also its reference label: the label."""


@dataclass
class _Run:
    """Consecutive inline events: the text of one unit being collected."""

    start: int
    end: int
    breaks: list[tuple[str, int, int, int]] = field(default_factory=list)
    """(kind, break start, break end, start of the next inline event)."""
    pending: tuple[str, int, int] | None = None
    depth: int = 0
    elements: list[_Element] = field(default_factory=list)
    has_words: bool = False
    autolink_depth: int = 0


class _Walker:
    """Walk pyromark events, keeping the block stack and collecting runs into units."""

    def __init__(self, data: bytes, base: int, lines: _Lines) -> None:
        self.data = data
        self.base = base
        self.lines = lines
        self.stack: list[tuple[str, Any]] = []
        self.verbatim = 0
        self.run: _Run | None = None
        self.units: list[Unit] = []
        self.setext = False
        self.labels: set[str] = set()
        """Reference labels the document's links resolve (definitions may sit anywhere)."""
        self.enabled = True
        self.off_since: int | None = None
        self.off_regions: list[tuple[int, int]] = []
        self.note: str | None = None
        self.context: str | None = None

    def feed(self, event: Any, start: int, end: int) -> None:
        start += self.base
        end += self.base
        if isinstance(event, dict) and ("Start" in event or "End" in event):
            self._container(event, start, end)
        elif not self.verbatim:
            self._inline(event, start, end)
        elif isinstance(event, dict) and "Html" in event:
            self._markers(event["Html"], start)

    def _markers(self, html: str, at: int) -> None:
        """Obey authors' comments: extraction off/on, a note or a context for the next unit."""
        for match in _MARKER.finditer(html):
            command, argument = match.group(1).lower(), (match.group(2) or "").strip()
            if command == "off" and self.enabled:
                self.enabled, self.off_since = False, at
            elif command == "on" and not self.enabled:
                self.enabled = True
                self.off_regions.append((self.off_since or 0, at))
            elif command == "note" and argument:
                self.note = argument
            elif command == "context" and argument:
                self.context = argument

    def finish(self) -> None:
        self.flush()
        if not self.enabled:
            self.off_regions.append((self.off_since or 0, len(self.data)))

    def _container(self, event: dict[str, Any], start: int, end: int) -> None:
        opening = "Start" in event
        value = event["Start"] if opening else event["End"]
        tag = _tag(value)
        if tag in _BLOCK_TAGS:
            self.flush()
            if opening:
                self.stack.append((tag, value))
                if tag == "Heading":
                    self.setext = not _ATX.match(self.data, start)
                self.verbatim += tag in _VERBATIM_TAGS
            else:
                self.stack.pop()
                self.verbatim -= tag in _VERBATIM_TAGS
            return
        if self.verbatim:
            return
        # A closing event's range starts where its element did: it cannot end a line break.
        run = self._touch(start) if opening or self.run is None else self.run
        if opening and tag in ("Link", "Image") and value[tag]["link_type"] in _REFERENCES:
            self.labels.add(normalize_label(value[tag]["id"]))
        if opening:
            self._place(run, tag, start, end)
            if tag == "Image" and run.depth == 0:
                run.elements[-1].end = end
                if value["Image"]["link_type"].startswith(("Shortcut", "Collapsed")):
                    run.elements[-1].label = value["Image"]["id"]
            run.depth += 1
            if tag == "Link" and value["Link"]["link_type"] in ("Autolink", "Email"):
                run.autolink_depth += 1
        else:
            run.depth -= 1
            if run.depth:
                self._place(run, tag, start, end)
            if tag == "Link" and run.autolink_depth:
                run.autolink_depth -= 1
        run.end = max(run.end, end)

    @staticmethod
    def _place(run: _Run, tag: str, start: int, end: int) -> None:
        """Start a new top-level element, or widen the inner span of the current one."""
        if run.depth == 0:
            run.elements.append(_Element(tag))
        elif run.elements:
            element = run.elements[-1]
            element.inner_start = start if element.inner_start is None else element.inner_start
            element.inner_end = end

    def _inline(self, event: Any, start: int, end: int) -> None:
        if event in ("SoftBreak", "HardBreak"):
            if self.run is not None:
                self.run.pending = (event, start, end)
            return
        if isinstance(event, dict) and "TaskListMarker" in event and self.run is None:
            return
        run = self._touch(start)
        run.end = max(run.end, end)
        self._place(run, _tag(event), start, end)
        if isinstance(event, dict) and "Text" in event and not run.autolink_depth:
            run.has_words = run.has_words or any(ch.isalpha() for ch in event["Text"])

    def _touch(self, start: int) -> _Run:
        """Return the open run, opening one at ``start`` or closing a pending line break."""
        if self.run is None:
            self.run = _Run(start=self._escape_start(start), end=start)
        elif self.run.pending is not None:
            kind, b_start, b_end = self.run.pending
            self.run.breaks.append((kind, b_start, b_end, max(b_end, self._escape_start(start))))
            self.run.pending = None
        return self.run

    def _escape_start(self, start: int) -> int:
        """Include a backslash escape that the parser left out of the first text event."""
        return start - 1 if start and self.data[start - 1] == 0x5C else start

    def flush(self) -> None:
        run, self.run = self.run, None
        if run is None or not run.has_words or not self.enabled:
            return
        start, end = run.start, run.end
        kind = self._kind()
        only = run.elements[0] if len(run.elements) == 1 else None
        if only is not None and only.tag == "Image" and only.inner_start is not None:
            start, end = only.inner_start, only.inner_end or only.inner_start
            start = self._escape_start(start)
            kind = UnitKind.IMAGE_ALT
        breaks = [b for b in run.breaks if start <= b[1] and b[3] <= end]
        unit = self._unit(kind, start, end, breaks)
        if kind is UnitKind.IMAGE_ALT and only is not None and only.label is not None:
            # The alt text is the reference label too: a translation must keep the label.
            unit = replace(unit, end=only.end, label=only.label)
        if self.note is not None or self.context is not None:
            unit = replace(unit, note=self.note, msgctxt=self.context)
            self.note = self.context = None
        self.units.append(unit)

    def _kind(self) -> UnitKind:
        tags = [tag for tag, _ in self.stack]
        for tag in reversed(tags):
            if tag == "Heading":
                return UnitKind.HEADING
            if tag == "TableCell":
                return UnitKind.TABLE_HEADER if "TableHead" in tags else UnitKind.TABLE_CELL
            if tag == "Item":
                return UnitKind.LIST_ITEM
            if tag == "BlockQuote":
                return UnitKind.BLOCKQUOTE
            if tag == "FootnoteDefinition":
                return UnitKind.FOOTNOTE
        return UnitKind.PARAGRAPH

    def _detail(self, kind: UnitKind) -> str:
        if kind is UnitKind.HEADING:
            for tag, value in reversed(self.stack):
                if tag == "Heading":
                    return str(value["Heading"]["level"]).lower()
        return ""

    def _unit(
        self, kind: UnitKind, start: int, end: int, breaks: list[tuple[str, int, int, int]]
    ) -> Unit:
        data = self.data
        pieces: list[str] = []
        cursor = start
        hard_style = "\\"
        for brk, b_start, b_end, nxt in breaks:
            piece = _join_lines(data[cursor:b_start].decode())
            if brk == "SoftBreak":
                pieces.append(piece.rstrip(" \t") + " ")
            else:
                hard_style = data[b_start:b_end].decode().rstrip("\r\n") or "\\"
                pieces.append(piece + "\n")
            cursor = nxt
        pieces.append(_join_lines(data[cursor:end].decode()))
        line_start = self.lines.start_of(start)
        prefix = re.sub(r"[^\s>]", " ", data[line_start:start].decode())
        one_line = kind in _ONE_LINE or (kind is UnitKind.HEADING and not self.setext)
        return Unit(
            kind=kind, msgid="".join(pieces), line=self.lines.line(start), start=start, end=end,
            detail=self._detail(kind), prefix=prefix, hard_break=hard_style,
            multiline=not one_line,
        )




def body_units(data: bytes, base: int, lines: _Lines) -> tuple[list[Unit], set[str]]:
    body = data[base:].decode()
    walker = _Walker(data, base, lines)
    for event, span in pyromark.events_with_range(body, options=OPTIONS):
        walker.feed(event, span["start"], span["end"])
    walker.finish()
    titles = [
        unit
        for unit in _link_titles(body, data, base, lines)
        if not any(a <= unit.start < b for a, b in walker.off_regions)
    ]
    return sorted([*walker.units, *titles], key=lambda u: u.start), walker.labels
