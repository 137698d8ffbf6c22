"""Project configuration: ``locpipe.toml`` or ``[tool.locpipe]`` in ``pyproject.toml``."""

from __future__ import annotations

import difflib
import enum
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

import babel

from .errors import ConfigError
from .model import KIND_SELECTORS, CoverageUnit, Severity

if TYPE_CHECKING:
    from .mt import EngineConfig

CONFIG_FILE = "locpipe.toml"
PYPROJECT = "pyproject.toml"


class PruneKind(enum.Enum):
    """What ``locpipe prune`` does with obsolete entries."""

    KEEP = "keep"
    DROP = "drop"
    AGE = "days"


@dataclass(frozen=True)
class PrunePolicy:
    """How long obsolete entries stay in catalogues: ``prune`` in the configuration.

    ``"keep"`` (the default) keeps them all, ``"drop"`` drops them all, and ``{ days = N }``
    drops those obsolete for more than N days.
    """

    kind: PruneKind = PruneKind.KEEP
    days: int = 0

    def __str__(self) -> str:
        return f"obsolete for more than {self.days} days" if self.kind is PruneKind.AGE \
            else self.kind.value


class PublishPolicy(enum.Enum):
    """What to do with an article in a locale that does not pass the publish gate."""

    SKIP = "skip"
    """Write nothing for it, and say so."""
    FALLBACK = "fallback"
    """Write it, with the source text where a translation is missing."""


class Outdated(enum.Enum):
    """What readers see where the source changed since it was translated."""

    NEAR = "near"
    """The previous translation, marked outdated in HTML, when the source changed little
    (see :data:`locpipe.publish.NEAR_IDENTICAL`); the current source after a rewrite."""
    SHOW = "show"
    """The previous translation, marked outdated in HTML, however much the source changed."""
    SOURCE = "source"
    """The current source text."""


class OutputLayout(enum.Enum):
    """Where rendered files go below ``output_dir``."""

    LOCALE_DIR = "locale-dir"
    """``<locale>/<name>.md``: Hugo's translation by content directory."""
    SUFFIX = "suffix"
    """``<name>.<locale>.md``: Hugo's translation by file name."""


class FrontMatterMode(enum.Enum):
    """How the first lines of an article are read (``front_matter`` in the configuration)."""

    AUTO = "auto"
    """``---`` (YAML) or ``+++`` (TOML) opens front matter when what follows, up to the
    closing line, reads as a mapping of keys; otherwise the lines are Markdown."""
    YAML = "yaml"
    """Only ``---`` opens front matter, and it must be YAML."""
    TOML = "toml"
    """Only ``+++`` opens front matter, and it must be TOML."""
    NONE = "none"
    """No front matter: the whole file is Markdown."""


class OutputFormat(enum.Enum):
    MARKDOWN = "markdown"
    HTML = "html"


REQUIRED_KINDS = KIND_SELECTORS
"""Names of unit kinds that ``required`` accepts beside front-matter keys."""


@dataclass(frozen=True)
class Publish:
    """When a translated article is published, and what fills its gaps."""

    policy: PublishPolicy = PublishPolicy.SKIP
    """Below the gate, an article is not published in that language (readers of it are
    not handed a page mostly in the source language)."""
    min_coverage: float = 50.0
    """Percent of the article's source words that must be translated (fuzzy never counts)."""
    required: tuple[str, ...] = ("title",)
    """Front-matter keys and unit kinds that must all be translated."""
    outdated: Outdated = Outdated.NEAR
    show_machine: bool = False
    """Show fuzzy machine translations (marked in HTML) instead of the source."""


@dataclass(frozen=True)
class CheckSettings:
    """Which quality checks run and how severe each is (``[checks]`` in the configuration)."""

    enable: tuple[str, ...] = ()
    """Checks to run on top of the default ones."""
    disable: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)
    """Line of the configuration file where each check name is written, for errors."""
    source: str | None = None


