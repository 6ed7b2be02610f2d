"""Support staff work the FAQ from the console and the API: entries, the review inbox,
statistics, CSV, and the chat-toolbar page."""
import re
from dataclasses import replace
from datetime import datetime, timezone

from handlers.faq import review
from handlers.faq.hits import log_hit
from handlers.faq.store import FaqStore
from models import AuditEntry, FaqEntryRecord, FaqHit, FaqSuggestion
from tests.support.console import bearer, csrf_of, sign_in
from tests.support.faq import store_test_faq


async def asked(clock, *queries, user="wmA"):
    """Customers' questions, logged as the bot logs them."""
    index = await FaqStore().index()
    for query in queries:
        await log_hit(index.match(query, "single"), lead=None, platform="wecom_kf", chat_kind="single", chat_id="wkKF",
                      user_key=f"wecom_kf:wkKF:{user}", asked_at=clock.now(), latency_ms=0.4)


async def test_the_api_lists_edits_and_validates_entries(faq_console, staff):
    _, tokens = staff
    await store_test_faq()
    auth = bearer(tokens["support"])

    listed = await (await faq_console.get("/api/v1/faq/entries", headers=auth)).json()
    saved = await faq_console.put("/api/v1/faq/entries/moq", headers=auth, json={
        "question": "起订量是多少？", "answer": "1 卷起订。", "variants": ["最少买多少"], "category": "product"})
    bad = await faq_console.put("/api/v1/faq/entries/bad", headers=auth, json={"question": "x", "answer": "{% if %}"})

    assert len(listed["items"]) == 5
    assert saved.status == 200 and (await FaqEntryRecord.get(id="moq")).updated_by == "token:1:support-token"
    assert bad.status == 400 and (await bad.json())["error"]["code"] == "invalid_entry"
    assert not await FaqEntryRecord.exists(id="bad")
    assert await AuditEntry.filter(action="faq.entry.save").count() == 1


async def test_an_import_through_the_api_is_all_or_nothing(faq_console, staff):
    _, tokens = staff
    auth = bearer(tokens["support"])
    content = '{"id": "a", "question": "q", "answer": "a"}\n{"id": "b", "question": "", "answer": "a"}\n'

    refused = await faq_console.post("/api/v1/faq/import", headers=auth, json={"format": "jsonl", "content": content})

    assert refused.status == 400 and "line 2" in (await refused.json())["error"]["message"]
    assert await FaqEntryRecord.all().count() == 0


async def test_the_inbox_clusters_misses_and_one_action_resolves_a_cluster(faq_console, staff, clock):
    _, tokens = staff
    auth = bearer(tokens["support"])
    await store_test_faq()
    await asked(clock, "支持货到付款吗", "可以货到付款吗", "公司在哪里")

    inbox = await (await faq_console.get("/api/v1/faq/inbox", headers=auth)).json()
    cod = next(c for c in inbox["clusters"] if "货到付款" in c["key"])
    done = await faq_console.post("/api/v1/faq/inbox/actions", headers=auth,
                                  json={"action": "ignore", "hit_ids": cod["hit_ids"]})
    missing = await faq_console.post("/api/v1/faq/inbox/actions", headers=auth,
                                     json={"action": "attach", "hit_ids": [999], "entry_id": "freight"})

    assert cod["size"] == 2 and done.status == 200
    assert [c["key"] for c in (await (await faq_console.get("/api/v1/faq/inbox", headers=auth)).json())["clusters"]] == ["公司在哪里"]
    assert missing.status == 400


async def test_statistics_count_rates_per_day_and_category_and_the_csv_is_safe_in_spreadsheets(faq_console, staff, clock):
    _, tokens = staff
    auth = bearer(tokens["support"])
    await store_test_faq()
    await asked(clock, "满多少包邮", "能开专票吗", "=1+1 公司在哪里")

    stats = await (await faq_console.get("/api/v1/faq/stats?days=7", headers=auth)).json()
    csv = await (await faq_console.get("/api/v1/faq/hits.csv", headers=auth)).text()

    assert stats["total"]["asked"] == 3 and stats["total"]["answer_rate"] == 66.7 and stats["total"]["miss_rate"] == 33.3
    assert stats["per_category"]["service_delivery"]["asked"] == 1
    assert stats["per_category"]["unanswered"]["missed"] == 1
    assert sum(d["asked"] for d in stats["per_day"]) == 3
    assert "'=1+1 公司在哪里" in csv
    assert stats["suggestions"] == {"count": 0, "sent": 0, "latency_ms_p50": 0.0, "latency_ms_p90": 0.0}


