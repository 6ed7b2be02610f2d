"""Every WeCom app callback in the official docs' samples becomes the right typed event,
including the customer-contact, customer-group, tag and 微信客服 events wechatpy 1.8.18 does
not parse."""
import pytest

from bot.events import (
    ContactAdded,
    ContactDeleted,
    ContactEdited,
    ContactTransferFailed,
    ExternalChatCreated,
    ExternalChatDismissed,
    ExternalChatUpdated,
    ExternalTagChanged,
    FollowUserDeleted,
    KfMsgOrEvent,
    MediaMessage,
    Platform,
    TextMessage,
    UnknownEvent,
)
from bot.platforms.payloads import parse_xml
from bot.platforms.wecom.events import parse_wecom

HEAD = "<ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1348831860</CreateTime>"
SYS = "<ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType>"
CONTACT = SYS + "<Event><![CDATA[change_external_contact]]></Event>"
CHAT = SYS + "<Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[CHAT_ID]]></ChatId>"
STAFF = "<UserID><![CDATA[zhangsan]]></UserID><ExternalUserID><![CDATA[woAJ2GCAAAXtWyujaWJHDDGi0mACAAAA]]></ExternalUserID>"


def parsed(body: str):
    return parse_wecom(parse_xml(f"<xml>{body}</xml>"))


def test_a_member_text_message():
    event = parsed(HEAD + "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[this is a test]]></Content>"
                          "<MsgId>1234567890123456</MsgId><AgentID>1</AgentID>")
    assert event == TextMessage(platform=Platform.WECOM, create_time=1348831860, msg_id="1234567890123456",
                                sender="fromUser", agent_id="1", content="this is a test", sender_is_customer=False)
    assert event.staff_userid == "fromUser" and event.identity is None


@pytest.mark.parametrize(
    "msg_type, fields",
    [
        ("image", "<PicUrl><![CDATA[http://example.com/p.jpg]]></PicUrl><MediaId><![CDATA[media_id]]></MediaId>"),
        ("voice", "<MediaId><![CDATA[media_id]]></MediaId><Format><![CDATA[Format]]></Format>"),
        ("video", "<MediaId><![CDATA[media_id]]></MediaId><ThumbMediaId><![CDATA[thumb_media_id]]></ThumbMediaId>"),
        ("location", "<Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>15</Scale>"
                     "<Label><![CDATA[位置信息]]></Label><AppType><![CDATA[wxwork]]></AppType>"),
        ("link", "<Title><![CDATA[this is a title!]]></Title><Description><![CDATA[this is a description!]]></Description>"
                 "<Url><![CDATA[URL]]></Url><PicUrl><![CDATA[PIC_URL]]></PicUrl>"),
        ("file", "<MediaId><![CDATA[media_id]]></MediaId>"),
    ],
)
def test_member_media_messages_keep_their_raw_fields(msg_type, fields):
    event = parsed(HEAD + f"<MsgType><![CDATA[{msg_type}]]></MsgType>{fields}<MsgId>1234567890123456</MsgId><AgentID>1</AgentID>")
    assert isinstance(event, MediaMessage)
    assert (event.msg_type, event.sender, event.msg_id, event.agent_id) == (msg_type, "fromUser", "1234567890123456", "1")
    assert event.sender_is_customer is False
    assert "MsgType" in event.raw


def test_a_customer_added_through_a_contact_way_carries_state_and_welcome_code():
    event = parsed(CONTACT + "<ChangeType><![CDATA[add_external_contact]]></ChangeType>" + STAFF +
                   "<State><![CDATA[teststate]]></State><WelcomeCode><![CDATA[WELCOMECODE]]></WelcomeCode>")
    assert event == ContactAdded(platform=Platform.WECOM, create_time=1403610513, change_type="add_external_contact",
                                 user_id="zhangsan", external_user_id="woAJ2GCAAAXtWyujaWJHDDGi0mACAAAA",
                                 state="teststate", welcome_code="WELCOMECODE")
    assert event.identity.value == "woAJ2GCAAAXtWyujaWJHDDGi0mACAAAA"


def test_a_half_added_customer_is_flagged_half():
    event = parsed(CONTACT + "<ChangeType><![CDATA[add_half_external_contact]]></ChangeType>" + STAFF +
                   "<State><![CDATA[teststate]]></State><WelcomeCode><![CDATA[WELCOMECODE]]></WelcomeCode>")
    assert isinstance(event, ContactAdded) and event.half and event.welcome_code == "WELCOMECODE"


