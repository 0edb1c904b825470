"""Wire versions: a newer version of an item updates its file in place; corrections, withdrawals, withholding."""

from __future__ import annotations

from test_import_support import article, content_files, import_site, iso
from test_import_wire_support import newsml_item, ninjs3, paragraphs_xml, write_json, write_text

PATH = "content/en/2024/05/ceasefire-talks-resume-in-cairo.md"


def run_import(run_cli, site, *args):
    return run_cli("import", "--site", site, *args)


def version(number: int, created: str, **fields) -> dict:
    return ninjs3(version=str(number), versionCreated=created, **fields)


def send(run_cli, site, folder, item, *args, name="item.json"):
    path = write_json(folder, name, item) if isinstance(item, dict) else write_text(folder, name, item)
    return run_import(run_cli, site, *args, path)


def test_newer_version_updates_the_file_in_place(make_site, run_cli, tmp_path):
    site = import_site(make_site)
    assert send(run_cli, site, tmp_path, version(1, "2024-05-02T22:55:00Z")).exit_code == 0
    # An editor files the story under a section and tags it; the wire knows nothing of that.
    path = site / PATH
    path.write_text(path.read_text(encoding="utf-8").replace("wire_id:", "section: World\ntags:\n- gaza\nwire_id:"),
                    encoding="utf-8")
    newer = version(2, "2024-05-03T01:30:00Z", headlines=[{"role": "main", "value": "Ceasefire talks stall in Cairo"}],
                    bodies=[{"role": "main", "contentType": "text/html", "value": "<p>The talks stalled.</p>"}])
    result = send(run_cli, site, tmp_path, newer)
    assert result.exit_code == 0, result
    assert f"updated {PATH} (version 1 of 2024-05-03T07:55:00+09:00 -> version 2 of 2024-05-03T10:30:00+09:00)" \
        in result.stdout
    assert list(content_files(site)) == [PATH]  # same file, same slug and URL
    meta = article(site, PATH)
    assert meta["title"] == "Ceasefire talks stall in Cairo"
    assert meta["slug"] == "ceasefire-talks-resume-in-cairo"
    assert iso(meta["posted"]) == "2024-05-03T07:55:00+09:00"
    assert iso(meta["updated"]) == "2024-05-03T10:30:00+09:00"
    assert meta["section"] == "World" and meta["tags"] == ["gaza"]  # the editor's keys stay
    assert meta.content == "The talks stalled."
    assert meta["wire_version"]["version"] == "2"
    text = (site / PATH).read_text(encoding="utf-8")
    keys = [line.split(":")[0] for line in text.split("---\n")[1].splitlines() if not line.startswith((" ", "-"))]
    assert keys == ["title", "slug", "posted", "updated", "dateline", "correspondents", "section", "tags", "wire_id",
                    "wire_version"]  # the file's own order, updated beside posted


def test_a_version_without_first_created_keeps_posted_and_sets_updated(make_site, run_cli, tmp_path):
    site = import_site(make_site)
    assert send(run_cli, site, tmp_path, version(1, "2024-05-02T22:55:00Z")).exit_code == 0
    result = send(run_cli, site, tmp_path, version(2, "2024-05-03T01:30:00Z", firstCreated=None))
    assert "the new version is posted 2024-05-03T10:30:00+09:00; kept 2024-05-03T07:55:00+09:00 so the URL stays" \
        in result.stdout
    meta = article(site, PATH)
    assert iso(meta["posted"]) == "2024-05-03T07:55:00+09:00"
    assert iso(meta["updated"]) == "2024-05-03T10:30:00+09:00"


def test_older_version_never_overwrites_a_newer_one(make_site, run_cli, tmp_path):
    site = import_site(make_site)
    assert send(run_cli, site, tmp_path, version(2, "2024-05-03T01:30:00Z")).exit_code == 0
    before = content_files(site)
    result = send(run_cli, site, tmp_path, version(1, "2024-05-02T22:55:00Z", headlines=[
        {"role": "main", "value": "An old headline"}]))
    assert result.exit_code == 0, result
    assert (f"skipped {tmp_path / 'item.json'}: older version (version 1 of 2024-05-03T07:55:00+09:00) than the one "
            f"in {PATH} (version 2 of 2024-05-03T10:30:00+09:00): kept the newer one") in result.stdout
    assert content_files(site) == before


