"""Korean newsroom titles and the English roles written in front matter."""

from __future__ import annotations

ROLES = {
    "특파원": "correspondent",
    "순회특파원": "roving correspondent",
    "통신원": "stringer",
    "기자": "reporter",
    "선임기자": "senior reporter",
    "전문기자": "specialist reporter",
    "대기자": "senior journalist",
    "사진기자": "photographer",
    "영상기자": "video journalist",
    "객원기자": "contributing reporter",
    "인턴기자": "intern reporter",
    "수습기자": "trainee reporter",
    "논설위원": "editorial writer",
    "수석논설위원": "chief editorial writer",
    "논설실장": "chief editorial writer",
    "논설주간": "editorial director",
    "편집국장": "editor-in-chief",
    "부국장": "deputy managing editor",
    "편집위원": "senior editor",
    "부장": "desk editor",
    "차장": "deputy desk editor",
    "팀장": "team leader",
    "칼럼니스트": "columnist",
}

# Longest first, so 선임기자 is not read as 선임 + 기자.
TITLES = tuple(sorted(ROLES, key=len, reverse=True))


def role_for(title: str, post_city: str = "") -> str:
    """"특파원" -> "correspondent"; with a post in the title: "Washington correspondent"."""
    role = ROLES.get(title, "")
    if role and post_city:
        return f"{post_city} {role}"
    return role
