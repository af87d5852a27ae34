"""The core's public surface is explicit and importable."""

import pkgutil

import planbook


def test_all_lists_every_public_member_and_nothing_else():
    public = {name for name in dir(planbook) if not name.startswith("_")}
    modules = {m.name for m in pkgutil.iter_modules(planbook.__path__)}
    exported = set(planbook.__all__) - {"__version__"}
    assert exported == public - (modules - exported)


def test_all_members_exist():
    for name in planbook.__all__:
        assert hasattr(planbook, name), name
