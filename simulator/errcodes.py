"""Return codes the fake platform answers with, from the official global return-code lists
(WeCom 全局错误码 document/path/90313, WeChat 全局返回码) and the API pages that name their
own codes. One place, so a code can be corrected once."""
from __future__ import annotations

SYSTEM_BUSY = -1
OK = 0
INVALID_SECRET = 40001  # WeCom "不合法的secret参数"; WeChat "invalid credential"
INVALID_GRANT_TYPE = 40002
INVALID_USERID = 40003  # WeChat: invalid openid
INVALID_MSGTYPE = 40008
INVALID_CORPID = 40013  # WeChat: invalid appid
INVALID_ACCESS_TOKEN = 40014
INVALID_USERID_LIST_SIZE = 40032
INVALID_PARAMETER = 40035
CHAT_NOT_FOUND = 40050  # chatid不存在
INVALID_AGENTID = 40056
PARAMETER_OUT_OF_RANGE = 40058  # 不合法的参数: values beyond a documented limit (state > 30 chars...)
EMPTY_PARAMETER = 40063
INVALID_TAG = 40068
TAG_NAME_EXISTS = 40071
INVALID_EXTERNAL_USERID = 40096
CORP_TAG_LIMIT = 40126  # 企业标签个数达到上限 (3000)
WECHAT_INVALID_ARGS = 40097
MISSING_ACCESS_TOKEN = 41001
MISSING_CORPID = 41002  # WeChat: appid missing
MISSING_SECRET = 41004
MISSING_CONTACT_WAY_TYPE = 41037
MISSING_CONTACT_WAY_SCENE = 41038
INVALID_CONTACT_WAY_TYPE = 41039
INVALID_CONTACT_WAY_SCENE = 41040
CONTACT_WAY_TOO_MANY_USERS = 41041  # 「联系我」使用人数超过限制 (100)
MISSING_CONFIG_ID = 41043
INVALID_CONFIG_ID = 41044
MISSING_MSGID = 41046
INVALID_MSGID = 41047
NO_CUSTOMER_TO_SEND = 41048  # 无可发送的客户
MISSING_WELCOME_CODE = 41049
INVALID_WELCOME_CODE = 41050  # unknown, or older than 20 s
WELCOME_NOT_ALLOWED = 41051  # "externaluser has started chatting": the welcome went out already
GROUP_WELCOME_TEMPLATE_LIMIT = 41055
INVALID_CURSOR = 50100  # 分页查询的游标无效
ACCESS_TOKEN_EXPIRED = 42001
EMPTY_TEXT = 44004
CONTENT_TOO_LONG = 45002
FREQ_OUT_OF_LIMIT = 45009
WECHAT_RESPONSE_OUT_OF_TIME = 45015  # custom message outside 48 h, or unsubscribed
WECHAT_RESPONSE_COUNT_LIMIT = 45047
REQUIRE_GET = 43001
REQUIRE_POST = 43002
DATA_FORMAT_ERROR = 47001
API_NOT_FOUND = 48001  # api unauthorized / no such api
NO_API_PERMISSION = 48002
NO_VALID_RECIPIENT = 81013  # UserID、部门ID、标签ID全部非法或无权限
USERID_NOT_FOUND = 60111  # UserID不存在 (读取成员 user/get)
RELATION_NOT_FOUND = 84061  # 不存在外部联系人的关系
KF_INVALID_OPEN_KFID = 95000
KF_SEND_LIMIT = 95001  # at most 5 messages per customer message
KF_SEND_TIME_LIMIT = 95002  # only within 48 hours of the customer's message
KF_OPEN_KFID_NOT_FOUND = 95004
KF_INVALID_MSG_TOKEN = 95007
KF_SERVICER_INVALID = 95014
KF_STATE_TRANSITION = 95016
KF_SESSION_STATUS_INVALID = 95018  # "send msg session status invalid"

