"""UI strings and date styles per edition language."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_datetime

from dateline.config import default_date_style

STRINGS = {
    "en": {
        "skip": "Skip to content",
        "home": "Home",
        "editions": "Editions",
        "posted": "Posted",
        "updated": "Updated",
        "by": "By",
        "section": "Section",
        "tag": "Tag",
        "tags": "Tags",
        "dateline": "Dateline",
        "correspondent": "Correspondent",
        "month": "Archive",
        "latest": "Latest news",
        "newer": "Newer",
        "older": "Older",
        "page_of": "Page {number} of {count}",
        "read_in": "Read this story in",
        "feed": "Feed",
        "articles": "Articles",
        "articles_by": "Articles by {name}",
        "email": "Email",
        "not_found_title": "Page not found",
        "not_found_text": "The page you were looking for is not here. It may have moved or never existed.",
        "choose_edition": "Choose an edition",
        "no_articles": "No articles yet.",
        "pagination": "Pagination",
        "sections": "Sections",
        "archive": "Archive",
        "byline_prefix": "By",
        "role_separator": ", ",
        "default_role": "Staff Writer",
        "editorial_board": "The Editorial Board",
        "translated_from": "Translated from the {language} original",
        "translated_into": "Original article; translated into {language}",
        "external": "on another site",
        "copyright": "© {publisher}. All rights reserved.",
        "more_in": "More in {name}",
        "story_count": ("{count} story", "{count} stories"),  # one, more
        # Each listing page's description (meta, og:description, JSON-LD): {title} is the edition's.
        "describe": {
            "section": "{name} news from {title}",
            "tag": "Stories tagged “{name}” from {title}",
            "dateline": "Stories filed from {name}",
            "correspondent": "Articles by {name}, {role}, {title}.",
            "month": "Stories from {month}",
            "archive": "Past stories from {title}, by year and month",
            "search": "Search the stories of {title}",
        },
        "read_edition": "Read the {name} edition",
        "roles": {
            "correspondent": "Correspondent", "reporter": "Reporter",
            "editorial writer": "Editorial writer", "senior reporter": "Senior reporter",
        },
        "kinds": {"analysis": "Analysis", "opinion": "Opinion", "editorial": "Editorial", "review": "Review",
                  "interview": "Interview"},
        "correction": "Correction",
        "corrections": "Corrections",
        "corrections_intro": "Corrections made to our articles, newest first.",
        "no_corrections": "No corrections yet.",
        "corrected_article": "Article",
        "withdrawn_title": "This article has been withdrawn",
        "expired_title": "This article is no longer available",
        "withdrawn_reason": "The article was withdrawn.",
        "expired_reason": "The rights to publish this article have expired.",
        "redirecting": "This page has moved to",
        "search": "Search",
        "search_ui": {
            "label": "Search the articles of this edition",
            "button": "Search",
            "filters": "Narrow the results",
            "section": "Section",
            "dateline": "Dateline",
            "correspondent": "Correspondent",
            "any": "Any",
            "loading": "Loading search…",
            "searching": "Searching…",
            "results": "{count} articles match “{query}”.",
            "result_one": "1 article matches “{query}”.",
            "filtered": "{count} articles match the chosen filters.",
            "none": "No articles match “{query}”. Check the spelling or try another word.",
            "none_filtered": "No articles match the chosen filters.",
            "more": "Show more results",
            "failed": "Search could not be loaded. Try again later.",
            "noscript": "Search needs JavaScript. Every article is also listed on the edition's front page and archive.",
            "hint": "Arrow keys move between results.",
        },
    },
    "ko": {
        "skip": "본문 바로가기",
        "home": "홈",
        "editions": "에디션",
        "posted": "입력",
        "updated": "수정",
        "by": "글",
        "section": "섹션",
        "tag": "태그",
        "tags": "태그",
        "dateline": "발신지",
        "correspondent": "기자",
        "month": "지난 기사",
        "latest": "최신 뉴스",
        "newer": "이전 페이지",
        "older": "다음 페이지",
        "page_of": "{count}쪽 중 {number}쪽",
        "read_in": "이 기사 다른 언어로 읽기",
        "feed": "피드",
        "articles": "기사",
        "articles_by": "{name}의 기사",
        "email": "이메일",
        "not_found_title": "페이지를 찾을 수 없습니다",
        "not_found_text": "찾으시는 페이지가 없습니다. 주소가 바뀌었거나 존재하지 않는 페이지입니다.",
        "choose_edition": "에디션을 선택하세요",
        "no_articles": "아직 기사가 없습니다.",
        "pagination": "페이지 이동",
        "sections": "섹션",
        "archive": "지난 기사",
        "byline_prefix": "",
        "role_separator": " ",
        "default_role": "기자",
        "editorial_board": "논설위원실",
        "translated_from": "{language} 원문을 번역한 기사",
        "translated_into": "원문 기사 · {language} 번역판 있음",
        "external": "외부 사이트",
        "copyright": "© {publisher}. 무단 전재 및 재배포 금지.",
        "more_in": "{name} 기사 더 보기",
        "story_count": ("기사 {count}건", "기사 {count}건"),
        "describe": {
            "section": "{title} {name} 뉴스",
            "tag": "{title}의 ‘{name}’ 관련 기사",
            "dateline": "{name}발 기사",
            "correspondent": "{title} {name} {role}의 기사입니다.",
            "month": "{title} {month} 기사",
            "archive": "{title}의 지난 기사를 연도별, 월별로 모았습니다.",
            "search": "{title} 기사 검색",
        },
        "read_edition": "{name}판 읽기",
        "roles": {"correspondent": "특파원", "reporter": "기자", "editorial writer": "논설위원", "senior reporter": "선임기자"},
        "kinds": {"analysis": "분석", "opinion": "오피니언", "editorial": "사설", "review": "리뷰", "interview": "인터뷰"},
        "correction": "바로잡습니다",
        "corrections": "정정 보도",
        "corrections_intro": "기사에 대한 정정 내용입니다. 최신순으로 보여 드립니다.",
        "no_corrections": "아직 정정 보도가 없습니다.",
        "corrected_article": "기사",
        "withdrawn_title": "삭제된 기사입니다",
        "expired_title": "더 이상 볼 수 없는 기사입니다",
        "withdrawn_reason": "이 기사는 삭제되었습니다.",
        "expired_reason": "이 기사의 게재 기간이 끝났습니다.",
        "redirecting": "이 페이지는 다음 주소로 옮겨졌습니다:",
        "search": "검색",
        "search_ui": {
            "label": "이 에디션의 기사 검색",
            "button": "검색",
            "filters": "검색 결과 좁히기",
            "section": "섹션",
            "dateline": "발신지",
            "correspondent": "기자",
            "any": "전체",
            "loading": "검색을 불러오는 중…",
            "searching": "검색 중…",
            "results": "‘{query}’ 검색 결과 기사 {count}건",
            "result_one": "‘{query}’ 검색 결과 기사 1건",
            "filtered": "선택한 조건에 맞는 기사 {count}건",
            "none": "‘{query}’에 해당하는 기사가 없습니다. 맞춤법을 확인하거나 다른 단어로 검색해 보세요.",
            "none_filtered": "선택한 조건에 맞는 기사가 없습니다.",
            "more": "검색 결과 더 보기",
            "failed": "검색을 불러오지 못했습니다. 잠시 후 다시 시도해 주세요.",
            "noscript": "검색을 이용하려면 자바스크립트가 필요합니다. 모든 기사는 에디션 첫 화면과 지난 기사에도 있습니다.",
            "hint": "화살표 키로 검색 결과 사이를 이동할 수 있습니다.",
        },
    },
}

MONTH_PATTERNS = {"en": "MMMM y", "ko": "y년 M월"}
AP_MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
LONG_PATTERNS = {"en": "MMMM d, y, HH:mm", "ko": "y년 M월 d일 HH:mm"}


def strings(lang: str) -> dict:
    return STRINGS.get(lang, STRINGS["en"])


def format_moment(moment: dt.datetime, lang: str, locale: str, style: str = "") -> str:
    """A time in the edition's house style (see config.DATE_STYLES)."""
    style = style or default_date_style(lang)
    if style == "ap":
        return f"{AP_MONTHS[moment.month - 1]} {moment.day}, {moment.year}, {_ap_clock(moment)} {moment.tzname()}"
    if style == "numeric":
        return moment.strftime("%Y-%m-%d %H:%M")
    pattern = LONG_PATTERNS.get(lang)
    if pattern is None:
        return format_datetime(moment, "medium", tzinfo=moment.tzinfo, locale=locale)
    text = format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=locale)
    # Babel spells zones as offsets; English readers expect the abbreviation ("KST").
    return f"{text} {moment.tzname()}" if lang == "en" else text


def _ap_clock(moment: dt.datetime) -> str:
    """AP's clock: "7:55 a.m.", "7 p.m.", "noon", "midnight"."""
    if moment.minute == 0 and moment.hour in (0, 12):
        return "midnight" if moment.hour == 0 else "noon"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes} {'a.m.' if moment.hour < 12 else 'p.m.'}"


def format_month(year: int, month: int, lang: str, locale: str) -> str:
    pattern = MONTH_PATTERNS.get(lang, "MMMM y")
    return format_date(dt.date(year, month, 1), pattern, locale=locale)
