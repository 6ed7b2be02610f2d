"""Tortoise models. Knows no feature, page or platform API: only the data."""
from models.behaviour import BehaviourEvent
from models.faq import FaqEntryRecord, FaqHit
from models.leads import Channel, CustomerGroup, Lead, LeadIdentity, LeadTag, Staff
from models.pipeline import DialogState, KfConversation, KfCursor, ProcessedCallback
from models.staff import ApiToken, AuditEntry, LoginAttempt, StaffSession, StaffUser

__all__ = [
    "ApiToken",
    "AuditEntry",
    "BehaviourEvent",
    "Channel",
    "CustomerGroup",
    "DialogState",
    "FaqEntryRecord",
    "FaqHit",
    "KfConversation",
    "KfCursor",
    "Lead",
    "LeadIdentity",
    "LeadTag",
    "LoginAttempt",
    "ProcessedCallback",
    "Staff",
    "StaffSession",
    "StaffUser",
]
