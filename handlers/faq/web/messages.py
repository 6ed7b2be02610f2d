"""The FAQ pages' messages, in Chinese and English."""

MESSAGES = {
    "zh": {
        "nav.faq": "问答",
        "faq.inbox": "待处理问题", "faq.entries": "问答条目", "faq.stats": "问答统计", "faq.toolbar": "FAQ 建议",
        "faq.entry": "问答条目", "faq.import": "导入", "faq.settings": "工作时间与转人工", "faq.save": "保存",
        "faq.inbox.help": "机器人没答上、没把握或客户不满意的问题，相似的已归为一组，一次处理一组。",
        "faq.inbox.empty": "没有待处理的问题。", "faq.inbox.done": "已处理 {n} 个问题",
        "faq.negative": "差评", "faq.likely": "最可能的条目：",
        "faq.outcome.answer": "已回答", "faq.outcome.clarify": "已追问", "faq.outcome.miss": "未回答",
        "faq.action.attach": "作为该条目的问法", "faq.action.correct": "回答正确", "faq.action.ignore": "忽略",
        "faq.action.create": "新建条目",
        "faq.field.id": "编号", "faq.field.question": "问题", "faq.field.variants": "其他问法（每行一个）",
        "faq.field.keywords": "关键词（逗号分隔）", "faq.field.answer": "回答", "faq.field.category": "分类",
        "faq.field.scope": "适用范围", "faq.field.active": "启用",
        "faq.category.product": "产品", "faq.category.service_delivery": "服务与交付",
        "faq.category.customer_service": "客户服务", "faq.category.other": "其他", "faq.category.unanswered": "未回答",
        "faq.scope.single": "单聊", "faq.scope.group": "群聊", "faq.scope.both": "单聊和群聊",
        "faq.answer.help": "回答可使用 {{ customer_name }}、{{ company }}、{{ business_hours }}、{{ next_open }} 等变量。",
        "faq.updated": "{who} 于 {when} 修改",
        "faq.template_failed": "这个回答的模板在 {when} 发送时出错（共 {n} 次），客户收到的是去掉变量的文本：{message}。修改并保存后此提示消失。",
        "faq.download": "下载：", "faq.group_rules": "客户群自动回复规则（CSV）",
        "faq.import.help": "YAML 或 JSONL，按编号新建或更新；文件有任何问题时不做任何修改。",
        "faq.import.refused": "文件有问题，未做任何修改：",
        "faq.import.result": "新建 {created} 条，更新 {updated} 条，未变 {unchanged} 条",
        "faq.rates": "提问 {asked} 次 · 回答率 {answer}% · 追问率 {clarify}% · 未回答 {miss}% · 差评 {negative}%",
        "faq.suggestion_rates": "一键回复建议 {count} 条 · 已发送 {sent} 条 · 从提问到建议 中位 {p50} 秒，90% {p90} 秒",
        "faq.chart.asked": "每天的提问", "faq.chart.missed": "每天未回答的提问", "faq.csv": "导出全部记录（CSV）",
        "faq.col.asked": "提问", "faq.top_entries": "最常用的条目", "faq.top_unanswered": "最常见的未回答问题",
        "faq.settings.hours": "工作时间（北京时间）", "faq.settings.opens": "上班", "faq.settings.closes": "下班",
        "faq.settings.holidays": "节假日（每行一个：2026-10-01 国庆节）", "faq.settings.workdays": "调休上班日（每行一个）",
        "faq.settings.servicers": "微信客服转人工的接待人员（每行一个：open_kfid:userid）",
        "faq.settings.notify": "公众号客户要人工时通知（userid，逗号分隔）",
        "faq.settings.groups": "内部群（每行一个：群 chat_id 每分钟最多回答数 [unmentioned 表示无需@即可回答关键词问题]）",
        "faq.toolbar.no_chat": "请从客户群或客户单聊的聊天工具栏打开本页。", "faq.toolbar.none": "当前会话没有待发送的建议。",
        "faq.toolbar.send": "发送", "faq.choose_entry": "— 选择条目 —",
    },
    "en": {
        "nav.faq": "FAQ",
        "faq.inbox": "Review inbox", "faq.entries": "FAQ entries", "faq.stats": "FAQ statistics",
        "faq.toolbar": "FAQ suggestions", "faq.entry": "FAQ entry", "faq.import": "Import",
        "faq.settings": "Hours and hand-over", "faq.save": "Save",
        "faq.inbox.help": "Questions the bot missed, was unsure about or got negative feedback on; similar ones are grouped so one action resolves a group.",
        "faq.inbox.empty": "Nothing to review.", "faq.inbox.done": "{n} questions resolved",
        "faq.negative": "negative", "faq.likely": "likeliest entry:",
        "faq.outcome.answer": "answered", "faq.outcome.clarify": "clarified", "faq.outcome.miss": "missed",
        "faq.action.attach": "Attach as a wording of this entry", "faq.action.correct": "Mark correct",
        "faq.action.ignore": "Ignore", "faq.action.create": "New entry",
        "faq.field.id": "Id", "faq.field.question": "Question", "faq.field.variants": "Other wordings (one per line)",
        "faq.field.keywords": "Keywords (comma-separated)", "faq.field.answer": "Answer", "faq.field.category": "Category",
        "faq.field.scope": "Where it answers", "faq.field.active": "Active",
        "faq.category.product": "Product", "faq.category.service_delivery": "Service and delivery",
        "faq.category.customer_service": "Customer service", "faq.category.other": "Other",
        "faq.category.unanswered": "Unanswered",
        "faq.scope.single": "1:1 chats", "faq.scope.group": "Groups", "faq.scope.both": "1:1 chats and groups",
        "faq.answer.help": "Answers may use {{ customer_name }}, {{ company }}, {{ business_hours }}, {{ next_open }} and more.",
        "faq.updated": "changed by {who} at {when}",
        "faq.template_failed": "This answer's template failed when sent at {when} ({n} times); the customer got its text without placeholders: {message}. Save a fixed version to clear this.",
        "faq.download": "Download:", "faq.group_rules": "customer-group auto-reply rules (CSV)",
        "faq.import.help": "YAML or JSONL, created or updated by id; nothing changes when the file has any problem.",
        "faq.import.refused": "The file has problems; nothing was changed:",
        "faq.import.result": "{created} created, {updated} updated, {unchanged} unchanged",
        "faq.rates": "{asked} questions · answered {answer}% · clarified {clarify}% · missed {miss}% · negative {negative}%",
        "faq.suggestion_rates": "{count} one-click suggestions · {sent} sent · question to suggestion median {p50} s, 90% {p90} s",
        "faq.chart.asked": "Questions per day", "faq.chart.missed": "Missed questions per day", "faq.csv": "Export every decision (CSV)",
        "faq.col.asked": "asked", "faq.top_entries": "Most used entries", "faq.top_unanswered": "Most asked unanswered questions",
        "faq.settings.hours": "Business hours (China time)", "faq.settings.opens": "Opens", "faq.settings.closes": "Closes",
        "faq.settings.holidays": "Holidays (one per line: 2026-10-01 National Day)",
        "faq.settings.workdays": "Extra working days (one per line)",
        "faq.settings.servicers": "WeChat Customer Service receptionists for hand-over (one per line: open_kfid:userid)",
        "faq.settings.notify": "Tell about official-account hand-overs (userids, comma-separated)",
        "faq.settings.groups": "Internal groups (one per line: chat_id answers-a-minute [unmentioned: keyword answers without an @-mention])",
        "faq.toolbar.no_chat": "Open this page from the chat toolbar of a customer group or 1:1 chat.",
        "faq.toolbar.none": "No open suggestions for this chat.", "faq.toolbar.send": "Send",
        "faq.choose_entry": "— choose an entry —",
    },
}

