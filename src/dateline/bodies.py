"""Stage 3: article bodies from Markdown to HTML, with the extensions a news desk needs."""

from __future__ import annotations

import re
from functools import lru_cache

import markdown as python_markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup, escape

from dateline.images import NO_IMAGES, ArticleImages, Photo
from dateline.triggers import TriggersExtension
from dateline.typography import SmartTypographyExtension

# What the browser is told of the photo's displayed width (theme/static/assets/dateline.css: the
# article column is at most 38rem (--measure); below that the page has 1rem margins).
PHOTO_SIZES = "(min-width: 40rem) 38rem, calc(100vw - 2rem)"
LEAD_SIZES = "(min-width: 40rem) 38rem, 100vw"  # on a phone the lead photo runs to the screen's edges
CREDIT_SEPARATOR = " | "  # ![alt](photo.jpg "Caption | AP Photo/Jane Roe")


def figure_html(photo: Photo, caption: str = "", credit: str = "", *, lead: bool = False) -> Markup:
    """A photo as a newspaper prints it: the picture (WebP, with a fallback), then caption and credit."""
    loading = 'fetchpriority="high"' if lead else 'loading="lazy"'
    sizes = LEAD_SIZES if lead else PHOTO_SIZES
    img = (f'<img src="{escape(photo.default().url)}" srcset="{escape(photo.srcset(photo.fallback))}" '
           f'sizes="{sizes}" width="{photo.width}" height="{photo.height}" alt="{escape(photo.alt)}" '
           f'{loading} decoding="async">')
    parts = [f'<figure class="photo{" photo-lead" if lead else ""}">',
             f'<picture><source type="image/webp" srcset="{escape(photo.srcset("webp"))}" sizes="{sizes}">{img}</picture>']
    if caption or credit:
        text = f'<span class="photo-caption">{escape(caption)}</span>' if caption else ""
        if credit:
            text += f'{" " if caption else ""}<span class="photo-credit">{escape(credit)}</span>'
        parts.append(f"<figcaption>{text}</figcaption>")
    parts.append("</figure>")
    return Markup("".join(parts))


def caption_and_credit(title: str) -> tuple[str, str]:
    """A body image's title is its caption; a credit follows " | ": "Cranes at Busan. | 사진=연합뉴스"."""
    title = " ".join(title.split())
    if CREDIT_SEPARATOR not in title:
        return title, ""
    caption, credit = title.rsplit(CREDIT_SEPARATOR, 1)
    return caption.strip(), credit.strip()


class _PhotoFigures(Treeprocessor):
    """Images planned by images.py become figures (alone in a paragraph) or responsive inline images."""

    images: ArticleImages = NO_IMAGES  # set for each conversion by render_markdown

    def run(self, root):
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag == "img" and (photo := self.images.photo(child.get("src", ""))) is not None:
                    self._publish(parent, child, photo)

    def _publish(self, parent, img, photo: Photo) -> None:
        caption, credit = caption_and_credit(img.get("title", ""))
        alone = parent.tag == "p" and len(parent) == 1 and not (parent.text or "").strip() and not (img.tail or "").strip()
        if alone:
            figure = figure_html(photo, caption, credit)
            parent.clear()
            parent.text = self.md.htmlStash.store(figure)
            return
        img.attrib.pop("title", None)
        img.set("src", photo.default().url)
        img.set("srcset", photo.srcset(photo.fallback))
        img.set("sizes", PHOTO_SIZES)
        img.set("width", str(photo.width))
        img.set("height", str(photo.height))
        img.set("loading", "lazy")
        img.set("decoding", "async")


class PhotoExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        md.treeprocessors.register(_PhotoFigures(md), "dateline_photos", 7)  # after attr_list (8): its classes are set

# abbr is left out: it costs a fifth of the conversion time and wire copy has no use for it.
EXTENSIONS = [
    "tables",
    "footnotes",
    "attr_list",
    "def_list",
    "fenced_code",
    "sane_lists",
    "toc",
    SmartTypographyExtension(),
    PhotoExtension(),
]
EXTENSION_CONFIGS = {
    # Hangul headings keep their letters in the id instead of collapsing to "_1".
    "toc": {"slugify": slugify_unicode, "permalink": False},
}

FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
FOOTNOTE_REF = re.compile(r'<sup id="fnref[^"]*">.*?</sup>', re.S)


