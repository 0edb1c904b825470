"""`dateline import` of IPTC wire files (ninjs 1.x/2.x/3.x, NewsML-G2): detection, field rules, bodies, bad input."""

from __future__ import annotations

import json
import shutil

from conftest import parse_html
from test_import_support import article, content_files, import_site, iso
from test_import_wire_support import WIRE, news_message, newsml_item, ninjs3, paragraphs_xml, write_json, write_text

from dateline.typography import smarten


def run_import(run_cli, site, *args):
    return run_cli("import", "--site", site, *args)


def only_article(site):
    files = [p for p in content_files(site) if p.endswith(".md")]
    assert len(files) == 1, files
    return files[0], article(site, files[0])


# ---- the official IPTC samples -------------------------------------------------------------

SAMPLE_ARTICLES = {
    "005_complex_text_article.json": ("content/en/2013/07/captain-of-wrecked-cruise-ship-on-trial-in-italy.md", "3.x"),
    "businesswire-newsml-20130612006110.json": ("content/en/2013/06/app-2020.md", "1.x"),
    "dpa_text.json": ("content/en/2019/05/faktencheck-derby-elfmeter-hat-schiedsrichter-zwayer-recht.md", "2.x"),
    "tt_text_image_2.json": ("content/en/2021/05/militarovning-i-jatteformat-halls-2023.md", "2.x"),
    "businesswire-newsml-20130605006126.json": ("content/en/2013/06/cambrios-gartner.md", "3.x"),
    "LISTING_2_NewsML-G2_Text_Document.xml": ("content/en/2016/11/fed-to-halt-qe-to-avert-bubble.md", "G2"),
}
NOT_ARTICLES = {
    "ap_image.json": "holds no article, only picture item",
    "LISTING_3_Photo_in_NewsML-G2.xml": "holds no article, only picture item",
    "LISTING_6_Simple_NewsML-G2_Package.xml": "holds no article, only packageItem item",
    "LISTING_10_Abstract_Concept_conveyed_in_a_NewsML-G2_Concept_Item.xml": "holds no article, only conceptItem item",
    "ap_metadata_example.xml": "holds no article, only video item",
    "LISTING_1_A_NewsML-G2_News_Item.xml": "the item has no body text",  # its inlineXML is empty
    "ntb_text.json": "the item has no body text",  # descriptions only
    "LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml":
        "not a NewsML-G2 item or message (root element <contentSet>)",
    "LISTING_28_Illustrating_Located_Subject_and_Dateline.xml": "not a NewsML-G2 item or message (root element <contentMeta>)",
}


def test_official_samples_import_then_build(make_site, run_cli, build_site):
    site = import_site(make_site)
    inbox = site.parent / "wire"
    shutil.copytree(WIRE, inbox)
    result = run_import(run_cli, site, "--lang", "en", *sorted(str(p) for p in inbox.glob("*.json")),
                        *sorted(str(p) for p in inbox.glob("*.xml")))
    assert result.exit_code == 1, result  # the samples that are not articles fail, each with its reason
    for name, (relative, _series) in SAMPLE_ARTICLES.items():
        assert f"{name}: wrote {relative}" in result.stdout
    for name, reason in NOT_ARTICLES.items():
        line = next(line for line in result.stderr.splitlines() if name in line)
        assert line.startswith("error: ") and reason in line, line
    # tt_text_image_3.json is tt_text_image_2.json in ninjs 3.x: the same item, version and file.
    assert "tt_text_image_3.json: the same item (http://tt.se/media/text/210526-militarovning-a0f2d045)" in result.stdout
    # ninjsExComplex1.json is 005_complex_text_article.json in 1.x (another uri): the same headline and time.
    assert "ninjsExComplex1.json: the same article as another input of this run" in result.stdout
    assert "Traceback" not in result.stderr

    captain = article(site, SAMPLE_ARTICLES["005_complex_text_article.json"][0])
    assert captain["title"] == "Captain of wrecked cruise ship on trial in Italy"
    assert captain["dateline"] == {"city": "Grossetto"}  # located, not the lead-in's spelling
    assert [p["name"] for p in captain["correspondents"]] == ["Paulo Santalucia", "Frances d'Emilio"]
    assert captain["wire_id"] == "http://ninjs.example.com/newsitems/20130709med123"
    assert captain.content.startswith("The trial of the captain")  # "GROSSETO, Italy (AP) --" taken off
    dpa = article(site, SAMPLE_ARTICLES["dpa_text.json"][0])
    assert [p["name"] for p in dpa["correspondents"]] == ["Christian Hollmann"]  # "Von Christian Hollmann, dpa"
    assert iso(dpa["posted"]) == "2019-05-10T23:02:28+09:00"
    fed = article(site, SAMPLE_ARTICLES["LISTING_2_NewsML-G2_Text_Document.xml"][0])
    assert fed["title"] == 'Fed to halt QE to avert "bubble"'
    assert iso(fed["posted"]) == "2016-11-22T05:21:06+09:00"  # contentCreated, -05:00 in Seoul
    assert iso(fed["updated"]) == "2018-11-22T06:25:32+09:00"
    assert fed["dateline"] == {"city": "New York", "local": "뉴욕"}  # "New York, NY"; [places] gives the Korean name
    assert fed["correspondents"] == [{"name": "Meredith Jameson"}]
    assert fed["wire_version"]["version"] == "11"

    out = build_site(site)
    for relative, _series in SAMPLE_ARTICLES.values():
        meta = article(site, relative)
        posted = meta["posted"]
        page = out / "en" / f"{posted:%Y/%m/%d}" / meta["slug"] / "index.html"
        assert parse_html(page).find("h1").get_text(strip=True) == smarten(meta["title"], "")  # headlines are typeset