# The FAQ's behaviour events on a lead's timeline: a label, and a sentence per outcome.
MESSAGES["zh"].update({
    "event.faq.asked": "提问",
    "event.faq.handed_over": "转人工",
    "timeline.faq.asked.answer": "问“{query}”，机器人用条目“{question}”回答（匹配度 {score}）",
    "timeline.faq.asked.clarify": "问“{query}”，机器人请客户在几个相近的问题中选择",
    "timeline.faq.asked.miss": "问“{query}”，机器人没有找到答案（已进入待处理问题）",
    "timeline.faq.handed_over": "客户说“{text}”，对话已转给人工客服",
})
MESSAGES["en"].update({
    "event.faq.asked": "Asked a question",
    "event.faq.handed_over": "Handed to a person",
    "timeline.faq.asked.answer": "Asked “{query}”; the bot answered with the entry “{question}” (score {score})",
    "timeline.faq.asked.clarify": "Asked “{query}”; the bot offered a few close questions to choose from",
    "timeline.faq.asked.miss": "Asked “{query}”; the bot found no answer (now in the review inbox)",
    "timeline.faq.handed_over": "Said “{text}”; the conversation was handed to a person",
})

MESSAGES["zh"].update({
    "dashboard.faq_answer_rate": "近 {days} 天问答回答率", "dashboard.faq_asked": "客户共提问 {n} 次",
    "dashboard.faq_top_misses": "答不上的高频问题",
})
MESSAGES["en"].update({
    "dashboard.faq_answer_rate": "FAQ answer rate, last {days} days", "dashboard.faq_asked": "{n} questions asked",
    "dashboard.faq_top_misses": "Most asked questions without an answer",
})

# Audit entries of FAQ changes, as sentences.
MESSAGES["zh"].update({
    "audit.action.faq.import": "导入问答文件", "audit.action.faq.entry.save": "保存问答条目",
    "audit.action.faq.settings": "修改工作时间与转人工", "audit.action.faq.group": "修改客户群问答设置",
    "audit.action.faq.review.attach": "把待处理问题加为条目问法", "audit.action.faq.review.create": "根据待处理问题新建条目",
    "audit.action.faq.review.correct": "确认机器人回答正确", "audit.action.faq.review.ignore": "忽略待处理问题",
    "audit.field.unchanged": "未变", "audit.field.question": "问题", "audit.field.answer": "回答",
    "audit.field.variants": "问法", "audit.field.keywords": "关键词", "audit.field.category": "分类",
})
MESSAGES["en"].update({
    "audit.action.faq.import": "Imported the FAQ file", "audit.action.faq.entry.save": "Saved FAQ entry",
    "audit.action.faq.settings": "Changed hours and hand-over", "audit.action.faq.group": "Changed the FAQ settings of group",
    "audit.action.faq.review.attach": "Added review questions as variants", "audit.action.faq.review.create":
        "Created an entry from review questions", "audit.action.faq.review.correct": "Marked answers correct",
    "audit.action.faq.review.ignore": "Ignored review questions",
    "audit.field.unchanged": "unchanged", "audit.field.question": "question", "audit.field.answer": "answer",
    "audit.field.variants": "variants", "audit.field.keywords": "keywords", "audit.field.category": "category",
})
