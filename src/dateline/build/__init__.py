"""The build engine, shared by `dateline build` and `dateline serve`.

    engine.py     SiteBuilder: read what changed, index, plan, render, commit; BuildResult
    sources.py    the content files as last read, re-read by stat signature or watcher events
    bodystore.py  converted article bodies kept between builds (SQLite)
    state.py      what one build leaves for the next, saved beside the output and checked before use
    templates.py  a key per page kind that changes when any template it renders with does
    workers.py    reading and rendering spread over forked worker processes
"""

from dateline.build.engine import BuildResult, Change, SiteBuilder, build_site, collect_static, load_site, remove_leftovers

__all__ = ["BuildResult", "Change", "SiteBuilder", "build_site", "collect_static", "load_site", "remove_leftovers"]
