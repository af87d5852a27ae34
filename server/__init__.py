"""Planbook's service edge: the versioned snapshot store and the FastAPI sync service.

Errors the service raises on purpose join the core's tree (:mod:`planbook.errors`)::

    PlanbookError
    ├── StoreError               everything the store refuses, each with its HTTP status
    │                            (the subtree is in server.store.errors)
    └── InsecureSettings         the service refuses to start outside dev mode with a
                                 default or weak secret (server.settings)

:mod:`server.errors` turns them into JSON error bodies; anything else is a 500 that says
nothing about the internals, with the traceback in the server log.
"""
