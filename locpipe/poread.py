"""Read gettext PO catalogues several times faster than ``polib.pofile``, with the same result.

polib's reader strips, splits and dispatches every line through a state
machine and unescapes every string with a regular-expression callback, which
dominates a build that reads a thousand catalogues. :func:`parse` matches
whole entries with one compiled regular expression instead, joins continuation
lines with ``str.replace`` and builds the same ``polib.POFile``: the same
header, metadata, entries and line numbers, down to the ``0``/``1`` polib
stores in ``obsolete`` and the header's flag list it stores in
``metadata_is_fuzzy``.

The fast path reads the layout gettext tools and polib's writer produce: the
comment lines of an entry, then its keywords in order, one string per line
with nothing after the closing quote, entries separated by empty lines, ``\\n``
or ``\\r\\n`` line ends. Comment lines in gettext's order and form are read
off the expression; others go through polib's rules line by line (strip,
split, dispatch on the marker), so ``#~|`` lines, empty ``#:`` lines, ``##``
comments and the like come out as polib has them. Everything else is left to
``polib.pofile`` itself, which also raises polib's errors for syntax errors:
blanks around a keyword or string, a blank line or comment inside an entry,
``msgstr[10]``, a comment after the last entry, a character other than
``\\n`` at which ``str.splitlines`` breaks lines (a lone CR, VT, FF, U+001C..U+001E,
U+0085, U+2028, U+2029; gettext tools write the last five unescaped), a
``#|`` line polib would read otherwise, and a text that names an existing file
(polib reads that file).
"""

from __future__ import annotations

import codecs
import os
import re
import sys
from typing import Any

import polib

__all__ = ["parse"]

# The inside of a quoted string on one line, as polib reads it without
# complaint and as the unescaping below requires: every quote inside is
# escaped, and every backslash escapes the character after it.
_CONTENT = r'[^"\\\n]*+(?:\\.[^"\\\n]*+)*+'
_STR = rf'"{_CONTENT}"'
# How continuation lines join inside a field's captured content.
_JOIN, _OBSOLETE_JOIN, _PREVIOUS_JOIN = '"\n"', '"\n#~ "', '"\n#| "'


def _field(prefix: str) -> str:
    """Capture a string's content, continuation lines (after ``prefix``) included."""
    return rf'"({_CONTENT}(?:"\n{re.escape(prefix)}"{_CONTENT})*+)"\n'


# An entry's message lines (live or obsolete) and the empty lines after it.
_BODY = (
    r"(?:"
    rf"(?:msgctxt {_field('')})?"
    rf"msgid {_field('')}"
    rf"(?:msgid_plural {_field('')})?"
    rf"(?:msgstr {_field('')}|((?:msgstr\[[0-9]\] {_STR}(?:\n{_STR})*+\n)++))"
    r"|"
    rf"(?:\#~ msgctxt {_field('#~ ')})?"
    rf"\#~ msgid {_field('#~ ')}"
    rf"(?:\#~ msgid_plural {_field('#~ ')})?"
    rf"(?:\#~ msgstr {_field('#~ ')}|((?:\#~ msgstr\[[0-9]\] {_STR}(?:\n\#~ {_STR})*+\n)++))"
    r")"
    r"\n*+"
)
# The most common entry, written out so that one match reads it whole: a live
# entry without plural forms, its comment lines in the order and form gettext
# tools write them, in which their meaning to polib can be read off the
# expression (a single space after the marker, no blanks at the end, which
# polib would strip).
_COMMON = re.compile(
    r"((?:\#(?: [^\n]*\S)?\n)*+)"  # translator comments: "#" or "# text"
    r"(?:\#\. ([^\n]*\S(?:\n\#\. [^\n]*\S)*+)\n)?"  # extracted comments
    r"(?:\#: ([^\n]*\S(?:\n\#: [^\n]*\S)*+)\n)?"  # references
    r"(?:\#, ([^\n]*\S(?:\n\#, [^\n]*\S)*+)\n)?"  # flags
    rf"(?:\#\| msgctxt {_field('#| ')})?"
    rf"(?:\#\| msgid {_field('#| ')})?"
    rf"(?:msgctxt {_field('')})?"
    rf"msgid {_field('')}"
    rf"msgstr {_field('')}"
    r"(\n*+)"  # the empty lines after it, captured to count lines without a scan
)
# Any other entry: any comment lines but obsolete message lines ("#~ msgid"),
# read one by one as polib reads them, then the message lines.
_GENERAL = re.compile(r"((?:\#(?!~ )[^\n]*+\n)*+)" + _BODY)
_PLURAL = re.compile(rf"msgstr\[([0-9])\] {_field('')}")
_ONE_STR = re.compile(_STR)
_BOM = "\ufeff"
_PREVIOUS = {"msgctxt": "previous_msgctxt", "msgid": "previous_msgid"}
_PREVIOUS["msgid_plural"] = "previous_msgid_plural"
# Linux refuses paths of PATH_MAX bytes or more, so such a text names no file.
_PATH_MAX = 4096 if sys.platform == "linux" else sys.maxsize


