"""One person, one lead across WeCom and the official account: a follower whose unionid
(read with user/info) already belongs to a WeCom contact's lead is merged into it."""
from bot.events import IdentityKind
from models import BehaviourEvent, Channel, ChannelTouch, Lead, LeadIdentity


async def wecom_channel(harness) -> Channel:
    way = await harness.bot.wecom.add_contact_way(type=1, scene=2, state="expo2026", user=["zhangsan"])
    return await Channel.create(code="expo2026", name="2026 材料展", kind="trade_show", config_id=way["config_id"])


async def test_a_contact_who_then_follows_the_account_is_one_lead_with_both_identities_and_touches(harness):
    channel = await wecom_channel(harness)
    scan = await harness.sim.scan_contact_way(channel.config_id, name="王工", unionid="uX")
    await harness.settle()

    follow = await harness.sim.wechat_follow("oWang", unionid="uX")
    await harness.settle()

    assert "个人信息保护政策" in follow.callback.reply  # the welcome reply still goes out
    [lead] = await Lead.all()
    identities = set(await LeadIdentity.filter(lead=lead).values_list("kind", "value"))
    assert identities == {(IdentityKind.EXTERNAL_USERID, scan.info["external_userid"]),
                          (IdentityKind.UNIONID, "uX"), (IdentityKind.OPENID, "oWang")}
    platforms = await ChannelTouch.filter(lead=lead).order_by("at", "id").values_list("platform", flat=True)
    assert platforms == ["wecom", "wechat"]
    assert lead.first_channel_id == channel.id
    timeline = await BehaviourEvent.filter(lead=lead).order_by("id").values_list("kind", flat=True)
    assert timeline == ["contact.added", "welcome.message", "account.event", "reply.message"]
    assert await BehaviourEvent.filter(lead=None).count() == 0


async def test_a_follower_without_a_unionid_stays_a_lead_of_their_own(harness):
    channel = await wecom_channel(harness)
    await harness.sim.scan_contact_way(channel.config_id, unionid="uX")
    await harness.settle()

    follow = await harness.sim.wechat_follow("oOther")
    await harness.settle()

    assert follow.callback.reply
    assert await Lead.all().count() == 2
    assert not await LeadIdentity.filter(kind=IdentityKind.UNIONID, value="").exists()


async def test_an_account_not_allowed_user_info_still_welcomes_the_follower_and_logs_it(harness, caplog):
    harness.sim.api.faults.fail_next(errcode=48001, api="wechat/user/info")  # api unauthorized
    follow = await harness.sim.wechat_follow("oFan", unionid="uZ")
    await harness.settle()

    assert "个人信息保护政策" in follow.callback.reply
    assert "unionid of follower oFan not read" in caplog.text
    [lead] = await Lead.all()
    assert not await LeadIdentity.filter(lead=lead, kind=IdentityKind.UNIONID).exists()
