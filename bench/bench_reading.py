#!/usr/bin/env python3
"""CPU per article of the reading stage (file bytes to converted body in the body store), step by step.

    python bench/bench_reading.py --site /tmp/dateline-bench/corpus-1000

One process, one core, no profiler: each figure is the best of --runs passes over every article
file of the site, in CPU milliseconds per article. To compare two versions side by side, run it
once per version in the same minute, e.g. with PYTHONPATH=/path/to/other/checkout/src.
"""

from __future__ import annotations

import argparse
import pickle
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dateline import bodies, content, frontmatter_yaml, images
from dateline.build import bodystore, workers
from dateline.config import load_config


def best(runs: int, work: Callable[[], object]) -> float:
    fastest = float("inf")
    for _ in range(runs):
        started = time.process_time()
        work()
        fastest = min(fastest, time.process_time() - started)
    return fastest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    config = load_config(args.site.resolve())
    sources = content.content_sources(config)
    paths = [config.site_dir / source for source in sources]
    texts = [path.read_text(encoding="utf-8") for path in paths]
    documents = [frontmatter_yaml.split_document(s, t)[0] for s, t in zip(sources, texts, strict=True)]
    articles = [content.load_article(config, path)[0] for path in paths]
    plans = [images.plan_article_images(config, a) for a in articles]
    html = [bodies.render_markdown(a.body, p) for a, p in zip(articles, plans, strict=True)]
    converter = bodies._converter()
    named_texts = list(zip(sources, texts, strict=True))
    named_bodies = [(s, d.body, d.body_line) for s, d in zip(sources, documents, strict=True)]

    def markdown_only() -> None:
        for article in articles:
            converter.convert(article.body)
            converter.reset()

    with tempfile.TemporaryDirectory() as folder:
        def read_and_store() -> None:  # what a forked worker does for each file, and the parent after it
            store = bodystore.BodyStore(Path(folder) / f"{time.monotonic_ns()}.sqlite")
            results = pickle.loads(pickle.dumps([workers.read_one(config, s, store) for s in sources]))
            store.add(r[4] for r in results if r[4] is not None)
            store.close()

        steps = [
            ("reading stage, all of it", read_and_store),
            ("load_article", lambda: [content.load_article(config, p) for p in paths]),
            ("  _drop_invalid_characters", lambda: [content._drop_invalid_characters(s, t) for s, t in named_texts]),
            ("  split_document (YAML)", lambda: [frontmatter_yaml.split_document(s, t) for s, t in named_texts]),
            ("  body_errors", lambda: [content.body_errors(*named) for named in named_bodies]),
            ("plan_article_images", lambda: [images.plan_article_images(config, a) for a in articles]),
            ("bodystore.convert", lambda: [bodystore.convert(a.body, p) for a, p in zip(articles, plans, strict=True)]),
            ("  Python-Markdown", markdown_only),
            ("  keep_quotes_with_particles", lambda: [bodies.keep_quotes_with_particles(h) for h in html]),
            ("  first_paragraph_text", lambda: [bodies.first_paragraph_text(h) for h in html]),
            ("workers.lean", lambda: [workers.lean(a) for a in articles]),
        ]
        print(f"{len(paths)} article files, {sum(map(len, texts)) / len(texts):,.0f} characters each on average")
        for label, work in steps:
            print(f"{label:32s} {best(args.runs, work) * 1000 / len(paths):7.3f} ms per article")


if __name__ == "__main__":
    main()