async def test_the_inbox_page_creates_an_entry_prefilled_from_a_cluster(faq_console, staff, clock):
    await store_test_faq()
    await asked(clock, "支持货到付款吗", "可以货到付款吗")
    await sign_in(faq_console, "support1")

    page = await faq_console.get("/console/faq")
    html = await page.text()
    [cluster] = await review.inbox()
    posted = await faq_console.post("/console/faq", allow_redirects=False, data={
        "csrf_token": csrf_of(html), "action": "create", "hit_ids": ",".join(map(str, cluster.hit_ids)),
        "new_id": "cod", "question": "支持货到付款吗", "variants": "可以货到付款吗", "answer": "暂不支持货到付款。",
        "category": "service_delivery"})

    assert page.status == 200 and "可以货到付款吗" in html
    assert posted.status == 303
    entry = await FaqEntryRecord.get(id="cod")
    assert entry.variants == ["可以货到付款吗"] and entry.updated_by == "user:support1"
    assert set(await FaqHit.all().values_list("review", flat=True)) == {"created"}


async def test_a_broken_file_uploaded_on_the_entries_page_shows_every_problem_and_changes_nothing(faq_console, staff):
    await store_test_faq()
    await sign_in(faq_console, "support1")
    html = await (await faq_console.get("/console/faq/entries")).text()

    page = await faq_console.post("/console/faq/entries", data={
        "csrf_token": csrf_of(html), "format": "yaml", "content": "entries:\n- id: x\n  question: q\n"})

    text = await page.text()
    assert "未做任何修改" in text and "answer" in text
    assert await FaqEntryRecord.all().count() == 5


async def test_sales_can_read_but_not_change_the_faq(faq_console, staff):
    await sign_in(faq_console, "sales1")
    html = await (await faq_console.get("/console/faq/entries")).text()

    posted = await faq_console.post("/console/faq/entries/x", data={"csrf_token": csrf_of(html), "question": "q", "answer": "a"})

    assert posted.status == 403 and not await FaqEntryRecord.exists(id="x")


async def test_the_chat_toolbar_lists_open_suggestions_for_the_chat_and_marks_them_sent(faq_console, staff, clock):
    now = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)
    mine = await FaqSuggestion.create(chat_id="wrCustomers01", staff_userid="zhangsan", question="满多少包邮",
                                      entry_id="freight", answer="单笔满 3000 元包邮。", asked_at=now, suggested_at=now)
    await FaqSuggestion.create(chat_id="wrOther", staff_userid="zhangsan", question="q", entry_id="x", answer="别的群",
                               asked_at=now, suggested_at=now)
    await sign_in(faq_console, "support1")

    page = await faq_console.get("/console/faq/toolbar?chat_id=wrCustomers01")
    html = await page.text()
    sent = await faq_console.post(f"/console/faq/toolbar/{mine.id}", allow_redirects=False,
                                  data={"csrf_token": csrf_of(html), "status": "sent"})

    assert "单笔满 3000 元包邮。" in html and "别的群" not in html
    assert all(src.startswith(("/console/faq/static/", "/console/static/")) for src in re.findall(r'<script src="([^"]+)"', html))
    assert sent.status == 303
    assert (await FaqSuggestion.get(id=mine.id)).status == "sent"


async def test_the_toolbar_script_files_are_served_from_the_bot_itself(faq_console):
    script = await faq_console.get("/console/faq/static/toolbar.js")
    assert script.status == 200 and "sendChatMessage" in await script.text()


async def test_entries_and_group_rules_download_from_the_console(faq_console, staff):
    await store_test_faq()
    await sign_in(faq_console, "sales1")

    yaml_file = await faq_console.get("/console/faq/export.yaml")
    rules = await faq_console.get("/console/faq/group-rules.csv")

    assert yaml_file.status == 200 and "ship-lead-time" in await yaml_file.text()
    assert rules.status == 200 and "包邮" in await rules.text()


