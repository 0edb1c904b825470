"""Stage 1: read dateline.toml (and the data files it names) into a frozen Config."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError

from dateline.errors import ConfigError, UsageError

CONFIG_NAME = "dateline.toml"
DEFAULT_STAFF_FILE = "data/staff.toml"


@dataclass(frozen=True)
class Language:
    """One edition of the site."""

    code: str  # BCP 47, also the content folder and URL prefix: "en", "ko"
    name: str  # the language's own name, shown on switch links: "English", "한국어"
    title: str  # the edition's masthead
    description: str
    locale: str  # Babel/Open Graph locale: "en_US", "ko_KR"


@dataclass(frozen=True)
class StaffMember:
    """A person in the newsroom's registry (data/staff.toml)."""

    name: str
    local: str = ""
    email: str = ""
    role: str = ""
    bio: str = ""


@dataclass(frozen=True)
class Config:
    site_dir: Path
    languages: tuple[Language, ...]
    base_url: str  # absolute, always ends with "/"
    timezone: str
    per_page: int = 10
    feed_limit: int = 20
    publisher: str = ""
    out_dir: Path = Path("site")
    drafts: bool = False
    places: dict[str, str] = field(default_factory=dict)
    staff: tuple[StaffMember, ...] = ()
    staff_file: str = DEFAULT_STAFF_FILE
    # The edition whose articles are the originals when two of a story post at the same minute.
    original_language: str = ""
    search: bool = True  # build each edition's search page and index ([search] enabled; --no-search)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of base_url, "/" or "/news/": every internal link starts with it."""
        return urlsplit(self.base_url).path

    @property
    def content_dir(self) -> Path:
        return self.site_dir / "content"

    @property
    def templates_dir(self) -> Path:
        return self.site_dir / "templates"

    @property
    def static_dir(self) -> Path:
        return self.site_dir / "static"

    @property
    def data_dir(self) -> Path:
        return self.site_dir / "data"

    @property
    def config_path(self) -> Path:
        return self.site_dir / CONFIG_NAME

    @property
    def default_language(self) -> Language:
        return self.languages[0]

    def language(self, code: str) -> Language | None:
        return next((lang for lang in self.languages if lang.code == code), None)

    def absolute_url(self, path: str) -> str:
        """Turn a site path ("/en/..." as produced by the index) into an absolute URL."""
        return self.base_url.rstrip("/") + path


def normalize_base_url(url: str, where: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        if where.startswith("--"):
            raise UsageError(f"{where} must be an absolute http(s) URL, got {url!r}")
        raise ConfigError(where, f"base_url must be an absolute http(s) URL, got {url!r}")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def load_config(
    site_dir: str | Path = ".",
    *,
    base_url: str | None = None,
    out_dir: str | Path | None = None,
    drafts: bool = False,
    search: bool | None = None,
) -> Config:
    """Read SITE/dateline.toml; command-line overrides win over the file."""
    site = Path(site_dir).resolve()
    path = site / CONFIG_NAME
    if not path.is_file():
        raise UsageError(f"no {CONFIG_NAME} in {site} (is --site pointing at a dateline site?)")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None) or _toml_error_line(str(exc))
        raise ConfigError(CONFIG_NAME, f"invalid TOML: {exc}", line) from None
    config = _config_from_table(site, raw)
    overrides = {"drafts": drafts}
    if search is not None:
        overrides["search"] = search
    if base_url:
        overrides["base_url"] = normalize_base_url(base_url, "--base-url")
    if out_dir is not None:
        overrides["out_dir"] = Path(out_dir)
    config = replace(config, **overrides)
    if not config.out_dir.is_absolute():
        config = replace(config, out_dir=(site / config.out_dir))
    config = replace(config, out_dir=config.out_dir.resolve())
    check_output_folder(config)
    return replace(config, staff=load_staff(config))


def check_output_folder(config: Config) -> None:
    """The output folder is dateline's to replace: it must hold nothing else of value."""
    out, site = config.out_dir, config.site_dir
    setting = "--out" if out != (site / "site").resolve() else "the output folder"
    sources = [site / name for name in ("content", "templates", "static", "data")]
    if out == site or site.is_relative_to(out):
        raise UsageError(f"{setting} {out} holds the site itself; choose a folder of its own, such as site/")
    if any(out.is_relative_to(folder) for folder in sources):
        raise UsageError(f"{setting} {out} is inside the site's sources; choose a folder of its own, such as site/")
    if out.is_dir() and any(out.iterdir()) and not (out / "404.html").is_file():
        raise UsageError(f"{setting} {out} is not empty and was not built by dateline; it would be replaced whole. "
                         "Remove it or choose another folder")


