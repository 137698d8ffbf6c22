"""Write gettext PO catalogues byte for byte as GNU ``msgcat`` 0.21 writes them.

polib's own writer wraps long strings its own way, so the first gettext tool
(msgmerge, msgcat, Poedit, Lokalize) that touches a polib-written file rewrites
every wrapped line and the diff is noise. :func:`dumps` reproduces what
``msgcat --width=79`` (or ``msgcat --no-wrap``) prints for the same catalogue:
the escapes, the comment, reference and flag layout, the order of entries, and
the line breaks. msgcat breaks lines with libunistring 1.0's UAX #14 line
breaker, measures columns with its ``uc_width`` and never breaks inside a
format directive; all three are reproduced here, the first two from an
embedded table of every code point's line-break class and width (dumped from
libunistring 1.0, Unicode 14; the tests compare it with the system library).
Where the system has libunistring 1.0 itself (Debian's ``libunistring2``,
which gettext needs), the filling is left to it through ctypes: one call per
string to ``ulc_width_linebreaks_v2``, the function msgcat calls, on the same
bytes, so its cuts are msgcat's by construction and come several times
faster. Without it, or with ``LOCPIPE_PURE_PYTHON_LINEBREAKS=1`` in the
environment, the pure-Python breaker does the same work; the tests compare
both with msgcat.

What msgcat normalises, ``dumps`` normalises the same way: flags are reordered
(fuzzy, formats in gettext's order, range, no-wrap) and unknown ones dropped,
``fuzzy`` is dropped where the (first) msgstr is empty, ``range`` is dropped on
obsolete entries, obsolete entries with an empty msgstr are dropped and the
others go last, duplicate references are dropped, references lose a leading
``./`` and line numbers their leading zeros. Like ``msgcat --force-po``, the
header is written even when there are no other entries.

polib 1.2.0 loses some things on reading that msgcat keeps, so a file read
with ``polib.pofile`` and written with ``dumps`` can differ from ``msgcat`` of
the same file there (and only there):

* ``#~|`` lines (previous msgctxt/msgid of obsolete entries) are skipped;
* trailing whitespace of comment lines, a lone empty ``#`` comment and empty
  ``#.`` lines are dropped, and ``## text`` becomes ``# text``;
* several ``#,`` lines are merged (msgcat keeps the last one only);
* header values are stripped of surrounding whitespace and the header is
  rebuilt as ``Key: value`` lines, so a header line without a colon or a
  missing final ``\\n`` is not kept; a header entry with an empty msgstr is
  indistinguishable from no header at all (``dumps`` writes none);
* the escape ``\\a`` and octal and hex escapes stay literal backslashes;
* ``polib.pofile(text)`` splits text with ``str.splitlines``, which also cuts
  at U+2028, U+2029, U+0085 and U+001C..U+001E that msgcat writes unescaped
  inside strings: read such catalogues from a path instead.

Not reproduced: charsets that libunistring treats as CJK (EUC-JP, GBK, BIG5,
...), where ambiguous-width characters count two columns; directive
protection for formats other than c, objc, python and python-brace (java,
csharp, javascript, php, perl, ...), which matters only when a directive holds
a break opportunity, such as ``{0, number}``; entries that share msgctxt and
msgid, which msgcat merges; multi-domain files, which polib cannot read.
"""

from __future__ import annotations

import base64
import bisect
import ctypes
import ctypes.util
import functools
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate, pairwise
from typing import NamedTuple

import polib

__all__ = ["dumps"]

# libunistring's class numbers: 0..32 index the pair table, the rest are
# resolved before or around it.
_WJ, _GL, _B2, _BA, _BB, _HY, _CL, _CP1, _CP2, _EX, _IN, _NS = range(12)
_OP1, _OP2, _QU, _IS, _NU, _PO, _PR, _SY, _AL, _H2, _H3, _ID1 = range(12, 24)
_ID2, _JL, _JV, _JT, _HL, _RI, _ZWJ, _EB, _EM = range(24, 33)
_BK, _CR, _LF, _CM, _ZW, _SP, _CB, _AI, _SA, _XX = range(33, 43)
_PAIR_CLASSES = 33
_RESOLVED_CLASSES = 39  # 0..38 after AI, CB, SA, XX are resolved

# Break between the last non-space class (row) and the next class (column):
# D direct, I only after spaces, P never. libunistring's table, UAX #14 7.3.
_PAIRS = (
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII"  # WJ
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII"  # GL
    "PIPIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD"  # B2
    "PDDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD"  # BA
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII"  # BB
    "PDDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD"  # HY
    "PIDIDIPPPPIPDDIPDIIPDDDDDDDDDDDDD"  # CL
    "PIDIDIPPPPIIDDIPIIIPIDDDDDDDIDIDD"  # CP1
    "PIDIDIPPPPIIDDIPDIIPDDDDDDDDDDDDD"  # CP2
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD"  # EX
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD"  # IN
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD"  # NS
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP"  # OP1
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP"  # OP2
    "PIIIIIPPPPIIPPIPIIIPIIIIIIIIIIIII"  # QU
    "PIDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD"  # IS
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD"  # NU
    "PIDIDIPPPPIIIIIPIDDPIDDDDDDDIDIDD"  # PO
    "PIDIDIPPPPIIIIIPIDDPIIIIIIIIIDIII"  # PR
    "PIDIDIPPPPIIDDIPIDDPDDDDDDDDIDDDD"  # SY
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD"  # AL
    "PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD"  # H2
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD"  # H3
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD"  # ID1
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI"  # ID2
    "PIDIDIPPPPIIDDIPDIDPDIIDDIIDDDDDD"  # JL
    "PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD"  # JV
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD"  # JT
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD"  # HL
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD"  # RI
    "PIDIDIPPPPIIIDIPIIIPIDDIIDDDIDIII"  # ZWJ
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI"  # EB
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD"  # EM
)


def _decode_runs(blob: str) -> tuple[list[int], list[int], list[int]]:
    """Unpack the run table into parallel lists of starts, classes, widths."""
    raw = zlib.decompress(base64.b85decode(blob))
    starts: list[int] = []
    classes: list[int] = []
    widths: list[int] = []
    start = shift = delta = 0
    for byte in raw:
        if shift >= 0:
            delta |= (byte & 0x7F) << shift
            shift = shift + 7 if byte & 0x80 else -1
            continue
        start += delta
        starts.append(start)
        classes.append(byte >> 2)
        widths.append((byte & 3) - 1)
        shift = delta = 0
    return starts, classes, widths


@functools.cache
def _unicode_table() -> tuple[list[int], list[int], list[int]]:
    """Decode the embedded table once, on first use."""
    return _decode_runs(_UNICODE_RUNS)