@dataclass(frozen=True)
class Config:
    """Everything locpipe needs to know about a project; paths are relative to ``root``."""

    root: Path = field(default_factory=Path.cwd)
    source_locale: str = "pl"
    locales: tuple[str, ...] = ("pl", "en")
    content_dir: str = "content"
    locales_dir: str = "locales"
    output_dir: str = "build"
    front_matter_keys: tuple[str, ...] = ("title", "description", "summary")
    front_matter: FrontMatterMode = FrontMatterMode.AUTO
    """How the first lines of every article are read."""
    front_matter_articles: Mapping[str, FrontMatterMode] = field(default_factory=dict)
    """``front_matter`` set for one article in its ``[articles."<name>"]`` table."""
    min_coverage: float = 0.0
    """Percent every catalogue must have translated for ``check`` to pass."""
    min_coverage_locales: Mapping[str, float] = field(default_factory=dict)
    """Per-locale thresholds that override ``min_coverage``."""
    coverage_unit: CoverageUnit = CoverageUnit.ENTRIES
    required: tuple[str, ...] = ()
    """Units ``check`` wants translated whatever the coverage (``title``, ``heading``...)."""
    checks: CheckSettings = field(default_factory=CheckSettings)
    wrap: bool = True
    output_layout: OutputLayout = OutputLayout.LOCALE_DIR
    output_formats: tuple[OutputFormat, ...] = (OutputFormat.MARKDOWN, OutputFormat.HTML)
    localized_fields: tuple[str, ...] = ("date",)
    """Front-matter keys whose date or number gets a localised ``<key>_display`` companion."""
    date_format: str = "long"
    """Babel date format: ``short``, ``medium``, ``long``, ``full`` or a CLDR pattern."""
    template_dir: str | None = None
    """A folder of Jinja2 templates that override the built-in HTML templates."""
    base_url: str | None = None
    """Where the HTML site is published; makes hreflang and canonical links absolute."""
    typography: bool = True
    """Locale typography in HTML (Polish: no-break space after one-letter words)."""
    quotes: Mapping[str, str] = field(default_factory=dict)
    """Locale -> opening and closing quotation marks that replace straight ``"`` in HTML."""
    publish: Publish = field(default_factory=Publish)
    articles: Mapping[str, Publish] = field(default_factory=dict)
    """Per-article publish settings: the ``publish`` table with the article's keys applied."""
    prune: PrunePolicy = field(default_factory=PrunePolicy)
    mt: Mapping[str, EngineConfig] = field(default_factory=dict)
    """Machine-translation engines by name, from the ``[mt.<engine>]`` tables."""
    source: str | None = None
    """The file the configuration came from, for messages."""

    @property
    def content_path(self) -> Path:
        return self.root / self.content_dir

    @property
    def locales_path(self) -> Path:
        return self.root / self.locales_dir

    @property
    def output_path(self) -> Path:
        return self.root / self.output_dir

    def template_path(self, name: str) -> Path:
        return self.locales_path / "templates" / f"{name}.pot"

    def catalog_path(self, name: str, locale: str) -> Path:
        return self.locales_path / locale / "LC_MESSAGES" / f"{name}.po"

    def front_matter_for(self, name: str) -> FrontMatterMode:
        """How the first lines of one article are read: its own setting, else the project's."""
        return self.front_matter_articles.get(name, self.front_matter)

    def publish_for(self, name: str) -> Publish:
        """The publish settings of one article: its own table, else the project's."""
        return self.articles.get(name, self.publish)

    def targets(self, article_lang: str) -> tuple[str, ...]:
        """Locales an article in ``article_lang`` is translated into."""
        return tuple(loc for loc in self.locales if loc != article_lang)


_KEYS = {f.name for f in fields(Config)} - {"root", "source", "mt", "min_coverage_locales",
                                            "front_matter_articles"}
_GATE_KEYS = frozenset({"min_coverage", "coverage_unit", "required", "checks"})


