"""The reading stage's fast paths give what the slow paths give, on the inputs that must take the slow
path as well as on those they clear: the triggered Markdown stages and the toc skip (triggers.py) against stock
Python-Markdown, the invalid-character class against the one it replaced, the quote-particle
regular expressions against the old one, body_errors' whole-body bounds against the block-by-block
count, and body_image_refs' early return."""

from __future__ import annotations

import re

import markdown as python_markdown
import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown.inlinepatterns import LinkInlineProcessor

from dateline import bodies, characters, content, frontmatter_yaml, triggers
from dateline.config import load_config
from dateline.images import body_image_refs

# Every feature SPEC.md lists for bodies, and the markup each processor is triggered by.
EVERY_FEATURE = r"""
# Heading one {#custom-id .lead}

Setext heading
==============

Second setext
-------------

## 서울 “회담”이라고 {: .kicker }

A paragraph with *em*, **strong**, _em_, __strong__, ***both***, `code`, ``code with ` tick``,
an escaped \* star, \\ backslash, \` tick, \" and \' quotes, a [link](https://example.com "Title"),
a [reference][ref], a [short ref], an ![image](/photo.jpg "Caption | AP"), ![ref image][img],
![short image], <https://example.com/auto>, <desk@example.com>, an entity &amp; &#169; &#x2014;,
raw <span class="x">inline HTML</span> and <!-- a comment -->, a line break<two spaces>
after two spaces, "double" and 'single' quotes, the '90s, dashes -- and --- and dots...
A footnote[^1] and another[^note]. Tilde~ and snake_case_word and 2*3*4 math.

함정”이라고 했다. “검토 중”이라며 말을 아꼈다. 「책」을 『잡지』는 (괄호)안에 ’작은’이다.

> A quote with **markup**
> > nested > quote
>
> and a [link](/x/)

* one
* two
    * nested *em*
    * nested [link](/y/)
+ plus list
- minus list

1. first
2. second
    1. nested ordered
3) paren

Term
:   Definition with `code`
:   Second definition

Another term
: Short definition

| Column | Other | Right |
|:-------|:-----:|------:|
| *a*    | [b](/b/) | `c` |
| 1 | 2 | 3 |

Pipe | without borders
--- | ---
x | y

```python
fenced = "code"  # with "quotes" -- and [brackets]
```

~~~
tilde fence <b>not html</b>
~~~

    indented code block
    with [brackets] and *stars*

---
***
___
- - -

<div class="raw">
A raw HTML block with *no* Markdown.
</div>

[TOC]

Trailing paragraph with a | pipe, a # hash, a : colon, a > sign and 3 > 2 < 5.

[ref]: https://example.com/ref "Ref title"
[short ref]: /short/
[img]: /img.png
[short image]: /short.png
[^1]: The footnote, with *em*.
[^note]: A named footnote.

    Its second paragraph.
""".replace("<two spaces>", "  ")  # a hard line break, which no editor keeps at a line's end


def plain_converter() -> python_markdown.Markdown:
    """Stock Python-Markdown with the product's extensions: the slow path."""
    return python_markdown.Markdown(extensions=bodies.EXTENSIONS, extension_configs=bodies.EXTENSION_CONFIGS)


def both(text: str) -> tuple[str, str]:
    fast, plain = bodies._converter(), plain_converter()
    try:
        return fast.convert(text), plain.convert(text)
    finally:
        fast.reset()


def sample_bodies() -> list[str]:
    config = load_config(REPO)
    found = [content.load_article(config, path)[0] for path in content.content_files(config)]
    return [article.body for article in found if article is not None]


def test_the_converter_runs_the_triggered_stages():
    converter = bodies._converter()
    assert isinstance(converter.treeprocessors["inline"], triggers.TriggeredInlineProcessor)
    assert isinstance(converter.parser.parseBlocks, triggers.TriggeredBlocks)
    assert isinstance(converter.treeprocessors["toc"], triggers.TocWhenNeeded)
    for name in ("link", "reference", "image_link", "short_reference"):
        assert converter.inlinePatterns[name]._findBracketEnds is triggers.bracket_ends, name


def test_every_inline_pattern_has_triggers_so_texts_without_any_skip_them_all():
    patterns = bodies._converter().inlinePatterns
    names = [name for name in triggers.INLINE_TRIGGERS if name in patterns]
    assert len(names) == len(patterns)


