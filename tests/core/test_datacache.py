"""Derived data kept on disk: reused while its inputs are unchanged, rebuilt when any of them changes."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from pipeline import datacache
from pipeline.config import from_mapping
from pipeline.datacache import remembered
from pipeline.language.vocabulary import build_vocabulary, paths_from_config
from pipeline.rules.safety.packs import _read_packs


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(datacache.ENV, str(folder))
    return folder


class Builder:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> dict[str, int]:
        self.calls += 1
        return {"built": self.calls}


def test_reused_until_an_input_changes(cache: Path, tmp_path: Path) -> None:
    source = tmp_path / "words.txt"
    source.write_text("one\n")
    build = Builder()
    assert remembered("words", [source], build) == {"built": 1}
    assert remembered("words", [source], build) == {"built": 1}
    assert build.calls == 1
    assert oct(cache.stat().st_mode & 0o777) == "0o700"

    source.write_text("one\ntwo\n")  # size and modification time change
    assert remembered("words", [source], build) == {"built": 2}
    source.unlink()  # a missing input is an input too
    assert remembered("words", [source], build) == {"built": 3}
    assert remembered("other", [source], build) == {"built": 4}  # each kind has its own entry


def test_a_corrupt_cache_file_is_rebuilt(cache: Path, tmp_path: Path) -> None:
    build = Builder()
    remembered("words", [], build)
    [stored] = cache.glob("words-*.pickle")
    stored.write_bytes(b"not a pickle")
    assert remembered("words", [], build) == {"built": 2}
    assert remembered("words", [], build) == {"built": 2}


def test_off_builds_every_time_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(datacache.ENV, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    build = Builder()
    remembered("words", [], build)
    remembered("words", [], build)
    assert build.calls == 2
    assert not list(tmp_path.rglob("*.pickle"))


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="ownership checks are POSIX")
def test_a_folder_others_can_write_to_is_never_read(cache: Path) -> None:
    build = Builder()
    remembered("words", [], build)
    cache.chmod(0o777)
    try:
        assert remembered("words", [], build) == {"built": 2}
        assert remembered("words", [], build) == {"built": 3}
    finally:
        cache.chmod(0o700)


def test_only_the_newest_versions_of_a_kind_are_kept(cache: Path, tmp_path: Path) -> None:
    source = tmp_path / "words.txt"
    for i in range(datacache.KEEP + 3):
        source.write_text("x" * (i + 1))
        remembered("words", [source], Builder())
    assert len(list(cache.glob("words-*.pickle"))) == datacache.KEEP
    assert not list(cache.glob("*.tmp"))


def test_cached_vocabulary_and_rules_equal_what_the_files_give(cache: Path) -> None:
    config = from_mapping({})
    paths = paths_from_config(config)
    inputs = [paths.glossary, paths.medical_dictionary]
    first = remembered("vocabulary-test", inputs, lambda: build_vocabulary(paths))
    again = remembered("vocabulary-test", inputs, lambda: pytest.fail("read from the cache, not built"))
    assert again == build_vocabulary(paths) == first
    assert again is not first

    files = sorted(Path(config.safety.rules_dir).glob("*.yaml"))
    files = [f for f in files if f.name != "locales.yaml"]
    packs = remembered("packs-test", files, lambda: _read_packs(files))
    assert (
        remembered("packs-test", files, lambda: pytest.fail("read from the cache"))
        == packs
        == _read_packs(files)
    )


def test_worker_warm_up_survives_broken_data_and_tunes_the_collector(tmp_path: Path) -> None:
    from pipeline.run.pool import _warm

    broken = tmp_path / "glossary.yaml"
    broken.write_text("terms: [unclosed\n")
    config = from_mapping(
        {"terms": {"glossary": str(broken)}, "safety": {"rules_dir": str(tmp_path / "none")}}
    )
    before = gc.get_threshold()
    try:
        _warm(config)  # must not raise: each article's check reports the broken file
        assert gc.get_threshold()[0] > before[0]
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