def _unicode_properties(codepoint: int) -> tuple[int, int]:
    """Return libunistring's raw line-break class and uc_width of a code point."""
    starts, classes, widths = _unicode_table()
    run = bisect.bisect_right(starts, codepoint) - 1
    return classes[run], widths[run]


def _resolved_class(codepoint: int) -> int:
    """Resolve the classes libunistring fixes for non-CJK encodings such as UTF-8."""
    lb = _unicode_properties(codepoint)[0]
    if lb == _CB:
        return _ID1
    return _AL if lb in (_AI, _SA, _XX) else lb


class _CodepointMap(dict[int, str]):
    """A ``str.translate`` table filled on demand, one character per code point."""

    def __init__(self, compute: Callable[[int], int]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, codepoint: int) -> str:
        value = chr(self._compute(codepoint))
        self[codepoint] = value
        return value


_CLASS_OF = _CodepointMap(_resolved_class)
# Control characters (width -1) are skipped by libunistring, so count 0.
_WIDTH_OF = _CodepointMap(lambda cp: max(_unicode_properties(cp)[1], 0))


@functools.cache
def _irregular_width() -> re.Pattern[str]:
    """Match a BMP character whose width is not 1, or any astral character.

    Astral characters get one plain range so that the class stays a fast bitmap;
    texts containing them take the exact per-character path.
    """
    starts, _, widths = _unicode_table()
    ends = [*starts[1:], 0x110000]
    ranges = (
        f"\\u{a:04x}-\\u{min(b, 0x10000) - 1:04x}"
        for a, b, w in zip(starts, ends, widths, strict=True)
        if w != 1 and a < 0x10000
    )
    return re.compile("[" + "".join(ranges) + "]|[\\U00010000-\\U0010ffff]")


# ---------------------------------------------------------------------------
# Line breaking: libunistring's u8_possible_linebreaks_v2 as a state machine,
# compiled once into a flat transition table.

_NO_BREAK, _POSSIBLE, _MANDATORY = 0, 1, 2
_LAST_BK, _LAST_ZW = _BK, _ZW  # pseudo "last class" values
_PREV_OTHER, _PREV_ZWJ, _PREV_HL, _PREV_HL_BA = range(4)


class _BreakState(NamedTuple):
    """What the breaker remembers between two characters."""

    last: int  # class of the last non-space character, or _LAST_BK/_LAST_ZW
    spaced: bool  # spaces since that character
    prev: int  # what the immediately preceding character was (_PREV_*)
    odd_ri: bool  # an odd number of regional indicators just before


def _pair_action(state: _BreakState, cls: int) -> int:
    """Decide the break before a character of a pair-table class."""
    if state.last == _LAST_BK or state.prev == _PREV_ZWJ:
        return _NO_BREAK
    if state.last == _LAST_ZW:
        return _POSSIBLE
    if state.last == _RI and cls == _RI:
        return _POSSIBLE if state.spaced or not state.odd_ri else _NO_BREAK
    if state.prev == _PREV_HL_BA:
        return _NO_BREAK
    rule = _PAIRS[state.last * _PAIR_CLASSES + cls]
    return _POSSIBLE if rule == "D" or (rule == "I" and state.spaced) else _NO_BREAK


def _attach_action(state: _BreakState) -> tuple[int, bool, int]:
    """Handle a combining mark or ZWJ: return (last, spaced, action)."""
    if state.last == _LAST_BK:
        return _AL, False, _NO_BREAK
    if state.last == _LAST_ZW or state.spaced:
        return _AL, False, _POSSIBLE
    return state.last, state.spaced, _NO_BREAK


def _prev_kind(state: _BreakState, cls: int) -> int:
    """Classify the character just consumed for the next step's look-behind."""
    if state.prev == _PREV_HL and cls in (_HY, _BA):
        return _PREV_HL_BA
    return {_ZWJ: _PREV_ZWJ, _HL: _PREV_HL}.get(cls, _PREV_OTHER)


def _step(state: _BreakState, cls: int) -> tuple[_BreakState, int]:
    """Consume one character of a resolved class; return the new state and the break before it."""
    if cls in (_BK, _CR, _LF):
        return _BreakState(_LAST_BK, False, _PREV_OTHER, False), _MANDATORY
    action = _NO_BREAK
    if cls == _SP:
        last, spaced = state.last, True
    elif cls == _ZW:
        last, spaced = _LAST_ZW, False
    elif cls in (_CM, _ZWJ):
        last, spaced, action = _attach_action(state)
    else:
        action = _pair_action(state, cls)
        last, spaced = cls, False
    odd_ri = cls == _RI and not state.odd_ri
    return _BreakState(last, spaced, _prev_kind(state, cls), odd_ri), action


def _compile_breaker() -> list[int]:
    """Tabulate `_step` over every reachable state: entry = next row << 2 | action."""
    start = _BreakState(_LAST_BK, False, _PREV_OTHER, False)
    ids = {start: 0}
    pending = [start]
    table: list[int] = []
    while pending:
        state = pending.pop(0)
        for cls in range(_RESOLVED_CLASSES):
            target, action = _step(state, cls)
            if target not in ids:
                ids[target] = len(ids)
                pending.append(target)
            table.append(ids[target] * _RESOLVED_CLASSES << 2 | action)
    return table


_BREAKER = _compile_breaker()


def _break_opportunities(text: str) -> tuple[list[int], list[int]]:
    """Return the indexes before which a line may break, and those of hard breaks."""
    table = _BREAKER
    possible: list[int] = []
    mandatory: list[int] = []
    row = 0
    for index, cls in enumerate(text.translate(_CLASS_OF).encode("latin-1")):
        step = table[row + cls]
        row = step >> 2
        if step & 3:
            (possible if step & 1 else mandatory).append(index)
    return possible, mandatory


def _columns(text: str) -> Sequence[int]:
    """Return the column offset of every index of ``text`` (and of its end)."""
    if _irregular_width().search(text) is None:
        return range(len(text) + 1)
    widths = text.translate(_WIDTH_OF).encode("latin-1")
    return list(accumulate(widths, initial=0))


def _width(text: str) -> int:
    """Return the display width of ``text`` in columns, as uc_width counts them."""
    if (text.isascii() and text.isprintable()) or _irregular_width().search(text) is None:
        return len(text)
    return sum(text.translate(_WIDTH_OF).encode("latin-1"))


