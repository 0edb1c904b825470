"""The one rule that finds a byline's person in the staff registry (data/staff.toml).

Used by the build's index (to merge bylines into correspondent pages) and by `dateline import`
(to write a byline the way the newsroom spells it), so a name always finds the same person:

1. by email, in any letter case;
2. else by name: the byline's English or local name against each member's English or local
   name, compared after Unicode normalisation (NFC), with runs of spaces made one and letter
   case folded ("KIM Ki-yun" is "Kim Ki-yun").

When two members share an email or a name, the first one in the registry wins.
"""

from __future__ import annotations

import unicodedata

from dateline.config import StaffMember


def name_key(name: str) -> str:
    """A name as compared: NFC, one space between words, case folded."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


class StaffRegistry:
    """Look-ups by email and by name over a config's staff; build one per run and reuse it."""

    def __init__(self, staff: tuple[StaffMember, ...] | list[StaffMember]):
        self.by_email: dict[str, StaffMember] = {}
        self.by_name: dict[str, StaffMember] = {}
        for member in staff:
            if member.email:
                self.by_email.setdefault(member.email.strip().lower(), member)
            for name in (member.name, member.local):
                if name_key(name):
                    self.by_name.setdefault(name_key(name), member)

    def find(self, *, email: str = "", name: str = "", local: str = "") -> StaffMember | None:
        if email and email.strip().lower() in self.by_email:
            return self.by_email[email.strip().lower()]
        for candidate in (name, local):
            member = self.by_name.get(name_key(candidate)) if candidate else None
            if member is not None:
                return member
        return None