async def test_every_faq_page_renders_in_both_languages(faq_console, staff, clock):
    await store_test_faq()
    await FaqEntryRecord.filter(id="sample").update(category="samples_and_trials")  # a category of the company's own
    await asked(clock, "支持货到付款吗", "满多少包邮")
    await sign_in(faq_console, "support1")

    for lang in ("zh", "en"):
        for path in ("/console/faq", "/console/faq/entries", "/console/faq/entries/sample", "/console/faq/stats",
                     "/console/faq/settings", "/console/faq/toolbar?chat_id=wrX"):
            page = await faq_console.get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
            html = await page.text()
            assert page.status == 200, (path, lang)
            assert "faq." not in html.replace("/console/faq", "").replace("faq.css", ""), (path, lang)
    entry_page = await (await faq_console.get("/console/faq/entries/sample")).text()
    assert 'value="samples_and_trials" selected' in entry_page


async def test_the_inbox_shows_the_estimated_wrong_answer_rate_and_labels_inferred_unhappiness(faq_console, staff, clock):
    users, tokens = staff
    await store_test_faq()
    await asked(clock, "我家猫会不会飞")
    hit = await FaqHit.get()
    hit.signals, hit.feedback = ["asked_again"], "negative"
    await hit.save()
    await sign_in(faq_console, "support1")

    html = await (await faq_console.get("/console/faq")).text()
    api = await (await faq_console.get("/api/v1/faq/inbox", headers=bearer(tokens["support"]))).json()

    assert 'id="wrong-rate"' in html and "当前估计答错率 3.3%" in html and "出厂校准" in html
    assert "推断不满意：又问了一遍 1" in html and "差评" not in html
    assert api["estimate"]["source"] == "benchmark" and api["clusters"][0]["suggested_entry"] is None
    assert 'selected' not in html.split('id="wrong-rate"')[1].split("</select>")[0]


async def test_synonyms_are_edited_in_the_console_and_match_the_next_question(faq_console, staff, clock):
    users, tokens = staff
    await store_test_faq()
    await sign_in(faq_console, "support1")
    page = await (await faq_console.get("/console/faq/synonyms")).text()

    bad = await faq_console.post("/console/faq/synonyms", data={"text": "交期", "csrf_token": csrf_of(page)})
    saved = await faq_console.post("/console/faq/synonyms", data={"text": "发货 = 出货 = 交货", "csrf_token": csrf_of(page)})

    assert "line 1" in await bad.text()
    assert "已保存 1 组同义词" in await saved.text()
    assert (await FaqStore().index()).match("下单后多久交货").entry_id == "ship-lead-time"
    api = await faq_console.put("/api/v1/faq/synonyms", headers=bearer(tokens["support"]), json={"text": "运费 ="})
    assert api.status == 400 and (await api.json())["error"]["code"] == "invalid_synonyms"
    assert await AuditEntry.filter(action="faq.synonyms").count() == 1


async def test_an_entry_page_suggests_its_likely_new_wordings_from_misses(faq_console, staff, clock):
    users, tokens = staff
    await store_test_faq()
    index = await FaqStore().index()
    await log_hit(replace(index.match("样品寄过来收费吗"), outcome="miss", entry_id=None), lead=None, platform="wecom_kf",
                  chat_kind="single", chat_id="wkKF", user_key="wecom_kf:wkKF:wmA", asked_at=clock.now(), latency_ms=0.4)
    await sign_in(faq_console, "support1")

    html = await (await faq_console.get("/console/faq/entries/sample")).text()
    api = await (await faq_console.get("/api/v1/faq/entries/sample/suggested-variants",
                                       headers=bearer(tokens["support"]))).json()

    assert 'id="suggested-variants"' in html and "样品寄过来收费吗" in html
    assert [item["query"] for item in api["items"]] == ["样品寄过来收费吗"]
    attach = await faq_console.post("/console/faq", data={"csrf_token": csrf_of(html), "action": "attach",
                                                          "hit_ids": str(api["items"][0]["hit_ids"][0]), "entry_id": "sample"})
    assert attach.status == 200 and "样品寄过来收费吗" in (await FaqEntryRecord.get(id="sample")).variants
