"""How long rendering the municipality select takes: Django's Select (option by option
through the widget templates, as Wagtail's form builder does) versus MunicipalitySelect.

    .venv/bin/python scripts/time_municipality_select.py
Uses the test settings and an in-memory database with the 357 shipped municipalities.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django import forms  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import translation  # noqa: E402

setup_test_environment()
call_command("migrate", verbosity=0, run_syncdb=True)

from wagtail_klimakronsj.applications.fields import MunicipalityField, municipality_rows  # noqa: E402


def django_select():
    rows = municipality_rows()
    groups = {}
    for pk, number, name, county in rows:
        groups.setdefault(county, []).append((pk, f"{name} ({number})"))
    choices = [("", "Choose")] + list(groups.items()) + [("other", "Another organisation")]

    class F(forms.Form):
        municipality = forms.ChoiceField(choices=choices)

    return str(F(initial={"municipality": rows[100][0]})["municipality"])


def fast_select():
    rows = municipality_rows()

    class F(forms.Form):
        municipality = MunicipalityField()

    form = F(initial={"municipality": rows[100][0]})
    form.fields["municipality"].rows = rows
    return str(form["municipality"])


def measure(fn, n=200):
    fn()
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        for _ in range(n):
            fn()
        best = min(best, (time.process_time() - start) / n)
    return best * 1000


ROWS = None


def fast_render_only():
    class F(forms.Form):
        municipality = MunicipalityField()

    form = F(initial={"municipality": ROWS[100][0]})
    form.fields["municipality"].rows = ROWS
    return str(form["municipality"])


with translation.override("nn"):
    ROWS = municipality_rows()
    if not django_select().count("<option") == fast_select().count("<option") == 359:
        raise SystemExit("the two selects differ")
    slow = measure(django_select, 30)
    fast = measure(fast_select)
    print(f"Django Select, option by option:  {slow:.2f} ms CPU per render (incl. 1 query)")
    print(f"MunicipalitySelect (plain join):  {fast:.2f} ms CPU per render (incl. 1 query)")
    only = measure(fast_render_only, 1000)
    print(f"MunicipalitySelect, render only:  {only:.3f} ms CPU (rows already loaded)")
    print(f"speed-up: {slow / fast:.0f}x")
