"""The Excel edge of Planbook: workbook templates (``addin.templates``), the workbook reader
(``addin.reader``), and worksheet functions and buttons through xlwings (``addin.functions``,
``addin.buttons``) with their settings and per-version cache.

Everything that reads or writes a workbook lives here; the arithmetic it shows is the core's
(:mod:`planbook`), written as native Excel formulas where Excel can compute it itself.

Errors the add-in raises on purpose join the core's tree (:mod:`planbook.errors`)::

    PlanbookError
    ├── WorkbookFileError        a file cannot be read as a workbook at all: wrong format,
    │                            damaged, hostile (addin.reader.safety)
    ├── FunctionError            a worksheet function's arguments are wrong; carries the
    │                            Excel error value to return (addin.functions.convert)
    ├── SettingRefused           a workbook run by the service sets a store, server, token,
    │                            cache folder or author in its settings sheet (addin.settings)
    └── StoreError               the store's refusals (server.store.errors)
        └── StoreUnavailable
            └── Offline          the service cannot be reached and the cache holds no copy
                                 of the version asked for (addin.cache)

A worksheet function returns any of them as an Excel error value with its message; a button
alerts its message. Anything else is a bug: the function returns ``#VALUE!`` and the button
alerts that Planbook hit an unexpected error, and both log it with its traceback to the
``planbook.addin`` logger.
"""