def _fill(text: str, limit: int, startcol: int, guarded: Iterable[int]) -> list[int]:
    """Return where greedy filling to ``limit`` columns cuts ``text`` (u8_width_linebreaks)."""
    possible, mandatory = _break_opportunities(text)
    blocked = set(guarded)
    if blocked:
        possible = [pos for pos in possible if pos not in blocked]
        mandatory = [pos for pos in mandatory if pos not in blocked]
    hard = set(mandatory)
    events = sorted(possible + mandatory) if hard else possible
    columns = _columns(text)
    cuts: list[int] = []
    last_cut, column, piece_start = -1, startcol, 0
    for pos in events:
        piece = columns[pos] - columns[piece_start]
        if last_cut >= 0 and column + piece > limit:
            cuts.append(last_cut)
            column = 0
        if pos in hard:
            last_cut, column, piece_start = -1, 0, pos + 1
        else:
            last_cut, column, piece_start = pos, column + piece, pos
    if last_cut >= 0 and column + columns[-1] - columns[piece_start] > limit:
        cuts.append(last_cut)
    return cuts


# The same filling done by the system's libunistring, when it is the 1.0 that
# the table above was dumped from: msgcat 0.21's write-po.c calls exactly this
# function (ulc_width_linebreaks_v2, the v2 name that its header maps
# ulc_width_linebreaks to) on exactly these bytes, so the cuts are msgcat's by
# construction, at a fraction of the cost. Any other version, or none, and the
# pure-Python `_fill` does the work, so output never depends on the machine.

_Filler = Callable[[str, int, int, Iterable[int]], list[int]]
_LIBUNISTRING_SERIES = 0x0100  # major << 8 | minor
_UC_BREAK_PROHIBITED, _UC_BREAK_POSSIBLE = 1, 2
_PURE_PYTHON_VARIABLE = "LOCPIPE_PURE_PYTHON_LINEBREAKS"


def _load_libunistring_fill() -> _Filler | None:
    """Return a filler over the system libunistring 1.0, or None if there is none."""
    name = ctypes.util.find_library("unistring")
    if name is None:
        return None
    try:
        library = ctypes.CDLL(name)
        version = ctypes.c_int.in_dll(library, "_libunistring_version").value
        function = library.ulc_width_linebreaks_v2
    except (OSError, AttributeError, ValueError):
        return None
    if version >> 8 != _LIBUNISTRING_SERIES:
        return None
    function.argtypes = [
        ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
        ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
    ]  # fmt: skip
    function.restype = ctypes.c_int

    def fill(text: str, limit: int, startcol: int, guarded: Iterable[int]) -> list[int]:
        """Return where ulc_width_linebreaks_v2 cuts ``text`` (character indexes)."""
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, which only Python can measure
            return _fill(text, limit, startcol, guarded)
        size = len(data)
        ascii_only = size == len(text)  # then byte offsets are character indexes
        overrides = None
        if guarded:
            marks = bytearray(size)
            for index in guarded:
                if 0 <= index < len(text):
                    offset = index if ascii_only else len(text[:index].encode("utf-8"))
                    marks[offset] = _UC_BREAK_PROHIBITED
            overrides = bytes(marks)
        # Buffer sizes are powers of two: ctypes keeps every array type it makes.
        result = (ctypes.c_char * (1 << size.bit_length()))()
        function(data, size, limit, startcol, 0, overrides, b"UTF-8", result)
        raw = result.raw
        cuts: list[int] = []
        cut = raw.find(_UC_BREAK_POSSIBLE, 0, size)
        index = previous = 0
        while cut >= 0:
            index = cut if ascii_only else index + len(data[previous:cut].decode("utf-8"))
            cuts.append(index)
            previous, cut = cut, raw.find(_UC_BREAK_POSSIBLE, cut + 1, size)
        return cuts

    return fill


def _choose_filler() -> _Filler:
    """Prefer libunistring 1.0, unless $LOCPIPE_PURE_PYTHON_LINEBREAKS is set (tests, debugging)."""
    if os.environ.get(_PURE_PYTHON_VARIABLE):
        return _fill
    return _load_libunistring_fill() or _fill


_FILL = _choose_filler()


# ---------------------------------------------------------------------------
# Format directives: msgcat never breaks inside one (write-po.c), using the
# first format among the entry's flags, in gettext's order, that is "yes" or
# "possible". Each parser returns the index of a directive's last character,
# or -1 for an invalid directive, where gettext's parser stops: later ones are
# not protected. Counters live in a small list so that the parsers can enforce
# gettext's rules against mixing numbered and unnumbered arguments. Formats
# other than c, objc, python and python-brace are not parsed (see the module
# docstring).

_Parser = Callable[[str, int, list[int], bool], int]

_PY_TAIL = re.compile(r"[-+ #0]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?")
_PY_CONVERSIONS = frozenset("%csridouxXeEfgG")


def _python_name_end(value: str, start: int) -> int:
    """Return the index of the ``)`` closing a ``%(name)`` at ``start``, or -1."""
    depth = 0
    for index in range(start + 1, len(value)):
        char = value[index]
        if char == ")":
            if depth == 0:
                return index
            depth -= 1
        elif char == "(":
            depth += 1
    return -1


def _python_directive(value: str, start: int, counts: list[int], translated: bool) -> int:
    """Parse a python-format directive at a ``%`` (counts: named, unnamed)."""
    pos, named = start + 1, False
    if value.startswith("(", pos):
        close = _python_name_end(value, pos)
        if close < 0:
            return -1
        pos, named = close + 1, True
    tail = _PY_TAIL.match(value, pos)
    assert tail is not None  # every part of the pattern is optional
    stars = [part for part in tail.groups() if part == "*"]
    if stars and counts[0]:
        return -1
    counts[1] += len(stars)
    pos = tail.end()
    if pos >= len(value) or value[pos] not in _PY_CONVERSIONS:
        return -1
    if named or value[pos] != "%":
        if counts[1 if named else 0]:
            return -1
        counts[0 if named else 1] += 1
    return pos


_C_ARGNO = re.compile(r"(\d+)\$")
_C_STAR = re.compile(r"\*(?:(\d+)\$)?")
_C_SIZE = re.compile(r"hh|ll|[hlLqjzZt]?")
_C_PRI = re.compile(r"<PRI[diouxX](?:MAX|PTR|(?:LEAST|FAST)?(?:8|16|32|64))>")
_C_CONVERSIONS = frozenset("diouxXeEfFgGaAcCsSpn")  # plus "%" and "m", which take no argument


def _c_argument(counts: list[int], number: int) -> bool:
    """Count a numbered (``%1$d``) or unnumbered argument; False when both kinds mix."""
    numbered = number > 0
    if counts[1 if numbered else 0]:
        return False
    counts[0 if numbered else 1] += 1
    return True


def _c_star(value: str, pos: int, counts: list[int]) -> int:
    """Parse an optional ``*`` or ``*N$`` width/precision; return the next index or -1."""
    star = _C_STAR.match(value, pos)
    if star is None:
        return pos
    number = int(star[1] or 0)
    if (star[1] is not None and number == 0) or not _c_argument(counts, number):
        return -1
    return star.end()


