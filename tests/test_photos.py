"""Photos: lead and body images become figures with renditions made once; bad photos are errors at their line."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from conftest import REPO, build, cli, json_ld, parse_html, tree_digest, write_article
from PIL import Image, ImageCms

from dateline import images
from dateline.errors import BuildFailed

POSTED = "2024-05-03T09:00:00+09:00"
ARTICLE = "en/2024/05/talks.md"
OUT_PAGE = "en/2024/05/03/talks/index.html"


def jpeg(size=(1800, 1200), color=(40, 90, 160), **save) -> bytes:
    image = Image.new("RGB", size, color)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, **save)
    return buffer.getvalue()


def halves(size=(1600, 900)) -> bytes:
    """Left half red, right half blue: crops show where they were taken."""
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def article(image=None, body="The first paragraph.\n", **meta) -> tuple[dict, str]:
    front = {"title": "Talks resume", "posted": POSTED}
    if image is not None:
        front["image"] = image
    front.update(meta)
    return front, body


LEAD = {"src": "lead.jpg", "alt": "Delegates at the table", "caption": "Talks in Cairo.", "credit": "AP Photo/Jane Roe"}


def site_with(make_site, spec, photos: dict[str, bytes], **options) -> Path:
    site = make_site({ARTICLE: spec}, **options)
    for relative, data in photos.items():
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return site


def article_ld(page) -> dict:
    return next(item for item in json_ld(page) if item["@type"] == "NewsArticle")


def srcset_widths(srcset: str) -> list[tuple[str, int]]:
    return [(url, int(width.rstrip("w"))) for url, width in (item.split() for item in srcset.split(", "))]


def output_file(out: Path, url: str, base: str = "/") -> Path:
    return out / url.removeprefix(base)


# ---- renditions ---------------------------------------------------------------------------


def test_lead_and_body_photos_become_figures_with_renditions_never_upscaled(make_site):
    body = ('First paragraph.\n\n![A harbour crane](crane.png "Cranes at Busan. | 사진=연합뉴스")\n\n'
            'Small ![an icon](icon.jpg) inline.\n')
    transparent = io.BytesIO()
    Image.new("RGBA", (1000, 500), (0, 128, 0, 128)).save(transparent, "PNG")
    site = site_with(make_site, article(LEAD, body), {
        "content/en/2024/05/lead.jpg": jpeg((1800, 1200)),
        "content/en/2024/05/crane.png": transparent.getvalue(),
        "static/icon.jpg": jpeg((300, 200)),
    })
    out = build(site)
    page = parse_html(out / OUT_PAGE)
    lead = page.select_one("figure.photo-lead")
    img = lead.select_one("picture img")
    assert img["alt"] == "Delegates at the table"
    assert (img["width"], img["height"]) == ("1800", "1200")
    assert not img.has_attr("loading"), "the lead photo is above the fold: not lazy"
    assert lead.select_one(".photo-caption").get_text() == "Talks in Cairo."
    assert lead.select_one(".photo-credit").get_text() == "AP Photo/Jane Roe"
    webp = srcset_widths(lead.select_one("source[type='image/webp']")["srcset"])
    jpgs = srcset_widths(img["srcset"])
    assert [w for _, w in webp] == [w for _, w in jpgs] == [480, 800, 1200, 1600, 1800]
    for url, width in webp + jpgs:
        with Image.open(output_file(out, url)) as made:
            assert made.width == width and made.height == round(1200 * width / 1800)
            assert made.format == ("WEBP" if url.endswith(".webp") else "JPEG")

    crane = page.select(".story-body figure.photo")
    assert len(crane) == 1
    crane_img = crane[0].select_one("img")
    assert crane_img["loading"] == "lazy" and crane_img["decoding"] == "async"
    assert crane[0].select_one(".photo-caption").get_text() == "Cranes at Busan."
    assert crane[0].select_one(".photo-credit").get_text() == "사진=연합뉴스"
    pngs = srcset_widths(crane_img["srcset"])
    assert [w for _, w in pngs] == [480, 800, 1000] and all(u.endswith(".png") for u, _ in pngs)
    with Image.open(output_file(out, pngs[-1][0])) as made:
        assert made.mode == "RGBA", "transparency survives in the fallback"

    icon = page.select_one(".story-body p img")
    assert srcset_widths(icon["srcset"]) == [(icon["src"], 300)], "a 300 px image gets no wider rendition"
    assert (out / "icon.jpg").read_bytes() == (site / "static" / "icon.jpg").read_bytes(), "static/ is copied as it is"


def test_exif_orientation_applied_location_stripped_colour_profile_kept(make_site):
    stored = Image.new("RGB", (600, 400), (20, 20, 220))
    stored.paste((230, 20, 20), (0, 0, 100, 100))  # red in the stored top-left corner
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    exif[0x010F] = "Camera maker"
    exif.get_ifd(0x8825).update({1: "N", 2: (37.0, 33.0, 0.0), 3: "E", 4: (126.0, 58.0, 0.0)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", quality=95, exif=exif.tobytes(), icc_profile=icc)
    site = site_with(make_site, article(LEAD), {"content/en/2024/05/lead.jpg": buffer.getvalue()})
    out = build(site)
    img = parse_html(out / OUT_PAGE).select_one("figure.photo-lead img")
    assert (img["width"], img["height"]) == ("400", "600"), "the displayed (portrait) size"
    made = sorted((out / "media").rglob("*.*"))
    assert made
    for path in made:
        with Image.open(path) as rendition:
            rendition_exif = rendition.getexif()
            assert 0x8825 not in rendition_exif and not rendition_exif.get_ifd(0x8825), f"{path.name} keeps GPS"
            assert rendition_exif.get(0x0112, 1) == 1 and 0x010F not in rendition_exif
            assert rendition.info.get("icc_profile") == icc, f"{path.name} lost its colour profile"
            if "x" not in path.stem.rsplit("-", 2)[-2]:  # not a crop: the whole frame, turned upright
                assert rendition.height > rendition.width
                rgb = rendition.convert("RGB")
                red, _, blue = rgb.getpixel((rgb.width - 5, 5))
                assert red > 150 and blue < 100, "the stored top-left corner is displayed top-right"


def test_a_second_build_encodes_nothing_and_writes_no_image(make_site, monkeypatch):
    site = site_with(make_site, article(LEAD, "Text.\n\n![A crane](crane.jpg \"Cranes.\")\n"),
                     {"content/en/2024/05/lead.jpg": jpeg(), "content/en/2024/05/crane.jpg": jpeg((900, 600))})
    out = build(site, "--jobs", "1")
    media = sorted(p for p in (out / "media").rglob("*") if p.is_file())
    cached = sorted(p for p in (site / ".dateline-cache" / "images").rglob("*") if p.is_file())
    before = {p: p.stat().st_mtime_ns for p in media + cached if p.suffix != ".pickle"}
    assert len(media) == 10 + 3 + 6  # lead: 5 widths x 2 formats + 3 crops; body: 3 widths x 2

    def no_encoding(*args, **kwargs):
        raise AssertionError("Pillow encoded an image on a rebuild")

    monkeypatch.setattr(Image.Image, "save", no_encoding)
    build(site, "--jobs", "1")
    (site / "content" / ARTICLE).write_text((site / "content" / ARTICLE).read_text().replace("Text.", "Edited text."))
    build(site, "--jobs", "1")
    assert "Edited text." in (out / OUT_PAGE).read_text()
    assert {p: p.stat().st_mtime_ns for p in before} == before


def test_a_removed_photo_leaves_the_output(make_site):
    site = site_with(make_site, article(LEAD), {"content/en/2024/05/lead.jpg": jpeg()})
    out = build(site)
    assert list((out / "media").rglob("*.webp"))
    front, body = article()
    write_article(site, ARTICLE, (front, body))
    build(site)
    assert not (out / "media").exists()
    assert parse_html(out / OUT_PAGE).select_one("figure") is None


def test_photo_urls_carry_the_base_path(make_site):
    site = site_with(make_site, article(LEAD), {"content/en/2024/05/lead.jpg": jpeg()},
                     base_url="https://example.com/news/")
    out = build(site)
    page = parse_html(out / OUT_PAGE)
    for url, _ in srcset_widths(page.select_one("figure img")["srcset"]):
        assert url.startswith("/news/media/") and output_file(out, url, "/news/").is_file()
    assert page.select_one('meta[property="og:image"]')["content"].startswith("https://example.com/news/media/")


def test_photos_from_static_and_a_credit_after_a_bar(make_site):
    body = 'Text.\n\n![Seoul skyline](/photos/seoul.jpg "Seoul at night, 2024 | Reuters/Kim Hong-ji")\n'
    site = site_with(make_site, article(body=body), {"static/photos/seoul.jpg": jpeg((800, 500))})
    figure = parse_html(build(site) / OUT_PAGE).select_one(".story-body figure")
    assert figure.select_one(".photo-caption").get_text() == "Seoul at night, 2024"
    assert figure.select_one(".photo-credit").get_text() == "Reuters/Kim Hong-ji"
    assert not figure.select_one("img").has_attr("title")


# ---- metadata -------------------------------------------------------------------------------


def test_og_image_and_json_ld_crops_as_google_asks(make_site):
    site = site_with(make_site, article(LEAD), {"content/en/2024/05/lead.jpg": jpeg((3000, 2000))})
    out = build(site)
    page = parse_html(out / OUT_PAGE)
    og = {m["property"]: m["content"] for m in page.select("meta[property^='og:image']")}
    assert og["og:image"].startswith("https://example.com/media/")
    assert int(og["og:image:width"]) >= 1200 and og["og:image:alt"] == LEAD["alt"]
    with Image.open(output_file(out, og["og:image"], "https://example.com/")) as made:
        assert made.size == (int(og["og:image:width"]), int(og["og:image:height"]))
    data = article_ld(page)
    image = data["image"]
    assert isinstance(image, list) and len(image) == 3
    ratios = []
    for item in image:
        assert item["@type"] == "ImageObject" and item["url"].startswith("https://example.com/")
        assert item["width"] * item["height"] >= 50_000
        assert item["creditText"] == LEAD["credit"] and item["caption"] == LEAD["caption"]
        with Image.open(output_file(out, item["url"], "https://example.com/")) as made:
            assert made.size == (item["width"], item["height"])
        ratios.append(item["width"] / item["height"])
    assert ratios == pytest.approx([16 / 9, 4 / 3, 1.0], abs=0.01)


@pytest.mark.parametrize(("focus", "colour"), [([0.0, 0.5], "red"), ([1.0, 0.5], "blue"), (None, "both")])
def test_crops_centre_on_the_focus(make_site, focus, colour):
    lead = dict(LEAD, **({"focus": focus} if focus else {}))
    site = site_with(make_site, article(lead), {"content/en/2024/05/lead.jpg": halves((2000, 600))})
    out = build(site)
    square = next(i for i in article_ld(parse_html(out / OUT_PAGE))["image"] if i["width"] == i["height"])
    with Image.open(output_file(out, square["url"], "https://example.com/")) as made:
        left, right = made.convert("RGB").getpixel((5, 300)), made.convert("RGB").getpixel((made.width - 5, 300))
    is_red = [p[0] > 150 and p[2] < 100 for p in (left, right)]
    assert is_red == {"red": [True, True], "blue": [False, False], "both": [True, False]}[colour]


def test_a_small_original_gives_the_crops_it_can(make_site):
    site = site_with(make_site, article(LEAD), {"content/en/2024/05/lead.jpg": jpeg((400, 300))})
    page = parse_html(build(site) / OUT_PAGE)
    sizes = [(i["width"], i["height"]) for i in article_ld(page)["image"]]
    assert sizes == [(400, 225), (400, 300), (300, 300)]
    assert page.select_one('meta[property="og:image:width"]')["content"] == "400"


# ---- bad photos -------------------------------------------------------------------------------


def bomb_png(width=100_000, height=100_000) -> bytes:
    """A PNG whose header claims ten billion pixels: decoding it would exhaust memory."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    idat_data = zlib.compress(b"\0" * 64)
    idat = struct.pack(">I", len(idat_data)) + b"IDAT" + idat_data + struct.pack(">I", zlib.crc32(b"IDAT" + idat_data))
    return b"\x89PNG\r\n\x1a\n" + ihdr + idat + b"\0\0\0\0IEND\xaeB`\x82"