@pytest.mark.parametrize("text", [EVERY_FEATURE, EVERY_FEATURE.replace("\n", "\n\n"), "", "plain", "[", "![x](", "<", "&",
                                  "[TOC]\n\nNo heading, only the marker.", "No heading.\n\n<h2>A raw one</h2>\n"])
def test_triggered_markdown_gives_stock_markdowns_html(text):
    fast, plain = both(text)
    assert fast == plain


def test_every_feature_is_in_the_document_it_is_checked_on():
    html, _ = both(EVERY_FEATURE)
    for markup in ("<table>", "<dl>", "<blockquote>", "<ol>", "<ul>", "<hr", "<code>", "<pre>", "<sup id=\"fnref",
                   "<strong>", "<em>", "<a href=\"https://example.com/ref\"", "<img", "<br", "&amp;",
                   "<h1 class=\"lead\" id=\"custom-id\">", "<h2", "class=\"kicker\"", "<span class=\"x\">",
                   "\u201c", "\u2014", "\u2026", "<div class=\"raw\">"):
        assert markup in html, markup


def test_triggered_markdown_gives_stock_markdowns_html_on_the_sample_site():
    for body in sample_bodies():
        fast, plain = both(body)
        assert fast == plain


MARKUP_PIECES = ["word", "단어", " ", "  \n", "\n", "\n\n", "*", "_", "`", "\\", "[", "]", "(", ")", "!", "<", ">", "&",
                 "#", "|", ":", "-", "=", "^", "\"", "'", "    ", "1. ", "http://x.y", "a@b.c", "<b>", "</b>", "&amp;",
                 "[^1]", "]: /u", "\u201d", "이라고", "[TOC]", "{: #x .y }"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(MARKUP_PIECES), max_size=40).map("".join))
def test_triggered_markdown_gives_stock_markdowns_html_on_any_mix_of_markup(text):
    fast, plain = both(text)
    assert fast == plain


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(MARKUP_PIECES), max_size=30).map("".join), st.sampled_from(sorted(triggers.INLINE_TRIGGERS)))
def test_no_inline_pattern_matches_a_text_without_its_triggers(text, name):
    patterns = bodies._converter().inlinePatterns
    if name not in patterns:
        return
    for trigger in triggers.INLINE_TRIGGERS[name]:
        text = text.replace(trigger, "")
    if any(trigger in text for trigger in triggers.INLINE_TRIGGERS[name]):
        return  # removing one trigger made another ("[[^" less "[^")
    assert patterns[name].getCompiledRegExp().search(text) is None


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["[", "]", "a", "![", "]]", "[[", "(", ")", " "]), max_size=60).map("".join))
def test_bracket_ends_are_python_markdowns_on_any_brackets(text):
    assert triggers.bracket_ends(text) == LinkInlineProcessor._findBracketEnds(text)


def test_the_converter_skips_preprocessors_in_stock_order():
    fast, plain = bodies._converter().preprocessors, plain_converter().preprocessors
    def in_order(registry):
        return sorted(registry._data, key=registry.get_index_for_name)
    assert in_order(fast) == in_order(plain)
    for name in triggers.PREPROCESSOR_TRIGGERS:
        assert isinstance(fast[name], triggers.TriggeredPreprocessor), name
    assert isinstance(fast["normalize_whitespace"], triggers.QuickNormalizeWhitespace)


TEXT_PIECES = [p for p in MARKUP_PIECES if "<" not in p and "`" not in p] + ["&", "&#", "&x;", ";", "\t", "\r\n", "\r", " \n",
                                                                          "~", "~~~", "```", "\x02", "\x03"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TEXT_PIECES), max_size=40).map("".join))
def test_each_skipped_preprocessor_would_have_given_the_lines_back(text):
    plain = plain_converter()
    lines = plain.preprocessors["normalize_whitespace"].run(text.split("\n"))
    assert triggers.QuickNormalizeWhitespace(plain).run(text.split("\n")) == lines
    for name, (_, triggers_of_name) in triggers.PREPROCESSOR_TRIGGERS.items():
        if not any(trigger in "\n".join(lines) for trigger in triggers_of_name):
            assert plain.preprocessors[name].run(list(lines)) == lines, name