def _c_conversion(value: str, pos: int, objc: bool) -> tuple[int, bool]:
    """Parse size and conversion; return (index of the conversion or -1, takes an argument)."""
    if value.startswith("<", pos):
        macro = _C_PRI.match(value, pos)
        return (macro.end() - 1, True) if macro else (-1, False)
    size = _C_SIZE.match(value, pos)
    assert size is not None  # the pattern can match empty
    end = size.end()
    conversion = value[end : end + 1]
    if conversion in ("%", "m"):
        return end, False
    valid = conversion in _C_CONVERSIONS or (objc and conversion == "@")
    return (end, True) if conversion and valid else (-1, False)


def _c_directive(
    value: str, start: int, counts: list[int], translated: bool, objc: bool = False
) -> int:
    """Parse a c-format (objc-format) directive at a ``%`` (counts: numbered, unnumbered)."""
    pos, number = start + 1, 0
    if argno := _C_ARGNO.match(value, pos):
        number, pos = int(argno[1]), argno.end()
        if number == 0:
            return -1
    flags = " +-#0'I" if translated else " +-#0'"
    while value[pos : pos + 1] and value[pos] in flags:
        pos += 1
    pos = _c_star(value, pos, counts)
    while pos >= 0 and value[pos : pos + 1].isdigit() and value[pos].isascii():
        pos += 1
    if pos >= 0 and value.startswith(".", pos):
        pos = _c_star(value, pos + 1, counts)
        while pos >= 0 and value[pos : pos + 1].isdigit() and value[pos].isascii():
            pos += 1
    end, takes_argument = _c_conversion(value, pos, objc) if pos >= 0 else (-1, False)
    if end >= 0 and takes_argument and not _c_argument(counts, number):
        return -1
    return end


_DIRECTIVE_PARSERS: dict[str, _Parser] = {
    "c": _c_directive,
    "objc": functools.partial(_c_directive, objc=True),
    "python": _python_directive,
}


def _percent_guards(value: str, parse: _Parser, translated: bool) -> frozenset[int]:
    """Return the indexes inside valid ``%`` directives, up to the first invalid one."""
    guarded: set[int] = set()
    counts = [0, 0]
    pos = value.find("%")
    while pos >= 0:
        end = parse(value, pos, counts, translated)
        if end == -1:
            break
        guarded.update(range(pos + 1, end + 1))
        pos = value.find("%", end + 1)
    return frozenset(guarded)


# python-brace-format in gettext 0.21 records each directive's start and end
# relative to the directive instead of the string (FDI_SET against the
# directive's own start). Every valid directive thus marks a start at index 0
# and an end at its length - 1, an invalid one an error at its own offset, and
# msgcat protects the string's first bytes up to the nearest such mark unless
# that is an error. Reproduced here because it changes where msgcat breaks.

_BRACE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+")
_BRACE_ATTRIBUTE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACE_SPEC = re.compile(
    r"(?:.[<>=^]|[<>=^])?[-+ ]?#?0?[0-9]*(?:\.[0-9]+)?[bcdoxXneEfFgG%]?", re.DOTALL
)


class _BraceError(Exception):
    """A python-brace directive gettext rejects: where, relative to which ``{``."""

    def __init__(self, position: int, base: int) -> None:
        super().__init__(position, base)
        self.position, self.base = position, base


def _brace_accessors(value: str, pos: int, base: int) -> int:
    """Skip ``.name`` and ``[key]`` accessors after a field name; return the next index."""
    while value.startswith((".", "["), pos):
        bracket = value[pos] == "["
        pattern = _BRACE_NAME if bracket else _BRACE_ATTRIBUTE
        name = pattern.match(value, pos + 1)
        if name is None:
            raise _BraceError(pos + 1, base)
        pos = name.end()
        if bracket:
            if not value.startswith("]", pos):
                raise _BraceError(pos, base)
            pos += 1
    return pos


def _brace_directive(value: str, start: int, top: bool) -> int:
    """Parse ``{field:spec}`` at ``start`` as gettext 0.21 does; return the ``}`` index."""
    name = _BRACE_NAME.match(value, start + 1)
    if name is None:
        raise _BraceError(start + 1, start)
    pos = _brace_accessors(value, name.end(), start)
    if value.startswith(":", pos):
        if not top:
            raise _BraceError(pos, start)
        pos += 1
        if value.startswith("{", pos):
            pos = _brace_directive(value, pos, False) + 1
        elif pos >= len(value):
            raise _BraceError(pos, start)
        else:
            spec = _BRACE_SPEC.match(value, pos)
            assert spec is not None  # the pattern can match empty
            pos = spec.end()
    if not value.startswith("}", pos):
        raise _BraceError(pos, start)
    return pos


def _brace_guards(value: str) -> frozenset[int]:
    """Return the indexes msgcat 0.21 protects in a python-brace-format string."""
    ends: list[int] = []
    error = -1
    pos = value.find("{")
    while pos >= 0:
        if value.startswith("{{", pos):
            pos = value.find("{", pos + 2)
            continue
        try:
            end = _brace_directive(value, pos, True)
        except _BraceError as failure:
            error = _byte_length(value, failure.base, failure.position)
            break
        ends.append(_byte_length(value, pos, end))
        pos = value.find("{", end + 1)
    if not ends or (error >= 0 and error <= min(ends)):
        return frozenset()
    last = min(ends)
    return frozenset(i for i in range(1, last + 1) if _byte_length(value, 0, i) <= last)


def _byte_length(value: str, start: int, end: int) -> int:
    """Return the UTF-8 length of ``value[start:end]``: gettext's offsets are bytes."""
    return len(value[start:end].encode("utf-8"))


def _guarded_indexes(value: str, language: str | None, translated: bool) -> frozenset[int]:
    """Return the indexes of ``value`` where a format directive forbids a break."""
    if language == "python-brace":
        return _brace_guards(value)
    parse = _DIRECTIVE_PARSERS.get(language or "")
    return _percent_guards(value, parse, translated) if parse else frozenset()


# ---------------------------------------------------------------------------
# Flags.

# gettext 0.21's format languages, in the order msgcat prints them.
_FORMATS = (
    "c", "objc", "python", "python-brace", "java", "java-printf", "csharp",
    "javascript", "scheme", "lisp", "elisp", "librep", "ruby", "sh", "awk",
    "lua", "object-pascal", "smalltalk", "qt", "qt-plural", "kde", "kde-kuit",
    "boost", "tcl", "perl", "perl-brace", "php", "gcc-internal", "gfc-internal",
    "ycp",
)  # fmt: skip
_FORMAT_STATES = {"": "yes", "possible-": "possible", "impossible-": "impossible", "no-": "no"}
_FORMAT_FLAGS = {
    f"{state_prefix}{language}-format": (language, state)
    for language in _FORMATS
    for state_prefix, state in _FORMAT_STATES.items()
}
_RANGE = re.compile(r"range:\s*(\d+)\.\.(\d+)")


