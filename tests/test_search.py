"""Search: each edition's Pagefind index, built for real, and its page driven in Chromium.

One site with both editions is built once per module (Pagefind and the Korean analyser are slow
to start); the browser tests serve it below a base path (/news/) over local HTTP.
"""

from __future__ import annotations

import functools
import http.server
import json
import pickle
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import BODY, DEFAULT_CONFIG, cli, parse_html, tree_digest, write_site
from test_browser import CHROMIUM_ARGS, QuietHandler, chromium_path

from dateline import search
from dateline.build import Change, SiteBuilder, load_site
from dateline.config import load_config

SEARCH_CONFIG = DEFAULT_CONFIG.replace("enabled = false", "enabled = true")


def article(title, posted, body, **front):
    return ({"title": title, "posted": posted, **front}, body)


# A Korean sample for the analyser: each query's expected hits are the articles whose text has
# the word only in an inflected or compound form (or, for the first ones, as a prefix).
KOREAN = {
    "ko/2024/05/rain.md": article("수도권 폭우", "2024-05-01T09:00:00+09:00",
                                  "서울은 어제 폭우가 쏟아졌다.\n\n서울에서 열린 축제는 취소됐다.\n",
                                  section="사회", dateline={"city": "Seoul", "local": "서울"},
                                  correspondents=[{"name": "Lee Ji-hyun", "local": "이지현"}]),
    "ko/2024/05/river.md": article("불꽃 축제", "2024-05-02T09:00:00+09:00",
                                   "한강공원에서 시민들이 불꽃놀이를 구경했다.\n\n밤늦게까지 한강에서 유람선을 탔다.\n",
                                   section="사회"),
    "ko/2024/05/budget.md": article("내년 예산", "2024-05-03T09:00:00+09:00",
                                    "정부는 내년 예산안을 발표했다.\n\n경제가 회복되고 있다고 밝혔다.\n",
                                    section="경제", dateline={"city": "Sejong", "local": "세종"}),
    "ko/2024/05/market.md": article("전통시장 나들이", "2024-05-04T09:00:00+09:00",
                                    "관광객들이 시장에서 떡볶이를 먹었다.\n\n아름다운 야경을 보았다.\n",
                                    section="문화"),
    "ko/2024/05/library.md": article("새 도서관", "2024-05-05T09:00:00+09:00",
                                     "시는 강변에 새 도서관을 지었다.\n\n주민들이 개관식에 모였다.\n",
                                     section="문화"),
    "ko/2024/05/typhoon.md": article("태풍 북상", "2024-05-06T09:00:00+09:00",
                                     "남해안으로 태풍이 다가온다.\n\n어민들은 항구에 어선을 묶었다.\n",
                                     section="사회", dateline={"city": "Busan", "local": "부산"}),
}
ENGLISH = {
    "en/2024/05/ceasefire.md": article("Ceasefire talks stall in Cairo", "2024-05-03T07:55:00+09:00",
                                       "Negotiators left Cairo without a deal.\n\nThe ceasefire talks resume next week.\n",
                                       section="World", dateline="Cairo",
                                       correspondents=[{"name": "Kim Ki-yun", "local": "김기윤"}]),
    "en/2024/05/rates.md": article("Fed holds rates", "2024-05-02T03:00:00+09:00",
                                   "The Federal Reserve held interest rates steady.\n\nMarkets rallied.\n",
                                   section="Economy", dateline="Washington"),
    "en/2024/05/markup.md": article("A <b>bold</b> headline", "2024-05-01T03:00:00+09:00",
                                    "Quoted markup: `<script>alert(1)</script>` and a < b.\n", section="World"),
}
# query -> articles (file stems) it must find in the Korean edition.
KOREAN_QUERIES = {
    "서울": {"rain"},  # 서울은, 서울에서
    "한강": {"river"},  # 한강공원에서, 한강에서
    "발표": {"budget"},  # 발표했다
    "공원": {"river"},  # inside the compound 한강공원에서
    "열리다": {"rain"},  # 열린
    "발표하다": {"budget"},  # 발표했다
    "회복되다": {"budget"},  # 회복되고
    "먹다": {"market"},  # 먹었다
    "아름답다": {"market"},  # 아름다운 (irregular)
    "짓다": {"library"},  # 지었다 (irregular)
    "다가오다": {"typhoon"},  # 다가온다
    "모이다": {"library"},  # 모였다
}