def test_ninjs_1_composite_with_a_body_is_an_article_with_its_photo(make_site, run_cli, tmp_path):
    site = import_site(make_site)
    result = run_import(run_cli, site, WIRE / "ninjsExComplex1.json")
    assert result.exit_code == 0, result
    captain = article(site, "content/en/2013/07/captain-of-wrecked-cruise-ship-on-trial-in-italy.md")
    assert captain["wire_id"] == "http://ninjs.example.com/newsitems/20130709cplx123"
    assert captain["correspondents"] == [{"name": "Paulo Santalucia"}, {"name": "Frances d'Emilio"}]
    assert captain.content.startswith("The trial of the captain")
    photo = captain["wire_image"]
    assert photo["remote"] == "http://hosted.ap.org/photos/2/2643c588-dc8d-4923-bebd-e3b904edbb3a-big.jpg"
    assert photo["alt"].startswith("The Costa Concordia cruise ship lies on its side")
    assert photo["credit"] == "Paulo Santalucia"


# ---- detection by content ------------------------------------------------------------------


def test_format_is_told_by_content_not_by_extension(make_site, run_cli, tmp_path):
    site = import_site(make_site)
    write_json(tmp_path, "item.txt", ninjs3())
    write_text(tmp_path, "story.dat", newsml_item(guid="urn:g2:other", headline="Second story"))
    result = run_import(run_cli, site, tmp_path / "item.txt", tmp_path / "story.dat")
    assert result.exit_code == 0, result
    assert sorted(content_files(site)) == ["content/en/2024/05/ceasefire-talks-resume-in-cairo.md",
                                           "content/en/2024/05/second-story.md"]


def test_ninjs_series_are_read_alike(make_site, run_cli, tmp_path):
    """One item written in the 1.x, 2.x and 3.x series gives the same article."""
    one = {"uri": "urn:x:1", "type": "text", "version": "1", "firstcreated": "2024-05-02T22:55:00Z",
           "versioncreated": "2024-05-02T22:55:00Z", "language": "en", "headline": "Talks resume",
           "byline": "By Jane Roe", "located": "Cairo", "body_html": "<p>Negotiators met.</p>"}
    two = {"uri": "urn:x:1", "type": "text", "version": "1", "firstcreated": "2024-05-02T22:55:00Z",
           "versioncreated": "2024-05-02T22:55:00Z", "language": "en", "headlines": [{"role": "main", "value": "Talks resume"}],
           "by": "By Jane Roe", "located": "Cairo", "bodies": [{"role": "main", "contenttype": "text/html",
                                                               "value": "<p>Negotiators met.</p>"}]}
    three = ninjs3(uri="urn:x:1", headlines=[{"role": "main", "value": "Talks resume"}], located="Cairo",
                   bodies=[{"role": "main", "contentType": "text/html", "value": "<p>Negotiators met.</p>"}])
    texts = []
    for number, item in enumerate((one, two, three)):
        site = import_site(make_site)
        result = run_import(run_cli, site, write_json(tmp_path, f"item{number}.json", item))
        assert result.exit_code == 0, result
        texts.append(content_files(site)["content/en/2024/05/talks-resume.md"])
    assert texts[0] == texts[1] == texts[2]
    assert "Negotiators met." in texts[0] and "name: Jane Roe" in texts[0] and "city: Cairo" in texts[0]