class _Flags(NamedTuple):
    """An entry's flags as msgcat prints and uses them."""

    translated_line: str | None  # the "#," line of an entry with a msgstr
    untranslated_line: str | None  # the same without "fuzzy"
    language: str | None  # the format whose directives msgcat keeps unbroken
    no_wrap: bool


def _flag_words(formats: dict[str, str], span: str | None, no_wrap: bool) -> list[str]:
    """List the flags after "fuzzy" in msgcat's order: formats, range, no-wrap."""
    words = []
    for language in _FORMATS:
        state = formats.get(language)
        if state in ("yes", "possible"):
            words.append(f"{language}-format")
        elif state == "no":
            words.append(f"no-{language}-format")
    return words + ([span] if span else []) + (["no-wrap"] if no_wrap else [])


@functools.lru_cache(maxsize=1024)
def _parse_flags(flags: tuple[str, ...]) -> _Flags:
    """Interpret flags like msgcat: later flags win, unknown ones vanish."""
    fuzzy, no_wrap, span = False, False, None
    formats: dict[str, str] = {}
    for raw in flags:
        flag = raw.strip()
        fuzzy = fuzzy or flag == "fuzzy"
        no_wrap = {"no-wrap": True, "wrap": False}.get(flag, no_wrap)
        if flag in _FORMAT_FLAGS:
            name, state = _FORMAT_FLAGS[flag]
            formats[name] = state
        elif (bounds := _RANGE.fullmatch(flag)) and int(bounds[1]) <= int(bounds[2]):
            span = f"range: {int(bounds[1])}..{int(bounds[2])}"
    words = _flag_words(formats, span, no_wrap)
    fuzzy_words = ["fuzzy", *words] if fuzzy else words
    return _Flags(
        "#, " + ", ".join(fuzzy_words) if fuzzy_words else None,
        "#, " + ", ".join(words) if words else None,
        next((name for name in _FORMATS if formats.get(name) in ("yes", "possible")), None),
        no_wrap,
    )


# ---------------------------------------------------------------------------
# Strings.

_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
            "\v": "\\v", "\\": "\\\\", '"': '\\"'}  # fmt: skip
_ESCAPABLE = re.compile('[\a\b\f\n\r\t\v\\\\"]')
_ESCAPE_PAIR = re.compile(r"\\.", re.DOTALL)
_PORTION = re.compile(r"[^\n]*\n|[^\n]+")


class _Field(NamedTuple):
    """How to write one keyword-string field."""

    prefix: str  # "", "#~ ", "#| " or "#~| "
    limit: int | None  # columns for the text after the prefix; None: no wrapping
    language: str | None  # format whose directives must stay unbroken


class _Guards:
    """Positions where a format directive forbids a break, computed only when needed."""

    def __init__(self, value: str, language: str | None, translated: bool) -> None:
        self._value = value
        self._language = language
        self._translated = translated

    @functools.cached_property
    def _indexes(self) -> frozenset[int]:
        return _guarded_indexes(self._value, self._language, self._translated)

    def escaped(self, portion: str, offset: int) -> list[int]:
        """Map the guarded indexes inside ``portion`` (at ``offset``) to its escaped text."""
        if self._language is None:
            return []
        end = offset + len(portion)
        inside = sorted(g - offset for g in self._indexes if offset <= g < end)
        escapes = [match.start() for match in _ESCAPABLE.finditer(portion)] if inside else []
        return [index + bisect.bisect_left(escapes, index) for index in inside]


def _no_guards() -> list[int]:
    """Guard nothing: the entry has no format whose directives matter."""
    return []


def _escape(portion: str) -> str:
    """Escape a portion as write-po.c does; most have nothing to escape."""
    if portion.isprintable() and '"' not in portion and "\\" not in portion:
        return portion  # the quick test for the usual case: no control character either
    if portion.endswith("\n"):  # the other usual case, a line of a multi-line string
        return _escape(portion[:-1]) + "\\n"
    return _ESCAPABLE.sub(_escape_match, portion)


def _escape_match(match: re.Match[str]) -> str:
    return _ESCAPES[match[0]]


def _surely_fits(text: str, room: int) -> bool:
    """Tell cheaply whether ``text`` fits in ``room`` columns; False means "fill to know".

    Filling a text that fits cuts nothing, so a wrong False only costs time. No
    character is wider than 2 columns; only texts that might fit are measured.
    """
    return 2 * len(text) <= room or (len(text) <= room and _width(text) <= room)


def _cuts(
    text: str, portion: str, startcol: int, field: _Field, guards: Callable[[], list[int]]
) -> list[int]:
    """Return where msgcat starts new lines inside one escaped portion."""
    limit = field.limit
    if limit is None or _surely_fits(text, limit - startcol):
        return []
    blocked = guards()
    if len(text) != len(portion):  # something was escaped: never split an escape pair
        blocked += [match.start() + 1 for match in _ESCAPE_PAIR.finditer(text)]
    if portion.endswith("\n"):
        blocked.append(len(text) - 2)  # never orphan the final "\n"
    return _FILL(text, limit, startcol, blocked)


def _first_cuts(
    text: str, portion: str, keyword: str, field: _Field, guards: Callable[[], list[int]]
) -> tuple[bool, list[int]]:
    """Fill a field's first portion, which is alone; return (moved to its own line, cuts).

    write-po.c fills it from after the keyword and, if that cuts, writes ``keyword ""`` and
    fills again from column 0. Filling from column 0 is done first here because it usually
    settles both: until a filling first cuts, its column is the same as another filling's
    from a later start plus the difference (or equal, after a mandatory break), so when
    filling from column 0 cuts, filling from any later column cuts too.
    """
    startcol = len(keyword) + 1
    limit = field.limit
    if limit is None or not text:
        return False, []
    if startcol > limit:
        return True, _cuts(text, portion, 0, field, guards)
    if _surely_fits(text, limit - startcol):
        return False, []
    cuts = _cuts(text, portion, 0, field, guards)
    return bool(cuts or _cuts(text, portion, startcol, field, guards)), cuts


def _write_field(out: list[str], field: _Field, keyword: str, value: str | None) -> None:
    """Append ``keyword "value"`` lines, split and wrapped as write-po.c's wrap() does."""
    if not value:
        if value is not None:
            out.append(f'{field.prefix}{keyword} ""')
        return
    if "\n" not in value:
        text = _escape(value)
        if field.limit is None or _surely_fits(text, field.limit - len(keyword) - 1):
            out.append(f'{field.prefix}{keyword} "{text}"')  # one line, the usual case
            return
    out.extend(_wrapped_lines(field, keyword, value))


