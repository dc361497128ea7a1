"""Installation into a fresh `wagtail start` project, following the README's steps word
for word: migrate, no phantom migrations, demo."""

import os
import re
import subprocess
import sys
from pathlib import Path

import django
import pytest

BIN = Path(sys.executable).parent
README = Path(__file__).resolve().parents[2] / "README.md"


def run(args, cwd, env):
    result = subprocess.run(  # noqa: S603
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def installation_steps():
    """The code blocks of the README's "Installation into an existing site" section."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Installation into an existing site", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(\w+)\n(.*?)```", section, re.S)


def readme_settings_and_urls():
    settings, urls, commands = [], [], []
    for language, code in installation_steps():
        if language == "python" and code.startswith("# urls.py"):
            urls.append(code)
        elif language == "python" and "INSTALLED_APPS" in code:
            if "Django 5.2 only" not in code or django.VERSION < (6, 0):
                settings.append(code)
        elif language == "bash":
            for line in code.splitlines():
                line = line.split("#", 1)[0].strip()
                if line.startswith("python manage.py"):
                    commands.append(line.split()[2:])
    assert settings and urls and commands, "the README's installation steps were not found"
    return settings, urls, commands


@pytest.mark.slow
def test_fresh_wagtail_project_with_the_readme_steps(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("KLIMAKRONSJ_TEST_POSTGRES", None)
    run([str(BIN / "wagtail"), "start", "mysite", str(tmp_path)], cwd=tmp_path, env=env)
    settings_file = tmp_path / "mysite" / "settings" / "base.py"
    text = settings_file.read_text()
    # The host already has the form builder: the README must not list it again.
    assert '"wagtail.contrib.forms"' in text
    settings, urls, commands = readme_settings_and_urls()
    settings_file.write_text(text + "\n\n" + "\n".join(settings))
    urls_file = tmp_path / "mysite" / "urls.py"
    text = urls_file.read_text()
    lines = "".join(
        line + "\n"
        for code in urls
        for line in code.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )
    assert "urlpatterns = [\n" in text
    urls_file.write_text(text.replace("urlpatterns = [\n", "urlpatterns = [\n" + lines, 1))
    python = str(BIN / "python")
    # Every app once (Django refuses duplicates: "Application labels aren't unique").
    out = run(
        [
            python,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings;"
            "apps = settings.INSTALLED_APPS; print(len(apps) - len(set(apps)))",
        ],
        cwd=tmp_path,
        env=env,
    ).stdout
    assert out.split()[-1] == "0"
    for command in commands:
        args = command + (["--noinput", "-v0"] if command[0] == "migrate" else [])
        out = run([python, "manage.py", *args], cwd=tmp_path, env=env).stdout
    assert "event_2021" in out  # the README's last step is the demo
    run([python, "manage.py", "makemigrations", "--check", "--dry-run"], cwd=tmp_path, env=env)
    out2 = run([python, "manage.py", "klimakronsj_demo"], cwd=tmp_path, env=env).stdout
    assert "proposals created: 0" in out2 or "proposals" not in out2
    check = (
        "from django.test import Client;"
        "c = Client();"
        "r = c.get('/klimakronsj-2021/');"
        "print(r.status_code);"
        # a fresh project speaks en-us: the package's English date, not Django's 06/11/2021
        "print('11 Jun 2021' in r.content.decode());"
        "print(Client().get('/klimakronsj/feedback/').status_code)"  # the package's URLs
    )
    out = run([python, "manage.py", "shell", "-c", check], cwd=tmp_path, env=env).stdout
    assert out.split()[-3:-1] == ["200", "True"]
    assert out.split()[-1] != "404"
