"""An S3 bucket (or any S3-compatible store) through boto3: s3://bucket/prefix.

Each PUT replaces one object whole, so an interrupted deploy leaves every object either old or
new; nothing else is stored, and a rerun compares again and finishes the job.
"""

from __future__ import annotations

import base64
import re

from dateline.deploy.targets import RemoteObject, Upload
from dateline.errors import DatelineError, UsageError

_MD5 = re.compile(r"^[0-9a-f]{32}$")
DELETE_BATCH = 1000  # DeleteObjects takes at most this many keys
CREDENTIALS_HELP = ("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE for a profile in ~/.aws/credentials, "
                    "or run where an instance role applies")


def make_client(endpoint_url: str, connections: int):
    """A thread-safe S3 client; a separate function so tests can wrap what it returns."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session()
    if session.get_credentials() is None:
        raise UsageError(f"no AWS credentials found: {CREDENTIALS_HELP}")
    # Checksums only where S3 requires them: several S3-compatible stores refuse the newer
    # default ones, and every PUT carries Content-MD5 anyway.
    config = Config(max_pool_connections=connections, retries={"mode": "standard"},
                    request_checksum_calculation="when_required", response_checksum_validation="when_required")
    return session.client("s3", endpoint_url=endpoint_url or None, config=config)


class S3Target:
    redirects = True
    headers = True

    def __init__(self, name: str, bucket: str, prefix: str, endpoint_url: str = "", connections: int = 16):
        try:
            import botocore  # noqa: F401  (only to tell whether the extra is installed)
        except ImportError:
            raise UsageError("deploying to S3 needs boto3: pip install 'dateline[s3]'") from None
        self.name, self.bucket, self.prefix = name, bucket, prefix
        self.where = f"{name}" + (f" at {endpoint_url}" if endpoint_url else "")
        self.client = make_client(endpoint_url, connections)

    def list(self) -> dict[str, RemoteObject]:
        found = {}
        with self._errors("list"):
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix):
                for item in page.get("Contents", []):
                    path = item["Key"][len(self.prefix):]
                    if path and not path.endswith("/"):  # "folder/" markers some consoles create
                        found[path] = RemoteObject(item["Size"], _etag_md5(item.get("ETag", "")))
        return found

    def stat(self, path: str) -> RemoteObject | None:
        from botocore.exceptions import ClientError

        try:
            with self._errors(f"read {self.prefix + path}", missing_ok=True):
                head = self.client.head_object(Bucket=self.bucket, Key=self.prefix + path)
        except ClientError:
            return None
        md5 = head.get("Metadata", {}).get("md5") or _etag_md5(head.get("ETag", ""))
        return RemoteObject(head["ContentLength"], md5, head.get("WebsiteRedirectLocation"))

    def put(self, upload: Upload) -> None:
        body = upload.body()
        extra = {"ContentType": upload.headers.content_type, "CacheControl": upload.headers.cache_control}
        if upload.headers.gzip and body:
            extra["ContentEncoding"] = "gzip"
        if upload.redirect:
            extra["WebsiteRedirectLocation"] = upload.redirect
        content_md5 = base64.b64encode(bytes.fromhex(upload.md5)).decode()
        with self._errors(f"upload {upload.path}"):
            self.client.put_object(Bucket=self.bucket, Key=self.prefix + upload.path, Body=body, ContentMD5=content_md5,
                                   Metadata={"md5": upload.md5}, **extra)

    def delete(self, paths: list[str]) -> None:
        for start in range(0, len(paths), DELETE_BATCH):
            keys = [{"Key": self.prefix + path} for path in paths[start:start + DELETE_BATCH]]
            with self._errors("delete"):
                answer = self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True})
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise DatelineError(f"{self.where}: could not delete {len(answer['Errors'])} objects, "
                                    f"the first {first.get('Key')}: {first.get('Message') or first.get('Code')}")

    def _errors(self, action: str, missing_ok: bool = False):
        return _Translated(self, action, missing_ok)


class _Translated:
    """boto3's exceptions -> dateline's errors, without a traceback and without credentials."""

    def __init__(self, target: S3Target, action: str, missing_ok: bool):
        self.target, self.action, self.missing_ok = target, action, missing_ok

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, trace):
        from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

        if exc is None:
            return False
        where = self.target.where
        if isinstance(exc, NoCredentialsError):
            raise UsageError(f"no AWS credentials found: {CREDENTIALS_HELP}") from None
        if isinstance(exc, EndpointConnectionError):
            raise DatelineError(f"{where}: cannot reach the S3 endpoint ({exc})") from None
        if isinstance(exc, ClientError):
            code = exc.response.get("Error", {}).get("Code", "")
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if self.missing_ok and (code in ("404", "NoSuchKey", "NotFound") or status == 404):
                return False  # the caller treats it as "no such object"
            if code == "NoSuchBucket":
                raise UsageError(f"{where}: there is no bucket {self.target.bucket!r} (create it: docs/deploy.md)") from None
            if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken"):
                raise UsageError(f"{where}: the AWS credentials were refused ({code}): {CREDENTIALS_HELP}") from None
            if code in ("AccessDenied", "AllAccessDisabled", "403") or status == 403:
                raise DatelineError(f"{where}: access denied ({self.action}): these credentials may not do that") from None
            message = exc.response.get("Error", {}).get("Message") or code
            raise DatelineError(f"{where}: could not {self.action}: {message}") from None
        if isinstance(exc, BotoCoreError):
            raise DatelineError(f"{where}: could not {self.action}: {exc}") from None
        return False


def _etag_md5(etag: str) -> str | None:
    """An ETag is the MD5 of the bytes for a plain PUT; a multipart or KMS-encrypted one is not."""
    value = etag.strip('"').lower()
    return value if _MD5.match(value) else None
