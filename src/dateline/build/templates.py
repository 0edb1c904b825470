"""Which template files each page kind renders with, as a key that changes when any of them does.

A kind's key names, in order, the candidates render.TEMPLATE_FOR tries (and which file answers
each), then every template the chosen one extends, includes or imports, transitively, with a
digest of its text. A reference Jinja cannot resolve statically (a name in a variable) makes
the key depend on every template. A template that does not parse gets a key of its own; the
render then reports the error exactly as a build does.
"""

from __future__ import annotations

import hashlib

import jinja2
from jinja2 import meta

from dateline.render import TEMPLATE_FOR

# Template text digest -> the names it references: parsing is most of the cost of a key, and
# the dev server asks again after every edit.
_REFERENCES: dict[str, tuple[str, ...] | None] = {}


class _Sources:
    """Template name -> (file, digest, names it references, or None when dynamic), each read once."""

    def __init__(self, env: jinja2.Environment):
        self.env = env
        self.seen: dict[str, tuple | None] = {}

    def get(self, name: str) -> tuple | None:
        if name not in self.seen:
            self.seen[name] = self._read(name)
        return self.seen[name]

    def _read(self, name: str) -> tuple | None:
        try:
            source, filename, _ = self.env.loader.get_source(self.env, name)
        except jinja2.TemplateNotFound:
            return None
        digest = hashlib.blake2b(source.encode("utf-8"), digest_size=16).hexdigest()
        if digest not in _REFERENCES:
            _REFERENCES[digest] = self._references(name, source, filename)
        return (filename, digest, _REFERENCES[digest])

    def _references(self, name: str, source: str, filename: str | None) -> tuple[str, ...] | None:
        try:
            refs = list(meta.find_referenced_templates(self.env.parse(source, name, filename)))
        except jinja2.TemplateSyntaxError:
            return ()  # the digest is the key; rendering reports the error
        return None if None in refs else tuple(sorted(set(refs)))

    def everything(self) -> tuple:
        return tuple((name, self.get(name)) for name in sorted(self.env.list_templates()))


def kind_key(sources: _Sources, candidates: list[str]) -> tuple:
    key: list = []
    chosen = None
    for name in candidates:
        found = sources.get(name)
        key.append((name, found))
        if found is not None:
            chosen = name
            break
    pending, seen = [chosen] if chosen else [], set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        found = sources.get(name)
        key.append((name, found))
        if found is not None and found[2] is None:  # dynamic reference: depend on everything
            return tuple(key) + (sources.everything(),)
        if found is not None:
            pending.extend(found[2])
    return tuple(key)


def known_references() -> dict[str, tuple[str, ...] | None]:
    """What templates referenced, by text digest: saved with the build's state."""
    return dict(_REFERENCES)


def remember_references(references: dict[str, tuple[str, ...] | None]) -> None:
    """Take what an earlier process found (a text's digest decides, so it cannot be stale)."""
    _REFERENCES.update(references)


def template_keys(env: jinja2.Environment) -> dict[str, tuple]:
    sources = _Sources(env)
    return {kind: kind_key(sources, names) for kind, names in TEMPLATE_FOR.items()}