def test_envelopes_around_ninjs_items(make_site, run_cli, tmp_path):
    first = ninjs3(uri="urn:x:a", headlines=[{"role": "main", "value": "First story"}])
    second = ninjs3(uri="urn:x:b", headlines=[{"role": "main", "value": "Second story"}])
    for envelope in ({"data": {"item": first}}, {"item": [first, second]}, {"items": [first, second]},
                     {"data": {"items": [first]}}, [first, second]):
        site = import_site(make_site)
        result = run_import(run_cli, site, write_json(tmp_path, "envelope.json", envelope))
        assert result.exit_code == 0, (envelope, result)
        expected = {"content/en/2024/05/first-story.md"}
        if second in (envelope if isinstance(envelope, list) else envelope.get("item") or envelope.get("items") or []):
            expected.add("content/en/2024/05/second-story.md")
        assert set(content_files(site)) == expected, envelope


def test_news_message_one_article_per_text_item(make_site, run_cli, tmp_path):
    site = import_site(make_site)
    picture = newsml_item(guid="urn:pic:1", item_class="ninat:picture", root=False, headline="Talks photo",
                          content_set='<remoteContent href="https://photos.example.com/talks.jpg" width="1200" height="800"/>')
    first = newsml_item(guid="urn:g2:a", headline="First story", root=False,
                        item_meta_extra='<link rel="irel:seeAlso" residref="urn:pic:1"/>')
    second = newsml_item(guid="urn:g2:b", headline="Second story", root=False)
    result = run_import(run_cli, site, write_text(tmp_path, "message.xml", news_message(first, picture, second)))
    assert result.exit_code == 0, result
    assert set(content_files(site)) == {"content/en/2024/05/first-story.md", "content/en/2024/05/second-story.md"}
    assert article(site, "content/en/2024/05/first-story.md")["wire_image"] == {
        "remote": "https://photos.example.com/talks.jpg", "alt": "Talks photo", "credit": "Jane Roe", "width": 1200,
        "height": 800}
    assert "wire_image" not in article(site, "content/en/2024/05/second-story.md")


def test_a_repeated_headline_takes_the_next_free_slug(make_site, run_cli, tmp_path):
    site = import_site(make_site)
    first = write_json(tmp_path, "a.json", ninjs3(uri="urn:x:a"))
    second = write_json(tmp_path, "b.json", ninjs3(uri="urn:x:b", firstCreated="2024-05-02T23:55:00Z"))
    third = write_json(tmp_path, "c.json", ninjs3(uri="urn:x:c", firstCreated="2024-05-04T00:00:00Z"))
    result = run_import(run_cli, site, first, second, third)
    assert result.exit_code == 0, result
    assert sorted(content_files(site)) == ["content/en/2024/05/ceasefire-talks-resume-in-cairo-2.md",
                                           "content/en/2024/05/ceasefire-talks-resume-in-cairo-3.md",
                                           "content/en/2024/05/ceasefire-talks-resume-in-cairo.md"]
    assert ("warning: content/en/2024/05/ceasefire-talks-resume-in-cairo.md holds another article: "
            "slug 'ceasefire-talks-resume-in-cairo-2' instead") in result.stdout
    # The same headline at the same time under another id is taken as a re-sent item, not a new one.
    again = write_json(tmp_path, "d.json", ninjs3(uri="urn:x:d"))
    result = run_import(run_cli, site, again)
    assert "skipped" in result.stdout and "already imported as content/en/2024/05/ceasefire-talks-resume-in-cairo.md" \
        in result.stdout


# ---- field rules ---------------------------------------------------------------------------


def imported(make_site, run_cli, tmp_path, item, *args, name="item.json"):
    site = import_site(make_site)
    path = write_json(tmp_path, name, item) if isinstance(item, dict) else write_text(tmp_path, name, item)
    result = run_import(run_cli, site, *args, path)
    assert result.exit_code == 0, result
    relative, meta = only_article(site)
    return result, relative, meta


