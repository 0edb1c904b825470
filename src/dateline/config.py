"""Stage 1: read dateline.toml (and the data files it names) into a frozen Config."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError

from dateline.errors import ConfigError, UsageError

CONFIG_NAME = "dateline.toml"
DEFAULT_STAFF_FILE = "data/staff.toml"
# House styles for times ([languages.xx] date_style): "ap" is the Associated Press's
# ("May 3, 2024, 7:55 a.m. KST"), "numeric" how Korean dailies print them ("2024-05-03 07:55"),
# "long" a spelled-out date and a 24-hour clock in the locale's words ("2024년 5월 3일 07:55").
DATE_STYLES = ("ap", "numeric", "long")
DEFAULT_DATE_STYLE = {"ko": "numeric"}  # every other language: "ap"


@dataclass(frozen=True)
class Language:
    """One edition of the site."""

    code: str  # BCP 47, also the content folder and URL prefix: "en", "ko"
    name: str  # the language's own name, shown on switch links: "English", "한국어"
    title: str  # the edition's masthead
    description: str
    locale: str  # Babel/Open Graph locale: "en_US", "ko_KR"
    date_style: str = ""  # i18n.DATE_STYLES; "" is the language's default house style


@dataclass(frozen=True)
class StaffMember:
    """A person in the newsroom's registry (data/staff.toml)."""

    name: str
    local: str = ""
    email: str = ""
    role: str = ""
    bio: str = ""


@dataclass(frozen=True)
class DeployRule:
    """One [[deploy.rules]] table: settings for the uploaded files whose path matches a glob pattern.

    An empty string or None leaves that setting to a later rule or to the default."""

    pattern: str  # glob on the site-relative path: "*" stays within a folder, "**" crosses folders
    content_type: str = ""
    cache_control: str = ""
    gzip: bool | None = None
    line: int = 1  # where the rule starts in dateline.toml


@dataclass(frozen=True)
class DeploySettings:
    """The [deploy] table of dateline.toml."""

    target: str = ""  # the default TARGET of `dateline deploy`
    endpoint_url: str = ""
    max_deletes: int = 256
    rules: tuple[DeployRule, ...] = ()


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
    # The site's logo: a site path of a file in static/ (the masthead, JSON-LD publisher.logo, the favicon).
    logo: str = "/assets/logo.svg"
    deploy: DeploySettings = DeploySettings()

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
) -> Config:
    """Read SITE/dateline.toml; command-line overrides win over the file."""
    site = Path(site_dir).resolve()
    path = site / CONFIG_NAME
    if not path.is_file():
        raise UsageError(f"no {CONFIG_NAME} in {site} (is --site pointing at a dateline site?)")
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None) or _toml_error_line(str(exc))
        raise ConfigError(CONFIG_NAME, f"invalid TOML: {exc}", line) from None
    config = replace(_config_from_table(site, raw), deploy=deploy_settings(raw.get("deploy", {}), text))
    overrides = {"drafts": drafts}
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
        logo=_logo(raw, where),
    )


def _logo(raw: dict, where: str) -> str:
    logo = raw.get("logo", "/assets/logo.svg")
    if not isinstance(logo, str) or not logo.strip() or "://" in logo:
        raise ConfigError(where, f"logo must be a path in static/ such as \"/logo.svg\", got {logo!r}")
    return "/" + logo.strip().lstrip("/")


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
        date_style=_date_style(code, spec, where),
    )


def _date_style(code: str, spec: dict, where: str) -> str:
    style = spec.get("date_style", default_date_style(code))
    if style not in DATE_STYLES:
        raise ConfigError(where, f"[languages.{code}] date_style must be one of {', '.join(DATE_STYLES)}, got {style!r}")
    return style


def default_date_style(lang: str) -> str:
    return DEFAULT_DATE_STYLE.get(lang, "ap")


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


# ---- [deploy] ------------------------------------------------------------------------------

