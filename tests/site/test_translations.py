"""The shipped translations: complete, placeholders intact, compiled, and in use.

These tests read the committed catalogues in ``wagtail_klimakronsj/locale``. A string
added to the code without a translation does not fail here until the catalogue is
regenerated; run ``KLIMAKRONSJ_TEST_I18N_SYNC=1 pytest tests/site/test_translations.py`` (or
the release checklist) to check that the catalogues cover every string in the source.
"""

import datetime
import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

import wagtail_klimakronsj

PACKAGE_DIR = Path(wagtail_klimakronsj.__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"
TRANSLATED = ["nn", "nb"]  # every entry must have a translation
SHIPPED = ["nn", "nb", "en"]  # English may fall back to the msgid

PERCENT_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([sdifr%])")
BRACE_PLACEHOLDER = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")


# -- a small .po reader (no third-party dependency) -----------------------------------


class Entry:
    def __init__(self):
        self.flags = set()
        self.msgctxt = None
        self.msgid = ""
        self.msgid_plural = None
        self.msgstr = ""
        self.msgstr_plural = {}
        self.line = 0

    @property
    def key(self):
        return (self.msgctxt, self.msgid)

    def strings(self):
        """(source, translation) pairs that must agree on placeholders."""
        if self.msgid_plural is None:
            return [(self.msgid, self.msgstr)]
        return [
            (self.msgid if n == 0 else self.msgid_plural, text)
            for n, text in sorted(self.msgstr_plural.items())
        ]

    def translated(self):
        if self.msgid_plural is None:
            return bool(self.msgstr)
        return bool(self.msgstr_plural) and all(self.msgstr_plural.values())


def _unquote(text):
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), text[1:-1])


