"""Korean personal names romanized the way Korean newspapers print English bylines.

The family name takes its customary spelling (김 Kim, 이 Lee, 박 Park ...); the given name's
syllables are romanized one by one by korean-romanizer (Revised Romanization) and joined with
hyphens: 김기윤 -> "Kim Gi-yun". Only the family names and the hyphenation are ours; people
who spell their names otherwise ("Kim Ki-yun") belong in the staff registry.
"""

from __future__ import annotations

from korean_romanizer.romanizer import Romanizer

SURNAMES = {
    "김": "Kim", "이": "Lee", "박": "Park", "최": "Choi", "정": "Jung", "조": "Cho", "문": "Moon",
    "강": "Kang", "윤": "Yoon", "장": "Jang", "임": "Lim", "한": "Han", "오": "Oh", "서": "Seo",
    "신": "Shin", "권": "Kwon", "황": "Hwang", "안": "Ahn", "송": "Song", "류": "Ryu", "유": "Yoo",
    "홍": "Hong", "전": "Jeon", "고": "Ko", "손": "Son", "배": "Bae", "백": "Baek", "허": "Heo",
    "남": "Nam", "노": "Roh", "하": "Ha", "곽": "Kwak", "성": "Sung", "차": "Cha", "주": "Joo",
    "우": "Woo", "구": "Koo", "민": "Min", "나": "Na", "진": "Jin", "지": "Ji", "엄": "Um",
    "채": "Chae", "원": "Won", "천": "Cheon", "방": "Bang", "양": "Yang", "변": "Byun", "여": "Yeo",
    "추": "Choo", "도": "Do", "소": "So", "석": "Seok", "선": "Sun", "설": "Seol", "마": "Ma",
    "길": "Gil", "연": "Yeon", "위": "Wi", "표": "Pyo", "명": "Myung", "기": "Ki", "반": "Ban",
    "왕": "Wang", "금": "Keum", "옥": "Ok", "육": "Yuk", "인": "In", "맹": "Maeng", "제": "Je",
    "모": "Mo", "탁": "Tak", "국": "Kook", "어": "Eo", "은": "Eun", "편": "Pyun", "용": "Yong",
}
DOUBLE_SURNAMES = {
    "남궁": "Namgung", "황보": "Hwangbo", "제갈": "Jegal", "선우": "Sunwoo", "독고": "Dokgo",
    "사공": "Sagong", "서문": "Seomun",
}
# These read as a two-syllable family name even in a three-syllable name (남궁민); 선우 and
# 서문 are as often 선 + 우.. and 서 + 문.., so they count only in names of four syllables.
SURE_DOUBLE = {"남궁", "황보", "제갈", "독고", "사공"}


def split_name(local: str) -> tuple[str, str]:
    """(family name, given name): 김기윤 -> (김, 기윤), 남궁민 -> (남궁, 민)."""
    head = local[:2]
    if head in DOUBLE_SURNAMES and (len(local) >= 4 or (len(local) == 3 and head in SURE_DOUBLE)):
        return head, local[2:]
    return local[:1], local[1:]


def romanize_syllables(text: str) -> list[str]:
    return [Romanizer(syllable).romanize() for syllable in text]


def romanize_name(local: str) -> str:
    """김기윤 -> "Kim Gi-yun"; a name that is not Hangul comes back as written."""
    local = local.strip()
    if not local or not all("가" <= ch <= "힣" for ch in local):
        return local
    family, given = split_name(local)
    surname = SURNAMES.get(family) or DOUBLE_SURNAMES.get(family) or _capitalized(family)
    if not given:
        return surname
    return f"{surname} {_capitalized(given)}"


def _capitalized(hangul: str) -> str:
    joined = "-".join(romanize_syllables(hangul))
    return joined[:1].upper() + joined[1:]
