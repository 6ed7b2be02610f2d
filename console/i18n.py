"""The console's message catalogue: one dict per language keyed by message id. Chinese is
the default; feature modules add their messages with ``Catalogue.add``."""
from __future__ import annotations

from typing import Mapping
from zoneinfo import ZoneInfo

DEFAULT_LANGUAGE = "zh"
DISPLAY_TZ = ZoneInfo("Asia/Shanghai")  # dates shown to staff are China Standard Time
LANGUAGES = {"zh": "中文", "en": "English"}

BASE_MESSAGES: dict[str, dict[str, str]] = {
    "zh": {
        "app.name": "私域",
        "nav.dashboard": "概览",
        "nav.leads": "线索",
        "nav.channels": "渠道",
        "nav.faq": "问答",
        "nav.content": "内容与推送",
        "nav.surveys": "问卷",
        "nav.settings": "设置",
        "section.empty": "此模块尚未启用。",
        "login.title": "登录",
        "login.username": "用户名",
        "login.password": "密码",
        "login.submit": "登录",
        "login.failed": "用户名或密码错误。",
        "login.throttled": "失败次数过多，请 {minutes} 分钟后再试。",
        "logout": "退出登录",
        "error.forbidden": "你没有权限执行此操作。",
        "error.csrf": "表单已失效，请刷新页面后重试。",
        "error.not_found": "找不到该页面。",
        "dashboard.new_today": "今日新增线索",
        "dashboard.events_chart": "近 {days} 天行为事件",
        "dashboard.no_leads_today": "今天还没有新线索。",
        "leads.search": "搜索姓名、公司、标签或渠道",
        "leads.filter": "筛选",
        "leads.export": "导出 CSV",
        "leads.all_statuses": "全部状态",
        "leads.all_channels": "全部渠道",
        "leads.all_owners": "全部负责人",
        "leads.created_from": "创建于",
        "leads.created_to": "至",
        "leads.tag": "标签",
        "leads.total": "共 {total} 条",
        "leads.none": "没有符合条件的线索。",
        "leads.prev": "上一页",
        "leads.next": "下一页",
        "lead.id": "编号",
        "lead.consent_at": "同意时间",
        "lead.name": "姓名",
        "lead.company": "公司",
        "lead.status": "阶段",
        "lead.tags": "标签",
        "lead.channel": "渠道",
        "lead.first_channel": "首次来源渠道",
        "lead.last_channel": "最近来源渠道",
        "lead.owner": "负责人",
        "lead.created_at": "创建时间",
        "lead.identities": "平台身份",
        "lead.consent": "个人信息授权",
        "lead.consent_given": "已同意（{version}，{at}）",
        "lead.consent_missing": "未同意",
        "lead.timeline": "行为时间线",
        "lead.timeline_empty": "暂无行为记录。",
        "lead.older": "更早的行为",
        "lead.newer": "较新的行为",
        "lead.save_tags": "保存标签",
        "lead.tags_hint": "以逗号分隔",
        "lead.saved": "已保存。",
        "lead.unnamed": "（未命名）",
        "status.active": "新线索",
        "status.mql": "市场认可线索",
        "status.sql": "销售认可线索",
        "status.customer": "客户",
        "status.nurture": "培育中",
        "status.lost": "已流失",
        "direction.inbound": "客户",
        "direction.outbound": "我方",
        "timeline.details": "原始记录",
        "identity.external_userid": "企业微信客户 ID",
        "identity.openid": "公众号 openid",
        "identity.unionid": "unionid",
        "event.contact.added": "添加了企业微信",
        "event.contact.edited": "员工编辑了客户资料",
        "event.contact.deleted": "被员工删除",
        "event.contact.follow_user_deleted": "删除了员工",
        "event.contact.transfer_failed": "客户接替失败",
        "event.contact": "客户联系变更",
        "event.group.created": "客户群已创建",
        "event.group.dismissed": "客户群已解散",
        "event.group.updated": "客户群有变更",
        "event.group": "客户群事件",
        "event.message.text": "发来消息",
        "event.message.media": "发来图片或文件",
        "event.message": "发来消息",
        "event.kf.event": "微信客服事件",
        "event.kf.notify": "微信客服有新消息",
        "event.account.event": "公众号事件",
        "event.tag.changed": "标签变更",
        "event.event": "平台事件",
        "event.unknown": "未识别的事件",
        "event.app.message": "收到应用消息",
        "event.kf.message": "微信客服回复",
        "event.welcome.message": "收到欢迎语",
        "event.mass.message": "收到群发消息",
        "event.account.message": "收到公众号客服消息",
        "event.reply.message": "自动回复",
        "timeline.contact.added": "扫描“{channel}”的二维码，添加了企业微信",
        "timeline.message.text": "“{text}”",
        "timeline.welcome.message": "“{text}”",
        "timeline.kf.message": "“{text}”",
        "timeline.reply.message": "“{text}”",
        "timeline.app.message": "“{text}”",
        "timeline.account.message": "“{text}”",
        "timeline.mass.message": "“{text}”",
        "settings.users": "员工账号",
        "settings.tokens": "API 令牌",
        "settings.audit": "操作日志",
        "settings.api_docs": "API 文档",
        "user.username": "用户名",
        "user.role": "角色",
        "user.wecom_userid": "企业微信账号",
        "user.last_login": "最近登录",
        "token.name": "名称",
        "token.prefix": "前缀",
        "token.revoked": "已撤销",
        "audit.actor": "操作人",
        "audit.action": "操作",
        "audit.target": "对象",
        "audit.before": "修改前",
        "audit.after": "修改后",
        "audit.at": "时间",
        "role.admin": "管理员",
        "role.marketer": "市场",
        "role.support": "客服",
        "role.sales": "销售",
        "refused.username": "用户名为 1–64 位小写字母、数字或 . _ - @。",
        "refused.user_exists": "员工账号 {name} 已存在。",
        "refused.wecom_taken": "企业微信账号 {userid} 已绑定其他员工。",
        "refused.last_admin": "不能降级或停用最后一个管理员。",
        "refused.password_short": "密码至少 {length} 位。",
        "refused.password_spaces": "密码首尾不能是空格。",
        "refused.token_name": "令牌名称为 1–64 位，以字母、数字或汉字开头。",
        "refused.tags": "最多 {count} 个标签，每个不超过 {length} 个字。",
        "refused.field_length": "姓名或公司名称过长（最多 {length} 个字）。",
        "refused.unknown_owner": "没有企业微信成员 {userid}。",
        "form.save": "保存",
        "lead.edit": "编辑线索",
        "user.active": "启用",
        "user.add": "添加员工",
        "token.create": "创建令牌",
        "token.created": "新令牌（只显示这一次，请立即复制保存）",
        "token.shown_once": "令牌只以哈希形式保存，关闭此页后无法再次查看。",
        "token.last_used": "最近使用",
        "token.revoke": "撤销",
    },
    "en": {
        "app.name": "Siyu",
        "nav.dashboard": "Dashboard",
        "nav.leads": "Leads",
        "nav.channels": "Channels",
        "nav.faq": "FAQ",
        "nav.content": "Content & pushes",
        "nav.surveys": "Surveys",
        "nav.settings": "Settings",
        "section.empty": "This section is not enabled yet.",
        "login.title": "Sign in",
        "login.username": "Username",
        "login.password": "Password",
        "login.submit": "Sign in",
        "login.failed": "Wrong username or password.",
        "login.throttled": "Too many failed attempts; try again in {minutes} minutes.",
        "logout": "Sign out",
        "error.forbidden": "You are not allowed to do this.",
        "error.csrf": "This form has expired; reload the page and try again.",
        "error.not_found": "Page not found.",
        "dashboard.new_today": "New leads today",
        "dashboard.events_chart": "Behaviour events, last {days} days",
        "dashboard.no_leads_today": "No new leads yet today.",
        "leads.search": "Search name, company, tag or channel",
        "leads.filter": "Filter",
        "leads.export": "Export CSV",
        "leads.all_statuses": "All stages",
        "leads.all_channels": "All channels",
        "leads.all_owners": "All owners",
        "leads.created_from": "Created from",
        "leads.created_to": "to",
        "leads.tag": "Tag",
        "leads.total": "{total} leads",
        "leads.none": "No leads match.",
        "leads.prev": "Previous",
        "leads.next": "Next",
        "lead.id": "ID",
        "lead.consent_at": "Consent given at",
        "lead.name": "Name",
        "lead.company": "Company",
        "lead.status": "Stage",
        "lead.tags": "Tags",
        "lead.channel": "Channel",
        "lead.first_channel": "First channel",
        "lead.last_channel": "Latest channel",
        "lead.owner": "Owner",
        "lead.created_at": "Created",
        "lead.identities": "Platform identities",
        "lead.consent": "Personal information consent",
        "lead.consent_given": "Given ({version}, {at})",
        "lead.consent_missing": "Not given",
        "lead.timeline": "Behaviour timeline",
        "lead.timeline_empty": "No behaviour recorded yet.",
        "lead.older": "Older",
        "lead.newer": "Newer",
        "lead.save_tags": "Save tags",
        "lead.tags_hint": "comma-separated",
        "lead.saved": "Saved.",
        "lead.unnamed": "(no name)",
        "status.active": "New",
        "status.mql": "MQL",
        "status.sql": "SQL",
        "status.customer": "Customer",
        "status.nurture": "Nurturing",
        "status.lost": "Lost",
        "direction.inbound": "Customer",
        "direction.outbound": "Us",
        "timeline.details": "Raw record",
        "identity.external_userid": "WeCom customer ID",
        "identity.openid": "Official-account openid",
        "identity.unionid": "unionid",
        "event.contact.added": "Added us on WeCom",
        "event.contact.edited": "Contact edited in WeCom",
        "event.contact.deleted": "Removed by the member",
        "event.contact.follow_user_deleted": "Removed the member",
        "event.contact.transfer_failed": "Hand-over to another member failed",
        "event.contact": "Contact change",
        "event.group.created": "Customer group created",
        "event.group.dismissed": "Customer group dismissed",
        "event.group.updated": "Customer group changed",
        "event.group": "Customer group event",
        "event.message.text": "Sent a message",
        "event.message.media": "Sent an image or file",
        "event.message": "Sent a message",
        "event.kf.event": "Customer-service event",
        "event.kf.notify": "New customer-service messages",
        "event.account.event": "Official-account event",
        "event.tag.changed": "Tags changed",
        "event.event": "Platform event",
        "event.unknown": "Unrecognised event",
        "event.app.message": "Got an app message",
        "event.kf.message": "Customer-service reply",
        "event.welcome.message": "Got the welcome message",
        "event.mass.message": "Got a mass message",
        "event.account.message": "Got an official-account message",
        "event.reply.message": "Automatic reply",
        "timeline.contact.added": "Scanned the “{channel}” QR code and added us on WeCom",
        "timeline.message.text": "“{text}”",
        "timeline.welcome.message": "“{text}”",
        "timeline.kf.message": "“{text}”",
        "timeline.reply.message": "“{text}”",
        "timeline.app.message": "“{text}”",
        "timeline.account.message": "“{text}”",
        "timeline.mass.message": "“{text}”",
        "settings.users": "Staff users",
        "settings.tokens": "API tokens",
        "settings.audit": "Audit log",
        "settings.api_docs": "API docs",
        "user.username": "Username",
        "user.role": "Role",
        "user.wecom_userid": "WeCom account",
        "user.last_login": "Last sign-in",
        "token.name": "Name",
        "token.prefix": "Prefix",
        "token.revoked": "Revoked",
        "audit.actor": "Who",
        "audit.action": "Action",
        "audit.target": "Target",
        "audit.before": "Before",
        "audit.after": "After",
        "audit.at": "When",
        "role.admin": "Admin",
        "role.marketer": "Marketer",
        "role.support": "Support",
        "role.sales": "Sales",
        "refused.username": "A username is 1-64 lower-case letters, digits or . _ - @.",
        "refused.user_exists": "A staff user named {name} already exists.",
        "refused.wecom_taken": "WeCom account {userid} belongs to another staff user.",
        "refused.last_admin": "The last admin cannot be demoted or disabled.",
        "refused.password_short": "The password needs at least {length} characters.",
        "refused.password_spaces": "The password must not start or end with spaces.",
        "refused.token_name": "A token name is 1-64 characters starting with a letter, digit or Chinese character.",
        "refused.tags": "At most {count} tags of at most {length} characters.",
        "refused.field_length": "{field} must have at most {length} characters.",
        "refused.unknown_owner": "There is no WeCom member {userid}.",
        "form.save": "Save",
        "lead.edit": "Edit lead",
        "user.active": "Active",
        "user.add": "Add staff user",
        "token.create": "Create token",
        "token.created": "New token (shown only this once: copy it now)",
        "token.shown_once": "Tokens are stored hashed; once you leave this page it cannot be shown again.",
        "token.last_used": "Last used",
        "token.revoke": "Revoke",
    },
}


