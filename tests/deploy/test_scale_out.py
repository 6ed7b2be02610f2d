"""Scale-out as shipped: two ``main.py serve`` processes behind a real nginx with the shipped
configuration (deploy/nginx/siyu.conf), on one PostgreSQL and one Redis. Callbacks go round-robin
through nginx and are re-delivered until acknowledged, as WeCom does; one process is killed with
SIGKILL mid-stream. Every callback ends up recorded exactly once."""
from __future__ import annotations

import asyncio
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from bot.platforms.crypto import CallbackCrypto, random_nonce
from simulator.credentials import SimulatorCredentials
from simulator.payloads import app_text

ROOT = Path(__file__).resolve().parents[2]
CALLBACKS = 300
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def postgres_database():
    base = os.environ.get("SIYU_TEST_DATABASE_URL", "")
    if not base.startswith("postgres"):
        pytest.skip("scale-out needs PostgreSQL (SIYU_TEST_DATABASE_URL)")
    import asyncpg

    name = f"siyu_scale_{secrets.token_hex(5)}"
    server = base.rsplit("/", 1)[0]

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(base.replace("postgres://", "postgresql://", 1))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    yield f"{server}/{name}"
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "main.py", *args], cwd=ROOT, env=env,
                            stdout=log.open("wb"), stderr=subprocess.STDOUT)


def wait_http(url: str, deadline: float = 30) -> None:
    import urllib.request

    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


def nginx_config(tmp: Path, listen: int, upstreams: list[int]) -> Path:
    """The shipped site configuration, with this test's ports, in a minimal nginx.conf."""
    site = (ROOT / "deploy" / "nginx" / "siyu.conf").read_text()
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n" for p in upstreams)
    site = re.sub(r"(upstream siyu \{\n)(?:    server .*\n)+", lambda m: m.group(1) + servers, site)
    site = site.replace("listen 8080;", f"listen 127.0.0.1:{listen};")
    (tmp / "siyu.conf").write_text(site)
    main = tmp / "nginx.conf"
    main.write_text(
        f"daemon off; pid {tmp}/nginx.pid; error_log {tmp}/error.log warn; worker_processes 1;\n"
        "events { worker_connections 256; }\n"
        f"http {{ access_log off; client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;\n"
        f"  fastcgi_temp_path {tmp}/fcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;\n"
        f"  include {tmp}/siyu.conf; }}\n")
    return main


class Callbacks:
    """Signed, encrypted WeCom app text callbacks with distinct MsgIds."""

    def __init__(self) -> None:
        self.creds = SimulatorCredentials()
        self.crypto = CallbackCrypto(self.creds.app_token, self.creds.app_aes_key, self.creds.corp_id)
        self.tag = secrets.token_hex(3)

    def make(self, n: int) -> tuple[dict[str, str], bytes]:
        now = int(time.time())
        plain = app_text(self.creds.corp_id, self.creds.agent_id, now, f"scale{self.tag}u{n % 37}",
                         "什么时候发货？", f"{self.tag}{n:08d}")
        timestamp, nonce = str(now), random_nonce()
        encrypt, signature = self.crypto.encrypt(plain, timestamp, nonce)
        body = (f"<xml><ToUserName><![CDATA[{self.creds.corp_id}]]></ToUserName>"
                f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>")
        return {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce}, body.encode()


async def deliver_all(url: str, callbacks: Callbacks, count: int, on_progress) -> dict[str, int]:
    """Send every callback until it is acknowledged (fresh signature on each try, as WeCom)."""
    stats = {"attempts": 0, "failures": 0}
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(count):
        queue.put_nowait(n)
    done = 0

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal done
        while not queue.empty():
            n = queue.get_nowait()
            for _ in range(20):
                stats["attempts"] += 1
                query, body = callbacks.make(n)
                try:
                    async with session.post(url, params=query, data=body, timeout=aiohttp.ClientTimeout(total=5)) as resp:
                        await resp.read()
                        if resp.status == 200:
                            break
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    pass
                stats["failures"] += 1
                await asyncio.sleep(0.2)
            else:
                raise AssertionError(f"callback {n} was never acknowledged")
            done += 1
            on_progress(done)

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(worker(session) for _ in range(16)))
    return stats


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed")
@pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379")
def test_two_processes_behind_nginx_lose_and_duplicate_nothing_when_one_is_killed(postgres_database, tmp_path):
    sim_port, proxy_port, ports = free_port(), free_port(), [free_port(), free_port()]
    sim_url = f"http://127.0.0.1:{sim_port}"
    settings = SimulatorCredentials().bot_settings(sim_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIYU_")}
    for name, value in vars(settings).items():
        if value not in ("", 0, None):
            env[settings.env_name(name)] = str(value)
    env.update(SIYU_DATABASE_URL=postgres_database, SIYU_REDIS_URL="redis://127.0.0.1:6379/0",
               SIYU_SECRET_KEY="scale-out-test", SIYU_CALLBACK_MAX_SKEW="300")
    subprocess.run([sys.executable, "main.py", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    procs = [start(["simulator", "--port", str(sim_port), "--bot-url", f"http://127.0.0.1:{proxy_port}"], env, tmp_path / "sim.log")]
    try:
        for i, port in enumerate(ports):
            procs.append(start(["serve"], {**env, "SIYU_PORT": str(port)}, tmp_path / f"serve{i}.log"))
        for port in ports:
            wait_http(f"http://127.0.0.1:{port}/healthz")
        nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(nginx_config(tmp_path, proxy_port, ports))],
                                 stdout=subprocess.DEVNULL, stderr=(tmp_path / "nginx.out").open("wb"))
        procs.append(nginx)
        wait_http(f"http://127.0.0.1:{proxy_port}/healthz")

        victim = procs[1]

        def kill_once(done: int) -> None:
            if done == CALLBACKS // 3 and victim.poll() is None:
                os.kill(victim.pid, signal.SIGKILL)

        stats = asyncio.run(deliver_all(f"http://127.0.0.1:{proxy_port}/wecom/callback", Callbacks(), CALLBACKS, kill_once))
        assert victim.poll() is not None, "one process was killed mid-stream"
        keys, inbound = asyncio.run(_counts(postgres_database))
        assert (keys, inbound) == (CALLBACKS, CALLBACKS), f"recorded {keys} keys / {inbound} events for {CALLBACKS} callbacks ({stats})"
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()


async def _counts(url: str) -> tuple[int, int]:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        keys = await conn.fetchval("SELECT count(*) FROM processed_callback")
        inbound = await conn.fetchval("SELECT count(*) FROM behaviour_event WHERE direction = 'inbound'")
        return keys, inbound
    finally:
        await conn.close()
