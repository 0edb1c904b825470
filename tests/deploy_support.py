"""Helpers for the deploy tests: a real moto_server on 127.0.0.1, buckets, a small built site.

conftest.py loads this module as a plugin, so its fixtures are there for every test by name."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import pytest
from conftest import build, cli

# The one installed beside this Python (the venv's), else the one on PATH.
MOTO_SERVER = Path(sys.executable).with_name("moto_server")
if not MOTO_SERVER.is_file():
    MOTO_SERVER = Path(shutil.which("moto_server") or MOTO_SERVER)
MARK = "before"  # metadata a test puts on every object; an object re-uploaded by a deploy loses it

ARTICLES = {
    "en/2024/05/talks.md": {"title": "Talks resume in Geneva", "posted": "2024-05-03T09:00:00+09:00", "section": "World",
                            "tags": ["diplomacy"], "story": "talks"},
    "ko/2024/05/talks.md": {"title": "제네바 회담 재개", "posted": "2024-05-03T09:00:00+09:00", "section": "World",
                            "story": "talks"},
    "en/2024/05/markets.md": {"title": "Seoul markets rally", "posted": "2024-05-04T10:00:00+09:00", "section": "Economy",
                              "tags": ["markets"]},
}
STATIC = {
    "assets/app.0123abcd.js": "console.log('fingerprinted');\n",
    "images/logo.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    "fonts/serif.woff2": b"wOF2" + bytes(200),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint():
    """A moto_server (S3 and CloudFront) on 127.0.0.1, for the whole session (one per xdist worker)."""
    port = free_port()
    server = subprocess.Popen([str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"moto_server did not start on port {port}")
            time.sleep(0.1)
    yield endpoint
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def aws_env(monkeypatch, tmp_path, moto_endpoint):
    """Dummy credentials in the environment, no profile files, CloudFront on the moto server."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing-key-id")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing-secret-never-printed")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFRONT", moto_endpoint)
    return moto_endpoint


@pytest.fixture
def s3(aws_env):
    return boto3.client("s3", endpoint_url=aws_env)


@pytest.fixture
def bucket(s3):
    name = f"news-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def built(make_site):
    """A small bilingual site with static assets, built; returns (site folder, output folder)."""
    site = make_site(ARTICLES, static=STATIC)
    return site, build(site)


def deploy(site: Path, target: str, *args, endpoint: str | None = None):
    extra = ["--endpoint-url", endpoint] if endpoint else []
    return cli("deploy", target, "--site", site, *extra, *args)


def local_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def objects(s3, bucket: str, prefix: str = "") -> dict[str, bytes]:
    """Every object's key (without PREFIX) and bytes as stored."""
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            found[item["Key"][len(prefix):]] = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
    return found


def mark_all(s3, bucket: str) -> None:
    """Put MARK in every object's metadata, keeping its bytes and headers: a later PUT drops it."""
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            head = s3.head_object(Bucket=bucket, Key=item["Key"])
            keep = {name: head[name] for name in ("ContentType", "CacheControl", "ContentEncoding", "WebsiteRedirectLocation")
                    if head.get(name)}
            s3.copy_object(Bucket=bucket, Key=item["Key"], CopySource={"Bucket": bucket, "Key": item["Key"]},
                           MetadataDirective="REPLACE", Metadata={**head.get("Metadata", {}), MARK: "1"}, **keep)


def reuploaded(s3, bucket: str) -> set[str]:
    """Keys whose object was put again since mark_all."""
    keys = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            if MARK not in s3.head_object(Bucket=bucket, Key=item["Key"]).get("Metadata", {}):
                keys.add(item["Key"])
    return keys


def digests(out: Path) -> dict[str, str]:
    return {path: hashlib.md5(data).hexdigest() for path, data in local_files(out).items()}


def changed_between(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {path for path, digest in after.items() if before.get(path) != digest}


def copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, dirs_exist_ok=True)