# Big enough for the strings of an article's catalogue, which `update` may write three
# times in a row; bigger costs more than it saves when each string is written once.
@functools.lru_cache(maxsize=128)
def _wrapped_lines(field: _Field, keyword: str, value: str) -> tuple[str, ...]:
    """Return the lines of a field that may need several; cached for catalogues written twice."""
    portions = _PORTION.findall(value) if "\n" in value else [value]
    language = field.language
    guards = _Guards(value, language, keyword.startswith("msgstr")) if language else None
    prefix = field.prefix
    lead = f"{prefix}{keyword} "
    out: list[str] = []
    if len(portions) > 1:  # then the first portion starts on a line of its own too
        out.append(lead + '""')
        lead = prefix
    offset = 0
    for portion in portions:
        text = _escape(portion)
        portion_guards = (
            functools.partial(guards.escaped, portion, offset) if guards else _no_guards
        )
        if offset or len(portions) > 1:
            cuts = _cuts(text, portion, 0, field, portion_guards)
        else:
            own_line, cuts = _first_cuts(text, portion, keyword, field, portion_guards)
            if own_line:
                out.append(lead + '""')
                lead = prefix
        if cuts:
            out.append(f'{lead}"{text[: cuts[0]]}"')
            out += [f'{prefix}"{text[a:b]}"' for a, b in pairwise([*cuts, len(text)])]
        else:
            out.append(f'{lead}"{text}"')
        lead, offset = prefix, offset + len(portion)
    return tuple(out)


# ---------------------------------------------------------------------------
# Comments and references.


def _comment_lines(out: list[str], text: str, mark: str) -> None:
    """Append one ``mark text`` line per line of ``text`` (a bare mark when empty)."""
    if "\n" in text:
        out.extend(f"{mark} {line}" if line else mark for line in text.split("\n"))
    elif text:
        out.append(f"{mark} {text}")


def _reference_lines(
    out: list[str], occurrences: Sequence[tuple[str, str | int]], page_width: int
) -> None:
    """Append ``#:`` lines, filled to the page width the way msgcat fills them.

    Each distinct ``file:line`` is written once, with no leading ``./`` and a plain number.
    """
    if not occurrences:
        return
    line, column = "#:", 2
    seen: set[tuple[str, str]] = set()
    for path, line_number in occurrences:
        number = str(line_number)
        if number.isdigit() and number.isascii():
            number = number.lstrip("0") or "0"
        if (path, number) in seen:
            continue
        seen.add((path, number))
        while path.startswith("./"):
            path = path[2:]
        reference = f"{path}:{number}" if number else path
        size = (len(reference) if reference.isascii() else len(reference.encode("utf-8"))) + 1
        if column > 2 and column + size > page_width:
            out.append(line)
            line, column = "#:", 2
        line += " " + reference
        column += size
    out.append(line)


# ---------------------------------------------------------------------------
# Entries and files.


class _Layout(NamedTuple):
    """Page settings shared by every entry."""

    page_width: int
    wrap: bool


def _msgstrs(entry: polib.POEntry) -> list[tuple[str, str]]:
    """Return the (keyword, value) pairs of the translation(s)."""
    if not entry.msgid_plural:
        return [("msgstr", entry.msgstr)]
    forms = sorted(entry.msgstr_plural.items()) or [(0, ""), (1, "")]
    return [(f"msgstr[{index}]", value) for index, value in forms]


@functools.lru_cache(maxsize=64)
def _field_layouts(layout: _Layout, obsolete: bool, flags: _Flags) -> tuple[_Field, _Field]:
    """Return how an entry's previous fields and its current ones are written."""
    language = flags.language
    wraps = layout.wrap and not flags.no_wrap
    prefix, previous_prefix = ("#~ ", "#~| ") if obsolete else ("", "#| ")
    previous = _Field(
        previous_prefix, layout.page_width - 2 - len(previous_prefix) if wraps else None, language
    )
    current = _Field(prefix, layout.page_width - 2 - len(prefix) if wraps else None, language)
    return previous, current


def _live_flags(entry: polib.POEntry) -> list[str]:
    """Return the flags msgcat keeps: it reads no range on an obsolete entry."""
    if entry.obsolete:
        return [flag for flag in entry.flags if not _RANGE.fullmatch(flag.strip())]
    return entry.flags


def _entry_lines(out: list[str], entry: polib.POEntry, layout: _Layout) -> None:
    """Append one entry's lines as msgcat's message_print (or message_print_obsolete) does."""
    flags = _parse_flags(tuple(_live_flags(entry)))
    _comment_lines(out, entry.tcomment, "#")
    _comment_lines(out, entry.comment, "#.")
    _reference_lines(out, entry.occurrences, layout.page_width)
    msgstrs = _msgstrs(entry)
    flag_line = flags.translated_line if msgstrs[0][1] else flags.untranslated_line
    if flag_line:
        out.append(flag_line)
    previous, current = _field_layouts(layout, entry.obsolete, flags)
    if (entry.previous_msgctxt, entry.previous_msgid, entry.previous_msgid_plural) != (None,) * 3:
        _write_field(out, previous, "msgctxt", entry.previous_msgctxt)
        _write_field(out, previous, "msgid", entry.previous_msgid)
        _write_field(out, previous, "msgid_plural", entry.previous_msgid_plural)
    _write_field(out, current, "msgctxt", entry.msgctxt)
    _write_field(out, current, "msgid", entry.msgid)
    _write_field(out, current, "msgid_plural", entry.msgid_plural or None)
    for keyword, value in msgstrs:
        _write_field(out, current, keyword, value)


def _header_entry(catalogue: polib.POFile) -> polib.POEntry | None:
    """Rebuild the header entry (msgid "") from polib's metadata, comment and flags."""
    fuzzy: object = catalogue.metadata_is_fuzzy
    flags = (
        [str(flag) for flag in fuzzy] if isinstance(fuzzy, list) else (["fuzzy"] if fuzzy else [])
    )
    if not catalogue.metadata and not flags:
        return None
    msgstr = "".join(f"{key}: {value}\n" for key, value in catalogue.metadata.items())
    return polib.POEntry(msgid="", msgstr=msgstr, flags=flags, tcomment=catalogue.header)


def _in_order(catalogue: polib.POFile, header: polib.POEntry | None) -> Iterator[polib.POEntry]:
    """Yield the entries msgcat writes, in its order: header, live entries, obsolete ones."""
    if header is not None:
        yield header
    yield from (entry for entry in catalogue if not entry.obsolete)
    for entry in catalogue:
        if entry.obsolete and _msgstrs(entry)[0][1]:
            yield entry


