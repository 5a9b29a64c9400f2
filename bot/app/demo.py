"""``momentum demo``: the whole bot offline, on a synthetic GitHub served on loopback."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from pydantic import SecretStr

from adapters.console import CONSOLE_CHANNEL, ConsoleAdapter
from bot.app.progress import progress_bar
from bot.app.runtime import open_services, serve
from bot.core.message import DEMO_LABEL
from bot.core.settings import Settings
from bot.features.commands.context import utc_now


async def run_demo(settings: Settings, database: Path | None) -> int:
    # The fakes are testing code: loaded only when the demo runs, never by the bot itself.
    from bot.testing import FakeGitHub
    from bot.testing.demo_scenario import DEMO_REPOS, DEMO_TOKEN, demo_scenario

    now = utc_now()
    with tempfile.TemporaryDirectory(prefix="momentum-demo-") as scratch:
        path = database or Path(scratch) / "demo.db"
        async with FakeGitHub(demo_scenario(now)) as github:
            demo_settings = settings.model_copy(
                update={
                    "database_url": f"sqlite:///{path}",
                    "github_api_url": github.url,
                    "github_graphql_url": github.graphql_url,
                    "github_token": SecretStr(DEMO_TOKEN),
                }
            )
            async with open_services(demo_settings, synthetic=True) as services:
                if not await services.store.watch_list(CONSOLE_CHANNEL):
                    refs = [repo.ref for repo in DEMO_REPOS]
                    await services.store.add_to_watch_list(
                        CONSOLE_CHANNEL, refs, "demo", now, cap=len(refs)
                    )
                with progress_bar("Collecting from the synthetic GitHub") as progress:
                    await services.data.collect(progress=progress)
                if not sys.stdin.isatty():
                    print(DEMO_LABEL + "\n")
                await serve([ConsoleAdapter(services.router, banner=DEMO_LABEL)])
    return 0
