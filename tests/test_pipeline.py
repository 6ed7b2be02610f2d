"""The event pipeline: exactly once, in each user's order, within the deadline, and a
failing handler never stops the bot."""
import asyncio

from bot.dedup import DedupGuard
from bot.dispatcher import Dispatcher, Router, text
from bot.events import ChatKind, Platform, TextMessage
from bot.middlewares import behaviour_middleware, lead_middleware
from bot.pipeline import EventPipeline, PassiveDeadlines
from bot.responder import Responder
from leads.behaviour import BehaviourLog
from leads.identity import resolve_lead
from models import BehaviourEvent, Lead, ProcessedCallback


def kf_text(content: str, msg_id: str, sender: str = "wmCUSTOMER1") -> TextMessage:
    return TextMessage(
        platform=Platform.WECOM_KF, create_time=1_700_000_000, msg_id=msg_id, sender=sender,
        content=content, open_kfid="wkKF1", sender_is_customer=True, chat=ChatKind.SINGLE,
    )


def make_pipeline(router: Router, clock, budget: float = 1.0) -> EventPipeline:
    dispatcher = Dispatcher()
    dispatcher.outer_middleware(lead_middleware(resolve_lead))
    dispatcher.outer_middleware(behaviour_middleware(BehaviourLog(clock), DedupGuard()))
    dispatcher.include(router)
    return EventPipeline(dispatcher, passive_budget=budget)


class Sent:
    def __init__(self):
        self.texts: list[str] = []

    async def __call__(self, content: str) -> None:
        self.texts.append(content)


async def test_a_customer_question_is_answered_passively_and_logged_both_ways(db, clock):
    router = Router("faq")

    @router.message(text(contains="发货"))
    async def shipping(event, responder):
        await responder.text("下单后 3 个工作日内发货。")

    pipeline = make_pipeline(router, clock)
    reply = await pipeline.deliver(kf_text("什么时候发货", "m1"), Responder(Sent(), passive=True))
    await pipeline.drain()

    assert reply == "下单后 3 个工作日内发货。"
    lead = await Lead.get()
    events = await BehaviourEvent.filter(lead=lead).order_by("id")
    assert [(e.direction, e.kind) for e in events] == [("inbound", "message.text"), ("outbound", "reply.message")]
    assert events[0].payload["text"] == "什么时候发货"
    assert events[1].payload["text"] == "下单后 3 个工作日内发货。"


async def test_the_same_message_delivered_twice_at_once_is_handled_once(db, clock):
    router = Router("count")
    handled = []

    @router.message()
    async def count(event):
        handled.append(event.msg_id)

    pipeline = make_pipeline(router, clock)
    event = kf_text("你好", "dup-1")
    await asyncio.gather(
        pipeline.deliver(event, Responder(None, passive=True)),
        pipeline.deliver(event, Responder(None, passive=True)),
    )
    await pipeline.drain()
    assert handled == ["dup-1"]
    assert await ProcessedCallback.all().count() == 1
    assert await BehaviourEvent.all().count() == 1


async def test_one_users_messages_are_handled_in_order_while_others_run_concurrently(db, clock):
    router = Router("order")
    gate = asyncio.Event()
    bob_served = asyncio.Event()
    seen: list[str] = []

    @router.message()
    async def record(event):
        if event.content == "first":
            await gate.wait()  # the first message is slow
        seen.append(f"{event.sender}:{event.content}")
        if event.sender == "bob":
            bob_served.set()

    pipeline = make_pipeline(router, clock, budget=0.01)
    await pipeline.deliver(kf_text("first", "a1", sender="alice"), Responder(None, passive=False))
    await pipeline.deliver(kf_text("second", "a2", sender="alice"), Responder(None, passive=False))
    await pipeline.deliver(kf_text("hello", "b1", sender="bob"), Responder(None, passive=False))
    await asyncio.wait_for(bob_served.wait(), timeout=10)  # a real database takes real time
    assert seen == ["bob:hello"]  # bob is not held up by alice's slow message
    gate.set()
    await pipeline.drain()
    assert seen == ["bob:hello", "alice:first", "alice:second"]


async def test_a_slow_handler_is_acknowledged_and_answers_through_the_send_api(db, clock):
    router = Router("slow")
    gate = asyncio.Event()

    @router.message()
    async def slow(event, responder):
        await gate.wait()
        await responder.text("稍等，已为您查询到订单。")

    pipeline = make_pipeline(router, clock, budget=0.01)
    sent = Sent()
    reply = await pipeline.deliver(kf_text("订单到哪了", "s1"), Responder(sent, passive=True))
    assert reply is None  # acknowledged within the deadline, nothing passive
    gate.set()
    await pipeline.drain()
    assert sent.texts == ["稍等，已为您查询到订单。"]


async def test_the_passive_reply_goes_out_at_once_while_the_handler_keeps_working(db, clock):
    router = Router("reply-then-work")
    gate = asyncio.Event()

    @router.message()
    async def answer_first(event, responder):
        await responder.text("收到，马上为您查询。")
        await gate.wait()  # e.g. a CRM lookup after answering

    pipeline = make_pipeline(router, clock, budget=60)  # the budget is not what ends the wait
    reply = await asyncio.wait_for(
        pipeline.deliver(kf_text("查订单", "p1"), Responder(Sent(), passive=True)), timeout=10)
    assert reply == "收到，马上为您查询。"
    gate.set()
    await pipeline.drain()


async def test_a_handler_that_does_not_answer_is_acknowledged_when_it_finishes(db, clock):
    router = Router("quiet")

    @router.message()
    async def note_only(event):
        return None

    pipeline = make_pipeline(router, clock, budget=60)
    reply = await asyncio.wait_for(
        pipeline.deliver(kf_text("好的", "q1"), Responder(Sent(), passive=True)), timeout=10)
    assert reply is None


async def test_one_timer_ends_every_wait_whose_budget_is_spent_and_no_other():
    deadlines = PassiveDeadlines(0.02)
    loop = asyncio.get_running_loop()
    answered, slow1, slow2 = (loop.create_future() for _ in range(3))
    for waiter in (answered, slow1, slow2):
        deadlines.add(waiter)
    answered.set_result("passive reply")  # settled by its handler in time
    started = loop.time()
    await asyncio.wait_for(asyncio.gather(slow1, slow2), timeout=10)
    assert loop.time() - started >= 0.02 - deadlines.tick  # not woken before the budget
    assert answered.result() == "passive reply"  # a settled wait is left as it is
    later = loop.create_future()
    deadlines.add(later)  # the timer restarts for waits added after it went idle
    await asyncio.wait_for(later, timeout=10)


async def test_a_failing_handler_is_logged_and_the_next_message_is_served(db, clock, caplog):
    router = Router("flaky")

    @router.message(text(equals="boom"))
    async def boom(event):
        raise RuntimeError("database hiccup")

    @router.message()
    async def fine(event, responder):
        await responder.text("ok")

    pipeline = make_pipeline(router, clock)
    assert await pipeline.deliver(kf_text("boom", "f1"), Responder(None, passive=True)) is None
    assert await pipeline.deliver(kf_text("hi", "f2"), Responder(None, passive=True)) == "ok"
    await pipeline.drain()
    assert "database hiccup" in caplog.text
    failed = await BehaviourEvent.filter(kind="message.text").order_by("id").first()
    assert failed.payload["handler_failed"] is True  # the customer's message is not lost
