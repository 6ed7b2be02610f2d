"""`python main.py demo`: the bot and the WeCom/WeChat simulator in one process, on SQLite,
with a fictional industrial-materials company's channels, groups and FAQs, and a browser
"phone" on which a person plays a customer."""
