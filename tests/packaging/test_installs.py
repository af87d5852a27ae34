"""Each documented install (README, "Install"), in a fresh virtualenv of its own, does what
the README says; what needs another extra names it instead of failing with an ImportError.
The promises and how they are tried: installs.py."""

from __future__ import annotations

from typing import Any

import pytest

from tests.packaging.installs import CHAIN, PROMISES

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("install", CHAIN)
def test_each_install_does_what_the_readme_says(install: str, probed: dict[str, Any]) -> None:
    assert isinstance(probed[install], list), probed[install]
    for check, result in zip(PROMISES[install], probed[install], strict=True):
        what, expect = check.get("run") or check.get("import") or "every --help", check["expect"]
        if "every_help" in check:
            codes = result["codes"]
            assert len(codes) > 10 and set(codes.values()) == {0}, result
        elif "import" in check:
            if expect == "ok":
                assert result["ok"] and result["installed"], (what, result)
            else:
                assert not result["ok"] and result["extras"] == [expect], (what, result)
        elif expect == "ok":
            assert result["code"] == 0, (what, result)
        else:
            assert result["code"] == 1 and "Traceback" not in result["err"], (what, result)
            assert result["err"].startswith("Error: "), (what, result)
            if expect == "error":
                assert "extra" not in result["err"] and check["text"] in result["err"], result
            else:
                named = " or ".join(f"pip install 'planbook[{e}]'" for e in expect.split("/"))
                assert named in " ".join(result["err"].split()), (what, result)
