"""Every HTML page of the sample site passes the Nu HTML Checker (vnu), the W3C's validator.

Needs Java and vnu.jar: `apt-get install -y default-jre-headless` and
`npm install --prefix /opt/vnu vnu-jar`, then DATELINE_VNU=/opt/vnu/node_modules/vnu-jar/build/dist/vnu.jar
(or a `vnu` command on PATH). Skipped, saying why, when either is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, cli


def vnu_command() -> list[str]:
    jar = os.environ.get("DATELINE_VNU", "")
    if jar and Path(jar).is_file():
        java = shutil.which("java")
        if not java:
            pytest.skip("java is not installed (apt-get install -y default-jre-headless)")
        return [java, "-jar", jar]
    if shutil.which("vnu"):
        return [shutil.which("vnu")]
    pytest.skip("the Nu HTML Checker is not available: set DATELINE_VNU to vnu.jar (npm install vnu-jar)")


def test_sample_site_pages_are_valid_html(tmp_path):
    command = vnu_command()
    out = tmp_path / "site"
    result = cli("build", "--site", REPO, "--out", out, "--quiet")
    assert result.exit_code == 0, str(result)
    pages = sorted(str(p) for p in out.rglob("*.html"))
    assert len(pages) > 40
    checked = subprocess.run([*command, "--errors-only", "--format", "gnu", *pages],
                             capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stderr + checked.stdout
