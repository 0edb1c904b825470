"""What one build of an output folder leaves for the next: the content files as read, the index,
and the fingerprint of every page and asset it wrote.

`dateline serve` keeps it in memory; `dateline build` saves it in .dateline-cache/ and the next
build, in a new process, starts where the last one stopped. Saved state is never trusted
blindly: a file that does not load, was written by another version of dateline, or describes
other sources, settings or another output folder is ignored (the build starts from scratch and
says why), and every output file it lists is checked against the disk before use.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import dateline
from dateline.build.bodystore import cache_dir
from dateline.build.sources import SourceFile
from dateline.config import Config
from dateline.index import SiteIndex
from dateline.write import file_signature

FORMAT = 1


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


@dataclass
class State:
    stamp: tuple  # (FORMAT, CODE, site folder, output folder)
    settings: str  # settings_key of the config it was built with
    files: dict[Path, SourceFile]  # every content file as last read
    index: SiteIndex
    views: dict[str, bytes]  # source -> digest of its view key (render.view_key)
    fingerprints: dict[str, bytes | None]  # page output -> fingerprint; None: render every time
    templates: dict[str, tuple]  # page kind -> template key
    sections: dict[str, tuple]  # edition -> its section list as shown in the masthead
    assets: dict[str, tuple]  # static output -> (source file, its stat signature)
    outputs: dict[str, tuple | None] = field(default_factory=dict)  # output file -> signature as written
    body_keys: dict[str, str] = field(default_factory=dict)  # source -> what its body is stored under
    template_references: dict[str, tuple | None] = field(default_factory=dict)  # templates.known_references


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


def state_path(config: Config) -> Path:
    name = hashlib.blake2b(str(config.out_dir).encode(), digest_size=6).hexdigest()
    return cache_dir(config) / f"state-{config.out_dir.name}-{name}.pickle"


def load_state(config: Config) -> tuple[State | None, str]:
    """The saved state, or None and why it was not used ("" when there was none)."""
    path = state_path(config)
    if not config.out_dir.is_dir():
        return None, ""
    try:
        with open(path, "rb") as handle, collector_paused():
            state = pickle.load(handle)
    except FileNotFoundError:
        return None, ""
    except Exception:  # noqa: BLE001 - whatever a damaged file raises, it is not to be trusted
        return None, "the saved build state is damaged"
    if not isinstance(state, State) or state.stamp[:2] != stamp(config)[:2]:
        return None, "the saved build state was written by another version of dateline"
    if state.stamp != stamp(config):
        return None, "the saved build state describes another site or output folder"
    return state, ""


def temporary_state_file(config: Config, state: State) -> Path:
    """The state pickled beside its final place; the output commit renames it in."""
    path = state_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".pickle.new")
    with open(tmp, "wb") as handle, collector_paused():
        pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return tmp


def forget_state(config: Config) -> None:
    state_path(config).unlink(missing_ok=True)


def outputs_changed_on_disk(config: Config, state: State) -> set[str]:
    """Output files that are not as the last build wrote them (deleted or edited by hand)."""
    out = str(config.out_dir)
    return {relative for relative, sig in state.outputs.items() if sig is None or file_signature(f"{out}/{relative}") != sig}