def dumps(catalogue: polib.POFile, *, width: int = 79, wrap: bool = True) -> str:
    """Serialise a catalogue exactly as ``msgcat --width=WIDTH`` (``--no-wrap`` if not wrap) would.

    Writing what msgcat writes means no gettext tool will rewrite the file, so
    diffs show real changes only.

    >>> po = polib.POFile()
    >>> po.append(polib.POEntry(msgid="Hello", msgstr="Cześć", flags=["python-format", "fuzzy"]))
    >>> print(dumps(po), end="")
    #, fuzzy, python-format
    msgid "Hello"
    msgstr "Cześć"
    """
    layout = _Layout(width, wrap)
    header = _header_entry(catalogue)
    out: list[str] = []
    for entry in _in_order(catalogue, header):
        if out:
            out.append("")  # a blank line between entries
        elif header is None and catalogue.header:
            _comment_lines(out, catalogue.header, "#")  # kept on the first entry
        _entry_lines(out, entry, layout)
    return "\n".join(out) + "\n" if out else ""


_STRING_LINE = re.compile(
    r'(?:#~\|? ?|#\| ?)?(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) )?"(.*)"$')


def wrapping(text: str, *, width: int = 79) -> bool | None:
    r"""How a catalogue lays out its long strings, to write it back the same way: True
    when they are wrapped at ``width`` columns (msgcat's default), False when they are not
    (``msgcat --no-wrap``, Poedit's setting), None when no string says.

    A string continued on a new line where its text has no ``\n`` is wrapped; a string
    line wider than ``width`` is not.

    >>> wrapping('msgid ""\n"Ala ma "\n"kota."\nmsgstr ""\n')
    True
    >>> wrapping('msgid "' + 'Ala ma kota. ' * 8 + '"\nmsgstr ""\n')
    False
    >>> wrapping('msgid ""\n"Ala\\n"\n"ma kota."\nmsgstr "Ala has a cat."\n') is None
    True
    """
    wide = False
    previous: str | None = None
    for line in text.splitlines():
        match = _STRING_LINE.match(line)
        if match is None:
            previous = None
            continue
        value = match.group(1)
        continued = line.lstrip("#~| ").startswith('"')
        if continued and previous and not previous.endswith("\\n"):
            return True
        previous = value
        wide = wide or len(line) > width
    return False if wide else None


# ---------------------------------------------------------------------------
# Unicode data: libunistring 1.0's line-break class and uc_width per code point.
# Runs over U+0000..U+10FFFF: varint(start - previous start), then one byte
# class * 4 + (width + 1); zlib-compressed, base85. The tests rebuild it from
# the system libunistring and compare.

