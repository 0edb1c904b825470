"""Stage 1: read dateline.toml (and the data files it names) into a frozen Config."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale, UnknownLocaleError
from babel.localedata import locale_identifiers

from dateline.errors import ConfigError, UsageError
from dateline.records import pickled_by_fields
from dateline.tomlfile import KeyPath, Problems, TomlFile, did_you_mean, read_toml

CONFIG_NAME = "dateline.toml"
# What builds keep between runs (converted bodies, saved state, photo renditions, search indexes,
# the dev server's site): safe to delete; `dateline build --clean` does.
CACHE_DIR = ".dateline-cache"
DEFAULT_STAFF_FILE = "data/staff.toml"
# House styles for times ([languages.xx] date_style): "ap" is the Associated Press's
# ("May 3, 2024, 7:55 a.m. KST"), "numeric" how Korean dailies print them ("2024-05-03 07:55"),
# "long" a spelled-out date and a 24-hour clock in the locale's words ("2024년 5월 3일 07:55").
DATE_STYLES = ("ap", "numeric", "long")
DEFAULT_DATE_STYLE = {"ko": "numeric"}  # every other language: "ap"
# The default theme: its templates and static files stand behind a site's own.
THEME_DIR = Path(__file__).parent / "theme"
# What share cards (Facebook, X, KakaoTalk, LINE) show: they take PNG and JPEG, not SVG.
SHARE_IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


@dataclass(frozen=True)
class ShareImage:
    """The picture a share card shows for a page without a photo of its own (og:image, twitter:image)."""

    path: str  # a site path of a PNG or JPEG in static/ (or the default theme's static/)
    width: int
    height: int
    media_type: str = "image/png"
    alt: str = ""  # "" is the edition's title


# The default theme's: 1200x630, the size Facebook and X recommend for a large card.
DEFAULT_SHARE_IMAGE = ShareImage("/assets/share.png", 1200, 630)


@dataclass(frozen=True)
class Language:
    """One edition of the site."""

    code: str  # BCP 47, also the content folder and URL prefix: "en", "ko"
    name: str  # the language's own name, shown on switch links: "English", "한국어"
    title: str  # the edition's masthead
    description: str
    locale: str  # Babel/Open Graph locale: "en_US", "ko_KR"
    date_style: str = ""  # DATE_STYLES; "" is the language's default house style
    share_image: ShareImage | None = None  # the edition's own; None is the site's


@pickled_by_fields
@dataclass(frozen=True, slots=True)
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
    deploy: DeploySettings = DeploySettings()
    # Photos with more pixels than this are refused before they are decoded ([images] max_megapixels).
    image_max_pixels: int = 50_000_000
    # The site's logo: a site path of a file in static/ (the masthead, JSON-LD publisher.logo, the favicon).
    logo: str = "/assets/logo.svg"
    share_image: ShareImage = DEFAULT_SHARE_IMAGE
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
    def cache_dir(self) -> Path:
        return self.site_dir / CACHE_DIR

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


_HOST = re.compile(r"^([A-Za-z0-9-]+\.)*[A-Za-z0-9-]+\.?$|^\[[0-9A-Fa-f:.]+\]$")


def normalize_base_url(url: str, where: str) -> str:
    parts = urlsplit(url)
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    host = parts.netloc.rsplit("@", 1)[-1].rsplit(":", 1)[0] if not parts.netloc.endswith("]") else parts.netloc
    if parts.scheme not in ("http", "https") or not parts.netloc or not _HOST.match(host) or not port_ok \
            or any(ch.isspace() for ch in url):
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
    config = config_from_file(site, read_toml(path, CONFIG_NAME))
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


# ---- dateline.toml, key by key -------------------------------------------------------------
# Every key the file may hold, table by table: anything else is an error at its line, with the
# nearest known key suggested, so a typo never falls back to a default in silence.

TOP_LEVEL_KEYS = ("title", "base_url", "timezone", "publisher", "per_page", "feed_limit", "original_language",
                  "output", "staff", "languages", "places", "search", "deploy", "images",
                  "logo", "share_image", "share_image_alt")
LANGUAGE_KEYS = ("title", "name", "description", "locale", "date_style", "share_image", "share_image_alt")
SEARCH_KEYS = ("enabled",)
IMAGES_KEYS = ("max_megapixels",)
# What other generators call these settings, for sites (and people) coming from Hugo or Jekyll.
KEY_ALIASES = {"url": "base_url", "paginate": "per_page", "pagination": "per_page", "publishdir": "output",
               "destination": "output", "languagecode": "languages", "language": "languages", "tz": "timezone"}
_LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def config_from_file(site: Path, file: TomlFile) -> Config:
    """The Config of a parsed dateline.toml, or a ConfigError listing every problem at its line."""
    raw, problems = file.data, Problems(file)
    problems.unknown_keys(raw, TOP_LEVEL_KEYS, (), aliases=KEY_ALIASES)
    site_title = _text(raw, "title", "", problems)
    languages = _languages(raw, site_title, problems)
    per_page, feed_limit = _positive_number(raw, "per_page", 10, problems), _positive_number(raw, "feed_limit", 20, problems)
    base_url = _text(raw, "base_url", "http://localhost:8000/", problems)
    try:
        base_url = normalize_base_url(base_url, CONFIG_NAME)
    except ConfigError as exc:
        problems.add(("base_url",), exc.error.message)
    share_image = _share_image(site, raw, (), DEFAULT_SHARE_IMAGE, problems)
    languages = _edition_share_images(site, raw, languages, share_image, problems)
    config = Config(
        site_dir=site,
        languages=languages,
        base_url=base_url,
        timezone=_timezone(raw, problems),
        per_page=per_page,
        feed_limit=feed_limit,
        publisher=_text(raw, "publisher", site_title or languages[0].title, problems),
        out_dir=Path(_text(raw, "output", "site", problems, nonempty=True)),
        places=_places(raw, problems),
        staff_file=_text(raw, "staff", DEFAULT_STAFF_FILE, problems, nonempty=True),
        original_language=_original_language(raw, languages, problems),
        deploy=deploy_settings(raw, problems),
        image_max_pixels=_image_max_pixels(raw, problems),
        search=_search_enabled(raw, problems),
        logo=_logo(raw, problems),
        share_image=share_image,
    )
    problems.raise_if_any()
    return config


def _text(table: dict, key: str, default: str, problems: Problems, path: KeyPath = (), label: str = "",
          nonempty: bool = False) -> str:
    """TABLE[KEY] when it is text (one line, not empty if NONEMPTY), else DEFAULT and a problem."""
    value = table.get(key, default)
    name = f"{label} {key}" if label else key
    if not isinstance(value, str):
        problems.add(path + (key,), f"{name} must be text in quotes, got {value!r}")
        return default
    if nonempty and not value.strip():
        problems.add(path + (key,), f"{name} is empty")
        return default
    return value


def _positive_number(raw: dict, key: str, default: int, problems: Problems) -> int:
    value = raw.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        problems.add((key,), f"{key} must be a positive whole number, got {value!r}")
        return default
    return value


def _timezone(raw: dict, problems: Problems) -> str:
    timezone = raw.get("timezone", "Asia/Seoul")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        hint = _timezone_hint(timezone) if isinstance(timezone, str) else ""
        problems.add(("timezone",), f"unknown timezone {timezone!r}: use an IANA name such as Asia/Seoul{hint}")
        return "Asia/Seoul"
    return timezone


def _timezone_hint(name: str) -> str:
    """A close IANA name: "Asia/Seol" -> Asia/Seoul, and a bare city ("Seoul", "new york") -> its zone."""
    zones = sorted(available_timezones())
    by_city = {zone.rsplit("/", 1)[-1].replace("_", " ").casefold(): zone for zone in zones if "/" in zone}
    city = by_city.get(name.replace("_", " ").strip().casefold())
    return f"; did you mean {city!r}?" if city else did_you_mean(name, zones)


def _languages(raw: dict, site_title: str, problems: Problems) -> tuple[Language, ...]:
    table = raw.get("languages", {"en": {}})
    if not isinstance(table, dict) or not table:
        problems.add(("languages",), "[languages] must be a table of tables, one per edition: [languages.en]")
        table = {"en": {}}
    languages = []
    for code, spec in table.items():
        path, label = ("languages", code), f"[languages.{code}]"
        if not _LANGUAGE_CODE.match(code):
            problems.add(path, f"{label}: {code!r} is not a language code such as en or ko "
                               "(it names the content/<code>/ folder and the URL prefix)")
        if not isinstance(spec, dict):
            problems.add(path, f"{label} must be a table of title, name, description and locale")
            spec = {}
        problems.unknown_keys(spec, LANGUAGE_KEYS, path, label)
        texts = {key: _text(spec, key, "", problems, path, label) for key in ("title", "name", "description")}
        locale = _locale(code, _text(spec, "locale", code, problems, path, label), problems)
        own_name = locale.get_display_name(locale) or code
        languages.append(Language(
            code=code,
            name=texts["name"] or own_name[:1].upper() + own_name[1:],
            title=texts["title"] or site_title or code,
            description=texts["description"],
            locale=str(locale),
            date_style=_date_style(code, spec, problems),
        ))
    return tuple(languages)


def _date_style(code: str, spec: dict, problems: Problems) -> str:
    style = spec.get("date_style", default_date_style(code))
    if style not in DATE_STYLES:
        problems.add(("languages", code, "date_style"),
                     f"[languages.{code}] date_style must be one of {', '.join(DATE_STYLES)}, got {style!r}")
        return default_date_style(code)
    return style


def default_date_style(lang: str) -> str:
    return DEFAULT_DATE_STYLE.get(lang, "ap")


def _logo(raw: dict, problems: Problems) -> str:
    logo = raw.get("logo", "/assets/logo.svg")
    if not isinstance(logo, str) or not logo.strip() or "://" in logo:
        problems.add(("logo",), f"logo must be a path in static/ such as \"/logo.svg\", got {logo!r}")
        return "/assets/logo.svg"
    return "/" + logo.strip().lstrip("/")


def _edition_share_images(site: Path, raw: dict, languages: tuple[Language, ...], site_image: ShareImage,
                           problems: Problems) -> tuple[Language, ...]:
    tables = raw.get("languages")
    if not isinstance(tables, dict):
        return languages
    return tuple(replace(lang, share_image=_share_image(site, tables[lang.code], ("languages", lang.code), site_image, problems))
                 if isinstance(tables.get(lang.code), dict) else lang for lang in languages)


def _share_image(site: Path, table: dict, path: KeyPath, default: ShareImage, problems: Problems) -> ShareImage | None:
    """TABLE's share_image (and share_image_alt), read for its format and size; DEFAULT's picture
    when TABLE names none. At the top level (PATH ()) the result is never None: the site's image."""
    label = f"[{'.'.join(path)}] " if path else ""
    alt = _text(table, "share_image_alt", default.alt, problems, path, label.strip())
    if "share_image" not in table:
        if path:  # an edition without a picture of its own: the site's, with the edition's alt text
            return replace(default, alt=alt) if alt != default.alt else None
        table = {"share_image": default.path}
    value = table["share_image"]
    if not isinstance(value, str) or not value.strip() or "://" in value:
        problems.add(path + ("share_image",),
                     f'{label}share_image must be a path in static/ such as "/share.png", got {value!r}')
        return None if path else default
    site_path = "/" + value.strip().lstrip("/")
    try:
        media_type, width, height = _raster_size(site, site_path)
    except ValueError as exc:
        problems.add(path + ("share_image",), f"{label}share_image {site_path!r}: {exc}")
        return None if path else default
    return ShareImage(site_path, width, height, media_type, alt)