def find_project(start: Path) -> Path | None:
    """The project ``start`` is in: it or its nearest parent holding a locpipe configuration
    (``locpipe.toml``, or ``pyproject.toml`` with ``[tool.locpipe]``), as git finds ``.git``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if is_project(folder):
            return folder
    return None


def is_project(folder: Path) -> bool:
    """Whether ``folder`` holds a locpipe configuration."""
    if (folder / CONFIG_FILE).is_file():
        return True
    pyproject = folder / PYPROJECT
    if not pyproject.is_file():
        return False
    tool = _read_toml(pyproject).get("tool")
    return isinstance(tool, dict) and isinstance(tool.get("locpipe"), dict)


def locate_project(start: Path, *, named: bool = False) -> Path:
    """The root of the project ``start`` is in, or an error that says where locpipe looked
    and what to do; ``named`` when the user chose ``start`` (``-C``, ``LOCPIPE_PROJECT``)."""
    if not start.is_dir():
        what = "is not a folder" if start.exists() else "does not exist"
        raise ConfigError(f"the project folder {start.as_posix()} {what}; pass -C DIR (or set "
                          "LOCPIPE_PROJECT) with the folder that holds locpipe.toml")
    root = find_project(start)
    if root is None:
        where = start.resolve().as_posix()
        place = "there" if named else "here"
        raise ConfigError(
            f"no locpipe project found: looked for {CONFIG_FILE}, or {PYPROJECT} with "
            f"[tool.locpipe], in {where} and every folder above it; run 'locpipe init' to "
            f"start a project {place}, or name the project's folder with -C DIR (or "
            "LOCPIPE_PROJECT)")
    return root


def load_config(root: Path | None = None) -> Config:
    """Read the project's configuration; ``locpipe.toml`` wins over ``pyproject.toml``."""
    root = (root or Path.cwd()).resolve()
    own = root / CONFIG_FILE
    if own.is_file():
        return _from_table(root, own, _read_toml(own))
    pyproject = root / PYPROJECT
    if pyproject.is_file():
        tool = _read_toml(pyproject).get("tool")
        table = tool.get("locpipe") if isinstance(tool, dict) else None
        if isinstance(table, dict):
            return _from_table(root, pyproject, table, prefix="tool.locpipe.")
    return Config(root=root)


def _read_toml(path: Path) -> dict[str, object]:
    try:
        text = path.read_text(encoding="utf-8")
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        line = _line_of_toml_error(str(e))
        raise ConfigError(f"invalid TOML: {explain_toml(text, e)}", path, line) from e
    except UnicodeDecodeError as e:
        raise ConfigError("not UTF-8; save the file as UTF-8", path) from e
    except (RecursionError, ValueError) as e:  # arrays thousands deep; 5,000-digit numbers
        line, problem = unreadable_toml(text, e)
        raise ConfigError(f"invalid TOML: {problem}; fix the syntax", path, line) from e


def unreadable_toml(text: str, error: Exception) -> tuple[int, str]:
    """Where TOML that tomllib cannot read without failing is, and why.

    tomllib reads arrays by recursion and numbers with ``int()``: values nested thousands
    deep, or numbers of thousands of digits, fail with Python's own limits.
    """
    if isinstance(error, RecursionError):
        pattern, problem = r"(?:[\[{][ \t]*){50}", "values nested too deeply"
    else:
        pattern, problem = r"\d{1000}", "a number of thousands of digits, too long to read"
    found = re.search(pattern, text)
    return (text.count("\n", 0, found.start()) + 1 if found else 1), problem


_TOML_PART = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""
_TOML_KEY = rf"{_TOML_PART}(?:[ \t]*\.[ \t]*{_TOML_PART})*"
_TOML_ASSIGN = re.compile(rf"[ \t]*({_TOML_KEY})[ \t]*=")
_TOML_TABLE = re.compile(rf"[ \t]*\[\[?[ \t]*({_TOML_KEY})[ \t]*\]")


def _toml_path(key: str) -> tuple[str, ...]:
    parts = re.findall(_TOML_PART, key)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