NOT_FOUND = "image file not found: 'gone.jpg' (looked in content/en/2024/05/ or static/)"
OVER_LIMIT = "'lead.png' is 100000 x 100000 = 10000.0 megapixels, over the limit of 50 ([images] max_megapixels in dateline.toml)"
BAD_LEADS = {
    "missing": ({"src": "gone.jpg", "alt": "x"}, {}, NOT_FOUND),
    "not an image": ({"src": "lead.jpg", "alt": "x"}, {"lead.jpg": b"<html>not a photo</html>"},
                     "'lead.jpg' is not an image that can be read (cannot identify image file)"),
    "truncated": ({"src": "lead.jpg", "alt": "x"}, {"lead.jpg": jpeg((1200, 800), color=(10, 200, 30))[:3000]},
                  "'lead.jpg' is truncated or damaged"),
    "no alt": ({"src": "lead.jpg", "caption": "c"}, {"lead.jpg": jpeg()}, "'image' needs 'alt'"),
    "bomb": ({"src": "lead.png", "alt": "x"}, {"lead.png": bomb_png()}, OVER_LIMIT),
    "not a photo file": ({"src": "notes.txt", "alt": "x"}, {"notes.txt": b"text"}, "'notes.txt' is not an image file"),
    "bad focus": ({"src": "lead.jpg", "alt": "x", "focus": [2, 0]}, {"lead.jpg": jpeg()}, "'image.focus' must be [x, y]"),
}


