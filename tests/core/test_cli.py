"""The `health-audit` command: exit codes, rules, explain and configuration errors (CONTRACT.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()

GOOD = """<!DOCTYPE html><html lang="en-GB"><head><title>Colds</title></head><body><main><article>
<h1>Colds</h1><p>A cold is a mild infection of the nose and throat. It gets better on its own.</p>
<p>Rest and drink plenty of fluids.</p></article></main></body></html>"""


def test_rules_lists_every_family_code() -> None:
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    assert "RD001" in result.output and "GR001" in result.output and "EX001" in result.output


def test_explain_prints_documentation_and_rejects_unknown_code() -> None:
    result = runner.invoke(app, ["explain", "RD001"])
    assert result.exit_code == 0
    assert "Why it matters for patients" in result.output and "Guideline" in result.output
    bad = runner.invoke(app, ["explain", "ZZ999"])
    assert bad.exit_code == 2


def test_bad_configuration_key_exits_2_and_names_it(tmp_path: Path) -> None:
    cfg = tmp_path / "health-audit.toml"
    cfg.write_text("[readability]\ntarget_reading_ages = 9\n", encoding="utf-8")
    page = tmp_path / "a.html"
    page.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["audit", str(page), "--config", str(cfg), "--no-grammar"])
    assert result.exit_code == 2
    assert "readability.target_reading_ages" in result.output


def test_bad_value_exits_2(tmp_path: Path) -> None:
    page = tmp_path / "a.html"
    page.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["audit", str(page), "--fail-on", "sometimes", "--no-grammar"])
    assert result.exit_code == 2
    assert "fail_on" in result.output


def test_gate_exit_codes_and_broken_article_does_not_lose_others(tmp_path: Path) -> None:
    (tmp_path / "good.html").write_text(GOOD, encoding="utf-8")
    (tmp_path / "empty.html").write_text("", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["audit", str(tmp_path), "--out", str(out), "--no-grammar", "--format", "json"])
    assert result.exit_code == 1, result.output  # the empty article is an error finding
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    by_name = {Path(a["source"]).name: a for a in report["articles"]}
    assert by_name["empty.html"]["status"] == "error"
    assert by_name["empty.html"]["findings"][0]["rule"] == "EX001"
    assert "empty" in by_name["empty.html"]["findings"][0]["message"]
    assert by_name["good.html"]["status"] == "audited"
    assert report["summary"]["gate"] == "fail"
    passing = runner.invoke(
        app, ["audit", str(tmp_path / "good.html"), "--out", str(out), "--no-grammar", "--fail-on", "error"]
    )
    assert passing.exit_code == 0, passing.output
    never = runner.invoke(app, ["audit", str(tmp_path), "--out", str(out), "--no-grammar", "--fail-on", "never"])
    assert never.exit_code == 0


def test_nothing_to_audit_is_a_usage_error(tmp_path: Path, monkeypatch: object) -> None:
    import os

    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(app, ["audit", "--no-grammar"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 2
    assert "nothing to audit" in result.output


def test_a_missing_or_broken_plain_word_list_exits_2_for_terms_and_readability(tmp_path: Path) -> None:
    # MT004 and RD008 read one swap list through one loader: neither may quietly switch itself off.
    page = tmp_path / "a.html"
    page.write_text(GOOD, encoding="utf-8")
    missing = tmp_path / "nope.yaml"
    broken = tmp_path / "broken.yaml"
    broken.write_text("- [unclosed\n", encoding="utf-8")
    for section in ("terms", "readability"):
        for path, why in ((missing, "was not found"), (broken, "not valid YAML")):
            cfg = tmp_path / "health-audit.toml"
            cfg.write_text(f'[{section}]\nplain_words = "{path}"\n', encoding="utf-8")
            result = runner.invoke(app, ["audit", str(page), "--config", str(cfg), "--no-grammar", "--out",
                                         str(tmp_path / "out")])
            assert result.exit_code == 2, (section, path, result.output)
            assert f"{section}.plain_words" in result.output and str(path) in result.output
            assert why in result.output


def test_an_unknown_safety_topic_exits_2_naming_the_key_and_the_topic(tmp_path: Path) -> None:
    # Checked once as the configuration loads, not on every article by the safety check.
    page = tmp_path / "a.html"
    page.write_text(GOOD, encoding="utf-8")
    cfg = tmp_path / "health-audit.toml"
    cfg.write_text('[safety]\ntopics = ["sepsis", "sepsiss"]\n', encoding="utf-8")
    result = runner.invoke(app, ["audit", str(page), "--config", str(cfg), "--no-grammar", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "safety.topics" in result.output and "'sepsiss'" in result.output
    cfg.write_text('[safety]\ntopics = ["sepsis"]\n', encoding="utf-8")
    good = runner.invoke(app, ["audit", str(page), "--config", str(cfg), "--no-grammar", "--out", str(tmp_path / "out")])
    assert good.exit_code == 0, good.output


@pytest.mark.parametrize("files", [[], ["report.pdf"], ["notes/readme.docx"]])
def test_a_folder_with_no_articles_exits_2(tmp_path: Path, files: list[str]) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    for name in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"%PDF-1.4")
    out = tmp_path / "out"
    result = runner.invoke(app, ["audit", "--no-grammar", str(folder), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert f"no articles found in {folder} (looked for .html, .htm, .md, .txt" in result.output
    assert not (out / "summary.md").exists()  # nothing says "passed"


def test_a_source_that_does_not_exist_exits_2_naming_it(tmp_path: Path) -> None:
    missing = "samples/articles/sepsis-causse.html"
    result = runner.invoke(app, ["audit", "--no-grammar", missing, "samples/articles/piles-haemorrhoids.html",
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert f"{missing} does not exist" in result.output
    assert not (tmp_path / "out" / "report.json").exists()
