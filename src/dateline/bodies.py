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
# quote closes: Chromium breaks lines between ” and 이 even under word-break: keep-all (Unicode
# 15.1 allows a break after a closing quote between East Asian letters). The quote may close inside
# an inline element (`<em>“함정”</em>이라고`): the run is the whole word, tags and all, and whatever
# elements it opens or closes are taken in whole, since the nowrap span must hold both characters
# (and Chromium breaks after an element that wraps, whatever holds it: the element goes unbroken).
# An element of several words is kept whole only while it fits a phone's line; a longer one is split
# before its last word, which alone stays with the particle: `<em>“… </em><span…><em>함정”</em>이라고</span>`.
CLOSING_QUOTES = "\u201d\u2019\u300d\u300f)"
CLOSING_QUOTE = f"[{CLOSING_QUOTES}]"
INLINE = r"(?:em|strong|a|span|b|i)"
LONGEST_UNBROKEN = 16  # characters a 390 px phone's column holds on one line at the body's size, with room
# One element of plain text and the particle after it: what can be split before its last word (a link
# cannot: it would become two; nor an element with an id, which would be doubled).
SPLITTABLE = re.compile(r"(<(em|strong|b|i|span)\b(?![^>]*\bid=)[^>]*>)([^<]*\s)([^<\s]+</\2>[^<]*)", re.I)
INLINE_TAG = re.compile(rf"<(/?)({INLINE})\b[^>]*>", re.I)
QUOTE_PARTICLE = re.compile(rf"{CLOSING_QUOTE}(?:</{INLINE}>)*[\uac00-\ud7a3]", re.I)  # the fast path's test
# The body, piece by piece: stretches without a closing quote or an inline or verbatim tag, up to a
# space (most of a body, passed over at once); verbatim elements and comments whole; a run that ends
# in a quote and its particle (of at most 40 characters and tags, so that a long word of many tags
# costs linear time); any other tag, word or space. Tags are taken whole, so a run never starts inside one.
QUOTE_PARTICLE_SCAN = re.compile(
    rf"(?:[^<\u201d\u2019\u300d\u300f)]|<(?!/?{INLINE}\b|(?:code|pre|script|style)\b|!--)[^>]*>)+(?=\s)"
    rf"|(?P<verbatim><(code|pre|script|style)\b[^>]*>.*?</\2\s*>|<!--.*?-->)"
    rf"|(?P<run>(?:[^\s<>]|</?{INLINE}\b[^>]*>){{0,40}}?{CLOSING_QUOTE}(?:</{INLINE}>)*[\uac00-\ud7a3]+)"
    r"|<[^>]*>|[^\s<]+|\s+",
    re.S | re.I)


def keep_quotes_with_particles(html: str) -> str:
    # Most bodies hold no closing quote before Hangul: a test at each closing quote passes them over.
    return _nobreak_quotes(html) if _has_quote_particle(html) else html


def _has_quote_particle(html: str) -> bool:
    """QUOTE_PARTICLE.search(html) is not None, found several times faster: str.find goes from one
    closing quote to the next, where a regular expression's search tries every character."""
    for quote in CLOSING_QUOTES:
        at = html.find(quote)
        while at >= 0:
            if QUOTE_PARTICLE.match(html, at):
                return True
            at = html.find(quote, at + 1)
    return False


def _nobreak_quotes(html: str) -> str:
    out, done = [], 0
    for match in QUOTE_PARTICLE_SCAN.finditer(html):
        if match.group("run") is None:
            continue
        span = _whole_elements(html, match.start(), match.end(), done)
        if span is None:
            continue
        start, end = span
        kept = html[start:end]
        words = Markup(kept).striptags() if len(kept) > LONGEST_UNBROKEN else kept
        if " " in words and len(words) > LONGEST_UNBROKEN:
            split = SPLITTABLE.fullmatch(kept)
            if split is None:
                continue
            opening, name, head, tail = split.groups()
            out += [html[done:start], opening, head, f"</{name}>"]
            start = done = end  # the element's head is out; its last word and the particle follow
            kept = opening + tail
        out += [html[done:start], '<span class="nobreak">', kept, "</span>"]
        done = end
    out.append(html[done:])
    return "".join(out)


def _whole_elements(html: str, start: int, end: int, floor: int) -> tuple[int, int] | None:
    """HTML[START:END] widened (or narrowed) to whole inline elements: the elements it opens are
    closed after it, or it starts after the last one left open; the elements it closes are taken
    from where they open (not before FLOOR). None when that cannot be done."""
    opened, closed = [], []
    for tag in INLINE_TAG.finditer(html, start, end):
        name = tag.group(2).lower()
        if not tag.group(1):
            opened.append((name, tag.end()))
        elif opened and opened[-1][0] == name:
            opened.pop()
        else:
            closed.append(name)
    while opened and html.startswith(f"</{opened[-1][0]}>", end):
        end += len(opened.pop()[0]) + 3
    if opened:  # the particle is inside an element that goes on: keep to what follows its last opening
        return _whole_elements(html, opened[-1][1], end, floor) if not closed else None
    for name in closed:  # innermost first: each opening lies before the previous one
        start = max(html.rfind(f"<{name}>", floor, start), html.rfind(f"<{name} ", floor, start))
        if start < 0:
            return None
    return start, end


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