def explain_toml(text: str, error: tomllib.TOMLDecodeError, *, offset: int = 0) -> str:
    r"""The TOML parser's complaint, with what to do; for a key or table given twice, which
    one and where it was first given (lines of ``text`` plus ``offset``).

    >>> try:
    ...     tomllib.loads('locales = ["pl"]\n[publish]\npolicy = "skip"\npolicy = "fallback"\n')
    ... except tomllib.TOMLDecodeError as e:
    ...     print(explain_toml('locales = ["pl"]\n[publish]\npolicy = "skip"\n'
    ...                        'policy = "fallback"\n', e))
    'publish.policy' is set twice, first at line 3; keep one of them
    """
    line = _line_of_toml_error(str(error))
    if line is None or not re.match(r"Cannot (overwrite a value|declare)", str(error)):
        return f"{error}; fix the syntax"
    first: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, row in enumerate(text.split("\n")[:line], 1):
        header = _TOML_TABLE.match(row)
        assign = None if header else _TOML_ASSIGN.match(row)
        if header:
            table = _toml_path(header.group(1))
            name = table
        elif assign:
            name = table + _toml_path(assign.group(1))
        else:
            continue
        if number == line:
            where = first.get(name)
            if where is None:
                break
            what = (f"table [{'.'.join(name)}] is declared twice" if header
                    else f"'{'.'.join(name)}' is set twice")
            return f"{what}, first at line {where + offset}; keep one of them"
        first.setdefault(name, number)
    return f"{error}; fix the syntax"


def unknown_key(shown: str, key: str, known: Iterable[str]) -> str:
    """Say a key is unknown, suggest the nearest known one, and list them all.

    >>> unknown_key("locale", "locale", ["locales", "source_locale", "wrap"])
    "unknown key 'locale'; did you mean 'locales'? known keys: locales, source_locale, wrap"
    """
    names = sorted(known)
    near = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
    hint = f"; did you mean '{shown[: len(shown) - len(key)]}{near[0]}'?" if near else ";"
    return f"unknown key '{shown}'{hint} known keys: {', '.join(names)}"


def _line_of_toml_error(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _key_line(path: Path, key: str) -> int | None:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if pattern.match(line):
            return number
    return None


def _from_table(
    root: Path, path: Path, table: Mapping[str, object], *, prefix: str = ""
) -> Config:
    values: dict[str, object] = {}
    for key, value in table.items():
        if key == "mt":
            values["mt"] = _engines(value, path, prefix)
            continue
        if key in ("publish", "articles"):
            continue  # read below, once the scalar keys are known
        if key not in _KEYS:
            raise ConfigError(unknown_key(f"{prefix}{key}", key, _KEYS | {"mt"}), path,
                              _key_line(path, key))
        if key in _GATE_KEYS:
            values.update(_gate_setting(key, value, path, prefix))
            continue
        if key == "prune":
            values[key] = parse_prune(value, path=path, line=_key_line(path, key))
        elif key in _SITE_KEYS:
            values[key] = _site_value(key, value, path, prefix)
        else:
            values[key] = _checked(key, value, path)
    publish = Publish()
    if "publish" in table:
        publish = _publish_table(table["publish"], Publish(), path, f"{prefix}publish")
    values["publish"] = publish
    if "articles" in table:
        values["articles"] = _articles_table(table["articles"], publish, path, prefix)
        values["front_matter_articles"] = _front_matter_articles(table["articles"], path, prefix)
    config = Config(root=root, source=str(path.relative_to(root)), **values)  # type: ignore[arg-type]
    _check_required(config, path, prefix)
    _check_gate_required(config, path, prefix)
    if config.source_locale not in config.locales:
        raise ConfigError(
            f"source_locale '{config.source_locale}' is not in locales {list(config.locales)}",
            path,
            _key_line(path, "source_locale"),
        )
    return config


def _checked(key: str, value: object, path: Path) -> object:
    line = _key_line(path, key)
    if key in {"locales", "front_matter_keys"}:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"'{key}' must be a list of strings", path, line)
        if key == "locales":
            return _locales(value, path=path, line=line)
        return tuple(value)
    if key == "source_locale":
        if not isinstance(value, str):
            raise ConfigError(f"'{key}' must be a string", path, line)
        return validate_locale(value, path=path, line=line)
    if key == "wrap":
        if not isinstance(value, bool):
            raise ConfigError("'wrap' must be true or false", path, line)
        return value
    if not isinstance(value, str) or not value:
        raise ConfigError(f"'{key}' must be a non-empty string", path, line)
    return value