MESSAGES = {
    SYSTEM_BUSY: "system busy",
    OK: "ok",
    INVALID_SECRET: "invalid credential",
    INVALID_GRANT_TYPE: "invalid grant_type",
    INVALID_USERID: "invalid userid",
    INVALID_MSGTYPE: "invalid message type",
    INVALID_CORPID: "invalid corpid",
    INVALID_ACCESS_TOKEN: "invalid access_token",
    INVALID_USERID_LIST_SIZE: "invalid userid list size",
    INVALID_PARAMETER: "invalid parameter",
    CHAT_NOT_FOUND: "chatid not found",
    INVALID_AGENTID: "invalid agentid",
    PARAMETER_OUT_OF_RANGE: "invalid parameter",
    EMPTY_PARAMETER: "parameter is empty",
    INVALID_TAG: "invalid tagid",
    TAG_NAME_EXISTS: "invalid tagname: already exists",
    INVALID_EXTERNAL_USERID: "invalid external userid",
    CORP_TAG_LIMIT: "corp tag count exceeds the limit",
    WECHAT_INVALID_ARGS: "invalid args",
    MISSING_ACCESS_TOKEN: "access_token missing",
    MISSING_CORPID: "corpid missing",
    MISSING_SECRET: "secret missing",
    MISSING_CONTACT_WAY_TYPE: "missing contact way type",
    MISSING_CONTACT_WAY_SCENE: "missing contact way scene",
    INVALID_CONTACT_WAY_TYPE: "invalid contact way type",
    INVALID_CONTACT_WAY_SCENE: "invalid contact way scene",
    CONTACT_WAY_TOO_MANY_USERS: "contact way user count exceeds the limit",
    MISSING_CONFIG_ID: "missing config_id",
    INVALID_CONFIG_ID: "invalid config_id",
    MISSING_MSGID: "missing msgid",
    INVALID_MSGID: "invalid msgid",
    NO_CUSTOMER_TO_SEND: "no customer to send to",
    MISSING_WELCOME_CODE: "missing welcome_code",
    INVALID_WELCOME_CODE: "invalid welcome_code",
    WELCOME_NOT_ALLOWED: "externaluser has started chatting",
    GROUP_WELCOME_TEMPLATE_LIMIT: "group welcome template count exceeds the limit",
    INVALID_CURSOR: "invalid cursor",
    ACCESS_TOKEN_EXPIRED: "access_token expired",
    EMPTY_TEXT: "empty content",
    CONTENT_TOO_LONG: "content size out of limit",
    FREQ_OUT_OF_LIMIT: "api freq out of limit",
    WECHAT_RESPONSE_OUT_OF_TIME: "response out of time limit or subscription is canceled",
    WECHAT_RESPONSE_COUNT_LIMIT: "out of response count limit",
    NO_API_PERMISSION: "api forbidden",
    NO_VALID_RECIPIENT: "all touser, toparty and totag invalid",
    REQUIRE_GET: "require GET method",
    REQUIRE_POST: "require POST method",
    DATA_FORMAT_ERROR: "data format error",
    API_NOT_FOUND: "api unauthorized",
    USERID_NOT_FOUND: "userid not found",
    RELATION_NOT_FOUND: "external contact relation not found",
    KF_INVALID_OPEN_KFID: "invalid open_kfid",
    KF_SEND_LIMIT: "send msg count out of limit",
    KF_SEND_TIME_LIMIT: "send msg time out of limit",
    KF_OPEN_KFID_NOT_FOUND: "open_kfid not found",
    KF_INVALID_MSG_TOKEN: "invalid msg token",
    KF_SERVICER_INVALID: "invalid servicer",
    KF_STATE_TRANSITION: "service state transition not allowed",
    KF_SESSION_STATUS_INVALID: "send msg session status invalid",
}


class PlatformError(Exception):
    """A platform rule refused the call; becomes ``{"errcode": code, "errmsg": ...}``."""

    def __init__(self, code: int, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {self.errmsg}")

    @property
    def errmsg(self) -> str:
        base = MESSAGES.get(self.code, "error")
        return f"{base}, hint: [{self.detail}]" if self.detail else base

    def body(self) -> dict:
        return {"errcode": self.code, "errmsg": self.errmsg}


def ok(**fields) -> dict:
    """A successful answer."""
    return {"errcode": OK, "errmsg": "ok", **fields}
