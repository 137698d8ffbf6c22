"""Project configuration: ``locpipe.toml`` or ``[tool.locpipe]`` in ``pyproject.toml``."""

from __future__ import annotations

import enum
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

import babel

from .errors import ConfigError

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
    min_coverage: float = 0.0
    wrap: bool = True
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

    def targets(self, article_lang: str) -> tuple[str, ...]:
        """Locales an article in ``article_lang`` is translated into."""
        return tuple(loc for loc in self.locales if loc != article_lang)


_KEYS = {f.name for f in fields(Config)} - {"root", "source", "mt"}


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
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        line = _line_of_toml_error(str(e))
        raise ConfigError(f"invalid TOML: {e}; fix the syntax", path, line) from e
    except UnicodeDecodeError as e:
        raise ConfigError("not UTF-8; save the file as UTF-8", path) from e


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
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(
                f"unknown key '{prefix}{key}'; known keys: {known}", path, _key_line(path, key)
            )
        values[key] = (
            parse_prune(value, path=path, line=_key_line(path, key))
            if key == "prune"
            else _checked(key, value, path)
        )
    config = Config(root=root, source=str(path.relative_to(root)), **values)  # type: ignore[arg-type]
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
            for code in value:
                validate_locale(code, path=path, line=line)
        return tuple(value)
    if key == "source_locale":
        if not isinstance(value, str):
            raise ConfigError(f"'{key}' must be a string", path, line)
        return validate_locale(value, path=path, line=line)
    if key == "min_coverage":
        if not isinstance(value, int | float) or not 0 <= value <= 100:
            raise ConfigError("'min_coverage' must be a number from 0 to 100", path, line)
        return float(value)
    if key == "wrap":
        if not isinstance(value, bool):
            raise ConfigError("'wrap' must be true or false", path, line)
        return value
    if not isinstance(value, str) or not value:
        raise ConfigError(f"'{key}' must be a non-empty string", path, line)
    return value


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
    """Accept a locale code only if Babel knows it, so plural forms and dates are right."""
    try:
        babel.Locale.parse(code)
    except (ValueError, babel.UnknownLocaleError) as e:
        raise ConfigError(
            f"unknown locale code '{code}'; use a code such as 'pl', 'en' or 'en_GB'", path, line
        ) from e
    return code