def _toml_error_line(message: str) -> int:
    # tomllib puts "(at line N, column M)" in its message rather than on the exception.
    import re

    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else 1


def _config_from_table(site: Path, raw: dict) -> Config:
    where = CONFIG_NAME
    languages_table = raw.get("languages") or {"en": {}}
    if not isinstance(languages_table, dict):
        raise ConfigError(where, "[languages] must be a table of tables, e.g. [languages.en]")
    site_title = raw.get("title", "")
    languages = tuple(
        _language(code, spec, site_title, where) for code, spec in languages_table.items()
    )
    timezone = raw.get("timezone", "Asia/Seoul")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(where, f"unknown timezone {timezone!r} (use an IANA name such as Asia/Seoul)") from None
    per_page = raw.get("per_page", 10)
    feed_limit = raw.get("feed_limit", 20)
    for key, value in (("per_page", per_page), ("feed_limit", feed_limit)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(where, f"{key} must be a positive whole number, got {value!r}")
    places = raw.get("places", {})
    if not isinstance(places, dict) or not all(isinstance(v, str) for v in places.values()):
        raise ConfigError(where, '[places] maps local place names to English ones: 실리콘밸리 = "Silicon Valley"')
    return Config(
        site_dir=site,
        languages=languages,
        base_url=normalize_base_url(raw.get("base_url", "http://localhost:8000/"), where),
        timezone=timezone,
        per_page=per_page,
        feed_limit=feed_limit,
        publisher=str(raw.get("publisher", site_title or languages[0].title)),
        out_dir=Path(raw.get("output", "site")),
        places=dict(places),
        staff_file=str(raw.get("staff", DEFAULT_STAFF_FILE)),
        original_language=_original_language(raw, languages, where),
        search=_search_enabled(raw, where),
    )


def _search_enabled(raw: dict, where: str) -> bool:
    table = raw.get("search", {})
    if not isinstance(table, dict):
        raise ConfigError(where, "[search] must be a table, e.g. [search] enabled = false")
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(where, f"[search] enabled must be true or false, got {enabled!r}")
    return enabled


def _original_language(raw: dict, languages: tuple[Language, ...], where: str) -> str:
    codes = [lang.code for lang in languages]
    code = raw.get("original_language", "ko" if "ko" in codes else codes[0])
    if code not in codes:
        raise ConfigError(where, f"original_language {code!r} is not one of the configured languages {codes}")
    return code


def _language(code: str, spec: object, site_title: str, where: str) -> Language:
    if not isinstance(spec, dict):
        raise ConfigError(where, f"[languages.{code}] must be a table")
    locale_name = spec.get("locale", code)
    try:
        locale = Locale.parse(locale_name.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise ConfigError(where, f"[languages.{code}] has an unknown locale {locale_name!r}") from None
    own_name = locale.get_display_name(locale) or code
    return Language(
        code=code,
        name=spec.get("name", own_name[:1].upper() + own_name[1:]),
        title=spec.get("title", site_title or code),
        description=spec.get("description", ""),
        locale=str(locale),
    )


def load_staff(config: Config) -> tuple[StaffMember, ...]:
    """The newsroom registry: [[person]] tables with name, local, email, role, bio."""
    path = config.site_dir / config.staff_file
    if not path.is_file():
        return ()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(config.staff_file, f"invalid TOML: {exc}", _toml_error_line(str(exc))) from None
    people = raw.get("person", [])
    if not isinstance(people, list):
        raise ConfigError(config.staff_file, "people are listed as [[person]] tables")
    staff = []
    for number, person in enumerate(people, 1):
        if not isinstance(person, dict) or not isinstance(person.get("name"), str):
            raise ConfigError(config.staff_file, f"person #{number} needs a name")
        fields = {k: str(person.get(k, "")) for k in ("local", "email", "role", "bio")}
        staff.append(StaffMember(name=person["name"], **fields))
    return tuple(staff)
