"""Runs built directly from the data model for the output tests, and checks that they are sound.

`sample_run` has one article of every kind a reviewer meets (findings in the text that overlap, a
whole-article finding, a markup finding, a glossary term, a pass, an article that could not be read,
and a clean one). `hostile_run` puts markup and script into every field a page can control.
"""

from __future__ import annotations

import pipeline.rules  # noqa: F401  (importing the catalogue registers every rule)
from pipeline.model import Block, Finding, RunResult, Span
from pipeline.rules.registry import finding

SEPSIS_TEXT = "\n".join(
    [
        "Sepsis.",
        "Sepsis is a life-threatening reaction to an infection.",
        "Take paracetmol for a high temperature, and if the person is confused, has slurred speech or "
        "mottled skin, or is breathing very fast, do not wait for the rash to appear before you act.",
        "Call 999 or go to A&E if you think someone has sepsis.",
        "Slurred speech or confusion.",
        "Mottled or bluish skin.",
    ]
)


def _span(text: str, phrase: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


def readability(smog: float, words: int, sentences: int, **extra: object) -> dict[str, object]:
    """Readability metrics with every figure report.json requires."""
    figures: dict[str, object] = {
        "smog": smog, "uk_reading_age": round(smog + 5, 1), "flesch_kincaid_grade": round(smog - 1, 1),
        "flesch_reading_ease": 60.0, "gunning_fog": smog + 1, "coleman_liau": smog, "automated_readability_index":
        smog, "dale_chall": 7.5, "sentences": sentences, "words": words,
    }
    return {**figures, **extra}


def _blocks(text: str, kinds: list[tuple[str, int | None]]) -> list[Block]:
    blocks, pos = [], 0
    for line, (kind, level) in zip(text.split("\n"), kinds, strict=True):
        blocks.append(Block(kind=kind, start=pos, end=pos + len(line), level=level))  # type: ignore[arg-type]
        pos += len(line) + 1
    return blocks


def sepsis_article() -> dict[str, object]:
    text = SEPSIS_TEXT
    long_sentence = text.split("\n")[2]
    findings: list[Finding] = [
        finding(
            "RD001",
            "UK reading age is 14.2 (SMOG 9.2); the target is 11 or lower.",
            suggestion="Shorten sentences, starting with the hardest section.",
            data={"smog": 9.2, "uk_reading_age": 14.2},
        ),
        finding(
            "GR002",
            "Possible spelling mistake found.",
            span=_span(text, "paracetmol"),
            text=text,
            suggestion="paracetamol",
            level="error",
            data={"languagetool_rule": "MORFOLOGIK_RULE_EN_GB"},
        ),
        finding(
            "GR001",
            "This sentence is very long for patients.",
            span=_span(text, long_sentence),
            text=text,
            suggestion="Split it into two sentences.",
        ),
        Finding(
            rule="MT001",
            name="terms.unexplained-term",
            outcome="review",
            level="note",
            message="'Mottled' may not be understood; explain it where it first appears.",
            span=Span(*_span(text, "mottled")),
            excerpt="mottled",
            suggestion="blotchy, patchy colour",
            tags=["nhs:how-we-write"],
        ),
        Finding(
            rule="AX005",
            name="accessibility.image-alt",
            outcome="fail",
            level="error",
            message="An image has no text alternative.",
            excerpt='<img src="rash.png">',
            selector="article > figure:nth-of-type(1) > img",
            suggestion="Describe the picture: alt=\"A rash that does not fade under a glass\".",
            tags=["wcag:1.1.1", "act:23a2a8"],
        ),
        finding("GR900", "Grammar checked.", outcome="pass"),
    ]
    findings.sort(key=lambda f: (f.span.start if f.span else -1, f.rule))
    return {
        "text": text,
        "findings": findings,
        "blocks": _blocks(
            text, [("heading", 1), ("paragraph", None), ("paragraph", None), ("callout", None),
                   ("list_item", None), ("list_item", None)]
        ),
    }


def sample_run(fail_on: str = "error") -> RunResult:
    from pipeline.model import ArticleResult
    from pipeline.run.assembly import error_result

    s = sepsis_article()
    sepsis = ArticleResult(
        id="a1b2c3d4e5f60718",
        source="content/sepsis.html",
        status="audited",
        title="Sepsis",
        language="en-GB",
        text=str(s["text"]),
        stripped=["Cookie settings", "Home > Conditions > Sepsis"],
        blocks=list(s["blocks"]),  # type: ignore[call-overload]
        metrics={
            "readability": readability(
                9.2, 70, 6, uk_adults_share=93, sections=[{"heading": "Sepsis", "smog": 9.2, "words": 70}]
            ),
            "safety": {
                "locale": "uk",
                "topics": [{"topic": "sepsis", "title": "Sepsis", "detected": True}],
                "checklist": [
                    {"topic": "sepsis", "kind": "emergency_action", "status": "pass",
                     "explanation": "The emergency action is given in a callout.", "excerpt": "Call 999 or go to A&E"},
                    {"topic": "sepsis", "kind": "urgent_advice", "status": "fail",
                     "explanation": "No urgent advice was found in the article.", "excerpt": None},
                ],
            },
        },
        findings=list(s["findings"]),  # type: ignore[call-overload]
        dates={"published": "2024-01-02", "reviewed": None, "next_review": "2027-01-02"},
    )
    broken = error_result("content/missing.html", "EX001", "content/missing.html could not be read: not found")
    clean = ArticleResult(
        id="0f0f0f0f0f0f0f0f",
        source="content/hand-washing.html",
        status="audited",
        title="Washing your hands",
        text="Wash your hands.",
        blocks=[Block(kind="paragraph", start=0, end=16)],
        metrics={"readability": readability(3.1, 3, 1)},
    )
    return RunResult(
        id="run000000001",
        started_at="2026-11-20T09:00:00+00:00",
        finished_at="2026-11-20T09:01:00+00:00",
        config={"grammar": {"enabled": True}},
        articles=[clean, sepsis, broken],
        tool_version="0.1.0",
        fail_on=fail_on,
    )


# Each payload would set window.__pwned (or open a dialog) if the browser ever ran it.
PAYLOADS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    "</mark></a></li></ul></div></section></main><script>window.__pwned=3</script>",
    '<a href="javascript:window.__pwned=4">read more</a>',
    "</style><script>window.__pwned=5</script>",
    "</title><script>window.__pwned=6</script>",
    "<svg onload=\"window.__pwned=7\"></svg>",
    '<iframe srcdoc="<script>parent.__pwned=8</script>"></iframe>',
    "<!-- ]]> --><script>alert(9)</script>",
    '"><body onload="window.__pwned=10">',
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__pwned=11\">",
    "<base href=\"javascript:window.__pwned=12//\">",
    "{{ 7*7 }}{% raw %}",
]
HOSTILE = " ".join(PAYLOADS)


