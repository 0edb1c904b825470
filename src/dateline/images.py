"""Photos: find the files an article names, check them, and make their renditions once.

Between content and bodies: `plan_article_images` reads only image headers (and, the first time
a file is seen, decodes it at a small scale to catch truncation); it returns frozen records of
every rendition an article's photos get and where they go in the output. `make_renditions`
encodes what the cache (`.dateline-cache/images/`) lacks, in parallel. Rendition folders are
named by a digest of the source's bytes and of every setting that shapes the output, so a
changed photo or setting gets new files and an unchanged one is never encoded again.

Every width is made in WebP and in a fallback (JPEG, or PNG for images with transparency):
pages offer both through <picture>, so browsers that read WebP take the smaller file and
every other browser still shows the photo.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import pickle
import re
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import PIL
from PIL import Image, ImageOps, UnidentifiedImageError

from dateline.config import Config
from dateline.content import Article, ImageRef, slugify
from dateline.errors import BuildFailed, ContentError
from dateline.files import write_file

WIDTHS = (480, 800, 1200, 1600, 2400)  # never more than the original's width
CROPS = ((16, 9), (4, 3), (1, 1))  # for JSON-LD, as Google's article guidance asks
CROP_WIDTH = 1200
OG_WIDTH = 1200  # og:image: at least this wide when the original allows
JPEG_QUALITY, WEBP_QUALITY = 82, 78
# Anything that changes the bytes of a rendition belongs here: it is part of every folder's digest.
SETTINGS = repr(("v1", WIDTHS, CROPS, CROP_WIDTH, JPEG_QUALITY, WEBP_QUALITY, PIL.__version__))
CACHE_FOLDER = "images"  # below the site's cache folder (config.cache_dir)
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".bmp", ".avif", ".heic"}
ORIENTATION = 0x0112  # EXIF tag
EXTENSION = {"jpeg": "jpg", "png": "png", "webp": "webp"}

# ![alt](src "title"): inline images only; reference-style images are left as Markdown makes them.
BODY_IMAGE = re.compile(r"""!\[(?P<alt>(?:[^\]\\]|\\.)*)\]\(\s*<?(?P<src>[^\s)>]+)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)""")
FENCE = re.compile(r"^\s{0,3}(```|~~~)")


@dataclass(frozen=True)
class Probe:
    """What one image file's header (and a test decode) said, for one stat signature."""

    signature: tuple
    limit: int  # the pixel limit it was checked against: a bigger file is not decoded
    digest: str = ""  # of the file's bytes
    width: int = 0  # as displayed: EXIF orientation applied
    height: int = 0
    alpha: bool = False
    problem: str = ""  # why the file cannot be used, or ""


@dataclass(frozen=True)
class Rendition:
    path: str  # in the output: media/<folder>/<name>-800.webp
    url: str  # the path as pages link it (base path included)
    width: int
    height: int
    format: str  # jpeg, png or webp
    box: tuple[int, int, int, int] | None = None  # the crop, in the oriented original's pixels
    ratio: str = ""  # "16:9" for crops


@dataclass(frozen=True)
class Photo:
    src: str  # as written in the article
    line: int
    file: Path
    alt: str
    width: int  # of the largest rendition: the width and height attributes
    height: int
    folder: str  # digest of the source bytes and the settings
    fallback: str  # jpeg or png
    renditions: tuple[Rendition, ...]  # every width, in WebP and in the fallback format
    crops: tuple[Rendition, ...] = ()  # lead photos only
    caption: str = ""
    credit: str = ""

    def widths(self, fmt: str) -> tuple[Rendition, ...]:
        return tuple(r for r in self.renditions if r.format == fmt)

    def srcset(self, fmt: str) -> str:
        return ", ".join(f"{r.url} {r.width}w" for r in self.widths(fmt))

    def default(self) -> Rendition:
        """The fallback rendition for `src` and og:image: the first at least OG_WIDTH wide, else the largest."""
        candidates = self.widths(self.fallback)
        return next((r for r in candidates if r.width >= OG_WIDTH), candidates[-1])


@dataclass(frozen=True)
class ArticleImages:
    """An article's photos as the build publishes them; `key` changes whenever their output does."""

    lead: Photo | None = None
    body: tuple[Photo, ...] = ()
    errors: tuple[ContentError, ...] = ()
    key: str = ""
    probes: tuple[tuple[str, Probe], ...] = field(default=(), compare=False, repr=False)
    files_read: tuple[Path, ...] = field(default=(), compare=False, repr=False)  # every path looked at

    def photo(self, src: str) -> Photo | None:
        return next((p for p in self.body if p.src == src), None)

    def photos(self) -> tuple[Photo, ...]:
        return ((self.lead,) if self.lead else ()) + self.body


