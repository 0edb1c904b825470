"""Changing the output folder in place: write changed pages, copy changed static files, remove
what is no longer produced. Every file is replaced by a rename, so no reader sees half of one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dateline.incremental.sources import signature
from dateline.write import write_file


@dataclass(frozen=True)
class Asset:
    """A static file as last copied: where from, and its stat signature then."""

    source: Path
    signature: tuple[int, ...] | None


def output_path(out_dir: Path, relative: str) -> Path:
    # The guard of write.StagedOutput.path: nothing may be written outside the output folder.
    parts = relative.split("/")
    if relative.startswith("/") or "\\" in relative or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"refusing to write outside the output folder: {relative}")
    return out_dir / relative


def write_changed(out_dir: Path, rendered: dict[str, bytes]) -> list[str]:
    """Write each page whose bytes differ from the file there; return those written."""
    written = []
    for relative, data in rendered.items():
        target = output_path(out_dir, relative)
        try:
            if target.read_bytes() == data:
                continue
        except OSError:
            pass
        write_file(target, data)
        written.append(relative)
    return written


def plan_static(files: list[tuple[str, Path]], old: dict[str, Asset], hinted: frozenset[Path]
                ) -> tuple[dict[str, Asset], list[str]]:
    """The new asset table, and the outputs that may need copying (new, moved, touched or named)."""
    assets, maybe = {}, []
    for relative, source in files:
        asset = Asset(source, signature(source))
        assets[relative] = asset
        if old.get(relative) != asset or source in hinted:
            maybe.append(relative)
    return assets, maybe


def copy_changed(out_dir: Path, assets: dict[str, Asset], relatives: list[str]) -> list[str]:
    return write_changed(out_dir, {relative: assets[relative].source.read_bytes() for relative in relatives})


def remove_outputs(out_dir: Path, relatives: set[str]) -> list[str]:
    """Delete outputs no longer produced, and the folders that leaves empty."""
    removed = []
    for relative in sorted(relatives):
        target = output_path(out_dir, relative)
        try:
            target.unlink()
        except FileNotFoundError:
            continue
        removed.append(relative)
        folder = target.parent
        while folder != out_dir and folder.is_relative_to(out_dir):
            try:
                folder.rmdir()
            except OSError:  # not empty
                break
            folder = folder.parent
    return removed
