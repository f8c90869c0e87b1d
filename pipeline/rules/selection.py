"""Which rules are on for an article: selection, ignores, path overrides and levels from the configuration.

The runner, the report and the history all ask here, so they agree on what was checked.
"""

from __future__ import annotations

import fnmatch

from pipeline.config import Config
from pipeline.model import Level
from pipeline.rules import RULES


def _matches(selectors: list[str], code: str) -> bool:
    return any(code == s or (len(s) == 2 and code.startswith(s)) for s in selectors)


def enabled_rules(config: Config, source: str = "") -> dict[str, Level]:
    """Enabled rule codes with their levels, path overrides applied."""
    return {code: level for code, (level, _explicit) in rule_levels(config, source).items()}


def rule_levels(config: Config, source: str = "") -> dict[str, tuple[Level, bool]]:
    """Enabled rule codes -> (level, whether the configuration set that level explicitly)."""
    select, ignore, levels = list(config.select), list(config.ignore), dict(config.levels)
    for ov in config.overrides:
        if any(fnmatch.fnmatch(source, pat) for pat in ov.paths):
            select = ov.select if ov.select is not None else select
            ignore += ov.ignore
            levels.update(ov.levels)
    if config.grammar.picky and not _matches(ignore, "GR003"):
        select = select or [c for c, r in RULES.items() if r.enabled_by_default]
        select = [*select, "GR003"]
    if not config.grammar.enabled:
        ignore.append("GR")
    out: dict[str, tuple[Level, bool]] = {}
    for code, r in RULES.items():
        chosen = _matches(select, code) if select else r.enabled_by_default
        if code.startswith("EX"):
            chosen = True  # load and crash reports cannot be switched off
        if chosen and not (_matches(ignore, code) and not code.startswith("EX")):
            configured = levels.get(code) or levels.get(code[:2])
            out[code] = (configured or r.default_level, configured is not None)
    return out