def _raster_size(site: Path, site_path: str) -> tuple[str, int, int]:
    """The media type, width and height of the PNG or JPEG at SITE_PATH (the site's static/ first,
    then the default theme's); ValueError saying what is wrong with it."""
    from PIL import Image, UnidentifiedImageError

    relative = site_path.lstrip("/")
    if ".." in Path(relative).parts:
        raise ValueError("must name a file in static/, not outside it")
    file = next((c for c in (site / "static" / relative, THEME_DIR / "static" / relative) if c.is_file()), None)
    if file is None:
        raise ValueError("no such file in static/")
    try:
        with Image.open(file) as image:
            kind, size = image.format, image.size
            image.verify()  # a truncated or corrupt file is refused here, not by a reader's app
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        reason = "not an image" if isinstance(exc, UnidentifiedImageError) else str(exc) or type(exc).__name__
        raise ValueError(f"could not be read as a PNG or JPEG ({reason})") from None
    if kind not in SHARE_IMAGE_FORMATS:
        raise ValueError(f"is a {kind} image; share cards show only PNG or JPEG")
    return SHARE_IMAGE_FORMATS[kind], size[0], size[1]


def _locale(code: str, name: str, problems: Problems) -> Locale:
    try:
        return Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        hint = did_you_mean(name.replace("-", "_"), locale_identifiers())
        problems.add(("languages", code, "locale"),
                     f"[languages.{code}] locale {name!r} is not a locale Babel knows (such as en_US or ko_KR){hint}")
        return Locale.parse("en")


