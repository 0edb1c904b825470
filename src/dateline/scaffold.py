"""`dateline init` (a new site from the packaged scaffold) and `dateline new` (an article skeleton)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

from dateline.config import Config
from dateline.content import is_valid_slug, slugify
from dateline.errors import DatelineError

SCAFFOLD_DIR = Path(__file__).parent / "scaffold"


def init_site(target: Path, *, force: bool = False) -> list[Path]:
    """Copy the scaffold into TARGET, which must be new or empty unless forced.

    Hidden entries (.git, .gitignore) do not count: `git init && dateline init .` works."""
    if target.exists() and not target.is_dir():
        raise DatelineError(f"{target} is a file, not a folder")
    if target.is_dir() and not force:
        present = sorted(p.name for p in target.iterdir() if not p.name.startswith("."))
        if present:
            names = ", ".join(present[:3]) + (" ..." if len(present) > 3 else "")
            raise DatelineError(f"{target} is not empty ({names}); choose a new folder or use --force")
    files = sorted(p for p in SCAFFOLD_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    destinations = [target / p.relative_to(SCAFFOLD_DIR) for p in files]
    existing = [d for d in destinations if d.exists()]
    if existing and not force:
        names = ", ".join(str(d) for d in existing[:3])
        raise DatelineError(f"{target} already has {names}{' ...' if len(existing) > 3 else ''}; use --force to overwrite")
    for source, destination in zip(files, destinations, strict=True):
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
    (target / "static").mkdir(exist_ok=True)  # copied into site/ as it is; starts empty
    return destinations


def new_article(config: Config, title: str, *, lang: str | None = None, slug: str | None = None,
                section: str = "", tags: tuple[str, ...] = (), dateline: str = "",
                correspondents: tuple[str, ...] = (), story: str = "", draft: bool = True,
                now: dt.datetime | None = None) -> Path:
    lang = lang or config.default_language.code
    if config.language(lang) is None:
        codes = ", ".join(x.code for x in config.languages)
        raise DatelineError(f"--lang {lang!r} is not a configured language ({codes})")
    if not title.strip():
        raise DatelineError("the title is empty")
    slug = slug or slugify(title)
    if not is_valid_slug(slug):
        raise DatelineError(f"cannot make a slug from {title!r}; pass --slug with letters, digits and '-'")
    now = (now or dt.datetime.now(config.tz)).astimezone(config.tz).replace(second=0, microsecond=0)
    path = config.content_dir / lang / f"{now:%Y}" / f"{now:%m}" / f"{slug}.md"
    if path.exists():
        raise DatelineError(f"{path.relative_to(config.site_dir)} already exists")
    meta = {"title": title.strip(), "posted": now.isoformat(), "slug": slug}
    optional = {"section": section, "tags": list(tags), "dateline": dateline,
                "correspondents": list(correspondents), "story": story}
    meta.update({k: v for k, v in optional.items() if v})
    meta["draft"] = draft
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\nWrite the story here.\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