def test_block_level_answers_are_the_stock_methods():
    converter = bodies._converter()
    assert isinstance(converter.is_block_level, triggers.BlockLevelTags)
    tags = [*converter.block_level_elements, "P", "Div/", "p/", "span", "em", "h7", "", None, 3, converter.htmlStash]
    for tag in tags * 2:  # the second time from what was kept
        assert converter.is_block_level(tag) == python_markdown.Markdown.is_block_level(converter, tag), tag


# ---- characters ------------------------------------------------------------------------------

OLD_INVALID_CHARACTERS = re.compile(
    "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\ud800-\\udfff\\ufdd0-\\ufdef"
    + "".join(f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000))
    + "]"
)


def test_the_invalid_character_class_matches_what_it_replaced_on_every_code_point():
    every = "".join(map(chr, range(0x110000)))
    found = characters.INVALID_CHARACTERS.findall(every)
    assert found == OLD_INVALID_CHARACTERS.findall(every)
    assert len(found) == 29 + 33 + 2048 + 32 + 2 + 32  # C0 but tab, LF, CR; DEL and C1; surrogates; FDD0-FDEF; FFFE-FFFF; astral
    mixed = "a\x0bb\U0001fffe😀\ufffe\U0010ffff\U0010fffd"
    assert characters.strip_invalid_characters(mixed) == OLD_INVALID_CHARACTERS.sub("", mixed) == "ab😀\U0010fffd"


# ---- quotes before particles ------------------------------------------------------------------

QUOTE_PIECES = ["\u201d", "\u2019", "\u300d", "\u300f", ")", "이", "라고", "a", "word", " ", "\n", "<", ">", "<b>",
                "</b>", "<em>", "</em>", "\u201c", ".", "\u201d\u201d", "<code>", "</code>"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(QUOTE_PIECES), max_size=30).map("".join))
def test_the_quote_particle_fast_path_skips_only_what_the_scan_leaves_alone(text):
    if not bodies.QUOTE_PARTICLE.search(text):
        assert bodies._nobreak_quotes(text) == text


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(QUOTE_PIECES), max_size=30).map("".join))
def test_the_quote_particle_test_finds_what_the_search_finds(text):
    assert bodies._has_quote_particle(text) == (bodies.QUOTE_PARTICLE.search(text) is not None)


@pytest.mark.parametrize(("html", "expected"), [
    ("<p>그는 “함정”이라고 했다.</p>", '<p>그는 <span class="nobreak">“함정”이라고</span> 했다.</p>'),
    ("<p>“a”이 b”가</p>", '<p><span class="nobreak">“a”이</span> <span class="nobreak">b”가</span></p>'),
    ("<p><code>“함정”이라고</code> “함정”이라고</p>",
     '<p><code>“함정”이라고</code> <span class="nobreak">“함정”이라고</span></p>'),
    ("<p>“quote” then 이라고</p>", "<p>“quote” then 이라고</p>"),
    ("<p>no quotes at all</p>", "<p>no quotes at all</p>"),
])
def test_quotes_before_particles_are_kept_together(html, expected):
    assert bodies.keep_quotes_with_particles(html) == expected


# ---- body_errors -------------------------------------------------------------------------------

def deep(levels: int, lead: str) -> str:
    return "\n".join(lead * level + "- item" for level in range(levels)) + "\n"


LIMIT_BODIES = [
    "A plain paragraph with a [link](/x/).\n",
    deep(52, "    "),  # too deep by indentation
    deep(50, "    "),
    "\t" * 49 + "- tab-indented item\n",  # 51 levels from tabs
    "\t" * 48 + "- tab-indented item\n",
    "> " * 51 + "quoted\n",
    "> " * 50 + "quoted\n",
    ">" * 50 + "quoted\n",
    "  > " * 30 + "mixed\n",
    "*a* " * 1001 + "\n",  # 2,002 marks in one paragraph
    "*a* " * 1000 + "\n",
    "*a* " * 600 + "\n\n" + "*a* " * 600 + "\n",  # many in the body, few enough in each paragraph
    "[" * 1500 + "x" * 1000 + "\n",  # unclosed brackets scanned to the end
    ("[" * 400 + "x" * 4000 + "\n\n") * 3,
    "<" * 1900 + "x" * 10_000 + "\n",
    "](" * 900 + "x" * 2000 + "\n",
    "```\n" + "[" * 3000 + "\n```\n",  # fenced: not counted
]


