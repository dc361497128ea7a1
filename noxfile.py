"""The version matrix: `nox` runs the newest and the oldest supported stack.

Interpreters are looked up on PATH and in pyenv (/root/.pyenv/versions/*/bin).
Extra pytest arguments go after `--`, e.g. `nox -s newest -- -k seats`.
"""

import glob
import os

import nox

nox.options.sessions = ["newest", "oldest"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True

os.environ["PATH"] = os.pathsep.join(
    sorted(glob.glob("/root/.pyenv/versions/*/bin")) + [os.environ.get("PATH", "")]
)

STACKS = {
    # name: (python, pins)
    "newest": ("3.12", ["wagtail>=8.0,<8.1", "Django>=6.1,<6.2"]),
    "oldest": ("3.11", ["wagtail>=7.4,<7.5", "Django>=5.2,<5.3"]),
    "py313": ("3.13", ["wagtail>=8.0,<8.1", "Django>=6.1,<6.2"]),
}


def _tests(session, pins):
    session.install("-e", ".[testing]", *pins)
    session.run("python", "-m", "django", "--version")
    session.run("python", "-c", "import wagtail; print('wagtail', wagtail.__version__)")
    session.run("pytest", *session.posargs, env={"KLIMAKRONSJ_STACK": session.name})


@nox.session(name="newest", python=STACKS["newest"][0])
def newest(session):
    """Wagtail 8.0 + Django 6.1 on Python 3.12."""
    _tests(session, STACKS["newest"][1])


@nox.session(name="oldest", python=STACKS["oldest"][0])
def oldest(session):
    """Wagtail 7.4 LTS + Django 5.2 LTS on Python 3.11."""
    _tests(session, STACKS["oldest"][1])


@nox.session(name="py313", python=STACKS["py313"][0])
def py313(session):
    """Wagtail 8.0 + Django 6.1 on Python 3.13."""
    _tests(session, STACKS["py313"][1])


@nox.session(python="3.12")
def lint(session):
    session.install("ruff")
    session.run("ruff", "check", ".")
