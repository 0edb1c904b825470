#!/usr/bin/env python3
"""Photos at scale: a corpus where every article has a 3,000 x 2,000 lead photo.

    python bench/bench_photos.py --stories 1000

Makes the shared synthetic corpus (../shared/bench/gen_corpus.py), gives every article its own
3,000 x 2,000 JPEG beside it (a gradient with grain at every scale, about the size of a news photo), then
times, each build a fresh process (`python -m dateline build --quiet`):

- the cold build (no output, no cache): wall time and peak memory (largest resident set of the
  build process and its workers, from wait4's rusage);
- a rebuild with nothing changed, and a rebuild after editing one article's text: wall time, and
  that neither encoded or rewrote any image (cache and output mtimes unchanged);
- image bytes: what the output holds per article (all renditions and crops) and what a reader of
  the article downloads (the 800 px WebP), against the original.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

import bench_build  # beside this file: the one timed-build helper
from PIL import Image, ImageDraw

SIZE = (3000, 2000)


def make_corpus(stories: int, root: Path) -> Path:
    site = bench_build.make_corpus(stories, root, name="photos")
    add_photos(site)
    return site


def add_photos(site: Path) -> None:
    """A photo beside every article, named in its front matter (skipped when already there)."""
    # Detail at every scale, as a photo has: noise made at 1/8, 1/4, 1/2 and full size, averaged.
    layers = [Image.effect_noise((SIZE[0] // f, SIZE[1] // f), 60).resize(SIZE, Image.Resampling.BICUBIC) for f in (8, 4, 2, 1)]
    grain = layers[0]
    for number, layer in enumerate(layers[1:], 2):
        grain = Image.blend(grain, layer, 1 / number)
    grain = grain.convert("RGB")
    rng = random.Random(7)
    for article in sorted((site / "content").rglob("*.md")):
        photo = article.with_suffix(".jpg")
        text = article.read_text(encoding="utf-8")
        if "\nimage:" in text:
            continue
        top, bottom = (tuple(rng.randrange(256) for _ in range(3)) for _ in range(2))
        image = Image.linear_gradient("L").resize(SIZE).convert("RGB")
        image = Image.composite(Image.new("RGB", SIZE, top), Image.new("RGB", SIZE, bottom), image.convert("L"))
        ImageDraw.Draw(image).ellipse([rng.randrange(2400), rng.randrange(1400), 2900, 1900], fill=bottom)
        Image.blend(image, grain, 0.3).save(photo, "JPEG", quality=88)
        head, sep, body = text[4:].partition("\n---\n")
        block = f"image:\n  src: {photo.name}\n  alt: A photo for the story\n  caption: The scene.\n  credit: Bench Photo\n"
        article.write_text(f"---\n{head}\n{block}---\n{body}", encoding="utf-8")


def timed_build(site: Path, jobs: int | None) -> tuple[float, float]:
    """(seconds, peak MiB) of one build in a new process, keeping the output and the caches."""
    return bench_build.timed_build(site, jobs, cold=False)


def image_files(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file() and p.suffix in (".jpg", ".webp", ".png")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=1000)
    parser.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "dateline-bench")
    args = parser.parse_args()
    started = time.perf_counter()
    site = make_corpus(args.stories, args.workdir)
    articles = sorted((site / "content").rglob("*.md"))
    originals = sum(a.with_suffix(".jpg").stat().st_size for a in articles)
    print(f"{args.stories} stories, {len(articles)} articles, each with a {SIZE[0]} x {SIZE[1]} photo "
          f"(corpus made in {time.perf_counter() - started:.0f} s)")

    shutil.rmtree(site / "site", ignore_errors=True)
    shutil.rmtree(site / ".dateline-cache", ignore_errors=True)
    seconds, peak = timed_build(site, args.jobs)
    print(f"cold build: {seconds:.1f} s, peak memory {peak:.0f} MiB")

    out, cache = site / "site", site / ".dateline-cache" / "images"
    before = image_files(out) | image_files(cache)
    seconds, _ = timed_build(site, args.jobs)
    print(f"rebuild, nothing changed: {seconds:.2f} s")
    edited = articles[len(articles) // 2]
    edited.write_text(edited.read_text(encoding="utf-8").replace("\n---\n", "\n---\n\nAn added first paragraph.\n\n", 1),
                      encoding="utf-8")
    seconds, _ = timed_build(site, args.jobs)
    after = image_files(out) | image_files(cache)
    touched = sum(1 for path, mtime in after.items() if before.get(path) != mtime)
    print(f"rebuild after a text edit: {seconds:.2f} s; image files written or changed since the cold build: {touched}")

    made = sum(p.stat().st_size for p in (out / "media").rglob("*") if p.is_file())
    reader = sum(p.stat().st_size for p in (out / "media").rglob("*-800.webp"))
    per = len(articles)
    print(f"original photos: {originals / per / 1024:.0f} KiB per article")
    print(f"image output: {made / per / 1024:.0f} KiB per article ({made / originals:.2f} x the original); "
          f"a reader at 800 px downloads {reader / per / 1024:.0f} KiB ({reader / originals:.1%} of the original)")


if __name__ == "__main__":
    main()