def parse(text: str, *, wrapwidth: int = 79) -> polib.POFile:
    """Parse a PO catalogue's text into what ``polib.pofile(text, wrapwidth=wrapwidth)`` returns.

    >>> text = 'msgid ""\\nmsgstr "Language: pl\\\\n"\\n\\n#, fuzzy\\nmsgid "Hi"\\nmsgstr "Cześć"'
    >>> po = parse(text)
    >>> po.metadata, [(e.msgid, e.msgstr, e.flags, e.linenum) for e in po]
    ({'Language': 'pl'}, [('Hi', 'Cześć', ['fuzzy'], 4)])
    """
    po = _fast(text, wrapwidth=wrapwidth)
    return po if po is not None else polib.pofile(text, wrapwidth=wrapwidth)


def _unescape(value: str) -> str:
    r"""Undo polib's escapes: ``\\ \n \t \r \v \b \f \"``; others keep their backslash.

    Only for strings the reader's grammar accepted, where each backslash
    escapes the next character, so splitting at ``\\`` first leaves pieces in
    which every backslash starts an escape.
    """
    if "\\" not in value:
        return value
    return "\\".join(_unescape_piece(piece) for piece in value.split("\\\\"))


def _unescape_piece(piece: str) -> str:
    if "\\" not in piece:
        return piece
    return (
        piece.replace("\\n", "\n")
        .replace("\\t", "\t")
        .replace("\\r", "\r")
        .replace("\\v", "\v")
        .replace("\\b", "\b")
        .replace("\\f", "\f")
        .replace('\\"', '"')
    )


def _string(content: str, join: str = _JOIN) -> str:
    """Join a field's lines (captured as ``a"\\n"b``) and unescape the result."""
    # checking first spares replace() converting "join" to the width of a non-Latin-1 text
    value = content.replace(join, "") if "\n" in content else content
    return _unescape(value) if "\\" in value else value


