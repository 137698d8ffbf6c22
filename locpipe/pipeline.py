"""One function per command; the one place that reads and writes files.

Every function returns a report instead of printing, keeps going past a broken article
(its error goes into the report), and writes a file only when its content changed,
atomically, so an interrupted run leaves each file either old or new.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import polib

from . import catalog, checks, render, segment
from . import merge as merging
from .config import Config, PruneKind, PrunePolicy
from .discover import SourceFile, find_articles
from .errors import CatalogError, ContentError, LocpipeError
from .lock import LOCK_NAME, project_lock
from .memory import Memory
from .model import Article, Coverage, FileResult, FileStatus, Issue, Severity
from .pseudo import PSEUDO_LOCALE, pseudo_text


@dataclass
class Report:
    """What a command did: one row per file, and every error met on the way."""

    files: list[FileResult] = field(default_factory=list)
    errors: list[LocpipeError] = field(default_factory=list)
    notices: list[LocpipeError] = field(default_factory=list)
    """Things the command fixed by itself that a person should know about."""

    @property
    def changed(self) -> list[FileResult]:
        return [f for f in self.files if f.status in (FileStatus.CREATED, FileStatus.UPDATED)]

    def extend(self, other: Report) -> None:
        self.files.extend(other.files)
        self.errors.extend(other.errors)
        self.notices.extend(other.notices)


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


@contextmanager
def _writing(config: Config, *, dry_run: bool = False) -> Iterator[None]:
    """Hold the project lock while a command writes under the locales folder."""
    if dry_run:
        yield
        return
    lock = config.locales_path / LOCK_NAME
    with project_lock(config.locales_path, display=_display(config, lock)):
        yield


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
    with _writing(config, dry_run=dry_run):
        return _extract(config, dry_run=dry_run)


def _extract(config: Config, *, dry_run: bool) -> Report:
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


def update(config: Config, *, dry_run: bool = False, memory: bool = True) -> Report:
    """Merge every template into its catalogues, creating the missing ones.

    Locale by locale: every catalogue of the locale is read once, and serves both as the
    old catalogue of its merge and, with ``memory``, as translation memory for the others.
    """
    report = Report()
    with _writing(config, dry_run=dry_run):
        templates = _read_templates(config, report)
        for locale in config.locales:
            jobs = [(name, t) for name, t in templates
                    if locale in config.targets(_source_lang(config, t))]
            if not jobs:
                continue
            existing = _read_locale(config, locale)
            tm = Memory((n, po) for n, po in existing.items()
                        if isinstance(po, polib.POFile)) if memory else None
            for name, template in jobs:
                _update_one(config, report, name, template, locale,
                            old=existing.get(name), memory=tm, dry_run=dry_run)
    return report


def _read_templates(config: Config, report: Report) -> list[tuple[str, polib.POFile]]:
    found = []
    for name, pot_path in _templates(config):
        try:
            found.append((name, catalog.read_catalog(pot_path, _display(config, pot_path))))
        except LocpipeError as e:
            report.errors.append(e)
    return found


def _source_lang(config: Config, template: polib.POFile) -> str:
    return str(template.metadata.get("X-Source-Language") or config.source_locale)


def _read_locale(config: Config, locale: str) -> dict[str, polib.POFile | LocpipeError]:
    """Every catalogue of a locale by article name, or the error that stopped reading it."""
    folder = config.locales_path / locale / "LC_MESSAGES"
    found: dict[str, polib.POFile | LocpipeError] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.rglob("*.po")):
        name = path.relative_to(folder).with_suffix("").as_posix()
        try:
            found[name] = catalog.read_catalog(path, _display(config, path))
        except LocpipeError as e:
            found[name] = e
    return found


def _update_one(
    config: Config, report: Report, name: str, template: polib.POFile, locale: str,
    *, old: polib.POFile | LocpipeError | None, memory: Memory | None, dry_run: bool,
) -> None:
    path = config.catalog_path(name, locale)
    display = _display(config, path)
    if isinstance(old, LocpipeError):
        report.errors.append(old)
        report.files.append(FileResult(display, FileStatus.FAILED))
        return
    if old is None:
        new = catalog.new_catalog(template, locale, revision_date=catalog.now())
    else:
        new = polib.POFile(wrapwidth=79)
        new.header = old.header
        new.metadata = dict(old.metadata)
        new.metadata_is_fuzzy = old.metadata_is_fuzzy
    stats = merging.merge(template, old if old is not None else polib.POFile(), new,
                          today=catalog.today(), memory=memory, origin=name)
    notice = catalog.refresh_header(new, template, locale)
    if notice is not None:
        report.notices.append(LocpipeError(notice, display, 1))
    text = catalog.dumps(new, wrap=config.wrap)
    if old is not None and text != _read_text(path):
        if text == catalog.dumps(old, wrap=config.wrap):
            # Only the layout differs (an editor wrapped lines its own way): leave the file.
            report.files.append(FileResult(display, FileStatus.UNCHANGED, stats.as_dict()))
            return
        catalog.stamp_header(new, template)
        text = catalog.dumps(new, wrap=config.wrap)
    _guarded_write(config, report, path, text, dry_run=int(dry_run), **stats.as_dict())


# -- prune --------------------------------------------------------------------------------


def prune(config: Config, *, dry_run: bool = False, policy: PrunePolicy | None = None) -> Report:
    """Drop obsolete entries from every catalogue as the prune policy says."""
    policy = config.prune if policy is None else policy
    report = Report()
    if policy.kind is PruneKind.KEEP:
        return report
    with _writing(config, dry_run=dry_run):
        for _name, _locale, path in _catalogs(config):
            display = _display(config, path)
            try:
                po = catalog.read_catalog(path, display)
            except LocpipeError as e:
                report.errors.append(e)
                report.files.append(FileResult(display, FileStatus.FAILED))
                continue
            dropped, dated = merging.prune(po, policy, today=catalog.today())
            if not (dropped or dated):
                report.files.append(FileResult(display, FileStatus.UNCHANGED))
                continue
            _guarded_write(config, report, path, catalog.dumps(po, wrap=config.wrap),
                           dry_run=int(dry_run), dropped=dropped, dated=dated)
    return report


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
    with _writing(config):
        return _compile_catalogs(config)


def _compile_catalogs(config: Config) -> Report:
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


@dataclass
class CheckReport:
    """Coverage of every catalogue, the problems found, and whether the gate passed."""

    coverage: list[Coverage] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    errors: list[LocpipeError] = field(default_factory=list)
    below: list[Coverage] = field(default_factory=list)
    """Catalogues under the coverage threshold."""

    @property
    def failed(self) -> bool:
        return bool(self.below) or any(i.severity is Severity.ERROR for i in self.issues)


def _coverage_of(po: polib.POFile, display: str, name: str, locale: str) -> Coverage:
    entries, words = catalog.counts(po)
    return Coverage(display, name, locale, entries, words)


def check(
    config: Config,
    *,
    min_coverage: float | None = None,
    paths: Sequence[Path] = (),
    run_checks: bool = True,
) -> CheckReport:
    """Measure coverage and run the quality checks on the project's (or the given) catalogues."""
    result = CheckReport()
    threshold = Fraction(str(config.min_coverage if min_coverage is None else min_coverage))
    targets: Iterable[tuple[str, str, Path]]
    if paths:
        targets = [(p.stem, "", p) for p in paths]
    else:
        targets = _catalogs(config)
    for name, locale, path in targets:
        display = _display(config, path.resolve()) if paths else _display(config, path)
        try:
            po = catalog.read_catalog(path, display)
        except CatalogError as e:
            result.errors.append(e)
            continue
        cov = _coverage_of(po, display, name, locale or po.metadata.get("Language", ""))
        result.coverage.append(cov)
        if cov.entries.ratio * 100 < threshold:
            result.below.append(cov)
        if run_checks:
            result.issues.extend(checks.check_catalog(po, path=display))
    return result


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


# -- pseudo-locale ------------------------------------------------------------------------


def pseudo(config: Config, *, locale: str = PSEUDO_LOCALE) -> Report:
    """Write a pseudo-translated catalogue and Markdown of every article into the output.

    Every unit is accented and lengthened with its markup kept, so layout and structure
    can be tested without a translator; nothing under ``locales/`` is touched.
    """
    report = Report()
    for article in load_articles(config, report):
        template = catalog.build_template(article, creation_date=catalog.now())
        po = catalog.new_catalog(template, "en", revision_date=catalog.now())
        po.metadata["Language"] = locale
        po.metadata["Language-Team"] = "pseudo-locale"
        translations = {}
        for source in template:
            text = pseudo_text(source.msgid, article.references)
            po.append(polib.POEntry(msgid=source.msgid, msgctxt=source.msgctxt, msgstr=text,
                                    comment=source.comment, occurrences=source.occurrences))
            translations[(source.msgctxt, source.msgid)] = text
        base = config.output_path / locale / article.name
        _guarded_write(config, report, base.with_suffix(".po"),
                       catalog.dumps(po, wrap=config.wrap))
        _guarded_write(config, report, base.with_suffix(".md"),
                       render.render_markdown(article, translations, locale=locale))
    return report
