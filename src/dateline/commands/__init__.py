"""The `dateline` commands: one module each, on top of every stage.

    common.py    what every command shares: --site, opening the config, error reporting, progress
    build.py     dateline build
    check.py     dateline check
    new.py       dateline new
    init.py      dateline init
    theme.py     dateline theme export
    serve.py     dateline serve
    import_.py   dateline import (the work is dateline.importer's)
    deploy.py    dateline deploy (the work is dateline.deploy's)

Commands parse options, call the stages and print; they hold no build logic of their own.
"""
