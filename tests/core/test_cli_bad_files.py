"""Every bad file or path given to `health-audit audit` is exit 2 with one line naming it, never a
traceback; a broken history database costs the history, not the audit."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import history
from pipeline.cli import app
from tests.core.test_cli import GOOD

runner = CliRunner()


def _audit(tmp_path: Path, *args: str) -> tuple[int, str]:
    page = tmp_path / "a.html"
    page.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["audit", str(page), "--no-grammar", "--format", "json", "-q", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _one_line(output: str, *names: object) -> str:
    lines = [line for line in output.splitlines() if line.startswith("health-audit:")]
    assert len(lines) == 1, output
    for name in names:
        assert str(name) in lines[0], output
    return lines[0]


def _report(tmp_path: Path, name: str = "report.json", **changes: object) -> Path:
    out = tmp_path / "first"
    code, output = _audit(tmp_path, "--out", str(out))
    assert code in (0, 1), output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    report.update(changes)
    path = tmp_path / name
    path.write_text(json.dumps(report), encoding="utf-8")
    return path


def test_binary_or_non_utf8_configuration_file(tmp_path: Path) -> None:
    for content in (b"\xff\xfe\x00\x01binary", "[run]\nname = 'caf\xe9'\n".encode("latin-1")):
        cfg = tmp_path / "health-audit.toml"
        cfg.write_bytes(content)
        code, output = _audit(tmp_path, "--config", str(cfg), "--out", str(tmp_path / "out"))
        assert code == 2
        _one_line(output, cfg, "not UTF-8")


def test_out_naming_an_existing_file_or_a_path_under_one(tmp_path: Path) -> None:
    existing = tmp_path / "report.txt"
    existing.write_text("keep me", encoding="utf-8")
    code, output = _audit(tmp_path, "--out", str(existing))
    assert code == 2
    _one_line(output, existing, "not a folder")
    code, output = _audit(tmp_path, "--out", str(existing / "sub"))
    assert code == 2
    _one_line(output, existing)
    assert existing.read_text(encoding="utf-8") == "keep me"


def test_unreadable_or_read_only_output_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    if os.geteuid() != 0:  # root ignores permission bits; the real check runs for everyone else
        out.chmod(0o555)
        try:
            code, output = _audit(tmp_path, "--out", str(out))
        finally:
            out.chmod(0o755)
        assert code == 2
        _one_line(output, out, "not writable")
    real_access = os.access

    def deny(path: object, mode: int, **kw: object) -> bool:
        if Path(str(path)) == out:
            return False
        return real_access(path, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", deny)
    code, output = _audit(tmp_path, "--out", str(out))
    assert code == 2
    _one_line(output, out, "cannot be read")


def test_baseline_that_is_a_folder_binary_empty_or_another_schema(tmp_path: Path) -> None:
    folder = tmp_path / "baseline"
    folder.mkdir()
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    empty = tmp_path / "empty.json"
    empty.write_text("", encoding="utf-8")
    other = _report(tmp_path, "old.json", schema_version="0.3")
    cases = [(folder, "is a folder"), (binary, "not a report.json"), (empty, "empty"), (other, "schema version 0.3")]
    for path, words in cases:
        code, output = _audit(tmp_path, "--out", str(tmp_path / "out"), "--baseline", str(path))
        assert code == 2, (path, output)
        _one_line(output, path, words)
    good = _report(tmp_path, "good.json")
    code, output = _audit(tmp_path, "--out", str(tmp_path / "out"), "--baseline", str(good))
    assert code in (0, 1), output


def test_waivers_file_that_is_binary_empty_or_another_schema(tmp_path: Path) -> None:
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x00\x01\x02")
    nul = tmp_path / "nul.yaml"
    nul.write_bytes(b"\x00\x01\x02")
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    other = tmp_path / "other.yaml"
    other.write_text('schema_version: "2"\nwaivers: []\n', encoding="utf-8")
    cases = [(binary, "not UTF-8"), (nul, "not valid YAML"), (empty, "empty"), (other, "schema version 2")]
    for path, words in cases:
        code, output = _audit(tmp_path, "--out", str(tmp_path / "out"), "--waivers", str(path))
        assert code == 2, (path, output)
        _one_line(output, path, words)
    none = tmp_path / "none.yaml"
    none.write_text('schema_version: "1"\nwaivers: []\n', encoding="utf-8")
    code, output = _audit(tmp_path, "--out", str(tmp_path / "out"), "--waivers", str(none))
    assert code in (0, 1), output


def test_a_history_file_that_is_not_sqlite_is_skipped_with_advice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "SKIPPED", [])
    out = tmp_path / "out"
    out.mkdir()
    db = out / "history.sqlite"
    db.write_bytes(b"this is not a database, it is a note someone saved here\n" * 20)
    code, output = _audit(tmp_path, "--out", str(out))
    assert code == 2
    line = _one_line(output, db, "not an SQLite database")
    assert "move it aside" in line and "history skipped" in line
    # The audit itself ran and wrote its report; the file was left as it was.
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["articles"]
    assert db.read_bytes().startswith(b"this is not a database")