def test_version_created_before_first_created_gives_no_updated(make_site, run_cli, tmp_path):
    _, _, meta = imported(make_site, run_cli, tmp_path, ninjs3(versionCreated="2024-05-02T20:00:00Z"))
    assert iso(meta["posted"]) == "2024-05-03T07:55:00+09:00"
    assert "updated" not in meta


def test_times_with_offset_plus_0000_and_without_offset_are_utc(make_site, run_cli, tmp_path):
    _, _, meta = imported(make_site, run_cli, tmp_path, ninjs3(firstCreated="2024-05-02T22:55:00+0000",
                                                               versionCreated="2024-05-02T23:10:00"),
                          "--no-validate")
    assert iso(meta["posted"]) == "2024-05-03T07:55:00+09:00"
    assert iso(meta["updated"]) == "2024-05-03T08:10:00+09:00"


def test_embargo_later_than_creation_becomes_posted(make_site, run_cli, tmp_path):
    item = newsml_item(item_meta_extra="<embargoed>2024-05-03T12:00:00Z</embargoed>")
    _, relative, meta = imported(make_site, run_cli, tmp_path, item, name="item.xml")
    assert iso(meta["posted"]) == "2024-05-03T21:00:00+09:00"
    assert "updated" not in meta  # versionCreated is before the new posted time
    earlier = newsml_item(item_meta_extra="<embargoed>2024-05-01T00:00:00Z</embargoed>", guid="urn:x:earlier")
    _, _, meta = imported(make_site, run_cli, tmp_path / "b", earlier, name="item.xml")
    assert iso(meta["posted"]) == "2024-05-03T07:55:00+09:00"


def test_dateline_element_with_a_timestamp_is_never_the_dateline(make_site, run_cli, tmp_path):
    item = newsml_item(located="", content_meta_extra="<dateline>2024-05-03 07:55 GMT</dateline>",
                       body=paragraphs_xml("Negotiators met again on Friday."))
    _, _, meta = imported(make_site, run_cli, tmp_path, item, name="item.xml")
    assert "dateline" not in meta
    item = newsml_item(located="", content_meta_extra="<dateline>MOSCOW, Monday (Reuters)</dateline>",
                       body=paragraphs_xml("Negotiators met again on Friday."), guid="urn:x:moscow")
    _, _, meta = imported(make_site, run_cli, tmp_path / "b", item, name="item.xml")
    assert meta["dateline"] == {"city": "Moscow"}


def test_located_hierarchy_gives_the_city(make_site, run_cli, tmp_path):
    located = ('<located type="cptype:city" qcode="geo:345678"><name>Springfield</name>'
               '<broader type="cptype:statprov" qcode="prov:IL"><name>Illinois</name></broader>'
               '<broader type="cptype:country" qcode="iso3166-1a2:US"><name>United States</name></broader></located>')
    _, _, meta = imported(make_site, run_cli, tmp_path, newsml_item(located=located), name="item.xml")
    assert meta["dateline"] == {"city": "Springfield"}
    by_code = '<located qcode="city:Moscow"><broader qcode="cntry:Russia"/></located>'
    _, _, meta = imported(make_site, run_cli, tmp_path / "b", newsml_item(located=by_code), name="item.xml")
    assert meta["dateline"] == {"city": "Moscow"}
    digits = '<located qcode="geo:345678"/>'
    _, _, meta = imported(make_site, run_cli, tmp_path / "c", newsml_item(located=digits, body=paragraphs_xml("Text.")),
                          name="item.xml")
    assert "dateline" not in meta


def test_bylines_lose_by_and_affiliations(make_site, run_cli, tmp_path):
    for number, (byline, names) in enumerate([
        ("By Jane Roe", ["Jane Roe"]),
        ("Jane Roe, University of Somewhere", ["Jane Roe"]),
        ("BY JANE ROE AND JOHN DOE", ["JANE ROE", "JOHN DOE"]),
        ("Karl Melander/TT", ["Karl Melander"]),
        ("Example Wire", []),  # only the agency: no person
    ]):
        item = ninjs3(by=byline, copyrightHolder="Example Wire")
        _, _, meta = imported(make_site, run_cli, tmp_path / str(number), item)
        assert [p["name"] for p in meta.get("correspondents", [])] == names, byline


def test_byline_goes_through_the_staff_registry(make_site, run_cli, tmp_path):
    _, _, meta = imported(make_site, run_cli, tmp_path, ninjs3(by="By KIM KI-YUN, Cairo correspondent"))
    assert meta["correspondents"] == [{"name": "Kim Ki-yun", "local": "김기윤", "email": "pep@donga.com",
                                       "role": "correspondent"}]