def _locales(codes: list[str], *, path: Path, line: int | None) -> tuple[str, ...]:
    """The ``locales`` list, each code as gettext writes it, none twice."""
    seen: dict[str, str] = {}
    for code in codes:
        locale = validate_locale(code, path=path, line=line)
        if locale in seen:
            raise ConfigError(f"'locales' names {locale} twice ('{seen[locale]}' and '{code}'); "
                              "keep one of them", path, line)
        seen[locale] = code
    return tuple(seen)


def parse_prune(
    value: object, *, path: Path | str | None = None, line: int | None = None
) -> PrunePolicy:
    """Read ``prune = "keep"``, ``prune = "drop"`` or ``prune = { days = N }``."""
    if value in ("keep", "drop"):
        return PrunePolicy(PruneKind(value))
    if isinstance(value, dict) and set(value) == {"days"}:
        days = value["days"]
        if isinstance(days, int) and not isinstance(days, bool) and days >= 0:
            return PrunePolicy(PruneKind.AGE, days)
    raise ConfigError(
        f"'prune' must be \"keep\", \"drop\" or {{ days = N }} with N a whole number of "
        f"days (0 or more), not {value!r}",
        path,
        line,
    )


def _engines(value: object, path: Path, prefix: str) -> dict[str, EngineConfig]:
    """Validate the ``[mt.<engine>]`` tables; mt, and so requests, is imported only for them."""
    if not isinstance(value, dict) or not all(isinstance(t, dict) for t in value.values()):
        raise ConfigError(
            f"'{prefix}mt' must hold one table per engine, such as [{prefix}mt.deepl]",
            path, _table_line(path, f"{prefix}mt") or _key_line(path, "mt"),
        )  # fmt: skip
    from . import mt

    engines = {}
    for name, table in value.items():
        header = f"{prefix}mt.{name}"
        try:
            engines[name] = mt.engine_config(name, table, path=path)
        except ConfigError as e:
            bad = None
            if name in mt.ENGINES:
                bad = next((k for k, v in table.items() if not _accepted(name, k, v)), None)
            message = e.message.replace("[mt.", f"[{prefix}mt.", 1)
            line = _table_line(path, header, bad) or _table_line(path, f"{prefix}mt", name)
            raise ConfigError(message, path, line) from e
    return engines


def _accepted(name: str, key: str, value: object) -> bool:
    """Whether one key of an engine table is fine on its own: finds the line of the bad one."""
    from . import mt

    try:
        mt.engine_config(name, {key: value})
    except ConfigError:
        return False
    return True


_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")


def _table_line(path: Path, header: str, key: str | None = None) -> int | None:
    """Line of ``key`` in the table ``[header]``, else of the header; None if not found."""
    current = None
    header_line = None
    wanted = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=") if key else None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = _HEADER.match(line)
        if match:
            current = re.sub(r"[\s\"']", "", match[1])
            if current == header:
                header_line = number
        elif current == header and wanted is not None and wanted.match(line):
            return number
    return header_line