def _places(raw: dict, problems: Problems) -> dict[str, str]:
    """[places]: its keys are free (place names in the local script); each value is the English name."""
    places = raw.get("places", {})
    if not isinstance(places, dict):
        problems.add(("places",), '[places] must be a table: [places] then lines such as "실리콘밸리" = "Silicon Valley"')
        return {}
    good = {}
    for local, english in places.items():
        if isinstance(english, str) and english.strip():
            good[local] = english
        else:
            problems.add(("places", local), f'[places] {local!r} must be given an English name in quotes: "{local}" = "Seoul"')
    return good


def _original_language(raw: dict, languages: tuple[Language, ...], problems: Problems) -> str:
    codes = [lang.code for lang in languages]
    code = raw.get("original_language", "ko" if "ko" in codes else codes[0])
    if code not in codes:
        problems.add(("original_language",), f"original_language {code!r} is not one of the configured languages {codes}")
        return codes[0]
    return code


def _image_max_pixels(raw: dict, problems: Problems) -> int:
    """[images] max_megapixels: photos larger than this are refused before they are decoded."""
    table = raw.get("images", {})
    if not isinstance(table, dict):
        problems.add(("images",), "[images] must be a table, e.g. [images] max_megapixels = 50")
        return Config.image_max_pixels
    problems.unknown_keys(table, IMAGES_KEYS, ("images",), "[images]")
    megapixels = table.get("max_megapixels", 50)
    if isinstance(megapixels, bool) or not isinstance(megapixels, (int, float)) or megapixels <= 0:
        problems.add(("images", "max_megapixels"), f"[images] max_megapixels must be a positive number, got {megapixels!r}")
        return Config.image_max_pixels
    return int(megapixels * 1_000_000)


