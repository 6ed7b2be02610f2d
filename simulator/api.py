"""The fake API surface: routes ``/cgi-bin/...`` paths to the rule modules after the
gates (injected faults, access token, scope, rate limit). Answers are JSON dicts exactly as
the platform returns them; every accepted call lands in the outbox, every refused one in
``rejected``."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Mapping, NamedTuple

from bot.clock import Clock

from . import errcodes as E
from . import kf, msgaudit, wechat, wecom_app, wecom_contact, wecom_groups, wecom_mass_send
from .calls import ApiCall
from .credentials import SimulatorCredentials
from .errcodes import PlatformError, ok
from .gates import FaultSchedule, RateLimits, TokenIssuer
from .state import PlatformState

APP, CONTACT, ARCHIVE, WECHAT = "wecom:app", "wecom:contact", "wecom:archive", "wechat"
CUSTOMER_CONTACT = (APP, CONTACT)  # 客户联系 APIs take the contact secret or an app configured for it


@dataclass(frozen=True)
class Route:
    method: str
    handler: Callable[..., dict[str, Any]]
    scopes: tuple[str, ...]


class Rejected(NamedTuple):
    api: str
    payload: dict[str, Any]
    time: float
    errcode: int


def _routes(api: "PlatformApi") -> dict[str, Route]:
    c, g = wecom_contact, wecom_groups
    post = lambda fn, scopes=CUSTOMER_CONTACT: Route("POST", fn, scopes)  # noqa: E731
    return {
        "wecom/message/send": Route(
            "POST", lambda s, call: wecom_app.message_send(s, call, api.credentials.agent_id), (APP,)),
        "wecom/message/update_template_card": Route(
            "POST", lambda s, call: wecom_app.update_template_card(s, call, api.credentials.agent_id), (APP,)),
        "wecom/externalcontact/add_contact_way": post(c.add_contact_way),
        "wecom/externalcontact/get_contact_way": post(c.get_contact_way),
        "wecom/externalcontact/update_contact_way": post(c.update_contact_way),
        "wecom/externalcontact/del_contact_way": post(c.del_contact_way),
        "wecom/externalcontact/send_welcome_msg": post(c.send_welcome_msg),
        "wecom/externalcontact/get": Route("GET", c.get_external_contact, CUSTOMER_CONTACT),
        "wecom/user/get": Route("GET", wecom_app.user_get, CUSTOMER_CONTACT),
        "wecom/externalcontact/get_corp_tag_list": post(c.get_corp_tag_list),
        "wecom/externalcontact/add_corp_tag": post(c.add_corp_tag),
        "wecom/externalcontact/mark_tag": post(c.mark_tag),
        "wecom/externalcontact/add_msg_template": post(g.add_msg_template),
        "wecom/externalcontact/get_groupmsg_task": post(g.get_groupmsg_task),
        "wecom/externalcontact/get_groupmsg_send_result": post(g.get_groupmsg_send_result),
        "wecom/externalcontact/get_groupmsg_list_v2": post(wecom_mass_send.get_groupmsg_list_v2),
        "wecom/externalcontact/remind_groupmsg_send": post(wecom_mass_send.remind_groupmsg_send),
        "wecom/externalcontact/cancel_groupmsg_send": post(wecom_mass_send.cancel_groupmsg_send),
        "wecom/externalcontact/groupchat/list": post(g.groupchat_list),
        "wecom/externalcontact/groupchat/get": post(g.groupchat_get),
        "wecom/externalcontact/groupchat/add_join_way": post(g.add_join_way),
        "wecom/externalcontact/groupchat/get_join_way": post(g.get_join_way),
        "wecom/externalcontact/groupchat/update_join_way": post(g.update_join_way),
        "wecom/externalcontact/groupchat/del_join_way": post(g.del_join_way),
        "wecom/externalcontact/group_welcome_template/add": post(g.group_welcome_template_add),
        "wecom/msgaudit/check_single_agree": post(msgaudit.check_single_agree, (ARCHIVE,)),
        "wecom/msgaudit/check_room_agree": post(msgaudit.check_room_agree, (ARCHIVE,)),
        "wecom/kf/sync_msg": Route("POST", lambda s, call: kf.sync_msg(s, call, api.rate_limits), (APP,)),
        "wecom/kf/send_msg": Route("POST", kf.send_msg, (APP,)),
        "wecom/kf/send_msg_on_event": Route("POST", kf.send_msg_on_event, (APP,)),
        "wecom/kf/service_state/get": Route("POST", kf.service_state_get, (APP,)),
        "wecom/kf/service_state/trans": Route("POST", kf.service_state_trans, (APP,)),
        "wechat/message/custom/send": Route("POST", wechat.custom_send, (WECHAT,)),
        "wechat/qrcode/create": Route("POST", wechat.qrcode_create, (WECHAT,)),
        "wechat/user/info": Route("GET", wechat.user_info, (WECHAT,)),
    }


class PlatformApi:
    """Answers API calls against one PlatformState."""

    def __init__(self, state: PlatformState, credentials: SimulatorCredentials, clock: Clock) -> None:
        self.state = state
        self.credentials = credentials
        self.tokens = TokenIssuer(clock)
        self.rate_limits = RateLimits(clock)
        self.rate_limits.set_limit(kf.NO_TOKEN_API, 2, 60)
        self.faults = FaultSchedule()
        self.rejected: list[Rejected] = []
        self._clock = clock
        self._routes = _routes(self)

    def call(self, platform: str, path: str, method: str, query: Mapping[str, str],
             body: bytes | dict[str, Any] | None = None) -> dict[str, Any]:
        """One request to ``/{platform}/cgi-bin/{path}``; returns the JSON answer."""
        api = f"{platform}/{path.strip('/')}"
        payload: dict[str, Any] = {}
        try:
            self.faults.check(api)
            if api in ("wecom/gettoken", "wechat/token"):
                return self._token(platform, method, query)
            if api == "wecom/aibot/response":
                payload = _json_body(body) if method == "POST" else {}
                result = wecom_app.aibot_response(self.state, ApiCall(api, payload, query))
                self.state.record(api, payload)
                return result
            route = self._routes.get(api)
            if route is None:
                raise PlatformError(E.API_NOT_FOUND, f"no api {path}")
            if route.method != method:
                raise PlatformError(E.REQUIRE_GET if route.method == "GET" else E.REQUIRE_POST)
            scope = self.tokens.check(query.get("access_token"), platform)
            if scope not in route.scopes:
                raise PlatformError(E.NO_API_PERMISSION, f"{scope} may not call {path}")
            self.rate_limits.check(api)
            payload = _json_body(body) if method == "POST" else {k: v for k, v in query.items() if k != "access_token"}
            result = route.handler(self.state, ApiCall(api, payload, query, scope))
        except PlatformError as exc:
            self.rejected.append(Rejected(api, payload, self._clock.time(), exc.code))
            return exc.body()
        self.state.record(api, payload)
        return result

    def _token(self, platform: str, method: str, query: Mapping[str, str]) -> dict[str, Any]:
        if method != "GET":
            raise PlatformError(E.REQUIRE_GET)
        creds = self.credentials
        if platform == "wecom":
            corpid, secret = query.get("corpid", ""), query.get("corpsecret", "")
            if not corpid:
                raise PlatformError(E.MISSING_CORPID)
            if corpid != creds.corp_id:
                raise PlatformError(E.INVALID_CORPID)
            if not secret:
                raise PlatformError(E.MISSING_SECRET)
            scopes = {creds.app_secret: APP, creds.contact_secret: CONTACT, creds.archive_secret: ARCHIVE}
            if secret not in scopes:
                raise PlatformError(E.INVALID_SECRET)
            token = self.tokens.issue(scopes[secret])
            return ok(access_token=token.value, expires_in=self.tokens.ttl)
        if query.get("grant_type") != "client_credential":
            raise PlatformError(E.INVALID_GRANT_TYPE)
        if not query.get("appid"):
            raise PlatformError(E.MISSING_CORPID, "appid missing")
        if query.get("appid") != creds.wechat_app_id:
            raise PlatformError(E.INVALID_CORPID, "invalid appid")
        if not query.get("secret"):
            raise PlatformError(E.MISSING_SECRET, "appsecret missing")
        if query.get("secret") != creds.wechat_secret:
            raise PlatformError(E.INVALID_SECRET)
        token = self.tokens.issue(WECHAT)
        return {"access_token": token.value, "expires_in": self.tokens.ttl}


def _json_body(body: bytes | dict[str, Any] | None) -> dict[str, Any]:
    if isinstance(body, dict):
        return dict(body)
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise PlatformError(E.DATA_FORMAT_ERROR, "body is not JSON") from None
    if not isinstance(data, dict):
        raise PlatformError(E.DATA_FORMAT_ERROR, "body must be a JSON object")
    return data
