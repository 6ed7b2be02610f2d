"""The README's first path, as a newcomer walks it in a real browser (Playwright driving
Debian's Chromium, headless) against `python main.py demo` started as a user starts it: open
the phone page, scan a channel code, read the welcome, ask questions, agree, join a group,
reload and still see the conversation; then sign in to the console and find that customer,
named, with the timeline. Screenshots are kept under test-output/demo-tour/."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

from tests.test_demo import free_port_pair  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("SIYU_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "test-output" / "demo-tour"
README_QUESTION = re.search(r"for example “(.+?)”", (ROOT / "README.md").read_text(encoding="utf-8"))

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed")


class RunningDemo:
    def __init__(self, directory: Path) -> None:
        self.port = free_port_pair()
        self.env = {**os.environ, "SIYU_DATA_DIR": str(directory), "PYTHONUNBUFFERED": "1"}
        self.env.pop("SIYU_DATABASE_URL", None)
        self.log = directory / "demo.log"
        self.process = subprocess.Popen([sys.executable, "main.py", "demo", "--port", str(self.port)], cwd=ROOT,
                                        env=self.env, stdout=subprocess.PIPE, stderr=self.log.open("w"), text=True)
        self.banner = self._read_banner()
        self.phone = re.search(r"phone \(play a customer\): (\S+)", self.banner).group(1)
        self.console = re.search(r"console: (\S+)", self.banner).group(1)
        self.admin = re.search(r"sign in as (\S+) / (\S+)\)", self.banner).groups()
        self.config = re.search(r"--config (\S+)", self.banner).group(1)

    def _read_banner(self) -> str:
        lines = []
        for line in self.process.stdout:
            lines.append(line)
            if "CLI against this demo" in line:
                return "".join(lines)
        raise AssertionError("the demo stopped before it was ready:\n" + "".join(lines))

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "main.py", "--config", self.config, *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=120)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    running = RunningDemo(tmp_path_factory.mktemp("demo-tour"))
    yield running
    running.stop()


@pytest.fixture
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        chromium.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def ask(page, text: str) -> str:
    """Type a question, send it, wait for the bot's next message and return it."""
    before = page.locator(".msg.bot").count()
    page.fill("#text", text)
    page.click("button.send")
    page.locator(".msg.bot").nth(before).wait_for(timeout=15_000)
    return page.locator(".msg.bot").nth(before).inner_text()


def test_the_readme_tour_from_the_phone_to_the_console(demo, browser):
    page = browser.new_page()
    page.goto(demo.phone)
    assert page.inner_text("#who") == "还没有扫码"
    shot(page, "01-phone")

    page.fill("#name", "王工")
    page.click("#channels button:has-text('材料展')")
    welcome = page.locator(".msg.bot").first
    welcome.wait_for(timeout=15_000)
    assert "王工" in welcome.inner_text() and "感谢莅临华材" in welcome.inner_text()
    assert "个人信息保护" in welcome.inner_text()
    assert page.locator(".msg.bot .card").count() >= 1  # the group invitation, as a link card
    assert "欢迎语" in welcome.inner_text()  # how it came, as a label
    privacy = browser.new_page()
    privacy.goto(re.search(r"(http://\S+/privacy\S*)", welcome.inner_text()).group(1))
    assert "华材新材料 个人信息保护政策" in privacy.inner_text("body")
    privacy.close()
    assert page.locator(".msg.sys").first.inner_text().startswith("你扫描了")
    assert "王工" in page.inner_text("#who")
    shot(page, "02-welcome")

    assert "发货" in ask(page, "下单后多久发货？")
    assert "样" in ask(page, "能寄样品吗")
    assert README_QUESTION, "the README names an example question"
    assert ask(page, README_QUESTION.group(1))  # answered, offered a choice or handed on: never silence
    assert "同意" in ask(page, "同意")
    page.click("#groups button:has-text('包装行业')")
    page.locator(".msg.sys:has-text('你加入了群聊')").wait_for()
    shot(page, "03-conversation")

    page.reload()
    page.locator(".msg.me").nth(3).wait_for()
    texts = page.locator("#chat .msg").all_inner_texts()
    assert texts[0].startswith("你扫描了")  # system lines in time order, not on top
    assert [t for t in texts if "你加入了群聊" in t] and texts.index(next(t for t in texts if "你加入了群聊" in t)) > 4
    assert page.locator(".msg.me").all_inner_texts()[:2] == ["下单后多久发货？", "能寄样品吗"]
    shot(page, "04-after-reload")

    console = browser.new_page()
    console.goto(demo.console)
    console.fill("input[name=username]", demo.admin[0])
    console.fill("input[name=password]", demo.admin[1])
    console.click("button[type=submit]")
    console.wait_for_url("**/console/")
    assert "私域" in console.content() and "思域" not in console.content()  # the product's name
    assert int(console.inner_text("#new-today") or 0) >= 1
    shot(console, "05a-console-dashboard")
    console.goto(demo.console + "channels")
    shot(console, "05b-console-channels")
    console.goto(demo.console + "leads?q=王工")
    rows = console.locator("#lead-list tbody tr")
    # the demo's sample leads include other 王工s; the newest (first) row is the one who just scanned
    assert rows.count() >= 1 and "王工" in rows.first.inner_text() and "张三" in rows.first.inner_text()
    shot(console, "05-console-leads")
    rows.first.locator("a:has-text('王工')").click()
    assert console.inner_text("#lead-name").startswith("王工")
    assert console.locator("#timeline tr, #timeline li").count() >= 6
    shot(console, "06-console-lead")


def test_the_cli_works_on_the_running_demo_with_its_config_file(demo, tmp_path):
    listed = demo.cli("channels", "list")
    assert listed.returncode == 0 and "expo2026-a12" in listed.stdout and "note:" not in listed.stderr

    setup = tmp_path / "channels.yaml"
    setup.write_text("channels:\n- code: webinar-1210\n  name: 12月10日线上研讨会\n  kind: live_stream\n"
                     "  staff: [wangwu]\n", encoding="utf-8")
    created = demo.cli("import", str(setup))
    assert created.returncode == 0, created.stderr
    assert "created: webinar-1210" in created.stdout


def test_the_terminal_stays_readable_while_the_phone_page_polls(demo, browser):
    page = browser.new_page()
    page.goto(demo.phone)
    page.fill("#name", "赵工")
    with page.expect_request("**/sim/received?**"):
        page.click("#channels button:has-text('官网页脚')")
    page.wait_for_timeout(3500)  # the page polls /sim/received every 1.5 s
    log = demo.log.read_text()
    assert "/sim/received" not in log and "/demo/setup" not in log
    assert "Tortoise-ORM shutdown" not in log
