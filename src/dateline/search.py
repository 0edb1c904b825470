"""Search: one Pagefind bundle per edition, made from the site's articles rather than by crawling pages.

Each edition's bundle lives at /<lang>/pagefind/ and holds only that edition's articles, so the
search page of /<lang>/search/ can link to nothing else. A record is an article's headline,
summary (when the front matter gives one: otherwise it is the body's first paragraph) and body
text; headline, date, dateline and section travel as metadata, section, dateline and
correspondent as filters.

Korean: Pagefind splits Korean text on spaces only, so a word's stem finds its inflected forms
only when they start with it (서울 finds 서울은; 열리다 does not find 열린, nor 공원 한강공원에).
Korean text is therefore indexed with, after each word as written, the lemmas a morphological
analyser (kiwipiepy) finds in it: 한강공원에서 is followed by 한강 and 공원, 열린 by 열리다.
The excerpt a reader sees is then taken from the summary kept in the metadata, not from that
indexed text.

Indexing is skipped when nothing it reads changed: the digest of the records fed to Pagefind
and the bundle it made are kept in .dateline-cache/search-<lang>.json and search-<lang>/; the
analyser's output is kept per text in search-analysis-<lang>.pickle, so a rebuild analyses only
new or edited Korean articles.
"""

from __future__ import annotations

import base64
import hashlib
import json
import pickle
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import metadata
from pathlib import Path

from markupsafe import Markup

from dateline.bodies import FOOTNOTE_REF, first_paragraph_text
from dateline.config import Config
from dateline.errors import UsageError
from dateline.i18n import format_moment
from dateline.index import SiteIndex
from dateline.views import site_link
from dateline.write import write_file

BUNDLE_FOLDER = "pagefind"  # below /<lang>/
# Pagefind writes its own search UIs too; the search page uses only its search API.
BUNDLE_SKIP = re.compile(r"^pagefind-(component-ui|modular-ui|ui|highlight)\.(js|css)$")
EXCERPT_CHARS = 240
# Bump when the records, the analysis or the bundle layout change meaning: caches start afresh.
FORMAT = "1"
MISSING_EXTRA = ("search needs the 'search' extra (Pagefind and kiwipiepy): pip install 'dateline[search]'; "
                 "or build without search: dateline build --no-search (or serve --no-search), "
                 "or [search] enabled = false in dateline.toml")


@dataclass(frozen=True)
class SearchRecord:
    """One article as Pagefind receives it (add_custom_record)."""

    url: str  # the article's link, base path included
    language: str
    content: str  # what is indexed: headline, summary, body text (and lemmas, in Korean)
    meta: dict[str, str] = field(hash=False)
    filters: dict[str, list[str]] = field(hash=False)

    def as_json(self) -> dict:
        return {"url": self.url, "language": self.language, "content": self.content, "meta": self.meta,
                "filters": self.filters}

    @cached_property
    def digest(self) -> bytes:
        return hashlib.blake2b(json.dumps(self.as_json(), ensure_ascii=False, sort_keys=True).encode(),
                               digest_size=16).digest()


# ---- what gets indexed ---------------------------------------------------------------------

BLOCK_TAG = re.compile(r"<(?:/?(?:p|h[1-6]|li|ul|ol|td|th|tr|table|div|blockquote|pre|dd|dt|dl|figcaption|hr)|br)\b",
                       re.I)
SKIPPED_ELEMENT = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.I | re.S)


@lru_cache(maxsize=65536)  # a dev server re-reads the same bodies on every rebuild
def body_text(body_html: str) -> str:
    """The words of a rendered body: blocks kept apart, footnote markers and scripts left out."""
    text = FOOTNOTE_REF.sub("", SKIPPED_ELEMENT.sub(" ", body_html))
    return Markup(BLOCK_TAG.sub(lambda m: " " + m.group(0), text)).striptags()