def read_po(path):
    """Return (header, entries) of a .po file; obsolete (#~) entries are skipped."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and (entry.msgid or entry.msgctxt or entry.msgstr):
            entries.append(entry)

    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if field is not None:  # a comment starts the next entry
                finish()
                entry, field = None, None
            if line.startswith("#,"):
                entry = entry or Entry()
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith('"'):
            value = _unquote(line)
            if field[0] == "msgstr_plural":
                entry.msgstr_plural[field[1]] += value
            else:
                setattr(entry, field[0], getattr(entry, field[0]) + value)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and field is not None and field[0].startswith("msgstr"):
            finish()
            entry, field = None, None
        entry = entry or Entry()
        entry.line = entry.line or number
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if match:
            field = ("msgstr_plural", int(match.group(1)))
            entry.msgstr_plural[field[1]] = _unquote(rest)
        else:
            assert keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"), (path, number, raw)
            field = (keyword,)
            setattr(entry, keyword, _unquote(rest))
    finish()
    header = next((e for e in entries if e.msgid == "" and e.msgctxt is None), None)
    return header, [e for e in entries if e is not header]


def po_path(language):
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def mo_path(language):
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"


def placeholders(text, entry):
    found = []
    if "python-format" in entry.flags:
        found += [
            f"%({name}){kind}" if name else f"%{kind}"
            for name, kind in PERCENT_PLACEHOLDER.findall(text)
            if kind != "%"
        ]
    if "python-brace-format" in entry.flags or BRACE_PLACEHOLDER.search(entry.msgid):
        found += [f"{{{name}}}" for name in BRACE_PLACEHOLDER.findall(text)]
    return sorted(found)


# -- the catalogues --------------------------------------------------------------------


@pytest.mark.parametrize("language", SHIPPED)
def test_catalogue_exists_with_a_proper_header(language):
    header, entries = read_po(po_path(language))
    assert header is not None and "fuzzy" not in header.flags
    meta = dict(line.split(": ", 1) for line in header.msgstr.splitlines() if ": " in line)
    assert meta["Language"] == language
    assert meta["Content-Type"] == "text/plain; charset=UTF-8"
    assert meta["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert "PACKAGE" not in meta["Project-Id-Version"]
    assert "FULL NAME" not in meta["Last-Translator"]
    assert len(entries) > 100


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_is_translated(language):
    _header, entries = read_po(po_path(language))
    untranslated = [e.msgid for e in entries if not e.translated()]
    assert untranslated == [], f"{len(untranslated)} untranslated in {language}"


@pytest.mark.parametrize("language", SHIPPED)
def test_nothing_is_fuzzy(language):
    _header, entries = read_po(po_path(language))
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert fuzzy == [], f"fuzzy entries in {language} need review"


@pytest.mark.parametrize("language", SHIPPED)
def test_plural_entries_have_both_forms(language):
    _header, entries = read_po(po_path(language))
    for entry in entries:
        if entry.msgid_plural is not None and entry.translated():
            assert sorted(entry.msgstr_plural) == [0, 1], entry.msgid


@pytest.mark.parametrize("language", SHIPPED)
def test_placeholders_match(language):
    _header, entries = read_po(po_path(language))
    problems = []
    for entry in entries:
        if not entry.translated():
            continue
        allowed = set(placeholders(entry.msgid, entry)) | set(
            placeholders(entry.msgid_plural or "", entry)
        )
        if entry.msgid_plural is None:
            if placeholders(entry.msgstr, entry) != placeholders(entry.msgid, entry):
                problems.append((entry.msgid, entry.msgstr))
            continue
        for n, text in entry.msgstr_plural.items():
            got = set(placeholders(text, entry))
            # A singular form may leave out the count ("one seat"), never invent a name.
            if not got <= allowed:
                problems.append((entry.msgid, text))
            if n == 1 and set(placeholders(entry.msgid_plural, entry)) - got:
                problems.append((entry.msgid_plural, text))
    assert problems == []


@pytest.mark.parametrize("language", SHIPPED)
def test_html_in_strings_is_kept(language):
    _header, entries = read_po(po_path(language))
    tag = re.compile(r"</?[a-zA-Z][^>]*>")
    for entry in entries:
        if entry.translated():
            for source, text in entry.strings():
                assert sorted(tag.findall(source)) == sorted(tag.findall(text)), entry.msgid


@pytest.mark.parametrize("language", SHIPPED)
def test_compiled_catalogue_matches_the_po_file(language):
    """The committed .mo holds exactly what the committed .po says (compilemessages ran)."""
    _header, entries = read_po(po_path(language))
    with mo_path(language).open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    stale = []
    for entry in entries:
        if not entry.translated():
            continue
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            if catalog.get(key) != entry.msgstr:
                stale.append(entry.msgid)
        else:
            for n, text in entry.msgstr_plural.items():
                if catalog.get((key, n)) != text:
                    stale.append(entry.msgid)
    assert stale == [], "run compilemessages: the .mo is older than the .po"
    expected = sum(
        (1 if e.msgid_plural is None else len(e.msgstr_plural)) for e in entries if e.translated()
    )
    assert len([k for k in catalog if k != ""]) == expected


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext not installed")
@pytest.mark.parametrize("language", SHIPPED)
def test_msgfmt_accepts_the_catalogue(language, tmp_path):
    result = subprocess.run(  # noqa: S603
        ["msgfmt", "--check", "-o", str(tmp_path / "out.mo"), str(po_path(language))],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_nynorsk_and_bokmal_differ():
    """A guard against copying one written standard into the other."""
    _h, nn = read_po(po_path("nn"))
    _h, nb = read_po(po_path("nb"))
    nb_by_key = {e.key: e for e in nb}
    same = sum(1 for e in nn if nb_by_key.get(e.key) and nb_by_key[e.key].msgstr == e.msgstr)
    assert same < len(nn) * 0.6
    nn_text = " ".join(e.msgstr + " ".join(e.msgstr_plural.values()) for e in nn)
    nb_text = " ".join(e.msgstr + " ".join(e.msgstr_plural.values()) for e in nb)
    for bokmal_only in ("ikke", "hva", "hvis", "hvem", "fra", "noen", "mer"):
        assert not re.search(rf"\b{bokmal_only}\b", nn_text, re.IGNORECASE), bokmal_only
    for nynorsk_only in ("ikkje", "kva", "kven", "frå", "eit", "berre", "nokon", "meir"):
        assert not re.search(rf"\b{nynorsk_only}\b", nb_text, re.IGNORECASE), nynorsk_only


# Strings of other apps that we may translate differently: Django's session model is
# never shown in the Wagtail admin, and "session" here is a workshop session.
OVERRIDE_ALLOWED = {"Sessions", "session", "sessions"}


@pytest.mark.parametrize("language", TRANSLATED)
def test_we_do_not_change_the_meaning_of_wagtail_and_django_strings(language):
    """Our catalogue comes before Wagtail's and Django's in INSTALLED_APPS, so a msgid we
    share with them (without a context) is shown with our text in their admin too: it
    must say the same there, or the string in our code needs a context."""
    from django.apps import apps
    from django.conf import locale as django_locale

    dirs = [Path(django_locale.__file__).parent]
    dirs += [Path(app.path) / "locale" for app in apps.get_app_configs() if app.path]
    _header, entries = read_po(po_path(language))
    ours = {e.msgid: e.msgstr for e in entries if e.msgctxt is None and e.msgid_plural is None}
    different = []

    def same(text):  # Django's own catalogues differ in a final full stop between versions
        return text.strip().rstrip(".")

    for directory in dirs:
        mo = directory / language / "LC_MESSAGES" / "django.mo"
        if not mo.exists() or PACKAGE_DIR in mo.parents:
            continue
        with mo.open("rb") as handle:
            theirs = gettext.GNUTranslations(handle)._catalog
        for msgid, text in ours.items():
            other = theirs.get(msgid)
            if other and same(other) != same(text) and msgid not in OVERRIDE_ALLOWED:
                different.append((msgid, text, other, str(directory)))
    assert different == []


# -- the catalogues in use ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nn", ["Berre venteliste", "Ope for søknader", "Fullt", "Søknadsperioden er over"]),
        ("nb", ["Bare venteliste", "Åpent for søknader", "Fullt", "Søknadsperioden er over"]),
        ("en", ["Waiting list only", "Open for applications", "Full", "Applications closed"]),
    ],
)
def test_event_status_labels_are_translated(language, expected):
    from wagtail_klimakronsj.choices import EventStatus

    with translation.override(language):
        labels = [
            str(EventStatus.WAITING_LIST.label),
            str(EventStatus.OPEN.label),
            str(EventStatus.FULL.label),
            str(EventStatus.CLOSED.label),
        ]
    assert labels == expected


@pytest.mark.parametrize(
    ("language", "employee", "elected", "waitlisted"),
    [
        ("nn", "Tilsett", "Folkevald", "På venteliste"),
        ("nb", "Ansatt", "Folkevalgt", "På venteliste"),
        ("en", "Employee", "Elected official", "On the waiting list"),
    ],
)
def test_application_labels_are_translated(language, employee, elected, waitlisted):
    from wagtail_klimakronsj.applications.models import ApplicationStatus, Role

    with translation.override(language):
        assert str(Role.EMPLOYEE.label) == employee
        assert str(Role.ELECTED.label) == elected
        assert str(ApplicationStatus.WAITLISTED.label) == waitlisted


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [
        ("nn", "1 plass att av 50.", "3 plassar att av 50."),
        ("nb", "1 plass igjen av 50.", "3 plasser igjen av 50."),
        ("en", "1 seat left of 50.", "3 seats left of 50."),
    ],
)
def test_template_plurals_are_translated(language, one, many):
    template = Template(
        "{% load i18n %}{% blocktranslate count seats=n with limit=50 %}"
        "{{ seats }} seat left of {{ limit }}.{% plural %}"
        "{{ seats }} seats left of {{ limit }}.{% endblocktranslate %}"
    )
    with translation.override(language):
        assert template.render(Context({"n": 1})) == one
        assert template.render(Context({"n": 3})) == many


@pytest.mark.parametrize(
    ("language", "singular", "heading"),
    [("nn", "Sesjon", "Sesjonar"), ("nb", "Sesjon", "Sesjoner"), ("en", "Session", "Sessions")],
)
def test_session_label_and_heading_do_not_clash(language, singular, heading):
    """'Session' is a panel label and, with a context, the plural heading on the page."""
    with translation.override(language):
        assert translation.gettext("Session") == singular
        assert translation.npgettext("heading", "Session", "Sessions", 4) == heading


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nn", "onsdag 22. september 2021"), ("nb", "onsdag 22. september 2021")],
)
def test_django_formats_dates_in_norwegian(language, expected):
    """Templates use Django's date filter; Django ships the nn and nb month names."""
    with translation.override(language):
        assert date_format(datetime.date(2021, 9, 22), "l j. F Y") == expected