def test_edit_delete_follow_user_deleted_and_transfer_fail():
    edited = parsed(CONTACT + "<ChangeType><![CDATA[edit_external_contact]]></ChangeType>" + STAFF)
    deleted = parsed(CONTACT + "<ChangeType><![CDATA[del_external_contact]]></ChangeType>" + STAFF +
                     "<Source><![CDATA[DELETE_BY_TRANSFER]]></Source>")
    removed_us = parsed(CONTACT + "<ChangeType><![CDATA[del_follow_user]]></ChangeType>" + STAFF)
    failed = parsed(CONTACT + "<ChangeType><![CDATA[transfer_fail]]></ChangeType><FailReason><![CDATA[customer_refused]]></FailReason>" + STAFF)
    assert isinstance(edited, ContactEdited)
    assert isinstance(deleted, ContactDeleted) and deleted.source == "DELETE_BY_TRANSFER"
    assert isinstance(removed_us, FollowUserDeleted) and removed_us.user_id == "zhangsan"
    assert isinstance(failed, ContactTransferFailed) and failed.fail_reason == "customer_refused"


def test_customer_group_created_and_dismissed():
    created = parsed(CHAT + "<ChangeType><![CDATA[create]]></ChangeType>")
    dismissed = parsed(CHAT + "<ChangeType><![CDATA[dismiss]]></ChangeType>")
    assert created == ExternalChatCreated(platform=Platform.WECOM, create_time=1403610513, change_type="create", chat_id="CHAT_ID")
    assert isinstance(dismissed, ExternalChatDismissed) and dismissed.chat_id == "CHAT_ID"


def test_members_joining_a_customer_group():
    event = parsed(
        CHAT + "<ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[add_member]]></UpdateDetail>"
        "<JoinScene>1</JoinScene><QuitScene>0</QuitScene><MemChangeCnt>10</MemChangeCnt>"
        "<MemChangeList><Item>Jack</Item><Item>Rose</Item></MemChangeList>"
        "<LastMemVer>9c3f97c2ada667dfb5f6d03308d963e1</LastMemVer><CurMemVer>71217227bbd112ecfe3a49c482195cb4</CurMemVer>"
        "<State><![CDATA[booth-a]]></State>"
    )
    assert event == ExternalChatUpdated(
        platform=Platform.WECOM, create_time=1403610513, change_type="update", chat_id="CHAT_ID",
        update_detail="add_member", join_scene=1, quit_scene=0, mem_change_cnt=10, mem_change_list=("Jack", "Rose"),
        last_mem_ver="9c3f97c2ada667dfb5f6d03308d963e1", cur_mem_ver="71217227bbd112ecfe3a49c482195cb4", state="booth-a",
    )


def test_a_single_member_leaving_and_a_name_change():
    left = parsed(CHAT + "<ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[del_member]]></UpdateDetail>"
                         "<QuitScene>1</QuitScene><MemChangeCnt>1</MemChangeCnt><MemChangeList><Item>Jack</Item></MemChangeList>")
    renamed = parsed(CHAT + "<ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[change_name]]></UpdateDetail>")
    assert (left.update_detail, left.quit_scene, left.join_scene, left.mem_change_list) == ("del_member", 1, None, ("Jack",))
    assert (renamed.update_detail, renamed.mem_change_list, renamed.mem_change_cnt) == ("change_name", (), 0)


def test_a_corp_tag_change():
    event = parsed(SYS + "<Event><![CDATA[change_external_tag]]></Event><Id><![CDATA[TAG_ID]]></Id>"
                         "<TagType><![CDATA[tag]]></TagType><ChangeType><![CDATA[create]]></ChangeType><StrategyId>1</StrategyId>")
    assert event == ExternalTagChanged(platform=Platform.WECOM, create_time=1403610513, change_type="create",
                                       tag_id="TAG_ID", tag_type="tag", strategy_id="1")


def test_a_kf_notification_carries_token_and_account():
    event = parsed("<ToUserName><![CDATA[ww12345678910]]></ToUserName><CreateTime>1348831860</CreateTime>"
                   "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event>"
                   "<Token><![CDATA[ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR]]></Token>"
                   "<OpenKfId><![CDATA[wkxxxxxxx]]></OpenKfId>")
    assert event == KfMsgOrEvent(platform=Platform.WECOM, create_time=1348831860,
                                 token="ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR", open_kfid="wkxxxxxxx")


@pytest.mark.parametrize(
    "body, type_name",
    [
        (HEAD + "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event><AgentID>1</AgentID>", "event:enter_agent"),
        (CONTACT + "<ChangeType><![CDATA[something_new]]></ChangeType>" + STAFF, "change_external_contact:something_new"),
        (HEAD + "<MsgType><![CDATA[hologram]]></MsgType><MsgId>9</MsgId>", "hologram"),
    ],
)
def test_anything_else_is_an_unknown_event(body, type_name):
    event = parsed(body)
    assert isinstance(event, UnknownEvent) and event.type_name == type_name