_UNICODE_RUNS = (
    "c-rk*O>A996=r_!&%5uvYy0KTKZ)(6&P(bfcH*XSFeOP{>Qbj_o8y+YLb_AE6sihUNNxo}NO"
    "6FOB2iH0MP(6*BE8gaG2S2{QFVhV1Y!XK7EpD;qO4f3petb2@||<9jq{@l_F0@ab7#(+IX^S"
    "!oH_4PUR_Na>UDKRe@|U)T~}?jphzvNCHyX^IW;a{XVh-M<7zQGqsg=tjm=>cbNl90u10}#H"
    "NK**j>cHAq?Qe-o(2f5rXr0ojI{98ixyPR%qiN_Q#1kigXyUjh5$eWBt6SZ38OUWpNN!iM2T"
    "-w8Z_B67!Q_`z^$U4fDe>UsLx+*U>rXKhS2I|jQC@@^1$?(p^bh>SI2@~wWLG+LQH1KKp^ew"
    "Jl8gK#P3?nmeeAI#JY=ZUYlIt-xyd-1uGXb-d9Eyjr%d|_MESSpByv$eT})~l|g&8tZ6saD2"
    "yr(wfG3w1K@SU8}yj#dWdKO^mK@QO4EM$g7TAHMW?*#3in;()2_uA@1IcSb<R8t@d(zlUNm4"
    "g`lVhBS>9V#q6aJhe}}Zo+T&HmV-!^MlBQ@$j0_2xXWeD4V!`__RlNm_#guihOapR2S0TZky"
    "hE}G{zQ8!WEHI%?+4gUE85~Pf}I4fEBj;J0P9+~16QC7?E~k|(r%}vL}S||4vA2{S>hCYm8U"
    "0$rkF2_R#zuVOP|LLHG*X-pk}&8WG?xOyQQsb%e*G?G6TA$lzRY!B}d+Lp%rL|xdJbO!4&kS"
    "gdxExukjwOn<-@5<VtvN(T@%ZxQR<kR1}!!CgjvxdcK!Ws@Ps_@(mnI2B#{kv`|}O`8T!Ng0"
    "#bxrI@=!Y-+KRd1u?CA;w<3iwceY@paYL>q)T7s-LW<1jmr;aIg<rd=vYyX@9utXM$TpU&}b"
    "g)??vZ_idQOJ;(iM=@^i!Shb@VJha7Lggq&%?y$fdoDBo`U~Ns|4Ca`Ra=zn{uY=pEpmMDAA"
    "|Gj{3f)FA^LK3B_OUxagD2e=zRC7e^zFLo4`RM4{OW$p?PAt9+`_krtwlS>Uwr<h&%gXEJt}"
    "8MZ+Ro`-&?i&?=Z*r{?k?eA-*{TUqxfk{U~hu1&l&382Q-ZXOzXn)cM@NMI_Y1VN#(+JNQUL"
    "*)@#l(4b~%bnf?0vPkO*#9<NYxt@W#K??vwsdXi4kBLFI;YQdax7n>2xLGB0&tb0!$~@ppft"
    "NzY?um~wb~e?Oh;cA1yP7tuXk1KN?;j1eKgtIMMmA8|yw}yG*8NlK%mLIPE%TQ`#Tg%Q-j|`"
    "D<7*<E@D>MkRxWcSmpbyL!Ht+p<rc@dMm1<bTnCNwweO1Sf>QZ-AC=Xbk3Ns#kf(IGo5GRuw"
    "J~{w{cy>FIhFIpN$3c;tcO&bbhFEj*76bJtJ9SL0$seT{5krOE)6B&hTF6<@g_`Q?0&Rt?p$"
    "yb?Lf;{ldn5)@+4Ndc>}V21GM?r=Q@*^xuECN0^;KWf9YwHtM6)$E3uUFTu;q_-Wj<9GjLF1"
    "Ti78tN?l-Ald*F|@JtzlgD8Tj^s#p{nB@eKI0smOL}kE$-w&5-I0#?`w>1vMaBdlRNYOuxHm"
    "bt2>NUvrG8*WKQ$g=^uUvUVTFA+qGo^BTSuz2v;q|tn!4OLuVa#GhR;}QDnnHnbwLq(Cn-xw"
    "SFansJRy4fn5-8^6!2xStjVbztT7k!Ns?bi+ePIN~-PQXE@B0|`I|v$svPUMFN&-2{J?vI%g"
    "jdEH1h7t;E5I$RNU238;5lFypj((r*o;OBBeIHYD-CK0ea?tfQD#M@J_f+nj+Ii!3T+D7Lrx"
    "bF!1Qc^F|=6Yu)2^v0H)F<gzCkZ(=v~JFL8^}A^|O3=rw&w(<u7)0GPgA!P*<p-$KlH9vquZ"
    "&D{xl<5-2DfR#BQ5)Dt>36rjUBB9&R&u;Z5<@d)LlHbQ1-r&<ZikmWt)A~O9M;)Rz4mZbxT;"
    "1e@Pjg;?OfUBwFKgmwKLPyYLY}9*f)iHK3!33p-g3)%o46Pp_)PQ8Ik3u=G75)x+bR_fxX}&"
    "ep4(`+_teIyYi!s7HKv`Og@yPu-U_#m&hoEznYY)pi>@gb&1$yp24>u?Fans^_8kl84fwWMi"
    "xK_5u5gy|HzIcg>=%HiHX5^oZUVi-z0`epiq5$=-r@!SN;iy~->A_Hl<)(%EV0NSXOLkhoHg"
    "gT8S-^aPqMSjBRJgOvavQ3t0)Z9pjVO_vS-~>`fKjP6Q}Hb5PeRz5SNgqYMSc~!c(WYL@eK;"
    "tR)F5Hr(qmN_%`AUL9%oi~EqQm?~oEDh?Qmb5o|ISPxIqj}UV*M5ag*q*$;x7Sx2Jl;cF1l("
    "0AL?*;aK5~++N1Cc~lPF{xl5!EHOXg&@cpAaGADi*}sj^YE@_mwh%WXL5!EhF$V>WgD{;V#^"
    "TyKooo!v6!I@zS1PUp^78EV|2F3Tq&?MyrS|s~M?Pya!hi<5m%KS9Jv$y%GlL@0#-!dJ<vk6"
    "lYI(dpDLiAP=5J>Ty;dlBDE_+KBz2i|&-R+@8X?1b`N43f8-uF;b)v>b!aczZ;e~@V<ulr+|"
    "D2%VnY@qDvyKj*P@$Zfw5%-dD9kZd9F8qj=F4Y9=d=&FEqxm;y0(3rsMNU^{2dYl*;_H*X?0"
    "hPVxUkIE~oEEo-7EDs0hn<2{i9eWHJ$g|}O32K?8V~Eq=R)oZYPJ{u^Z*)sj2<_uYXxbj?Mv"
    "wEKDU7E%CpXjd=H}~qN{}rbMhbKi8A_vi3vQOH>NkBqL~nBvvO92PYFHkN(^83fSP}|OosL#"
    "@DHdgq?E45v*TV5iposS4Ny{Q~ZhQ{8v8A2Bo%Lm5AVPL#tJ=^$sn~G>hDR^wwKxgqa1su3J"
    "&&S1p5`LMDbP#6lZNCG=yG+h0fwKXN5ec`Q%yiZ)82*@BIBh$QL@c%St-yxF4FJzb!@YnTEa"
    "k^_99h8vR)SI=zc%IX*M&v$R#-`u!frCa>uxQ#rYZO3rNd3$GX6jN4UU<e9+L8)CTbOUd;Ff"
    "EQP6*?(t>enCWnKc^q_Vn6r}9bNN=XFfJ`JR&Jz-T&EV7WVzfWxf;t+J_0yndvIG3r?gy_bF"
    "Mlog}*dJ!jb-j@}$%cgz{!_(rgtHBZ_#$bIC0V--lYH-mAT&mSEgg)wQw)X2Q4#6^jzBFN+h"
    "E9gqW8CEseI1sU4NQu6`gV(kH0nr@R388ma>YK9$jq%1gNR)}Mct1_qhV?j$6%%w9}3pq3%M"
    "*TFrgOe%hEz2V>&^fLv;+&*ajWewjFx-u~dRf+%%Svr&2B^P=EtX`(p^|ma%vVN)dd9f=D+l"
    "2)v&9v7F`WEzJ-?baG$Umjd9$?)^wq>!eXT5t9^`sX5JY*J;2nUgV_IBh9LJWh7Gp?O&ll#="
    "E!(wyETvE$<(iOeDYrbXFebZEIa_J9DuRcfYbn*Sir-dJ)ZVvbX(%*tQLiWA%k<U2tkmgOD*"
    "SFIT?D`H+c`6elRdiaZBGB-M$^y0LzJ9QBP#r6f_^Xa^!4!0L-dZtRh$U&&Vfar2xT3Q<%)8"
    "Cn;iEEl#=CAl9z%pOScOrZ%6oPM9;`E_!6BLub{f~A;C3ihI6wvQlWlLhur;pHl*%yyz-t2)"
    "2<f&_V5a>!V1W&KyY_MhhwuQ49(&gy4Ov((xR_`I(t*DtjU{-Jp;`9mnlC3#`wklYIuPD$^0"
    "F{`~zY_(?#fkA4q5%EPOWXqD8L9h3kAt8}tlTjfB?}JssEu%AXNsF`fS!!gr&(r!3!tRiQPl"
    "zV}x5H>&<3;jusQ!ne2}K1Y|WpT{Mc<EJ2TRYCL3gZF3i4un6Z(D7f(V>Be!wLB70__N~p0i"
    "F}_|NLjeyBY$hFhoZ^u1koPRrsKM7uu}|r0CbodJUBBrO)xv;;R+xoDM#w&n%UdI2#^=9)4L"
    "a9IF<qDlTLd!Lsle%Rgh=3z6m){99pj&Q>b2+vqXvAsEqADjNzXf&W8YSf`3Z9b3H6X%qt;4"
    "Nyhy6n+nOvR<<=y>ZgL1v1>bp?dm8)@v22bNXwe&RlG|qZh5KT}+(5n7jDmb>;RK4Oc6aTLL"
    "6&%H>7M1uVB~MZ0K4xoFKejd8#w9*=-ORB&a_IP;yzo#hf(q1H4o>TcKC4rhREu}T4$qGGC`"
    "q$-GbUi#WCbA50naf2(lYjU{`)GT1QXka(Hrixvc6k1(0vCAx_1!6SjmqFXCAsbjQGls0Y2Q"
    "&vURzn*V@tSZ4+NKkstvlT@P+hHK=+#bxo-S-Bag7d?*%=_Tbh?vL)`{sb+Ht5=cOIukDYZ-"
    "2QU{8lor$E73LG5A$Y&w75>RePByPF`^b|~!cc7_`5lA{Uw-0Tdd08`^%wZ>&cG5M>&^0#qd"
    "^pHnqw^6CvHR#_vr+wqZ(Tl&lRWO950{nyP=)^hM>zk-"
)
