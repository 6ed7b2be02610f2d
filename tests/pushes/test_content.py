"""The content library file: every problem named (with its line), nothing imported unless all
is well, items updated by slug."""
import re

import pytest

import main
from content.library import ContentFileError, parse_library
from models import ContentItem

from .test_cli import in_db

LIBRARY = """\
items:
  - slug: pp-whitepaper
    kind: whitepaper
    title: 高分子材料选型白皮书
    summary: 六大工况下的选材要点
    url: https://files.example.com/pp.pdf
    tags: [化工, 选材]
    industry: 化工
    valid_until: 2027-06-30
  - slug: expo-2027
    kind: event
    title: 2027 材料展邀请函
    body: |
      诚邀您莅临 A12 展位。

      现场有选材工程师答疑。
"""


def test_a_good_library_file_is_parsed():
    items = parse_library(LIBRARY)
    assert [i["slug"] for i in items] == ["pp-whitepaper", "expo-2027"]
    assert items[0]["valid_until"].isoformat() == "2027-06-30T00:00:00+08:00"


@pytest.mark.parametrize("change, message", [
    (("    industry: 化工\n", "    industri: 化工\n"), "line 8: unknown key `items[0].industri`"),
    (("    url: https://files.example.com/pp.pdf\n", ""), "items[0].url: a whitepaper needs it"),
    (("kind: event", "kind: webinar"), "items[1].kind: one of article"),
    (("slug: expo-2027", "slug: pp-whitepaper"), "appears twice"),
    (("https://files", "ftp://files"), "an http(s) address"),
])
def test_a_broken_library_file_names_every_problem(change, message):
    with pytest.raises(ContentFileError, match=re.escape(message)):
        parse_library(LIBRARY.replace(*change))


def test_a_content_file_too_large_is_refused():
    with pytest.raises(ContentFileError, match="larger than 2 MB"):
        parse_library(LIBRARY + "#" * (2 * 1024 * 1024))


def test_content_import_creates_then_updates_by_slug(tmp_path, monkeypatch, capsys):
    url = f"sqlite://{tmp_path}/cli.db"
    monkeypatch.setenv("SIYU_DATABASE_URL", url)
    file = tmp_path / "library.yaml"
    file.write_text(LIBRARY, encoding="utf-8")
    assert main.main(["content", "import", str(file)]) == 0
    assert capsys.readouterr().out == "imported 2 items: 2 created, 0 updated\n"
    file.write_text(LIBRARY.replace("六大工况", "七大工况"), encoding="utf-8")
    assert main.main(["content", "import", str(file)]) == 0
    assert capsys.readouterr().out == "imported 2 items: 0 created, 2 updated\n"
    file.write_text(LIBRARY.replace("kind: event", "kind: webinar"), encoding="utf-8")
    assert main.main(["content", "import", str(file)]) == 2
    assert "refused, nothing was changed" in capsys.readouterr().err
    summaries = in_db(url, lambda: ContentItem.all().order_by("id").values_list("summary", flat=True))
    assert summaries == ["七大工况下的选材要点", ""]


async def test_the_demo_library_and_segments_seed(db):
    from handlers.pushes.seed import seed_pushes
    from models import Segment

    await seed_pushes()
    await seed_pushes()
    assert await ContentItem.all().count() == 3
    assert sorted(await Segment.all().values_list("name", flat=True)) == ["展会线索", "已同意的白皮书读者"]


async def test_the_demo_starts_with_a_finished_campaign_with_opens_a_scheduled_one_and_a_sequence(db, clock):
    from types import SimpleNamespace

    from bot.config import Settings
    from handlers.pushes.campaigns import campaign_status
    from handlers.pushes.seed import seed_pushes
    from models import Campaign, Lead, Sequence

    bot = SimpleNamespace(clock=clock, settings=Settings())
    await seed_pushes(bot)
    await seed_pushes(bot)  # a second start adds nothing
    assert await Lead.all().count() == 4
    finished, scheduled = await Campaign.filter(sequence=None).order_by("id")
    status = await campaign_status(finished.id)
    assert status["state"] == "finished" and status["planned"] == status["confirmed"] == 4 and status["opened"] == 2
    assert scheduled.state == "scheduled" and scheduled.next_run_at > clock.now()
    assert await Sequence.filter(state="active").count() == 1