def validate_locale(code: str, *, path: Path | str | None = None, line: int | None = None) -> str:
    """Accept a locale code only if Babel knows it as written, so plural forms and dates are
    right; return it as gettext writes it (``en-GB`` and ``en_GB`` are both ``en_GB``).

    A code Babel knows only through an alias or in another case is refused with the code
    to write instead, so one language never gets two folders (``locales/EN``, ``locales/en``).

    >>> validate_locale("en-GB"), validate_locale("zh_Hant_TW")
    ('en_GB', 'zh_Hant_TW')
    >>> validate_locale("eng")
    Traceback (most recent call last):
    locpipe.errors.ConfigError: unknown locale code 'eng': did you mean 'en'?
    """
    written = code.replace("-", "_")
    try:
        parts = babel.core.parse_locale(written)
        known = babel.Locale.parse(written)
    except (ValueError, babel.UnknownLocaleError) as e:
        raise ConfigError(
            f"unknown locale code '{code}'; use a code such as 'pl', 'en', 'en_GB' or 'en-GB'",
            path, line,
        ) from e
    canonical = babel.core.get_locale_identifier(parts)
    if known.language != parts[0]:  # an alias: eng, iw, tl...
        canonical = babel.core.get_locale_identifier((known.language, *parts[1:]))
        if canonical != known.language:
            try:
                babel.Locale.parse(canonical)
            except (ValueError, babel.UnknownLocaleError):
                canonical = str(known)
    if canonical != written:
        suggestion = bcp47(canonical) if "-" in code else canonical
        raise ConfigError(f"unknown locale code '{code}': did you mean '{suggestion}'?", path,
                          line)
    return written


def bcp47(locale: str) -> str:
    """A locale code as HTML's ``lang`` and ``hreflang`` want it (BCP 47).

    >>> bcp47("en_GB"), bcp47("pl"), bcp47("zh_Hant_TW")
    ('en-GB', 'pl', 'zh-Hant-TW')
    """
    return locale.replace("_", "-")


# -- site and publish keys ------------------------------------------------------------------


def _choice(kind: type[enum.Enum]) -> Callable[[object], enum.Enum]:
    def check(value: object) -> enum.Enum:
        try:
            return kind(value)
        except ValueError:
            names = ", ".join(f'"{m.value}"' for m in kind)
            raise ValueError(f"must be one of {names}, not {value!r}") from None

    return check


