"""Sequences (SOP): timed steps after an event, for each lead it happens to.

    name: 展会新客培育
    start: {channel: expo2026-a12}      # or {group: <chat_id>} or {opened: <content slug>}
    stop_on: [reply, mql, unsubscribe]  # the default: any of them stops the sequence
    quiet_hours: "21:00-08:00"
    steps:
      - day: 0
        text: "{{ name or '您' }}好，展会资料请查收：{{ link }}"
        content: pp-whitepaper-2026
      - day: 3
        text: 案例：某新能源车企如何把漏液率降到 0.05%。

A started lead gets step n on day ``day`` after the start, through the same outbox and
dispatcher as campaigns (the sequence's carrier campaign, rotation = step), under the same caps.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import yaml
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import (
    BehaviourEvent, Campaign, ContentItem, LeadAttributes, LeadProfile, PushDelivery, Sequence, SequenceEnrollment,
)

from .campaign_file import CampaignFileError, check_template_fields
from .planning import CHUNK, Message, delivery_row, history_of, lead_recipients, tracked_links
from .schedule import QuietHours, ScheduleError, month_start, over_caps

STARTS = {"channel": ("contact.added", "state"), "group": ("group.joined", "chat_id"),
          "opened": ("content.opened", "item")}
STOPS = ("reply", "mql", "unsubscribe")
KEYS = ("name", "start", "stop_on", "quiet_hours", "steps")
STEP_KEYS = ("day", "text", "content")


def load_sequence(source: str) -> dict[str, Any]:
    """A validated sequence file as stored; CampaignFileError lists every problem."""
    try:
        raw = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        raise CampaignFileError([f"not valid YAML: {exc}"]) from None
    if not isinstance(raw, dict):
        raise CampaignFileError(["a sequence file is a mapping with name, start and steps"])
    problems = [f"unknown key `{k}`; known keys: {', '.join(KEYS)}" for k in raw if k not in KEYS]
    if not isinstance(raw.get("name"), str) or not raw["name"].strip():
        problems.append("name: required")
    start = raw.get("start")
    if not isinstance(start, dict) or len(start) != 1 or next(iter(start)) not in STARTS or not next(iter(start.values())):
        problems.append(f"start: one of {', '.join(f'{{{k}: ...}}' for k in STARTS)}")
    stop_on = raw.get("stop_on", list(STOPS))
    if not isinstance(stop_on, list) or not set(stop_on) <= set(STOPS):
        problems.append(f"stop_on: a list of {', '.join(STOPS)}")
    try:
        QuietHours.parse(raw.get("quiet_hours"))
    except ScheduleError as exc:
        problems.append(str(exc))
    steps = raw.get("steps")
    if not isinstance(steps, list) or not steps:
        problems.append("steps: a non-empty list of {day, text, content}")
        steps = []
    days = []
    for n, step in enumerate(steps):
        if not isinstance(step, dict):
            problems.append(f"steps[{n}]: a mapping")
            continue
        problems += [f"steps[{n}]: unknown key `{k}`" for k in step if k not in STEP_KEYS]
        day = step.get("day")
        if not isinstance(day, int) or isinstance(day, bool) or day < 0:
            problems.append(f"steps[{n}].day: a whole number of days >= 0")
        days.append(day)
        if not step.get("text") and not step.get("content"):
            problems.append(f"steps[{n}]: needs text or content")
        if step.get("text"):
            step_problems: list[str] = []
            check_template_fields(str(step["text"]), bool(step.get("content")), step_problems)
            problems += [p.replace("message.text", f"steps[{n}].text") for p in step_problems]
    if days and all(isinstance(d, int) for d in days) and days != sorted(days):
        problems.append("steps: days must not go backwards")
    if problems:
        raise CampaignFileError(problems)
    return {"name": raw["name"].strip(), "start": start, "stop_on": stop_on, "quiet_hours": raw.get("quiet_hours"),
            "steps": [{"day": s["day"], "text": s.get("text") or "", "content": s.get("content") or ""} for s in steps]}


async def create_sequence(source: str) -> Sequence:
    """Validate a sequence file (the content it names too) and create it, active."""
    spec = load_sequence(source)
    slugs = {s["content"] for s in spec["steps"] if s["content"]}
    if "opened" in spec["start"]:
        slugs.add(spec["start"]["opened"])
    known = set(await ContentItem.filter(slug__in=slugs).values_list("slug", flat=True))
    problems = [f"no content item {slug!r}" for slug in sorted(slugs - known)]
    if await Sequence.exists(name=spec["name"]):
        problems.append(f"name: a sequence {spec['name']!r} exists")
    if problems:
        raise CampaignFileError(problems)
    async with in_transaction():
        carrier = await Campaign.create(name=f"SOP: {spec['name']}", state="running", chat_type="single",
                                        spec={"sequence": True, **spec}, next_run_at=None)
        latest = await BehaviourEvent.all().order_by("-id").limit(1).values_list("id", flat=True)
        return await Sequence.create(name=spec["name"], spec=spec, campaign=carrier, cursor=latest[0] if latest else 0)


async def advance_sequences(now: datetime, base_url: str) -> int:
    """Start leads whose event happened, stop those a reply, an MQL or an unsubscribe stops,
    and plan the steps that are due. The number of rows planned."""
    planned = 0
    for sequence in await Sequence.filter(state="active").select_related("campaign"):
        await _start(sequence, now)
        await _stop(sequence)
        planned += await _plan_due_steps(sequence, now, base_url)
    return planned


async def _start(sequence: Sequence, now: datetime) -> None:
    (key, value), = sequence.spec["start"].items()
    kind, field = STARTS[key]
    events = await BehaviourEvent.filter(id__gt=sequence.cursor, kind=kind, lead_id__isnull=False) \
        .order_by("id").limit(10_000).values_list("id", "lead_id", "payload", "occurred_at")
    if not events:
        return
    for _id, lead_id, payload, at in events:
        if (payload or {}).get(field) == value:
            await SequenceEnrollment.get_or_create(sequence=sequence, lead_id=lead_id, defaults={"started_at": at})
    sequence.cursor = events[-1][0]
    await sequence.save(update_fields=["cursor"])


async def _stop(sequence: Sequence) -> None:
    stop_on = set(sequence.spec.get("stop_on", STOPS))
    enrollments = await SequenceEnrollment.filter(sequence=sequence, state="active")
    leads = [e.lead_id for e in enrollments]
    stopped: dict[int, str] = {}
    if "unsubscribe" in stop_on:
        gone = await LeadProfile.filter(lead_id__in=leads).filter(
            Q(unsubscribed_at__isnull=False) | Q(erased_at__isnull=False)).values_list("lead_id", flat=True)
        stopped.update((lead_id, "unsubscribe") for lead_id in gone)
    if "mql" in stop_on:
        qualified = await LeadAttributes.filter(lead_id__in=leads, stage__in=("mql", "sql", "customer")) \
            .values_list("lead_id", flat=True)
        stopped.update((lead_id, "mql") for lead_id in qualified if lead_id not in stopped)
    for enrollment in enrollments:
        reason = stopped.get(enrollment.lead_id)
        if reason is None and "reply" in stop_on and await BehaviourEvent.exists(
                lead_id=enrollment.lead_id, direction="inbound", kind__startswith="message.",
                occurred_at__gt=enrollment.started_at):
            reason = "reply"
        if reason:
            enrollment.state, enrollment.reason = "stopped", reason
            await enrollment.save(update_fields=["state", "reason"])


async def _plan_due_steps(sequence: Sequence, now: datetime, base_url: str) -> int:
    steps = sequence.spec["steps"]
    quiet = QuietHours.parse(sequence.spec.get("quiet_hours"))
    planned = 0
    for step_index, step in enumerate(steps):
        due_before = now - timedelta(days=step["day"])
        enrollments = await SequenceEnrollment.filter(sequence=sequence, state="active", next_step=step_index,
                                                      started_at__lte=due_before).limit(CHUNK)
        if not enrollments:
            continue
        item = await ContentItem.get_or_none(slug=step["content"]) if step["content"] else None
        async with in_transaction():
            recipients = await lead_recipients([e.lead_id for e in enrollments], "")
            links = await tracked_links(item, sequence.campaign, recipients, now) if item else {}
            history = await history_of(sequence.campaign_id, step_index, [r.recipient for r in recipients],
                                       month_start(now))
            message = Message(step["text"], [], item)
            not_before = quiet.next_allowed(now) if quiet else now
            rows = [delivery_row(sequence.campaign_id, step_index, r, message, links.get(r.recipient, ""),
                                 over_caps(history.get(r.recipient, ()), now, None), now, not_before, base_url)
                    for r in recipients]
            await PushDelivery.bulk_create(rows, batch_size=CHUNK, ignore_conflicts=True)
            last = step_index + 1 == len(steps)
            await SequenceEnrollment.filter(id__in=[e.id for e in enrollments]).update(
                next_step=step_index + 1, state="done" if last else "active")
        planned += len(rows)
    return planned
