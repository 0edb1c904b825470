"""dateline installs like any Python tool: the wheel carries the theme, the scaffold and the wire
schemas, and a fresh venv with the wheel runs `dateline init`, `build`, `check`, `import` and
`theme export` away from this checkout.

The wheel is built as a user builds it (`pip wheel .`, in pip's isolated build environment, from a
copy of the project so the checkout gets no build/ folder). The venv is new and holds nothing but
the wheel; the dependencies are this environment's, reached through a .pth file (which adds the
folders to sys.path without running their own .pth files, so an editable install of this checkout
cannot leak in): the test is about dateline's own files, not about downloading its dependencies.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = pytest.mark.slow

PACKAGE = REPO / "src" / "dateline"
WIRE_ITEM = REPO / "tests/data/wire/005_complex_text_article.json"


def run(*args, cwd: Path, env: dict | None = None, expect: int = 0) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == expect, f"{' '.join(map(str, args))} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


def package_data() -> set[str]:
    """Every file of the source package that is not Python code, as a wheel names it."""
    return {f"dateline/{path.relative_to(PACKAGE).as_posix()}" for path in PACKAGE.rglob("*")
            if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    project = work / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, project / name)
    shutil.copytree(REPO / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    run(sys.executable, "-m", "pip", "wheel", project, "--no-deps", "--quiet", "--wheel-dir", work / "dist", cwd=work)
    [built] = (work / "dist").glob("dateline-*.whl")
    return built


def test_the_wheel_carries_every_data_file_the_code_reads(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert package_data() - names == set()
    assert {"dateline/theme/templates/article.html", "dateline/scaffold/dateline.toml",
            "dateline/importer/schemas/ninjs-schema_3.1.json"} <= names
    entry_points = next(name for name in names if name.endswith(".dist-info/entry_points.txt"))
    with zipfile.ZipFile(wheel) as archive:
        assert "dateline = dateline.cli:main" in archive.read(entry_points).decode()


def test_a_fresh_venv_with_the_wheel_makes_a_site(wheel, tmp_path):
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    installed = run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--quiet", wheel, cwd=tmp_path)
    assert "WARNING" not in installed.stderr, installed.stderr
    purelib = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).stdout.strip())
    ours = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (purelib / "dateline-test-dependencies.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"

    where = run(python, "-c", "import dateline; print(dateline.__file__)", cwd=tmp_path, env=env).stdout.strip()
    assert Path(where).is_relative_to(venv), f"dateline came from {where}, not from the wheel"

    dateline = venv / "bin" / "dateline"
    run(dateline, "init", "paper", cwd=tmp_path, env=env)
    paper = tmp_path / "paper"
    assert {".gitignore", "dateline.toml", "content", "templates", "data", "static"} <= {p.name for p in paper.iterdir()}
    built = run(dateline, "build", cwd=paper, env=env)
    assert built.stdout.startswith("Built "), built.stdout
    assert (paper / "site/index.html").is_file() and (paper / "site/assets/dateline.css").is_file()
    assert (paper / "site/en/feed.xml").is_file() and (paper / "site/ko/feed.xml").is_file()
    run(dateline, "check", cwd=paper, env=env)
    imported = run(dateline, "import", WIRE_ITEM, "--lang", "en", cwd=paper, env=env)
    assert "1 imported" in imported.stdout, imported.stdout
    run(dateline, "theme", "export", "theme-copy", cwd=paper, env=env)
    assert (paper / "theme-copy/templates/base.html").is_file() and (paper / "theme-copy/static/assets/dateline.css").is_file()
    run(python, "-m", "dateline", "build", "--quiet", cwd=paper, env=env)
