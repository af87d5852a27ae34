"""``python -m planbook``: the same CLI as the ``planbook`` command."""

from planbook.cli.main import main

if __name__ == "__main__":
    main()