def excerpt(text: str) -> str:
    if len(text) <= EXCERPT_CHARS:
        return text
    cut = text[:EXCERPT_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


# The records of the last build, per process: a dev server builds on every save, and most
# articles are then as they were (their record, its digest and its Korean analysis are reused).
_last_records: dict[tuple, SearchRecord] = {}
_last_analysed: dict[SearchRecord, SearchRecord] = {}


def edition_records(config: Config, index: SiteIndex, bodies: dict[str, str], lang: str) -> list[SearchRecord]:
    """The edition's articles, newest first, as Pagefind records of their text as written.

    In Korean the summary goes into the metadata as the excerpt to show: the text indexed
    will carry lemmas (korean_records)."""
    global _last_records
    records, kept = [], {}
    for source in index.editions.get(lang, ()):
        terms = (tuple(t.name for t in index.article_terms(source, "section")),
                 tuple(t.name for t in index.article_terms(source, "dateline")),
                 tuple(t.name for t in index.correspondent_terms(source)))
        article = index.articles[source]
        # The engine's body mapping knows each body's key (bodystore.body_key): comparing keys spares
        # reading every body from the store on every rebuild.
        body = getattr(bodies, "digests", {}).get(source) or bodies.get(source, "")
        key = (config.base_url, lang, article, str(article.extra.get("image")), body, terms)
        record = _last_records.get(key) or article_record(config, index, bodies, source, *terms)
        kept[key] = record
        records.append(record)
    _last_records = {k: v for k, v in _last_records.items() if k[1] != lang} | kept
    return records


def article_record(config: Config, index: SiteIndex, bodies: dict[str, str], source: str,
                   sections: tuple[str, ...], datelines: tuple[str, ...], people: tuple[str, ...]) -> SearchRecord:
    article = index.articles[source]
    lang = article.lang
    body_html = bodies.get(source, "")
    text = body_text(body_html)
    # A summary of its own is indexed; the default one is the body's first paragraph already.
    content = "\n".join(part for part in (article.title, article.summary, text) if part)
    meta = {"title": article.title, "date": format_moment(article.posted, lang, config.language(lang).locale),
            "datetime": article.posted.isoformat()}
    if datelines:
        meta["dateline"] = datelines[0]
    if sections:
        meta["section"] = sections[0]
    image = article.extra.get("image")
    if isinstance(image, str) and image:
        meta["image"] = image
    if analysed_language(lang):
        meta["excerpt"] = excerpt(article.summary or first_paragraph_text(body_html) or text)
    filters = {name: list(values) for name, values in
               (("section", sections), ("dateline", datelines), ("correspondent", people)) if values}
    return SearchRecord(site_link(config, index.urls[source]), lang, content, meta, filters)


# ---- Korean: words followed by their lemmas ------------------------------------------------

NOUN_TAGS = {"NNG", "NNP", "NR", "NP", "SL", "SH", "XR"}
PREDICATE_TAGS = {"VV", "VA"}  # verb and adjective stems; kiwipiepy marks irregular ones VV-I, VA-I
DERIVING_TAGS = {"XSV", "XSA"}  # 발표+하+다: a noun made a verb


def lemmas_of(tokens, eojeol: str) -> list[str]:
    """The stems and lemmas of one written word (its tokens from kiwipiepy), in order, once each."""
    found: list[str] = []
    previous = None
    for token in tokens:
        tag = token.tag.split("-")[0]
        lemma = None
        if tag in NOUN_TAGS:
            lemma = token.form
        elif tag in PREDICATE_TAGS:
            lemma = token.form + "다"
        elif tag in DERIVING_TAGS and previous is not None and previous.tag.split("-")[0] in NOUN_TAGS:
            lemma = previous.form + token.form + "다"
        if lemma and lemma != eojeol and lemma not in found:
            found.append(lemma)
        previous = token
    return found


WORD = re.compile(r"\S+")


def with_lemmas(text: str, tokens) -> str:
    """text with each word followed by its lemmas: 서울에서 열린 -> 서울에서 서울 열린 열리다."""
    words = [(m.start(), m.end(), m.group(0)) for m in WORD.finditer(text)]
    by_word: list[list] = [[] for _ in words]
    starts = [start for start, _, _ in words]
    position = 0
    for token in tokens:
        while position + 1 < len(words) and starts[position + 1] <= token.start:
            position += 1
        if words and words[position][0] <= token.start < words[position][1]:
            by_word[position].append(token)
    out = []
    for (_, _, word), tokens_of_word in zip(words, by_word, strict=True):
        out.append(word)
        out.extend(lemmas_of(tokens_of_word, word.strip(".,!?\"'“”‘’()[]…·")))
    return " ".join(out)


class KoreanAnalyser:
    """Text -> text with lemmas, remembered per text between builds (the analyser is slow to load)."""

    def __init__(self, cache_file: Path):
        self.cache_file = cache_file
        self.known: dict[str, str] = self._load()
        self.used: dict[str, str] = {}
        self.analysed = 0

    @staticmethod
    def version() -> str:
        """Analyses made by another analyser or another version of this code are not reused."""
        return f"{FORMAT} {metadata.version('kiwipiepy')} {metadata.version('kiwipiepy_model')}"

    def _load(self) -> dict[str, str]:
        try:
            with open(self.cache_file, "rb") as handle:
                kept = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            return {}
        if not isinstance(kept, dict) or kept.get("version") != self.version():
            return {}
        return kept.get("texts", {})

    @staticmethod
    def key(text: str) -> str:
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

    def prepare(self, texts: list[str]) -> None:
        """Analyse, in one parallel batch, the texts not seen before."""
        new = {self.key(t): t for t in texts if self.key(t) not in self.known}
        if not new:
            return
        kiwi = _kiwi()
        for key, tokens in zip(new, kiwi.tokenize(list(new.values())), strict=True):
            self.known[key] = with_lemmas(new[key], tokens)
        self.analysed += len(new)

    def __call__(self, text: str) -> str:
        key = self.key(text)
        if key not in self.known:
            self.prepare([text])
        self.used[key] = self.known[key]
        return self.used[key]

    def save(self) -> None:
        if self.analysed or len(self.used) != len(self.known):  # only what this build used is kept
            try:
                kept = {"version": self.version(), "texts": self.used}
                write_file(self.cache_file, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
            except OSError:
                pass  # a read-only site still builds; it analyses again next time


@lru_cache(maxsize=1)
def _kiwi():
    from kiwipiepy import Kiwi

    # No typo or multi-word dictionaries: news copy is edited text, and they slow loading down.
    return Kiwi(load_typo_dict=False, load_multi_dict=False)


def analysed_language(lang: str) -> bool:
    return lang == "ko" or lang.startswith("ko-")


def korean_records(config: Config, index: SiteIndex, bodies: dict[str, str], lang: str) -> list[SearchRecord]:
    """The edition's records with lemmas after each word; only texts not seen before are analysed."""
    global _last_analysed
    plain = edition_records(config, index, bodies, lang)
    new = [r for r in plain if r not in _last_analysed]
    if new:
        analyser = KoreanAnalyser(cache_folder(config) / f"search-analysis-{lang}.pickle")
        analyser.prepare([r.content for r in plain])
        analysed = {}
        for r in plain:  # every text is looked up, so the cache keeps all the edition uses
            text = analyser(r.content)
            analysed[r] = _last_analysed.get(r) or SearchRecord(r.url, r.language, text, r.meta, r.filters)
        _last_analysed = analysed
        analyser.save()
    return [_last_analysed[r] for r in plain]


# ---- the bundles -----------------------------------------------------------------------------

def require_search_extra() -> None:
    """A usage error, not a traceback, when the optional dependencies are not installed."""
    try:
        metadata.version("pagefind")
        metadata.version("kiwipiepy")
        from pagefind.service import get_executable
    except (metadata.PackageNotFoundError, ImportError):
        raise UsageError(MISSING_EXTRA) from None
    if get_executable() is None:
        raise UsageError("search: Pagefind's program is missing: pip install 'pagefind[extended]'; " + MISSING_EXTRA)


def cache_folder(config: Config) -> Path:
    return config.cache_dir


def records_digest(records: list[SearchRecord]) -> str:
    digest = hashlib.blake2b(f"{FORMAT} {metadata.version('pagefind')}".encode(), digest_size=16)
    for record in records:
        digest.update(record.digest)
    return digest.hexdigest()


class PagefindError(Exception):
    pass


class PagefindService:
    """Pagefind's indexing service (`pagefind --service`), spoken to directly.

    Requests and replies are base64 JSON, each followed by a comma. Pagefind's Python package
    speaks the same protocol, but its client waits 100 ms before reading each reply
    (PagefindService._wait_for_responses), which makes 1,000 records take 100 s; here requests
    are sent in a stream while a thread reads the replies."""

    def __init__(self, yielding: bool = False):
        from pagefind.service import get_executable

        command = [str(get_executable()), "--service"]
        nice = shutil.which("nice") if yielding else None
        if nice:  # the dev server's: its next rebuild goes first (Pagefind keeps both cores busy for seconds)
            command = [nice, "-n", "19", *command]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.sent = 0
        self.replies: dict[int, dict] = {}
        self.arrived = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        buffer = b""
        while chunk := self.process.stdout.read1(1 << 16):
            buffer += chunk
            *messages, buffer = buffer.split(b",")
            with self.arrived:
                for message in messages:
                    reply = json.loads(base64.b64decode(message))
                    self.replies[reply.get("message_id") or 0] = reply["payload"]
                self.arrived.notify_all()
        with self.arrived:
            self.replies[-1] = {"type": "Error", "message": "Pagefind stopped"}
            self.arrived.notify_all()

    def send(self, payload: dict) -> int:
        self.sent += 1
        message = {"message_id": self.sent, "payload": payload}
        self.process.stdin.write(base64.b64encode(json.dumps(message).encode()) + b",")
        return self.sent

    def reply(self, number: int) -> dict:
        self.process.stdin.flush()
        with self.arrived:
            self.arrived.wait_for(lambda: number in self.replies or -1 in self.replies or 0 in self.replies)
            reply = self.replies.get(number) or self.replies.get(0) or self.replies[-1]
        if reply["type"] == "Error":
            raise PagefindError(reply.get("message", "Pagefind failed"))
        return reply

    def close(self) -> None:
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:  # Pagefind ends once its input does: cut short, a bundle file it was writing stays empty
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.terminate()
            self.process.wait()
        self.reader.join()


def run_pagefind(records: list[SearchRecord], into: Path, yielding: bool = False) -> None:
    """Index the records with Pagefind and write its bundle into the folder `into`; `yielding`:
    at the lowest CPU priority."""
    service = PagefindService(yielding)
    try:
        index_id = service.reply(service.send({"type": "NewIndex", "config": None}))["index_id"]
        numbers = [
            service.send({"type": "AddRecord", "index_id": index_id, "url": record.url, "content": record.content,
                          "language": record.language, "meta": record.meta, "filters": record.filters, "sort": None})
            for record in records
        ]
        for number in numbers:
            service.reply(number)
        service.reply(service.send({"type": "WriteFiles", "index_id": index_id, "output_path": str(into)}))
    finally:
        service.close()


def read_bundle(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not BUNDLE_SKIP.match(p.name)
    }


def edition_bundle(config: Config, records: list[SearchRecord], lang: str,
                   yielding: bool = False) -> tuple[dict[str, bytes], bool]:
    """(file below /<lang>/pagefind/ -> bytes, whether Pagefind ran): the kept bundle when the
    records are those it was made from, else a new one (made at the lowest CPU priority when
    `yielding`)."""
    folder = cache_folder(config)
    manifest_file, kept = folder / f"search-{lang}.json", folder / f"search-{lang}"
    digest = records_digest(records)
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        if manifest.get("digest") == digest:
            bundle = read_bundle(kept)
            if sorted(bundle) == manifest.get("files"):
                return bundle, False
    except (OSError, ValueError, AttributeError):
        pass
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(dir=folder, prefix=f".search-{lang}."))
    except OSError:  # a read-only site: index in the system's temporary folder, keep nothing
        fresh = Path(tempfile.mkdtemp(prefix=f"dateline-search-{lang}."))
    try:
        run_pagefind(records, fresh / BUNDLE_FOLDER, yielding)
        bundle = read_bundle(fresh / BUNDLE_FOLDER)
        keep_bundle(fresh / BUNDLE_FOLDER, kept, manifest_file,
                    {"digest": digest, "records": len(records), "files": sorted(bundle)})
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return bundle, True


def keep_bundle(made: Path, kept: Path, manifest_file: Path, manifest: dict) -> None:
    """Keep a bundle for the next build. Only an optimisation: if it fails (a read-only site, two
    builds of one site at once), the next build indexes again; a manifest is written last, and
    a bundle is reused only when its files are those the manifest lists."""
    try:
        manifest_file.unlink(missing_ok=True)
        shutil.rmtree(kept, ignore_errors=True)
        made.rename(kept)
        write_file(manifest_file, json.dumps(manifest, indent=1).encode())
    except OSError:
        pass


@dataclass(frozen=True)
class SearchOutput:
    files: dict[str, bytes]  # output path -> bytes, for every edition
    indexed: tuple[str, ...]  # editions Pagefind indexed again (the others were unchanged)


def bundle_outputs(config: Config) -> set[str]:
    """The search bundle files now in the output folder (to remove those a new bundle no longer has)."""
    out = config.out_dir
    return {p.relative_to(out).as_posix() for lang in config.languages
            for p in (out / lang.code / BUNDLE_FOLDER).rglob("*") if p.is_file()}


def search_files(config: Config, index: SiteIndex, bodies: dict[str, str], yielding: bool = False) -> SearchOutput:
    """Every edition's search bundle, as output files to write like pages.

    Pagefind runs only for an edition whose records changed since the bundle kept in the
    cache was made; otherwise that bundle is returned as it is. `yielding`: Pagefind runs at the
    lowest CPU priority (the dev server's search index, made while the next edit may come)."""
    if not config.search:
        return SearchOutput({}, ())
    require_search_extra()
    files: dict[str, bytes] = {}
    indexed = []
    for language in config.languages:
        lang = language.code
        if analysed_language(lang):
            records = korean_records(config, index, bodies, lang)
        else:
            records = edition_records(config, index, bodies, lang)
        bundle, ran = edition_bundle(config, records, lang, yielding)
        if ran:
            indexed.append(lang)
        files.update((f"{lang}/{BUNDLE_FOLDER}/{relative}", data) for relative, data in bundle.items())
    return SearchOutput(files, tuple(indexed))

