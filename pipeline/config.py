"""Configuration: `[tool.health_audit]` in pyproject.toml or a `health-audit.toml`, validated by pydantic.

Each check family has its own section so a bad key is reported with its full dotted path.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from pipeline import datafiles
from pipeline.errors import ConfigError
from pipeline.model import FAMILIES

DATA_DIR = datafiles.DATA_DIR
Locale = Literal["uk", "us", "au", "ie"]
OutputFormat = Literal["html", "json", "junit", "sarif", "md"]
OUTPUT_FORMATS: tuple[OutputFormat, ...] = ("html", "json", "junit", "sarif", "md")
LOCALE_LANGUAGE: dict[str, str] = {"uk": "en-GB", "us": "en-US", "au": "en-AU", "ie": "en-GB"}


class _DataFile:
    """Marks a setting that names a data file or folder the checks read: its contents decide
    findings, so they count for reusing results (history.fingerprint)."""


DATA_FILE = _DataFile()
DataPath = Annotated[str, DATA_FILE]
OptionalDataPath = Annotated[str | None, DATA_FILE]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _swap_list_loads(path: str) -> str:
    """RD008 and MT004 read the swap list with one loader: a missing or broken file stops the run
    here, naming the setting and the file, rather than switching either check off on every article."""
    from pipeline.language.plain_words import (  # the loader needs YAML; the settings alone do not
        WordListError,
        load,
    )

    try:
        load(path)
    except WordListError as err:
        raise ValueError(str(err)) from None
    return path


class ReadabilityConfig(Section):
    target_reading_age: float = Field(default=11.0, gt=0)  # NHS: reading age 9-11 (RD001)
    smog_error: float = Field(default=14.0, gt=0)  # NHS "prioritise" line (RD002)
    sentence_words_warning: int = Field(default=20, ge=1)  # RD004 above this many words
    sentence_words_very_hard: int = Field(default=30, ge=1)  # RD005 above this many words
    paragraph_sentences: int = Field(default=3, ge=1)  # RD006 above this many sentences
    section_delta: float = Field(default=3.0, gt=0)  # RD003: a section this many SMOG grades above the rest
    section_min_sentences: int = Field(default=3, ge=1)  # sections (and rests) shorter than this are not compared
    min_sentences_for_smog: int = Field(default=30, ge=1)  # fewer: the SMOG figure is marked low-confidence
    plain_words: DataPath = str(DATA_DIR / "plain_words.yaml")  # the clinicians' swap list (RD008)

    @field_validator("plain_words")
    @classmethod
    def _plain_words_load(cls, v: str) -> str:
        return _swap_list_loads(v)


class GrammarConfig(Section):
    enabled: bool = True
    url: str | None = None  # an existing LanguageTool server; otherwise one is started
    language: str | None = None  # overrides the locale's language, e.g. "en-US"
    picky: bool = False  # also report LanguageTool's style suggestions (GR003)
    parallel: int = Field(default=2, ge=1)  # requests in flight to LanguageTool at once
    chunk_chars: int = Field(default=4000, ge=200)  # paragraphs are grouped into requests of about this size
    request_timeout: float = Field(default=120.0, gt=0)  # the first check after a start warms the server up
    extra_words: DataPath = str(DATA_DIR / "medical_words.txt")
    # A site's own words the speller accepts (people's names, brands, services): never GR002, and
    # not medical terms. An entry in small letters also matches its capitalised and upper-case forms,
    # any other entry its upper-case form (as the speller matches its dictionary).
    accept_words: list[str] = Field(default_factory=list)
    accept_file: OptionalDataPath = None  # the same, one word a line; '#' starts a comment
    medical_dictionary: DataPath = "/usr/share/hunspell/en_med_glut.dic"
    affix_file: DataPath = "/usr/share/hunspell/en_US.aff"  # the affix rules en_med_glut.dic is written for
    # LanguageTool rules left off: Oxford -ize spelling and the compound-sentence comma rules (house
    # style, not grammar); see DEFAULT_DISABLED_RULES in pipeline/rules/grammar/service.py.
    disabled_rules: list[str] = Field(
        default_factory=lambda: [
            "OXFORD_SPELLING_Z_NOT_S",
            "COMMA_COMPOUND_SENTENCE",
            "COMMA_COMPOUND_SENTENCE_2",
            "COMMA_COMPOUND_SENTENCE_3",
            "COMMA_COMPOUND_SENTENCE_4",
        ]
    )
    start_timeout: float = 90.0


class TermsConfig(Section):
    glossary: DataPath = str(DATA_DIR / "glossary.yaml")
    # Word familiarity is the Zipf frequency in general English (wordfreq): 3 is once per million words.
    zipf_familiar: float = 4.0  # glossary terms at least this frequent are familiar
    # Other words of the medical vocabulary: rarer than zipf_rare_word they are jargon; rarer than
    # zipf_medical_word they are jargon when built from medical word parts (cardi-, -itis, -ectomy).
    zipf_rare_word: float = 2.0
    zipf_medical_word: float = 3.75
    min_word_length: int = Field(default=4, ge=1)  # shorter words are never flagged as jargon
    # A glossary term marked familiar is still jargon when the form written is rarer than this.
    zipf_trust_familiar: float = 2.5
    # "some painkillers, such as co-codamol": a plain class explains its examples. Sites that want
    # every drug name explained set this false.
    class_explains_example: bool = True
    # Abbreviations UK readers know, beyond those the glossary marks familiar.
    familiar_abbreviations: list[str] = Field(
        default_factory=lambda: ["UK", "US", "USA", "EU", "NHS", "GP", "A&E", "TV", "OK", "AI", "DNA", "HIV", "AIDS", "BBC"]
    )
    plain_words: DataPath = str(DATA_DIR / "plain_words.yaml")  # plain swaps for jargon (MT004)
    min_explanation_overlap: float = Field(default=0.2, ge=0, le=1)  # MT005: explanations sharing less differ

    @field_validator("plain_words")
    @classmethod
    def _plain_words_load(cls, v: str) -> str:
        return _swap_list_loads(v)


class SafetyConfig(Section):
    rules_dir: DataPath = str(DATA_DIR / "safety")  # topic packs (one YAML file per topic)
    locales: DataPath = str(DATA_DIR / "safety" / "locales.yaml")  # each country's numbers and services
    locale: Locale | None = None  # overrides the run's locale for safety messages
    site_locales: dict[str, Locale] = Field(default_factory=dict)  # source glob -> locale
    topics: list[str] = Field(default_factory=list)  # only these topics; empty: every pack
    # A message outside the place its requirement asks for is `review` rather than `pass`.
    require_placement: bool = True
    early_fraction: float = Field(default=0.4, gt=0, le=1)  # "early" = within this share of the text
    body_cap: int = Field(default=5, ge=1)  # body mentions of one trigger term counted at most this often

    @field_validator("topics")
    @classmethod
    def _known_topics(cls, v: list[str], info: ValidationInfo) -> list[str]:
        """Each topic must have a pack in rules_dir: checked once here rather than on every article."""
        rules_dir = info.data.get("rules_dir")
        if not v or rules_dir is None:  # no topics, or rules_dir itself is invalid (reported on its own)
            return v
        from pipeline.rules.safety.packs import (  # the packs need YAML and jsonschema; settings do not
            SafetyDataError,
            load_packs,
        )

        try:
            known = {p.topic for p in load_packs(rules_dir)}
        except SafetyDataError:
            return v  # a broken pack folder is reported by the safety check, as without `topics`
        unknown = [t for t in v if t not in known]
        if unknown:
            raise ValueError(
                f"no topic pack in {rules_dir} for {', '.join(map(repr, unknown))} (known: {', '.join(sorted(known))})"
            )
        return v


class AccessibilityConfig(Section):
    browser: bool = False  # also run axe-core in headless Chromium (the --browser option)
    chromium: DataPath = "/usr/bin/chromium"  # Debian's chromium; never a downloaded browser
    axe_script: DataPath = str(datafiles.REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js")
    axe_best_practice: bool = False  # also report axe's best-practice rules that no WCAG or ACT rule backs
    link_text: DataPath = str(datafiles.DATA_DIR / "accessibility" / "link_text.yaml")
    max_findings_per_rule: int = Field(default=50, ge=1)  # per article; the rest are counted, not listed
    page_timeout: float = Field(default=30.0, gt=0)  # seconds to load one page and run axe on it
    start_timeout: float = Field(default=60.0, gt=0)  # seconds to start Chromium
    pages: int = Field(default=2, ge=1)  # articles audited at once in the shared browser


class CurrencyConfig(Section):
    max_age_years: float = 3.0  # PIF TICK: review at least every three years
    # Whether an overdue next review (CU003) fails a pull-request gate (`context = "pr"`). Off: the
    # calendar does not fail a PR that did not touch the content; the scheduled audit catches it.
    gate_in_pr: bool = False
    today: str | None = None  # ISO date the dates are judged against; default: the day of the run

    @field_validator("today")
    @classmethod
    def _iso_date(cls, v: str | None) -> str | None:
        if v is not None:
            import datetime as _dt

            try:
                _dt.date.fromisoformat(v)
            except ValueError:
                raise ValueError(f"{v!r} is not an ISO date (YYYY-MM-DD)") from None
        return v


class FetchConfig(Section):
    timeout: float = Field(default=20.0, gt=0)  # seconds for each request
    retries: int = Field(default=2, ge=0)  # further tries after a timeout, a dropped connection, 5xx or 429
    backoff: float = Field(default=0.5, ge=0)  # seconds before the first retry, doubling each time
    max_redirects: int = Field(default=5, ge=0)
    max_bytes: int = Field(default=5_000_000, gt=0)  # per page or file; larger ones are refused
    respect_robots: bool = True  # switch off only for your own site
    allow_private: bool = False  # private, loopback and link-local addresses are refused unless true
    allow_hosts: list[str] = Field(default_factory=list)  # host names or IP networks allowed though private
    per_host_concurrency: int = Field(default=2, ge=1)
    delay: float = Field(default=0.0, ge=0)  # seconds between requests to one host (robots crawl-delay wins)
    cache_dir: str | None = None  # ETag / Last-Modified revalidation cache; none: no cache
    user_agent: str | None = None  # default: health-audit/<version> (...)
    sitemap_include: list[str] = Field(default_factory=list)  # URL globs; empty: every page
    sitemap_exclude: list[str] = Field(default_factory=list)  # URL globs
    sitemap_max_urls: int = Field(default=5000, ge=1)


class SiteProfile(Section):
    match: str  # host or path glob
    content: list[str] = Field(default_factory=list)  # CSS selectors of the article body
    boilerplate: list[str] = Field(default_factory=list)  # CSS selectors to strip


class ExtractionConfig(Section):
    site_profiles: list[SiteProfile] = Field(default_factory=list)
    use_trafilatura: bool = True  # its main-text vote; off: our markup rules alone
    boilerplate_phrases: list[str] = Field(default_factory=list)  # whole blocks never scored
    day_first: bool = True  # 03/05/2024 is 3 May (UK); false reads it as March 5
    htmldate_fallback: bool = True  # guess the publication date with htmldate when the page names none
    min_words: int = Field(default=40, ge=0)  # fewer scored words than this: EX005 (a fragment, not an article)
    strip_references: bool = False  # true: a "References" section is kept aside, not scored


class HistoryConfig(Section):
    enabled: bool = True
    url: str | None = None  # SQLAlchemy URL; default: SQLite in the output folder
    incremental: bool = True  # reuse results of articles whose content, settings and rules are unchanged


class RunnerConfig(Section):
    # Worker processes for extraction and the service-free checks. Unset: the command line uses one
    # per CPU for runs of 20 articles or more, and library calls stay in-process (worker processes
    # re-import the calling script, which must then guard its code with `if __name__ == "__main__"`).
    # 1 keeps everything in-process. (The Prefect flow spreads work with its task runner instead.)
    processes: int | None = Field(default=None, ge=1)
    task_runner: Literal["threads", "dask"] = "threads"
    dask_address: str | None = None  # an existing Dask scheduler; otherwise a local cluster
    dask_workers: int = 2
    # With Dask: one LanguageTool server per worker process instead of one shared server URL.
    languagetool_per_worker: bool = False
    # Seconds one article may spend in extraction and the service-free checks before it is stopped
    # and reported as EX003, so one hostile page cannot stall a run. Enforcing it needs the work in a
    # process that can be killed, so a budget makes the run use worker processes (at least one).
    article_timeout: float | None = Field(default=None, gt=0)


class ScheduleConfig(Section):
    cron: str = "0 6 * * 1"
    timezone: str = "Europe/London"


class PathOverride(Section):
    paths: list[str]
    select: list[str] | None = None
    ignore: list[str] = Field(default_factory=list)
    levels: dict[str, Literal["error", "warning", "note"]] = Field(default_factory=dict)


class Config(Section):
    locale: Locale = "uk"
    sources: list[str] = Field(default_factory=list)
    sitemaps: list[str] = Field(default_factory=list)
    out: str = "out/report"
    formats: list[OutputFormat] = Field(default_factory=lambda: list(OUTPUT_FORMATS))
    fail_on: Literal["error", "warning", "never"] = "error"
    # "scheduled" (a site audit) or "pr" (a pull-request gate): in "pr", CU003 is a note unless
    # currency.gate_in_pr is set.
    context: Literal["scheduled", "pr"] = "scheduled"
    select: list[str] = Field(default_factory=list)  # codes or family prefixes; empty: the defaults
    ignore: list[str] = Field(default_factory=list)
    levels: dict[str, Literal["error", "warning", "note"]] = Field(default_factory=dict)
    workers: int = 4
    waivers: str | None = None
    baseline: str | None = None
    readability: ReadabilityConfig = Field(default_factory=ReadabilityConfig)
    grammar: GrammarConfig = Field(default_factory=GrammarConfig)
    terms: TermsConfig = Field(default_factory=TermsConfig)
    safety: SafetyConfig = Field(default_factory=SafetyConfig)
    accessibility: AccessibilityConfig = Field(default_factory=AccessibilityConfig)
    currency: CurrencyConfig = Field(default_factory=CurrencyConfig)
    fetch: FetchConfig = Field(default_factory=FetchConfig)
    extraction: ExtractionConfig = Field(default_factory=ExtractionConfig)
    history: HistoryConfig = Field(default_factory=HistoryConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    runner: RunnerConfig = Field(default_factory=RunnerConfig)
    overrides: list[PathOverride] = Field(default_factory=list)

    @field_validator("select", "ignore")
    @classmethod
    def _known_selectors(cls, v: list[str]) -> list[str]:
        for item in v:
            if item[:2] not in FAMILIES:
                raise ValueError(f"{item!r} is not a rule code or family ({', '.join(FAMILIES)})")
        return v

    @property
    def language(self) -> str:
        return self.grammar.language or LOCALE_LANGUAGE[self.locale]

    def effective(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def _format_error(err: ValidationError, prefix: str) -> str:
    lines = []
    for e in err.errors():
        where = ".".join(str(p) for p in (prefix, *e["loc"]) if p != "")
        msg = "unknown key" if e["type"] == "extra_forbidden" else e["msg"]
        lines.append(f"{where}: {msg}")
    return "invalid configuration:\n  " + "\n  ".join(lines)


def from_mapping(data: dict[str, Any], prefix: str = "") -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_format_error(err, prefix)) from None


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> Config:
    """Load the configuration file (explicit, ./health-audit.toml, or ./pyproject.toml) and apply overrides."""
    data: dict[str, Any] = {}
    prefix = ""
    candidates = [Path(path)] if path else [Path("health-audit.toml"), Path("pyproject.toml")]
    for cand in candidates:
        if not cand.exists():
            if path:
                raise ConfigError(f"configuration file not found: {cand}")
            continue
        try:
            raw = tomllib.loads(cand.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as err:
            raise ConfigError(f"{cand}: not valid TOML: {err}") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{cand}: not a configuration file (binary, or not UTF-8 text)") from None
        except OSError as err:
            raise ConfigError(f"{cand}: cannot be read ({err.strerror or err})") from None
        if cand.name == "pyproject.toml":
            data = raw.get("tool", {}).get("health_audit", {})
            prefix = "tool.health_audit"
            if not data and not path:
                continue
        else:
            data = raw.get("tool", {}).get("health_audit", raw)
        break
    merged = _deep_merge(data, overrides or {})
    return from_mapping(merged, prefix)


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def data_file_settings(model: type[BaseModel] = Config, prefix: str = "") -> tuple[str, ...]:
    """The dotted names of the settings marked DataPath, in declaration order."""
    found: list[str] = []
    for name, info in model.model_fields.items():
        if any(m is DATA_FILE for m in info.metadata):
            found.append(prefix + name)
        elif isinstance(info.annotation, type) and issubclass(info.annotation, Section):
            found += data_file_settings(info.annotation, f"{prefix}{name}.")
    return tuple(found)
