"""The Prefect flow end to end on samples/, validated against the report schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from pipeline.output.json_report import schema
from pipeline.rules.grammar.languagetool import LanguageToolServer
from tests.conftest import SAMPLES


def test_flow_audits_samples_and_report_validates(tmp_path: Path, lt_server: LanguageToolServer) -> None:
    from flows.audit import run

    out = tmp_path / "report"
    result = run([str(SAMPLES / "articles")], overrides={"out": str(out), "grammar": {"url": lt_server.url}})
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    jsonschema.validate(report, schema())
    articles = sorted(SAMPLES.joinpath("articles").glob("*.html"))
    assert report["summary"]["articles"] == len(articles) >= 4
    assert report["summary"]["audited"] == len(articles)
    assert result["summary"] == report["summary"]
    assert (out / "index.html").is_file()
    for art in report["articles"]:
        assert art["metrics"]["readability"]["smog"] > 0
        # Grammar ran for real: no "not checked" finding.
        assert not [f for f in art["findings"] if f["rule"] == "GR900"]
    # Every finding's span lies in the text and its excerpt is the text at the span.
    for art in report["articles"]:
        for f in art["findings"]:
            if f["span"] and f["selector"] is None:
                assert art["text"][f["span"]["start"] : f["span"]["end"]] == f["excerpt"]