class Refusal(ValueError):
    """A refused request. ``str()`` is the English message (logs, API, command line); a
    page shows ``msgid`` translated, when given."""

    def __init__(self, message: str, *, msgid: str = "", **values: object) -> None:
        super().__init__(message)
        self.msgid = msgid
        self.values = values


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


class Catalogue:
    """Messages per language. A missing translation falls back to Chinese, then to the id."""

    def __init__(self) -> None:
        self._messages: dict[str, dict[str, str]] = {lang: dict(msgs) for lang, msgs in BASE_MESSAGES.items()}
        self.misses: set[tuple[str, str]] = set()  # (language, id) looked up without a message: shown raw or in Chinese

    def add(self, messages: Mapping[str, Mapping[str, str]]) -> None:
        """Add a feature's messages, ``{"zh": {...}, "en": {...}}``."""
        for lang, msgs in messages.items():
            if lang not in LANGUAGES:
                raise ValueError(f"unknown language {lang!r}")
            self._messages[lang].update(msgs)

    def translate(self, lang: str, msgid: str, **values: object) -> str:
        if msgid not in self._messages.get(lang, {}):
            self.misses.add((lang, msgid))
        text = self._messages.get(lang, {}).get(msgid) or self._messages[DEFAULT_LANGUAGE].get(msgid) or msgid
        return text.format(**values) if values else text

    def sentence(self, lang: str, msgid: str, values: Mapping[str, object]) -> str | None:
        """``msgid`` filled from ``values`` (a value it lacks is left empty), or None when no
        language has ``msgid``: for optional texts such as a timeline row's sentence."""
        text = self._messages.get(lang, {}).get(msgid) or self._messages[DEFAULT_LANGUAGE].get(msgid)
        if text is None:
            return None
        if msgid not in self._messages.get(lang, {}):
            self.misses.add((lang, msgid))
        return text.format_map(_Blank(values))

    def refusal(self, lang: str, error: Exception) -> str:
        """The message of a refused request in ``lang`` (English text without a msgid)."""
        msgid = getattr(error, "msgid", "")
        return self.translate(lang, msgid, **error.values) if msgid else str(error)

    def missing(self, lang: str) -> set[str]:
        """Message ids present in Chinese but not in ``lang``."""
        return set(self._messages[DEFAULT_LANGUAGE]) - set(self._messages[lang])


def pick_language(*candidates: str | None) -> str:
    """The first supported language among the candidates (query, cookie, user), else Chinese."""
    for value in candidates:
        if value and value[:2].lower() in LANGUAGES:
            return value[:2].lower()
    return DEFAULT_LANGUAGE
