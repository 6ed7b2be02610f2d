"""A small FAQ of an industrial-materials supplier, shared by the FAQ tests."""
from __future__ import annotations

import pytest

from faq import FaqEntry, FaqIndex, KeywordRule

ENTRIES = (
    FaqEntry(
        id="ship-lead-time", category="service_delivery", question="下单后多久发货？",
        variants=("付款后几天能发货", "现货什么时候发出", "发货周期多久"), keywords=("发货周期",),
        answer="现货付款后 1–2 个工作日发货。",
    ),
    FaqEntry(
        id="transit-time", category="service_delivery", question="发货后几天能到？",
        variants=("到货要多久", "运输时效", "物流路上要几天"), keywords=("时效",),
        answer="江浙沪次日达，其他地区 2–5 天。",
    ),
    FaqEntry(
        id="holiday", category="service_delivery", question="节假日发货吗？",
        variants=("国庆期间发货吗", "周末能发货吗", "放假期间停发吗"), keywords=("节假日",),
        answer="周日及法定节假日停发。",
    ),
    FaqEntry(
        id="moq", category="product", question="最小起订量是多少？",
        variants=("起订量", "最少买多少", "MOQ多少"), keywords=("起订量", "moq"),
        answer="现货 1 件起订。",
    ),
    FaqEntry(
        id="invoice", category="customer_service", question="怎么开发票？",
        variants=("能开专票吗", "开票要什么信息"), keywords=("发票", "开票"),
        answer="在订单详情申请开票。",
    ),
    FaqEntry(
        id="sample", category="product", question="可以申请样品吗？",
        variants=("能寄样品吗", "怎么拿样"), keywords=("样品",), answer="标准样品免费。",
    ),
    FaqEntry(
        id="temperature", category="product", question="材料耐多少度高温？",
        variants=("耐温范围是多少", "能用在150度的环境吗"), keywords=("耐温",),
        answer="PTFE 可长期在 260℃ 使用。",
    ),
    FaqEntry(
        id="human-agent", category="customer_service", question="转人工客服", variants=("我要人工",),
        rules=(KeywordRule("contains", "转人工", priority=10),), answer="正在为您转接人工客服。",
    ),
    FaqEntry(
        id="unsubscribe", category="other", question="怎么退订消息推送？", variants=("取消订阅",),
        rules=(KeywordRule("exact", "退订", priority=20), KeywordRule("regex", r"^(不要|别)再?(给我)?发", 5)),
        scope="single", answer="已为您退订。",
    ),
    FaqEntry(
        id="retired", question="旧的促销活动还有吗？", answer="活动已结束。", active=False,
    ),
)


@pytest.fixture
def entries() -> tuple[FaqEntry, ...]:
    return ENTRIES


@pytest.fixture
def index() -> FaqIndex:
    return FaqIndex.build(ENTRIES)
