"""The importer's parts one by one: time lines, sign-offs, names, places, slugs, Markdown escaping."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import markdown
import pytest

from dateline.bodies import EXTENSION_CONFIGS, EXTENSIONS
from dateline.content import is_valid_slug
from dateline.importer.markdown_escape import escape_paragraph, paragraphs_to_markdown
from dateline.importer.names import romanize_name, split_name
from dateline.importer.pagetext import parse_page_text
from dateline.importer.reading import decode, is_html
from dateline.importer.records import RawFileError, SignoffEntry
from dateline.importer.signoff import parse_signoff_line, split_signoff
from dateline.importer.slugs import ascii_slug, headline_slug
from dateline.importer.stamps import parse_iso, parse_time_line, resolve
from dateline.places import gazetteer, resolve_place
from dateline.typography import smarten

SEOUL = ZoneInfo("Asia/Seoul")


def stamp_times(line: str) -> list[dt.datetime]:
    stamps = parse_time_line(line)
    assert stamps, line
    posted = resolve(stamps[0], SEOUL)
    return [posted] + [resolve(s, SEOUL, after=posted) for s in stamps[1:]]


# ---- time lines ------------------------------------------------------------------------


@pytest.mark.parametrize("line, expected", [
    ("Posted May. 03, 2024 07:55,\u00a0\u00a0 \u00a0", "2024-05-03T07:55:00+09:00"),
    ("Posted Sept. 1, 2024 09:05", "2024-09-01T09:05:00+09:00"),
    ("Posted Sep. 30, 2024 23:59,", "2024-09-30T23:59:00+09:00"),
    ("Posted June 4, 2024 9:05 PM", "2024-06-04T21:05:00+09:00"),
    ("Posted Dec. 12, 2024 12:10 a.m.", "2024-12-12T00:10:00+09:00"),
    ("입력 2024-05-03 07:55", "2024-05-03T07:55:00+09:00"),
    ("입력 2024.05.03 07:55", "2024-05-03T07:55:00+09:00"),
])
def test_time_lines_are_read_in_the_site_timezone(line, expected):
    assert stamp_times(line)[0].isoformat() == expected


def test_both_stamps_on_one_line_and_a_missing_year_after_new_year():
    posted, updated = stamp_times("Posted Dec. 31, 2023 23:48, Updated Jan. 01 00:15")
    assert posted.isoformat() == "2023-12-31T23:48:00+09:00"
    assert updated.isoformat() == "2024-01-01T00:15:00+09:00"
    posted, updated = stamp_times("입력 2024-05-03 07:55 업데이트 2024-05-03 09:10")
    assert (updated - posted) == dt.timedelta(hours=1, minutes=15)


@pytest.mark.parametrize("line", [
    "Posted prices at gas stations rose for a third week.",
    "Updated figures are due on Friday.",
    "He posted May. 03, 2024 07:55 on his blog",
    "Posted Foo. 03, 2024 07:55",
    "입력값을 확인했다",
])
def test_prose_is_not_a_time_line(line):
    assert parse_time_line(line) is None


def test_iso_times_from_page_metadata_move_into_the_site_timezone():
    assert parse_iso("2024-06-10T05:05:00Z", SEOUL).isoformat() == "2024-06-10T14:05:00+09:00"
    assert parse_iso("2024-06-10 14:05", SEOUL).isoformat() == "2024-06-10T14:05:00+09:00"
    assert parse_iso("last Tuesday", SEOUL) is None


# ---- sign-offs -------------------------------------------------------------------------


@pytest.mark.parametrize("line, expected", [
    ("카이로=김기윤 특파원 pep@donga.com", [("김기윤", "특파원", "", "카이로", "pep@donga.com")]),
    ("카이로 = 김기윤 특파원 pep@donga.com", [("김기윤", "특파원", "", "카이로", "pep@donga.com")]),
    ("워싱턴=문병기 특파원 weappon@donga.com·뉴욕=김현수 특파원 kimhs@donga.com",
     [("문병기", "특파원", "", "워싱턴", "weappon@donga.com"), ("김현수", "특파원", "", "뉴욕", "kimhs@donga.com")]),
    ("박민수 기자 minsu@example.com", [("박민수", "기자", "", "", "minsu@example.com")]),
    ("이진영 논설위원 ecolee@donga.com", [("이진영", "논설위원", "", "", "ecolee@donga.com")]),
    ("남궁민 선임기자", [("남궁민", "선임기자", "", "", "")]),
    ("박민수 선임 기자", [("박민수", "선임기자", "", "", "")]),
    ("김철수·박영희 기자", [("김철수", "기자", "", "", ""), ("박영희", "기자", "", "", "")]),
    ("김현수 워싱턴 특파원 kimhs@donga.com", [("김현수", "특파원", "워싱턴", "", "kimhs@donga.com")]),
    ("정리=홍길동 기자", [("홍길동", "기자", "", "", "")]),
])
def test_signoff_lines(line, expected):
    entries = parse_signoff_line(line)
    assert entries == tuple(SignoffEntry(*fields) for fields in expected)


@pytest.mark.parametrize("line", [
    "그는 기자였다고 말했다.",
    "Hamas said the talks would go on.",
    "김기윤",
    "카이로=",
    "네타냐후 총리는 \"마이웨이\"를 고수했다 pep@donga.com 참고",
])
def test_body_text_is_not_a_signoff(line):
    assert parse_signoff_line(line) is None


def test_split_signoff_takes_trailing_lines_and_copyright():
    body, entries = split_signoff(["본문.", "카이로=김기윤 특파원 pep@donga.com",
                                   "ⓒ 동아일보 & donga.com, 무단 전재 및 재배포 금지"])
    assert body == ["본문."]
    assert [e.local for e in entries] == ["김기윤"]
    assert split_signoff(["No sign-off here."]) == (["No sign-off here."], ())


# ---- names -----------------------------------------------------------------------------


@pytest.mark.parametrize("local, name", [
    ("김기윤", "Kim Gi-yun"),  # the library's syllables; the registry holds "Kim Ki-yun"
    ("이지현", "Lee Ji-hyeon"),
    ("박민수", "Park Min-su"),
    ("최지원", "Choi Ji-won"),
    ("정서연", "Jung Seo-yeon"),
    ("류현진", "Ryu Hyeon-jin"),
    ("유재석", "Yoo Jae-seok"),
    ("노영", "Roh Yeong"),
    ("남궁민", "Namgung Min"),
    ("황보영수", "Hwangbo Yeong-su"),
    ("선우은숙", "Sunwoo Eun-suk"),
    ("선우진", "Sun U-jin"),
])
def test_names_are_romanized_the_newspaper_way(local, name):
    assert romanize_name(local) == name


def test_split_name_and_non_hangul():
    assert split_name("김기윤") == ("김", "기윤")
    assert split_name("제갈공명") == ("제갈", "공명")
    assert romanize_name("Maria Lopez") == "Maria Lopez"


# ---- places ----------------------------------------------------------------------------


def test_places_site_table_wins_then_gazetteer_then_romanized():
    table = {"뉴욕": "New York", "실리콘밸리": "Silicon Valley"}
    assert resolve_place("뉴욕", table)[0].city == "New York"
    assert resolve_place("뉴욕", {})[0].city == "New York City"  # GeoNames' own name
    assert resolve_place("실리콘밸리", table) == (resolve_place("실리콘밸리", table)[0], "")
    place, warning = resolve_place("카이로", {})
    assert (place.city, place.local, warning) == ("Cairo", "카이로", "")
    place, warning = resolve_place("가나다시", {})
    assert (place.city, place.local) == ("Ganadasi", "가나다시")
    assert "unknown place '가나다시'" in warning and "[places]" in warning


def test_gazetteer_picks_the_most_populous_city():
    assert gazetteer()["런던"] == "London"
    assert gazetteer()["광주"] == "Gwangju"
    assert gazetteer()["서울"] == "Seoul"


# ---- slugs -----------------------------------------------------------------------------


@pytest.mark.parametrize("title, slug", [
    ("Israel-Hamas ceasefire negotiations hit stalemate", "israel-hamas-ceasefire-negotiations-hit-stalemate"),
    ("U.S. won't budge on Rafah", "us-wont-budge-on-rafah"),
    ("[Editorial] Aid must reach Gaza now", "editorial-aid-must-reach-gaza-now"),
    ("São Paulo's café owners: 50% up?", "sao-paulos-cafe-owners-50-up"),
    ("이-하마스 휴전 협상 교착", "i-hamaseu-hyujeon-hyeopsang-gyochak"),
])
def test_slugs_from_headlines(title, slug):
    assert headline_slug(title) == slug
    assert is_valid_slug(slug) and slug.isascii()


def test_long_headlines_are_cut_at_a_word():
    slug = ascii_slug(" ".join(["word"] * 40))
    assert len(slug) <= 80 and not slug.endswith("-")


def test_slug_validity():
    assert is_valid_slug("휴전-협상-2024")
    assert not is_valid_slug("../etc")
    assert not is_valid_slug("a b")
    assert not is_valid_slug("")


# ---- Markdown escaping: what the build's converter shows is the text ---------------------

CONVERTER = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)

NASTY = [
    "<script>alert('x')</script> and 3 < 5 & AT&T &amp; &#169; &copy;",
    "# not a heading", "#hashtag", "1. not a list", "2024. A year to remember", "- dash", "+ plus",
    "* star", "> quote", "*emph* _under_ __strong__ snake_case_name", "[link](http://x) ![img](y) [^1]",
    "`code` ``x``", "back\\slash \\* \\\\", "~~~", "```", ": a definition", "{: #id .cls}",
    "trailing {attr}", "---", "***", "___", "- - -", "<http://example.com> <a@b.com>", "<!-- comment -->",
    "[TOC]", "a | b | c", "Posted May. 03, 2024 07:55", "    indented code", "<div>block</div>",
    "x <b>bold</b>", "AT&T's 50% > 40%", "===", "\\", "`", "&", "<", "ends with two spaces  ",
    "URL http://example.com/a_b_c*d", "email a_b@c.com", "<<>>", "<3", "a<b", "카이로=김기윤 특파원 pep@donga.com",
]


@pytest.mark.parametrize("text", NASTY)
def test_escaped_text_renders_as_itself(text):
    rendered = CONVERTER.reset().convert(escape_paragraph(text))
    match = re.fullmatch(r"<p>(.*)</p>", rendered, re.S)
    assert match, rendered
    # the text as the site sets it: only quotes, dashes and dots typeset, nothing else read into it
    # (a character escaped at the line's start is kept as it is, and the rest follows it)
    text = text.strip()
    expected = text[:1] + smarten(text[1:], text[:1]) if escape_paragraph(text).startswith("\\") else smarten(text, "")
    assert html_module.unescape(match.group(1)) == expected
    assert "<script" not in rendered and "<b>" not in rendered


def test_imported_quotes_and_dashes_are_typeset_like_the_desks_own():
    """No backslashes in the Markdown: wire copy's straight quotes, dashes and dots are set as the site sets them."""
    text = "\"Straight\" and “curly” quotes -- dashes... and 'single' ones --- too."
    markdown_text = escape_paragraph(text)
    assert "\\" not in markdown_text
    rendered = CONVERTER.reset().convert(markdown_text)
    assert html_module.unescape(re.fullmatch(r"<p>(.*)</p>", rendered, re.S).group(1)) == (
        "“Straight” and “curly” quotes – dashes… and ‘single’ ones — too.")


