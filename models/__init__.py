"""Tortoise models, filed by owner. Knows no feature, page or platform API: only the data.

leads (with the behaviour log), onboarding, faq, wecom (the platform's own records),
access (console sign-in and audit), kernel (the chat kernel's guard and dialogs)."""
from models.access import ApiToken, AuditEntry, LoginAttempt, StaffSession, StaffUser
from models.behaviour import BehaviourEvent
from models.content import TemplateFailure
from models.faq import FaqEntryRecord, FaqGroupSetting, FaqHit, FaqSettings, FaqSuggestion
from models.kernel import DialogState, ProcessedCallback
from models.leads import CrmAccount, CrmContact, Lead, LeadIdentity, LeadProfile, LeadTag
from models.onboarding import (
    Channel, ChannelSettings, ChannelTouch, ConsentRecord, CorpTagRecord, CustomerGroup, GroupJoinWay,
    GroupMembership,
)
from models.wecom import ArchiveCursor, KfConversation, KfCursor, WeComMember

__all__ = [
    "ApiToken",
    "ArchiveCursor",
    "AuditEntry",
    "BehaviourEvent",
    "Channel",
    "ChannelSettings",
    "ChannelTouch",
    "ConsentRecord",
    "CorpTagRecord",
    "CrmAccount",
    "CrmContact",
    "CustomerGroup",
    "DialogState",
    "FaqEntryRecord",
    "FaqGroupSetting",
    "FaqHit",
    "FaqSettings",
    "FaqSuggestion",
    "GroupJoinWay",
    "GroupMembership",
    "KfConversation",
    "KfCursor",
    "Lead",
    "LeadIdentity",
    "LeadProfile",
    "LeadTag",
    "LoginAttempt",
    "TemplateFailure",
    "ProcessedCallback",
    "StaffSession",
    "StaffUser",
    "WeComMember",
]