NO_IMAGES = ArticleImages()

# ---- probing, memoised per process and kept on disk between builds -----------------------

_PROBES: dict[str, Probe] = {}
_LOADED: set[Path] = set()


def _signature(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def cache_dir(config: Config) -> Path:
    return config.cache_dir / CACHE_FOLDER


def load_probes(config: Config) -> None:
    """Read the probes an earlier build kept, so an unchanged photo is not even re-read."""
    if config.site_dir in _LOADED:
        return
    _LOADED.add(config.site_dir)
    try:
        with open(cache_dir(config) / "probes.pickle", "rb") as handle:
            kept = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return
    if isinstance(kept, dict):
        for path, probe in kept.items():
            _PROBES.setdefault(path, probe)


def save_probes(config: Config) -> None:
    root = str(config.site_dir) + os.sep
    mine = {path: probe for path, probe in _PROBES.items() if path.startswith(root)}
    if not mine and not (cache_dir(config) / "probes.pickle").exists():
        return  # a site without photos gets no cache folder for them
    try:
        write_file(cache_dir(config) / "probes.pickle", pickle.dumps(mine, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only site still builds; it reads the headers again next time


def remember(images: ArticleImages) -> None:
    """Keep the probes a worker process made, so this process need not probe again."""
    _PROBES.update(images.probes)


def probe(path: Path, limit: int) -> Probe:
    signature = _signature(path)
    known = _PROBES.get(str(path))
    if known is not None and known.signature == signature and known.limit == limit:
        return known
    found = _read_probe(path, signature, limit)
    _PROBES[str(path)] = found
    return found


@contextmanager
def _our_pixel_limit():
    """Pillow's own decompression-bomb guard off: our limit, checked on the header before any decoding, is the guard
    (Pillow's fixed one would refuse photos a site allows, and warn about smaller ones)."""
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def _read_probe(path: Path, signature: tuple | None, limit: int) -> Probe:
    data = path.read_bytes()
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    with _our_pixel_limit():
        try:
            image = Image.open(io.BytesIO(data))
        except (OSError, ValueError, SyntaxError) as exc:
            return Probe(signature, limit, digest, problem=f"is not an image that can be read ({_reason(exc)})")
        with image:
            width, height = image.size
            alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            if width * height > limit:
                return Probe(signature, limit, digest, width, height, alpha)  # never decoded: the plan reports it
            try:
                # After the size check: a PNG's getexif() decodes the whole image to find the chunk.
                turned = image.getexif().get(ORIENTATION) in (5, 6, 7, 8)
                image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))  # JPEG: decode at 1/8 scale
                image.load()
            except (OSError, ValueError, SyntaxError) as exc:
                return Probe(signature, limit, digest, width, height, alpha, problem=f"is truncated or damaged ({_reason(exc)})")
    return Probe(signature, limit, digest, *((height, width) if turned else (width, height)), alpha)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UnidentifiedImageError):  # its message names our in-memory buffer, not the file
        return "cannot identify image file"
    return str(exc) or type(exc).__name__


# ---- planning --------------------------------------------------------------------------


def body_image_refs(article: Article) -> list[tuple[str, str, int]]:
    """(src, alt, line) of every local inline image in the body; fenced code is skipped."""
    if "![" not in article.body and "`" not in article.body:  # most bodies: no image, nor a code span to drop
        return []
    found, fenced, line = [], False, article.body_line
    for text in article.body.split("\n"):
        if FENCE.match(text):
            fenced = not fenced
        elif not fenced:
            for match in BODY_IMAGE.finditer(re.sub(r"`[^`]*`", "", text)):
                src = match.group("src")
                if _is_local(src):
                    found.append((src, match.group("alt").strip(), line))
        line += 1
    return found


def _is_local(src: str) -> bool:
    parts = urlsplit(src)
    return not (parts.scheme or parts.netloc or src.startswith("#"))


def resolve(config: Config, article: Article, src: str) -> tuple[Path | None, list[Path]]:
    """The file `src` names, looked for beside the article and then in static/; and every path tried."""
    name = unquote(src.split("#")[0].split("?")[0])
    here = (config.site_dir / article.source).parent
    tried = [config.static_dir / name.lstrip("/")] if name.startswith("/") else [here / name, config.static_dir / name]
    allowed = (config.content_dir.resolve(), config.static_dir.resolve())
    for path in tried:
        # Only files inside content/ and static/: "../../etc/passwd" is not a photo.
        if path.is_file() and any(path.resolve().is_relative_to(folder) for folder in allowed):
            return path, tried
    return None, tried


