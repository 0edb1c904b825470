"""The Korean sign-off at the end of an article.

    카이로=김기윤 특파원 pep@donga.com
    워싱턴 = 문병기 특파원 weappon@donga.com·뉴욕=김현수 특파원 kimhs@donga.com
    박민수 기자 minsu@example.com
    이진영 논설위원 ecolee@donga.com
    김철수·박영희 기자                      (a title shared by the names before it)
    김현수 워싱턴 특파원 kimhs@donga.com   (a post in the title)

A line is a sign-off only when every part of it reads as one, and at least one part has a
title or an email: body text never is.
"""

from __future__ import annotations

import re

from dateline.importer.records import SignoffEntry
from dateline.importer.roles import ROLES, TITLES

SEPARATOR = re.compile(r"\s*[·ㆍ・•‧∙]\s*|\s*,\s+")
EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
PLACE = r"[가-힣A-Za-z][가-힣A-Za-z.]*(?:\s[가-힣A-Za-z.]+)?"
ENTRY = re.compile(
    rf"(?:(?P<place>{PLACE})\s*=\s*)?(?P<local>[가-힣]{{2,5}}?)"
    rf"(?:\s*(?:(?P<post>[가-힣]{{2,8}})\s+)?(?P<title>{'|'.join(TITLES)}))?"
    rf"(?:\s*[(<]?(?P<email>{EMAIL})[)>]?)?"
)
# "정리=홍길동 기자" (compiled by), "사진=..." (photo by): credits, not places.
CREDIT_WORDS = {"정리", "사진", "글", "그래픽", "취재", "영상"}
BOILERPLATE = re.compile(r"^(?:ⓒ|©|Copyright\b)|무단\s*전재|재배포\s*금지", re.I)


def parse_signoff_line(line: str) -> tuple[SignoffEntry, ...] | None:
    parts = [part for part in SEPARATOR.split(line.strip()) if part]
    matches = [ENTRY.fullmatch(part) for part in parts]
    if not matches or not all(matches):
        return None
    if not any(m.group("title") or m.group("email") for m in matches):
        return None
    entries = [_entry(m) for m in matches]
    return tuple(_share_titles(entries))


def _entry(match: re.Match) -> SignoffEntry:
    place = (match.group("place") or "").strip()
    title, post = match.group("title") or "", match.group("post") or ""
    if post and post + title in ROLES:  # "선임 기자" written with a space
        title, post = post + title, ""
    return SignoffEntry(
        local=match.group("local"),
        title=title,
        post=post,
        place="" if place in CREDIT_WORDS else place,
        email=match.group("email") or "",
    )


def _share_titles(entries: list[SignoffEntry]) -> list[SignoffEntry]:
    """김철수·박영희 기자: a name without a title takes the next one's."""
    shared, out = "", []
    for entry in reversed(entries):
        if entry.title:
            shared = entry.title
        elif shared:
            entry = SignoffEntry(entry.local, shared, entry.post, entry.place, entry.email)
        out.append(entry)
    return list(reversed(out))


def split_signoff(paragraphs: list[str]) -> tuple[list[str], tuple[SignoffEntry, ...]]:
    """The body without its trailing sign-off lines (and copyright lines), and the sign-off."""
    end = len(paragraphs)
    while end and BOILERPLATE.search(paragraphs[end - 1]):
        end -= 1
    entries: list[SignoffEntry] = []
    while end:
        parsed = parse_signoff_line(paragraphs[end - 1])
        if parsed is None:
            break
        entries[:0] = parsed
        end -= 1
    return paragraphs[:end], tuple(entries)
