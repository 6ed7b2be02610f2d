"""Faults under load: nothing acknowledged is lost, nothing is recorded twice.

    python bench/faults.py                                   # every scenario
    python bench/faults.py --scenarios sqlite-lock,kill-sqlite --rate 50
    git archive <revision> | tar -x -C /tmp/before && python bench/faults.py --code /tmp/before

Each scenario runs ``python main.py serve`` (wired to a simulator process as its API base) on
a fresh database, streams signed, encrypted WeCom text callbacks at a steady ``--rate`` (open
loop: a stalled server does not slow the stream down), and after ``--warm`` seconds injects
one fault for ``--outage`` seconds:

- ``postgres-stop``: the PostgreSQL cluster stopped and started again (pg_ctlcluster; it is
  restarted whatever happens, and the outage never exceeds ``--outage``), with Redis;
- ``redis-stop``: Redis (a private redis-server started here) stopped and started again,
  on PostgreSQL;
- ``sqlite-lock``: another process holds SQLite's write lock, without Redis;
- ``kill-sqlite`` / ``kill-postgres``: the server is killed (SIGKILL) and started again at once.

Like WeCom, the client gives up on an attempt after 5 s and delivers every callback that was
not answered 200 again (same message, fresh signature), every ``--retry-every`` seconds, until
it is acknowledged. Afterwards it reads the database and reports requests, attempts,
acknowledged, recorded, acknowledged-and-lost (must be 0), duplicates (must be 0), never
acknowledged, and the recovery time: from the end of the fault (database or Redis back,
server restarted) to the first acknowledgement of a callback sent after it. It exits 1 when
any scenario lost or duplicated an event.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.callbacks import DEADLINE, Server, bot_env, free_port, postgres_admin  # noqa: E402
from bot.platforms.crypto import CallbackCrypto, random_nonce  # noqa: E402
from simulator.credentials import SimulatorCredentials  # noqa: E402
from simulator.payloads import app_text  # noqa: E402

SCENARIOS = ("postgres-stop", "redis-stop", "sqlite-lock", "kill-sqlite", "kill-postgres")
MARK = "故障测试 #"  # each text ends with its MsgId, so the database can be checked per message
PG_START_ALLOWANCE = 5.0  # seconds pg_ctlcluster start takes, at most, on a loaded 2-core machine


# --- the platform's side ----------------------------------------------------------------------


@dataclass
class Callback:
    msg_id: str
    plain: str
    attempts: int = 0
    sending: bool = False
    acknowledged_at: float | None = None


@dataclass
class Attempt:
    sent: float
    answered: float
    status: int  # 0: no answer (refused, reset, or 5 s passed)


class WeCom:
    """Sends callbacks as WeCom does: signed and encrypted, each attempt freshly signed, an
    attempt abandoned after 5 s, everything not answered 200 delivered again."""

    def __init__(self, url: str, users: int = 50) -> None:
        self.url = url
        self.creds = SimulatorCredentials()
        self.crypto = CallbackCrypto(self.creds.app_token, self.creds.app_aes_key, self.creds.corp_id)
        self.tag = secrets.token_hex(3)
        self.users = [f"fault{self.tag}u{i:03d}" for i in range(users)]
        self.callbacks: list[Callback] = []
        self.attempts: list[Attempt] = []
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task] = set()

    def new_callback(self) -> Callback:
        number = len(self.callbacks)
        msg_id = f"{self.tag}{number:08d}"
        plain = app_text(self.creds.corp_id, self.creds.agent_id, int(time.time()), self.users[number % len(self.users)],
                         f"{MARK}{msg_id}", msg_id)
        self.callbacks.append(Callback(msg_id, plain))
        return self.callbacks[-1]

    async def __aenter__(self) -> "WeCom":
        connector = aiohttp.TCPConnector(limit=0, force_close=True)
        self._session = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=DEADLINE))
        return self

    async def __aexit__(self, *exc: object) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        assert self._session is not None
        await self._session.close()

    def send_soon(self, callback: Callback) -> None:
        callback.sending = True
        task = asyncio.create_task(self._send(callback))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, callback: Callback) -> None:
        assert self._session is not None
        timestamp, nonce = str(int(time.time())), random_nonce()
        encrypt, signature = self.crypto.encrypt(callback.plain, timestamp, nonce)
        body = (f"<xml><ToUserName><![CDATA[{self.creds.corp_id}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt>"
                f"<AgentID><![CDATA[{self.creds.agent_id}]]></AgentID></xml>")
        query = {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce}
        callback.attempts += 1
        sent, status = time.monotonic(), 0
        try:
            async with self._session.post(self.url, data=body, params=query, headers={"Content-Type": "text/xml"}) as resp:
                await resp.read()
                status = resp.status
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
            status = 0
        finally:
            callback.sending = False
        answered = time.monotonic()
        self.attempts.append(Attempt(sent, answered, status))
        if status == 200 and callback.acknowledged_at is None:
            callback.acknowledged_at = answered

    def redeliver(self) -> None:
        """Send again every callback neither acknowledged nor waiting for an answer."""
        for callback in self.callbacks:
            if callback.acknowledged_at is None and not callback.sending:
                self.send_soon(callback)

    def unacknowledged(self) -> list[Callback]:
        return [c for c in self.callbacks if c.acknowledged_at is None]


async def stream(wecom: WeCom, rate: float, seconds: float, retry_every: float) -> None:
    """``rate`` new callbacks a second for ``seconds``, re-delivering every ``retry_every``."""
    started = last_retry = time.monotonic()
    while (now := time.monotonic()) - started < seconds:
        for _ in range(int((now - started) * rate) - len(wecom.callbacks)):
            wecom.send_soon(wecom.new_callback())
        if now - last_retry >= retry_every:
            wecom.redeliver()
            last_retry = now
        await asyncio.sleep(0.01)


async def settle(wecom: WeCom, retry_every: float, limit: float) -> None:
    """Re-deliver until everything is acknowledged, or ``limit`` seconds have passed."""
    deadline = time.monotonic() + limit
    while wecom.unacknowledged() and time.monotonic() < deadline:
        wecom.redeliver()
        await asyncio.sleep(retry_every)


# --- faults -----------------------------------------------------------------------------------


class PostgresCluster:
    """The local PostgreSQL cluster, stopped and started with pg_ctlcluster. ``start`` is
    retried until the server answers: other users share it."""

    def __init__(self) -> None:
        versions = sorted(os.listdir("/etc/postgresql"))
        self.argv = ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main"]

    def stop(self) -> None:
        subprocess.run([*self.argv, "stop", "-m", "fast"], check=True, capture_output=True)

    def start(self) -> None:
        for _ in range(30):
            done = subprocess.run([*self.argv, "start"], capture_output=True)
            if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0:
                return
            time.sleep(0.5 if done.returncode == 0 else 1.0)
        raise RuntimeError("PostgreSQL did not come back; start it: " + " ".join([*self.argv, "start"]))


class PrivateRedis:
    """A redis-server of our own on a free port (stopping the shared one would disturb others)."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(self.workdir)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).stdout.strip() == b"PONG":
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


