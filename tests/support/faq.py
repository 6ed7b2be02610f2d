"""A small FAQ for the chat tests, stored the way an import stores it."""
from faq import parse_faq_file
from handlers.faq.store import save_entries

FAQ_YAML = """
entries:
- id: ship-lead-time
  category: service_delivery
  question: 下单后多久发货？
  variants: [付款后几天能发货, 多久能出货]
  keywords: [发货周期]
  answer: "{% if customer_name %}{{ customer_name }}，{% endif %}现货订单付款后 1–2 个工作日发货。"
- id: freight
  category: service_delivery
  question: 运费怎么算？
  variants: [满多少包邮, 物流费多少钱]
  keywords: [运费, 包邮]
  rules: [{kind: contains, pattern: 包邮, priority: 5}]
  answer: 单笔满 3000 元包邮。
- id: invoice
  category: customer_service
  question: 可以开增值税专用发票吗？
  variants: [能开专票吗, 发票怎么开]
  keywords: [专票, 发票]
  answer: 可以开 13% 增值税专用发票，下单时填写开票信息即可。
- id: price-list
  category: product
  question: 有价格表吗？
  variants: [报价单发我一下, 产品多少钱]
  keywords: [价格表, 报价]
  answer: 价格表请联系客户经理获取，工作时间：{{ business_hours }}。
- id: sample
  category: product
  question: 可以寄样品吗？
  variants: [能免费拿样吗, 样品收费吗]
  keywords: [样品, 拿样]
  answer: 标准品可免费寄样，运费到付。
"""


async def store_test_faq() -> None:
    await save_entries(parse_faq_file(FAQ_YAML, "yaml"), "test")


def open_hours(clock) -> None:
    """Move the fake clock (2023-11-15 06:13 China time, a Wednesday) to 10:00 that day."""
    clock.advance(3 * 3600 + 46 * 60 + 40)