def test_paragraphs_stay_paragraphs():
    assert paragraphs_to_markdown(["One.", "", "Two."]) == "One.\n\nTwo.\n"


# ---- reading ---------------------------------------------------------------------------


def test_decoding_bom_crlf_utf16_and_rejecting_other_bytes(tmp_path):
    path = tmp_path / "a.txt"
    assert decode(path, b"\xef\xbb\xbfA\r\nB\rC", html=False) == "A\nB\nC"
    assert decode(path, "가\r\n".encode("utf-16"), html=False) == "가\n"
    with pytest.raises(RawFileError, match=r"not UTF-8 text \(byte 0xe9 on line 2\)"):
        decode(path, b"ok\ncaf\xe9\n", html=False)
    with pytest.raises(RawFileError, match="empty"):
        decode(path, b"  \n", html=False)
    page = '<meta charset="euc-kr"><p>부산</p>'.encode("euc-kr")
    assert "부산" in decode(path, page, html=True)
    assert is_html(Path("x.txt"), b"  <!DOCTYPE html><html>")
    assert not is_html(Path("x.txt"), b"Go to contents")


def test_page_text_header_is_read_strictly_from_the_top():
    text = ("Go to contents\n\nHeadline\n\nPosted May. 03, 2024 07:55,\n\nUpdated May. 03, 2024 08:00\n\n한국어\n\n"
            "Posted prices rose.\n\nUpdated May. 04, 2024 10:00\n\n카이로=김기윤 특파원 pep@donga.com\n")
    raw = parse_page_text(Path("a.txt"), text, SEOUL)
    assert raw.title == "Headline" and raw.lang == "en" and raw.counterparts == ("ko",)
    assert raw.paragraphs == ("Posted prices rose.", "Updated May. 04, 2024 10:00")
    assert raw.updated.isoformat() == "2024-05-03T08:00:00+09:00"


