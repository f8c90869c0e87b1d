"""History and incremental runs: unchanged articles are reused, changed ones re-checked, and a run
that crashes while being recorded leaves earlier history intact."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import Config, from_mapping
from pipeline.extract.document import ExtractedDocument
from pipeline.history import History, default_url
from pipeline.ingest.read import RawInput
from pipeline.ingest.sources import Source
from pipeline.rules.grammar.languagetool import LanguageToolServer
from pipeline.run.runner import run_audit
from tests.conftest import SAMPLES


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    shutil.copytree(SAMPLES / "articles", folder)
    return folder


def test_flow_reuses_unchanged_articles_and_rechecks_changed_one(
    site: Path, tmp_path: Path, lt_server: LanguageToolServer
) -> None:
    from flows.audit import run

    out = tmp_path / "out"
    overrides = {"out": str(out), "grammar": {"url": lt_server.url}}
    n = len(list(site.glob("*.html")))
    first = run([str(site)], overrides=overrides)
    assert first["stats"]["reused"] == 0 and first["stats"]["checked"] == n
    second = run([str(site)], overrides=overrides)
    assert second["stats"]["reused"] == n and second["stats"]["checked"] == 0
    assert second["summary"] == first["summary"]

    page = site / "stroke-symptoms.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace("</h1>", "</h1><p>Strokes are more common after 55.</p>", 1),
        encoding="utf-8",
    )
    third = run([str(site)], overrides=overrides)
    assert third["stats"]["checked"] == 1 and third["stats"]["reused"] == n - 1

    history = History.open(default_url(from_mapping(overrides)))
    assert len(history.runs()) == 3
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    trend = report["run"]["stats"]["trends"]
    assert len(trend["runs"]) == 2  # the two earlier runs
    changed = {a["source"]: trend["articles"][a["id"]] for a in report["articles"]}
    assert changed[str(page)]["content_changed"] is True
    assert sum(c["content_changed"] for c in changed.values()) == 1


def test_changed_settings_are_not_reused(site: Path, tmp_path: Path) -> None:
    base = {"out": str(tmp_path / "out"), "grammar": {"enabled": False}}
    run_audit([str(site)], from_mapping(base))
    again = run_audit([str(site)], from_mapping({**base, "readability": {"target_reading_age": 9}}))
    assert again.stats["reused"] == 0


def test_crash_while_recording_keeps_earlier_history(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = from_mapping({"out": str(tmp_path / "out"), "grammar": {"enabled": False}})
    run_audit([str(site)], config)
    history = History.open(default_url(config))
    before = history.runs()
    assert len(before) == 1

    import pipeline.history as hist

    calls = {"n": 0}
    real = hist.article_dict

    def crash_on_third(a: object) -> dict[str, object]:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return real(a)  # type: ignore[arg-type]

    monkeypatch.setattr(hist, "article_dict", crash_on_third)
    with pytest.raises(RuntimeError, match="disk full"):
        run_audit([str(site)], from_mapping({**config.effective(), "history": {"incremental": False}}))
    after = history.runs()
    assert [r["id"] for r in after] == [r["id"] for r in before]
    with history.engine.connect() as conn:
        rows = conn.execute(hist.article_runs.select()).fetchall()
    assert {r.run_id for r in rows} == {before[0]["id"]}


def test_markup_only_change_is_rechecked_and_reuse_skips_extraction(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = from_mapping({"out": str(tmp_path / "out"), "grammar": {"enabled": False}})
    first = run_audit([str(site)], config)
    page = site / "stroke-symptoms.html"
    html = page.read_text(encoding="utf-8")
    assert 'lang="en-GB"' in html
    page.write_text(html.replace('lang="en-GB"', 'lang="en-GB" data-edited="1"', 1), encoding="utf-8")

    import pipeline.run.assembly as assembly

    extracted: list[str] = []
    real = assembly.extract_input

    def counting(source: Source, raw: RawInput, cfg: Config) -> ExtractedDocument:
        extracted.append(source.location)
        return real(source, raw, cfg)

    monkeypatch.setattr(assembly, "extract_input", counting)
    second = run_audit([str(site)], config)
    assert extracted == [str(page)]  # the unchanged pages were reused without being extracted
    assert second.stats["reused"] == len(first.articles) - 1 and second.stats["checked"] == 1
    by_source = {a.source: a for a in second.articles}
    assert by_source[str(page)].content_hash == {a.source: a for a in first.articles}[str(page)].content_hash


def test_history_from_before_the_input_hash_gains_the_column_and_is_not_reused(site: Path, tmp_path: Path) -> None:
    import sqlalchemy as sa

    import pipeline.history as hist

    db = tmp_path / "old.sqlite"
    engine = sa.create_engine(f"sqlite:///{db}")
    hist.metadata.create_all(engine)
    with engine.begin() as conn:  # the schema as it was: no input_hash column
        conn.execute(sa.text("DROP INDEX ix_article_runs_input_hash"))
        conn.execute(sa.text("ALTER TABLE article_runs DROP COLUMN input_hash"))
    engine.dispose()

    config = from_mapping(
        {"out": str(tmp_path / "out"), "grammar": {"enabled": False}, "history": {"url": f"sqlite:///{db}"}}
    )
    first = run_audit([str(site)], config)
    assert first.stats["reused"] == 0
    columns = {c["name"] for c in sa.inspect(History.open(f"sqlite:///{db}").engine).get_columns("article_runs")}
    indexes = {i["name"] for i in sa.inspect(History.open(f"sqlite:///{db}").engine).get_indexes("article_runs")}
    assert "input_hash" in columns and "ix_article_runs_input_hash" in indexes
    assert run_audit([str(site)], config).stats["reused"] == len(first.articles)


def test_an_error_found_in_unchanged_bytes_is_reused_and_an_unreadable_source_is_tried_again(
    site: Path, tmp_path: Path
) -> None:
    (site / "empty.html").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    missing = str(tmp_path / "gone.html")
    config = from_mapping({"out": str(tmp_path / "out"), "grammar": {"enabled": False}})
    first = run_audit([str(site), missing], config)
    errors = {a.source: a for a in first.articles if a.status == "error"}
    assert set(errors) == {str(site / "empty.html"), missing}
    second = run_audit([str(site), missing], config)
    not_reused = [a.source for a in second.articles if not a.reused]
    assert not_reused == [missing]
    assert {a.source: [f.rule for f in a.findings] for a in second.articles if a.status == "error"} == {
        s: [f.rule for f in a.findings] for s, a in errors.items()
    }


def test_our_own_failure_is_not_reused(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.run.assembly as assembly

    def out_of_memory(source: Source, raw: RawInput, cfg: Config) -> ExtractedDocument:
        raise MemoryError("no room")

    config = from_mapping({"out": str(tmp_path / "out"), "grammar": {"enabled": False}})
    monkeypatch.setattr(assembly, "extract_input", out_of_memory)
    first = run_audit([str(site)], config)
    assert {f.rule for a in first.articles for f in a.findings} == {"EX001"}
    monkeypatch.undo()
    again = run_audit([str(site)], config)
    assert again.stats["reused"] == 0 and all(a.status == "audited" for a in again.articles)


def test_adding_a_column_another_process_has_just_added_is_not_an_error(tmp_path: Path) -> None:
    import sqlalchemy as sa

    import pipeline.history as hist

    history = History.open(f"sqlite:///{tmp_path / 'h.sqlite'}")
    column = hist.article_runs.c.input_hash
    hist._idempotent(history.engine, sa.text(f"ALTER TABLE article_runs ADD COLUMN input_hash {column.type}"))
    index = next(i for i in hist.article_runs.indexes if "input_hash" in i.columns)
    hist._idempotent(history.engine, sa.schema.CreateIndex(index))
    with pytest.raises(sa.exc.DBAPIError):
        hist._idempotent(history.engine, sa.text("ALTER TABLE no_such_table ADD COLUMN x INTEGER"))


def test_an_edited_data_file_outside_the_package_is_not_reused(site: Path, tmp_path: Path) -> None:
    # A site's own swap list: editing it must re-check every article, as editing ours does.
    words = tmp_path / "plain_words.yaml"
    shutil.copy(Path("pipeline/data/plain_words.yaml"), words)
    base = {"out": str(tmp_path / "out"), "grammar": {"enabled": False}, "readability": {"plain_words": str(words)}}
    run_audit([str(site)], from_mapping(base))
    assert run_audit([str(site)], from_mapping(base)).stats["reused"] > 0
    words.write_text(
        words.read_text(encoding="utf-8").replace(
            "entries:\n", "entries:\n  - word: septic shock\n    variants: []\n    plain: [very low blood pressure]\n"
            "    source: a site's own list\n", 1,
        ),
        encoding="utf-8",
    )
    again = run_audit([str(site)], from_mapping(base))
    assert again.stats["reused"] == 0
    swaps = [f for a in again.articles for f in a.findings if f.rule == "RD008" and f.excerpt == "septic shock"]
    assert swaps


def test_every_setting_that_names_a_data_file_counts_for_reuse() -> None:
    from pipeline.config import data_file_settings

    def paths(d: Any, prefix: str = "") -> set[str]:
        if isinstance(d, dict):
            return {k for key, v in d.items() for k in paths(v, f"{prefix}.{key}" if prefix else key)}
        return {prefix} if isinstance(d, str) and "/" in d and Path(d).exists() else set()

    marked = set(data_file_settings())
    assert paths(Config().effective()) - {"out"} <= marked  # every default that is a file is marked
    assert {"terms.glossary", "safety.rules_dir", "grammar.accept_file", "accessibility.axe_script"} <= marked


def test_a_data_file_edited_during_a_run_is_not_taken_as_what_the_run_used(site: Path, tmp_path: Path) -> None:
    # The run is recorded under the fingerprint it took as it began; the next run, which sees the
    # edited file, checks everything again instead of reusing results made with the old list.
    words = tmp_path / "plain_words.yaml"
    shutil.copy(Path("pipeline/data/plain_words.yaml"), words)
    base = {"out": str(tmp_path / "out"), "grammar": {"enabled": False}, "readability": {"plain_words": str(words)},
            "runner": {"processes": 1}}
    edited = False

    def edit_once(_: Any) -> None:
        nonlocal edited
        if not edited:
            words.write_text(words.read_text(encoding="utf-8") + "\n", encoding="utf-8")
            edited = True

    first = run_audit([str(site)], from_mapping(base), progress=edit_once)
    assert edited and first.stats["fingerprint"]
    assert run_audit([str(site)], from_mapping(base)).stats["reused"] == 0