@pytest.mark.parametrize("case", sorted(BAD_LEADS))
def test_a_bad_lead_photo_is_an_error_at_its_line_and_nothing_is_written(make_site, case):
    lead, photos, message = BAD_LEADS[case]
    site = site_with(make_site, article(LEAD), {"content/en/2024/05/lead.jpg": jpeg()})
    out = build(site)
    before = tree_digest(out)
    path = write_article(site, ARTICLE, article(lead, "Text.\n", section="World"))
    for name, data in photos.items():
        (path.parent / name).write_bytes(data)
    result = cli("build", "--site", site, "--quiet")
    assert result.exit_code == 1, str(result)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("image:"))
    assert result.error_lines[0].startswith(f"content/{ARTICLE}:{line}: {message}"), str(result)
    assert tree_digest(out) == before


def test_bad_body_images_are_errors_at_their_lines(make_site):
    body = ("Para one.\n\n![A crane](crane.jpg)\n\nPara.\n\n![](crane.jpg \"no alt\")\n\n"
            "```\n![in code](ignored.jpg)\n```\n\n![Missing](nowhere.jpg)\n\n![Remote](https://example.org/x.jpg)\n")
    site = site_with(make_site, article(body=body), {"content/en/2024/05/crane.jpg": jpeg((600, 400))})
    result = cli("build", "--site", site, "--quiet")
    assert result.exit_code == 1
    text = (site / "content" / ARTICLE).read_text().splitlines()
    no_alt = text.index('![](crane.jpg "no alt")') + 1
    missing = text.index("![Missing](nowhere.jpg)") + 1
    assert result.error_lines[:2] == [
        f"content/{ARTICLE}:{no_alt}: the image 'crane.jpg' has no alt text: write ![what the photo shows](crane.jpg)",
        f"content/{ARTICLE}:{missing}: image file not found: 'nowhere.jpg' (looked in content/en/2024/05/ or static/)",
    ], str(result)
    assert not (site / "site").exists()