class _Comments:
    """Apply an entry's comment lines as polib's state machine does, or give up."""

    __slots__ = ("first", "header", "in_header", "previous")

    def __init__(self, *, in_header: bool) -> None:
        self.header = ""
        self.in_header = in_header  # polib's states "st" and "he": "#" lines are the file's header
        self.first = -1  # index of the first line polib does not skip
        self.previous = ""  # the "#|" field a '#| "..."' line continues, if any

    def entry(self, m: re.Match[str], entry: dict[str, Any]) -> bool:
        """Fill ``entry`` from a ``_GENERAL`` match; False if polib might read it otherwise."""
        block = m.group(1)
        _message(m.groups(), 1, entry)
        entry["occurrences"] = []
        entry["flags"] = []
        if not self.read(block, entry):
            return False
        if self.first < 0:
            self.first = block.count("\n")
        self.in_header = False
        return True

    def read(self, block: str, entry: dict[str, Any]) -> bool:
        """Fill ``entry`` from the comment lines of ``block``; False if polib might differ."""
        self.previous = ""
        self.first = -1
        for index, raw in enumerate(block.split("\n")[:-1]):
            line = raw.strip()
            tokens = line.split(None, 2)
            keyword = tokens[0]
            if keyword == "#~|" or (len(tokens) == 1 and keyword in ("#:", "#,", "#.")):
                continue  # polib skips these lines without a change of state
            if self.first < 0:
                self.first = index
            if keyword == "#|":
                if not self._previous(line, tokens, entry):
                    return False
                continue
            self.previous = ""
            if keyword == "#:":
                entry["occurrences"] += _occurrences(line[3:])
            elif keyword == "#,":
                entry["flags"] += [flag.strip() for flag in line[3:].split(",")]
            elif keyword == "#" or keyword.startswith("##"):
                self._translator_comment(line, entry)
                continue
            elif keyword == "#.":
                comment = entry["comment"]
                entry["comment"] = (comment + "\n" if comment != "" else "") + line[3:]
            else:
                return False  # polib raises a syntax error, or reads "#~ ..." as obsolete
            self.in_header = False
        return True

    def _translator_comment(self, line: str, entry: dict[str, Any]) -> None:
        if self.in_header:
            self.header = (self.header + "\n" if self.header != "" else "") + line[2:]
            return
        comment = line.lstrip("#")
        if comment.startswith(" "):
            comment = comment[1:]
        previous = entry["tcomment"]
        entry["tcomment"] = (previous + "\n" if previous != "" else "") + comment

    def _previous(self, line: str, tokens: list[str], entry: dict[str, Any]) -> bool:
        """Read a '#|' line: a previous msgctxt, msgid or msgid_plural, or its continuation."""
        if len(tokens) < 2:
            return False
        rest = line[2:].lstrip()
        if tokens[1].startswith('"'):
            if not self.previous or not _ONE_STR.fullmatch(rest):
                return False  # polib continues whatever its state is, or raises
            entry[self.previous] += _string(rest[1:-1])
            return True
        field = _PREVIOUS.get(tokens[1]) if len(tokens) == 3 else None
        value = rest[len(tokens[1]) :].lstrip()
        if field is None or not _ONE_STR.fullmatch(value):
            return False
        entry[field] = _string(value[1:-1])
        self.previous = field
        self.in_header = False
        return True


def _occurrences(references: str) -> list[tuple[str, str]]:
    """Split the text of '#:' lines into (file, line) pairs exactly as polib does."""
    occurrences = []
    for occurrence in references.split():
        file, colon, number = occurrence.rpartition(":")
        if colon and number.isdigit():
            occurrences.append((file, number))
        else:
            occurrences.append((occurrence, ""))
    return occurrences


def _is_file(text: str) -> bool:
    """Tell whether polib would take ``text`` for a path (``polib._is_file``) and read that file."""
    if len(text) >= _PATH_MAX:
        return False
    try:
        return os.path.isfile(text)
    except (TypeError, ValueError):
        return False


def fast_parse(text: str, *, wrapwidth: int = 79) -> polib.POFile | None:
    """Parse ``text`` only if it is in the well-formed layout the fast path reads exactly.

    None means "not sure": the caller validates the text itself and falls back to polib.
    The fast path accepts nothing polib would misread (no syntax error, no stray line).
    """
    return _fast(text, wrapwidth=wrapwidth)


def _fast(text: str, *, wrapwidth: int = 79) -> polib.POFile | None:
    """Parse ``text`` if it is in the layout the fast path knows, else return None."""
    source = text.replace("\r\n", "\n") if "\r" in text else text
    if _has_other_breaks(source) or _is_file(text):
        return None
    if source.startswith(_BOM):
        source = source[1:]
    if not source.endswith("\n"):
        source += "\n"  # splitlines() gives the same lines either way
    parsed = _entries(source)
    if parsed is None:
        return None
    header, items = parsed
    return _catalogue(text, items, header=header, wrapwidth=wrapwidth)


def _has_other_breaks(source: str) -> bool:
    """Tell whether ``str.splitlines`` would break ``source`` anywhere but at "\\n"."""
    return (
        "\r" in source
        or "\x0b" in source
        or "\x0c" in source
        or "\x1c" in source
        or "\x1d" in source
        or "\x1e" in source
        or "\x85" in source
        or "\u2028" in source
        or "\u2029" in source
    )


