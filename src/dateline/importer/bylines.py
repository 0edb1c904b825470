"""Persons and the dateline from a sign-off (or a page's byline), with the staff registry.

The registry (data/staff.toml, [[person]] tables) is looked up by dateline.staff's rule (email, then name);
a person it lacks gets a romanized name and a warning so an editor can add them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dateline.config import Config, StaffMember
from dateline.importer.names import romanize_name
from dateline.importer.records import Person, Place, SignoffEntry
from dateline.importer.roles import role_for
from dateline.importer.signoff import parse_signoff_line
from dateline.places import resolve_place
from dateline.staff import StaffRegistry


@dataclass(frozen=True)
class Byline:
    correspondents: tuple[Person, ...]
    dateline: Place | None
    warnings: tuple[str, ...]


def find_staff(config: Config, *, email: str = "", local: str = "", name: str = "") -> StaffMember | None:
    """The registry's person for a byline, by the rule the build's index uses (dateline.staff)."""
    return StaffRegistry(config.staff).find(email=email, name=name, local=local)


def from_signoff(entries: tuple[SignoffEntry, ...], config: Config) -> Byline:
    """People in sign-off order; the dateline is the first city given (or the first post)."""
    people, warnings, cities = [], [], []
    for entry in entries:
        post = None
        if entry.post:
            post, warning = resolve_place(entry.post, config.places)
            warnings += [warning] if warning else []
        if entry.place:
            place, warning = resolve_place(entry.place, config.places)
            cities.append(place)
            warnings += [warning] if warning else []
        elif post:
            cities.append(post)
        person, warning = _person(entry, post, config)
        people.append(person)
        warnings += [warning] if warning else []
    return Byline(tuple(people), cities[0] if cities else None, tuple(dict.fromkeys(warnings)))


def _person(entry: SignoffEntry, post: Place | None, config: Config) -> tuple[Person, str]:
    member = find_staff(config, email=entry.email, local=entry.local)
    role = role_for(entry.title, post.city if post else "") or (member.role if member else "")
    if member:
        person = Person(member.name, member.local or entry.local, entry.email or member.email, role)
        return person, ""
    name = romanize_name(entry.local)
    who = f"{entry.local} ({entry.email})" if entry.email else entry.local
    warning = (f"{who} is not in the staff registry ({config.staff_file}): name romanized as {name!r}; "
               f"add a [[person]] with their English name")
    return Person(name, entry.local, entry.email, role), warning


AUTHOR_SPLIT = re.compile(r"\s*(?:;|\band\b|,|·|/|\|)\s*")
BY = re.compile(r"^(?:by|written by)\s+", re.I)
HANGUL_NAME = re.compile(r"[가-힣]{2,5}")


def from_authors(authors: tuple[str, ...], config: Config) -> Byline:
    """Bylines from page metadata ("Park Min-su", "김기윤 기자", "By A and B")."""
    people, warnings = [], []
    for author in authors:
        entries = parse_signoff_line(author)
        names = [] if entries else [n for n in AUTHOR_SPLIT.split(BY.sub("", author.strip())) if n]
        entries = list(entries or []) + [SignoffEntry(n) for n in names if HANGUL_NAME.fullmatch(n)]
        byline = from_signoff(tuple(SignoffEntry(e.local, e.title, e.post, "", e.email) for e in entries), config)
        people += byline.correspondents
        warnings += byline.warnings
        for name in names:
            if not HANGUL_NAME.fullmatch(name) and not name.startswith(("http://", "https://")):
                member = find_staff(config, name=name)
                people.append(Person(member.name, member.local, member.email, member.role)
                              if member else Person(name))
    return Byline(tuple(dict.fromkeys(people)), None, tuple(dict.fromkeys(warnings)))
