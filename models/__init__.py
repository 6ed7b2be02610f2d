"""Tortoise models. Knows no feature, page or platform API: only the data."""
from models.behaviour import BehaviourEvent
from models.faq import FaqEntryRecord, FaqHit
from models.leads import Channel, CustomerGroup, Lead, LeadIdentity, Staff
from models.pipeline import DialogState, KfConversation, KfCursor, ProcessedCallback

__all__ = [
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
    "ProcessedCallback",
    "Staff",
]
