"""What Hacker News costs a refresh, against the fake HN Search API on loopback.

    python benchmarks/hn_refresh.py [--repos 1000]

``--repos`` watched repositories, three in ten with a homepage, and stories linking to
some of them. Three healthy refreshes (now, 30 minutes later, 6 hours later), then one
each through an outage: every request a 503, every request slower than the timeout, and
a 429. Prints requests per refresh, the most any repository cost in one refresh, wall
time and what the refresh reported (during an outage, the stories of the last good
answers). The clock is simulated; only timeouts take real time.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from bot.clients.hackernews import HackerNewsClient, HNRefresh, HNTarget
from bot.core.repo_ref import RepoRef
from bot.testing import FakeClock
from bot.testing.fake_hn import FakeHackerNews, FakeStory, HNFault

NOW = datetime(2026, 11, 30, 6, tzinfo=UTC)
SINCE = NOW - timedelta(days=35)


def scenario(count: int, seed: int = 5) -> tuple[list[HNTarget], list[FakeStory]]:
    rng = random.Random(seed)
    targets: list[HNTarget] = []
    stories: list[FakeStory] = []
    for n in range(count):
        ref = RepoRef(f"bench{n % 89}", f"repo{n}")
        homepage = f"https://repo{n}.example" if rng.random() < 0.3 else None
        targets.append(HNTarget(ref, homepage))
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            url = homepage if homepage and rng.random() < 0.3 else ref.url
            stories.append(FakeStory(
                len(stories) + 1, f"Story about {ref}", url,
                NOW - timedelta(hours=rng.randint(1, 40 * 24)),
                points=rng.randint(1, 900), comments=rng.randint(0, 400),
            ))
    return targets, stories


async def timed(
    client: HackerNewsClient, fake: FakeHackerNews, targets: list[HNTarget]
) -> tuple[HNRefresh, float, int]:
    asked = len(fake.stats.queries)
    started = time.perf_counter()
    refresh = await client.refresh(targets, since=SINCE)
    seconds = time.perf_counter() - started
    # Each query names one address; map it back to its repository.
    owners = {t.ref.url.removeprefix("https://"): t.ref for t in targets}
    owners |= {t.homepage.removeprefix("https://"): t.ref for t in targets if t.homepage}
    per_repo = Counter(owners[q["query"]] for q in fake.stats.queries[asked:])
    return refresh, seconds, max(per_repo.values(), default=0)


def report(label: str, refresh: HNRefresh, seconds: float, most: int, count: int) -> None:
    found = sum(1 for repo in refresh.repos if repo.stories)
    errors = Counter(type(repo.error).__name__ for repo in refresh.repos if repo.error)
    failed = ", ".join(f"{n} {name}" for name, n in errors.most_common()) or "none"
    print(
        f"{label}: {len(refresh.repos)}/{count} repos reported, {refresh.requests} HN requests"
        f" (at most {most} for one repo), {seconds:.2f} s; {found} repos with stories;"
        f" errors: {failed}"
    )


async def main(count: int) -> None:
    targets, stories = scenario(count)
    clock = FakeClock(NOW)
    async with FakeHackerNews(stories, clock=clock) as fake:
        client = HackerNewsClient(api_url=fake.api_url, clock=clock, timeout=1.0)
        try:
            for label, later in (("refresh", 0), ("30 min later", 30), ("6 h later", 360)):
                clock.now = NOW + timedelta(minutes=later)
                report(label, *await timed(client, fake, targets), count)
            outages = (("503s", HNFault(503, times=10**6)),
                       ("timeouts", HNFault(delay=5.0, times=10**6)),
                       ("429", HNFault(429, times=10**6)))
            for label, fault in outages:
                # Six hours on: the cache and any pause from the last outage have expired.
                clock.now += timedelta(hours=6)
                fake.inject(fault)
                report(f"outage ({label})", *await timed(client, fake, targets), count)
                fault.times = 0
        finally:
            await client.close()

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=1000)
    asyncio.run(main(parser.parse_args().repos))