def test_version_numbers_decide_when_the_times_are_equal(make_site, run_cli, tmp_path):
    site = import_site(make_site)
    assert send(run_cli, site, tmp_path, version(3, "2024-05-03T01:30:00Z")).exit_code == 0
    result = send(run_cli, site, tmp_path, version(2, "2024-05-03T01:30:00Z"))
    assert "older version (version 2 of" in result.stdout
    result = send(run_cli, site, tmp_path, version(3, "2024-05-03T01:30:00Z"))
    assert f"this version is already in {PATH} (pass --force to write it again)" in result.stdout
    result = send(run_cli, site, tmp_path, version(3, "2024-05-03T01:30:00Z"), "--force")
    assert f"updated {PATH}" in result.stdout


def test_a_correction_appends_to_corrections(make_site, run_cli, tmp_path, build_site):
    site = import_site(make_site)
    first = newsml_item(version="1")
    assert send(run_cli, site, tmp_path, first, name="item.xml").exit_code == 0
    path = "content/en/2024/05/ceasefire-talks-resume-in-cairo.md"
    corrected = newsml_item(version="2", version_created="2024-05-03T02:00:00Z",
                            item_meta_extra='<edNote>Corrects spelling of the negotiator\'s name.</edNote>'
                                            '<signal qcode="sig:correction"/>',
                            body=paragraphs_xml("CAIRO (Reuters) - Negotiators met again.", "Corrected text."))
    assert send(run_cli, site, tmp_path, corrected, name="item.xml").exit_code == 0
    again = newsml_item(version="3", version_created="2024-05-03T03:00:00Z",
                        item_meta_extra="<edNote>CORRECTS date in second paragraph</edNote>",
                        body=paragraphs_xml("Third text."))
    assert send(run_cli, site, tmp_path, again, name="item.xml").exit_code == 0
    meta = article(site, path)
    assert [(iso(c["at"]), c["text"]) for c in meta["corrections"]] == [
        ("2024-05-03T11:00:00+09:00", "Corrects spelling of the negotiator's name."),
        ("2024-05-03T12:00:00+09:00", "CORRECTS date in second paragraph"),
    ]
    assert meta.content == "Third text."
    build_site(site)


def test_a_ninjs_correction_signal(make_site, run_cli, tmp_path):
    """`signals` is an agencies' extension the IPTC schemas lack: it is read and does not fail validation."""
    site = import_site(make_site)
    assert send(run_cli, site, tmp_path, version(1, "2024-05-02T22:55:00Z")).exit_code == 0
    corrected = version(2, "2024-05-03T01:00:00Z", signals=[{"code": "correction", "name": "Correction"}])
    result = send(run_cli, site, tmp_path, corrected)
    assert result.exit_code == 0, result
    assert [(iso(c["at"]), c["text"]) for c in article(site, PATH)["corrections"]] == [
        ("2024-05-03T10:00:00+09:00", "The wire service corrected this article.")]


def test_an_update_that_is_not_a_correction_adds_none(make_site, run_cli, tmp_path):
    site = import_site(make_site)
    assert send(run_cli, site, tmp_path, newsml_item(version="1"), name="item.xml").exit_code == 0
    update = newsml_item(version="2", version_created="2024-05-03T02:00:00Z",
                         item_meta_extra='<edNote>Adds quotes.</edNote><signal qcode="sig:update"/>')
    assert send(run_cli, site, tmp_path, update, name="item.xml").exit_code == 0
    assert "corrections" not in article(site, "content/en/2024/05/ceasefire-talks-resume-in-cairo.md")