def test_language_with_region_and_languages_the_site_lacks(make_site, run_cli, tmp_path):
    _, relative, _ = imported(make_site, run_cli, tmp_path, ninjs3(language="en-US"))
    assert relative.startswith("content/en/")
    _, relative, _ = imported(make_site, run_cli, tmp_path / "ko", ninjs3(language="ko-KR"))
    assert relative.startswith("content/ko/")
    site = import_site(make_site)
    french = write_json(tmp_path, "fr.json", ninjs3(language="fr"))
    result = run_import(run_cli, site, french)
    assert result.exit_code == 1
    assert "the article is in 'fr', not one of this site's languages (en, ko); pass --lang" in result.stderr
    assert content_files(site) == {}
    result = run_import(run_cli, site, "--lang", "en", french)
    assert result.exit_code == 0, result
    assert "--lang en overrides the page's own language 'fr'" in result.stdout


def test_agency_lead_in_leaves_the_text_once_it_is_the_dateline(make_site, run_cli, tmp_path):
    body = "<p>SPRINGFIELD, Ill. (AP) _ The governor signed the bill.</p><p>A second paragraph.</p>"
    item = ninjs3(located=None, bodies=[{"role": "main", "contentType": "text/html", "value": body}])
    _, _, meta = imported(make_site, run_cli, tmp_path, item)
    assert meta["dateline"] == {"city": "Springfield"}
    assert meta.content == "The governor signed the bill.\n\nA second paragraph."


def test_korean_wire_item(make_site, run_cli, tmp_path):
    body = "<p>(서울=연합뉴스) 김기윤 기자 = 블링컨 장관이 만났다.</p>"
    item = ninjs3(language="ko-KR", located=None, by="김기윤 기자", headlines=[{"role": "main", "value": "휴전 협상 교착"}],
                  bodies=[{"role": "main", "contentType": "text/html", "value": body}])
    _, relative, meta = imported(make_site, run_cli, tmp_path, item)
    assert relative == "content/ko/2024/05/hyujeon-hyeopsang-gyochak.md"
    assert meta["dateline"] == {"city": "Seoul", "local": "서울"}
    assert meta["correspondents"] == [{"name": "Kim Ki-yun", "local": "김기윤", "email": "pep@donga.com",
                                       "role": "reporter"}]
    assert meta.content == "블링컨 장관이 만났다."


def test_bodies_become_clean_markdown(make_site, run_cli, tmp_path):
    nitf = ("<hl2>Background</hl2><p>See <a href=\"https://example.com/report\">the report</a> and <em>this</em>.</p>"
            "<ul><li>one</li><li>two</li></ul><ol><li>first</li><li>second</li></ol>"
            "<bq><block><p>Quoted words.</p></block></bq><p># not a heading, *not* emphasis</p>"
            "<media media-type=\"image\"><media-reference source=\"x.jpg\"/></media>")
    _, _, meta = imported(make_site, run_cli, tmp_path, newsml_item(body=nitf), name="item.xml")
    assert meta.content == (
        "### Background\n\nSee [the report](https://example.com/report) and *this*.\n\n- one\n- two\n\n"
        "1. first\n2. second\n\n> Quoted words.\n\n\\# not a heading, \\*not\\* emphasis")
    xhtml = ('<inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><head>'
             "<title>x</title></head><body><h2>Head</h2><p>Text <strong>bold</strong>.</p>"
             "<blockquote><p>Said.</p></blockquote><script>alert(1)</script></body></html></inlineXML>")
    _, _, meta = imported(make_site, run_cli, tmp_path / "x", newsml_item(content_set=xhtml, guid="urn:x:xhtml"),
                          name="item.xml")
    assert meta.content == "## Head\n\nText **bold**.\n\n> Said."


def test_plain_text_body(make_site, run_cli, tmp_path):
    item = ninjs3(bodies=[{"role": "main", "contentType": "text/plain", "value": "First line.\n\nSecond -- line."}])
    _, _, meta = imported(make_site, run_cli, tmp_path, item)
    assert meta.content == "First line.\n\nSecond -- line."