# -- the catalogues cover the source (opt-in: needs GNU gettext, takes a few seconds) ----


@pytest.mark.skipif(
    not os.environ.get("KLIMAKRONSJ_TEST_I18N_SYNC"), reason="set KLIMAKRONSJ_TEST_I18N_SYNC=1"
)
def test_catalogues_cover_every_string_in_the_source(tmp_path):
    copy = tmp_path / "wagtail_klimakronsj"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.rmtree(copy / "locale")
    (copy / "locale").mkdir()
    subprocess.run(  # noqa: S603
        [sys.executable, "-P", "-m", "django", "makemessages", "-l", "nn", "--no-obsolete"],
        cwd=copy,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "PYTHONPATH": str(PACKAGE_DIR.parent),
        },
        check=True,
        capture_output=True,
    )
    _h, fresh = read_po(copy / "locale" / "nn" / "LC_MESSAGES" / "django.po")
    for language in SHIPPED:
        _h, committed = read_po(po_path(language))
        missing = {e.key for e in fresh} - {e.key for e in committed}
        assert missing == set(), f"run makemessages and translate ({language})"


@pytest.mark.parametrize(
    ("language", "expected", "not_expected"),
    [
        (
            "nn",
            ["Slik søkjer du", "Dette er ein søknad, ikkje ei påmelding", 'lang="nn"'],
            ["How to"],
        ),
        ("nb", ["Slik søker du", "Dette er en søknad, ikke en påmelding", 'lang="nb"'], ["How to"]),
        ("en", ["How to apply", "Apply for a seat", 'lang="en"'], ["Slik søk"]),
    ],
)
def test_event_page_is_served_in_the_visitors_language(
    client, form_page, language, expected, not_expected
):
    event = form_page.event.specific
    response = client.get(event.url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = response.content.decode()
    for text in expected:
        assert text in html
    for text in not_expected:
        assert text not in html


@pytest.mark.parametrize(
    ("language", "subject", "greeting", "body"),
    [
        ("nn", "Vi har fått søknaden din: Klimakrønsj", "Hei Kari Nordmann,", "Takk for søknaden"),
        (
            "nb",
            "Vi har mottatt søknaden din: Klimakrønsj",
            "Hei Kari Nordmann,",
            "Takk for søknaden",
        ),
        (
            "en",
            "We have received your application: Klimakrønsj",
            "Hello Kari Nordmann,",
            "Thank you",
        ),
    ],
)
def test_receipt_email_is_in_the_applicants_language(event, language, subject, greeting, body):
    from wagtail_klimakronsj.applications import seats
    from wagtail_klimakronsj.mail.messages import applicant_email

    application = seats.apply(
        event,
        {
            "full_name": "Kari Nordmann",
            "email": f"kari-{language}@example.org",
            "role": "employee",
            "language": language,
        },
    )[0]
    with translation.override("en" if language != "en" else "nn"):  # not the active language
        email = applicant_email("receipt", application, event, manage_url="https://example.org/m")
    assert email.subject == subject
    assert greeting in email.body_text and body in email.body_text
    assert greeting in email.body_html


def test_one_event_page_in_two_languages_one_after_the_other(client, form_page):
    """The rendered-content cache must keep the languages apart."""
    event = form_page.event.specific
    first = client.get(event.url, HTTP_ACCEPT_LANGUAGE="nn").content.decode()
    second = client.get(event.url, HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    third = client.get(event.url, HTTP_ACCEPT_LANGUAGE="nn").content.decode()
    assert "Slik søkjer du" in first and "Slik søkjer du" in third
    assert "Slik søker du" in second and "Slik søkjer du" not in second
