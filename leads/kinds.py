"""The behaviour kinds a scoring rule may name, with the label staff read. Kinds the platform
events carry (``bot.events``), those features record, and those the touch-recording features
(content, surveys, events) write; a rule file naming any other kind is refused."""
from __future__ import annotations

BEHAVIOUR_KINDS: dict[str, str] = {
    "contact.added": "添加企业微信",
    "contact.deleted": "删除企业微信",
    "account.event": "关注公众号或扫码",
    "group.joined": "加入客户群",
    "group.left": "退出客户群",
    "message.text": "发消息",
    "message.media": "发图片或文件",
    "kf.event": "进入微信客服",
    "faq.asked": "提问",
    "content.opened": "打开内容",
    "content.read": "读完内容",
    "content.downloaded": "下载资料",
    "survey.answered": "回答问卷",
    "event.signed_up": "报名活动",
    "event.checked_in": "活动签到",
    "lead.referred": "推荐同事",
}


def kind_label(kind: str) -> str:
    return BEHAVIOUR_KINDS.get(kind, kind)