DEPLOY_KEYS = ("target", "endpoint_url", "max_deletes", "rules")
DEPLOY_RULE_KEYS = ("pattern", "content_type", "cache_control", "gzip")
_MEDIA_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+(\s*;\s*[\w.+-]+=[\w.+\"-]+)*$")


def deploy_settings(table: object, text: str) -> DeploySettings:
    """[deploy] and its [[deploy.rules]]; every error names dateline.toml and the key's line."""
    lines = _TomlLines(text)
    if not isinstance(table, dict):
        raise ConfigError(CONFIG_NAME, "deploy must be a table: [deploy]", lines.where("", "deploy"))
    _refuse_unknown(table, DEPLOY_KEYS, "[deploy]", lambda key: lines.where("deploy", key))
    settings = {}
    for key in ("target", "endpoint_url"):
        value = table.get(key, "")
        if not isinstance(value, str):
            raise ConfigError(CONFIG_NAME, f"[deploy] {key} must be a string", lines.where("deploy", key))
        settings[key] = value
    max_deletes = table.get("max_deletes", DeploySettings.max_deletes)
    if not isinstance(max_deletes, int) or isinstance(max_deletes, bool) or max_deletes < 0:
        raise ConfigError(CONFIG_NAME, f"[deploy] max_deletes must be a whole number, 0 or more, got {max_deletes!r}",
                          lines.where("deploy", "max_deletes"))
    rules = table.get("rules", [])
    if not isinstance(rules, list):
        raise ConfigError(CONFIG_NAME, "deploy rules are [[deploy.rules]] tables", lines.where("deploy", "rules"))
    parsed = tuple(_deploy_rule(rule, number, lines) for number, rule in enumerate(rules))
    return DeploySettings(max_deletes=max_deletes, rules=parsed, **settings)


def _deploy_rule(rule: object, number: int, lines: _TomlLines) -> DeployRule:
    start = lines.table("deploy.rules", number) or lines.where("deploy", "rules")

    def line(key: str) -> int:
        return lines.key("deploy.rules", key, number) or start

    if not isinstance(rule, dict):
        raise ConfigError(CONFIG_NAME, "each deploy rule is a [[deploy.rules]] table", start)
    _refuse_unknown(rule, DEPLOY_RULE_KEYS, "[[deploy.rules]]", line)
    pattern = rule.get("pattern")
    if not isinstance(pattern, str) or not pattern.strip("/"):
        raise ConfigError(CONFIG_NAME, 'a deploy rule needs a pattern, a glob such as "assets/**" or "*.html"', start)
    for key in ("content_type", "cache_control"):
        if not isinstance(rule.get(key, ""), str) or "\n" in rule.get(key, ""):
            raise ConfigError(CONFIG_NAME, f"[[deploy.rules]] {key} must be a one-line string", line(key))
    content_type = rule.get("content_type", "")
    if content_type and not _MEDIA_TYPE.match(content_type):
        raise ConfigError(CONFIG_NAME, f"[[deploy.rules]] content_type {content_type!r} is not a media type such as text/html",
                          line("content_type"))
    gzip = rule.get("gzip")
    if gzip is not None and not isinstance(gzip, bool):
        raise ConfigError(CONFIG_NAME, f"[[deploy.rules]] gzip must be true or false, got {gzip!r}", line("gzip"))
    return DeployRule(pattern=pattern, content_type=content_type, cache_control=rule.get("cache_control", ""),
                      gzip=gzip, line=start)


def _refuse_unknown(table: dict, known: tuple[str, ...], where: str, line) -> None:
    import difflib

    for key in table:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1) or [k for k in known if k.startswith(key) or key.startswith(k)]
            hint = f"; did you mean {close[0]!r}?" if close else f" (known keys: {', '.join(known)})"
            raise ConfigError(CONFIG_NAME, f"unknown key {key!r} in {where}{hint}", line(key))


class _TomlLines:
    """Line numbers of tables and keys in a TOML text (tomllib keeps none)."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")

    def __init__(self, text: str):
        self.headers: list[tuple[int, str, int]] = []  # (line, table name, index among [[name]])
        self.keys: dict[tuple[str, int, str], int] = {}
        current, index, counts = "", 0, {}
        for number, line in enumerate(text.splitlines(), 1):
            header = self._HEADER.match(line)
            if header:
                current = header.group(2).replace('"', "").replace(" ", "")
                index = counts.get(current, 0)
                counts[current] = index + 1 if header.group(1) == "[[" else index
                self.headers.append((number, current, index))
                continue
            key = re.match(r"^\s*\"?([\w.-]+)\"?\s*=", line)
            if key:
                dotted = key.group(1).split(".")
                table = ".".join(filter(None, [current, *dotted[:-1]]))
                self.keys.setdefault((table, index if table == current else 0, dotted[-1]), number)

    def table(self, name: str, index: int = 0) -> int:
        return next((line for line, table, i in self.headers if table == name and i == index), 0)

    def key(self, table: str, key: str, index: int = 0) -> int:
        """The key's line, else its own table's ([deploy.rules] for rules), else 0."""
        return self.keys.get((table, index, key)) or self.table(f"{table}.{key}" if table else key)

    def where(self, table: str, key: str) -> int:
        """The best line to name for a key: its own, else its table's header, else the first."""
        return self.key(table, key) or self.table(table) or 1