def search_site(root: Path, base_url: str = "https://example.com/") -> Path:
    return write_site(root, {**KOREAN, **ENGLISH}, config=SEARCH_CONFIG.format(
        base_url=base_url, timezone="Asia/Seoul", per_page=10, feed_limit=20))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample built once, for http://127.0.0.1:<port>/news/, served from a folder holding news/."""
    served = tmp_path_factory.mktemp("served")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(served)))
    base_url = f"http://127.0.0.1:{server.server_port}/news/"
    site = search_site(tmp_path_factory.mktemp("search") / "site", base_url)
    result = cli("build", "--site", site, "--out", served / "news", "--quiet", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site, served / "news", base_url
    server.shutdown()
    server.server_close()


def test_one_bundle_per_edition_with_only_its_articles(built):
    site, out, _ = built
    for lang, count in (("en", len(ENGLISH)), ("ko", len(KOREAN))):
        entry = json.loads((out / lang / "pagefind" / "pagefind-entry.json").read_text())
        assert list(entry["languages"]) == [lang]
        assert entry["languages"][lang]["page_count"] == count
        assert not list((out / lang / "pagefind").glob("pagefind-ui.*")), "the page uses Pagefind's API, not its UI"
    manifest = json.loads((site / ".dateline-cache" / "search-ko.json").read_text())
    assert manifest["records"] == len(KOREAN)


def test_search_page_and_masthead_link(built):
    _, out, _ = built
    for lang in ("en", "ko"):
        page = parse_html(out / lang / "search" / "index.html")
        assert page.html["lang"] == lang
        form = page.select_one("form[role=search]")
        field = form.select_one("input[type=search]")
        assert page.select_one(f"label[for={field['id']}]").get_text(strip=True)
        assert {s["name"] for s in form.select("select")} == {"section", "dateline", "correspondent"}
        assert page.select_one("[role=status][aria-live=polite]") is not None
        assert page.select_one("meta[name=robots]")["content"] == "noindex"
        config = json.loads(page.select_one("#search-config").string)
        assert config["bundle"] == f"/news/{lang}/pagefind/pagefind.js"
        # The edition switch leads to the other edition's search page.
        other = "ko" if lang == "en" else "en"
        assert page.select_one(f".edition-switch a[hreflang={other}]")["href"] == f"/news/{other}/search/"
    strings = {"en": "Search", "ko": "검색"}
    for path in ("en/index.html", "ko/index.html", "en/2024/05/03/ceasefire/index.html", "404.html"):
        page = parse_html(out / path)
        lang = page.html["lang"]
        link = page.select_one(".masthead .search-link a")
        assert link["href"] == f"/news/{lang}/search/" and link.get_text(strip=True) == strings[lang]
        assert link.select_one("svg")["aria-hidden"] == "true"
    sitemap = (out / "sitemap.xml").read_text()
    assert "/search/" not in sitemap


def test_korean_text_is_indexed_with_its_lemmas():
    pytest.importorskip("kiwipiepy")
    tokens = search._kiwi().tokenize("서울에서 열린 한강공원에서 축제를 발표했다")
    indexed = search.with_lemmas("서울에서 열린 한강공원에서 축제를 발표했다", tokens).split()
    assert indexed[:2] == ["서울에서", "서울"]
    for lemma in ("열리다", "한강공원", "축제", "발표", "발표하다"):
        assert lemma in indexed
    assert "에서" not in indexed, "particles and endings are not indexed"


def test_body_text_keeps_blocks_apart_and_leaves_out_markup():
    html = '<h2 id="x">Head</h2>\n<p>One<sup id="fnref:1"><a href="#fn:1">1</a></sup></p><ul><li>two</li><li>three</li></ul>' \
           "<script>var x = 1;</script><p>a &lt; b</p>"
    assert search.body_text(html).split() == ["Head", "One", "two", "three", "a", "<", "b"]


def test_rebuild_indexes_again_only_the_edition_that_changed(tmp_path):
    site = search_site(tmp_path / "site")
    config = load_config(site)
    index = load_site(config)
    bodies = {s: f"<p>{s}</p>" for s in index.articles}
    first = search.search_files(config, index, bodies)
    assert first.indexed == ("en", "ko")
    again = search.search_files(config, index, bodies)
    assert again.indexed == () and again.files == first.files
    edited = dict(bodies, **{"content/en/2024/05/rates.md": "<p>The Fed cut rates.</p>"})
    assert search.search_files(config, index, edited).indexed == ("en",)
    # A change of metadata only (the base URL moves every result's link) indexes both again.
    moved = replace(config, base_url="https://example.com/news/")
    assert search.search_files(moved, replace(index, config=moved), edited).indexed == ("en", "ko")


def test_serve_rebuilds_keep_the_index_up_to_date(tmp_path):
    """The dev server's rebuilds (the engine with its state in memory) write a changed bundle and drop the old files."""
    site = search_site(tmp_path / "site")
    engine = SiteBuilder(load_config(site), jobs=1, persist=False)
    engine.build()

    def rebuild(change: Change):
        changes = engine.build(change).changes
        return changes.created + changes.updated, changes.deleted

    bundle = site / "site" / "en" / "pagefind"
    before = {p.name for p in bundle.rglob("*.pf_fragment")}
    story = site / "content" / "en" / "2024" / "05" / "rates.md"
    story.write_text(story.read_text().replace("Markets rallied.", "Markets rallied on the surprise."))
    written, removed = rebuild(Change(content=frozenset({story})))
    assert any(w.startswith("en/pagefind/") for w in written)
    assert not any(w.startswith("ko/pagefind/") for w in written), "the Korean edition did not change"
    assert any(r.startswith("en/pagefind/fragment/") for r in removed)
    manifest = json.loads((site / ".dateline-cache" / "search-en.json").read_text())
    assert sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()) == manifest["files"]
    assert {p.name for p in bundle.rglob("*.pf_fragment")} != before
    korean = site / "content" / "ko" / "2024" / "05" / "market.md"
    korean.write_text(korean.read_text().replace("보았다", "구경했다"))
    written, removed = rebuild(Change(content=frozenset({korean})))
    assert any(w.startswith("ko/pagefind/") for w in written)
    kept = pickle.loads((site / ".dateline-cache" / "search-analysis-ko.pickle").read_bytes())
    assert len(kept["texts"]) == len(KOREAN), "the analyses of the unchanged articles are kept too"
    # An edit that changes nothing indexed (a tag) leaves the bundle alone.
    story.write_text(story.read_text().replace("section: Economy", "section: Economy, tags: [fed]"))
    written, removed = rebuild(Change(content=frozenset({story})))
    assert not any("pagefind" in path for path in written + removed)


