"""Scheduled audits: the deployment is created against a real local Prefect API with its schedule."""

from __future__ import annotations

import asyncio
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.testing.utilities import prefect_test_harness

from pipeline.config import load_config


def test_deployment_has_schedule_from_configuration(tmp_path: Path) -> None:
    from flows.deploy import deployment

    cfg_file = tmp_path / "health-audit.toml"
    cfg_file.write_text(
        'sources = ["samples/articles"]\nlocale = "uk"\nout = "out/site"\n'
        '[schedule]\ncron = "30 5 * * 2"\ntimezone = "Europe/London"\n',
        encoding="utf-8",
    )
    config = load_config(cfg_file)
    with prefect_test_harness(server_startup_timeout=180):
        dep_id = deployment(config, str(cfg_file), name="weekly-test").apply()

        async def read() -> object:
            async with get_client() as client:
                return await client.read_deployment(dep_id)

        stored = asyncio.run(read())
    schedules = stored.schedules  # type: ignore[attr-defined]
    assert len(schedules) == 1
    assert schedules[0].schedule.cron == "30 5 * * 2"
    assert schedules[0].schedule.timezone == "Europe/London"
    assert stored.parameters["sources"] == ["samples/articles"]  # type: ignore[attr-defined]
    assert stored.parameters["overrides"]["out"] == "out/site"  # type: ignore[attr-defined]
