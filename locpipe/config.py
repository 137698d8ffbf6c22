"""Project configuration: ``locpipe.toml`` or ``[tool.locpipe]`` in ``pyproject.toml``."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

import babel

from .errors import ConfigError
from .model import CoverageUnit, Severity

CONFIG_FILE = "locpipe.toml"
PYPROJECT = "pyproject.toml"


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
    min_coverage: float = 0.0
    min_coverage_locales: Mapping[str, float] = field(default_factory=dict)
    """Per-locale thresholds that override ``min_coverage``."""
    coverage_unit: CoverageUnit = CoverageUnit.ENTRIES
    required: tuple[str, ...] = ()
    """Units that must be translated whatever the coverage (``title``, ``heading``...)."""
    checks: CheckSettings = field(default_factory=CheckSettings)
    wrap: bool = True
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


_KEYS = {f.name for f in fields(Config)} - {"root", "source", "min_coverage_locales"}
_GATE_KEYS = frozenset({"min_coverage", "coverage_unit", "required", "checks"})


def load_config(root: Path | None = None) -> Config:
    """Read the project's configuration; ``locpipe.toml`` wins over ``pyproject.toml``."""
    root = (root or Path.cwd()).resolve()
    own = root / CONFIG_FILE
    if own.is_file():
        return _from_table(root, own, _read_toml(own))
    pyproject = root / PYPROJECT
    if pyproject.is_file():
        table = _read_toml(pyproject).get("tool", {}).get("locpipe")
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
            continue  # engine tables are read by the translate command
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(
                f"unknown key '{prefix}{key}'; known keys: {known}", path, _key_line(path, key)
            )
        if key in _GATE_KEYS:
            values.update(_gate_setting(key, value, path, prefix))
            continue
        values[key] = _checked(key, value, path)
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
    if key == "wrap":
        if not isinstance(value, bool):
            raise ConfigError("'wrap' must be true or false", path, line)
        return value
    if not isinstance(value, str) or not value:
        raise ConfigError(f"'{key}' must be a non-empty string", path, line)
    return value


def validate_locale(code: str, *, path: Path | str | None = None, line: int | None = None) -> str:
    """Accept a locale code only if Babel knows it, so plural forms and dates are right."""
    try:
        babel.Locale.parse(code)
    except (ValueError, babel.UnknownLocaleError) as e:
        raise ConfigError(
            f"unknown locale code '{code}'; use a code such as 'pl', 'en' or 'en_GB'", path, line
        ) from e
    return code


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
                validate_locale(name, path=path, line=where)
                locales[name] = _percent(number, f"'min_coverage.{name}'", path, where)
        return {"min_coverage": default, "min_coverage_locales": locales}
    if key == "coverage_unit":
        units = [u.value for u in CoverageUnit]
        if value not in units:
            raise ConfigError(f"'coverage_unit' must be one of {units}", path, line)
        return {"coverage_unit": CoverageUnit(value)}
    if key == "required":
        return {"required": _strings(value, "'required'", path, line)}
    if not isinstance(value, dict):
        raise ConfigError(f"'{prefix}checks' must be a table", path, line)
    return {"checks": _check_settings(value, path, prefix)}


def _strings(value: object, what: str, path: Path, line: int | None) -> tuple[str, ...]:
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
            names = _strings(value, f"'{prefix}checks.{key}'", path, line)
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
                f"unknown key '{prefix}checks.{key}'; known keys: disable, enable, severity",
                path, line,
            )
    return CheckSettings(enable, disable, severity, lines, str(path))


def _value_line(path: Path, value: str) -> int | None:
    """The first line where ``value`` is written as a quoted string or a bare key."""
    pattern = re.compile(rf"""(["']){re.escape(value)}\1|^\s*{re.escape(value)}\s*=""")
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if pattern.search(line):
            return number
    return None
