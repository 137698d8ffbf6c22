"""One function per command; the one place that reads and writes files.

Every function returns a report instead of printing, keeps going past a broken article
(its error goes into the report), and writes a file only when its content changed,
atomically, so an interrupted run leaves each file either old or new.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import polib

from . import catalog, checks, publish, render, segment, site
from .config import (
    Config,
    Outdated,
    OutputFormat,
    OutputLayout,
    Publish,
    PublishPolicy,
    table_line,
)
from .discover import SourceFile, find_articles, find_assets
from .errors import CatalogError, ConfigError, ContentError, LocpipeError
from .merge import merge
from .model import Article, Coverage, FileResult, FileStatus, Issue, Severity, Translation


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


@dataclass
class RenderReport(Report):
    """What ``render`` wrote, and the publish decision for every article in every target."""

    decisions: list[publish.Decision] = field(default_factory=list)

    @property
    def skipped(self) -> list[publish.Decision]:
        return [d for d in self.decisions if d.skipped]


def render_all(
    config: Config,
    *,
    policy: PublishPolicy | None = None,
    min_coverage: float | None = None,
    outdated: Outdated | None = None,
    show_machine: bool | None = None,
) -> RenderReport:
    """Write every article in every locale whose publish gate lets it through.

    The options, where given, win over the configuration's publish settings. Files of
    an article that is skipped now but was rendered before are removed, so a stale
    translation is never left published.
    """
    report = RenderReport()
    pages = site.Site.from_config(config)
    articles = load_articles(config, report)
    _check_article_tables(config, articles, report)
    options = {"policy": policy, "min_coverage": min_coverage, "outdated": outdated,
               "show_machine": show_machine}
    listed: dict[str, list[site.Summary]] = {locale: [] for locale in config.locales}
    for article in articles:
        settings = publish.settings_for(config.publish_for(article.name), **options)  # type: ignore[arg-type]
        try:
            _render_article(config, pages, article, settings, report, listed)
        except LocpipeError as e:
            report.errors.append(e)
    if OutputFormat.HTML in config.output_formats:
        _render_indexes(config, pages, listed, report)
    _copy_assets(config, report)
    return report


def _copy_assets(config: Config, report: Report) -> None:
    """Put the content folder's other files (images) where the pages' relative links expect."""
    for name, path in find_assets(config):
        if config.output_layout is OutputLayout.SUFFIX:
            targets = [name]
        else:
            targets = [f"{locale}/{name}" for locale in config.locales]
        try:
            data = path.read_bytes()
            for target in targets:
                _guarded_write(config, report, _confined(config, target), data)
        except OSError as e:
            report.errors.append(ContentError(f"cannot read: {e.strerror}",
                                              _display(config, path)))
        except LocpipeError as e:
            report.errors.append(e)


def _check_article_tables(config: Config, articles: Sequence[Article], report: Report) -> None:
    names = {article.name for article in articles}
    for name in config.articles:
        if name not in names:
            prefix = "tool.locpipe." if config.source == "pyproject.toml" else ""
            where = f'{prefix}articles."{name}"'
            line = table_line(config.root / config.source, where) if config.source else None
            report.errors.append(ConfigError(
                f"[{where}] names no article in {config.content_dir}/; "
                "use the file's path below it without .md", config.source, line))


def _render_article(
    config: Config,
    pages: site.Site,
    article: Article,
    settings: Publish,
    report: RenderReport,
    listed: dict[str, list[site.Summary]],
) -> None:
    site.check_name(article.name, article.path)
    layout = config.output_layout
    html_wanted = OutputFormat.HTML in config.output_formats
    if html_wanted and article.name == "index":
        raise ContentError("the name 'index' is taken by the index pages; rename the article",
                           article.path, 1)
    decisions: dict[str, publish.Decision] = {}
    for locale in [article.lang, *config.targets(article.lang)]:
        try:
            found = _catalog_translations(config, article, locale)
        except LocpipeError as e:
            report.errors.append(e)
            continue
        decisions[locale] = publish.decide(article, found, locale=locale, settings=settings)
    report.decisions.extend(d for loc, d in decisions.items() if loc != article.lang)
    # Every rendered version, in the order of `locales`, for hreflang links and the switcher.
    pages_of = {loc: site.output_file(article.name, loc, ".html", layout)
                for loc in config.locales if loc in decisions and decisions[loc].publish}
    for locale, decision in decisions.items():
        files = [site.output_file(article.name, locale, suffix, layout)
                 for suffix, kind in ((".md", OutputFormat.MARKDOWN), (".html", OutputFormat.HTML))
                 if kind in config.output_formats]
        targets = {Path(f).suffix: _confined(config, f, article) for f in files}
        if not decision.publish:
            for path in targets.values():
                _remove(config, report, path)
            continue
        texts = site.neutralised(article, decision.texts)
        if ".md" in targets:
            extras = site.front_matter_extras(article, locale, config)
            markdown = render.render_markdown(article, texts, locale=locale,
                                              extra_front_matter=extras)
            _guarded_write(config, report, targets[".md"], markdown)
        if ".html" in targets:
            marked = render.render_markdown(article, texts, locale=locale, mark_fallback=True,
                                            wrap=site.marker(decision))
            index = site.index_file(locale, layout)
            page = site.article_page(pages, article, render.strip_front_matter(marked),
                                     decision=decision, texts=texts, files=pages_of, index=index)
            _guarded_write(config, report, targets[".html"], page)
            if locale in listed:
                listed[locale].append(site.summary(
                    pages, article, locale=locale, texts=texts,
                    href=site.relative_href(index, pages_of[locale])))


def _render_indexes(
    config: Config, pages: site.Site, listed: dict[str, list[site.Summary]], report: Report
) -> None:
    indexes = {loc: site.index_file(loc, config.output_layout) for loc in config.locales}
    for locale, summaries in listed.items():
        page = site.index_page(pages, summaries, locale=locale, files=indexes)
        try:
            _guarded_write(config, report, _confined(config, indexes[locale]), page)
        except LocpipeError as e:
            report.errors.append(e)
    root = site.root_page(pages, files=indexes)
    _guarded_write(config, report, _confined(config, site.ROOT_INDEX), root)


def _confined(config: Config, relative: str, article: Article | None = None) -> Path:
    """The output file, refused when it (or a link on its way) leads outside ``output_dir``."""
    path = config.output_path / relative
    base = config.output_path.resolve()
    if not path.resolve().is_relative_to(base):
        raise ContentError(
            f"refusing to write {config.output_dir}/{relative}: it leads outside "
            f"{config.output_dir}/ (a symbolic link?); remove the link"
            + (" or rename the article" if article else ""),
            article.path if article else config.output_dir, 1 if article else None)
    return path


def _remove(config: Config, report: Report, path: Path) -> None:
    if not path.is_file():
        return
    display = _display(config, path)
    try:
        path.unlink()
    except OSError as e:
        report.errors.append(LocpipeError(f"cannot remove: {e.strerror}", display))
        report.files.append(FileResult(display, FileStatus.FAILED))
        return
    report.files.append(FileResult(display, FileStatus.REMOVED))


def _catalog_translations(
    config: Config, article: Article, locale: str
) -> dict[tuple[str | None, str], Translation]:
    if locale == article.lang:
        return {}
    path = config.catalog_path(article.name, locale)
    if not path.exists():
        return {}
    return catalog.translations(catalog.read_catalog(path, _display(config, path)))


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