def test_characters_xml_cannot_carry_are_dropped_with_a_warning(make_site, run_cli, tmp_path, build_site):
    item = ninjs3(headlines=[{"role": "main", "value": "Talks\u000b resume\ufffe"}],
                  bodies=[{"role": "main", "contentType": "text/plain", "value": "Nego\u0008tiators\u0000 met."}])
    result, relative, meta = imported(make_site, run_cli, tmp_path, item)
    assert meta["title"] == "Talks resume"
    assert meta.content == "Negotiators met."
    assert "warning: dropped 4 characters that XML cannot carry" in result.stdout
    xml = newsml_item(body="<p>Nego\u0008tiators met.</p>", guid="urn:x:ctl")
    result, _, meta = imported(make_site, run_cli, tmp_path / "x", xml, name="item.xml")
    assert meta.content == "Negotiators met."
    assert "dropped 1 character that XML cannot carry" in result.stdout


def test_local_photo_is_copied_beside_the_article(make_site, run_cli, tmp_path):
    photo = tmp_path / "in" / "renditions" / "talks.JPG"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    association = {"name": "mainpic", "uri": "urn:pic:1", "type": "picture", "by": "Jane Roe/Example Wire",
                   "headlines": [{"role": "main", "value": "Talks"}],
                   "descriptions": [{"role": "caption", "value": "Negotiators arrive in Cairo."}],
                   "renditions": [{"name": "thumb", "href": "https://photos.example.com/t.jpg", "width": 100},
                                  {"name": "main", "href": "renditions/talks.JPG", "width": 2000, "height": 1333}]}
    site = import_site(make_site)
    result = run_import(run_cli, site, write_json(tmp_path / "in", "item.json", ninjs3(associations=[association])))
    assert result.exit_code == 0, result
    meta = article(site, "content/en/2024/05/ceasefire-talks-resume-in-cairo.md")
    assert meta["image"] == {"src": "ceasefire-talks-resume-in-cairo.jpg", "alt": "Negotiators arrive in Cairo.",
                             "caption": "Negotiators arrive in Cairo.", "credit": "Jane Roe/Example Wire"}
    copied = site / "content/en/2024/05/ceasefire-talks-resume-in-cairo.jpg"
    assert copied.read_bytes() == photo.read_bytes()


def test_a_rendition_outside_the_raw_files_folder_is_never_copied(make_site, run_cli, tmp_path):
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(b"private")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.txt").write_text("not an image", encoding="utf-8")
    for number, href in enumerate(("../secret.jpg", f"file://{secret}", str(secret), "notes.txt")):
        association = {"name": "mainpic", "uri": "urn:pic:1", "type": "picture", "renditions": [{"name": "main", "href": href}]}
        site = import_site(make_site)
        item = ninjs3(uri=f"urn:x:{number}", associations=[association])
        result = run_import(run_cli, site, write_json(tmp_path / "in", f"item{number}.json", item))
        assert result.exit_code == 0, result
        (relative,) = content_files(site)
        meta = article(site, relative)
        assert "image" not in meta and "wire_image" not in meta, href


def test_remote_photo_is_recorded_never_downloaded(make_site, run_cli, tmp_path):
    association = {"name": "mainpic", "uri": "urn:pic:1", "type": "picture",
                   "renditions": [{"name": "main", "href": "https://photos.invalid/talks.jpg", "width": 800}]}
    _, _, meta = imported(make_site, run_cli, tmp_path, ninjs3(associations=[association]))
    assert meta["wire_image"] == {"remote": "https://photos.invalid/talks.jpg", "alt": "Photo", "width": 800}
    assert "image" not in meta


# ---- bad input -----------------------------------------------------------------------------


def failing(make_site, run_cli, tmp_path, name, data, *args):
    site = import_site(make_site)
    path = write_text(tmp_path, name, data)
    result = run_import(run_cli, site, *args, path)
    assert result.exit_code == 1, result
    assert content_files(site) == {}  # nothing, not even half a file
    assert "Traceback" not in result.stderr
    return result.stderr, path


def test_invalid_json_names_file_and_line(make_site, run_cli, tmp_path):
    stderr, path = failing(make_site, run_cli, tmp_path, "bad.json", '{\n  "uri": "urn:x",\n  "headline": oops\n}')
    assert f"error: {path}:3: invalid JSON: Expecting value (column 15)" in stderr


