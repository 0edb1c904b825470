"""`dateline deploy s3://...` against a real S3 protocol server (moto_server) on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from conftest import build
from deploy_support import changed_between, deploy, digests, local_files, mark_all, objects, reuploaded


def summary_counts(stdout: str) -> dict[str, int]:
    match = re.search(r"(\d+) files? uploaded \(.*?\), (\d+) deleted, (\d+) unchanged", stdout)
    assert match, stdout
    return dict(zip(("uploaded", "deleted", "unchanged"), map(int, match.groups()), strict=True))


def edit_article(site, relative: str, sentence: str) -> None:
    path = site / "content" / relative
    path.write_text(path.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")


# ---- only what changed -------------------------------------------------------------------


def test_first_deploy_uploads_the_whole_site(built, s3, bucket, aws_env):
    site, out = built
    result = deploy(site, f"s3://{bucket}/", endpoint=aws_env)
    assert result.exit_code == 0, str(result)
    assert objects(s3, bucket) == local_files(out)
    counts = summary_counts(result.stdout)
    assert counts == {"uploaded": len(local_files(out)), "deleted": 0, "unchanged": 0}
    assert "testing-secret-never-printed" not in result.stdout + result.stderr


def test_a_deploy_with_nothing_changed_uploads_nothing(built, s3, bucket, aws_env):
    site, out = built
    assert deploy(site, f"s3://{bucket}", endpoint=aws_env).exit_code == 0
    mark_all(s3, bucket)
    result = deploy(site, f"s3://{bucket}", endpoint=aws_env)
    assert result.exit_code == 0, str(result)
    assert reuploaded(s3, bucket) == set()
    assert summary_counts(result.stdout) == {"uploaded": 0, "deleted": 0, "unchanged": len(local_files(out))}


def test_after_one_edit_only_the_changed_files_go_up(built, s3, bucket, aws_env):
    site, out = built
    assert deploy(site, f"s3://{bucket}", endpoint=aws_env).exit_code == 0
    mark_all(s3, bucket)
    before = digests(out)
    edit_article(site, "en/2024/05/markets.md", "KOSPI closed 2 percent higher.")
    build(site)
    changed = changed_between(before, digests(out))
    assert "en/2024/05/04/markets/index.html" in changed and len(changed) < len(before) / 2
    result = deploy(site, f"s3://{bucket}", endpoint=aws_env)
    assert result.exit_code == 0, str(result)
    assert reuploaded(s3, bucket) == changed
    assert summary_counts(result.stdout)["uploaded"] == len(changed)
    assert objects(s3, bucket) == local_files(out)


def test_prefix_keeps_the_site_below_it_and_leaves_the_rest_alone(built, s3, bucket, aws_env):
    site, out = built
    s3.put_object(Bucket=bucket, Key="other/keep.txt", Body=b"not ours")
    s3.put_object(Bucket=bucket, Key="news/.well-known/security.txt", Body=b"Contact: x")
    result = deploy(site, f"s3://{bucket}/news", endpoint=aws_env)
    assert result.exit_code == 0, str(result)
    stored = objects(s3, bucket, "news/")
    assert stored.pop(".well-known/security.txt") == b"Contact: x"
    assert stored == local_files(out)
    assert objects(s3, bucket, "other/") == {"keep.txt": b"not ours"}


# ---- order ---------------------------------------------------------------------------------


def test_assets_go_up_before_pages_and_pages_before_feeds_and_sitemaps(built, s3, bucket, aws_env, monkeypatch):
    from dateline.deploy import s3 as s3_module

    site, out = built
    order = []
    real_put = s3_module.S3Target.put

    def recording_put(self, upload):
        real_put(self, upload)
        order.append(upload.path)

    monkeypatch.setattr(s3_module.S3Target, "put", recording_put)
    assert deploy(site, f"s3://{bucket}", "--jobs", "3", endpoint=aws_env).exit_code == 0

    def tier(path):
        if path.endswith(".xml") or path == "robots.txt":
            return 2
        return 1 if path.endswith(".html") else 0

    tiers = [tier(path) for path in order]
    assert tiers == sorted(tiers) and set(tiers) == {0, 1, 2}
    assert set(order) == set(local_files(out))


# ---- deletions -----------------------------------------------------------------------------


def remove_article(site, relative):
    (site / "content" / relative).unlink()


def test_deletions_over_the_cap_delete_nothing_and_fail(built, s3, bucket, aws_env):
    site, out = built
    assert deploy(site, f"s3://{bucket}", endpoint=aws_env).exit_code == 0
    before = set(local_files(out))
    remove_article(site, "en/2024/05/markets.md")
    build(site)
    gone = before - set(local_files(out))
    assert len(gone) >= 2
    result = deploy(site, f"s3://{bucket}", "--max-deletes", "1", endpoint=aws_env)
    assert result.exit_code == 1, str(result)
    assert f"{len(gone)} files on s3://{bucket} are no longer in the site, more than --max-deletes 1" in result.stderr
    assert f"--max-deletes {len(gone)}" in result.stderr and "nothing was deleted" in result.stderr
    stored = objects(s3, bucket)
    assert gone <= set(stored)  # nothing deleted
    assert {k: v for k, v in stored.items() if k not in gone} == local_files(out)  # but the site went up

    result = deploy(site, f"s3://{bucket}", "--max-deletes", str(len(gone)), endpoint=aws_env)
    assert result.exit_code == 0, str(result)
    assert summary_counts(result.stdout) == {"uploaded": 0, "deleted": len(gone), "unchanged": len(local_files(out))}
    assert objects(s3, bucket) == local_files(out)


def test_max_deletes_from_the_config(built, s3, bucket, aws_env):
    site, out = built
    assert deploy(site, f"s3://{bucket}", endpoint=aws_env).exit_code == 0
    config = site / "dateline.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[deploy]\nmax_deletes = 0\n", encoding="utf-8")
    remove_article(site, "en/2024/05/markets.md")
    build(site)
    result = deploy(site, f"s3://{bucket}", endpoint=aws_env)
    assert result.exit_code == 1 and "more than --max-deletes 0" in result.stderr, str(result)


# ---- dry run -------------------------------------------------------------------------------


def test_dry_run_prints_the_plan_and_touches_nothing(built, s3, bucket, aws_env):
    site, out = built
    assert deploy(site, f"s3://{bucket}", endpoint=aws_env).exit_code == 0
    mark_all(s3, bucket)
    stored = objects(s3, bucket)
    before = digests(out)
    edit_article(site, "en/2024/05/talks.md", "Delegates met for six hours.")
    remove_article(site, "en/2024/05/markets.md")
    build(site)
    (out / "new-file.txt").write_text("new\n")
    changed = changed_between(before, digests(out))
    gone = set(before) - set(digests(out))

    result = deploy(site, f"s3://{bucket}", "--dry-run", endpoint=aws_env)
    assert result.exit_code == 0, str(result)
    lines = [line.split() for line in result.stdout.splitlines() if not line.startswith("Dry run")]
    assert {path for verb, path in lines if verb == "new"} == {"new-file.txt"}
    assert {path for verb, path in lines if verb == "changed"} == changed - {"new-file.txt"}
    assert {path for verb, path in lines if verb == "delete"} == gone
    assert f"would upload {len(changed)} files" in result.stdout and f"delete {len(gone)}" in result.stdout
    assert objects(s3, bucket) == stored and reuploaded(s3, bucket) == set()


def test_dry_run_to_an_empty_bucket_creates_nothing(built, s3, bucket, aws_env):
    site, _ = built
    result = deploy(site, f"s3://{bucket}", "--dry-run", endpoint=aws_env)
    assert result.exit_code == 0, str(result)
    assert objects(s3, bucket) == {}


# ---- headers -------------------------------------------------------------------------------


def head(s3, bucket, key):
    return s3.head_object(Bucket=bucket, Key=key)


def test_content_types_and_cache_headers_by_default(built, s3, bucket, aws_env):
    site, _ = built
    assert deploy(site, f"s3://{bucket}", endpoint=aws_env).exit_code == 0
    expected = {
        "en/2024/05/04/markets/index.html": ("text/html; charset=utf-8", "public, max-age=60"),
        "404.html": ("text/html; charset=utf-8", "public, max-age=60"),
        "en/feed.xml": ("application/atom+xml; charset=utf-8", "public, max-age=300"),
        "sitemap.xml": ("application/xml; charset=utf-8", "public, max-age=300"),
        "robots.txt": ("text/plain; charset=utf-8", "public, max-age=300"),
        "assets/dateline.css": ("text/css; charset=utf-8", "public, max-age=3600"),
        "assets/app.0123abcd.js": ("text/javascript; charset=utf-8", "public, max-age=31536000, immutable"),
        "images/logo.png": ("image/png", "public, max-age=3600"),
        "fonts/serif.woff2": ("font/woff2", "public, max-age=3600"),
    }
    for key, (content_type, cache_control) in expected.items():
        got = head(s3, bucket, key)
        assert (got["ContentType"], got["CacheControl"]) == (content_type, cache_control), key
        assert "ContentEncoding" not in got, key


RULES = """
[deploy]

