"""RawArticle + options + site -> ImportedArticle: edition, slug, story key, translations, byline.

Story keys link an article to its counterparts in the same site, so a counterpart that is (or
is being) imported into the site is linked by `story`, never listed under `translations`:

- `--story KEY` sets the key.
- `--pair EN KO`: both get the same key (default: the English slug); the Korean one takes the
  English slug too.
- A page that shows another edition exists (a switch line, hreflang alternates) but is imported
  alone gets its own slug as key, so that edition can be imported later with `--story SLUG`.
- A saved page whose hreflang alternate is already in the site (as its `source`) takes that
  article's key.
"""

from __future__ import annotations

from dataclasses import replace

from dateline.config import Config
from dateline.content import is_valid_slug
from dateline.importer.bylines import from_authors, from_signoff
from dateline.importer.existing import SiteContent
from dateline.importer.markdown_escape import paragraphs_to_markdown
from dateline.importer.records import ImportedArticle, ImportOptions, Place, RawArticle, RawFileError
from dateline.importer.slugs import ascii_slug, headline_slug, romanized_slug
from dateline.places import dateline_place


def site_language(raw: RawArticle, options: ImportOptions, config: Config) -> tuple[str, list[str]]:
    """The site's code for the article's edition (en-US -> en), and warnings."""
    wanted = options.lang or raw.lang
    if not wanted:
        raise RawFileError(raw.path, "cannot tell which edition this is; pass --lang")
    code = match_language(wanted, config)
    if code is None:
        codes = ", ".join(lang.code for lang in config.languages)
        raise RawFileError(raw.path, f"the article is in {wanted!r}, not one of this site's languages ({codes}); pass --lang")
    warnings = []
    if options.lang and raw.lang and match_language(raw.lang, config) != code:
        warnings.append(f"--lang {options.lang} overrides the page's own language {raw.lang!r}")
    return code, warnings


def match_language(tag: str, config: Config) -> str | None:
    tag = tag.strip().lower().replace("_", "-")
    codes = [lang.code for lang in config.languages]
    for code in codes:
        if code.lower() == tag:
            return code
    return next((code for code in codes if code.lower().split("-")[0] == tag.split("-")[0]), None)


def is_english_headline(raw: RawArticle, lang: str) -> bool:
    return lang == "en" or bool(ascii_slug(raw.title)) and headline_slug(raw.title) == ascii_slug(raw.title)


def choose_slug(raw: RawArticle, lang: str, options: ImportOptions, *, partner_slug: str = "", story: str = "") -> str:
    if options.slug:
        return options.slug
    if partner_slug:
        return partner_slug
    if is_english_headline(raw, lang):
        slug = ascii_slug(raw.title) or romanized_slug(raw.title)
    else:
        slug = (story if is_valid_slug(story) else "") or romanized_slug(raw.title)
    if not slug and raw.wire:  # a headline in a script without a romanization: the item's id
        slug = ascii_slug(raw.wire.wire_id.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1])
    if not slug:
        raise RawFileError(raw.path, "cannot make a slug from the headline; pass --slug")
    return slug


def linked_story(raw: RawArticle, site: SiteContent) -> tuple[str, set[str], list[str]]:
    """The key of a counterpart already in the site (by its source URL), the languages it covers, warnings."""
    for code, url in raw.translations:
        entry = site.with_source(url)
        if entry is None:
            continue
        if entry.story:
            return entry.story, {code}, []
        return "", set(), [f"the {code} version is already in the site as {entry.path.as_posix()} but has no "
                           f"'story' key; give both the same story to link them"]
    return "", set(), []


def assemble(raw: RawArticle, lang: str, options: ImportOptions, config: Config, *, slug: str,
             story: str, in_site: set[str] = frozenset(), warnings: list[str] = ()) -> ImportedArticle:
    byline = from_signoff(raw.signoff, config) if raw.signoff else from_authors(raw.authors, config)
    translations = site_translations(raw, lang, config, in_site)
    return ImportedArticle(
        raw_path=raw.path, lang=lang, title=raw.title, slug=slug, posted=raw.posted, updated=raw.updated,
        section=options.section, tags=options.tags, dateline=byline.dateline or filed_at(raw.place, config),
        correspondents=byline.correspondents, story=story, translations=translations,
        source=raw.source, summary=raw.summary, draft=options.draft,
        body=raw.markdown or paragraphs_to_markdown(raw.paragraphs),
        warnings=tuple(dict.fromkeys([*raw.warnings, *warnings, *byline.warnings])),
        wire=raw.wire,
    )


def filed_at(place: str, config: Config) -> Place | None:
    """A wire item's place as a dateline: Korean names through [places]; an English name that
    [places] gives a Korean name for gets it as `local` (one city, one dateline page)."""
    return dateline_place(place, config.places)[0] if place else None


def site_translations(raw: RawArticle, lang: str, config: Config, in_site: set[str]) -> tuple[tuple[str, str], ...]:
    """hreflang alternates under the site's language codes (ko-KR -> ko), less those in the site."""
    found: dict[str, str] = {}
    for tag, url in raw.translations:
        code = match_language(tag, config) or tag
        if code != lang and code not in in_site and tag not in in_site:
            found.setdefault(code, url)
    return tuple(found.items())


def import_one(raw: RawArticle, options: ImportOptions, config: Config, site: SiteContent) -> ImportedArticle:
    lang, warnings = site_language(raw, options, config)
    story, in_site, link_warnings = linked_story(raw, site)
    story = options.story or story
    slug = choose_slug(raw, lang, options, story=story)
    if not story and raw.counterparts:
        story = slug
    return assemble(raw, lang, options, config, slug=slug, story=story, in_site=in_site,
                    warnings=warnings + link_warnings)


def import_pair(first: RawArticle, second: RawArticle, options: ImportOptions, config: Config,
                site: SiteContent) -> tuple[ImportedArticle, ImportedArticle]:
    """An English and a Korean (or any two editions') raw file of one story, linked by one key."""
    # In a pair, --lang only stands in for a file that does not tell its edition.
    lang_one, warnings_one = site_language(first, replace(options, lang="" if first.lang else options.lang), config)
    lang_two, warnings_two = site_language(second, replace(options, lang="" if second.lang else options.lang), config)
    if lang_one == lang_two:
        raise RawFileError(second.path, f"--pair needs two editions, but both files are {lang_one!r}")
    (lead, lead_lang, lead_warn), (other, other_lang, other_warn) = sorted(
        [(first, lang_one, warnings_one), (second, lang_two, warnings_two)],
        key=lambda item: not is_english_headline(item[0], item[1]),
    )
    lead_slug = choose_slug(lead, lead_lang, options)
    # A file of the pair that is already in the site brings its story key (writer.set_story
    # gives it --story when that is given, so the two files always end with one key).
    earlier = [site.same_article(lang, raw.title, raw.posted, raw.source) for raw, lang in
               ((lead, lead_lang), (other, other_lang))]
    story = options.story or next((e.story for e in earlier if e and e.story), "") or lead_slug
    other_slug = choose_slug(other, other_lang, options, partner_slug=lead_slug)
    return (
        assemble(lead, lead_lang, options, config, slug=lead_slug, story=story, in_site={other_lang}, warnings=lead_warn),
        assemble(other, other_lang, options, config, slug=other_slug, story=story, in_site={lead_lang}, warnings=other_warn),
    )