def test_the_dev_server_publishes_pages_first_and_the_search_index_follows(tmp_path):
    """search_later: an edit's pages are committed without waiting for Pagefind; the bundle of
    the newest build follows in a commit of its own, one made for a replaced index is dropped,
    and the output then is a cold build's."""
    site = search_site(tmp_path / "site")
    engine = SiteBuilder(load_config(site), jobs=1, persist=False)
    engine.build()
    engine.search_later = True
    out = site / "site"
    bundle_before = tree_digest(out / "en" / "pagefind")
    story = site / "content" / "en" / "2024" / "05" / "rates.md"
    story.write_text(story.read_text().replace("Markets rallied.", "Markets rallied on the surprise."))
    changes = engine.build(Change(content=frozenset({story}))).changes
    assert "en/2024/05/02/rates/index.html" in changes.updated
    assert not any("pagefind" in path for path in changes.created + changes.updated + changes.deleted)
    assert tree_digest(out / "en" / "pagefind") == bundle_before
    replaced = engine.search_job
    story.write_text(story.read_text().replace("on the surprise", "on the cut"))
    engine.build(Change(content=frozenset({story})))
    newest = engine.search_job
    assert newest is not None and newest is not replaced
    assert engine.commit_search(replaced, engine.search_files(replaced)) is None
    assert tree_digest(out / "en" / "pagefind") == bundle_before, "a bundle for a replaced index is not written"
    changes = engine.commit_search(newest, engine.search_files(newest))
    assert any(path.startswith("en/pagefind/") for path in changes.created + changes.updated)
    assert any(path.startswith("en/pagefind/fragment/") for path in changes.deleted)
    assert not any(path.startswith("ko/") for path in changes.created + changes.updated + changes.deleted)
    assert engine.search_job is None
    cold = SiteBuilder(load_config(site, out_dir=tmp_path / "cold"), jobs=1, persist=False)
    cold.build()
    assert tree_digest(out) == tree_digest(tmp_path / "cold")
    # The state knows the new bundle: the next edit's rebuild neither rewrites nor removes it.
    story.write_text(story.read_text().replace("held interest rates", "kept interest rates"))
    changes = engine.build(Change(content=frozenset({story}))).changes
    assert changes.updated and not any("pagefind" in path for path in changes.created + changes.updated + changes.deleted)


