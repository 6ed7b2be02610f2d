"""``python main.py serve`` with one bench-only router put before the product's features: a
keyword reply (as a FAQ answer would be) to every text message, so
``bench/callbacks.py --reply-handler`` measures a passive reply through the whole pipeline
(transport, dedup, behaviour log, dispatcher) without a feature's own cost. The features are
still wired and see every other event. Settings come from ``SIYU_*`` as for ``serve``.

    python bench/callback_bot.py
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import main  # noqa: E402
from bot.dispatcher import Router  # noqa: E402
from bot.feature import Feature  # noqa: E402
from bot.events import TextMessage  # noqa: E402

ANSWERS = {
    "发货": "现货订单下单后 3 个工作日内发货，定制件以合同交期为准。",
    "价格": "最新价目表已发您邮箱，批量采购可联系销售申请阶梯价。",
    "假期": "春节假期 2 月 8 日至 2 月 17 日，期间线上客服照常值班。",
}
FALLBACK = "您好，已收到您的问题，稍后为您解答。"


def bench_router() -> Router:
    """Answers a text by the first keyword it contains, otherwise with an acknowledgement."""
    router = Router("bench-reply")

    @router.on(TextMessage)
    async def keyword_reply(event: TextMessage, responder) -> None:
        answer = next((a for k, a in ANSWERS.items() if k in event.content), FALLBACK)
        await responder.text(answer)

    return router


def features_with_bench_router():
    return [Feature(name="bench-reply", router=bench_router()), *product_features()]


product_features = main.features

if __name__ == "__main__":
    main.features = features_with_bench_router  # read by cmd_serve when it builds the app
    sys.exit(main.main(["serve"]))
