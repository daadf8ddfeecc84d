"""Every public page reads in French, and the French catalogue is complete and current."""

import re
import shutil
import subprocess
from datetime import date
from gettext import GNUTranslations
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from requests_app.models import AccessRegime, PoliceService, Release

# Common English function words that are not French words: one of the first set, or two
# of the second, in a sentence mark it as English.
STRONG_ENGLISH_WORDS = {
    "the", "and", "with", "from", "your", "which", "this", "that", "their", "under", "should",
    "would", "must", "been", "were", "was", "what", "when", "where", "there",
}  # fmt: skip
ENGLISH_WORDS = {
    "the", "and", "of", "to", "is", "are", "for", "with", "from", "this", "that", "your",
    "you", "be", "has", "have", "will", "can", "not", "been", "by", "its", "when", "what",
    "how", "where", "there", "their", "our", "we", "it", "in", "at", "was", "were", "should",
    "would", "must", "may", "if", "no", "under", "only", "than", "before", "after",
}  # fmt: skip
SKIPPED_TAGS = {"script", "style", "noscript", "code", "pre", "textarea"}
VOID_TAGS = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "area", "col"}


@pytest.fixture(autouse=True)
def _english_afterwards():
    """French pages leave French active in this thread; the next test starts in English."""
    yield
    translation.activate("en")


class _VisibleFrenchText(HTMLParser):
    """The page's visible text, leaving out what is marked as another language on purpose
    (lang="en": official English names, quoted English sources), what is not to be
    translated (translate="no": postal addresses, payees) and code."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # for each open element: is its text left out?
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            return
        attributes = dict(attrs)
        lang = attributes.get("lang")
        hidden = (self.stack and self.stack[-1]) or tag in SKIPPED_TAGS
        hidden = hidden or attributes.get("translate") == "no"
        self.stack.append(bool(hidden or (lang is not None and not lang.startswith("fr"))))

    def handle_endtag(self, tag):
        if tag not in VOID_TAGS and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]) and data.strip():
            self.chunks.append(data.strip())


def english_sentences(html: str) -> list[str]:
    # The root element says lang="fr"; only what is inside <body> is read.
    body = html[html.find("<body") :]
    parser = _VisibleFrenchText()
    parser.feed(body)
    found = []
    for chunk in parser.chunks:
        for sentence in re.split(r"(?<=[.!?:;])\s+", chunk):
            words = re.findall(r"[a-z']+", re.sub(r"https?://\S+|\S+@\S+", "", sentence.lower()))
            strong = sum(word in STRONG_ENGLISH_WORDS for word in words)
            if strong or sum(word in ENGLISH_WORDS for word in words) >= 2:
                found.append(sentence)
    return found


@pytest.fixture
def demo(settings, directory):
    settings.DEBUG = True
    from maps_app import demo

    demo.demo_load(today=date(2026, 11, 26))


def public_pages() -> list[str]:
    pages = ["/fr/", "/fr/guide/", "/fr/directory/", "/fr/map/", "/fr/findings/", "/fr/stats/"]
    pages.append("/fr/stats/?campaign=demo-alpr")
    pages.append("/fr/releases/search/")
    # One service of every law in use, every RCMP division and every placeholder.
    for regime in AccessRegime.objects.filter(police_services__active=True).distinct():
        service = regime.police_services.filter(active=True).order_by("slug").first()
        pages += [f"/fr/services/{service.slug}/", f"/fr/guide/?service={service.slug}"]
    for service in PoliceService.objects.filter(regime__code="CA-FED-ATIA"):
        pages.append(f"/fr/services/{service.slug}/")
    pages += [f"/fr/releases/{release.pk}/" for release in Release.objects.approved()]
    return pages


@pytest.mark.django_db
def test_every_public_page_reads_in_french(client, demo):
    english = {}
    for url in public_pages():
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert '<html lang="fr">' in html, url
        found = english_sentences(html)
        if found:
            english[url] = found
    assert english == {}


def test_the_english_detector_catches_english_and_spares_french_and_marked_names():
    html = (
        "<html lang=\"fr\"><body><p>Elle s'applique parce qu'elle vise : municipal police "
        "(municipal/regional police services and their police service boards).</p>"
        "<p>Délai pour faire appel 30 jours civils à compter de the decision (s.39(2); exact "
        "trigger wording not in the sources)</p>"
        '<p>En vertu de la <span lang="en">Freedom of Information and Protection of Privacy '
        "Act</span>, paragraphe 4(1).</p><p>Frais de demande : 5,00 $.</p>"
        "<p>Application fee under this law: $5.00.</p></body>"
    )
    assert english_sentences(html) == [
        "municipal police (municipal/regional police services and their police service boards).",
        "Délai pour faire appel 30 jours civils à compter de the decision (s.39(2);",
        "exact trigger wording not in the sources)",
        "Application fee under this law:",
    ]


def test_the_french_catalogue_is_current_complete_and_without_fuzzy_entries(
    settings, monkeypatch, tmp_path
):
    root = Path(__file__).resolve().parents[2]
    catalogue = root / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    # makemessages (as `make messages` runs it) on a copy of the code, so that it writes a
    # fresh catalogue of the code's strings there and leaves the shipped one alone.
    copy = tmp_path / "src"
    shutil.copytree(
        root, copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "locale", "media", "staticfiles", "data", "*.sqlite3", "__pycache__"
        ),
    )  # fmt: skip
    monkeypatch.chdir(copy)
    settings.LOCALE_PATHS = [copy / "locale"]
    call_command(
        "makemessages", locale=["fr"], ignore_patterns=[".venv", "staticfiles"], verbosity=0
    )
    fresh = (copy / "locale" / "fr" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    missing = _msgids(fresh) - _msgids(catalogue.read_text(encoding="utf-8"))
    assert missing == set(), "run makemessages: these strings are not in the French catalogue"
    for option, problem in (("--untranslated", "untranslated"), ("--only-fuzzy", "fuzzy")):
        listed = subprocess.run(
            ["msgattrib", option, "--no-obsolete", str(catalogue)],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        assert _msgids(listed) == set(), f"{problem} entries in the French catalogue"
    # The compiled catalogue says what the .po says.
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(catalogue)], check=True)
    with compiled.open("rb") as fresh_mo, catalogue.with_suffix(".mo").open("rb") as shipped_mo:
        assert GNUTranslations(fresh_mo)._catalog == GNUTranslations(shipped_mo)._catalog, (
            "run compilemessages: django.mo is older than django.po"
        )


def _msgids(po: str) -> set[str]:
    """The message ids of a catalogue (the header's empty id left out)."""
    ids, current = set(), None
    for line in po.splitlines():
        if line.startswith("msgid "):
            current = line[6:].strip('"')
        elif line.startswith('"') and current is not None:
            current += line.strip('"')
        else:
            if current:
                ids.add(current)
            current = None
    if current:
        ids.add(current)
    return ids