@lru_cache(maxsize=1)
def _converter() -> python_markdown.Markdown:
    # Building the converter costs more than converting an article: keep one per process. The
    # triggers are a speed-up only: they change no byte of the HTML (triggers.py).
    return python_markdown.Markdown(extensions=[*EXTENSIONS, TriggersExtension()], extension_configs=EXTENSION_CONFIGS)


def render_markdown(text: str, images: ArticleImages = NO_IMAGES) -> str:
    """Body HTML; `images` (images.plan_article_images) turns the article's photos into figures."""
    converter = _converter()
    photos = converter.treeprocessors["dateline_photos"]
    photos.images = images
    try:
        return keep_quotes_with_particles(converter.convert(text))
    finally:
        photos.images = NO_IMAGES
        converter.reset()


# A closing quotation mark and the Hangul particle after it ("함정”이라고"), with the word the
# quote closes: Chromium breaks lines between ” and 이 even under word-break: keep-all.
# A match always starts where a run of [^\s<>] starts (the lookbehind): from inside the run it would
# find the same quote, and the search would scan the rest of the run again at every letter.
QUOTE_PARTICLE = re.compile(r"(?<![^\s<>])[^\s<>]*[\u201d\u2019\u300d\u300f)][\uac00-\ud7a3]+")
# The quote and the particle alone: a text without them holds no QUOTE_PARTICLE, at a tenth of the cost.
QUOTE_BEFORE_PARTICLE = re.compile(r"[\u201d\u2019\u300d\u300f)][\uac00-\ud7a3]")
TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
VERBATIM_TAGS = re.compile(r"<(/?)(code|pre|script|style)\b", re.I)


def keep_quotes_with_particles(html: str) -> str:
    if not QUOTE_BEFORE_PARTICLE.search(html):
        return html
    out, verbatim = [], 0
    for piece in TAG_OR_TEXT.split(html):
        if piece.startswith("<"):
            tag = VERBATIM_TAGS.match(piece)
            if tag:
                verbatim += -1 if tag.group(1) else 1
            out.append(piece)
        elif verbatim <= 0 and QUOTE_BEFORE_PARTICLE.search(piece):
            out.append(QUOTE_PARTICLE.sub(lambda m: f'<span class="nobreak">{m.group()}</span>', piece))
        else:
            out.append(piece)
    return "".join(out)


# A default summary's budget in characters: a search snippet's length in English; Hangul carries
# about twice the meaning per character, so Korean gets a comparable budget in fewer of them.
SUMMARY_BUDGET = 160
HANGUL_BUDGET = 100
# A sentence ends at . ! ? … (or the CJK full stop), after any closing quotes or brackets, before a space.
# Not after a capital ("U.S.", "Kim J.") and not within the first words: abbreviations, not ends.
SENTENCE_END = re.compile(r"(?<![A-Z])[.!?\u2026\u3002][\u201d\u2019\"')\]]*(?=\s|$)")
SHORTEST_SENTENCE = 24
HANGUL = re.compile(r"[\uac00-\ud7a3]")
TRAILING_PUNCTUATION = " ,;:\u2014\u2013-\u00b7(\u201c\u2018\"'"


def first_paragraph_text(html: str) -> str:
    """The default summary: one or two sentences of the first paragraph, within the budget."""
    return summarize(_first_paragraph_plain(html))


def _first_paragraph_plain(html: str) -> str:
    match = FIRST_PARAGRAPH.search(html)
    if not match:
        return ""
    text = FOOTNOTE_REF.sub("", match.group(1))  # "servers.1" is not how a summary reads
    return " ".join(Markup(text).striptags().split())


def summarize(text: str) -> str:
    """Whole sentences that fit the budget (at most two); if even the first does not, the words
    that fit and an ellipsis, never after punctuation ("opinions.…" reads as a typo)."""
    budget = HANGUL_BUDGET if len(HANGUL.findall(text)) * 3 > len(text) else SUMMARY_BUDGET
    if len(text) <= budget:
        return text
    ends = [m.end() for m in SENTENCE_END.finditer(text) if m.end() >= SHORTEST_SENTENCE]
    fitting = [end for end in ends[:2] if end <= budget]
    if fitting:
        return text[:fitting[-1]]
    cut = text[:budget]
    space = cut.rfind(" ")
    if space > budget // 2:
        cut = cut[:space]
    return cut.rstrip(TRAILING_PUNCTUATION + ".!?\u2026") + "\u2026"
