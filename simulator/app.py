"""HTTP face of the simulator: the fake APIs under ``/wecom/cgi-bin/...`` and
``/wechat/cgi-bin/...`` (HTTP 200 with errcode, as the real hosts answer), and the actor
and inspection endpoints under ``/sim/...`` for the browser demo."""
from __future__ import annotations

import dataclasses
import json
from typing import Any, Awaitable, Callable

from aiohttp import web

from bot.clock import Clock

from .simulator import ActorResult, CallbackUrls, Simulator

SIMULATOR_KEY = web.AppKey("simulator", Simulator)
ActorHandler = Callable[[Simulator, dict[str, Any]], Awaitable[Any]]


async def _api(request: web.Request) -> web.StreamResponse:
    sim = request.app[SIMULATOR_KEY]
    body = await request.read() if request.method == "POST" else None
    api = f"{request.match_info['platform']}/{request.match_info['path'].strip('/')}"
    sim.wire.record(request.method, api, request.query, body)
    scripted = await sim.wire.scripted(api)
    if scripted is not None:
        return scripted
    answer = sim.api.call(request.match_info["platform"], request.match_info["path"], request.method,
                          request.query, body)
    return web.json_response(answer, dumps=_dumps)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, ActorResult):
        return {"callback": _jsonable(value.callback), **value.info}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return value._asdict()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _actor(handler: ActorHandler) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def endpoint(request: web.Request) -> web.Response:
        try:
            data = await request.json() if request.can_read_body else {}
        except ValueError:
            return web.json_response({"error": "the body must be JSON"}, status=400)
        if not isinstance(data, dict):
            return web.json_response({"error": "the body must be a JSON object"}, status=400)
        try:
            result = await handler(request.app[SIMULATOR_KEY], data)
        except (KeyError, ValueError, TypeError) as exc:
            message = exc.args[0] if exc.args else type(exc).__name__
            return web.json_response({"error": str(message)}, status=400)
        return web.json_response(_jsonable(result), dumps=_dumps)
    return endpoint


async def _sync(value: Any) -> Any:
    return value


def _need(data: dict[str, Any], name: str) -> Any:
    if data.get(name) in (None, ""):
        raise ValueError(f"{name} is required")
    return data[name]


ACTORS: dict[str, ActorHandler] = {
    "scan_contact_way": lambda s, d: s.scan_contact_way(
        _need(d, "config_id"), d.get("external_userid"), d.get("name", "微信用户"), d.get("unionid", ""),
        bool(d.get("half", False))),
    "staff_edits_customer": lambda s, d: s.staff_edits_customer(
        _need(d, "userid"), _need(d, "external_userid"), d.get("remark")),
    "customer_deletes_staff": lambda s, d: s.customer_deletes_staff(_need(d, "external_userid"), _need(d, "userid")),
    "staff_deletes_customer": lambda s, d: s.staff_deletes_customer(_need(d, "userid"), _need(d, "external_userid")),
    "join_group": lambda s, d: s.join_group(
        _need(d, "external_userid"), d.get("chat_id"), d.get("join_way"), d.get("name", "微信用户")),
    "leave_group": lambda s, d: s.leave_group(_need(d, "external_userid"), _need(d, "chat_id")),
    "group_text": lambda s, d: _sync(s.group_text(_need(d, "chat_id"), _need(d, "sender"), _need(d, "text"))),
    "confirm_group_message": lambda s, d: _sync(s.confirm_group_message(_need(d, "msgid"), _need(d, "userid"))),
    "kf_text": lambda s, d: s.kf_customer_text(_need(d, "open_kfid"), d.get("external_userid"), _need(d, "text")),
    "kf_enter": lambda s, d: s.kf_customer_enters(
        _need(d, "open_kfid"), d.get("external_userid"), d.get("scene", ""), d.get("scene_param", "")),
    "kf_servicer_text": lambda s, d: s.kf_servicer_text(
        _need(d, "open_kfid"), _need(d, "servicer_userid"), _need(d, "external_userid"), _need(d, "text")),
    "staff_app_text": lambda s, d: s.staff_app_text(_need(d, "userid"), _need(d, "text")),
    "staff_bot_text": lambda s, d: s.staff_bot_text(_need(d, "userid"), _need(d, "text"), d.get("chat_id", "")),
    "wechat_follow": lambda s, d: s.wechat_follow(_need(d, "openid"), d.get("scene", "")),
    "wechat_unfollow": lambda s, d: s.wechat_unfollow(_need(d, "openid")),
    "wechat_text": lambda s, d: s.wechat_text(_need(d, "openid"), _need(d, "text")),
    "staff_opens_bot_chat": lambda s, d: s.staff_opens_bot_chat(_need(d, "userid")),
    "verify_urls": lambda s, d: s.verify_urls(),
}


