"""The importer on the core's rules: one staff-matching rule with the index, pairs that end linked,
raw files in the legacy Korean encodings."""

from __future__ import annotations

from test_import_support import article, content_files, import_site, raw

from dateline.config import StaffMember, load_config
from dateline.content import Person
from dateline.importer.bylines import find_staff
from dateline.index import _correspondents
from dateline.staff import StaffRegistry, name_key

SAMPLE_EN = "content/en/2024/05/israel-hamas-ceasefire-negotiations-hit-stalemate.md"
SAMPLE_KO = "content/ko/2024/05/israel-hamas-ceasefire-negotiations-hit-stalemate.md"

KIM = StaffMember("Kim Ki-yun", "김기윤", "pep@donga.com", "correspondent")
LEE = StaffMember("Lee Ji-hyun", "이지현", "jhlee@example.com")
NAMESAKE = StaffMember("Kim Ki-yun", "", "other@example.com")


def run_import(run_cli, site, *args):
    return run_cli("import", "--site", site, *args)


# ---- one rule for matching a byline to the staff registry ----------------------------------


def test_registry_matches_by_email_then_by_either_name():
    registry = StaffRegistry((KIM, LEE, NAMESAKE))
    assert registry.find(email="PEP@DONGA.COM") is KIM
    assert registry.find(email="other@example.com", name="Lee Ji-hyun") is NAMESAKE  # email wins over name
    assert registry.find(name="kim  ki-yun") is KIM  # case and spaces do not matter; the first of a name wins
    assert registry.find(name="이지현") is LEE  # a byline's name may be the local one
    assert registry.find(local="Lee Ji-hyun") is LEE
    assert registry.find(email="nobody@example.com", name="Nobody") is None
    assert registry.find() is None
    assert name_key("Ｋim") == name_key("ｋim") and name_key("\u1100\u1161") == name_key("가")


def test_index_and_importer_find_the_same_person(make_site):
    site = import_site(make_site)
    config = load_config(site)
    for byline in (Person("KIM KI-YUN"), Person("김기윤"), Person("Someone", email="Pep@Donga.com"), Person("Nobody")):
        from_importer = find_staff(config, email=byline.email, name=byline.name, local=byline.local)
        people, keys = _correspondents(config, [_article(byline)])
        merged = people[next(iter(people))]
        if from_importer is None:
            assert merged.email == "" and merged.name == byline.name
        else:
            assert (merged.name, merged.email) == (from_importer.name, from_importer.email), byline


def _article(person: Person):
    import datetime as dt

    from dateline.content import Article

    posted = dt.datetime(2024, 5, 3, tzinfo=dt.UTC)
    return Article(source="content/en/a.md", lang="en", title="A", posted=posted, updated=None, slug="a", body="",
                   body_line=1, digest="", correspondents=(person,))


# ---- --pair with --story brings both files to the key (issue 16, item 4) --------------------


def test_pair_with_story_after_an_earlier_import_links_both(make_site, run_cli):
    site = import_site(make_site)
    assert run_import(run_cli, site, raw("israel-hamas-ceasefire-stalemate.en.txt")).exit_code == 0
    result = run_import(run_cli, site, "--pair", raw("israel-hamas-ceasefire-stalemate.en.txt"),
                        raw("ceasefire.ko.txt"), "--story", "gaza-talks")
    assert result.exit_code == 0, result
    assert f"set story 'gaza-talks' in {SAMPLE_EN} (was 'israel-hamas-ceasefire-negotiations-hit-stalemate')" \
        in result.stdout
    english, korean = article(site, SAMPLE_EN), article(site, SAMPLE_KO)
    assert english["story"] == korean["story"] == "gaza-talks"
    assert english["title"] == "Israel-Hamas ceasefire negotiations hit stalemate"  # nothing else changed


def test_pair_without_story_takes_the_key_already_in_the_site(make_site, run_cli, build_site, html):
    site = import_site(make_site)
    assert run_import(run_cli, site, raw("israel-hamas-ceasefire-stalemate.en.txt"), "--story", "gaza").exit_code == 0
    result = run_import(run_cli, site, "--pair", raw("israel-hamas-ceasefire-stalemate.en.txt"), raw("ceasefire.ko.txt"))
    assert result.exit_code == 0, result
    assert f"already imported as {SAMPLE_EN} (story 'gaza', linked)" in result.stdout
    assert article(site, SAMPLE_KO)["story"] == "gaza"
    out = build_site(site)
    page = html(out / "ko/2024/05/03/israel-hamas-ceasefire-negotiations-hit-stalemate/index.html")
    assert page.find("a", hreflang="en") is not None  # the pages link


# ---- legacy Korean encodings (issue 16, item 8) and odd UTF-16 (issue 17, item 3) -----------


def test_cp949_and_euc_kr_page_text_imports_as_utf8(make_site, run_cli, tmp_path):
    text = raw("ceasefire.ko.txt").read_text(encoding="utf-8")
    for encoding in ("cp949", "euc-kr"):
        site = import_site(make_site)
        path = tmp_path / f"ceasefire.{encoding}.txt"
        path.write_bytes(text.encode(encoding, errors="strict"))
        result = run_import(run_cli, site, path)
        assert result.exit_code == 0, result
        (relative,) = content_files(site)
        korean = article(site, relative)
        assert korean["title"] == "이-하마스 휴전 협상 교착"
        assert "토니 블링컨 미국 국무장관이" in (site / relative).read_bytes().decode("utf-8")  # written as UTF-8


def test_bytes_in_no_known_encoding_still_fail_with_the_line(make_site, run_cli):
    site = import_site(make_site)
    result = run_import(run_cli, site, raw("latin1.en.txt"))
    assert result.exit_code == 1
    assert "not UTF-8 text (byte 0xe9 on line 3); save it as UTF-8" in result.stderr
