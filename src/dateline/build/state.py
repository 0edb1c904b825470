"""What one build of an output folder leaves for the next: the content files as read, the index,
and the fingerprint of every page and asset it wrote.

`dateline serve` keeps it in memory; `dateline build` saves it in .dateline-cache/ and the next
build, in a new process, starts where the last one stopped. Saved state is never trusted
blindly: a file that does not load, was written by another version of dateline, or describes
other sources, settings or another output folder is ignored (the build starts from scratch and
says why), and every output file it lists is checked against the disk before use.

It is saved in parts, in a folder of its own (state_dir), so that an edit rewrites a little of it,
not all (at 100,000 stories the whole is 190 MB):

    build.pickle            written by every build: the settings, the order of the content files
                            and of the articles, and the names of the parts below that it was built with
    index-<token>.pickle    the index but its articles: rewritten when the site's shape changes
    sources-<n>-<token>.pickle   the content files as read, their views and body keys, for about
                            ENTRIES_A_PART of them (by a hash of their path): an edit rewrites the
                            part of the file it edits
    outputs-<n>-<token>.pickle   the pages' fingerprints and the output files' signatures, the
                            same way: an edit rewrites the parts of the pages it changes

A part is written under a name no other has had, and never changed after, so build.pickle (put
in place by the output commit, with the output it describes) names exactly the parts of one
state: a build killed between two part writes leaves parts that no build.pickle names, never a
mix. Each part says its own name, and one that is missing, damaged or not what build.pickle names
makes the whole state damaged.
"""

from __future__ import annotations

import gc
import hashlib
import io
import os
import pickle
import secrets
import shutil
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from itertools import compress
from operator import is_not
from pathlib import Path

import dateline
from dateline.build.bodystore import cache_dir
from dateline.build.sources import SourceFile
from dateline.config import Config
from dateline.content import Article
from dateline.index import SiteIndex
from dateline.write import file_signature

FORMAT = 2
ROOT = "build.pickle"
ENTRIES_A_PART = 1000  # keys in a part, about: the parts' count is a power of two
# The State's tables saved in parts by key, each group's tables (keyed alike) split alike.
PARTED = {"sources": ("files", "views", "body_keys"), "outputs": ("fingerprints", "outputs")}
# The index's fields that build.pickle holds: what every build makes anew (the clock, the
# articles, most of them as they are in the sources parts). The index part has the others.
INDEX_OWN_FIELDS = ("articles", "notices", "now")
INDEX_PART_FIELDS = tuple(f.name for f in fields(SiteIndex) if f.name not in INDEX_OWN_FIELDS)


