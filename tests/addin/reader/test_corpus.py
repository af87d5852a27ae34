"""Every malformed or hostile file gets a clear error, in under 2 s and bounded memory."""

from __future__ import annotations

import shutil
import time
import tracemalloc
from pathlib import Path

import pytest

from addin.reader import read_team_workbook
from planbook.errors import PlanbookError
from tests.addin.corpus import EXPECTED, FOLDER, REAL, small_cases, write_big_cases

BIG = ("zip-bomb.xlsx", "ratio-bomb.xlsx", "million-rows.xlsx")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for name in EXPECTED:
        if name not in BIG:
            shutil.copy(FOLDER / name, folder / name)
    write_big_cases(folder)
    return folder


def test_corpus_is_committed_and_complete():
    assert set(small_cases()) | set(REAL) == {n for n in EXPECTED if n not in BIG}
    for name in small_cases():
        assert (FOLDER / name).is_file(), f"run python -m tests.addin.corpus to write {name}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_file_gets_a_clear_error_quickly(corpus, demo, name):
    tracemalloc.start()
    began = time.perf_counter()
    with pytest.raises(PlanbookError) as info:
        read_team_workbook(corpus / name, demo.plan)
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    message = str(info.value)
    assert EXPECTED[name] in message, message
    assert "Traceback" not in message
    assert elapsed < 2, f"{name}: {elapsed:.2f} s"
    assert peak < 64 << 20, f"{name}: peak {peak >> 20} MiB"
