"""`dateline import`: raw articles (edition page text, saved HTML pages, IPTC wire files) to front-mattered Markdown.

The modules, one job each:

- records      the frozen records passed between the stages (RawArticle, ImportedArticle, ...)
- inputs       RAW arguments (files, folders, globs) -> raw files
- reading      raw bytes -> text (UTF-8, UTF-16, a declared charset, CP949/EUC-KR), and whether it is HTML
- pagetext     the English and Korean editions' page text -> RawArticle
- html         saved HTML pages (any news site) -> RawArticle
- wire_read    raw bytes -> IPTC wire items: the format told by content, parsed and validated
- ninjs        IPTC ninjs 1.x / 2.x / 3.x items (and API envelopes) -> WireFields
- newsml       IPTC NewsML-G2 newsItem / newsMessage -> WireFields
- wire         WireFields -> RawArticle: times, embargo, located, bylines, status (rules both formats share)
- wire_text    wire bodies (HTML, XHTML, NITF, plain text) -> Markdown; the agency lead-in; XML-safe text
- wire_schemas the IPTC JSON Schemas and XSD shipped in schemas/, and validation against them
- stamps       the time lines ("Posted May. 03, 2024 07:55", "입력 2024-05-03 07:55")
- signoff      the Korean sign-off line ("카이로=김기윤 특파원 pep@donga.com")
- roles        Korean titles -> English roles
- names        Korean personal names -> newspaper romanization ("Park Min-su")
- places       (now dateline.places, shared with `dateline new`) Korean place names -> {city, local}
- bylines      sign-offs and bylines -> correspondents, with the staff registry
- markdown_escape  plain text -> Markdown that shows exactly that text
- slugs        headlines -> URL slugs
- assemble     RawArticle + options + site -> ImportedArticle (story keys, pairs, translations)
- existing     what the site already holds (duplicates, clashes)
- writer       ImportedArticle -> file text; writing it only when that is safe
- wire_place   wire articles on disk: new items, newer versions in place, corrections, withdrawals
- run          one import run: every raw file through the stages, one Outcome each
- watch        `import --watch INBOX`: files dropped into a folder, imported and filed in done/ or failed/
- command      the click command `import` and its report
"""