def _search_enabled(raw: dict, problems: Problems) -> bool:
    """[search] enabled: whether each edition gets its search page and index (dateline.search)."""
    table = raw.get("search", {})
    if not isinstance(table, dict):
        problems.add(("search",), "[search] must be a table, e.g. [search] enabled = false")
        return True
    problems.unknown_keys(table, SEARCH_KEYS, ("search",), "[search]")
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        problems.add(("search", "enabled"), f"[search] enabled must be true or false, got {enabled!r}")
        return True
    return enabled


# ---- data/staff.toml -----------------------------------------------------------------------

STAFF_KEYS = ("name", "local", "email", "role", "bio")


def load_staff(config: Config) -> tuple[StaffMember, ...]:
    """The newsroom registry: [[person]] tables with name, local, email, role, bio."""
    path = config.site_dir / config.staff_file
    if not path.is_file():
        return ()
    file = read_toml(path, config.staff_file)
    problems = Problems(file)
    problems.unknown_keys(file.data, ("person",), (), aliases={"people": "person", "staff": "person"})
    people = file.data.get("person", [])
    if not isinstance(people, list):
        problems.add(("person",), "people are listed as [[person]] tables")
        people = []
    staff = []
    for number, person in enumerate(people):
        path = ("person", number)
        if not isinstance(person, dict):
            problems.add(path, "people are listed as [[person]] tables")
            continue
        problems.unknown_keys(person, STAFF_KEYS, path, "[[person]]")
        if not isinstance(person.get("name"), str) or not person["name"].strip():
            problems.add(path + ("name",) if "name" in person else path,
                         f"person #{number + 1} needs a name: name = \"Kim Ki-yun\"")
            continue
        fields = {key: _text(person, key, "", problems, path, "[[person]]") for key in STAFF_KEYS}
        if fields["email"] and "@" not in fields["email"]:
            problems.add(path + ("email",), f"[[person]] email {fields['email']!r} has no '@'")
        staff.append(StaffMember(**fields))
    problems.raise_if_any()
    return tuple(staff)


