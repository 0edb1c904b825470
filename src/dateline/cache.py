"""Rendered article bodies kept between builds, keyed by the digest of the article file.

Converting Markdown is most of a cold build's time; a rebuild after editing one article
converts only that article. The cache is an optimisation only: a missing, stale or damaged
file is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import markdown as python_markdown

from dateline import bodies as body_markdown
from dateline import images, typography
from dateline.config import Config
from dateline.write import write_file

CACHE_DIR = ".dateline-cache"


def _renderer_fingerprint() -> str:
    """Changes whenever Python-Markdown or our conversion code does: then the cache starts afresh."""
    digest = hashlib.blake2b(python_markdown.__version__.encode(), digest_size=8)
    for module in (body_markdown, typography, images):  # images: figure markup and rendition names
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


CACHE_KEY = f"bodies-{_renderer_fingerprint()}"


def cache_path(config: Config) -> Path:
    return config.site_dir / CACHE_DIR / f"{CACHE_KEY}.pickle"


def load_body_cache(config: Config) -> dict[str, str]:
    try:
        with open(cache_path(config), "rb") as handle:
            cache = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        return {}
    return cache if isinstance(cache, dict) else {}


def save_body_cache(config: Config, cache: dict[str, str]) -> None:
    folder = config.site_dir / CACHE_DIR
    for stale in folder.glob("bodies-*.pickle"):
        if stale.name != f"{CACHE_KEY}.pickle":
            stale.unlink(missing_ok=True)
    try:
        write_file(cache_path(config), pickle.dumps(cache, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only site still builds; it just converts everything next time


def clear_cache(config: Config) -> None:
    import shutil

    shutil.rmtree(config.site_dir / CACHE_DIR, ignore_errors=True)
