"""render.py's unit formatting before issue #8 (speed), kept as the oracle for the new one."""
# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

from locpipe.model import Unit, UnitKind
from locpipe.render import _BLOCK_START, _UNESCAPED_PIPE, _UNESCAPED_QUOTE, yaml_scalar


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


