"""Installation into a fresh `wagtail start` project: migrate, no phantom migrations, demo."""

import os
import subprocess
import sys
from pathlib import Path

import django
import pytest

BIN = Path(sys.executable).parent


def run(args, cwd, env):
    result = subprocess.run(  # noqa: S603
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


@pytest.mark.slow
def test_fresh_wagtail_project(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("KLIMAKRONSJ_TEST_POSTGRES", None)
    run([str(BIN / "wagtail"), "start", "mysite", str(tmp_path)], cwd=tmp_path, env=env)
    settings = tmp_path / "mysite" / "settings" / "base.py"
    text = settings.read_text()
    apps = [
        "wagtail_klimakronsj",
        "wagtail_klimakronsj.pages",
        "wagtail_modeladmin",
    ]
    if django.VERSION < (6, 0):
        apps.append("django_tasks")
    text = text.replace(
        "INSTALLED_APPS = [", "INSTALLED_APPS = [\n" + "".join(f'    "{a}",\n' for a in apps), 1
    )
    settings.write_text(text)
    urls = tmp_path / "mysite" / "urls.py"
    text = urls.read_text()
    text = text.replace(
        "urlpatterns = [",
        'urlpatterns = [\n    path("klimakronsj/", include("wagtail_klimakronsj.urls")),',
        1,
    )
    urls.write_text(text)
    python = str(BIN / "python")
    run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=tmp_path, env=env)
    run([python, "manage.py", "makemigrations", "--check", "--dry-run"], cwd=tmp_path, env=env)
    out = run([python, "manage.py", "klimakronsj_demo"], cwd=tmp_path, env=env).stdout
    assert "event_2021" in out
    out2 = run([python, "manage.py", "klimakronsj_demo"], cwd=tmp_path, env=env).stdout
    assert "proposals created: 0" in out2 or "proposals" not in out2
    check = (
        "from django.test import Client;"
        "c = Client();"
        "r = c.get('/klimakronsj-2021/');"
        "print(r.status_code);"
        "print('06/11/2021' in r.content.decode())"  # a fresh project speaks en-us
    )
    out = run([python, "manage.py", "shell", "-c", check], cwd=tmp_path, env=env).stdout
    assert out.split() [-2:] == ["200", "True"]
