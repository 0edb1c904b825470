"""Purging the changed paths from a CloudFront distribution."""

from __future__ import annotations

import time
from urllib.parse import quote

from dateline.errors import DatelineError

# Past this many paths one wildcard is cheaper (CloudFront bills per path) and as quick.
MAX_PATHS = 50


def invalidation_paths(paths: list[str], base_path: str) -> list[str]:
    """URL paths to purge for site-relative file paths; a folder's index.html is also its folder's URL."""
    urls = set()
    for path in paths:
        url = base_path + path
        urls.add(url)
        if path == "index.html" or path.endswith("/index.html"):
            urls.add(url[: -len("index.html")])
    if len(urls) > MAX_PATHS:
        return [quote(base_path) + "*"]
    # CloudFront wants non-ASCII and unsafe characters percent-encoded, as browsers send them.
    return sorted(quote(url, safe="/~!$&'()*+,;=:@") for url in urls)


def invalidate(distribution: str, paths: list[str]) -> str:
    """Create the invalidation; returns its id."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.session.Session().client("cloudfront")
    batch = {"Paths": {"Quantity": len(paths), "Items": paths}, "CallerReference": f"dateline-{time.time_ns()}"}
    try:
        answer = client.create_invalidation(DistributionId=distribution, InvalidationBatch=batch)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise DatelineError(f"CloudFront distribution {distribution}: could not purge {len(paths)} paths: "
                            f"{error.get('Message') or error.get('Code')}") from None
    except BotoCoreError as exc:
        raise DatelineError(f"CloudFront distribution {distribution}: could not purge {len(paths)} paths: {exc}") from None
    return answer["Invalidation"]["Id"]