def test_the_pixel_limit_is_configurable(make_site):
    site = site_with(make_site, article(LEAD), {"content/en/2024/05/lead.jpg": jpeg((400, 300))},
                     config=None, extra_config="")
    toml = site / "dateline.toml"
    toml.write_text(toml.read_text() + "\n[images]\nmax_megapixels = 0.1\n")
    result = cli("build", "--site", site, "--quiet")
    assert result.exit_code == 1
    assert "is 400 x 300 = 0.1 megapixels, over the limit of 0.1" in result.stderr
    toml.write_text(toml.read_text().replace("max_megapixels = 0.1", "max_pixels = 3"))
    result = cli("build", "--site", site, "--quiet")
    assert result.exit_code == 1 and "unknown key 'max_pixels' in [images]; did you mean 'max_megapixels'?" in result.stderr


def test_photos_outside_content_and_static_are_not_read(make_site, tmp_path):
    (tmp_path / "secret.jpg").write_bytes(jpeg((200, 100)))
    site = site_with(make_site, article({"src": "../../../../../secret.jpg", "alt": "x"}), {})
    result = cli("build", "--site", site, "--quiet")
    assert result.exit_code == 1 and "image file not found" in result.stderr


def test_rendition_widths_never_exceed_the_original():
    assert images.rendition_widths(3000) == [480, 800, 1200, 1600, 2400]
    assert images.rendition_widths(1000) == [480, 800, 1000]
    assert images.rendition_widths(480) == [480]
    assert images.rendition_widths(120) == [120]