def _formats(value: object) -> tuple[OutputFormat, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError('must be a non-empty list such as ["markdown", "html"]')
    check = _choice(OutputFormat)
    return tuple(dict.fromkeys(OutputFormat(check(v)) for v in value))


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError("must be a list of strings")
    return tuple(value)


def _date_format(value: object) -> str:
    import datetime as dt

    import babel.dates

    if not isinstance(value, str) or not value:
        raise ValueError('must be "short", "medium", "long", "full" or a CLDR date pattern')
    try:
        babel.dates.format_date(dt.date(2026, 3, 5), format=value, locale="en")
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise ValueError(f"is not a date format Babel understands ({e})") from e
    return value


def _base_url(value: object) -> str:
    if not isinstance(value, str) or not re.match(r"https?://[^\s/]+", value):
        raise ValueError("must be an http:// or https:// URL, such as \"https://example.org/\"")
    return value.rstrip("/") + "/"


def _non_empty(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("must be a non-empty string")
    return value


def _quotes(value: object) -> Mapping[str, str]:
    if not isinstance(value, dict):
        raise ValueError('must be a table such as { pl = "„”" }')
    pairs: dict[str, str] = {}
    for locale, marks in value.items():
        if not isinstance(marks, str) or len(marks) != 2:
            raise ValueError(
                f"for '{locale}' must be two characters, the opening and closing mark (\"„”\")"
            )
        try:
            pairs[validate_locale(str(locale))] = marks
        except ConfigError as e:
            raise ValueError(e.message) from e
    return pairs


def _min_coverage(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise ValueError("must be a number from 0 to 100")
    return float(value)


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


_SITE_KEYS: dict[str, Callable[[object], object]] = {
    "output_layout": _choice(OutputLayout),
    "output_formats": _formats,
    "localized_fields": _strings,
    "date_format": _date_format,
    "template_dir": _non_empty,
    "base_url": _base_url,
    "quotes": _quotes,
    "typography": _flag,
    "front_matter": _choice(FrontMatterMode),
}



def _site_value(key: str, value: object, path: Path, prefix: str) -> object:
    try:
        return _SITE_KEYS[key](value)
    except ValueError as e:
        line = _key_line(path, key) or table_line(path, f"{prefix}{key}")
        raise ConfigError(f"'{key}' {e}", path, line) from e


def _required(value: object) -> tuple[str, ...]:
    names = _strings(value)
    for name in names:
        if not re.fullmatch(r"[\w-]+", name):
            raise ValueError(
                f"names front-matter keys or unit kinds ({', '.join(REQUIRED_KINDS)}), "
                f"not {name!r}"
            )
    return names


_PUBLISH_KEYS: dict[str, Callable[[object], object]] = {
    "policy": _choice(PublishPolicy),
    "min_coverage": _min_coverage,
    "required": _required,
    "outdated": _choice(Outdated),
    "show_machine": _flag,
}


def _publish_table(value: object, base: Publish, path: Path, where: str,
                   also: tuple[str, ...] = ()) -> Publish:
    """Apply one ``publish`` (or per-article) table on top of ``base``, checking every key.

    ``also``: other keys the table may hold, read elsewhere (named in the error).
    """
    if not isinstance(value, dict):
        raise ConfigError(f"'{where}' must be a table", path, table_line(path, where))
    changes: dict[str, object] = {}
    for key, item in value.items():
        line = table_line(path, where, key)
        if key not in _PUBLISH_KEYS:
            raise ConfigError(unknown_key(f"{where}.{key}", key, [*_PUBLISH_KEYS, *also]),
                              path, line)
        try:
            changes[key] = _PUBLISH_KEYS[key](item)
        except ValueError as e:
            raise ConfigError(f"'{where}.{key}' {e}", path, line) from e
    return replace(base, **changes)  # type: ignore[arg-type]


def _articles_table(
    value: object, base: Publish, path: Path, prefix: str
) -> Mapping[str, Publish]:
    where = f"{prefix}articles"
    if not isinstance(value, dict):
        raise ConfigError(f"'{where}' must be a table of article names", path,
                          table_line(path, where))
    return {
        str(name): _publish_table(_without_front_matter(table), base, path, f'{where}."{name}"',
                                  also=("front_matter",))
        for name, table in value.items()
    }


def _without_front_matter(table: object) -> object:
    """An article's table as ``[publish]`` keys: its ``front_matter`` is read on its own."""
    if isinstance(table, dict):
        return {k: v for k, v in table.items() if k != "front_matter"}
    return table


def _front_matter_articles(
    value: object, path: Path, prefix: str
) -> Mapping[str, FrontMatterMode]:
    """The ``front_matter`` of each ``[articles."<name>"]`` table that sets one."""
    check = _choice(FrontMatterMode)
    modes = {}
    for name, table in value.items() if isinstance(value, dict) else ():
        if isinstance(table, dict) and "front_matter" in table:
            where = f'{prefix}articles."{name}"'
            try:
                modes[str(name)] = FrontMatterMode(check(table["front_matter"]))
            except ValueError as e:
                raise ConfigError(f"'{where}.front_matter' {e}", path,
                                  table_line(path, where, "front_matter")) from e
    return modes


def table_line(path: Path, where: str, key: str | None = None) -> int | None:
    """The line of ``key`` inside the table ``where`` (or of the table), for messages."""
    lines = path.read_text(encoding="utf-8").splitlines()
    last = where.rsplit(".", 1)[-1] if key is None else key
    header = re.compile(r"^\s*\[\s*" + re.escape(where).replace('"', '"?') + r"\s*\]")
    start = next((n for n, line in enumerate(lines) if header.match(line)), None)
    if start is not None:
        if key is None:
            return start + 1
        for number in range(start + 1, len(lines)):
            if lines[number].lstrip().startswith("["):
                break
            if re.match(rf"^\s*{re.escape(key)}\s*=", lines[number]):
                return number + 1
    # Inline tables and dotted keys: the first line that names the key.
    pattern = re.compile(rf"(^|[\s{{,.\"]){re.escape(last.strip(chr(34)))}\"?\s*=")
    for number, line in enumerate(lines, 1):
        if pattern.search(line):
            return number
    return None


def _check_required(config: Config, path: Path, prefix: str) -> None:
    """Every name in ``required`` must be a translated front-matter key or a unit kind."""
    known = (*config.front_matter_keys, *REQUIRED_KINDS)
    tables = [("publish", config.publish), *((f'articles."{n}"', p)
                                             for n, p in config.articles.items())]
    for where, settings in tables:
        for name in settings.required:
            if name not in known:
                raise ConfigError(
                    f"'{prefix}{where}.required' names '{name}', which is neither a key of "
                    f"front_matter_keys nor a unit kind; use one of: {', '.join(known)}",
                    path, table_line(path, f"{prefix}{where}", "required"))


# -- coverage gates and checks ------------------------------------------------------------


def _percent(value: object, what: str, path: Path, line: int | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise ConfigError(f"{what} must be a number from 0 to 100", path, line)
    return float(value)


def _gate_setting(key: str, value: object, path: Path, prefix: str) -> dict[str, object]:
    line = _key_line(path, key)
    if key == "min_coverage":
        if not isinstance(value, dict):
            return {"min_coverage": _percent(value, "'min_coverage'", path, line)}
        default = 0.0
        locales: dict[str, float] = {}
        for name, number in value.items():
            where = _key_line(path, name) or line
            if name == "default":
                default = _percent(number, "'min_coverage.default'", path, where)
            else:
                locale = validate_locale(name, path=path, line=where)
                locales[locale] = _percent(number, f"'min_coverage.{name}'", path, where)
        return {"min_coverage": default, "min_coverage_locales": locales}
    if key == "coverage_unit":
        units = [u.value for u in CoverageUnit]
        if value not in units:
            raise ConfigError(f"'coverage_unit' must be one of {units}", path, line)
        return {"coverage_unit": CoverageUnit(value)}
    if key == "required":
        return {"required": _string_list(value, "'required'", path, line)}
    if not isinstance(value, dict):
        raise ConfigError(f"'{prefix}checks' must be a table", path, line)
    return {"checks": _check_settings(value, path, prefix)}


def _string_list(value: object, what: str, path: Path, line: int | None) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{what} must be a list of strings", path, line)
    return tuple(value)


def _check_settings(table: Mapping[str, object], path: Path, prefix: str) -> CheckSettings:
    """Read ``[checks]``; check names are validated against the registry by ``checks``."""
    lines: dict[str, int] = {}
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    severity: dict[str, Severity] = {}
    for key, value in table.items():
        line = _key_line(path, key)
        if key in ("enable", "disable"):
            names = _string_list(value, f"'{prefix}checks.{key}'", path, line)
            for name in names:
                lines.setdefault(name, _value_line(path, name) or line or 0)
            enable, disable = (names, disable) if key == "enable" else (enable, names)
        elif key == "severity" and isinstance(value, dict):
            for name, level in value.items():
                where = _key_line(path, name) or _value_line(path, name) or line
                if level not in ("error", "warning"):
                    raise ConfigError(
                        f"severity of '{name}' must be \"error\" or \"warning\"", path, where
                    )
                severity[name] = Severity(level)
                lines.setdefault(name, where or 0)
        else:
            raise ConfigError(
                unknown_key(f"{prefix}checks.{key}", key, {"disable", "enable", "severity"}),
                path, line,
            )
    return CheckSettings(enable, disable, severity, lines, path.name)


def _value_line(path: Path, value: str) -> int | None:
    """The first line where ``value`` is written as a quoted string or a bare key."""
    pattern = re.compile(rf"""(["']){re.escape(value)}\1|^\s*{re.escape(value)}\s*=""")
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if pattern.search(line):
            return number
    return None


HEADING_LEVELS = tuple(f"h{n}" for n in range(1, 7))


def _check_gate_required(config: Config, path: Path, prefix: str) -> None:
    """Every name in the top-level ``required`` must name something a unit can be."""
    known = (*config.front_matter_keys, *REQUIRED_KINDS, *HEADING_LEVELS)
    for name in config.required:
        if name not in known:
            raise ConfigError(
                f"'{prefix}required' names '{name}', which is neither a key of "
                f"front_matter_keys, a unit kind nor a heading level; use one of: "
                f"{', '.join(known)}", path, _key_line(path, "required"))
