"""A Renderer for a long-running process: reuses article views across rebuilds, keeps its caches
per instance, and renders with a Jinja environment that outlives it (templates compile once)."""

from __future__ import annotations

import jinja2

from dateline.index import SiteIndex
from dateline.render import Renderer
from dateline.views import ArticleView, TermLink


class ViewCachingRenderer(Renderer):
    def __init__(self, index: SiteIndex, bodies: dict[str, str], env: jinja2.Environment,
                 view_keys: dict[str, tuple], view_cache: dict[str, tuple[tuple, ArticleView]]):
        super().__init__(index, bodies)
        self.env = env
        self._keys = view_keys  # source -> view key (keys.view_key): a view is a function of it
        self._views = view_cache  # source -> (view key, view), shared between rebuilds
        self._sections: dict[str, tuple[TermLink, ...]] = {}

    def article(self, source: str) -> ArticleView:
        key = self._keys[source]
        hit = self._views.get(source)
        if hit is not None and hit[0] == key:
            return hit[1]
        view = self.make_view(source)
        self._views[source] = (key, view)
        return view

    def sections(self, lang: str) -> tuple[TermLink, ...]:
        if lang not in self._sections:
            self._sections[lang] = self._edition_sections(lang)
        return self._sections[lang]
