"""Tortoise models. Knows no feature, page or platform API: only the data."""
from models.behaviour import BehaviourEvent
from models.faq import FaqEntryRecord, FaqHit
from models.faq_review import ArchiveCursor, FaqGroupSetting, FaqSettings, FaqSuggestion
from models.leads import Channel, CustomerGroup, Lead, LeadIdentity, LeadTag, Staff
from models.onboarding import (
    ChannelSettings, ChannelTouch, ConsentRecord, CorpTagRecord, CrmAccount, CrmContact, GroupJoinWay,
    GroupMembership, LeadProfile,
)
from models.pipeline import DialogState, KfConversation, KfCursor, ProcessedCallback
from models.staff import ApiToken, AuditEntry, LoginAttempt, StaffSession, StaffUser
from models.surveys import Survey, SurveyLeadUpdate, SurveyResponse, SurveyWave

__all__ = [
    "ArchiveCursor",
    "FaqGroupSetting",
    "FaqSettings",
    "FaqSuggestion",
    "ApiToken",
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
    "Survey",
    "SurveyLeadUpdate",
    "SurveyResponse",
    "SurveyWave",
]
