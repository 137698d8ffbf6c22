"""One function per command; the one place that reads and writes files.

Every function returns a report instead of printing, keeps going past a broken article
(its error goes into the report), and writes a file only when its content changed,
atomically, so an interrupted run leaves each file either old or new.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

import polib

from . import catalog, checks, render, segment
from . import report as html_report
from .config import Config
from .coverage import (
    CatalogueReport,
    CheckReport,
    Gate,
    gate_issue,
    message_counts,
    required_issues,
)
from .discover import SourceFile, find_articles
from .errors import CatalogError, ContentError, LocpipeError
from .merge import merge
from .model import (
    Article,
    Catalogue,
    Coverage,
    CoverageUnit,
    FileResult,
    FileStatus,
    Issue,
    Severity,
)


@dataclass
class Report:
    """What a command did: one row per file, and every error met on the way."""

    files: list[FileResult] = field(default_factory=list)
    errors: list[LocpipeError] = field(default_factory=list)

    @property
    def changed(self) -> list[FileResult]:
        return [f for f in self.files if f.status in (FileStatus.CREATED, FileStatus.UPDATED)]

    def extend(self, other: Report) -> None:
        self.files.extend(other.files)
        self.errors.extend(other.errors)


# -- files --------------------------------------------------------------------------------


def _display(config: Config, path: Path) -> str:
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return path.as_posix()


def write_file(path: Path, content: str | bytes, *, dry_run: bool = False) -> FileStatus:
    """Write ``content`` atomically (temp file + rename), only if it differs from the file."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        old: bytes | None = path.read_bytes()
    except FileNotFoundError:
        old = None
    if old == data:
        return FileStatus.UNCHANGED
    status = FileStatus.CREATED if old is None else FileStatus.UPDATED
    if dry_run:
        return status
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if old is not None:
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return status


def _guarded_write(
    config: Config, report: Report, path: Path, content: str | bytes, **details: int
) -> None:
    display = _display(config, path)
    try:
        status = write_file(path, content, dry_run=bool(details.pop("dry_run", 0)))
    except OSError as e:
        report.errors.append(LocpipeError(f"cannot write: {e.strerror}; nothing was changed",
                                          display))
        report.files.append(FileResult(display, FileStatus.FAILED))
        return
    report.files.append(FileResult(display, status, details))


# -- articles -----------------------------------------------------------------------------


def read_article(config: Config, source: SourceFile) -> Article:
    """Read and segment one article; raise ContentError naming the file and line."""
    try:
        data = source.path.read_bytes()
    except OSError as e:
        raise ContentError(f"cannot read: {e.strerror}", source.display) from e
    text, bom = segment.decode(data, source.display)
    return segment.parse_article(
        text,
        name=source.name,
        path=source.display,
        default_lang=config.source_locale,
        front_matter_keys=config.front_matter_keys,
        bom=bom,
    )


def load_articles(config: Config, report: Report) -> list[Article]:
    """Read every article; the broken ones go into the report and the rest carry on."""
    articles = []
    for source in find_articles(config):
        try:
            articles.append(read_article(config, source))
        except LocpipeError as e:
            report.errors.append(e)
            report.files.append(FileResult(source.display, FileStatus.FAILED))
    return articles


# -- extract ------------------------------------------------------------------------------


def _existing_date(path: Path, key: str) -> str | None:
    try:
        return str(polib.pofile(path.read_text(encoding="utf-8")).metadata.get(key) or "") or None
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def extract(config: Config, *, dry_run: bool = False) -> Report:
    """Write a template for every article; keep its date unless its entries changed."""
    report = Report()
    for article in load_articles(config, report):
        path = config.template_path(article.name)
        old_date = _existing_date(path, "POT-Creation-Date")
        template = catalog.build_template(article, creation_date=old_date or catalog.now())
        text = catalog.dumps(template, wrap=config.wrap)
        if old_date is not None and _read_text(path) != text:
            template.metadata["POT-Creation-Date"] = catalog.now()
            text = catalog.dumps(template, wrap=config.wrap)
        _guarded_write(config, report, path, text, entries=len(template), dry_run=int(dry_run))
    return report


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


# -- update -------------------------------------------------------------------------------


def _templates(config: Config) -> list[tuple[str, Path]]:
    base = config.locales_path / "templates"
    if not base.is_dir():
        return []
    found = [(p.relative_to(base).with_suffix("").as_posix(), p) for p in base.rglob("*.pot")]
    return sorted(found)


def update(config: Config, *, dry_run: bool = False) -> Report:
    """Merge every template into its catalogues, creating the missing ones."""
    report = Report()
    for name, pot_path in _templates(config):
        display = _display(config, pot_path)
        try:
            template = catalog.read_catalog(pot_path, display)
        except LocpipeError as e:
            report.errors.append(e)
            continue
        lang = template.metadata.get("X-Source-Language") or config.source_locale
        for locale in config.targets(lang):
            _update_one(config, report, name, template, locale, dry_run=dry_run)
    return report