def test_the_sample_site_has_photos_with_credits_in_both_editions():
    for lang in ("en", "ko"):
        with_photo = [p for p in (REPO / "content" / lang).rglob("*.md") if "\nimage:" in p.read_text(encoding="utf-8")]
        assert len(with_photo) >= 3, lang
        for path in with_photo:
            text = path.read_text(encoding="utf-8")
            assert "  credit: " in text and "  alt: " in text, path


def test_check_reports_a_missing_photo(make_site):
    site = site_with(make_site, article(LEAD), {"content/en/2024/05/lead.jpg": jpeg((600, 400))})
    build(site)
    (site / "content/en/2024/05/lead.jpg").unlink()
    result = cli("check", "--site", site)
    assert result.exit_code == 1
    assert f"content/{ARTICLE}:4: image file not found: 'lead.jpg'" in result.stderr, str(result)


def test_the_dev_server_engine_follows_a_repainted_photo(make_site, tmp_path):
    from dateline.build import Change, SiteBuilder
    from dateline.config import load_config

    site = site_with(make_site, article(LEAD), {"content/en/2024/05/lead.jpg": jpeg((600, 400), color=(200, 0, 0))})
    config = load_config(site, out_dir=tmp_path / "served")
    engine = SiteBuilder(config, jobs=1, persist=False)
    engine.build()
    old = sorted(p.relative_to(config.out_dir).as_posix() for p in (config.out_dir / "media").rglob("*.*"))
    photo = site / "content/en/2024/05/lead.jpg"
    photo.write_bytes(jpeg((600, 400), color=(0, 0, 200)))
    changes = engine.build(Change(content=frozenset({photo}))).changes
    assert OUT_PAGE in changes.updated
    assert set(changes.deleted) == set(old)
    new = [p for p in changes.created if p.startswith("media/")]
    assert len(new) == len(old) and not set(new) & set(old)
    src = parse_html(config.out_dir / OUT_PAGE).select_one("figure img")["src"]
    with Image.open(output_file(config.out_dir, src)) as made:
        assert made.convert("RGB").getpixel((10, 10))[2] > 150, "the new, blue photo"
    photo.unlink()
    with pytest.raises(BuildFailed) as failed:
        engine.build(Change(content=frozenset({photo})))
    assert str(failed.value.errors[0]) == f"content/{ARTICLE}:4: {NOT_FOUND.replace('gone.jpg', 'lead.jpg')}"
    assert (config.out_dir / src.lstrip("/")).is_file(), "a failed rebuild changes nothing"


def test_a_remote_lead_photo_is_refused(make_site):
    site = site_with(make_site, article({"src": "https://example.org/p.jpg", "alt": "x"}), {})
    result = cli("build", "--site", site, "--quiet")
    assert result.exit_code == 1
    assert f"content/{ARTICLE}:4: the lead photo must be a file in the site, not 'https://example.org/p.jpg'" in result.stderr


def test_a_photo_that_breaks_after_it_was_checked_is_an_error_not_a_traceback(make_site):
    from dateline.config import load_config
    from dateline.content import load_article

    site = site_with(make_site, article(LEAD), {"content/en/2024/05/lead.jpg": jpeg((600, 400))})
    config = load_config(site)
    planned = images.plan_article_images(config, load_article(config, site / "content" / ARTICLE)[0])
    (site / "content/en/2024/05/lead.jpg").write_bytes(b"garbage")
    with pytest.raises(BuildFailed) as failed:
        images.make_renditions(config, [planned])
    assert str(failed.value.errors[0]).startswith("content/en/2024/05/lead.jpg:1: cannot make renditions of this photo")


def test_the_dev_server_engine_drops_the_renditions_of_a_photo_taken_out(make_site, tmp_path):
    from dateline.build import Change, SiteBuilder
    from dateline.config import load_config

    site = site_with(make_site, article(LEAD), {"content/en/2024/05/lead.jpg": jpeg((600, 400))})
    config = load_config(site, out_dir=tmp_path / "served")
    engine = SiteBuilder(config, jobs=1, persist=False)
    engine.build()
    made = sorted(p.relative_to(config.out_dir).as_posix() for p in (config.out_dir / "media").rglob("*.*"))
    assert made
    path = write_article(site, ARTICLE, article())
    changes = engine.build(Change(content=frozenset({path}))).changes
    assert sorted(changes.deleted) == made
    assert not (config.out_dir / "media").exists()
