"""The onboarding commands refuse bad files before touching the database or the platform."""
from main import main

BAD_CSV = "account,phone\n苏州某某材料有限公司,13800000000\n,not-a-phone\n"


def test_crm_import_of_a_malformed_csv_names_every_bad_row_and_imports_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SIYU_DATABASE_URL", f"sqlite://{tmp_path}/never.db")
    path = tmp_path / "crm.csv"
    path.write_text(BAD_CSV, encoding="utf-8")

    assert main(["crm", "import", str(path)]) == 1

    err = capsys.readouterr().err
    assert "nothing imported" in err and "line 3: account name is empty" in err and "not a phone number" in err
    assert not (tmp_path / "never.db").exists()


def test_import_of_a_setup_file_with_an_over_long_code_changes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SIYU_DATABASE_URL", f"sqlite://{tmp_path}/never.db")
    path = tmp_path / "setup.yaml"
    path.write_text("channels:\n- code: an-expo-code-that-is-longer-than-thirty\n  name: 展位\n  staff: [zhangsan]\n",
                    encoding="utf-8")

    assert main(["import", str(path)]) == 1

    assert "at most 30" in capsys.readouterr().err
    assert not (tmp_path / "never.db").exists()


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    import pytest

    with pytest.raises(SystemExit, match="cannot read"):
        main(["crm", "import", str(tmp_path / "missing.csv")])


def test_a_command_on_a_new_database_says_which_one_it_uses(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("SIYU_DATABASE_URL", raising=False)
    monkeypatch.setenv("SIYU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path.parent)

    assert main(["channels", "list"]) == 0

    err = capsys.readouterr().err
    assert f"using a new database, {tmp_path / 'data' / 'siyu.db'}" in err and "--config" in err
    assert main(["channels", "list"]) == 0
    assert "using an empty database" in capsys.readouterr().err


def test_channels_qr_has_its_own_help_and_needs_a_code(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["channels", "qr", "--help"])
    assert "QR code (PNG or SVG)" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:
        main(["channels", "qr"])
    assert exit_.value.code == 2 and "code" in capsys.readouterr().err


async def _a_channel_with_a_contact_way(url: str) -> None:
    from bot.database import connect, disconnect
    from models import Channel

    await connect(url)
    await Channel.create(code="expo", name="展位", config_id="cwFromTheDemo")
    await disconnect()


def test_archiving_without_wecom_does_not_claim_the_qr_code_stopped(tmp_path, capsys, monkeypatch, caplog):
    import asyncio
    import logging

    url = f"sqlite://{tmp_path}/siyu.db"
    monkeypatch.setenv("SIYU_DATABASE_URL", url)
    asyncio.run(_a_channel_with_a_contact_way(url))
    caplog.set_level(logging.INFO)

    assert main(["channels", "archive", "expo"]) == 0

    out = capsys.readouterr().out
    assert "no longer works" not in out and "NOT revoked" in out and "SIYU_WECOM_" in out
    assert "Tortoise-ORM shutdown" not in caplog.text


def test_creating_a_wecom_channel_without_wecom_names_the_variables(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SIYU_DATABASE_URL", f"sqlite://{tmp_path}/siyu.db")
    path = tmp_path / "setup.yaml"
    path.write_text("channels:\n- code: expo\n  name: 展位\n  staff: [zhangsan]\n", encoding="utf-8")

    assert main(["import", str(path)]) == 1

    err = capsys.readouterr().err
    assert "SIYU_WECOM_CORP_ID" in err and "--config" in err


def test_a_typo_in_a_setup_file_is_refused_with_its_line_and_changes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SIYU_DATABASE_URL", f"sqlite://{tmp_path}/never.db")
    path = tmp_path / "setup.yaml"
    path.write_text("channels:\n- code: expo\n  name: 展位\n  staff: [zhangsan]\n  welcom_template: 您好\n",
                    encoding="utf-8")

    assert main(["import", str(path)]) == 1

    err = capsys.readouterr().err
    assert "line 5: channel 1 (expo): unknown field 'welcom_template' (did you mean 'welcome_template'?)" in err
    assert not (tmp_path / "never.db").exists()


def test_an_unknown_crm_column_is_refused_like_any_other_importer(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SIYU_DATABASE_URL", f"sqlite://{tmp_path}/never.db")
    path = tmp_path / "crm.csv"
    path.write_text("account,emial\n苏州某某材料有限公司,buyer@example.com\n", encoding="utf-8")

    assert main(["crm", "import", str(path)]) == 1

    assert "line 1: unknown column 'emial' (did you mean 'email'?)" in capsys.readouterr().err
    assert not (tmp_path / "never.db").exists()


async def _audit_sentences(url: str) -> list[tuple[str, str]]:
    from bot.database import connect, disconnect
    from console.access.audit import summary, who
    from console.kit.i18n import Catalogue
    from console.kit.schemas import to_json
    from console.pages.schemas import AUDIT_ENTRY
    from handlers.faq.web.messages import MESSAGES as FAQ
    from handlers.onboarding.web.pages import MESSAGES as ONBOARDING
    from models import AuditEntry

    catalogue = Catalogue()
    catalogue.add(FAQ)
    catalogue.add(ONBOARDING)
    t = lambda msgid, **values: catalogue.translate("zh", msgid, **values)  # noqa: E731
    await connect(url)
    try:
        return [(who(e.actor, t), summary(to_json(AUDIT_ENTRY, e), t, lambda m: catalogue.sentence("zh", m, {})))
                for e in await AuditEntry.all().order_by("id")]
    finally:
        await disconnect()


def test_changes_from_the_command_line_are_audited_as_sentences(tmp_path, monkeypatch, capsys):
    import asyncio
    from pathlib import Path

    url = f"sqlite://{tmp_path}/siyu.db"
    monkeypatch.setenv("SIYU_DATABASE_URL", url)
    crm = tmp_path / "customers.csv"
    crm.write_text("account,contact,phone\n苏州精工塑胶,王工,13800000000\n", encoding="utf-8")
    faq = Path(__file__).resolve().parents[2] / "content" / "demo" / "faq.yaml"

    assert main(["crm", "import", str(crm)]) == 0
    assert main(["faq", "import", str(faq)]) == 0

    (who, crm_line), (_, faq_line) = asyncio.run(_audit_sentences(url))
    assert who == "命令行"
    assert crm_line == "导入 CRM 客户 customers.csv：新增客户：1；更新客户：0；新增联系人：1；匹配到 CRM 的线索：0"
    assert faq_line.startswith("导入问答文件 faq.yaml：新建：")
