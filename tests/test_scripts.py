"""The two scripts a newcomer runs: quiet, and quick on the second start."""
from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_licence_is_an_spdx_expression_so_setuptools_prints_no_deprecation_banner():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "Apache-2.0"
    assert "setuptools>=77" in project["build-system"]["requires"]  # the first to read SPDX licences


@pytest.mark.parametrize("script", ["demo", "test"])
def test_a_script_reinstalls_only_when_pyproject_changed(tmp_path, script):
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / script, tmp_path / "scripts" / script)
    check = tmp_path / "scripts" / "check"  # scripts/test runs the static checks first: not the point here
    check.write_text("#!/bin/sh\nexit 0\n")
    check.chmod(0o755)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'siyu'\n")
    log = tmp_path / "calls.log"
    fake = f'#!/bin/sh\necho "$(basename "$0") $*" >> {log}\n'
    for path in (tmp_path / "bin" / "python3", tmp_path / ".venv" / "bin" / "python"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(fake)
        path.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}"}

    def run() -> list[str]:
        log.write_text("")
        subprocess.run(["bash", str(tmp_path / "scripts" / script)], env=env, check=True, cwd=tmp_path)
        return log.read_text().splitlines()

    assert any("pip install" in call for call in run())
    assert not any("pip" in call for call in run())
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'siyu'\nversion = '0.2'\n")
    assert any("pip install" in call for call in run())