def _update_one(
    config: Config, report: Report, name: str, template: polib.POFile, locale: str,
    *, dry_run: bool,
) -> None:
    path = config.catalog_path(name, locale)
    display = _display(config, path)
    try:
        old = catalog.read_catalog(path, display) if path.exists() else None
    except LocpipeError as e:
        report.errors.append(e)
        report.files.append(FileResult(display, FileStatus.FAILED))
        return
    if old is None:
        new = catalog.new_catalog(template, locale, revision_date=catalog.now())
        old = polib.POFile()
    else:
        new = polib.POFile(wrapwidth=79)
        new.header = old.header
        new.metadata = dict(old.metadata)
        new.metadata_is_fuzzy = old.metadata_is_fuzzy
        catalog.refresh_header(new, template, locale)
    stats = merge(template, old, new)
    text = catalog.dumps(new, wrap=config.wrap)
    _guarded_write(config, report, path, text, dry_run=int(dry_run), **stats.as_dict())


# -- compile ------------------------------------------------------------------------------


def _catalogs(config: Config) -> list[tuple[str, str, Path]]:
    """Every catalogue on disk as (article name, locale, path), sorted."""
    found = []
    base = config.locales_path
    for locale in config.locales:
        folder = base / locale / "LC_MESSAGES"
        if folder.is_dir():
            for path in folder.rglob("*.po"):
                found.append((path.relative_to(folder).with_suffix("").as_posix(), locale, path))
    return sorted(found)


def compile_catalogs(config: Config) -> Report:
    """Write a ``.mo`` beside each catalogue (fuzzy entries left out, as msgfmt does)."""
    report = Report()
    for _name, _locale, path in _catalogs(config):
        display = _display(config, path)
        try:
            po = catalog.read_catalog(path, display)
        except LocpipeError as e:
            report.errors.append(e)
            continue
        _guarded_write(config, report, path.with_suffix(".mo"), po.to_binary())
    return report


# -- render -------------------------------------------------------------------------------


def _relative(from_file: str, to_file: str) -> str:
    return Path(os.path.relpath(to_file, os.path.dirname(from_file) or ".")).as_posix()


def render_all(config: Config) -> Report:
    """Write every article in every locale as Markdown and as an HTML page."""
    report = Report()
    for article in load_articles(config, report):
        locales = [article.lang, *config.targets(article.lang)]
        outputs = {loc: f"{loc}/{article.name}" for loc in locales}
        for locale in locales:
            try:
                translations = _translations(config, article, locale)
            except LocpipeError as e:
                report.errors.append(e)
                continue
            markdown = render.render_markdown(article, translations, locale=locale)
            marked = render.render_markdown(article, translations, locale=locale,
                                            mark_fallback=True)
            here = outputs[locale] + ".html"
            alternates = [
                render.Alternate(loc, _relative(here, outputs[loc] + ".html"),
                                 render.language_name(loc))
                for loc in sorted(locales)
            ]
            page = render.render_html(
                article, marked, locale=locale, translations=translations,
                alternates=alternates,
                default_href=_relative(here, outputs[article.lang] + ".html"),
            )
            base = config.output_path / outputs[locale]
            _guarded_write(config, report, base.with_suffix(".md"), markdown)
            _guarded_write(config, report, base.with_suffix(".html"), page)
    return report


def _translations(config: Config, article: Article, locale: str) -> dict[tuple[str | None, str], str]:
    if locale == article.lang:
        return {}
    path = config.catalog_path(article.name, locale)
    if not path.exists():
        return {}
    return catalog.publishable(catalog.read_catalog(path, _display(config, path)))


# -- status and check ---------------------------------------------------------------------

STALE_CHECK = "stale"


def _gate(
    config: Config, min_coverage: float | None, unit: CoverageUnit | None,
    required: Sequence[str],
) -> Gate:
    if min_coverage is not None:
        default, locales = Fraction(str(min_coverage)), {}
    else:
        default = Fraction(str(config.min_coverage))
        locales = {k: Fraction(str(v)) for k, v in config.min_coverage_locales.items()}
    return Gate(default, locales, unit or config.coverage_unit,
                tuple(dict.fromkeys([*config.required, *required])))


def load_catalogue(
    path: Path, display: str, *, locale: str = "", definitions: dict[str, str] | None = None
) -> Catalogue:
    """Read a catalogue file into the plain view the checks and reports use."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise CatalogError("not valid UTF-8; save the catalogue as UTF-8", display) from e
    except OSError as e:
        raise CatalogError(f"cannot read: {e.strerror}", display) from e
    po = catalog.parse_catalog(text, display)
    return catalog.to_catalogue(po, text, path=display, locale=locale, definitions=definitions)


def _definitions(config: Config, name: str) -> dict[str, str] | None:
    """The article's reference-link definitions, when the article is there to read."""
    text = _read_text(config.content_path / f"{name}.md")
    return None if text is None else segment.reference_definitions(text)


