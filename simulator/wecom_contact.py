"""WeCom 客户联系 rules: contact ways, welcome messages, customers, corp tags.

Doc facts: contact way ``state`` and ``remark`` at most 30 characters; ``type`` 1 (single:
exactly one user) or 2 (multi, at most 100 users); ``scene`` 1 (mini program) or 2 (QR
code, returns qr_code); missing/invalid type 41037/41039, scene 41038/41040, config_id
41043/41044. send_welcome_msg only within 20 s of the add event (else 41050, 无效的欢迎语code)
and only once per WelcomeCode (then 41051); text at most 4000 bytes, at most 9 attachments.
Corp tag and tag group names at most 30 characters, at most 3000 tags per corp (40126);
mark_tag needs an existing relation (84061).
"""
from __future__ import annotations

from typing import Any

from . import errcodes as E
from .calls import ApiCall, optional_str, required_str, str_list, text_content
from .errcodes import PlatformError, ok
from .state import ContactWay, CorpTag, PlatformState, TagGroup

STATE_MAX = 30
REMARK_MAX = 30
WELCOME_WINDOW = 20
WELCOME_TEXT_MAX_BYTES = 4000
WELCOME_MAX_ATTACHMENTS = 9
TAG_NAME_MAX = 30
CONTACT_WAY_MAX_USERS = 100
CORP_TAG_MAX = 3000


def _choice(call: ApiCall, name: str, missing: int, invalid: int) -> int:
    value = call.get(name)
    if value is None:
        raise PlatformError(missing)
    if value not in (1, 2) or isinstance(value, bool):
        raise PlatformError(invalid)
    return value


def _check_way_users(state: PlatformState, kind: int, users: list[str], party: list) -> None:
    if kind == 1 and len(users) != 1:
        raise PlatformError(E.INVALID_PARAMETER, "a single contact way takes exactly one user")
    if kind == 2 and not (users or party):
        raise PlatformError(E.INVALID_PARAMETER, "a multi contact way needs user or party")
    if len(users) > CONTACT_WAY_MAX_USERS:
        raise PlatformError(E.CONTACT_WAY_TOO_MANY_USERS)
    for userid in users:
        if userid not in state.staff:
            raise PlatformError(E.INVALID_USERID, f"unknown userid {userid}")


def _contact_way(state: PlatformState, call: ApiCall) -> ContactWay:
    config_id = required_str(call, "config_id", E.MISSING_CONFIG_ID)
    way = state.contact_ways.get(config_id)
    if way is None:
        raise PlatformError(E.INVALID_CONFIG_ID)
    return way


