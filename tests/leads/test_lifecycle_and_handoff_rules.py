"""The lifecycle's moves, MQL assignment, SLA deadlines in working time, funnels and ROI."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from leads.assignment import AssignmentRules, LeadFacts, Rep, assign
from leads.funnel import LEAD_FUNNEL, ChannelFigures, channel_roi, funnel, sla_kept_share
from leads.lifecycle import StageChange, StageError, check_move, reached, time_in_stages
from leads.sla import add_working_hours

CN = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 12, 1, 9, tzinfo=CN)


def test_leads_move_forward_back_to_nurture_and_never_skip_to_sql():
    check_move("new", "engaged")
    check_move("mql", "sql")
    check_move("mql", "recycled")
    check_move("recycled", "mql")  # qualifies again months later
    check_move("sql", "customer")  # a won deal
    with pytest.raises(StageError, match="cannot move to 'sql'"):
        check_move("new", "sql")
    with pytest.raises(StageError, match="unknown stage"):
        check_move("new", "vip")


def test_a_customer_has_reached_every_funnel_stage_before_it():
    assert reached("customer", []) >= {"new", "engaged", "mql", "sql", "opportunity", "customer"}
    assert "mql" in reached("recycled", [StageChange("engaged", "mql", T0), StageChange("mql", "recycled", T0)])


def test_time_in_each_stage_comes_from_the_history():
    history = [StageChange("new", "engaged", T0 + timedelta(days=1)), StageChange("engaged", "mql", T0 + timedelta(days=4))]
    spent = time_in_stages(T0, history, T0 + timedelta(days=5))
    assert spent == {"new": timedelta(days=1), "engaged": timedelta(days=3), "mql": timedelta(days=1)}


REPS = (
    Rep("wang", regions=frozenset({"华东"}), capacity=2, open_mqls=1),
    Rep("li", industries=frozenset({"汽车"}), capacity=2),
    Rep("zhao", capacity=2, open_mqls=2),  # full
)


def test_the_existing_account_owner_gets_the_lead_first():
    result = assign(LeadFacts(region="华东", account_owner="li"), AssignmentRules(reps=REPS))
    assert (result.rep.userid, result.reason) == ("li", "老客户的客户负责人")


def test_then_region_then_industry_then_round_robin_among_reps_with_room():
    rules = AssignmentRules(reps=REPS)
    assert assign(LeadFacts(region="华东"), rules).rep.userid == "wang"
    assert assign(LeadFacts(industry="汽车"), rules).rep.userid == "li"
    first = assign(LeadFacts(), rules, turn=0)
    second = assign(LeadFacts(), rules, turn=first.next_turn)
    assert {first.rep.userid, second.rep.userid} == {"wang", "li"}  # zhao is full
    full = AssignmentRules(reps=(Rep("zhao", capacity=1, open_mqls=1),))
    assert assign(LeadFacts(), full).rep is None


class Hours:
    opens, closes = time(9), time(18)
    zone = CN

    def is_workday(self, day: date) -> bool:
        return day.weekday() < 5


def test_an_sla_counts_working_hours_only():
    friday_evening = datetime(2026, 12, 4, 17, tzinfo=CN)
    due = add_working_hours(friday_evening, 24, Hours())
    assert due == datetime(2026, 12, 9, 14, tzinfo=CN)  # 1 h Fri, 9 h Mon, 9 h Tue, 5 h Wed
    assert add_working_hours(friday_evening, 24, None) == friday_evening + timedelta(hours=24)


def test_funnel_conversions_and_channel_roi():
    steps = funnel(LEAD_FUNNEL, {"lead": 200, "mql": 50, "sql": 20, "opportunity": 0})
    assert [(s.stage, s.from_previous) for s in steps] == [("lead", None), ("mql", 0.25), ("sql", 0.4), ("opportunity", 0.0)]
    expo, web = channel_roi([
        ChannelFigures("web", cost=0, leads=10),
        ChannelFigures("expo", cost=50000, leads=100, mqls=20, deals=2, revenue=400000, days_to_mql=(3, 5, 30)),
    ])
    assert (expo.cost_per_lead, expo.cost_per_mql, expo.roi, expo.median_days_to_mql) == (500, 2500, 8, 5)
    assert web.roi is None and web.cost_per_lead == 0
    assert sla_kept_share([True, True, False, True]) == 0.75 and sla_kept_share([]) is None