def hostile_run() -> RunResult:
    from pipeline.model import ArticleResult

    body = f"Sepsis is serious. {HOSTILE} Call 999."
    text = "\n".join([HOSTILE, body])
    start = text.index("<script>window.__pwned=1", len(HOSTILE) + 1)
    evil = ArticleResult(
        id="e111111111111111",
        source='https://example.org/a"onmouseover="window.__pwned=13',
        status="audited",
        title=HOSTILE,
        language='en"><script>window.__pwned=14</script>',
        text=text,
        stripped=[HOSTILE],
        blocks=[Block(kind="heading", start=0, end=len(HOSTILE), level=2),
                Block(kind="paragraph", start=len(HOSTILE) + 1, end=len(text))],
        metrics={
            "readability": readability(8.0, 40, 3, sections=[{"heading": HOSTILE, "smog": 8.0}]),
            "safety": {"locale": HOSTILE, "topics": [{"title": HOSTILE, "detected": True}],
                       "checklist": [{"topic": HOSTILE, "kind": HOSTILE, "status": HOSTILE,
                                      "explanation": HOSTILE, "excerpt": HOSTILE}]},
        },
        findings=[
            Finding(rule="GR001", name="grammar.grammar-error", outcome="fail", level="error", message=HOSTILE,
                    span=Span(start, start + len(PAYLOADS[0])), excerpt=PAYLOADS[0], suggestion=HOSTILE,
                    tags=[HOSTILE], data={"evil": HOSTILE, HOSTILE: [HOSTILE]}),
            Finding(rule="AX005", name="accessibility.image-alt", outcome="fail", level="warning", message=HOSTILE,
                    excerpt=PAYLOADS[1], selector=HOSTILE, suggestion=HOSTILE),
            Finding(rule="MT001", name="terms.unexplained-term", outcome="review", level="note", message=HOSTILE,
                    span=Span(0, 8), excerpt=HOSTILE[:8], suggestion=HOSTILE),
        ],
        dates={"published": HOSTILE},
    )
    bad_source = ArticleResult(id="e222222222222222", source="javascript:window.__pwned=15", status="audited",
                               title="", text="Plain.", blocks=[Block(kind="paragraph", start=0, end=6)])
    return RunResult(
        id="hostile00001",
        started_at="2026-11-20T09:00:00+00:00",
        finished_at="2026-11-20T09:01:00+00:00",
        config={},
        articles=[evil, bad_source],
        tool_version="0.1.0",
    )


def test_sample_run_spans_highlight_their_excerpts() -> None:
    for run in (sample_run(), hostile_run()):
        for a in run.articles:
            for f in a.findings:
                if f.span is not None:
                    assert 0 <= f.span.start <= f.span.end <= len(a.text)
                    assert a.text[f.span.start : f.span.end] == f.excerpt, (f.rule, f.excerpt)
            for b in a.blocks:
                assert 0 <= b.start <= b.end <= len(a.text)


def test_sample_run_has_every_kind_of_finding() -> None:
    run = sample_run()
    sepsis = run.articles[1]
    assert {f.outcome for f in sepsis.findings} == {"fail", "review", "pass"}
    assert any(f.span is None and f.selector for f in sepsis.findings)
    assert any(f.span is None and not f.selector for f in sepsis.findings)
    spans = [f.span for f in sepsis.findings if f.span]
    assert any(a.start < b.end and b.start < a.end for a in spans for b in spans if a is not b), "need an overlap"
    assert run.articles[2].status == "error"
    assert run.gate() == "fail"
