"""A chat-archive source over the simulator's customer-group messages (``group_text``), with
per-customer archiving consent, for tests and the demo."""
from __future__ import annotations

from typing import Sequence

from bot.platforms.wecom.archive import ArchivedMessage

from .simulator import Simulator
from .state import ArchiveConsent


class SimulatorArchive:
    """Implements bot.platforms.wecom.archive.ArchiveSource. Customers agree by default; ``set_agreement``
    records another answer (``Disagree``) in the platform state, where the msgaudit consent
    APIs read it too."""

    name = "simulator"

    def __init__(self, sim: Simulator, default_status: str | None = None) -> None:
        self.sim = sim
        if default_status is not None:
            sim.state.archive_default_consent = default_status
        self.consent_checks = 0

    def set_agreement(self, external_userid: str, status: str) -> None:
        self.sim.state.archive_consents[external_userid] = ArchiveConsent(status, self.sim.state.now())

    def _status(self, external_userid: str) -> str:
        return self.sim.state.archive_consent(external_userid).status

    async def pull(self, since_seq: int, limit: int) -> Sequence[ArchivedMessage]:
        staff = self.sim.state.staff
        return [
            ArchivedMessage(
                seq=m.seq, msg_id=m.msgid, sender=m.sender, msg_type=m.msgtype, content=m.content,
                msg_time_ms=m.msgtime, room_id=m.chat_id, sender_is_customer=m.sender not in staff,
            )
            for m in self.sim.state.archive if m.seq > since_seq
        ][:limit]

    async def check_room_agree(self, room_id: str) -> dict[str, str]:
        self.consent_checks += 1
        group = self.sim.state.groups.get(room_id)
        members = group.members if group else {}
        return {ext: self._status(ext) for ext in members if ext not in self.sim.state.staff}

    async def check_single_agree(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        self.consent_checks += 1
        return {pair: self._status(pair[1]) for pair in pairs}