@pytest.mark.parametrize("text, reason", [
    ("Go to contents\n", "no headline"),
    ("Go to contents\nPosted May. 03, 2024 07:55\nBody.\n", "no headline: the first line is a time line"),
    ("Headline\nBody without a time line.\n", "not an edition page"),
    ("Headline\nPosted Feb. 30, 2024 07:55\nBody.\n", "impossible date"),
    ("Headline\nPosted May. 03, 2024 07:55\n한국어\n", "no body text"),
])
def test_page_text_that_is_not_understood(text, reason):
    with pytest.raises(RawFileError, match=reason):
        parse_page_text(Path("a.txt"), text, SEOUL)


@pytest.mark.parametrize("line, expected", [
    ("Posted May. 03, 2024 07:55 KST", "2024-05-03T07:55:00+09:00"),
    ("Posted May. 02, 2024 22:55 (UTC)", "2024-05-03T07:55:00+09:00"),
    ("입력 2024.05.03. 오후 3:10", "2024-05-03T15:10:00+09:00"),
    ("입력 2024-05-03 오전 12:05", "2024-05-03T00:05:00+09:00"),
])
def test_named_zones_and_korean_am_pm(line, expected):
    assert stamp_times(line)[0].isoformat() == expected


def test_a_deck_under_the_headline_becomes_the_summary():
    text = ("Go to contents\nHeadline\nA deck that sums the story up.\n한국어\n"
            "Posted May. 03, 2024 07:55,\nBody paragraph.\n")
    raw = parse_page_text(Path("a.txt"), text, SEOUL)
    assert raw.summary == "A deck that sums the story up."
    assert raw.counterparts == ("ko",)
    assert raw.paragraphs == ("Body paragraph.",)


def test_an_english_edition_page_with_a_korean_headline_gets_a_romanized_slug(tmp_path):
    from dateline.config import load_config
    from dateline.importer.assemble import import_one
    from dateline.importer.existing import SiteContent
    from dateline.importer.records import ImportOptions

    (tmp_path / "dateline.toml").write_text('[languages.en]\n[languages.ko]\n', encoding="utf-8")
    config = load_config(tmp_path)
    raw = parse_page_text(Path("a.txt"), "Go to contents\n휴전 협상\nPosted May. 03, 2024 07:55\nBody.\n", SEOUL)
    imported = import_one(raw, ImportOptions(), config, SiteContent([]))
    assert (imported.lang, imported.slug) == ("en", "hyujeon-hyeopsang")
