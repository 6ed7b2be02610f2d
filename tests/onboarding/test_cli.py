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
