"""The survey's H5 page behind a signed per-recipient link: the same response as the chat,
resumable, and a polite refusal for an altered or expired link."""
from datetime import datetime, timedelta, timezone
from pathlib import Path

from aiohttp import ClientSession

from handlers.surveys.store import import_survey
from models import Lead, SurveyResponse
from tests.e2e.test_surveys_chat import import_nps, say

DEMO = Path(__file__).parents[2] / "demo" / "surveys"


def link(harness, survey_id, lead_id, hours=72):
    expires = datetime.fromtimestamp(harness.bot.clock.time(), timezone.utc) + timedelta(hours=hours)
    return harness.bot.services["surveys"].links.url(harness.bot_url, survey_id, lead_id, expires)


async def test_a_customer_answers_on_the_page_one_question_per_screen(harness):
    survey = (await import_survey((DEMO / "content-poll.yaml").read_text())).survey
    lead = await Lead.create(name="王工")
    url = link(harness, survey.id, lead.id)
    async with ClientSession() as http:
        first = await (await http.get(url)).text()
        assert "1. 您最想看哪些内容？" in first and 'type="checkbox"' in first and "两个小问题" in first

        too_many = await (await http.post(url, data=[("question", "topics"), ("answer", "1"), ("answer", "2"), ("answer", "3"), ("answer", "4")])).text()
        assert 'id="hint"' in too_many and "可选 1–3 项" in too_many

        second = await (await http.post(url, data=[("question", "topics"), ("answer", "1"), ("answer", "3")])).text()
        assert "2. 您更喜欢哪种形式？" in second

        again = await (await http.get(url)).text()  # closed and reopened: the same question
        assert "2. 您更喜欢哪种形式？" in again
        await http.post(url, data={"question": "format", "answer": "2"})
        done = await (await http.post(url, data={"question": "rating", "skip": "1"})).text()
        assert "谢谢！下期内容会按大家的选择安排。" in done

    response = await SurveyResponse.get()
    assert response.status == "completed" and response.source == "h5"
    assert response.answers == {"topics": ["cases", "specs"], "format": "短视频", "rating": None}


async def test_started_in_the_chat_finished_on_the_page(harness):
    await import_nps()
    await say(harness, "wmWANG", "满意度调查")
    await say(harness, "wmWANG", "6")
    response = await SurveyResponse.get()
    async with ClientSession() as http:
        url = link(harness, response.survey_id, response.lead_id)
        page = await (await http.get(url)).text()
        assert "2. 很抱歉没让您满意。最让您失望的是什么？" in page
        await http.post(url, data={"question": "why_low", "answer": "交期太长"})
        done = await (await http.post(url, data={"question": "industry", "answer": "1"})).text()
    assert "感谢您的反馈！" in done

    assert await say(harness, "wmWANG", "好的") == "您已参加过本期「年度客户满意度调查」，感谢您的支持！"
    response = await SurveyResponse.get()
    assert response.status == "completed" and response.answers == {"score": 6, "why_low": "交期太长", "industry": "manufacturing"}
    assert response.platform == "wecom_kf"  # reminders would still go to the chat


async def test_an_altered_or_expired_link_is_refused_politely_and_changes_nothing(harness, clock):
    survey = (await import_survey((DEMO / "content-poll.yaml").read_text())).survey
    lead = await Lead.create(name="王工")
    other = await Lead.create(name="李工")
    url = link(harness, survey.id, lead.id, hours=1)
    token = url.rsplit("/", 1)[1]
    body, mac = token.split(".")
    forged_body = harness.bot.services["surveys"].links.token(survey.id, other.id, datetime(2030, 1, 1, tzinfo=timezone.utc)).split(".")[0]
    async with ClientSession() as http:
        forged = await http.get(url.replace(token, f"{forged_body}.{mac}"))
        assert forged.status == 403 and "链接无效" in await forged.text()
        garbage = await http.post(harness.bot_url + "/s/%%%", data={"question": "topics", "answer": "1"})
        assert garbage.status in (403, 404)
        clock.advance(2 * 3600)
        expired = await http.get(url)
        assert expired.status == 410 and "已过期" in await expired.text()
    assert not await SurveyResponse.exists()


async def test_a_second_response_in_the_same_wave_from_the_page_is_refused(harness):
    survey = (await import_survey((DEMO / "content-poll.yaml").read_text())).survey
    lead = await Lead.create(name="王工")
    url = link(harness, survey.id, lead.id)
    async with ClientSession() as http:
        await http.get(url)
        for form in ({"question": "topics", "answer": "1"}, {"question": "format", "answer": "1"}, {"question": "rating", "answer": "5"}):
            await http.post(url, data=form)
        again = await (await http.get(url)).text()
        stale = await http.post(url, data={"question": "topics", "answer": "2"}, allow_redirects=False)
    assert "您已参加过本期「内容偏好小调查」" in again and stale.status == 303
    assert await SurveyResponse.all().count() == 1 and (await SurveyResponse.get()).answers["topics"] == ["cases"]