def _entries(source: str) -> tuple[str, list[polib.POEntry]] | None:
    """Match the entries of normalised text; None where the grammar does not hold."""
    end = len(source)
    pos = 0
    while pos < end and source[pos] == "\n":
        pos += 1
    line = pos + 1  # the line number at pos
    header = ""
    comments: _Comments | None = None
    new_entry = _prototype().copy
    items: list[polib.POEntry] = []
    common = _COMMON.match
    new = object.__new__
    entry_class = polib.POEntry
    while pos < end:
        entry = new_entry()
        m = common(source, pos)
        if m is not None:
            lines = _common_entry(m.groups(), entry)
            if not items:  # polib's file header: the first entry's "#" lines
                header, entry["tcomment"] = entry["tcomment"], ""
            else:
                entry["linenum"] = line
        else:
            m = _GENERAL.match(source, pos)
            if m is None:
                return None
            if comments is None:
                comments = _Comments(in_header=not items)
            if not comments.entry(m, entry):
                return None
            if not items:
                header = comments.header
            else:
                entry["linenum"] = line + comments.first
            lines = source.count("\n", pos, m.end())
        item = new(entry_class)
        item.__dict__ = entry
        items.append(item)
        pos = m.end()
        line += lines
    return header, items


def _prototype() -> dict[str, Any]:
    """The attributes of a new ``polib.POEntry``, in the order its constructor sets them."""
    return {
        "msgid": "",
        "msgstr": "",
        "msgid_plural": "",
        "msgstr_plural": None,  # each entry gets its own dict
        "msgctxt": None,
        "obsolete": 0,
        "encoding": polib.default_encoding,
        "comment": "",
        "tcomment": "",
        "occurrences": None,  # each entry gets its own list
        "flags": None,  # each entry gets its own list
        "previous_msgctxt": None,
        "previous_msgid": None,
        "previous_msgid_plural": None,
        "linenum": 0,
    }


def _common_entry(groups: tuple[str | None, ...], entry: dict[str, Any]) -> int:
    """Fill ``entry`` from a ``_COMMON`` match; return the number of lines the match spans.

    Each field's lines are counted from the length its joins took away. The
    "#" lines go to tcomment, also those of the first entry, which the caller
    moves to the file's header as polib does.
    """
    translator, comment, refs, flags, previous_ctxt, previous_msgid, ctxt, msgid, msgstr, blank = (
        groups
    )
    assert msgid is not None and msgstr is not None and blank is not None
    lines = len(blank) + 2
    if "\n" in msgid:
        joined = msgid.replace(_JOIN, "")
        lines += (len(msgid) - len(joined)) // 3  # the length of _JOIN
        msgid = joined
    entry["msgid"] = _unescape(msgid) if "\\" in msgid else msgid
    if "\n" in msgstr:
        joined = msgstr.replace(_JOIN, "")
        lines += (len(msgstr) - len(joined)) // 3
        msgstr = joined
    entry["msgstr"] = _unescape(msgstr) if "\\" in msgstr else msgstr
    entry["msgstr_plural"] = {}
    if comment is not None:
        if "\n" in comment:
            lines += comment.count("\n")
            comment = comment.replace("\n#. ", "\n")
        entry["comment"] = comment
        lines += 1
    occurrences = entry["occurrences"] = []
    if refs is not None:
        if "\n" in refs:
            lines += refs.count("\n")
            refs = refs.replace("\n#: ", " ")
        lines += 1
        for occurrence in refs.split():
            file, colon, number = occurrence.rpartition(":")
            occurrences.append((file, number) if colon and number.isdigit() else (occurrence, ""))
    entry["flags"] = []
    if translator or flags or (ctxt, previous_ctxt, previous_msgid) != (None, None, None):
        lines += _less_common_parts(groups, entry)
    return lines


def _less_common_parts(groups: tuple[str | None, ...], entry: dict[str, Any]) -> int:
    """Fill the rest of a ``_COMMON`` match into ``entry``; return its number of lines."""
    translator, _, _, flags, previous_ctxt, previous_msgid, ctxt = groups[:7]
    lines = 0
    if translator:
        entry["tcomment"] = _comment_text(translator)
        lines += translator.count("\n")
    if flags is not None:
        entry["flags"] = [flag.strip() for flag in flags.replace("\n#, ", ",").split(",")]
        lines += flags.count("\n") + 1
    if ctxt is not None:
        entry["msgctxt"] = _string(ctxt)
        lines += ctxt.count("\n") + 1
    if previous_ctxt is not None:
        entry["previous_msgctxt"] = _string(previous_ctxt, _PREVIOUS_JOIN)
        lines += previous_ctxt.count("\n") + 1
    if previous_msgid is not None:
        entry["previous_msgid"] = _string(previous_msgid, _PREVIOUS_JOIN)
        lines += previous_msgid.count("\n") + 1
    return lines