def add_contact_way(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    kind = _choice(call, "type", E.MISSING_CONTACT_WAY_TYPE, E.INVALID_CONTACT_WAY_TYPE)
    scene = _choice(call, "scene", E.MISSING_CONTACT_WAY_SCENE, E.INVALID_CONTACT_WAY_SCENE)
    users = str_list(call, "user")
    party = call.get("party") or []
    _check_way_users(state, kind, users, party)
    way = ContactWay(
        config_id=state.ids.next("cw"),
        type=kind,
        scene=scene,
        user=users,
        party=list(party),
        state=optional_str(call, "state", STATE_MAX),
        remark=optional_str(call, "remark", REMARK_MAX),
        skip_verify=bool(call.get("skip_verify", True)),
        style=int(call.get("style") or 0),
    )
    if scene == 2:
        way.qr_code = f"https://wework.qq.com/simulator/contact_way/{way.config_id}"
    state.contact_ways[way.config_id] = way
    return ok(config_id=way.config_id, **({"qr_code": way.qr_code} if way.qr_code else {}))


def get_contact_way(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    way = _contact_way(state, call)
    return ok(contact_way={
        "config_id": way.config_id, "type": way.type, "scene": way.scene, "style": way.style,
        "remark": way.remark, "skip_verify": way.skip_verify, "state": way.state,
        "qr_code": way.qr_code, "user": list(way.user), "party": list(way.party),
    })


def update_contact_way(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    way = _contact_way(state, call)
    if "state" in call.body:
        way.state = optional_str(call, "state", STATE_MAX)
    if "remark" in call.body:
        way.remark = optional_str(call, "remark", REMARK_MAX)
    if "user" in call.body:
        users = str_list(call, "user")
        _check_way_users(state, way.type, users, way.party)
        way.user = users
    if "skip_verify" in call.body:
        way.skip_verify = bool(call.get("skip_verify"))
    if "style" in call.body:
        way.style = int(call.get("style") or 0)
    return ok()


def del_contact_way(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    way = _contact_way(state, call)
    del state.contact_ways[way.config_id]
    return ok()


def send_welcome_msg(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    code = state.welcome_codes.get(required_str(call, "welcome_code", E.MISSING_WELCOME_CODE))
    if code is None:
        raise PlatformError(E.INVALID_WELCOME_CODE)
    if code.used:
        raise PlatformError(E.WELCOME_NOT_ALLOWED)
    if state.clock.time() - code.issued_at > WELCOME_WINDOW:
        raise PlatformError(E.INVALID_WELCOME_CODE, "welcome_code expired: use it within 20 s")
    content = text_content(call, WELCOME_TEXT_MAX_BYTES, required=False)
    attachments = call.get("attachments") or []
    if not isinstance(attachments, list):
        raise PlatformError(E.INVALID_PARAMETER, "attachments must be a list")
    if len(attachments) > WELCOME_MAX_ATTACHMENTS:
        raise PlatformError(E.PARAMETER_OUT_OF_RANGE, "at most 9 attachments")
    if not content and not attachments:
        raise PlatformError(E.EMPTY_PARAMETER, "text or attachments required")
    code.used = True
    state.deliver(code.external_userid, "welcome", content or "[attachments]", call.api, attachments)
    return ok()


def get_external_contact(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    external_userid = call.query.get("external_userid", "")
    if not external_userid:
        raise PlatformError(E.EMPTY_PARAMETER, "external_userid is required")
    customer = state.customers.get(external_userid)
    if customer is None:
        raise PlatformError(E.INVALID_EXTERNAL_USERID)
    relations = state.relations_of(external_userid)
    if not relations:
        raise PlatformError(E.RELATION_NOT_FOUND)
    contact = {"external_userid": customer.external_userid, "name": customer.name, "type": customer.type,
               "avatar": customer.avatar, "gender": customer.gender}
    if customer.type == 2:  # corp and position are a WeCom user's; hidden ones are left out
        contact.update({k: v for k, v in (("corp_name", customer.corp_name),
                                          ("corp_full_name", customer.corp_full_name),
                                          ("position", customer.position)) if v})
    if customer.unionid:
        contact["unionid"] = customer.unionid
    return ok(external_contact=contact, follow_user=[_follow_user(state, r) for r in relations])


def _follow_user(state: PlatformState, relation) -> dict[str, Any]:
    tags = []
    for tag_id in relation.tags:
        tag = state.tag(tag_id)
        if tag:
            tags.append({"group_name": state.tag_groups[tag.group_id].group_name,
                         "tag_name": tag.name, "tag_id": tag.id, "type": 1})
    item = {"userid": relation.userid, "remark": relation.remark, "description": "",
            "createtime": relation.createtime, "tags": tags, "add_way": relation.add_way,
            "oper_userid": relation.external_userid}
    if relation.state:
        item["state"] = relation.state
    return item


def _tag_group_json(group: TagGroup, tags: list[CorpTag] | None = None) -> dict[str, Any]:
    return {"group_id": group.group_id, "group_name": group.group_name, "create_time": group.create_time,
            "order": group.order, "tag": [{"id": t.id, "name": t.name, "create_time": t.create_time,
                                            "order": t.order} for t in (group.tags if tags is None else tags)]}


def get_corp_tag_list(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    tag_ids = set(str_list(call, "tag_id"))
    group_ids = set(str_list(call, "group_id"))
    out = []
    for group in state.tag_groups.values():
        if group_ids and group.group_id not in group_ids:
            continue
        tags = [t for t in group.tags if not tag_ids or t.id in tag_ids]
        if tag_ids and not tags:
            continue
        out.append(_tag_group_json(group, tags))
    return ok(tag_group=out)


def add_corp_tag(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    group = _target_group(state, call)
    raw_tags = call.get("tag") or []
    if not isinstance(raw_tags, list) or not raw_tags:
        raise PlatformError(E.EMPTY_PARAMETER, "tag is required")
    names = [str((t or {}).get("name", "")) for t in raw_tags]
    existing = {t.name for t in group.tags}
    for name in names:
        if not name or len(name) > TAG_NAME_MAX:
            raise PlatformError(E.PARAMETER_OUT_OF_RANGE, "tag name must be 1-30 characters")
        if name in existing or names.count(name) > 1:
            raise PlatformError(E.TAG_NAME_EXISTS)
    if sum(len(g.tags) for g in state.tag_groups.values()) + len(names) > CORP_TAG_MAX:
        raise PlatformError(E.CORP_TAG_LIMIT)
    added = [CorpTag(state.ids.next("et"), name, group.group_id, state.now(), int((t or {}).get("order") or 0))
             for name, t in zip(names, raw_tags)]
    group.tags.extend(added)
    state.tag_groups[group.group_id] = group
    return ok(tag_group=_tag_group_json(group, added))


def _target_group(state: PlatformState, call: ApiCall) -> TagGroup:
    group_id = call.get("group_id")
    if group_id:
        if group_id not in state.tag_groups:
            raise PlatformError(E.INVALID_TAG, "group_id not found")
        return state.tag_groups[group_id]
    name = optional_str(call, "group_name", TAG_NAME_MAX)
    if not name:
        raise PlatformError(E.EMPTY_PARAMETER, "group_id or group_name is required")
    for group in state.tag_groups.values():
        if group.group_name == name:
            return group
    return TagGroup(state.ids.next("etg"), name, state.now(), int(call.get("order") or 0))


def mark_tag(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    userid = required_str(call, "userid")
    external_userid = required_str(call, "external_userid")
    add, remove = str_list(call, "add_tag"), str_list(call, "remove_tag")
    if not add and not remove:
        raise PlatformError(E.EMPTY_PARAMETER, "add_tag or remove_tag is required")
    relation = state.relations.get((userid, external_userid))
    if relation is None:
        raise PlatformError(E.RELATION_NOT_FOUND)
    for tag_id in add + remove:
        if state.tag(tag_id) is None:
            raise PlatformError(E.INVALID_TAG, f"unknown tag {tag_id}")
    relation.tags = [t for t in relation.tags if t not in remove]
    relation.tags += [t for t in add if t not in relation.tags]
    return ok()
