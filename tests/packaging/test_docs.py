"""The README's "Install" lists every extra, the installs it lists are the ones tried in
fresh virtualenvs (installs.py), and its example is what the command prints."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from tests.packaging.installs import CHAIN, PROMISES

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("\n## Install\n")[1].split("\n## ")[0]


def test_the_readme_lists_each_install_of_the_core_and_each_extra() -> None:
    extras = [extra for extra in PROJECT["optional-dependencies"] if extra != "dev"]
    listed = re.findall(r'^\| `pip install "?(planbook(?:\[\w+\])?)"?` \|', SECTION, re.M)
    assert listed == ["planbook", *(f"planbook[{extra}]" for extra in extras)]


def test_the_installs_tried_are_the_installs_documented() -> None:
    listed = re.findall(r'^\| `pip install "?(planbook(?:\[\w+\])?)"?` \|', SECTION, re.M)
    assert sorted(listed) == sorted(CHAIN) == sorted(PROMISES)


def test_the_readme_shows_what_the_command_prints_without_the_extra(probed: dict[str, Any]) -> None:
    example = re.search(r"```console\n\$ (planbook .+)\n(Error: .+)\n```", SECTION)
    assert example, "no example of a missing extra"
    argv = example.group(1).split()
    (index,) = [i for i, check in enumerate(PROMISES["planbook"]) if check.get("run") == argv]
    assert probed["planbook"][index]["err"].strip() == example.group(2)
