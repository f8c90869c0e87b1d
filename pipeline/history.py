"""Run history in a database (SQLite in the output folder by default, PostgreSQL by URL).

Each run is written in one transaction, so a run that crashes half-way leaves earlier history
intact. The same table answers "has this article changed?" for incremental runs: an article
whose content, configuration and rule versions are unchanged reuses its stored result.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.schema import CreateIndex

from pipeline import __version__
from pipeline.config import Config, data_file_settings
from pipeline.model import ArticleResult, RunResult, article_dict, article_from_dict

metadata = MetaData()

runs = Table(
    "runs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("gate", String(8), nullable=False),
    Column("articles", Integer, nullable=False),
    Column("errors", Integer, nullable=False),
    Column("warnings", Integer, nullable=False),
    Column("notes", Integer, nullable=False),
    Column("reused", Integer, nullable=False, default=0),
    Column("fingerprint", String(64), nullable=False),
)

article_runs = Table(
    "article_runs",
    metadata,
    Column("run_id", String(32), ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("article_id", String(32), primary_key=True),
    Column("source", Text, nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("status", String(16), nullable=False),
    Column("content_hash", String(64), nullable=False, index=True),
    # Digest of the source's bytes, the reuse key; NULL in rows written before it existed.
    Column("input_hash", String(64), nullable=True, index=True),
    Column("fingerprint", String(64), nullable=False),
    Column("smog", Float),
    Column("uk_reading_age", Float),
    Column("counts", JSON, nullable=False),  # {family: {level: n}}
    Column("worst", String(8)),
    Column("result", Text, nullable=False),  # the article's JSON, for reuse
)

# Findings that mean the stored result is incomplete.
_INCOMPLETE = {"GR900", "EX003"}

# Settings that change where or how fast we run, not what an article's findings are.
_NOT_RESULT_AFFECTING = {
    "sources", "sitemaps", "out", "formats", "workers", "waivers", "baseline", "history", "schedule", "runner",
}


@functools.cache
def _code_and_data_digest() -> str:
    """Digest of the checks' code and clinical data; read once per process, not once per article."""
    from pipeline.rules import RULES
    h = hashlib.sha256()
    h.update(__version__.encode())
    h.update(json.dumps(sorted((c, r.name, r.default_level) for c, r in RULES.items())).encode())
    pkg = Path(__file__).parent
    for path in sorted(pkg.rglob("*")):  # code, and every data file beside it (aria.yaml, schemas)
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            h.update(str(path.relative_to(pkg)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def fingerprint(config: Config) -> str:
    """Hash of everything that decides an article's findings: settings, code, clinical data, version,
    and the contents of the files the settings name (a site's own glossary or swap list)."""
    settings = {k: v for k, v in config.effective().items() if k not in _NOT_RESULT_AFFECTING}
    settings.get("grammar", {}).pop("url", None)
    h = hashlib.sha256(_code_and_data_digest().encode())
    h.update(json.dumps(settings, sort_keys=True).encode())
    for path in sorted(_named_files(settings)):
        h.update(f"\0{path}\0".encode())
        h.update(_file_digest(str(path), _stat(path)).encode())
    return h.hexdigest()[:32]


def run_fingerprint(run: RunResult, config: Config) -> str:
    """The fingerprint the run took when it began: a data file edited during the run must not file
    results made with the old data under the new contents."""
    fp = run.stats.get("fingerprint")
    return fp if isinstance(fp, str) and fp else fingerprint(config)


# Larger files count by size and modification time rather than by content.
_HASH_LIMIT = 16 * 1024 * 1024


def _named_files(settings: dict[str, Any]) -> set[Path]:
    """The files the data settings name, and the files inside a folder they name."""
    found: set[Path] = set()
    for dotted in data_file_settings():
        value: Any = settings
        for key in dotted.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        if not isinstance(value, str) or not value:
            continue
        path = Path(value)
        try:
            if path.is_file():
                found.add(path.resolve())
            elif path.is_dir():
                found |= {f.resolve() for f in path.rglob("*") if f.is_file() and "__pycache__" not in f.parts}
        except OSError:
            pass  # an unreadable path decides nothing the check does not report itself
    return found


def _stat(path: Path) -> tuple[int, int, int, int]:
    """What tells a changed file apart: size, modification and change times, inode (a file copied
    over with its old time stamp, `cp -p`, still gets a new change time or inode)."""
    try:
        st = path.stat()
    except OSError:
        return -1, -1, -1, -1
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


@functools.lru_cache(maxsize=256)
def _file_digest(path: str, stat: tuple[int, int, int, int]) -> str:
    """A file's content digest, read once per process while the file is unchanged."""
    size = stat[0]
    if size < 0:
        return "missing"
    if size > _HASH_LIMIT:
        return ":".join(map(str, stat[:2]))
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def default_url(config: Config) -> str:
    return config.history.url or f"sqlite:///{Path(config.out).resolve() / 'history.sqlite'}"


@dataclass
class History:
    engine: Engine

    @classmethod
    def open(cls, url: str) -> History:
        """One engine per URL and process (tasks on threads or Dask workers share it)."""
        with _OPEN_LOCK:
            if url not in _OPEN:
                sqlite = url.startswith("sqlite:///")
                if sqlite:
                    Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
                    # Runs overlap (a cron run still going when the next starts): writers wait for
                    # each other for up to a minute instead of failing with "database is locked".
                    engine = create_engine(url, connect_args={"timeout": 60})
                    event.listen(engine, "connect", _sqlite_pragmas)
                else:
                    engine = create_engine(url)
                try:
                    _create_schema(engine)
                    _add_missing_columns(engine)
                except DBAPIError as err:
                    engine.dispose()
                    if sqlite and _not_a_database(err):
                        path = url.removeprefix("sqlite:///")
                        raise HistoryUnavailable(
                            f"{path} is not an SQLite database (history skipped for this run); move it "
                            f"aside (mv '{path}' '{path}.broken') and the next run starts a new history"
                        ) from None
                    raise
                _OPEN[url] = cls(engine)
            return _OPEN[url]

    def reuser(self, config: Config, fp: str | None = None) -> Callable[[str, str], ArticleResult | None]:
        """Reuse under `fp`, the fingerprint taken when the run began (computed now if not given)."""
        key = fp or fingerprint(config)
        return lambda source, input_hash: self.reusable(source, input_hash, key)

    def attach_trends(self, run: RunResult) -> None:
        """Trends against earlier runs, for the run index; before record(), so "last" is the run before."""
        run.stats["trends"] = self.trends(run)

    def reusable(self, source: str, input_hash: str, fp: str) -> ArticleResult | None:
        """The latest stored result for these exact bytes under the same fingerprint."""
        q = (
            select(article_runs.c.result)
            .join(runs, runs.c.id == article_runs.c.run_id)
            .where(
                article_runs.c.source == source,
                article_runs.c.input_hash == input_hash,
                article_runs.c.fingerprint == fp,
                # An error found in the bytes (no article text, a PDF) is as reusable as findings;
                # a source that could not be read has no digest and is always tried again.
                article_runs.c.status.in_(("audited", "error")),
            )
            .order_by(runs.c.started_at.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(q).first()
        if row is None:
            return None
        previous = article_from_dict(json.loads(row[0]))
        # A result that a missing service or a crash made incomplete is checked again.
        if any(
            (f.rule in _INCOMPLETE and f.outcome == "fail") or f.data.get("transient") for f in previous.findings
        ):
            return None
        return previous

    def record(self, run: RunResult, fp: str) -> None:
        s = run.summary()
        with self.engine.begin() as conn:  # one transaction: all of the run or none of it
            conn.execute(
                runs.insert().values(
                    id=run.id,
                    started_at=_ts(run.started_at),
                    finished_at=_ts(run.finished_at),
                    gate=s["gate"],
                    articles=s["articles"],
                    errors=s["errors"],
                    warnings=s["warnings"],
                    notes=s["notes"],
                    reused=int(run.stats.get("reused", 0)),
                    fingerprint=fp,
                )
            )
            for a in run.articles:
                rd = a.metrics.get("readability", {})
                conn.execute(
                    article_runs.insert().values(
                        run_id=run.id,
                        article_id=a.id,
                        source=a.source,
                        title=a.title,
                        status=a.status,
                        content_hash=a.content_hash,
                        input_hash=a.input_hash or None,
                        fingerprint=fp,
                        smog=rd.get("smog"),
                        uk_reading_age=rd.get("uk_reading_age"),
                        counts=family_counts(a),
                        worst=a.worst_level(),
                        result=json.dumps(article_dict(a), ensure_ascii=False),
                    )
                )

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        q = select(runs).order_by(runs.c.started_at.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def article_history(self, source: str, limit: int = 20) -> list[dict[str, Any]]:
        q = (
            select(
                article_runs.c.run_id,
                runs.c.started_at,
                article_runs.c.content_hash,
                article_runs.c.smog,
                article_runs.c.counts,
            )
            .join(runs, runs.c.id == article_runs.c.run_id)
            .where(article_runs.c.source == source)
            .order_by(runs.c.started_at.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def trends(self, run: RunResult, limit: int = 10) -> dict[str, Any]:
        """Earlier runs' totals, and per article what changed since its last recorded run.

        Call before record(), so "last" means the run before this one.
        """
        earlier = [r for r in self.runs(limit) if r["id"] != run.id]
        articles: dict[str, dict[str, Any]] = {}
        for a in run.articles:
            last = next((h for h in self.article_history(a.source, 2) if h["run_id"] != run.id), None)
            articles[a.id] = {
                "new": last is None,
                "content_changed": bool(last and last["content_hash"] != a.content_hash),
                "smog_before": last["smog"] if last else None,
                "counts_before": last["counts"] if last else None,
            }
        return {
            "runs": [
                {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in r.items()}
                for r in reversed(earlier)
            ],
            "articles": articles,
        }


_OPEN: dict[str, History] = {}


class HistoryUnavailable(Exception):
    """The history database cannot be used (not a database); the message says what to do."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers and one writer work at once, so two runs on one output folder do not block
    # each other's reads; busy_timeout makes a second writer wait rather than fail.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout = 60000")
        cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()


def _not_a_database(err: DBAPIError) -> bool:
    message = str(err.orig).lower()
    return "not a database" in message or "file is encrypted" in message or "malformed" in message


def _create_schema(engine: Engine) -> None:
    """create_all checks for each table, then creates it: two processes starting together can both
    see it missing, and the slower one gets "table ... already exists". Losing that race is success;
    try again, when every table is seen."""
    for attempt in range(5):
        try:
            metadata.create_all(engine)
            return
        except OperationalError as err:
            message = str(err.orig).lower()
            if ("already exists" not in message and "locked" not in message) or attempt == 4:
                raise
            time.sleep(0.05 * (attempt + 1))


def warn_unavailable(message: str) -> None:
    """Note that history was skipped (the outputs are still written); the command reports it."""
    if message not in SKIPPED:
        SKIPPED.append(message)


# Why history was skipped in this process, for the command to report (and exit 2 on).
SKIPPED: list[str] = []


def _add_missing_columns(engine: Engine) -> None:
    """A database from an earlier version gains the nullable columns added since (create_all does not).

    Several processes (Dask workers, parallel flow runs) may open an old database at once: each
    step is its own transaction, and losing the race to another process is success, not an error.
    """
    present = {c["name"] for c in inspect(engine).get_columns("article_runs")}
    for column in article_runs.columns:
        if column.name in present or not column.nullable:
            continue
        kind = column.type.compile(engine.dialect)
        _idempotent(engine, text(f"ALTER TABLE article_runs ADD COLUMN {column.name} {kind}"))
        for index in article_runs.indexes:
            if column.name in index.columns:
                _idempotent(engine, CreateIndex(index))


def _idempotent(engine: Engine, statement: Any) -> None:
    try:
        with engine.begin() as conn:
            conn.execute(statement)
    except DBAPIError as err:
        message = str(err.orig).lower()
        if "duplicate" not in message and "already exists" not in message:
            raise
_OPEN_LOCK = threading.Lock()


def family_counts(a: ArticleResult) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for f in a.findings:
        if f.counts:
            fam = out.setdefault(f.family, {"error": 0, "warning": 0, "note": 0})
            fam[f.level] += 1
    return out


def _ts(iso: str) -> datetime:
    dt = datetime.fromisoformat(iso)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
