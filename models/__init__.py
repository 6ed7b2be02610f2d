"""Tortoise models. Knows no feature, page or platform API: only the data."""
from models.behaviour import BehaviourEvent
from models.content import ContentItem, LeadAttributes, TrackedLink
from models.faq import FaqEntryRecord, FaqHit
from models.faq_review import ArchiveCursor, FaqGroupSetting, FaqSettings, FaqSuggestion
from models.leads import Channel, CustomerGroup, Lead, LeadIdentity, LeadTag, Staff
from models.onboarding import (
    ChannelSettings, ChannelTouch, ConsentRecord, CorpTagRecord, CrmAccount, CrmContact, GroupJoinWay,
    GroupMembership, LeadProfile,
)
from models.pipeline import DialogState, KfConversation, KfCursor, ProcessedCallback
from models.pushes import Campaign, PushDelivery, PushTask, Segment, Sequence, SequenceEnrollment
from models.staff import ApiToken, AuditEntry, LoginAttempt, StaffSession, StaffUser

__all__ = [
    "ArchiveCursor",
    "FaqGroupSetting",
    "FaqSettings",
    "FaqSuggestion",
    "ApiToken",
    "AuditEntry",
    "BehaviourEvent",
    "Campaign",
    "ContentItem",
    "LeadAttributes",
    "PushDelivery",
    "PushTask",
    "Segment",
    "Sequence",
    "SequenceEnrollment",
    "TrackedLink",
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
    "FaqHit",
    "GroupJoinWay",
    "GroupMembership",
    "KfConversation",
    "KfCursor",
    "Lead",
    "LeadIdentity",
    "LeadProfile",
    "LeadTag",
    "LoginAttempt",
    "ProcessedCallback",
    "Staff",
    "StaffSession",
    "StaffUser",
]