def test_serve_reloads_an_edit_before_pagefind_and_then_serves_its_index(tmp_path):
    """`serve --watch` with search on: the edited page is served as soon as its rebuild is done
    (the search thread has not committed yet), then the edition's new bundle is served."""
    from serve_support import HeldGate, LiveServer, wait_until

    site = search_site(tmp_path / "site", base_url="http://127.0.0.1/")
    with LiveServer(site) as live:
        assert live.built
        searching = live.server.app.follower
        assert searching.wait_idle(120)  # what the watcher saw while the server started is indexed
        entry = live.get("/en/pagefind/pagefind-entry.json").body
        assert entry.startswith(b"{")
        story = site / "content" / "en" / "2024" / "05" / "rates.md"
        searching.gate = HeldGate(searching.gate)  # the bundle's commit waits until the page has been checked
        story.write_text(story.read_text().replace("Markets rallied.", "Markets rallied on the surprise."))
        wait_until(lambda: b"on the surprise" in live.get("/en/2024/05/02/rates/").body, timeout=30)
        assert live.get("/en/pagefind/pagefind-entry.json").body == entry, "the page came first"
        searching.gate.release.set()
        wait_until(lambda: live.get("/en/pagefind/pagefind-entry.json").body != entry, timeout=120)
        assert searching.wait_idle(120)
        out, served = live.out_dir, live.server.app.config
    SiteBuilder(replace(served, out_dir=tmp_path / "cold"), jobs=1, persist=False).build()
    assert tree_digest(out) == tree_digest(tmp_path / "cold")


