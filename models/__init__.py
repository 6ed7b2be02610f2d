"""Tortoise models, filed by owner. Knows no feature, page or platform API: only the data.

leads (with the behaviour log), onboarding, faq, wecom (the platform's own records),
content (library, tracked links, template failures), pushes (campaigns, outbox,
sequences), sales (score, stage, hand-offs, deals), access (console sign-in and audit),
kernel (the chat kernel's guard and dialogs)."""
from models.access import ApiToken, AuditEntry, LoginAttempt, StaffSession, StaffUser
from models.behaviour import BehaviourEvent
from models.content import ContentItem, LeadAttributes, TemplateFailure, TrackedLink
from models.faq import FaqEmbedding, FaqEntryRecord, FaqGroupSetting, FaqHit, FaqSettings, FaqSuggestion
from models.kernel import DialogState, ProcessedCallback
from models.leads import CrmAccount, CrmContact, Lead, LeadIdentity, LeadProfile, LeadTag
from models.sales import Deal, Handoff, LeadScore, SalesRep, ScoringRuleSet, StageChange
from models.onboarding import (
    Channel, ChannelSettings, ChannelTouch, ConsentRecord, CorpTagRecord, CustomerGroup, GroupJoinWay,
    GroupMembership,
)
from models.pushes import Campaign, PushDelivery, PushTask, Segment, Sequence, SequenceEnrollment
from models.wecom import ArchiveCursor, KfConversation, KfCursor, WeComMember
from models.surveys import Survey, SurveyLeadUpdate, SurveyResponse, SurveyWave

__all__ = [
    "ApiToken",
    "ArchiveCursor",
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
    "FaqEmbedding",
    "FaqEntryRecord",
    "FaqGroupSetting",
    "FaqHit",
    "FaqSettings",
    "FaqSuggestion",
    "GroupJoinWay",
    "GroupMembership",
    "KfConversation",
    "KfCursor",
    "Deal",
    "Handoff",
    "Lead",
    "LeadScore",
    "LeadIdentity",
    "LeadProfile",
    "LeadTag",
    "LoginAttempt",
    "SalesRep",
    "ScoringRuleSet",
    "StageChange",
    "TemplateFailure",
    "ProcessedCallback",
    "StaffSession",
    "StaffUser",
    "Survey",
    "SurveyLeadUpdate",
    "SurveyResponse",
    "SurveyWave",
    "WeComMember",
]