def lock_sqlite(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    return conn


# --- a scenario -------------------------------------------------------------------------------


@dataclass
class Outcome:
    scenario: str
    database: str
    redis: bool
    requests: int = 0
    attempts: int = 0
    failed_attempts: int = 0
    acknowledged: int = 0
    recorded: int = 0
    lost: int = 0
    duplicates: int = 0
    never_acknowledged: int = 0
    fault_seconds: float = 0.0
    recovery: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return self.lost == 0 and self.duplicates == 0


class Scenario:
    def __init__(self, name: str, args: argparse.Namespace, workdir: Path) -> None:
        self.name, self.args, self.workdir = name, args, workdir
        self.database = "sqlite" if name in ("sqlite-lock", "kill-sqlite") else "postgres"
        self.redis = PrivateRedis(workdir) if name in ("postgres-stop", "redis-stop", "kill-postgres") else None
        self.sqlite_path = workdir / f"{name}-{secrets.token_hex(3)}.db"
        self.pg_name = f"siyu_faults_{secrets.token_hex(4)}"
        self.bot: Server | None = None
        self.simulator: Server | None = None
        self.bot_port = free_port()
        self.notes: list[str] = []

    @property
    def db_url(self) -> str:
        if self.database == "sqlite":
            return f"sqlite://{self.sqlite_path}"
        return f"{self.args.postgres.rstrip('/')}/{self.pg_name}"

    def bot_env(self) -> dict[str, str]:
        env = bot_env(self.db_url, self.bot_port, self.simulator.port if self.simulator else 0)
        env["SIYU_REDIS_URL"] = self.redis.url if self.redis else ""
        return env

    async def start_bot(self) -> None:
        serve = [sys.executable, str(self.args.code / "main.py"), "serve"]
        self.bot = Server(f"{self.name}-bot-{secrets.token_hex(2)}", serve, self.bot_env(), self.bot_port, self.workdir)
        await self.bot.ready("/healthz")

    async def run(self) -> Outcome:
        outcome = Outcome(self.name, self.database, self.redis is not None)
        if self.database == "postgres":
            await postgres_admin(self.args.postgres, f'CREATE DATABASE "{self.pg_name}"')
        try:
            if self.redis:
                self.redis.start()
            sim_port = free_port()
            self.simulator = Server(f"{self.name}-simulator", [sys.executable, "main.py", "simulator", "--port", str(sim_port),
                                                              "--bot-url", f"http://127.0.0.1:{self.bot_port}"],
                                    dict(os.environ), sim_port, self.workdir)
            await self.simulator.ready()
            await self.start_bot()
            async with WeCom(f"http://127.0.0.1:{self.bot_port}/wecom/callback") as wecom:
                load = asyncio.create_task(stream(wecom, self.args.rate, self.args.warm + self.args.outage + self.args.after,
                                                  self.args.retry_every))
                await asyncio.sleep(self.args.warm)
                fault_started = time.monotonic()
                fault_ended = await self.inject()
                outcome.fault_seconds = fault_ended - fault_started
                await load
                await settle(wecom, self.args.retry_every, self.args.settle)
                self.count_answers(wecom, outcome, fault_ended)
                outcome.notes = self.notes
            await self.count_records(wecom, outcome)
        finally:
            for server in (self.bot, self.simulator):
                if server is not None:
                    server.stop()
            if self.redis:
                self.redis.stop()
            if self.database == "postgres":
                await postgres_admin(self.args.postgres, f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
        return outcome

    async def inject(self) -> float:
        """Break, wait ``--outage`` seconds (in all), mend; returns when the fault ended."""
        outage = self.args.outage
        started = time.monotonic()
        if self.name == "postgres-stop":
            cluster = PostgresCluster()
            try:
                await asyncio.to_thread(cluster.stop)
                self.notes.append(f"PostgreSQL stopped in {time.monotonic() - started:.1f} s")
                # Starting takes seconds on a busy machine: keep the whole outage within ``outage``.
                await asyncio.sleep(max(0.0, outage - PG_START_ALLOWANCE - (time.monotonic() - started)))
            finally:
                restart = time.monotonic()
                await asyncio.to_thread(cluster.start)
                self.notes.append(f"started again in {time.monotonic() - restart:.1f} s")
        elif self.name == "redis-stop":
            assert self.redis is not None
            self.redis.stop()
            try:
                await asyncio.sleep(outage)
            finally:
                self.redis.start()
        elif self.name == "sqlite-lock":
            lock = lock_sqlite(self.sqlite_path)
            try:
                await asyncio.sleep(outage)
            finally:
                lock.rollback()
                lock.close()
        else:  # kill -9, then start again at once, as a supervisor does
            assert self.bot is not None
            self.bot.proc.send_signal(signal.SIGKILL)
            self.bot.proc.wait()
            self.bot.log.close()
            await self.start_bot()
        return time.monotonic()

    @staticmethod
    def count_answers(wecom: WeCom, outcome: Outcome, fault_ended: float) -> None:
        outcome.requests = len(wecom.callbacks)
        outcome.attempts = len(wecom.attempts)
        outcome.failed_attempts = sum(a.status != 200 for a in wecom.attempts)
        outcome.acknowledged = sum(c.acknowledged_at is not None for c in wecom.callbacks)
        outcome.never_acknowledged = outcome.requests - outcome.acknowledged
        after = [a.answered for a in wecom.attempts if a.status == 200 and a.sent >= fault_ended]
        outcome.recovery = min(after) - fault_ended if after else None

    async def count_records(self, wecom: WeCom, outcome: Outcome) -> None:
        texts = await self.inbound_texts()
        per_message: dict[str, int] = {}
        for text in texts:
            if MARK in text:
                msg_id = text.rsplit(MARK, 1)[1]
                per_message[msg_id] = per_message.get(msg_id, 0) + 1
        outcome.recorded = len(per_message)
        outcome.duplicates = sum(n - 1 for n in per_message.values())
        outcome.lost = sum(1 for c in wecom.callbacks if c.acknowledged_at is not None and c.msg_id not in per_message)

    async def inbound_texts(self) -> list[str]:
        sql = "SELECT payload FROM behaviour_event WHERE direction = 'inbound'"
        if self.database == "sqlite":
            with sqlite3.connect(self.sqlite_path) as conn:
                rows = [r[0] for r in conn.execute(sql)]
        else:
            import asyncpg

            conn = await asyncpg.connect(self.db_url)
            try:
                rows = [r[0] for r in await conn.fetch(sql)]
            finally:
                await conn.close()
        payloads = [json.loads(r) if isinstance(r, str) else r for r in rows]
        return [str(p.get("text", "")) for p in payloads if isinstance(p, dict)]


# --- report -----------------------------------------------------------------------------------


def report(outcomes: list[Outcome], args: argparse.Namespace) -> None:
    print()
    print(f"{args.rate:g} callbacks/s for {args.warm + args.outage + args.after:g} s, fault of {args.outage:g} s after "
          f"{args.warm:g} s, re-delivery every {args.retry_every:g} s, {os.cpu_count()} CPUs")
    head = (f"{'scenario':<15}{'db':<10}{'redis':<7}{'requests':>9}{'attempts':>9}{'acked':>8}{'recorded':>9}"
            f"{'acked+lost':>11}{'dupes':>7}{'never acked':>12}{'fault s':>8}{'recovery s':>11}")
    print(head)
    for o in outcomes:
        recovery = f"{o.recovery:.2f}" if o.recovery is not None else "-"
        print(f"{o.scenario:<15}{o.database:<10}{'yes' if o.redis else 'no':<7}{o.requests:>9}{o.attempts:>9}"
              f"{o.acknowledged:>8}{o.recorded:>9}{o.lost:>11}{o.duplicates:>7}{o.never_acknowledged:>12}"
              f"{o.fault_seconds:>8.1f}{recovery:>11}")
    for o in outcomes:
        if o.notes:
            print(f"{o.scenario}: {'; '.join(o.notes)}")


async def main_async(args: argparse.Namespace) -> int:
    names = [n.strip() for n in args.scenarios.split(",") if n.strip()]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        raise SystemExit(f"unknown scenario(s) {unknown}; choose from {', '.join(SCENARIOS)}")
    workdir = Path(tempfile.mkdtemp(prefix="siyu-faults-"))
    print(f"logs in {workdir}", flush=True)
    outcomes = []
    for name in names:
        print(f"{name} ...", flush=True)
        outcome = await Scenario(name, args, workdir).run()
        outcomes.append(outcome)
        print(f"  {outcome.requests} requests, {outcome.acknowledged} acknowledged, {outcome.recorded} recorded, "
              f"{outcome.lost} acknowledged and lost, {outcome.duplicates} duplicates", flush=True)
    report(outcomes, args)
    return 0 if all(o.clean for o in outcomes) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma-separated, from: " + ", ".join(SCENARIOS))
    parser.add_argument("--rate", type=float, default=50.0, help="new callbacks per second")
    parser.add_argument("--warm", type=float, default=5.0, help="seconds of load before the fault")
    parser.add_argument("--outage", type=float, default=10.0, help="seconds the fault lasts (PostgreSQL: at most 10)")
    parser.add_argument("--after", type=float, default=10.0, help="seconds of load after the fault")
    parser.add_argument("--retry-every", type=float, default=1.0, help="seconds between re-deliveries")
    parser.add_argument("--settle", type=float, default=60.0, help="seconds to re-deliver after the load before giving up")
    parser.add_argument("--postgres", default=os.environ.get("SIYU_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
                        help="PostgreSQL server URL (a database is created there and dropped)")
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="serve from this source tree (e.g. an export of another revision, to compare)")
    args = parser.parse_args()
    if args.outage > 10 and "postgres-stop" in args.scenarios:
        raise SystemExit("--outage is at most 10 s with postgres-stop: the cluster is shared")
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