def test_the_dev_servers_pagefind_runs_at_the_lowest_priority(tmp_path, monkeypatch):
    """The search index that follows a dev-server rebuild runs Pagefind under `nice -n 19`: it
    keeps both cores busy for seconds on a large archive, and the next edit goes first. A build
    runs it as it is."""
    commands = []
    popen = search.subprocess.Popen

    def recording(command, *args, **kwargs):
        commands.append(list(command))
        return popen(command, *args, **kwargs)

    monkeypatch.setattr(search.subprocess, "Popen", recording)
    site = search_site(tmp_path / "site")
    engine = SiteBuilder(load_config(site), jobs=1, persist=False)
    engine.build()
    assert commands and all(command[1] == "--service" for command in commands)
    engine.search_later = True
    story = site / "content" / "en" / "2024" / "05" / "rates.md"
    story.write_text(story.read_text().replace("Markets rallied.", "Markets rallied again."))
    engine.build(Change(content=frozenset({story})))
    commands.clear()
    job = engine.search_job
    engine.commit_search(job, engine.search_files(job))
    assert commands and all(command[1:4] == ["-n", "19", command[3]] and command[4] == "--service"
                            and command[0].endswith("nice") for command in commands)
    assert (site / "site" / "en" / "pagefind" / "pagefind-entry.json").is_file()


def test_no_search_leaves_out_pages_links_and_index(tmp_path):
    site = search_site(tmp_path / "site")
    out = tmp_path / "out"
    result = cli("build", "--site", site, "--out", out, "--quiet", "--no-search")
    assert result.exit_code == 0, result.stderr
    assert not (out / "en" / "search").exists() and not (out / "ko" / "pagefind").exists()
    assert parse_html(out / "en" / "index.html").select_one(".search-link") is None


def test_search_config_is_checked(tmp_path):
    site = write_site(tmp_path / "site", {"en/a.md": {"title": "A", "posted": "2024-05-01"}},
                      config=DEFAULT_CONFIG.replace("enabled = false", 'enabled = "yes"').format(
                          base_url="https://example.com/", timezone="Asia/Seoul", per_page=10, feed_limit=20))
    result = cli("build", "--site", site, "--quiet")
    assert result.exit_code == 1
    assert "[search] enabled must be true or false" in result.stderr


def test_missing_extra_is_a_usage_error_and_keeps_the_site(tmp_path, monkeypatch):
    site = search_site(tmp_path / "site")
    out = tmp_path / "out"
    assert cli("build", "--site", site, "--out", out, "--quiet", "--no-search").exit_code == 0
    before = tree_digest(out)
    (site / "content" / "en" / "2024" / "05" / "new.md").write_text(f"---\ntitle: New\nposted: 2024-05-09\n---\n{BODY}")

    def not_installed(name):
        raise search.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(search.metadata, "version", not_installed)
    result = cli("build", "--site", site, "--out", out, "--quiet")
    assert result.exit_code == 2
    assert "pip install 'dateline[search]'" in result.stderr and "--no-search" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(out) == before


# ---- in Chromium ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_search(browser, url):
    context = browser.new_context()
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    page.wait_for_selector("[data-search][data-ready]")
    return page, errors


def results(page) -> list[str]:
    return page.eval_on_selector_all(".search-results h2 a", "links => links.map(a => a.getAttribute('href'))")


def search_for(page, query: str) -> None:
    page.fill("#search-query", query)
    page.press("#search-query", "Enter")
    page.wait_for_function("q => document.querySelector('.search-status').textContent.includes(q)", arg=query)