def plan_article_images(config: Config, article: Article) -> ArticleImages:
    """Every photo of one article, checked, with its renditions; errors name the article's line."""
    refs = [(article.image, True)] if article.image else []
    refs += [(ImageRef(src, alt, line), False) for src, alt, line in body_image_refs(article)]
    if not refs:
        return NO_IMAGES
    load_probes(config)
    lead_photo, body, errors, probes, tried_all = None, [], [], [], []
    for ref, lead in refs:
        photo, error, found, tried = _plan_photo(config, article, ref, lead)
        tried_all += tried
        if found:
            probes.append(found)
        if error:
            errors.append(ContentError(article.source, ref.line, error))
        elif lead:
            lead_photo = photo
        else:
            body.append(photo)
    photos = ([lead_photo] if lead_photo else []) + body
    # The base path is in the key: rendition URLs, and so the body's HTML, carry it.
    key = "|".join([config.base_path] + [f"{p.src}={p.folder}" for p in photos]) if photos else ""
    return ArticleImages(lead_photo, tuple(body), tuple(errors), key, tuple(probes), tuple(tried_all))


def _plan_photo(config: Config, article: Article, ref: ImageRef, lead: bool):
    if not _is_local(ref.src):
        return None, f"the lead photo must be a file in the site, not {ref.src!r}: renditions are made from it", None, []
    path, tried = resolve(config, article, ref.src)
    if path is None:
        where = f"{Path(article.source).parent.as_posix()}/ or static/"
        return None, f"image file not found: {ref.src!r} (looked in {where})", None, tried
    if not ref.alt:
        return None, f"the image {ref.src!r} has no alt text: write ![what the photo shows]({ref.src})", None, tried
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return None, f"{ref.src!r} is not an image file (expected .jpg, .png, .webp or .gif)", None, tried
    found = probe(path, config.image_max_pixels)
    entry = (str(path), found)
    if found.problem:
        return None, f"{ref.src!r} {found.problem}", entry, tried
    if found.width * found.height > config.image_max_pixels:
        message = (f"{ref.src!r} is {found.width} x {found.height} = {found.width * found.height / 1e6:.1f} megapixels, "
                   f"over the limit of {config.image_max_pixels / 1e6:g} ([images] max_megapixels in dateline.toml)")
        return None, message, entry, tried
    return _photo(config, ref, path, found, lead), None, entry, tried


def _photo(config: Config, ref: ImageRef, path: Path, found: Probe, lead: bool) -> Photo:
    focus = (ref.focus or (0.5, 0.5)) if lead else None
    folder = hashlib.blake2b(repr((found.digest, SETTINGS, focus)).encode(), digest_size=6).hexdigest()
    name = slugify(path.stem).encode("ascii", "ignore").decode().strip("-") or "photo"
    name = re.sub(r"-+", "-", name)
    fallback = "png" if found.alpha else "jpeg"
    base = f"media/{folder}/{name}"
    renditions = []
    for width in rendition_widths(found.width):
        height = max(1, round(found.height * width / found.width))
        for fmt in ("webp", fallback):
            relative = f"{base}-{width}.{EXTENSION[fmt]}"
            renditions.append(Rendition(relative, config.base_path + relative, width, height, fmt))
    crops = tuple(_crop(config, base, found, ratio, focus) for ratio in CROPS) if lead else ()
    largest = renditions[-1]
    return Photo(ref.src, ref.line, path, ref.alt, largest.width, largest.height, folder, fallback,
                 tuple(renditions), crops, ref.caption, ref.credit)


def rendition_widths(width: int) -> list[int]:
    """The widths made of a photo this wide: never wider than the original."""
    return sorted({w for w in WIDTHS if w < width} | {min(width, WIDTHS[-1])})


