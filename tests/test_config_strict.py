"""dateline.toml and data/staff.toml are read strictly: every unknown key and every bad value is an
error at its own line, with the nearest known key suggested, and nothing is built."""

from __future__ import annotations

import pytest
from conftest import REPO, cli, parse_errors, tree_digest

from dateline.config import load_config
from dateline.errors import ConfigError
from dateline.tomlfile import KeyLines

ARTICLES = {"en/2024/05/talks.md": {"title": "Talks resume", "posted": "2024-05-03T07:55:00+09:00"}}

HEAD = 'base_url = "https://example.com/"\n'
LANGUAGES = '\n[languages.en]\ntitle = "The Test Times"\nlocale = "en_US"\n\n[languages.ko]\ntitle = "테스트"\nlocale = "ko_KR"\n'


def config_errors(site) -> list[tuple[str, int, str]]:
    with pytest.raises(ConfigError) as caught:
        load_config(site)
    return [(error.path, error.line, error.message) for error in caught.value.errors]


def line_of(text: str, fragment: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)


@pytest.mark.parametrize("config, fragment, message", [
    (HEAD + "per_pag = 5\n" + LANGUAGES, "per_pag", "unknown key 'per_pag'; did you mean 'per_page'?"),
    ('baseurl = "https://example.com/"\n' + LANGUAGES, "baseurl", "unknown key 'baseurl'; did you mean 'base_url'?"),
    ('baseURL = "https://example.com/"\n' + LANGUAGES, "baseURL", "unknown key 'baseURL'; did you mean 'base_url'?"),
    (HEAD + "paginate = 5\n" + LANGUAGES, "paginate", "unknown key 'paginate'; did you mean 'per_page'?"),
    (HEAD + 'time_zone = "Asia/Seoul"\n' + LANGUAGES, "time_zone", "unknown key 'time_zone'; did you mean 'timezone'?"),
    (HEAD + LANGUAGES.replace('locale = "en_US"', 'titel = "x"\nlocale = "en_US"'), "titel",
     "unknown key 'titel' in [languages.en]; did you mean 'title'?"),
    (HEAD + "languages.ko.nmae = 'Korean'\n", "nmae", "unknown key 'nmae' in [languages.ko]; did you mean 'name'?"),
    (HEAD + LANGUAGES + "\n[search]\nenabeld = false\n", "enabeld", "unknown key 'enabeld' in [search]; did you mean 'enabled'?"),
    (HEAD + LANGUAGES + "\n[search]\nenabled = 'no'\n", "enabled", "[search] enabled must be true or false, got 'no'"),
    (HEAD + LANGUAGES + "\n[serach]\nenabled = false\n", "[serach]", "unknown key 'serach'; did you mean 'search'?"),
    (HEAD + LANGUAGES + "\n[deploy]\ntraget = 's3://x/'\n", "traget", "unknown key 'traget' in [deploy]; did you mean 'target'?"),
    (HEAD + 'timezone = "Asia/Seol"\n' + LANGUAGES, "timezone",
     "unknown timezone 'Asia/Seol': use an IANA name such as Asia/Seoul; did you mean 'Asia/Seoul'?"),
    (HEAD + 'timezone = "KST"\n' + LANGUAGES, "timezone", "unknown timezone 'KST': use an IANA name such as Asia/Seoul"),
    (HEAD + LANGUAGES.replace("ko_KR", "kr_KR"), "kr_KR",
     "[languages.ko] locale 'kr_KR' is not a locale Babel knows (such as en_US or ko_KR); did you mean 'ko_KR'?"),
    (HEAD + "per_page = 0\n" + LANGUAGES, "per_page", "per_page must be a positive whole number, got 0"),
    (HEAD + 'per_page = "5"\n' + LANGUAGES, "per_page", "per_page must be a positive whole number, got '5'"),
    (HEAD + "feed_limit = 2.5\n" + LANGUAGES, "feed_limit", "feed_limit must be a positive whole number, got 2.5"),
    ('base_url = "example.com/news/"\n' + LANGUAGES, "base_url",
     "base_url must be an absolute http(s) URL, got 'example.com/news/'"),
    ('base_url = "ftp://example.com/"\n' + LANGUAGES, "base_url", "base_url must be an absolute http(s) URL"),
    (HEAD + "publisher = 3\n" + LANGUAGES, "publisher", "publisher must be text in quotes, got 3"),
    (HEAD + 'original_language = "fr"\n' + LANGUAGES, "original_language",
     "original_language 'fr' is not one of the configured languages ['en', 'ko']"),
    (HEAD + LANGUAGES + '\n[places]\n"서울" = "Seoul"\n"부산" = 3\n', '"부산"', "[places] '부산' must be given an English name"),
    (HEAD + 'languages = "en"\n', "languages", "[languages] must be a table of tables"),
    (HEAD + LANGUAGES + "\n[languages.English]\ntitle = 'x'\nlocale = 'en_GB'\n", "[languages.English]",
     "[languages.English]: 'English' is not a language code such as en or ko"),
], ids=lambda value: value if isinstance(value, str) and len(value) < 20 else None)
def test_a_bad_key_or_value_is_an_error_at_its_line(make_site, config, fragment, message):
    site = make_site(ARTICLES, config=config)
    errors = config_errors(site)
    assert len(errors) == 1, errors
    [(path, line, found)] = errors
    assert path == "dateline.toml" and line == line_of(config, fragment)
    assert found.startswith(message), found


