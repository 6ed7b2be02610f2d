"""The callback pipeline under load, next to a bare-protocol baseline.

    python bench/callbacks.py --reply-handler            # baseline, SQLite, PostgreSQL
    python bench/callbacks.py --databases sqlite --requests 2000

Each target runs as its own server process on loopback:

- ``baseline``: bench/callback_baseline.py, the signature check, timestamp window, decrypt,
  XML parse and encrypted passive reply alone (no database, no dispatcher);
- ``sqlite`` / ``postgres``: ``python main.py serve`` (with ``--reply-handler``,
  bench/callback_bot.py: the same serve with a keyword-reply router in front of the features) on a
  fresh SQLite file, then on a fresh PostgreSQL database created and dropped here, wired to
  a simulator process (``python main.py simulator``) as its API base.

The load is encrypted, signed WeCom text-message callbacks to ``/wecom/callback`` (fresh
timestamp, nonce and MsgId each, many distinct staff senders), ``--concurrency`` in flight,
a fixed ``--requests`` count after ``--warmup``, every phase bounded by ``--phase-timeout``.
It prints requests/s, p50/p99 latency, the server process's CPU seconds per request (from
/proc/<pid>/stat) and the full/baseline ratios, checks what the database holds afterwards,
and flags any request slower than 5 s. It asserts nothing: it is a measurement.
``--profile DIR`` also records each server with py-spy (CPU figures then include its cost).
``--instructions`` runs each server under valgrind's callgrind and counts the instructions it
executes for the measured requests: slow (use a few hundred requests), but exact, where CPU
time on a shared machine moves by a quarter between rounds.
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.platforms.crypto import CallbackCrypto, random_nonce  # noqa: E402
from simulator.credentials import SimulatorCredentials  # noqa: E402
from simulator.payloads import app_text  # noqa: E402

DEADLINE = 5.0  # WeCom drops a callback not answered within 5 s
QUESTIONS = ("什么时候发货？", "最新价格表发我一下", "春节假期安排是怎样的", "PTFE 板材有现货吗")
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Request:
    query: dict[str, str]
    body: bytes


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    latencies: list[float]
    cpu_seconds: float
    errors: int
    replies: int
    persisted: str = ""
    slow: list[float] = field(default_factory=list)
    instructions: int | None = None  # with --instructions: executed by the server for these requests

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")

    @property
    def cpu_per_request_ms(self) -> float:
        return 1000 * self.cpu_seconds / self.requests if self.requests else float("nan")

    @property
    def instructions_per_request(self) -> float | None:
        return self.instructions / self.requests if self.instructions is not None and self.requests else None


# --- load -----------------------------------------------------------------------------------


class CallbackFactory:
    """Signed, encrypted WeCom app text callbacks, each with a fresh timestamp, nonce and MsgId."""

    def __init__(self, users: int, run_tag: str) -> None:
        self.creds = SimulatorCredentials()
        self.crypto = CallbackCrypto(self.creds.app_token, self.creds.app_aes_key, self.creds.corp_id)
        self.users = [f"bench{run_tag}u{i:04d}" for i in range(users)]
        self.run_tag = run_tag
        self.count = 0

    def make(self) -> Request:
        self.count += 1
        now = int(time.time())
        user = self.users[self.count % len(self.users)]
        msg_id = f"{self.run_tag}{self.count:09d}"
        plain = app_text(self.creds.corp_id, self.creds.agent_id, now, user,
                         QUESTIONS[self.count % len(QUESTIONS)], msg_id)
        timestamp, nonce = str(now), random_nonce()
        encrypt, signature = self.crypto.encrypt(plain, timestamp, nonce)
        body = (f"<xml><ToUserName><![CDATA[{self.creds.corp_id}]]></ToUserName>"
                f"<Encrypt><![CDATA[{encrypt}]]></Encrypt>"
                f"<AgentID><![CDATA[{self.creds.agent_id}]]></AgentID></xml>")
        return Request({"msg_signature": signature, "timestamp": timestamp, "nonce": nonce}, body.encode())


async def drive(url: str, requests: list[Request], concurrency: int, bound: float) -> tuple[list[float], int, int, float]:
    """Send ``requests`` with ``concurrency`` in flight. Returns latencies, errors, passive
    replies and the wall time."""
    latencies: list[float] = []
    errors = replies = 0
    pending = iter(requests)
    timeout = aiohttp.ClientTimeout(total=DEADLINE * 2)

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal errors, replies
        for req in pending:
            started = time.perf_counter()
            try:
                async with session.post(url, params=req.query, data=req.body,
                                        headers={"Content-Type": "text/xml"}) as resp:
                    text = await resp.read()
                    ok = resp.status == 200
            except (aiohttp.ClientError, asyncio.TimeoutError):
                ok, text = False, b""
            latencies.append(time.perf_counter() - started)
            errors += not ok
            replies += b"<Encrypt>" in text

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        workers = [asyncio.ensure_future(worker(session)) for _ in range(concurrency)]
        done, stalled = await asyncio.wait(workers, timeout=bound)
        for task in stalled:
            task.cancel()
        wall = time.perf_counter() - started
    if stalled:
        print(f"  phase bound of {bound:.0f}s reached: {len(requests) - len(latencies)} requests not sent", flush=True)
    return latencies, errors, replies, wall


# --- processes ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process, from /proc/<pid>/stat (fields 14 and 15)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields_after_name = stat.rsplit(")", 1)[1].split()
    return (int(fields_after_name[11]) + int(fields_after_name[12])) / TICK


class Server:
    """A server process, its log in ``workdir``, optionally under py-spy or callgrind."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], port: int, workdir: Path,
                 profile_dir: Path | None = None, count_instructions: bool = False) -> None:
        self.name, self.port = name, port
        self.log = open(workdir / f"{name}.log", "wb")
        self.callgrind_out = workdir / f"{name}.callgrind" if count_instructions else None
        if self.callgrind_out is not None:  # counting is switched on only around the measured requests
            argv = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
                    f"--callgrind-out-file={self.callgrind_out}", *argv]
        self.proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        self.spy = None
        if profile_dir is not None:
            out = profile_dir / f"{name}.speedscope.json"
            self.spy = subprocess.Popen([py_spy(), "record", "--pid", str(self.proc.pid), "--format", "speedscope",
                                         "-o", str(out), "--rate", "250"], stdout=self.log, stderr=subprocess.STDOUT)

    async def ready(self, path: str = "/", timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout * (10 if self.callgrind_out else 1)
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log.name}")
                try:
                    async with session.get(f"http://127.0.0.1:{self.port}{path}") as resp:
                        await resp.read()
                        return
                except aiohttp.ClientError:
                    await asyncio.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start within {timeout:.0f}s; see {self.log.name}")

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid)

    def count(self, on: bool) -> None:
        """Switch callgrind's counting on or off (with ``count_instructions``)."""
        if self.callgrind_out is not None:
            subprocess.run(["callgrind_control", "-i", "on" if on else "off", str(self.proc.pid)],
                           check=True, capture_output=True)

    def instructions(self) -> int | None:
        """The instructions counted, once the server has stopped (callgrind writes on exit)."""
        if self.callgrind_out is None or not self.callgrind_out.exists():
            return None
        for line in self.callgrind_out.read_text().splitlines():
            if line.startswith("totals:"):  # ("summary:" stays 0 when counting was switched on later)
                return int(line.split()[1])
        return None

    def stop(self) -> None:
        if self.spy is not None:
            self.spy.send_signal(2)  # py-spy writes its profile on SIGINT
        self.proc.send_signal(2)
        try:
            self.proc.wait(timeout=120 if self.callgrind_out else 20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.spy is not None:
            try:
                self.spy.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.spy.kill()
        self.log.close()


def py_spy() -> str:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else "py-spy"


def bot_env(db_url: str, bot_port: int, sim_port: int) -> dict[str, str]:
    settings = SimulatorCredentials().bot_settings(
        f"http://127.0.0.1:{sim_port}", database_url=db_url, host="127.0.0.1", port=bot_port,
        secret_key=secrets.token_hex(16),
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIYU_")}
    for f in dataclasses.fields(settings):
        env[settings.env_name(f.name)] = str(getattr(settings, f.name))
    return env


# --- databases ------------------------------------------------------------------------------


def sqlite_counts(path: Path) -> tuple[int, int, int]:
    with sqlite3.connect(path) as conn:
        return _counts(lambda sql: conn.execute(sql).fetchone()[0])


def _counts(scalar) -> tuple[int, int, int]:
    return (
        scalar("SELECT count(*) FROM processed_callback"),
        scalar("SELECT count(*) FROM behaviour_event WHERE direction = 'inbound'"),
        scalar("SELECT count(*) FROM behaviour_event WHERE direction = 'outbound'"),
    )


async def postgres_admin(server_url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(server_url.rstrip("/") + "/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def postgres_counts(db_url: str) -> tuple[int, int, int]:
    import asyncpg

    conn = await asyncpg.connect(db_url)
    try:
        values = [await conn.fetchval(sql) for sql in (
            "SELECT count(*) FROM processed_callback",
            "SELECT count(*) FROM behaviour_event WHERE direction = 'inbound'",
            "SELECT count(*) FROM behaviour_event WHERE direction = 'outbound'",
        )]
    finally:
        await conn.close()
    return values[0], values[1], values[2]


# --- phases ---------------------------------------------------------------------------------


async def measure(name: str, server: Server, args: argparse.Namespace, factory: CallbackFactory) -> Result:
    url = f"http://127.0.0.1:{server.port}/wecom/callback"
    if args.warmup:
        await drive(url, [factory.make() for _ in range(args.warmup)], args.concurrency, args.phase_timeout)
    requests = [factory.make() for _ in range(args.requests)]
    server.count(True)
    cpu_before = server.cpu()
    latencies, errors, replies, wall = await drive(url, requests, args.concurrency, args.phase_timeout)
    cpu = server.cpu() - cpu_before
    server.count(False)
    slow = [x for x in latencies if x > DEADLINE]
    return Result(name, len(latencies), wall, latencies, cpu, errors, replies, slow=slow)


async def run_baseline(args: argparse.Namespace, workdir: Path, factory: CallbackFactory) -> Result:
    port = free_port()
    server = Server("baseline", [sys.executable, "bench/callback_baseline.py", "--port", str(port)],
                    dict(os.environ), port, workdir, args.profile, args.instructions)
    try:
        await server.ready()
        result = await measure("baseline", server, args, factory)
    finally:
        server.stop()
    result.instructions = server.instructions()
    return result


async def run_full(name: str, db_url: str, args: argparse.Namespace, workdir: Path, factory: CallbackFactory,
                   counts) -> Result:
    sim_port, bot_port = free_port(), free_port()
    simulator = Server(f"{name}-simulator", [sys.executable, "main.py", "simulator", "--port", str(sim_port),
                                             "--bot-url", f"http://127.0.0.1:{bot_port}"],
                       dict(os.environ), sim_port, workdir)
    entry = ["bench/callback_bot.py"] if args.reply_handler else ["main.py", "serve"]
    bot = None
    try:
        await simulator.ready()
        bot = Server(name, [sys.executable, *entry], bot_env(db_url, bot_port, sim_port), bot_port, workdir,
                     args.profile, args.instructions)
        await bot.ready("/healthz")
        result = await measure(name, bot, args, factory)
    finally:
        if bot is not None:
            bot.stop()
        simulator.stop()
    result.instructions = bot.instructions()
    callbacks, inbound, outbound = await counts()
    sent = args.requests + args.warmup
    result.persisted = f"{callbacks}/{sent} keys, {inbound}/{sent} inbound, {outbound} replies"
    return result


async def run_sqlite(args: argparse.Namespace, workdir: Path, factory: CallbackFactory) -> Result:
    path = workdir / f"bench-{secrets.token_hex(4)}.db"  # fresh each round

    async def counts() -> tuple[int, int, int]:
        return sqlite_counts(path)

    return await run_full("sqlite", f"sqlite://{path}", args, workdir, factory, counts)


async def run_postgres(args: argparse.Namespace, workdir: Path, factory: CallbackFactory) -> Result:
    db = f"siyu_bench_{secrets.token_hex(4)}"
    server_url = args.postgres.rstrip("/")
    await postgres_admin(server_url, f'CREATE DATABASE "{db}"')
    db_url = f"{server_url}/{db}"
    try:
        return await run_full("postgres", db_url, args, workdir, factory, lambda: postgres_counts(db_url))
    finally:
        await postgres_admin(server_url, f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


# --- report ---------------------------------------------------------------------------------


TARGETS = "at least 50% of the baseline's throughput, at most 2x its CPU per request, p99 under 50 ms"


def row(r: Result, label: str) -> str:
    line = (f"{label:<12}{r.rate:>9.0f}{1000 * r.percentile(0.50):>9.1f}{1000 * r.percentile(0.99):>9.1f}"
            f"{1000 * max(r.latencies, default=0):>9.1f}{r.cpu_per_request_ms:>12.3f}{r.errors:>8}{r.replies:>9}")
    per_request = r.instructions_per_request
    return line + (f"{per_request / 1000:>12.0f}" if per_request is not None else "")


@dataclass
class Ratios:
    """One target against the baseline of the same round."""

    throughput: float
    cpu: float
    instructions: float | None
    p99: float

    @classmethod
    def of(cls, r: Result, base: Result) -> "Ratios":
        mine, theirs = r.instructions_per_request, base.instructions_per_request
        return cls(r.rate / base.rate, r.cpu_per_request_ms / base.cpu_per_request_ms,
                   mine / theirs if mine is not None and theirs else None, r.percentile(0.99))

    def meets_targets(self) -> bool:
        return self.throughput >= 0.5 and self.cpu <= 2.0 and self.p99 < 0.05


def median_ratios(ratios: list[Ratios]) -> Ratios:
    counted = [r.instructions for r in ratios if r.instructions is not None]
    return Ratios(statistics.median(r.throughput for r in ratios), statistics.median(r.cpu for r in ratios),
                  statistics.median(counted) if counted else None, statistics.median(r.p99 for r in ratios))


def report(rounds: list[list[Result]], args: argparse.Namespace) -> None:
    print()
    print(f"{args.requests} requests per target after {args.warmup} warm-up, concurrency {args.concurrency}, "
          f"{args.users} senders, {os.cpu_count()} CPUs, {len(rounds)} round(s)")
    print(f"{'target':<12}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'CPU ms/req':>12}{'errors':>8}{'replies':>9}"
          + (f"{'kinstr/req':>12}" if args.instructions else ""))
    for number, results in enumerate(rounds, 1):
        for r in results:
            print(row(r, r.name if len(rounds) == 1 else f"{r.name} #{number}"))
    every = [r for results in rounds for r in results]
    if args.verbose:
        for r in every:
            print(f"{r.name}: " + ", ".join(f"p{q:g} {1000 * r.percentile(q / 100):.1f}"
                                             for q in (10, 50, 75, 90, 95, 98, 99, 99.9)) + " ms")
    for r in every:
        if r.persisted:
            print(f"{r.name}: persisted {r.persisted}")
        if r.slow:
            print(f"SLOW: {r.name} had {len(r.slow)} requests over {DEADLINE:.0f} s (max {max(r.slow):.1f} s)")
    paired: dict[str, list[Ratios]] = {}
    for results in rounds:
        base = next((r for r in results if r.name == "baseline" and r.requests), None)
        for r in results:
            if base is not None and r is not base and r.requests:
                paired.setdefault(r.name, []).append(Ratios.of(r, base))
    if not paired:
        return
    print(f"\nagainst the baseline of the same round{', medians over ' + str(len(rounds)) + ' rounds' if len(rounds) > 1 else ''}"
          f" (targets: {TARGETS}; nothing near {DEADLINE:.0f} s):")
    for name, ratios in paired.items():
        m = median_ratios(ratios)
        counted = f", instructions per request {m.instructions:.2f}x" if m.instructions is not None else ""
        met = sum(r.meets_targets() for r in ratios)
        verdict = (" (timed under valgrind: only the instruction ratio means anything)" if args.instructions
                   else f" -> targets met in {met} of {len(ratios)} round(s)")
        print(f"  {name}: throughput {m.throughput:.0%}, CPU per request {m.cpu:.2f}x{counted}, "
              f"p99 {1000 * m.p99:.1f} ms{verdict}")
    slow = sum(len(r.slow) for r in every)
    print(f"  requests over {DEADLINE:.0f} s: {slow}")


async def run(args: argparse.Namespace) -> None:
    factory = CallbackFactory(args.users, run_tag=secrets.token_hex(3))
    rounds: list[list[Result]] = []
    with tempfile.TemporaryDirectory(prefix="siyu-bench-") as tmp:
        workdir = args.logs or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        if args.profile is not None:
            args.profile.mkdir(parents=True, exist_ok=True)
        phases = {"baseline": run_baseline, "sqlite": run_sqlite, "postgres": run_postgres}
        for number in range(1, args.rounds + 1):
            results: list[Result] = []
            for name in ["baseline", *args.databases]:
                print(f"round {number}: {name} ...", flush=True)
                try:
                    results.append(await phases[name](args, workdir, factory))
                except Exception as exc:  # noqa: BLE001 - report the others; a benchmark asserts nothing
                    print(f"  {name} failed: {exc}", flush=True)
                    log = workdir / f"{name}.log"
                    if log.exists():
                        print("  " + "\n  ".join(log.read_text(errors="replace").splitlines()[-15:]))
            rounds.append(results)
    report(rounds, args)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Callback pipeline throughput, latency and CPU next to a bare-protocol baseline.")
    parser.add_argument("--requests", type=int, default=4000, help="measured requests per target")
    parser.add_argument("--warmup", type=int, default=500, help="requests sent before measuring")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--users", type=int, default=1000, help="distinct senders")
    parser.add_argument("--databases", type=lambda s: [d for d in s.split(",") if d], default=["sqlite", "postgres"],
                        help="comma-separated: sqlite,postgres")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432",
                        help="PostgreSQL server URL; a fresh database is created on it and dropped after")
    parser.add_argument("--reply-handler", action="store_true",
                        help="serve through bench/callback_bot.py: serve plus a keyword-reply router")
    parser.add_argument("--instructions", action="store_true",
                        help="count each server's instructions per request with valgrind (slow: use few requests)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every target this many times, interleaved; the summary takes medians")
    parser.add_argument("-v", "--verbose", action="store_true", help="print more latency percentiles")
    parser.add_argument("--phase-timeout", type=float, default=300.0, help="bound on each load phase, seconds")
    parser.add_argument("--logs", type=Path, metavar="DIR", help="keep the servers' logs (and SQLite file) in DIR")
    parser.add_argument("--profile", type=Path, metavar="DIR", help="record each server with py-spy into DIR")
    args = parser.parse_args(argv)
    if args.instructions and not shutil.which("valgrind"):
        parser.error("--instructions needs valgrind (and callgrind_control) on the PATH")
    unknown = set(args.databases) - {"sqlite", "postgres"}
    if unknown:
        parser.error(f"unknown database {', '.join(sorted(unknown))}; choose from sqlite, postgres")
    return args


if __name__ == "__main__":
    asyncio.run(run(parse_args()))
