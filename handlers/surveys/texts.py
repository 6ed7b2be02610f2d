"""What the bot says in a survey chat (customer-facing, Chinese)."""
from __future__ import annotations

from typing import Any

from content.rendering import render_safely, strip_syntax, template_problem
from surveys import MULTIPLE, SINGLE, Question, SurveyDefinition
from surveys.definition import SCALES

SAMPLE = {"customer_name": "王工", "company": "华材新材料"}  # what a survey text may use

FULL = "感谢您的关注！本次调查的名额已满。"
CANCELLED = "好的，已退出问卷，您已作答的部分已保存。想继续时回复“{keyword}”即可。"
ALREADY = "您已参加过本期「{title}」，感谢您的支持！"
RESUME = "欢迎回来，我们接着上次的问题继续："
AFTER_FAQ = "（问卷继续）"
INVITATION = "您好！想邀请您花 1 分钟参加「{title}」，点击链接即可作答：{link}"
REMINDER = "您好，「{title}」还差几题就完成了，方便的话回复下面的问题即可继续（回复“退出”可结束）：\n\n{question}"


def question_text(question: Question, number: int) -> str:
    """The question with how to answer it: options numbered, the scale spelled out."""
    lines = [f"{number}. {question.text}"]
    if question.kind in SCALES:
        low, high = SCALES[question.kind]
        ends = f"（{low} = {question.low_label}，{high} = {question.high_label}）" if question.low_label and question.high_label else ""
        lines.append(f"请回复 {low}–{high} 的数字{ends}")
    elif question.kind in (SINGLE, MULTIPLE):
        lines += [f"{i}. {o.label}" for i, o in enumerate(question.options, start=1)]
        lines.append("可多选，回复序号并用空格或顿号隔开，如“1 3”" if question.kind == MULTIPLE else "请回复序号或选项文字")
    if not question.required:
        lines.append("（选填，回复“跳过”可略过）")
    return "\n".join(lines)


def personal(source: str, lead: Any) -> str:
    """A marketer's text (intro, thank-you, closing message) rendered for ``lead`` in content's
    sandbox (``{{ customer_name }}``, ``{{ company }}``); its plain text if it fails."""
    if "{" not in source:
        return source
    values = {"customer_name": getattr(lead, "name", "") or "", "company": getattr(lead, "company", "") or ""}
    return render_safely(source, values, lambda: strip_syntax(source), what="survey text", dialect="lenient")


def template_problems(definition: SurveyDefinition) -> list[str]:
    """Why a definition's texts cannot be rendered (checked on import, before anything changes)."""
    found = [(name, getattr(definition, name)) for name in ("intro", "thank_you", "closed_message")]
    problems = (f"{name}: {problem}" for name, text in found if (problem := template_problem(text, SAMPLE, dialect="lenient")))
    return list(problems)


def start_text(definition: SurveyDefinition, first: str, lead: Any = None) -> str:
    return f"{personal(definition.intro, lead)}\n\n{first}" if definition.intro else first


def hint_text(hint: str, question: str) -> str:
    return f"{hint}\n\n{question}"


def cancelled_text(definition: SurveyDefinition) -> str:
    return CANCELLED.format(keyword=definition.keywords[0] if definition.keywords else definition.title)

