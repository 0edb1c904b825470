"""Unit tests of the wire rules: detection, series, bylines, places, times, lead-ins, correction marks."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from test_import_wire_support import WIRE, newsml_item, ninjs3

from dateline.importer import ninjs
from dateline.importer.records import RawFileError
from dateline.importer.wire import WireFields, city_of, dateline_place, is_article, is_correction, people, wire_time
from dateline.importer.wire_read import sniff
from dateline.importer.wire_schemas import ninjs_problems
from dateline.importer.wire_text import blocks_to_markdown, drop_lead_in, html_to_blocks, lead_in_place, xml_safe

SEOUL = ZoneInfo("Asia/Seoul")


def fields(**values) -> WireFields:
    return WireFields(**{"path": Path("item.json"), "where": "", "wire_id": "urn:x", "item_class": "text",
                         "headline": "H", "body": [], **values})


@pytest.mark.parametrize(("data", "kind"), [
    (b'{"uri": "x"}', "ninjs"),
    (b"\xef\xbb\xbf  [ {} ]", "ninjs"),
    ('{"uri": "x"}'.encode("utf-16"), "ninjs"),
    (newsml_item().encode(), "newsml"),
    (b"<!-- agency feed -->\n<newsMessage xmlns='http://iptc.org/std/nar/2006-10-01/'/>", "newsml"),
    (b"<?xml version='1.0'?><rss/>", "newsml"),  # XML is read as NewsML-G2, which says what else it is
    (b"<!DOCTYPE html><html><body>page</body></html>", ""),
    (b"<html><head><title>x</title></head></html>", ""),
    (b"<section><p>A saved fragment of a page</p></section>", ""),
    (b"<contentSet><inlineXML/></contentSet>", "newsml"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x.dtd">\n<html/>', ""),
    (b"Posted May. 03, 2024 07:55", ""),
    ("본문 바로가기\n".encode(), ""),
])
def test_sniff_by_content(data, kind):
    assert sniff(data) == kind


def test_series_of_the_official_samples():
    expected = {"ninjsExComplex1.json": "1", "businesswire-newsml-20130612006110.json": "1", "dpa_text.json": "2",
                "ntb_text.json": "2", "tt_text_image_2.json": "2", "tt_text_image_3.json": "3", "ap_image.json": "3",
                "businesswire-newsml-20130605006126.json": "3", "005_complex_text_article.json": "3"}
    for name, series in expected.items():
        item = json.loads((WIRE / name).read_text(encoding="utf-8"))
        assert ninjs.series(item) == series, name
        assert ninjs_problems(item, series) == [], name  # each sample is valid against its series' schema


def test_series_by_nested_camel_case_and_by_standard():
    two_keys = {"uri": "x", "headlines": [{"value": "H"}], "bodies": [{"contentType": "text/plain", "value": "B"}]}
    assert ninjs.series(two_keys) == "3"
    assert ninjs.series({"uri": "x", "standard": {"name": "ninjs", "version": "2.1"}, "versionCreated": "x"}) == "2"


def test_envelopes():
    item = ninjs3()
    assert ninjs.items_in({"data": {"item": item}}) == [item]
    assert ninjs.items_in({"items": [item, {"not": "an item"}, item]}) == [item, item]
    assert ninjs.items_in({"data": {"other": item}}) == []
    deep = item
    for _ in range(10):
        deep = {"data": deep}
    assert ninjs.items_in(deep) == []  # envelopes are a few levels deep, not a maze


@pytest.mark.parametrize(("bylines", "agencies", "names"), [
    (("By Jane Roe",), (), ("Jane Roe",)),
    (("by jane roe",), (), ("jane roe",)),
    (("Jane Roe, University of Somewhere",), (), ("Jane Roe",)),
    (("By Jane Roe and John Doe, Associated Press",), (), ("Jane Roe", "John Doe")),
    (("Jane Roe; John Doe & Kim Ki-yun",), (), ("Jane Roe", "John Doe", "Kim Ki-yun")),
    (("Von Christian Hollmann, dpa",), ("dpa",), ("Christian Hollmann",)),
    (("Karl Melander/TT",), ("TT",), ("Karl Melander",)),
    (("NTB",), ("NTB",), ()),
    (("Jane Roe (AP)",), (), ("Jane Roe",)),
    (("By 2024",), (), ()),  # no letter: no person
    (("Jane Roe", "Jane Roe"), (), ("Jane Roe",)),
])
def test_people_in_bylines(bylines, agencies, names):
    assert people(bylines, agencies) == names


@pytest.mark.parametrize(("located", "city"), [
    ("Grossetto, Italy", "Grossetto"), ("New York, NY", "New York"), ("  Cairo ", "Cairo"),
    ("2024-05-03T07:55:00Z", ""), ("12345", ""), ("", ""),
])
def test_city_of_located(located, city):
    assert city_of(located) == city


@pytest.mark.parametrize(("text", "place"), [
    ("MOSCOW, Monday (Reuters)", "Moscow"), ("Seoul, May 3", "Seoul"), ("SAN JUAN, Puerto Rico (AP) --", "San Juan"),
    ("2024-05-03 07:55 GMT", ""), ("May 3, 2024", ""), ("", ""),
])
def test_dateline_element_place(text, place):
    assert dateline_place(text) == place


def test_wire_times():
    item = fields()
    assert wire_time("2024-05-02T22:55:00+0000", "t", item, SEOUL).isoformat() == "2024-05-03T07:55:00+09:00"
    assert wire_time("2024-05-02T22:55:00", "t", item, SEOUL).isoformat() == "2024-05-03T07:55:00+09:00"
    assert wire_time("2024-05-02T17:55:00-05:00", "t", item, SEOUL).isoformat() == "2024-05-03T07:55:00+09:00"
    assert wire_time(" 2024-05-02T22:55:00Z\n ", "t", item, SEOUL).tzinfo == SEOUL
    assert wire_time("", "t", item, SEOUL) is None
    with pytest.raises(RawFileError, match="versionCreated is not an ISO 8601 time: 'yesterday'"):
        wire_time("yesterday", "versionCreated", item, SEOUL)
    with pytest.raises(RawFileError, match="out of range"):
        wire_time("0001-01-01T00:00:00+14:00", "t", item, SEOUL)


def test_correction_marks():
    assert is_correction(fields(signals=("sig:correction",)))
    assert is_correction(fields(signals=("http://cv.iptc.org/newscodes/signal/correction",)))
    assert is_correction(fields(ednote="CORRECTS spelling of name in paragraph 3"))
    assert is_correction(fields(ednote="Correction: the minister's name"))
    assert not is_correction(fields(signals=("sig:update",), ednote="Adds quotes. Not for publication before 12:00."))


def test_what_is_an_article():
    assert is_article("ninat:text") and is_article("text") and is_article("")
    assert is_article("composite", has_body=True) and not is_article("composite", has_body=False)
    for kind in ("ninat:picture", "picture", "graphic", "video", "audio", "packageItem", "conceptItem"):
        assert not is_article(kind)


def test_lead_ins():
    for html, place, rest in [
        ("<p>SPRINGFIELD, Ill. (AP) _ The governor spoke.</p>", "Springfield", "The governor spoke."),
        ("<p>GROSSETO, Italy (AP) -- The trial began.</p>", "Grosseto", "The trial began."),
        ("<p>NEW YORK (Reuters) - Stocks fell.</p>", "New York", "Stocks fell."),
        ("<p>SEOUL (Yonhap) — North Korea fired.</p>", "Seoul", "North Korea fired."),
        ("<p>(서울=연합뉴스) 김기윤 기자 = 북한이 발사했다.</p>", "서울", "북한이 발사했다."),
        ("<p>(부산=뉴스1) 항만이 붐볐다.</p>", "부산", "항만이 붐볐다."),
    ]:
        blocks = html_to_blocks(html)
        assert lead_in_place(blocks) == place
        assert blocks_to_markdown(drop_lead_in(blocks)) == rest + "\n"
    for html in ("<p>The (AP) said so.</p>", "<p>Nato (the alliance) - said</p>", "<p>(Sports Network) - With</p>"):
        blocks = html_to_blocks(html)
        assert lead_in_place(blocks) == "" and drop_lead_in(blocks) == blocks


def test_lead_in_keeps_the_links_after_it():
    blocks = html_to_blocks('<p>CAIRO (AP) _ Read <a href="https://example.com/r">the report</a>.</p>')
    assert blocks_to_markdown(drop_lead_in(blocks)) == "Read [the report](https://example.com/r).\n"


def test_links_only_to_the_web_and_mail():
    markdown = blocks_to_markdown(html_to_blocks(
        '<p><a href="javascript:alert(1)">x</a> <a href="mailto:desk@example.com">desk</a> <a>bare</a></p>'))
    assert markdown == "x [desk](mailto:desk@example.com) bare\n"


def test_xml_safe():
    assert xml_safe("a\u0000b\u000bc\u001fd\ufffee\uffff\td\n") == ("abcde\td\n", 5)
    assert xml_safe("한국어 \U0001f600") == ("한국어 \U0001f600", 0)


def test_times_stay_aware():
    moment = wire_time("2024-02-29T23:59:59Z", "t", fields(), SEOUL)
    assert moment == dt.datetime(2024, 3, 1, 8, 59, 59, tzinfo=SEOUL)


# ---- robustness: items that break the schema in every way are refused, never crash ----------

ODD_VALUES = [None, 1, 1.5, True, "", "x", "2024-05-03", [], {}, [1], {"a": 1}, ["x"], [{"value": 1}],
              [{"role": "main"}], {"href": 1}, "\u0000"]


def _paths(value, prefix=()):
    yield prefix
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield from _paths(child, (*prefix, key))


def test_ninjs_items_with_values_of_every_wrong_type(tmp_path):
    """A fixed-seed sweep: every result is an article or a RawFileError that names what is wrong,
    never an internal error (reported as "could not be read as IPTC ninjs (TypeError ...)")."""
    import copy
    import random

    from dateline.importer.run import read_raws

    rng = random.Random(20241129)
    samples = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(WIRE.glob("*.json"))]
    path = tmp_path / "item.json"
    for _ in range(150):
        item = copy.deepcopy(rng.choice(samples))
        for _ in range(rng.randint(1, 4)):
            target = rng.choice([p for p in _paths(item) if p])
            parent = item
            for key in target[:-1]:
                parent = parent[key]
            parent[target[-1]] = copy.deepcopy(rng.choice(ODD_VALUES))
        path.write_text(json.dumps(item), encoding="utf-8")
        try:
            results = read_raws(path, SEOUL, validate=False)
        except RawFileError as error:
            results = [error]
        for result in results:
            if isinstance(result, RawFileError):
                assert "could not be read as" not in result.reason, (result.reason, item)
