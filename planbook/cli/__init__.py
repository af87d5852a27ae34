"""The ``planbook`` command line: one module per group of commands, all on :data:`main.app`."""
