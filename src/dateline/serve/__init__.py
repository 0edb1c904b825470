"""`dateline serve`: the development server.

    server.py    DevServer: bind, build, serve, watch, stop cleanly (the command is dateline.commands.serve)
    devsite.py   the served site: first build, a rebuild per batch of changes, terminal lines
    watch.py     watchdog events coalesced into batches of changed sources
    http.py      the threaded HTTP server: files, redirects, 404 page, conditional GET, events
    paths.py     request target -> file below the output folder, refusing anything outside it
    gate.py      requests wait while a rebuild writes, and for pages still owed
    follow.py    after each rebuild, on a thread: the later pages of long lists, then the search index
    hub.py       the live-reload channel's state and events
    client.py    the script added to served HTML pages

The builds themselves are dateline.build's (the same engine as `dateline build`).
"""