def _message(groups: tuple[str | None, ...], at: int, entry: dict[str, Any]) -> None:
    """Fill the message fields of ``entry`` from the ``_BODY`` groups that start at ``at``."""
    if groups[at + 1] is None:
        _obsolete_message(groups, at + 5, entry)
        return
    ctxt, msgid, plural, msgstr, plurals = groups[at : at + 5]
    assert msgid is not None
    entry["msgid"] = _string(msgid)
    if msgstr is not None:
        entry["msgstr"] = _string(msgstr)
    if ctxt is not None:
        entry["msgctxt"] = _string(ctxt)
    if plural is not None:
        entry["msgid_plural"] = _string(plural)
    entry["msgstr_plural"] = {} if plurals is None else _plural_forms(plurals)


def _obsolete_message(groups: tuple[str | None, ...], at: int, entry: dict[str, Any]) -> None:
    """Fill the message fields of an obsolete entry ("#~ msgid ...")."""
    ctxt, msgid, plural, msgstr, plurals = groups[at : at + 5]
    assert msgid is not None
    entry["obsolete"] = 1
    entry["msgid"] = _string(msgid, _OBSOLETE_JOIN)
    if msgstr is not None:
        entry["msgstr"] = _string(msgstr, _OBSOLETE_JOIN)
    if ctxt is not None:
        entry["msgctxt"] = _string(ctxt, _OBSOLETE_JOIN)
    if plural is not None:
        entry["msgid_plural"] = _string(plural, _OBSOLETE_JOIN)
    forms = {}
    if plurals is not None:
        forms = _plural_forms(plurals.replace("\n#~ ", "\n")[3:])
    entry["msgstr_plural"] = forms


def _plural_forms(block: str) -> dict[int, str]:
    """Read ``msgstr[N]`` lines into polib's msgstr_plural; a repeated index keeps the last."""
    forms = {}
    for index, value in _PLURAL.findall(block):
        forms[int(index)] = _string(value)
    return forms


def _comment_text(block: str) -> str:
    """Join "#" and "# text" lines as polib does: leading empty ones vanish."""
    if not block:
        return ""
    values = [line[2:] for line in block[:-1].split("\n")]
    while values and values[0] == "":
        del values[0]
    return "\n".join(values)


_CHARSET = re.compile(r'"?Content-Type:.+? charset=([\w_\-:\.]+)')


def _encoding(text: str) -> str:
    """Detect the charset as ``polib.detect_encoding`` does for a text that names no file."""
    # a match starts at the first "Content-Type:" or one character before it, or later
    match = _CHARSET.search(text, max(text.find("Content-Type:") - 1, 0))
    if match:
        charset = match.group(1).strip()
        try:
            codecs.lookup(charset)
        except LookupError:
            pass
        else:
            return charset
    return polib.default_encoding


def _find_header(items: list[polib.POEntry]) -> polib.POEntry | None:
    """Pick the header entry as ``POFile.find("")`` does, without its per-entry getattr."""
    matches = [e for e in items if e.msgid == "" and not e.obsolete]
    if len(matches) <= 1:
        return matches[0] if matches else None
    # polib prefers the last one without msgctxt, else the first
    without_context = [m for m in matches if not m.msgctxt]
    return without_context[-1] if without_context else matches[0]


def _catalogue(
    text: str, items: list[polib.POEntry], *, header: str, wrapwidth: int
) -> polib.POFile:
    """Wrap parsed entries in a POFile and lift the header entry, as polib's parser does."""
    # polib passes the text itself as "pofile", which only matters if it names a file
    po = polib.POFile(pofile=None, encoding=_encoding(text), check_for_duplicates=False)
    po.header = header
    po.extend(items)
    metadata_entry = _find_header(items)
    if metadata_entry is not None:
        po.remove(metadata_entry)
        # polib stores the header's flag list here, not a bool
        po.metadata_is_fuzzy = metadata_entry.flags  # type: ignore[assignment]
        key = None
        for msg in metadata_entry.msgstr.splitlines():
            try:
                key, val = msg.split(":", 1)
                po.metadata[key] = val.strip()
            except (ValueError, KeyError):
                if key is not None:
                    po.metadata[key] += "\n" + msg.strip()
    po.wrapwidth = wrapwidth
    return po