def test_invalid_xml_names_file_and_line(make_site, run_cli, tmp_path):
    text = newsml_item().replace("</contentMeta>", "</contentMta>")
    stderr, path = failing(make_site, run_cli, tmp_path, "bad.xml", text)
    assert f"error: {path}:5: invalid XML: Opening and ending tag mismatch: contentMeta line 5 and contentMta" in stderr


def test_ninjs_schema_violation_names_the_json_path(make_site, run_cli, tmp_path):
    item = ninjs3(headlines="Talks resume", pubStatus="published")
    stderr, path = failing(make_site, run_cli, tmp_path, "item.json", json.dumps(item))
    assert f"error: {path}: not valid ninjs 3.x (its JSON Schema): $.headlines: 'Talks resume' is not of type 'array'" in stderr
    assert "$.pubStatus: 'published' is not one of ['usable', 'withheld', 'canceled']" in stderr
    assert "(--no-validate imports it anyway)" in stderr


def test_newsml_schema_violation_names_the_line(make_site, run_cli, tmp_path):
    text = newsml_item(item_meta_extra="<pubStatus>usable</pubStatus><flavour>odd</flavour>")
    stderr, path = failing(make_site, run_cli, tmp_path, "item.xml", text)
    assert f"error: {path}:4: not valid NewsML-G2 2.35 (its XML Schema): line 4: Element" in stderr


def test_no_validate_imports_with_a_warning(make_site, run_cli, tmp_path):
    result, _, meta = imported(make_site, run_cli, tmp_path, ninjs3(extraField=1), "--no-validate")
    assert "warning: not valid ninjs 3.x: $: Unevaluated properties are not allowed ('extraField' was unexpected)" \
        in result.stdout
    assert meta["title"] == "Ceasefire talks resume in Cairo"


def test_item_without_headline_or_body(make_site, run_cli, tmp_path):
    stderr, path = failing(make_site, run_cli, tmp_path, "item.json", json.dumps(ninjs3(headlines=[])))
    assert f"error: {path}: the item has no headline" in stderr
    stderr, path = failing(make_site, run_cli, tmp_path / "b", "item.xml", newsml_item(body=""))
    assert f"error: {path}: the item has no body text" in stderr


def test_unknown_formats(make_site, run_cli, tmp_path):
    stderr, path = failing(make_site, run_cli, tmp_path, "data.json", '{"name": "not news"}')
    assert f"error: {path}: JSON, but not an IPTC ninjs item" in stderr
    stderr, path = failing(make_site, run_cli, tmp_path / "b", "feed.xml", '<?xml version="1.0"?><rss><channel/></rss>')
    assert f"error: {path}:1: XML, but not a NewsML-G2 item or message (root element <rss>)" in stderr
    stderr, path = failing(make_site, run_cli, tmp_path / "c", "old.xml", "<NewsML><NewsEnvelope/></NewsML>")
    assert "NewsML 1.x is not supported: ask the agency for NewsML-G2 or ninjs" in stderr


def test_one_bad_item_in_a_file_keeps_the_others(make_site, run_cli, tmp_path):
    site = import_site(make_site)
    good = ninjs3(uri="urn:x:good", headlines=[{"role": "main", "value": "Good story"}])
    bad = ninjs3(uri="urn:x:bad", headlines=[])
    result = run_import(run_cli, site, write_json(tmp_path, "two.json", {"items": [good, bad]}))
    assert result.exit_code == 1
    assert "item 2 (urn:x:bad): the item has no headline" in result.stderr
    assert list(content_files(site)) == ["content/en/2024/05/good-story.md"]


def test_odd_length_utf16_file_is_an_error_not_a_traceback(make_site, run_cli, tmp_path):
    data = "\ufeff{\"uri\": \"x\"}".encode("utf-16-le")[:-1]
    stderr, path = failing(make_site, run_cli, tmp_path, "odd.json", b"\xff\xfe" + data[2:])
    assert f"error: {path}: starts as UTF-16 text but has an odd number of bytes" in stderr
    stderr, path = failing(make_site, run_cli, tmp_path / "b", "odd.txt", "\ufeffPosted".encode("utf-16-le") + b"x")
    assert "odd number of bytes" in stderr


def test_utf16_ninjs_with_a_byte_order_mark_imports(make_site, run_cli, tmp_path):
    data = json.dumps(ninjs3()).encode("utf-16")  # with its BOM
    _, _, meta = imported(make_site, run_cli, tmp_path, data, name="item.json")
    assert meta["title"] == "Ceasefire talks resume in Cairo"