def test_canceled_withdraws_the_article_and_keeps_its_text(make_site, run_cli, tmp_path, build_site):
    site = import_site(make_site)
    assert send(run_cli, site, tmp_path, version(1, "2024-05-02T22:55:00Z")).exit_code == 0
    text_before = article(site, PATH).content
    canceled = version(2, "2024-05-03T04:00:00Z", pubStatus="canceled", edNote="Story killed: legal concerns.")
    result = send(run_cli, site, tmp_path, canceled)
    assert result.exit_code == 0, result
    assert f"withdrew {PATH}" in result.stdout
    meta = article(site, PATH)
    assert iso(meta["withdrawn"]["at"]) == "2024-05-03T13:00:00+09:00"
    assert meta["withdrawn"]["reason"] == "Story killed: legal concerns."
    assert meta.content == text_before
    build_site(site)


def test_canceled_item_never_imported_writes_nothing(make_site, run_cli, tmp_path):
    site = import_site(make_site)
    result = send(run_cli, site, tmp_path, version(2, "2024-05-03T04:00:00Z", pubStatus="canceled"))
    assert result.exit_code == 0, result
    assert "the wire canceled item urn:example:wire:item-1, which is not in the site: nothing to withdraw" in result.stdout
    assert content_files(site) == {}


def test_withheld_is_kept_out_of_the_site_until_usable(make_site, run_cli, tmp_path, build_site):
    site = import_site(make_site)
    result = send(run_cli, site, tmp_path, version(1, "2024-05-02T22:55:00Z", pubStatus="withheld"))
    assert result.exit_code == 0, result
    assert "the wire withheld this version: written with draft: true" in result.stdout
    assert article(site, PATH)["draft"] is True
    out = build_site(site)
    assert not (out / "en/2024/05/03/ceasefire-talks-resume-in-cairo").exists()
    assert send(run_cli, site, tmp_path, version(2, "2024-05-03T01:00:00Z")).exit_code == 0
    assert "draft" not in article(site, PATH)
    out = build_site(site)
    assert (out / "en/2024/05/03/ceasefire-talks-resume-in-cairo/index.html").is_file()


def test_an_editors_draft_survives_a_new_version(make_site, run_cli, tmp_path):
    site = import_site(make_site)
    assert send(run_cli, site, tmp_path, version(1, "2024-05-02T22:55:00Z"), "--draft").exit_code == 0
    assert send(run_cli, site, tmp_path, version(2, "2024-05-03T01:00:00Z")).exit_code == 0
    assert article(site, PATH)["draft"] is True


def test_the_update_reaches_the_built_page(make_site, run_cli, tmp_path, build_site):
    site = import_site(make_site)
    assert send(run_cli, site, tmp_path, version(1, "2024-05-02T22:55:00Z")).exit_code == 0
    build_site(site)
    newer = version(2, "2024-05-03T01:30:00Z",
                    bodies=[{"role": "main", "contentType": "text/html", "value": "<p>Fresh text.</p>"}])
    assert send(run_cli, site, tmp_path, newer).exit_code == 0
    out = build_site(site)
    page = (out / "en/2024/05/03/ceasefire-talks-resume-in-cairo/index.html").read_text(encoding="utf-8")
    assert "Fresh text." in page and "Negotiators met again" not in page


def test_dry_run_says_what_a_version_would_do_and_writes_nothing(make_site, run_cli, tmp_path):
    site = import_site(make_site)
    result = send(run_cli, site, tmp_path, version(1, "2024-05-02T22:55:00Z"), "--dry-run")
    assert f"would write {PATH}" in result.stdout and content_files(site) == {}
    assert send(run_cli, site, tmp_path, version(1, "2024-05-02T22:55:00Z")).exit_code == 0
    before = content_files(site)
    result = send(run_cli, site, tmp_path, version(2, "2024-05-03T01:00:00Z"), "--dry-run")
    assert f"would update {PATH} (version 1 of" in result.stdout
    assert "title: Ceasefire talks resume in Cairo" in result.stdout  # the text that would be written
    result = send(run_cli, site, tmp_path, version(2, "2024-05-03T01:00:00Z", pubStatus="canceled"), "--dry-run")
    assert f"would withdraw {PATH}" in result.stdout
    assert content_files(site) == before
