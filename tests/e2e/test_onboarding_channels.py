"""A marketer creates, edits and archives channels; each has a WeCom contact way (or an
official-account scene QR code) whose state is the channel's code, and a printable QR code."""
import pytest

from handlers.onboarding.channels import ChannelError, parse_spec
from handlers.onboarding.qr import qr_png, qr_svg
from models import Channel, ChannelSettings, Lead
from tests.support.onboarding import channel_service, make_channel


async def test_creating_a_channel_creates_a_contact_way_whose_state_is_the_code(harness):
    channel = await make_channel(harness, code="expo2026-a12", name="2026 材料展 A12 展位", kind="trade_show",
                                 cost=30000, staff=[{"userid": "zhangsan", "daily_cap": 100}, "lisi"],
                                 tags=["2026材料展"], start_date="2026-11-20", end_date="2026-11-23")

    way = harness.sim.state.contact_ways[channel.config_id]
    assert way.state == "expo2026-a12" and way.user == ["zhangsan", "lisi"] and way.type == 2
    assert channel.qr_url == way.qr_code
    settings = await ChannelSettings.get(channel=channel)
    assert settings.staff == [{"userid": "zhangsan", "daily_cap": 100}, {"userid": "lisi", "daily_cap": 0}]
    assert str(settings.start_date) == "2026-11-20"


async def test_a_code_longer_than_30_characters_is_refused_before_anything_is_created(harness):
    with pytest.raises(ChannelError) as refused:
        await make_channel(harness, code="expo-2026-shanghai-hall-a-booth-12", name="展位")

    assert "at most 30" in refused.value.problems["code"]
    assert harness.sim.state.contact_ways == {} and await Channel.all().count() == 0


async def test_bad_channel_fields_are_all_named_at_once():
    with pytest.raises(ChannelError) as refused:
        parse_spec({"code": "x y", "name": "", "kind": "billboard", "cost": "-5", "staff": [],
                    "welcome_template": "{{ name", "groups": ["a", "b", "c", "d", "e", "f"],
                    "start_date": "2026-11-30", "end_date": "2026-11-01"})

    assert set(refused.value.problems) == {"code", "name", "kind", "cost", "staff", "welcome_template", "groups",
                                           "end_date"}


async def test_editing_updates_the_contact_way_and_archiving_deletes_it(harness):
    channel = await make_channel(harness, code="web-footer", name="官网页脚")
    service = channel_service(harness)

    await service.update(channel, parse_spec({"code": "web-footer", "name": "官网页脚（新版）", "staff": ["lisi"]}))
    way = harness.sim.state.contact_ways[channel.config_id]
    assert way.user == ["lisi"] and way.remark == "官网页脚（新版）"

    await service.archive(channel)
    assert channel.config_id not in harness.sim.state.contact_ways
    assert (await Channel.get(code="web-footer")).archived


async def test_the_code_of_a_channel_cannot_change(harness):
    channel = await make_channel(harness, code="web-footer")
    with pytest.raises(ChannelError, match="printed QR codes"):
        await channel_service(harness).update(channel, parse_spec({"code": "web-2", "name": "x", "staff": ["lisi"]}))


async def test_the_qr_code_downloads_as_png_and_svg_with_the_channel_name(harness):
    channel = await make_channel(harness, code="expo2026-a12", name="2026 材料展 A12 展位")

    png = qr_png(channel.qr_url, channel.name, channel.code)
    svg = qr_svg(channel.qr_url, channel.name).decode()

    assert png.startswith(b"\x89PNG")
    assert svg.startswith("<svg") and "2026 材料展 A12 展位" in svg


async def test_an_official_account_channel_gets_a_permanent_scene_code_and_attributes_followers(harness):
    channel = await make_channel(harness, code="live-1120", name="11月20日直播", kind="live_stream",
                                 platform="wechat", staff=[])
    assert "showqrcode?ticket=" in channel.qr_url

    follow = await harness.sim.wechat_follow("oFollower001", scene="live-1120")
    await harness.settle()

    assert "欢迎关注11月20日直播" in follow.callback.reply and "个人信息保护政策" in follow.callback.reply
    lead = await Lead.get()
    assert lead.first_channel_id == channel.id