# ---- [deploy] ------------------------------------------------------------------------------

DEPLOY_KEYS = ("target", "endpoint_url", "max_deletes", "rules")
DEPLOY_RULE_KEYS = ("pattern", "content_type", "cache_control", "gzip")
_MEDIA_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+(\s*;\s*[\w.+-]+=[\w.+\"-]+)*$")


def deploy_settings(raw: dict, problems: Problems) -> DeploySettings:
    """[deploy] and its [[deploy.rules]]."""
    table = raw.get("deploy", {})
    if not isinstance(table, dict):
        problems.add(("deploy",), "deploy must be a table: [deploy]")
        return DeploySettings()
    problems.unknown_keys(table, DEPLOY_KEYS, ("deploy",), "[deploy]")
    settings = {key: _text(table, key, "", problems, ("deploy",), "[deploy]") for key in ("target", "endpoint_url")}
    max_deletes = table.get("max_deletes", DeploySettings.max_deletes)
    if not isinstance(max_deletes, int) or isinstance(max_deletes, bool) or max_deletes < 0:
        problems.add(("deploy", "max_deletes"), f"[deploy] max_deletes must be a whole number, 0 or more, got {max_deletes!r}")
        max_deletes = DeploySettings.max_deletes
    rules = table.get("rules", [])
    if not isinstance(rules, list):
        problems.add(("deploy", "rules"), "deploy rules are [[deploy.rules]] tables")
        rules = []
    parsed = (_deploy_rule(rule, ("deploy", "rules", number), problems) for number, rule in enumerate(rules))
    return DeploySettings(max_deletes=max_deletes, rules=tuple(rule for rule in parsed if rule), **settings)


def _deploy_rule(rule: object, path: KeyPath, problems: Problems) -> DeployRule | None:
    if not isinstance(rule, dict):
        problems.add(path, "each deploy rule is a [[deploy.rules]] table")
        return None
    problems.unknown_keys(rule, DEPLOY_RULE_KEYS, path, "[[deploy.rules]]")
    pattern = rule.get("pattern")
    if not isinstance(pattern, str) or not pattern.strip("/"):
        problems.add(path, 'a deploy rule needs a pattern, a glob such as "assets/**" or "*.html"')
        return None
    texts = {}
    for key in ("content_type", "cache_control"):
        value = rule.get(key, "")
        if not isinstance(value, str) or "\n" in value:
            problems.add(path + (key,), f"[[deploy.rules]] {key} must be a one-line string")
            value = ""
        texts[key] = value
    if texts["content_type"] and not _MEDIA_TYPE.match(texts["content_type"]):
        problems.add(path + ("content_type",),
                     f"[[deploy.rules]] content_type {texts['content_type']!r} is not a media type such as text/html")
    gzip = rule.get("gzip")
    if gzip is not None and not isinstance(gzip, bool):
        problems.add(path + ("gzip",), f"[[deploy.rules]] gzip must be true or false, got {gzip!r}")
        gzip = None
    return DeployRule(pattern=pattern, gzip=gzip, line=problems.file.lines.line(*path), **texts)