def _crop(config: Config, base: str, found: Probe, ratio: tuple[int, int], focus: tuple[float, float]) -> Rendition:
    """The largest crop of this aspect ratio that the original holds, centred on the focus, at most CROP_WIDTH wide."""
    w, h = found.width, found.height
    rw, rh = ratio
    if w * rh > h * rw:  # wider than the ratio: full height
        cw, ch = max(1, h * rw // rh), h
    else:
        cw, ch = w, max(1, w * rh // rw)
    left = min(max(0, round(focus[0] * w - cw / 2)), w - cw)
    top = min(max(0, round(focus[1] * h - ch / 2)), h - ch)
    out_w = min(cw, CROP_WIDTH)
    out_h = max(1, round(out_w * rh / rw)) if out_w < cw else ch
    relative = f"{base}-{rw}x{rh}-{out_w}.jpg"
    return Rendition(relative, config.base_path + relative, out_w, out_h, "jpeg", (left, top, left + cw, top + ch), f"{rw}:{rh}")


# ---- making renditions -----------------------------------------------------------------


def missing_renditions(config: Config, all_images: list[ArticleImages]) -> list[tuple[Path, Path, tuple[Rendition, ...]]]:
    """(source file, cache folder, renditions to make) for each photo folder the cache lacks in part."""
    root = config.cache_dir / CACHE_FOLDER
    jobs: dict[str, tuple[Path, Path, tuple[Rendition, ...]]] = {}
    for images in all_images:
        for photo in images.photos():
            if photo.folder in jobs:
                continue
            wanted = (*photo.renditions, *photo.crops)
            if not all((root / r.path).is_file() for r in wanted):
                jobs[photo.folder] = (photo.file, root / "media" / photo.folder, wanted)
    return list(jobs.values())


def make_renditions(config: Config, all_images: list[ArticleImages], jobs: int = 1,
                    progress: Callable[[str, int, int], None] | None = None) -> int:
    """Encode every rendition the cache lacks (in a process pool when there are several); return how many photos.

    progress(stage, done, total) is told after each photo."""
    work = missing_renditions(config, all_images)
    problems = []
    if jobs > 1 and len(work) > 1:
        # fork: the workers need nothing but the arguments; Pillow is already imported. imap keeps the order of work.
        with multiprocessing.get_context("fork").Pool(min(jobs, len(work))) as pool:
            for problem in pool.imap(_make_photo, work):
                problems.append(problem)
                if progress:
                    progress("photos", len(problems), len(work))
    else:
        for item in work:
            problems.append(_make_photo(item))
            if progress:
                progress("photos", len(problems), len(work))
    sources = [source for source, _, _ in work]
    errors = [ContentError(_shown(config, source), 1, problem)
              for source, problem in zip(sources, problems, strict=True) if problem]
    if errors:
        raise BuildFailed(errors)
    return len(work)


def _shown(config: Config, path: Path) -> str:
    return path.relative_to(config.site_dir).as_posix() if path.is_relative_to(config.site_dir) else str(path)


def cached_file(config: Config, rendition: Rendition) -> Path:
    return config.cache_dir / CACHE_FOLDER / rendition.path


def _make_photo(item: tuple[Path, Path, tuple[Rendition, ...]]) -> str:
    """Encode one photo's renditions; a problem (the file changed since it was checked) comes back as a message."""
    try:
        _encode(*item)
    except (OSError, ValueError, SyntaxError) as exc:
        return f"cannot make renditions of this photo: {_reason(exc)}"
    return ""


def _encode(source: Path, folder: Path, renditions: tuple[Rendition, ...]) -> None:
    with _our_pixel_limit(), Image.open(source) as opened:  # checked against our limit when planned
        # A CMYK profile would mislabel the RGB renditions: those are left without one.
        icc = opened.info.get("icc_profile") if opened.mode in ("RGB", "RGBA", "L", "LA", "P", "PA") else None
        # Orientation is applied to the pixels; no EXIF is written, so GPS and camera data go.
        image = ImageOps.exif_transpose(opened)
        image = image.convert("RGBA" if any(r.format == "png" for r in renditions) else "RGB")
    folder.mkdir(parents=True, exist_ok=True)
    scaled = image
    for rendition in sorted((r for r in renditions if r.box is None), key=lambda r: -r.width):
        scaled = scaled.resize((rendition.width, rendition.height), Image.Resampling.LANCZOS)
        _save(scaled, folder / Path(rendition.path).name, rendition.format, icc)
    for rendition in (r for r in renditions if r.box is not None):
        crop = image.crop(rendition.box).resize((rendition.width, rendition.height), Image.Resampling.LANCZOS)
        _save(crop.convert("RGB"), folder / Path(rendition.path).name, rendition.format, icc)


def _save(image: Image.Image, path: Path, fmt: str, icc: bytes | None) -> None:
    options: dict = {"icc_profile": icc} if icc else {}
    if fmt == "jpeg":
        options.update(quality=JPEG_QUALITY, optimize=True, progressive=True)
        image = image.convert("RGB")
    elif fmt == "webp":
        options.update(quality=WEBP_QUALITY, method=4)
    else:
        options.update(optimize=True)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt.upper(), **options)
    write_file(path, buffer.getvalue())


def output_files(config: Config, all_images: list[ArticleImages]) -> list[tuple[str, Path]]:
    """(output path, cached file) of every rendition, for the build to copy with the static files."""
    files = {}
    for images in all_images:
        for photo in images.photos():
            for rendition in (*photo.renditions, *photo.crops):
                files[rendition.path] = cached_file(config, rendition)
    return sorted(files.items())
