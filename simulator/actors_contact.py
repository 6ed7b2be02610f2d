"""What customers and staff do in 客户联系 and customer groups, and the callbacks it causes."""
from __future__ import annotations

from . import payloads, wecom_groups
from .core import ActorResult, SimulatorCore
from .state import ArchivedGroupMessage, CustomerGroup, GroupMember, Relation, WelcomeCode
from .wecom_groups import GROUP_MEMBER_LIMIT


class ContactActors(SimulatorCore):
    """Customers adding and removing staff, joining and leaving groups and talking in them;
    staff confirming mass-send tasks."""

    async def scan_contact_way(self, config_id: str, external_userid: str | None = None,
                               name: str = "微信用户", unionid: str = "", half: bool = False) -> ActorResult:
        """A customer scans a 联系我 QR code: the relation exists and the app gets
        add_external_contact with State and a fresh WelcomeCode (add_half_external_contact
        with ``half``: added without verification, the staff member has not confirmed yet)."""
        way = self.state.contact_ways.get(config_id)
        if way is None:
            raise KeyError(f"no contact way {config_id!r}")
        if not way.user:
            raise ValueError(f"contact way {config_id!r} has no staff user")
        customer = self.add_customer(external_userid, name, unionid)
        ext, userid = customer.external_userid, way.user[0]
        if (userid, ext) in self.state.relations:
            raise ValueError(f"{ext!r} is already a contact of {userid!r}")
        self.state.relations[(userid, ext)] = Relation(userid, ext, self.now(), way.state)
        code = WelcomeCode(self.state.ids.next("wc"), userid, ext, self.clock.time())
        self.state.welcome_codes[code.code] = code
        change = "add_half_external_contact" if half else "add_external_contact"
        plain = payloads.contact_event(self.credentials.corp_id, self.now(), change, userid, ext,
                                       State=way.state, WelcomeCode=code.code)
        result = await self._post(self.app_channel, plain)
        return ActorResult(result, {"external_userid": ext, "userid": userid, "welcome_code": code.code,
                                    "state": way.state})

    async def customer_deletes_staff(self, external_userid: str, userid: str) -> ActorResult:
        """The customer removes the staff member: del_follow_user."""
        self._drop_relation(userid, external_userid)
        plain = payloads.contact_event(self.credentials.corp_id, self.now(), "del_follow_user", userid,
                                       external_userid)
        return ActorResult(await self._post(self.app_channel, plain))

    async def staff_deletes_customer(self, userid: str, external_userid: str, by_transfer: bool = False) -> ActorResult:
        """The staff member removes the customer: del_external_contact (Source
        DELETE_BY_TRANSFER when the removal came from an on-the-job transfer)."""
        self._drop_relation(userid, external_userid)
        plain = payloads.contact_event(self.credentials.corp_id, self.now(), "del_external_contact", userid,
                                       external_userid, Source="DELETE_BY_TRANSFER" if by_transfer else "")
        return ActorResult(await self._post(self.app_channel, plain))

    async def staff_edits_customer(self, userid: str, external_userid: str, remark: str | None = None) -> ActorResult:
        """The staff member edits the customer's remark (or anything on the customer's
        profile page): edit_external_contact."""
        relation = self.state.relations.get((userid, external_userid))
        if relation is None:
            raise KeyError(f"{userid!r} and {external_userid!r} have no relation")
        if remark is not None:
            relation.remark = remark
        plain = payloads.contact_event(self.credentials.corp_id, self.now(), "edit_external_contact", userid,
                                       external_userid)
        return ActorResult(await self._post(self.app_channel, plain))

    def _drop_relation(self, userid: str, external_userid: str) -> None:
        if self.state.relations.pop((userid, external_userid), None) is None:
            raise KeyError(f"{userid!r} and {external_userid!r} have no relation")

    def confirm_group_message(self, msgid: str, userid: str) -> list[str]:
        """The sender confirms an add_msg_template task in the client; returns who received it."""
        return wecom_groups.confirm(self.state, msgid, userid)

    # --- customer groups ----------------------------------------------------------------

    async def join_group(self, external_userid: str, chat_id: str | None = None, join_way: str | None = None,
                         name: str = "微信用户", join_scene: int = 3) -> ActorResult:
        """A customer joins a group (through a join way's QR code: its first chat with room,
        and its State). The app gets change_external_chat update add_member."""
        state_value = ""
        if join_way:
            way = self.state.join_ways.get(join_way)
            if way is None:
                raise KeyError(f"no join way {join_way!r}")
            state_value = way.state
            open_chats = [c for c in way.chat_id_list if len(self.state.groups[c].members) < GROUP_MEMBER_LIMIT]
            if not open_chats:
                raise ValueError("every group of this join way is full (500 members)")
            chat_id = open_chats[0]
        group = self._group(chat_id)
        if len(group.members) >= GROUP_MEMBER_LIMIT:
            raise ValueError(f"group {chat_id!r} is full (500 members)")
        customer = self.add_customer(external_userid, name)
        if customer.external_userid in group.members:
            raise ValueError(f"{customer.external_userid!r} is already in {group.chat_id!r}")
        last = group.member_version
        group.members[customer.external_userid] = GroupMember(
            customer.external_userid, 2, self.now(), join_scene, name=customer.name, unionid=customer.unionid,
            state=state_value)
        group.version += 1
        plain = payloads.chat_update_event(self.credentials.corp_id, self.now(), group.chat_id, "add_member",
                                           [customer.external_userid], last, group.member_version,
                                           join_scene=join_scene, state=state_value)
        return ActorResult(await self._post(self.app_channel, plain), {"chat_id": group.chat_id})

    async def leave_group(self, external_userid: str, chat_id: str, quit_scene: int = 0) -> ActorResult:
        """A customer leaves (quit_scene 0) or is removed (1): update del_member."""
        group = self._group(chat_id)
        if group.members.pop(external_userid, None) is None:
            raise KeyError(f"{external_userid!r} is not in {chat_id!r}")
        last = group.member_version
        group.version += 1
        plain = payloads.chat_update_event(self.credentials.corp_id, self.now(), chat_id, "del_member",
                                           [external_userid], last, group.member_version, quit_scene=quit_scene)
        return ActorResult(await self._post(self.app_channel, plain))

    def group_text(self, chat_id: str, sender: str, text: str) -> ArchivedGroupMessage:
        """A message in a customer group: no callback, only the chat-archive record."""
        group = self._group(chat_id)
        if sender not in group.members:
            raise KeyError(f"{sender!r} is not in {chat_id!r}")
        message = ArchivedGroupMessage(len(self.state.archive) + 1, self.state.ids.next("arc"), chat_id, sender,
                                       "text", text, int(self.clock.time() * 1000))
        self.state.archive.append(message)
        return message

    def _group(self, chat_id: str | None) -> CustomerGroup:
        group = self.state.groups.get(chat_id or "")
        if group is None:
            raise KeyError(f"no customer group {chat_id!r}")
        return group