def stale_files(config: Config) -> tuple[list[Issue], list[LocpipeError]]:
    """Templates and catalogues that ``extract`` or ``update`` would change, as errors."""
    issues: list[Issue] = []
    errors: list[LocpipeError] = []
    steps = (
        (extract, f"{config.content_dir}/", "'locpipe extract', then 'locpipe update',"),
        (update, "its template", "'locpipe update'"),
    )
    for step, source, command in steps:
        report = step(config, dry_run=True)
        errors.extend(report.errors)
        for row in report.changed:
            what = "missing" if row.status is FileStatus.CREATED else f"out of date with {source}"
            issues.append(Issue(STALE_CHECK, Severity.ERROR, row.path, None,
                                f"{what}: run {command} and commit the result"))
    return issues, errors


def check(
    config: Config,
    *,
    min_coverage: float | None = None,
    unit: CoverageUnit | None = None,
    required: Sequence[str] = (),
    enable: Sequence[str] = (),
    disable: Sequence[str] = (),
    paths: Sequence[Path] = (),
    run_checks: bool = True,
    stale: bool = True,
) -> CheckReport:
    """Measure coverage and run the gates and quality checks on the project's catalogues.

    Given ``paths``, check those catalogues instead (any ``.po`` file, made by locpipe or
    not); the stale-file check then does not apply.
    """
    selection = checks.select(config.checks, enable=enable, disable=disable)
    result = CheckReport(gate=_gate(config, min_coverage, unit, required))
    targets: Iterable[tuple[str, str, Path]]
    targets = [(p.stem, "", p) for p in paths] if paths else _catalogs(config)
    for name, locale, path in targets:
        display = _display(config, path.resolve()) if paths else _display(config, path)
        try:
            cat = load_catalogue(path, display, locale=locale,
                                 definitions=None if paths else _definitions(config, name))
        except CatalogError as e:
            result.errors.append(e)
            continue
        entries, words = message_counts(cat.messages)
        cov = Coverage(display, name, cat.locale, entries, words)
        below = gate_issue(cov, result.gate)
        issues = [] if below is None else [below]
        issues.extend(required_issues(cat, result.gate.required))
        if run_checks:
            issues.extend(checks.run_checks(cat, selection))
        issues.sort(key=lambda i: i.line or 0)
        result.catalogues.append(
            CatalogueReport(cov, cat, result.gate.threshold(cat.locale), tuple(issues)))
        result.issues.extend(issues)
    if stale and not paths and run_checks:
        stale_issues, errors = stale_files(config)
        result.issues.extend(stale_issues)
        result.errors.extend(errors)
        result.catalogues = [
            replace(c, issues=(*[i for i in stale_issues if i.path == c.coverage.path],
                               *c.issues))
            for c in result.catalogues
        ]
    result.issues.sort(key=lambda i: (i.path, i.line or 0))
    return result


def write_report(config: Config, result: CheckReport, out: Path) -> Report:
    """Write the HTML coverage report (an index and a page per catalogue) into ``out``."""
    written = Report()
    for name, text in html_report.render(result).items():
        _guarded_write(config, written, out / name, text)
    return written


# -- init ---------------------------------------------------------------------------------

CONFIG_TEMPLATE = """\
# locpipe configuration: https://github.com/locpipe/locpipe#configuration
source_locale = "{source}"
locales = [{locales}]
content_dir = "content"
locales_dir = "locales"
output_dir = "build"
"""


def init(root: Path, *, source_locale: str, locales: Sequence[str]) -> Report:
    """Create ``locpipe.toml`` and the content and locales folders of a new project."""
    report = Report()
    config_path = root / "locpipe.toml"
    if config_path.exists() or ((root / "pyproject.toml").exists() and _has_tool_table(root)):
        report.errors.append(LocpipeError(
            "a locpipe configuration exists already; edit it instead", config_path.name))
        return report
    text = CONFIG_TEMPLATE.format(
        source=source_locale, locales=", ".join(f'"{loc}"' for loc in locales)
    )
    report.files.append(FileResult("locpipe.toml", write_file(config_path, text)))
    for folder in ("content", "locales/templates"):
        path = root / folder
        status = FileStatus.UNCHANGED if path.is_dir() else FileStatus.CREATED
        path.mkdir(parents=True, exist_ok=True)
        report.files.append(FileResult(folder + "/", status))
    return report


def _has_tool_table(root: Path) -> bool:
    text = _read_text(root / "pyproject.toml") or ""
    return "[tool.locpipe]" in text