@pytest.mark.browser
def test_search_pages_in_chromium(browser, built):
    """Korean stems, the nothing-found message, filters, then the English page by keyboard only."""
    _, _, base_url = built
    page, errors = open_search(browser, base_url + "ko/search/")
    search_for(page, "열리다")  # the article only says 열린
    assert results(page) == ["/news/ko/2024/05/01/rain/"]
    assert "2024-05-01" in page.inner_text(".search-meta") and "서울" in page.inner_text(".search-meta")  # the Korean house style
    assert "서울은 어제 폭우가 쏟아졌다" in page.inner_text(".search-excerpt"), "the excerpt is the text as written"
    search_for(page, "한강")
    assert results(page) == ["/news/ko/2024/05/02/river/"]
    search_for(page, "축제")
    assert sorted(results(page)) == ["/news/ko/2024/05/01/rain/", "/news/ko/2024/05/02/river/"]
    assert all(href.startswith("/news/ko/") for href in results(page))
    page.select_option("select[data-filter=section]", "사회")
    page.select_option("select[data-filter=dateline]", "서울")
    page.wait_for_function("() => document.querySelectorAll('.search-results li').length === 1")
    assert results(page) == ["/news/ko/2024/05/01/rain/"]
    assert "dateline=" in page.url and "q=" in page.url
    search_for(page, "없는낱말")
    assert results(page) == []
    assert page.inner_text(".search-status").startswith("‘없는낱말’에 해당하는 기사가 없습니다.")
    assert errors == []
    page.context.close()

    page, errors = open_search(browser, base_url + "en/search/")
    for _ in range(30):  # Tab from the top of the page to the search box
        if page.evaluate("document.activeElement.id") == "search-query":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "search-query"
    page.keyboard.type("cairo")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('.search-results li').length > 0")
    assert results(page) == ["/news/en/2024/05/03/ceasefire/"]
    assert "1 article matches “cairo”." == page.inner_text(".search-status")
    assert "May 3, 2024" in page.inner_text(".search-meta")
    search_for(page, "markup")
    assert page.inner_text(".search-results h2") == "A <b>bold</b> headline", "text from content stays text"
    assert page.eval_on_selector_all(".search-results b, .search-results script", "els => els.length") == 0
    search_for(page, "ceasefire")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/news/en/2024/05/03/ceasefire/"
    page.keyboard.press("Enter")
    page.wait_for_url(base_url + "en/2024/05/03/ceasefire/")
    assert errors == []
    page.context.close()


@pytest.mark.browser
def test_korean_stems_with_and_without_analysis(browser, built, tmp_path):
    """The measure in docs/search.md: the sample's queries on the real index and on one made
    from the same records without the lemmas."""
    site, out, base_url = built
    config = load_config(site, base_url=base_url)
    index = load_site(config)
    from dateline.bodies import render_markdown

    bodies = {s: render_markdown(a.body) for s, a in index.articles.items()}
    plain = search.edition_records(config, index, bodies, "ko")
    search.run_pagefind(plain, out / "plain" / "ko" / "pagefind")
    page, _ = open_search(browser, base_url + "ko/search/")
    found = page.evaluate("""async ([bundles, queries]) => {
        const out = {};
        for (const [name, bundle] of Object.entries(bundles)) {
            const pagefind = await import(bundle);
            await pagefind.options({ baseUrl: "/" });
            out[name] = {};
            for (const query of queries) {
                const { results } = await pagefind.search(query);
                out[name][query] = await Promise.all(results.map(async r => (await r.data()).raw_url));
            }
        }
        return out;
    }""", [{"analysed": "/news/ko/pagefind/pagefind.js", "plain": "/news/plain/ko/pagefind/pagefind.js"},
           list(KOREAN_QUERIES)])
    page.context.close()
    stem = {f"/news/ko/2024/05/{d}/{name}/": name for name, d in
            (("rain", "01"), ("river", "02"), ("budget", "03"), ("market", "04"), ("library", "05"), ("typhoon", "06"))}
    hits = {kind: {q: {stem[url] for url in urls} for q, urls in by_query.items()} for kind, by_query in found.items()}
    for query, expected in KOREAN_QUERIES.items():
        assert hits["analysed"][query] == expected, f"{query}: found {hits['analysed'][query]}, expected {expected}"
    recall = {kind: sum(len(by_query[q] & e) for q, e in KOREAN_QUERIES.items()) for kind, by_query in hits.items()}
    print(f"expected hits found: with lemmas {recall['analysed']}/{len(KOREAN_QUERIES)}, without {recall['plain']}")
    assert recall["plain"] < recall["analysed"]
    # What the words as written find without the analyser: prefixes only.
    assert hits["plain"]["서울"] == {"rain"} and hits["plain"]["열리다"] == set()