async def _received(request: web.Request) -> web.Response:
    user = request.query.get("user", "")
    if not user:
        return web.json_response({"error": "?user= is required"}, status=400)
    return web.json_response(request.app[SIMULATOR_KEY].received(user), dumps=_dumps)


async def _outbox(request: web.Request) -> web.Response:
    sim = request.app[SIMULATOR_KEY]
    return web.json_response({"outbox": _jsonable(sim.state.outbox), "rejected": _jsonable(sim.api.rejected)},
                             dumps=_dumps)


async def _callbacks(request: web.Request) -> web.Response:
    sim = request.app[SIMULATOR_KEY]
    return web.json_response([{"mode": mode, "plain": plain, "result": _jsonable(result)}
                              for mode, plain, result in sim.callbacks], dumps=_dumps)


async def _archive(request: web.Request) -> web.Response:
    return web.json_response(_jsonable(request.app[SIMULATOR_KEY].state.archive), dumps=_dumps)


async def _directory(request: web.Request) -> web.Response:
    state = request.app[SIMULATOR_KEY].state
    return web.json_response({
        "staff": [dataclasses.asdict(s) for s in state.staff.values()],
        "customers": [dataclasses.asdict(c) for c in state.customers.values()],
        "contact_ways": [dataclasses.asdict(w) for w in state.contact_ways.values()],
        "join_ways": [dataclasses.asdict(w) for w in state.join_ways.values()],
        "groups": [{"chat_id": g.chat_id, "name": g.name, "owner": g.owner, "members": list(g.members)}
                   for g in state.groups.values()],
        "kf_accounts": [{"open_kfid": a.open_kfid, "name": a.name} for a in state.kf_accounts.values()],
        "followers": [dataclasses.asdict(f) for f in state.followers.values()],
    }, dumps=_dumps)


@web.middleware
async def _learn_public_url(request: web.Request, handler):
    """The first request tells the simulator where it is reached (for response_url)."""
    sim = request.app[SIMULATOR_KEY]
    if not sim.public_url:
        sim.public_url = str(request.url.origin())
    return await handler(request)


def create_simulator_app(simulator: Simulator) -> web.Application:
    """The aiohttp application serving one simulator."""
    app = web.Application(middlewares=[_learn_public_url])
    app[SIMULATOR_KEY] = simulator
    app.router.add_route("*", "/{platform:wecom|wechat}/cgi-bin/{path:.+}", _api)
    app.router.add_get("/sim/received", _received)
    app.router.add_get("/sim/outbox", _outbox)
    app.router.add_get("/sim/archive", _archive)
    app.router.add_get("/sim/callbacks", _callbacks)
    app.router.add_get("/sim/directory", _directory)
    for name, handler in ACTORS.items():
        app.router.add_post(f"/sim/{name}", _actor(handler))
    return app


def seed_demo(simulator: Simulator) -> None:
    """A small corp to play with: two staff members, a kf account and a customer group."""
    simulator.add_staff("zhangsan", "张三")
    simulator.add_staff("lisi", "李四")
    simulator.add_kf_account("wkSimulatorKf0001", "售前咨询", servicers=["zhangsan"])
    simulator.add_group("wrSimulatorGroup0001", "客户交流群", "zhangsan")


def run_simulator(host: str, port: int, bot_base_url: str) -> None:
    """Serve a seeded simulator until interrupted, posting callbacks to ``bot_base_url``."""
    simulator = Simulator(Clock(), CallbackUrls.under(bot_base_url))
    simulator.public_url = f"http://{host}:{port}"
    seed_demo(simulator)
    web.run_app(create_simulator_app(simulator), host=host, port=port)
