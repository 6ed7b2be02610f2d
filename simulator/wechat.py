"""WeChat official account APIs: customer-service messages and parametric QR codes.

Doc facts (客服消息 rules table): what the follower last did sets how many custom messages
may follow and for how long: sending a message 5 within 48 hours; following, scanning a QR
code or clicking a menu 3 within 1 minute. Outside the window (or after unfollowing) →
45015 "response out of time limit or subscription is canceled"; over the count → 45047
"out of response count limit". qrcode/create: QR_SCENE/QR_STR_SCENE are temporary (expire_seconds default 60, at
most 2592000), QR_LIMIT_SCENE/QR_LIMIT_STR_SCENE permanent; scene_str 1-64 characters,
scene_id 1-100000 for permanent codes. user/info (获取用户基本信息(UnionID机制)): subscribe 0 gives
only openid (and unionid); unionid only when the account is bound to an open-platform account;
40003 "invalid openid" for an openid the account does not know.
"""
from __future__ import annotations

from typing import Any

from . import errcodes as E
from .calls import ApiCall, required_str, text_content
from .errcodes import PlatformError, ok
from .state import Follower, PlatformState, QrScene

ALLOWANCES = {"message": (5, 48 * 3600), "subscribe": (3, 60), "scan": (3, 60), "click": (3, 60)}
TEXT_MAX_BYTES = 2048
QR_ACTIONS = ("QR_SCENE", "QR_STR_SCENE", "QR_LIMIT_SCENE", "QR_LIMIT_STR_SCENE")
QR_DEFAULT_EXPIRE = 60
QR_MAX_EXPIRE = 2_592_000
SCENE_STR_MAX = 64
SCENE_ID_MAX_PERMANENT = 100_000


def custom_send(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    follower = state.followers.get(required_str(call, "touser", E.INVALID_USERID))
    if follower is None:
        raise PlatformError(E.INVALID_USERID, "invalid openid")
    msgtype = call.get("msgtype")
    if msgtype not in ("text", "image", "voice", "video", "music", "news", "mpnews", "msgmenu", "wxcard",
                       "miniprogrampage", "mpnewsarticle"):
        raise PlatformError(E.INVALID_MSGTYPE)
    content = text_content(call, TEXT_MAX_BYTES) if msgtype == "text" else f"[{msgtype}]"
    last = follower.last_interaction
    if not follower.subscribed or last is None or state.clock.time() - last > follower.window:
        raise PlatformError(E.WECHAT_RESPONSE_OUT_OF_TIME)
    if follower.custom_sent_since_interaction >= follower.allowance:
        raise PlatformError(E.WECHAT_RESPONSE_COUNT_LIMIT)
    follower.custom_sent_since_interaction += 1
    state.deliver(follower.openid, "custom", content, call.api)
    return ok()


def interact(state: PlatformState, follower: Follower, kind: str) -> None:
    """The follower did something (message, subscribe, scan, click): it resets the allowance."""
    follower.allowance, follower.window = ALLOWANCES[kind]
    follower.last_interaction = state.clock.time()
    follower.custom_sent_since_interaction = 0


def _scene(call: ApiCall, action: str) -> str:
    scene = ((call.get("action_info") or {}).get("scene") or {})
    if action.endswith("STR_SCENE"):
        value = scene.get("scene_str")
        if not isinstance(value, str) or not 1 <= len(value) <= SCENE_STR_MAX:
            raise PlatformError(E.WECHAT_INVALID_ARGS, "scene_str must be 1-64 characters")
        return value
    value = scene.get("scene_id")
    top = SCENE_ID_MAX_PERMANENT if action == "QR_LIMIT_SCENE" else 2**32 - 1
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= top:
        raise PlatformError(E.WECHAT_INVALID_ARGS, "invalid scene_id")
    return str(value)


def qrcode_create(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    action = call.get("action_name")
    if action not in QR_ACTIONS:
        raise PlatformError(E.WECHAT_INVALID_ARGS, "invalid action_name")
    scene = _scene(call, action)
    ticket = state.ids.next("gQ")
    temporary = "LIMIT" not in action
    expire = min(int(call.get("expire_seconds") or QR_DEFAULT_EXPIRE), QR_MAX_EXPIRE) if temporary else None
    qr = QrScene(ticket, action, scene, state.clock.time() + expire if expire else None,
                 f"http://weixin.qq.com/q/{ticket}")
    state.qr_scenes[ticket] = qr
    out = ok(ticket=ticket, url=qr.url)
    out.pop("errcode"), out.pop("errmsg")
    if expire:
        out["expire_seconds"] = expire
    return out


def user_info(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    follower = state.followers.get(call.get("openid") or "")
    if follower is None:
        raise PlatformError(E.INVALID_USERID, "invalid openid")
    out: dict[str, Any] = {"subscribe": int(follower.subscribed), "openid": follower.openid}
    if follower.subscribed:
        out.update(language=call.get("lang", "zh_CN"), remark="", groupid=0, tagid_list=[])
    if follower.unionid:
        out["unionid"] = follower.unionid
    return out