def test_the_build_names_the_typo_and_writes_nothing(make_site, build_site):
    site = make_site(ARTICLES)
    out = build_site(site)
    before = tree_digest(out)
    config = (site / "dateline.toml").read_text(encoding="utf-8")
    (site / "dateline.toml").write_text("per_pag = 5\n" + config, encoding="utf-8")
    result = cli("build", "--site", site)
    assert result.exit_code == 1, str(result)
    assert "dateline.toml:1: unknown key 'per_pag'; did you mean 'per_page'?" in result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert tree_digest(out) == before


def test_every_problem_is_listed_at_once(make_site):
    config = ('baseurl = "https://example.com/"\nper_pag = 5\ntimezone = "Seoul"\n'
              + LANGUAGES.replace('title = "테스트"', 'titel = "테스트"'))
    site = make_site(ARTICLES, config=config)
    result = cli("build", "--site", site)
    assert result.exit_code == 1, str(result)
    assert [(line, message.split(";")[0].split(":")[0]) for _, line, message in parse_errors(result.stderr)] == [
        (1, "unknown key 'baseurl'"), (2, "unknown key 'per_pag'"), (3, "unknown timezone 'Seoul'"),
        (line_of(config, "titel"), "unknown key 'titel' in [languages.ko]")]


def test_places_take_any_local_name_and_search_and_deploy_are_accepted(make_site):
    config = (HEAD + LANGUAGES + '\n[places]\n"서울" = "Seoul"\n"실리콘밸리" = "Silicon Valley"\nLA = "Los Angeles"\n'
              "\n[search]\nenabled = false\n\n[deploy]\ntarget = 's3://paper/'\n\n[[deploy.rules]]\npattern = '*.html'\n")
    config_ = load_config(make_site(ARTICLES, config=config))
    assert config_.places == {"서울": "Seoul", "실리콘밸리": "Silicon Valley", "LA": "Los Angeles"}
    assert config_.deploy.target == "s3://paper/"


def test_the_sample_site_and_the_scaffold_are_valid(tmp_path):
    assert load_config(REPO).places["실리콘밸리"] == "Silicon Valley"
    assert cli("init", tmp_path / "paper").exit_code == 0
    assert load_config(tmp_path / "paper").languages


def test_an_unquoted_text_value_says_to_quote_it(make_site):
    config = HEAD + "timezone = Asia/Seoul\n" + LANGUAGES
    assert config_errors(make_site(ARTICLES, config=config)) == [
        ("dateline.toml", 2, 'invalid TOML: text values need quotes: timezone = "Asia/Seoul"')]


