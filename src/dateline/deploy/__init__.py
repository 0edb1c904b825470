"""`dateline deploy TARGET`: upload the built site, only what changed.

    targets.py     TARGET (file:///path, s3://bucket/prefix) -> a Target; the records they trade
    folder.py      a folder target (a mounted share, an rsync source)
    s3.py          an S3 or S3-compatible bucket, through boto3
    rules.py       Content-Type, Cache-Control and gzip of each file from [deploy] rules and defaults
    redirects.py   /_redirects lines -> the alias pages that become redirect objects
    local.py       the built site's files as they will be uploaded (bytes, size, MD5, headers)
    changes.py     the JSON that `dateline build --changes FILE` writes
    plan.py        local files against remote objects: what to upload, in which order, what to delete
    run.py         carries out a plan: parallel uploads tier by tier, then capped deletions
    cloudfront.py  the invalidation of the changed paths

The command itself is dateline.commands.deploy.
"""