@pytest.mark.parametrize("body", LIMIT_BODIES)
def test_body_errors_bounds_agree_with_the_block_by_block_count(body):
    slow = content._errors_block_by_block("a.md", body, 5)
    if content._within_limits(body):
        assert slow == []
    assert content.body_errors("a.md", body, 5) == slow


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([" ", "\t", ">", "- ", "1. ", "\n", "\n\n", "[", "]", "](", ")", "<", ">", "*", "x" * 50,
                                 "```\n", "#", "|"]), max_size=400).map("".join))
def test_body_errors_fast_path_agrees_on_any_body(body):
    assert content.body_errors("a.md", body, 1) == content._errors_block_by_block("a.md", body, 1)


def test_the_sample_sites_bodies_take_the_fast_path():
    assert all(content._within_limits(body) for body in sample_bodies())


# ---- body_image_refs -----------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "expected"), [
    ("No image here, only a [link](/x.jpg).", []),
    ("Text\n\n![Cranes](cranes.jpg \"Busan\")\n", [("cranes.jpg", "Cranes", 13)]),
    ("A code span joins them: !`code`[alt](joined.jpg)\n", [("joined.jpg", "alt", 11)]),
    ("```\n![fenced](no.jpg)\n```\n", []),
])
def test_body_image_refs_skips_only_bodies_without_an_image(body, expected):
    article = content.Article(source="content/en/a.md", lang="en", title="t", posted=None, updated=None, slug="a",
                              body=body, body_line=11, digest="d")
    assert body_image_refs(article) == expected


# ---- front matter values -------------------------------------------------------------------------

@pytest.mark.parametrize(("front_matter", "meta", "dropped"), [
    ('title: "Talks \\v resume"\n', {"title": "Talks  resume"}, ["title"]),  # a YAML escape
    ('tags: ["a\\x0bb", c]\n', {"tags": ["ab", "c"]}, ["tags"]),
    ('dateline: {city: "Se\\u0085oul"}\n', {"dateline": {"city": "Seoul"}}, ["dateline"]),
    ("title: Talks \ufdd0 resume\n", {"title": "Talks  resume"}, ["title"]),  # raw (load_article drops it before)
    ('title: "Back\\\\slash"\n', {"title": "Back\\slash"}, []),  # an escape that makes nothing invalid
    ("title: Plain\ntags: [a, b]\n", {"title": "Plain", "tags": ["a", "b"]}, []),
])
def test_front_matter_values_lose_invalid_characters_whether_or_not_the_walk_is_skipped(front_matter, meta, dropped):
    document, errors = frontmatter_yaml.split_document("a.md", f"---\n{front_matter}---\nBody.\n")
    assert errors == []
    assert document.meta == meta
    assert [key for key, _ in document.dropped] == dropped
    assert all("dropped 1 control character" in warning for _, warning in document.dropped)


# ---- front matter ----------------------------------------------------------------------------

FRONT_MATTER_LINES = ["title: Plain words", "title: 'quoted: text'", 'summary: "escaped \\t tab"', "n: 12", "f: 1.5",
                      "yes: yes", "d: 2024-05-03", "t: 2024-05-03 10:00:00+09:00", "s: !!str 12", "i: !!int 7",
                      "bad: !!int abc", "a: &anchor words", "b: *anchor", "tags: [a, 'b', 3]", "tags:", "  - one",
                      "  - !!str 2", "dateline:", "  city: Seoul", "  country: &c KR", "  again: *c", "k: ~",
                      "title: twice", "x: |", "  block text", "[1, 2]: key", "? complex", "- item", "  odd: indent"]


def _front_matter_the_slow_way(text: str):
    """split_document with every value built by PyYAML's own construct_object (no text fast path)."""
    def slow(loader, node, deep=False):
        loader.current_node = node
        return frontmatter_yaml._BaseLoader.construct_object(loader, node, deep)

    fast = frontmatter_yaml._LineLoader.construct_object
    frontmatter_yaml._LineLoader.construct_object = slow
    try:
        return frontmatter_yaml.split_document("a.md", text)
    finally:
        frontmatter_yaml._LineLoader.construct_object = fast


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FRONT_MATTER_LINES), max_size=12).map("\n".join))
def test_front_matter_text_values_are_what_pyyamls_constructor_makes(front_matter):
    text = f"---\n{front_matter}\n---\nBody.\n"
    fast, slow = frontmatter_yaml.split_document("a.md", text), _front_matter_the_slow_way(text)
    assert repr(fast) == repr(slow)  # repr: the values' types too (1 and True are equal)
