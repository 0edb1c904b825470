"""Exact incremental rebuilds: after each change, re-render only the pages whose inputs changed,
and leave the output folder byte-identical to what a full `dateline build` would write."""

from dateline.incremental.site import Change, IncrementalSite, Outcome

__all__ = ["Change", "IncrementalSite", "Outcome"]