def test_python_style_booleans_are_named(make_site):
    config = HEAD + LANGUAGES + "\n[search]\nenabled = False\n"
    assert config_errors(make_site(ARTICLES, config=config)) == [
        ("dateline.toml", line_of(config, "enabled"), "invalid TOML: true and false are written in lower case: enabled = false")]


def test_a_city_for_a_timezone_finds_its_zone(make_site):
    config = HEAD + 'timezone = "Seoul"\n' + LANGUAGES
    assert config_errors(make_site(ARTICLES, config=config)) == [
        ("dateline.toml", 2, "unknown timezone 'Seoul': use an IANA name such as Asia/Seoul; did you mean 'Asia/Seoul'?")]


def test_invalid_toml_is_named_at_its_line_in_plain_words(make_site):
    config = HEAD + LANGUAGES + "\n[languages.fr\nname = 1\n"
    [(path, line, message)] = config_errors(make_site(ARTICLES, config=config))
    assert (path, line) == ("dateline.toml", line_of(config, "[languages.fr"))
    assert message.startswith("invalid TOML: ") and "(at line" not in message


# ---- data/staff.toml ----------------------------------------------------------------------

STAFF = """\
# The newsroom.
[[person]]
name = "Kim Ki-yun"
local = "김기윤"
emial = "pep@donga.com"

[[person]]
local = "이지현"
email = "jhlee@example.com"

[[person]]
name = "Park Min-su"
email = "minsu.example.com"
"""


def test_staff_registry_keys_and_values_are_checked_at_their_lines(make_site):
    site = make_site(ARTICLES, data={"staff.toml": STAFF})
    assert config_errors(site) == [
        ("data/staff.toml", 5, "unknown key 'emial' in [[person]]; did you mean 'email'?"),
        ("data/staff.toml", 7, 'person #2 needs a name: name = "Kim Ki-yun"'),
        ("data/staff.toml", 13, "[[person]] email 'minsu.example.com' has no '@'"),
    ]


def test_staff_registry_without_person_tables(make_site):
    site = make_site(ARTICLES, data={"staff.toml": '[[people]]\nname = "Kim"\n'})
    assert config_errors(site) == [("data/staff.toml", 1, "unknown key 'people'; did you mean 'person'?")]


def test_a_good_staff_registry_loads(make_site):
    site = make_site(ARTICLES, data={"staff.toml": STAFF.replace("emial", "email").replace("minsu.", "minsu@")
                                     .replace('local = "이지현"', 'name = "Lee Ji-hyun"\nlocal = "이지현"')})
    assert [member.email for member in load_config(site).staff] == ["pep@donga.com", "jhlee@example.com", "minsu@example.com"]


# ---- the line scanner ---------------------------------------------------------------------

SCANNED = '''\
# comment with key = 1
title = "x"  # trailing
a.b = 1
"quoted key" = """multi
fake = 1
[not.a.table]
"""
arr = [
  [1, 2],
  {x = 1, y = [3]},
]
[languages.en]
name = 'E'
[ "deploy" ]
[[deploy.rules]]
pattern = "a"
[[deploy.rules]]
gzip = true
[deploy.rules.extra]
k = 'C:\\temp'
[[person]]
name = "x\\"]"
'''


def test_key_lines_cover_tables_dotted_keys_arrays_and_multi_line_strings():
    lines = KeyLines(SCANNED)
    expected = {
        ("title",): 2, ("a", "b"): 3, ("quoted key",): 4, ("arr",): 8, ("arr", 1, "y"): 10,
        ("languages", "en"): 12, ("languages", "en", "name"): 13, ("deploy",): 14,
        ("deploy", "rules", 0): 15, ("deploy", "rules", 0, "pattern"): 16, ("deploy", "rules", 1): 17,
        ("deploy", "rules", 1, "gzip"): 18, ("deploy", "rules", 1, "extra", "k"): 20, ("person", 0, "name"): 22,
    }
    assert {path: lines.line(*path) for path in expected} == expected
    assert ("fake",) not in lines.lines and ("not",) not in lines.lines
    assert lines.line("languages", "en", "missing") == 12 and lines.line("nowhere") == 1
