"""Scheduled site audits: a Prefect deployment of the audit flow on a cron schedule from configuration.

    prefect server start                                  # a real local Prefect server and UI
    PREFECT_API_URL=http://127.0.0.1:4200/api .venv/bin/python -m flows.deploy --config health-audit.toml
                                                          # creates the deployment and serves it

The schedule, sources, sitemaps, locale and output folder come from the configuration file
(`[schedule] cron`, `sources`, `sitemaps`, `locale`, `out`).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

from flows.audit import audit_flow
from pipeline.config import Config, load_config
from pipeline.errors import ConfigError

DEPLOYMENT_NAME = "scheduled-site-audit"


def deployment(config: Config, config_path: str | None = None, name: str = DEPLOYMENT_NAME) -> RunnerDeployment:
    """The audit flow as a deployment whose schedule and parameters come from the configuration."""
    parameters: dict[str, Any] = {"sources": list(config.sources), "config_path": config_path}
    overrides: dict[str, Any] = {"out": config.out, "locale": config.locale}
    if config.sitemaps:
        overrides["sitemaps"] = list(config.sitemaps)
    parameters["overrides"] = overrides
    dep: RunnerDeployment = audit_flow.to_deployment(  # type: ignore[assignment]  # sync in a sync context
        name=name,
        schedule=Cron(config.schedule.cron, timezone=config.schedule.timezone),
        parameters=parameters,
        description="Scheduled audit of a site's health articles",
        tags=["health-audit", f"locale:{config.locale}"],
    )
    return dep


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the health-audit flow on its schedule.")
    parser.add_argument("--config", help="health-audit.toml or pyproject.toml")
    parser.add_argument("--name", default=DEPLOYMENT_NAME)
    parser.add_argument("--apply-only", action="store_true", help="create the deployment and exit")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as err:
        print(f"health-audit: {err}", file=sys.stderr)
        return 2
    dep = deployment(config, args.config, args.name)
    if args.apply_only:
        print(f"deployment {dep.apply()} created: cron {config.schedule.cron!r} ({config.schedule.timezone})")
        return 0
    serve(dep)  # runs until stopped; starts a flow run at each scheduled time
    return 0


if __name__ == "__main__":
    from flows.deploy import main as module_main

    sys.exit(module_main())