def _code_digest() -> str:
    """dateline's own code: a build by a changed dateline must not trust what an older one rendered."""
    digest = hashlib.blake2b(dateline.__version__.encode(), digest_size=12)
    package = Path(dateline.__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


CODE = _code_digest()


def settings_key(config: Config) -> str:
    """Everything in the config that can change an output file."""
    return hashlib.blake2b(repr(config).encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class SavedParts:
    """A state's parts on disk: each part's file name and the objects it holds. A later save
    keeps a part whose objects are these very ones (by identity: nothing to compare)."""

    index: tuple[str, tuple]  # (file name, the values of INDEX_PART_FIELDS)
    groups: dict[str, tuple[tuple[str, tuple[dict, ...]], ...]]  # PARTED group -> (file name, its tables' entries)
    tables: dict[str, tuple[dict, ...]]  # PARTED group -> its tables whole, as saved (never changed in place)


@dataclass
class State:
    stamp: tuple  # (FORMAT, CODE, site folder, output folder)
    settings: str  # settings_key of the config it was built with
    files: dict[str, SourceFile]  # every content file as last read
    index: SiteIndex
    views: dict[str, bytes]  # source -> digest of its view key (render.view_key)
    fingerprints: dict[str, bytes | None]  # page output -> fingerprint; None: render every time
    templates: dict[str, tuple]  # page kind -> template key
    sections: dict[str, tuple]  # edition -> its section list as shown in the masthead
    assets: dict[str, tuple]  # static output -> (source file, its stat signature)
    outputs: dict[str, tuple | None] = field(default_factory=dict)  # output file -> signature as written
    body_keys: dict[str, str] = field(default_factory=dict)  # source -> what its body is stored under
    template_references: dict[str, tuple | None] = field(default_factory=dict)  # templates.known_references
    saved: SavedParts | None = field(default=None, compare=False, repr=False)  # its parts on disk, once saved or loaded


# What build.pickle holds of the State as it is (the index and the PARTED tables go in parts).
ROOT_FIELDS = ("stamp", "settings", "templates", "sections", "assets", "template_references")


@contextmanager
def collector_paused():
    """The garbage collector off while a state of millions of objects is loaded or saved: it would
    walk them all again and again as they are made (at 100,000 stories, half the time of either)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def stamp(config: Config) -> tuple:
    return (FORMAT, CODE, str(config.site_dir), str(config.out_dir))


def state_dir(config: Config) -> Path:
    name = hashlib.blake2b(str(config.out_dir).encode(), digest_size=6).hexdigest()
    return cache_dir(config) / f"state-{config.out_dir.name}-{name}"


def state_path(config: Config) -> Path:
    """The part every build writes, naming the others."""
    return state_dir(config) / ROOT


def load_state(config: Config) -> tuple[State | None, str]:
    """The saved state, or None and why it was not used ("" when there was none)."""
    if not config.out_dir.is_dir():
        return None, ""
    with collector_paused():
        state, why = _load(config)
        if state is not None:
            # Out of the collector's sight from now on (and before it runs again, which it would
            # at once, over everything made while it was off): its million objects live as long as
            # the build and hold no cycles, and each full collection would walk them all.
            gc.freeze()
    return state, why


def _load(config: Config) -> tuple[State | None, str]:
    try:
        with open(state_path(config), "rb") as handle:
            root = pickle.load(handle)
    except FileNotFoundError:
        return None, ""
    except Exception:  # noqa: BLE001 - whatever a damaged file raises, it is not to be trusted
        return None, "the saved build state is damaged"
    if not isinstance(root, dict) or tuple(root.get("stamp", ()))[:2] != stamp(config)[:2]:
        return None, "the saved build state was written by another version of dateline"
    if root["stamp"] != stamp(config):
        return None, "the saved build state describes another site or output folder"
    try:
        return _assemble(state_dir(config), root), ""
    except Exception:  # noqa: BLE001 - a part missing, damaged or not the one named: trust none of it
        return None, "the saved build state is damaged"


def _assemble(folder: Path, root: dict) -> State:
    """The State that build.pickle (`root`) and the parts it names make."""
    index_name, group_names = root["parts"]
    index_values = _read_part(folder, index_name)
    groups = {group: tuple((name, _read_part(folder, name)) for name in group_names[group]) for group in PARTED}
    tables = {group: _joined(parts, len(PARTED[group])) for group, parts in groups.items()}
    every = tables["sources"][0]
    files = {source: every[source] for source in root["sources"]}
    if len(files) != len(every):
        raise ValueError("the sources parts hold files build.pickle does not list")
    tables["sources"] = (files, *tables["sources"][1:])
    odd, notices = _ArticleReader(io.BytesIO(root["articles"]), files).load()
    articles = {source: odd[source] if source in odd else files[source].article for source in root["articles_order"]}
    index = SiteIndex(**dict(zip(INDEX_PART_FIELDS, index_values, strict=True)), articles=articles, notices=notices,
                      now=root["now"])
    own = {name: root[name] for name in ROOT_FIELDS}
    own.update((name, table) for group in PARTED for name, table in zip(PARTED[group], tables[group], strict=True))
    return State(**own, index=index, saved=SavedParts((index_name, index_values), groups, tables))


def _joined(parts: tuple[tuple[str, tuple[dict, ...]], ...], count: int) -> tuple[dict, ...]:
    """A group's tables whole, from its parts."""
    tables: tuple[dict, ...] = tuple({} for _ in range(count))
    for _, entries in parts:
        for table, part in zip(tables, entries, strict=True):
            table.update(part)
    return tables


def _read_part(folder: Path, name: str):
    with open(folder / name, "rb") as handle:
        said, payload = pickle.load(handle)
    if said != name:
        raise ValueError(f"{name} holds the part {said}")
    return payload


def save_state(config: Config, state: State, previous: State | None) -> dict[str, str]:
    """Write the parts of `state` that `previous` (the state last saved, or None) has not, and
    build.pickle beside its final place; returns {temporary file: final path} for the output
    commit to rename, so that the state and the output it describes move together. `state`
    learns its parts (State.saved)."""
    folder = state_dir(config)
    folder.mkdir(parents=True, exist_ok=True)
    kept = previous.saved if previous is not None else None
    token = secrets.token_hex(8)
    index_values = tuple(getattr(state.index, name) for name in INDEX_PART_FIELDS)
    index = kept.index if kept and _kept(folder, kept.index, index_values) else \
        (_write_part(folder, f"index-{token}.pickle", index_values), index_values)
    groups, tables = {}, {}
    for group, names in PARTED.items():
        tables[group] = tuple(getattr(state, name) for name in names)
        groups[group] = _saved_group(folder, f"{group}-{{}}-{token}.pickle", tables[group],
                                     (kept.groups[group], kept.tables[group]) if kept else None)
    state.saved = SavedParts(index, groups, tables)
    root = {name: getattr(state, name) for name in ROOT_FIELDS}
    root.update(parts=(index[0], {group: tuple(name for name, _ in parts) for group, parts in groups.items()}),
                sources=tuple(state.files), now=state.index.now, articles_order=tuple(state.index.articles),
                articles=_articles_by_reference(state))
    tmp = folder / (ROOT + ".new")
    with open(tmp, "wb") as handle, collector_paused():
        pickle.dump(root, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return {str(tmp): str(folder / ROOT)}


def _kept(folder: Path, saved: tuple[str, tuple], values: tuple) -> bool:
    """Whether a saved part holds these very objects (and is still there)."""
    name, held = saved
    return len(held) == len(values) and all(a is b for a, b in zip(held, values, strict=True)) \
        and (folder / name).is_file()


def _write_part(folder: Path, name: str, payload) -> str:
    """A part under a new name (no reader looks for it until a build.pickle names it)."""
    with open(folder / name, "xb") as handle, collector_paused():
        pickle.dump((name, payload), handle, protocol=pickle.HIGHEST_PROTOCOL)
    return name


def _saved_group(folder: Path, names: str, tables: tuple[dict, ...],
                 kept: tuple[tuple[tuple[str, tuple[dict, ...]], ...], tuple[dict, ...]] | None
                 ) -> tuple[tuple[str, tuple[dict, ...]], ...]:
    """A group's parts (file name, its tables' entries) for `tables`: those of `kept` (its parts
    and the tables they were made from) where no entry moved, the others written anew (`names`
    with the part's number)."""
    count = _part_count(tables)
    if kept is None or len(kept[0]) != count:
        return tuple((_write_part(folder, names.format(n), part), part) for n, part in enumerate(_split(tables, count)))
    old_parts, old_tables = kept
    moved: dict[int, list[tuple[int, str]]] = {}
    for number, key in _moved_keys(old_tables, tables):
        moved.setdefault(_part_of(key, count), []).append((number, key))
    parts = []
    for n, (name, entries) in enumerate(old_parts):
        if n not in moved and (folder / name).is_file():
            parts.append((name, entries))
            continue
        entries = tuple(dict(part) for part in entries)
        for number, key in moved.get(n, ()):
            if key in tables[number]:
                entries[number][key] = tables[number][key]
            else:
                entries[number].pop(key, None)
        parts.append((_write_part(folder, names.format(n), entries), entries))
    return tuple(parts)


_ABSENT = object()


def _moved_keys(old_tables: tuple[dict, ...], tables: tuple[dict, ...]) -> list[tuple[int, str]]:
    """(table number, key) of every entry added, removed or not the very object it was."""
    moved = []
    for number, (old, new) in enumerate(zip(old_tables, tables, strict=True)):
        if len(old) == len(new) and list(old) == list(new):  # the usual case, a table copied and changed in place:
            moved += [(number, key) for key in compress(new, map(is_not, new.values(), old.values()))]  # in C
            continue
        moved += [(number, key) for key, value in new.items() if old.get(key, _ABSENT) is not value]
        moved += [(number, key) for key in old.keys() - new.keys()]
    return moved


def _part_count(tables: tuple[dict, ...]) -> int:
    count, size = 1, max(map(len, tables))
    while count * ENTRIES_A_PART < size:
        count *= 2
    return count


def _part_of(key: str, count: int) -> int:
    """A key's part: the same while the parts' count is the same, in every process."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) & (count - 1)


def _split(tables: tuple[dict, ...], count: int) -> list[tuple[dict, ...]]:
    parts = [tuple({} for _ in tables) for _ in range(count)]
    for number, table in enumerate(tables):
        for key, value in table.items():
            parts[_part_of(key, count)][number][key] = value
    return parts


class _ArticleWriter(pickle.Pickler):
    """Pickles an article that a content file holds as that file's source: the sources parts
    hold it, and it is the same object again once loaded."""

    def __init__(self, handle, files: dict[str, SourceFile]):
        super().__init__(handle, protocol=pickle.HIGHEST_PROTOCOL)
        self.files = files

    def persistent_id(self, obj):
        if type(obj) is Article:
            file = self.files.get(obj.source)
            if file is not None and file.article is obj:
                return obj.source
        return None


class _ArticleReader(pickle.Unpickler):
    def __init__(self, handle, files: dict[str, SourceFile]):
        super().__init__(handle)
        self.files = files

    def persistent_load(self, source: str) -> Article:
        return self.files[source].article


def _articles_by_reference(state: State) -> bytes:
    """The index's articles that no content file holds as they are (the others, nearly all, are
    in the sources parts, and build.pickle has their order), and its notices, whose articles
    are references to those files' where they can be."""
    files = state.files
    odd = {source: article for source, article in state.index.articles.items()
           if (file := files.get(source)) is None or file.article is not article}
    buffer = io.BytesIO()
    _ArticleWriter(buffer, files).dump((odd, state.index.notices))
    return buffer.getvalue()


def remove_unused_parts(config: Config, state: State) -> None:
    """Delete what the saved `state` does not use: the parts of earlier builds, those a killed
    build left, and the single file of dateline before the state came in parts."""
    folder = state_dir(config)
    saved = state.saved
    used = {ROOT, saved.index[0], *(name for parts in saved.groups.values() for name, _ in parts)} if saved else {ROOT}
    for entry in os.scandir(folder):
        if entry.name not in used:
            os.unlink(entry.path)
    folder.with_name(folder.name + ".pickle").unlink(missing_ok=True)


def forget_state(config: Config) -> None:
    shutil.rmtree(state_dir(config), ignore_errors=True)


def outputs_changed_on_disk(config: Config, state: State) -> set[str]:
    """Output files that are not as the last build wrote them (deleted or edited by hand)."""
    out = str(config.out_dir)
    return {relative for relative, sig in state.outputs.items() if sig is None or file_signature(f"{out}/{relative}") != sig}