[[deploy.rules]]
pattern = "assets/**"
cache_control = "public, max-age=600"

[[deploy.rules]]
pattern = "*.html"
gzip = true

[[deploy.rules]]
pattern = "**"
cache_control = "no-cache"
gzip = true

[[deploy.rules]]
pattern = "robots.txt"
content_type = "text/x-robots"
"""


def test_rules_in_dateline_toml_set_headers_and_gzip(built, s3, bucket, aws_env):
    site, out = built
    config = site / "dateline.toml"
    config.write_text(config.read_text(encoding="utf-8") + RULES, encoding="utf-8")
    assert deploy(site, f"s3://{bucket}", endpoint=aws_env).exit_code == 0

    css = head(s3, bucket, "assets/dateline.css")
    assert css["CacheControl"] == "public, max-age=600" and css["ContentEncoding"] == "gzip"
    page = head(s3, bucket, "en/index.html")
    assert page["CacheControl"] == "no-cache" and page["ContentEncoding"] == "gzip"
    assert page["ContentType"] == "text/html; charset=utf-8"
    robots = head(s3, bucket, "robots.txt")
    assert robots["ContentType"] == "text/x-robots; charset=utf-8"
    png = head(s3, bucket, "images/logo.png")  # already compressed: the catch-all gzip leaves it
    assert "ContentEncoding" not in png and png["CacheControl"] == "no-cache"

    stored = s3.get_object(Bucket=bucket, Key="en/index.html")["Body"].read()
    assert gzip.decompress(stored) == (out / "en/index.html").read_bytes()
    assert s3.get_object(Bucket=bucket, Key="images/logo.png")["Body"].read() == (out / "images/logo.png").read_bytes()

    mark_all(s3, bucket)  # compressed bytes are the same every time: nothing goes up again
    result = deploy(site, f"s3://{bucket}", endpoint=aws_env)
    assert result.exit_code == 0 and summary_counts(result.stdout)["uploaded"] == 0, str(result)
    assert reuploaded(s3, bucket) == set()


def test_force_uploads_everything_again_and_still_deletes(built, s3, bucket, aws_env):
    site, out = built
    assert deploy(site, f"s3://{bucket}", endpoint=aws_env).exit_code == 0
    s3.put_object(Bucket=bucket, Key="en/stale.html", Body=b"from an older site")
    mark_all(s3, bucket)
    result = deploy(site, f"s3://{bucket}", "--force", endpoint=aws_env)
    assert result.exit_code == 0, str(result)
    assert reuploaded(s3, bucket) == set(local_files(out))
    assert objects(s3, bucket) == local_files(out)


def test_a_multipart_etag_is_compared_by_the_stored_checksum(built, s3, bucket, aws_env):
    """An object whose ETag is not an MD5 (multipart, KMS) is judged by x-amz-meta-md5."""
    site, out = built
    assert deploy(site, f"s3://{bucket}", endpoint=aws_env).exit_code == 0
    key = "images/logo.png"
    data = (out / key).read_bytes()
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, ContentType="image/png",
                                        Metadata={"md5": __import__("hashlib").md5(data).hexdigest()})
    part = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload["UploadId"], PartNumber=1, Body=data)
    s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]})
    assert "-" in head(s3, bucket, key)["ETag"]
    mark_all(s3, bucket)
    result = deploy(site, f"s3://{bucket}", endpoint=aws_env)
    assert result.exit_code == 0 and reuploaded(s3, bucket) == set(), str(result)


# ---- redirects -----------------------------------------------------------------------------


def add_alias(out, old: str, new: str, base_path: str = "/") -> None:
    """What the build writes for an alias: a redirect page at the old path and a /_redirects line."""
    page = out / old.strip("/") / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f'<!doctype html><meta http-equiv="refresh" content="0; url={base_path}{new.lstrip("/")}">\n')
    with open(out / "_redirects", "a", encoding="utf-8") as redirects:
        redirects.write(f"{base_path}{old.lstrip('/')} {base_path}{new.lstrip('/')} 301\n")


def test_aliases_become_website_redirects(built, s3, bucket, aws_env):
    site, out = built
    add_alias(out, "/en/2024/05/02/old-markets/", "/en/2024/05/04/markets/")
    result = deploy(site, f"s3://{bucket}", endpoint=aws_env)
    assert result.exit_code == 0, str(result)
    stored = head(s3, bucket, "en/2024/05/02/old-markets/index.html")
    assert stored["WebsiteRedirectLocation"] == "/en/2024/05/04/markets/"
    assert stored["ContentLength"] == 0
    assert objects(s3, bucket)["_redirects"] == (out / "_redirects").read_bytes()

    mark_all(s3, bucket)  # unchanged redirects are not put again
    assert deploy(site, f"s3://{bucket}", endpoint=aws_env).exit_code == 0
    assert reuploaded(s3, bucket) == set()

    # The alias now points elsewhere: the redirect object follows.
    (out / "_redirects").write_text("/en/2024/05/02/old-markets/ /en/2024/05/03/talks/ 301\n")
    result = deploy(site, f"s3://{bucket}", "--dry-run", endpoint=aws_env)
    assert "redirect en/2024/05/02/old-markets/index.html -> /en/2024/05/03/talks/" in result.stdout, str(result)
    assert deploy(site, f"s3://{bucket}", endpoint=aws_env).exit_code == 0
    assert head(s3, bucket, "en/2024/05/02/old-markets/index.html")["WebsiteRedirectLocation"] == "/en/2024/05/03/talks/"


def test_redirects_carry_the_base_path_the_site_was_built_with(make_site, s3, bucket, aws_env):
    from deploy_support import ARTICLES

    site = make_site(ARTICLES, base_url="https://example.com/")
    out = build(site, "--base-url", "https://example.com/news/")  # deploy reads it from the built site
    add_alias(out, "/en/old/", "/en/2024/05/04/markets/", base_path="/news/")
    assert deploy(site, f"s3://{bucket}/news", endpoint=aws_env).exit_code == 0
    stored = head(s3, bucket, "news/en/old/index.html")
    assert stored["WebsiteRedirectLocation"] == "/news/en/2024/05/04/markets/"


def test_an_alias_without_its_redirect_page_still_gets_a_redirect(built, s3, bucket, aws_env):
    site, out = built
    (out / "_redirects").write_text("/en/2023/12/31/year-end/ /en/2024/05/04/markets/ 301\n")
    assert deploy(site, f"s3://{bucket}", endpoint=aws_env).exit_code == 0
    assert head(s3, bucket, "en/2023/12/31/year-end/index.html")["WebsiteRedirectLocation"] == "/en/2024/05/04/markets/"


# ---- --changes -----------------------------------------------------------------------------


def test_changes_file_uploads_and_deletes_just_those_without_listing(built, s3, bucket, aws_env, monkeypatch, tmp_path):
    from dateline.deploy import s3 as s3_module

    site, out = built
    assert deploy(site, f"s3://{bucket}", endpoint=aws_env).exit_code == 0
    mark_all(s3, bucket)
    (out / "en/index.html").write_text("<!doctype html><title>new home</title>\n")
    (out / "extra.txt").write_text("created\n")
    (out / "fonts/serif.woff2").unlink()
    changes = tmp_path / "changes.json"
    changes.write_text(json.dumps({"created": ["extra.txt"], "updated": ["/en/index.html"], "deleted": ["fonts/serif.woff2"]}))

    def no_listing(self):
        raise AssertionError("--changes must not list the bucket")

    with monkeypatch.context() as patch:
        patch.setattr(s3_module.S3Target, "list", no_listing)
        result = deploy(site, f"s3://{bucket}", "--changes", changes, endpoint=aws_env)
    assert result.exit_code == 0, str(result)
    assert reuploaded(s3, bucket) == {"en/index.html", "extra.txt"}
    assert summary_counts(result.stdout)["uploaded"] == 2 and summary_counts(result.stdout)["deleted"] == 1
    assert objects(s3, bucket) == local_files(out)


@pytest.mark.parametrize(("content", "message"), [
    ('{"updated": ["en/missing/index.html"]}', "en/missing/index.html is listed as written but is not in the site"),
    ('{"deleted": ["404.html"]}', "404.html is listed as deleted but is still in the site"),
    ('{"updated": "en/index.html"}', "'updated' must be a list of paths"),
    ('{"updated": ["../etc/passwd"]}', "'../etc/passwd' in 'updated' is not a path inside the site"),
    ('{"changed": []}', "unknown key 'changed'"),
    ('{"updated": [', "not JSON"),
], ids=["missing", "still-there", "not-a-list", "outside", "unknown-key", "broken"])
def test_a_bad_changes_file_is_refused_before_anything_is_touched(built, s3, bucket, aws_env, tmp_path, content, message):
    site, _ = built
    changes = tmp_path / "changes.json"
    changes.write_text(content)
    result = deploy(site, f"s3://{bucket}", "--changes", changes, endpoint=aws_env)
    assert result.exit_code == 2, str(result)
    assert result.stderr.startswith("error: --changes") and message in result.stderr, result.stderr
    assert objects(s3, bucket) == {}


# ---- CloudFront ----------------------------------------------------------------------------


def create_distribution(bucket_name: str, endpoint: str) -> str:
    import boto3

    cloudfront = boto3.client("cloudfront", endpoint_url=endpoint)
    config = {
        "CallerReference": bucket_name, "Comment": "", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "site", "DomainName": f"{bucket_name}.s3.amazonaws.com",
                                              "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
                                 "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                                 "MinTTL": 0, "TrustedSigners": {"Enabled": False, "Quantity": 0}},
    }
    return cloudfront.create_distribution(DistributionConfig=config)["Distribution"]["Id"]


def invalidations(distribution: str, endpoint: str) -> dict[str, list[str]]:
    import boto3

    cloudfront = boto3.client("cloudfront", endpoint_url=endpoint)
    listed = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"].get("Items", [])
    return {item["Id"]: cloudfront.get_invalidation(DistributionId=distribution, Id=item["Id"])
            ["Invalidation"]["InvalidationBatch"]["Paths"].get("Items", []) for item in listed}


def test_invalidate_purges_exactly_the_changed_paths(built, s3, bucket, aws_env, monkeypatch):
    from dateline.deploy import cloudfront

    site, out = built
    distribution = create_distribution(bucket, aws_env)
    with monkeypatch.context() as patch:
        patch.setattr(cloudfront, "MAX_PATHS", 10)
        first = deploy(site, f"s3://{bucket}", "--invalidate", distribution, endpoint=aws_env)
    assert first.exit_code == 0, str(first)
    assert list(invalidations(distribution, aws_env).values()) == [["/*"]]  # too many paths: one wildcard

    (out / "en/2024/05/04/markets/index.html").write_text("<!doctype html><title>edited</title>\n")
    (out / "assets/dateline.css").write_text("body { color: black }\n")
    result = deploy(site, f"s3://{bucket}", "--invalidate", distribution, endpoint=aws_env)
    assert result.exit_code == 0, str(result)
    made = invalidations(distribution, aws_env)
    new_id = re.search(r"CloudFront invalidation (\S+) for distribution", result.stdout).group(1)
    assert sorted(made[new_id]) == ["/assets/dateline.css", "/en/2024/05/04/markets/", "/en/2024/05/04/markets/index.html"]

    result = deploy(site, f"s3://{bucket}", "--invalidate", distribution, endpoint=aws_env)
    assert "Nothing changed: no invalidation" in result.stdout
    assert len(invalidations(distribution, aws_env)) == 2


def test_invalidate_an_unknown_distribution_says_so(built, s3, bucket, aws_env):
    site, out = built
    result = deploy(site, f"s3://{bucket}", "--invalidate", "ENOSUCHDIST", endpoint=aws_env)
    assert result.exit_code == 1, str(result)
    assert "CloudFront distribution ENOSUCHDIST: could not purge" in result.stderr
    assert objects(s3, bucket) == local_files(out)  # the upload itself went through


# ---- an interrupted upload, then a rerun ---------------------------------------------------


def test_an_interrupted_upload_is_finished_by_a_rerun(built, s3, bucket, aws_env, monkeypatch):
    from botocore.exceptions import EndpointConnectionError

    from dateline.deploy import s3 as s3_module

    site, out = built
    real_make_client = s3_module.make_client
    puts = []

    def failing_client(*args, **kwargs):
        client = real_make_client(*args, **kwargs)
        real_put = client.put_object

        def put_object(**params):
            puts.append(params["Key"])
            if len(puts) == 6:  # the connection drops half-way through the site
                raise EndpointConnectionError(endpoint_url=aws_env)
            return real_put(**params)

        client.put_object = put_object
        return client

    distribution = create_distribution(bucket, aws_env)
    with monkeypatch.context() as patch:
        patch.setattr(s3_module, "make_client", failing_client)
        result = deploy(site, f"s3://{bucket}", "--jobs", "1", "--invalidate", distribution, endpoint=aws_env)
    assert result.exit_code == 1, str(result)
    total = len(local_files(out))
    assert "cannot reach the S3 endpoint" in result.stderr
    assert f"5 of {total} files were uploaded; run the same command again to finish" in result.stderr
    stored = objects(s3, bucket)
    assert len(stored) == 5 and all(stored[key] == local_files(out)[key] for key in stored)
    # What did go up is purged before the command stops: the rerun will not see it as changed.
    [(invalidation, purged)] = invalidations(distribution, aws_env).items()
    assert f"purged from CloudFront (invalidation {invalidation})" in result.stderr
    assert {path.removesuffix("index.html") for path in purged} == {"/" + key.removesuffix("index.html") for key in stored}

    result = deploy(site, f"s3://{bucket}", endpoint=aws_env)
    assert result.exit_code == 0, str(result)
    assert summary_counts(result.stdout) == {"uploaded": total - 5, "deleted": 0, "unchanged": 5}
    assert objects(s3, bucket) == local_files(out)


# ---- bad input -----------------------------------------------------------------------------


def test_missing_credentials(built, bucket, aws_env, monkeypatch):
    site, out = built
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = deploy(site, f"s3://{bucket}", endpoint=aws_env)
    assert result.exit_code == 2, str(result)
    assert result.stderr.startswith("error: no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")


def test_a_bucket_that_does_not_exist(built, aws_env):
    site, _ = built
    result = deploy(site, "s3://no-such-bucket-here/news", endpoint=aws_env)
    assert result.exit_code == 2, str(result)
    assert "error: s3://no-such-bucket-here/news at http://127.0.0.1:" in result.stderr
    assert "there is no bucket 'no-such-bucket-here'" in result.stderr
    assert "testing-secret-never-printed" not in result.stderr


def test_an_endpoint_that_does_not_answer(built, bucket, aws_env):
    from deploy_support import free_port

    site, _ = built
    result = deploy(site, f"s3://{bucket}", "--jobs", "1", endpoint=f"http://127.0.0.1:{free_port()}")
    assert result.exit_code == 1, str(result)
    assert "cannot reach the S3 endpoint" in result.stderr


def test_without_boto3_the_extra_is_named(built, monkeypatch, aws_env):
    import sys

    site, _ = built
    monkeypatch.setitem(sys.modules, "botocore", None)
    result = deploy(site, "s3://news/")
    assert result.exit_code == 2, str(result)
    assert result.stderr.strip() == "error: deploying to S3 needs boto3: pip install 'dateline[s3]'"
