"""Lead scoring's cost: the time incremental scoring adds to writing a behaviour event, next
to the same writes without a scorer (the baseline, measured in the same run); a full rescore;
and the funnel and ROI reports.

    python bench/scoring.py                      # SQLite in a temporary directory
    python bench/scoring.py --postgres URL --leads 100000 --events 1000000

Each event is written the way the app writes it (BehaviourLog.record_behaviour, group commit),
``--concurrency`` writers at a time. Figures go to docs/PERFORMANCE.md.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tortoise import Tortoise  # noqa: E402

from bot.clock import Clock  # noqa: E402
from bot.database import tortoise_config  # noqa: E402
from leads import reports  # noqa: E402
from leads.behaviour import BehaviourLog  # noqa: E402
from leads.standing import Scorer, rescore_all, save_rule_set  # noqa: E402
from models import BehaviourEvent, Channel, Lead  # noqa: E402

RULES = (Path(__file__).resolve().parents[1] / "content" / "demo" / "scoring.yaml").read_text(encoding="utf-8")
KINDS = ["message.text", "faq.asked", "content.opened", "content.read", "contact.added", "group.joined", "app.message"]


async def timed_writes(log: BehaviourLog, leads: list[Lead], count: int, concurrency: int) -> float:
    """Seconds per event for ``count`` writes, ``concurrency`` at a time."""
    queue = [(random.choice(leads), random.choice(KINDS)) for _ in range(count)]

    async def writer(part):
        for lead, kind in part:
            await log.record_behaviour(lead=lead, kind=kind, direction="inbound", platform="wecom",
                                       payload={"query": "你好"})

    started = time.perf_counter()
    await asyncio.gather(*(writer(queue[i::concurrency]) for i in range(concurrency)))
    return (time.perf_counter() - started) / count


async def bulk_log(leads: int, events: int) -> None:
    """A large log written directly (the full rescore and reports read it)."""
    channels = [await Channel.create(code=f"ch{i}", name=f"渠道{i}", cost=1000 * (i + 1)) for i in range(10)]
    now = Clock().now()
    batch = []
    for i in range(leads):
        batch.append(Lead(name=f"客户{i}", first_channel_id=channels[i % 10].id, last_channel_id=channels[i % 10].id))
        if len(batch) == 5000:
            await Lead.bulk_create(batch)
            batch = []
    if batch:
        await Lead.bulk_create(batch)
    ids = await Lead.all().values_list("id", flat=True)
    rows = []
    for n in range(events):
        rows.append(BehaviourEvent(lead_id=random.choice(ids), kind=random.choice(KINDS), direction="inbound",
                                   occurred_at=now - timedelta(minutes=random.randint(0, 60 * 24 * 90)),
                                   payload={"query": "报价" if n % 50 == 0 else "你好"}))
        if len(rows) == 10000:
            await BehaviourEvent.bulk_create(rows)
            rows = []
    if rows:
        await BehaviourEvent.bulk_create(rows)


async def run(args) -> None:
    url = args.postgres
    if url:
        url = f"{url.rsplit('/', 1)[0]}/siyu_bench_{uuid.uuid4().hex[:8]}"
    else:
        url = f"sqlite://{tempfile.mkdtemp()}/bench.db"
    await Tortoise.init(config=tortoise_config(url), _create_db=url.startswith("postgres"), _enable_global_fallback=True)
    await Tortoise.generate_schemas()
    try:
        clock = Clock()
        rule_set = await save_rule_set(RULES, author="bench", now=clock.now())
        leads = [await Lead.create(name=f"在线{i}") for i in range(200)]
        plain, scored = BehaviourLog(clock), BehaviourLog(clock, scorer=Scorer(clock))
        await timed_writes(scored, leads, 200, args.concurrency)  # warm up
        rounds = [(await timed_writes(plain, leads, args.writes, args.concurrency),
                   await timed_writes(scored, leads, args.writes, args.concurrency)) for _ in range(3)]
        base, with_scoring = min(r[0] for r in rounds), min(r[1] for r in rounds)
        print(f"event write, baseline      {base * 1e3:7.3f} ms/event")
        print(f"event write, with scoring  {with_scoring * 1e3:7.3f} ms/event  "
              f"(+{(with_scoring - base) * 1e3:.3f} ms, x{with_scoring / base:.2f})")
        if args.leads:
            await bulk_log(args.leads, args.events)
            started = time.perf_counter()
            count = await rescore_all(rule_set, clock.now(), batch=5000)
            print(f"full rescore               {time.perf_counter() - started:7.2f} s for {count} leads")
            for name, report in (("funnel", reports.funnels), ("roi", reports.roi)):
                started = time.perf_counter()
                await report(reports.Period())
                print(f"report {name:<19} {time.perf_counter() - started:7.2f} s")
    finally:
        if url.startswith("postgres"):
            await Tortoise._drop_databases()
        await Tortoise.close_connections()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server (a fresh database is made there)")
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--leads", type=int, default=0, help="also bulk-load this many leads for rescore and reports")
    parser.add_argument("--events", type=int, default=0)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
