"""Messages reach people in French (or English when asked), with the venue's times."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from babel.messages.extract import extract_from_dir

from server.core.i18n import LANGUAGES, Span, _, _catalog, _plurals, negotiate, ngettext

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "translate": None, "ngettext": (1, 2), "N_plural": (1, 2)}


def _extracted() -> list[str | tuple[str, ...]]:
    found: list[str | tuple[str, ...]] = []
    for package in ("server", "realtime", "calendar_bridge"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            if message:
                found.append(message)
    return found


def _msgids() -> set[str]:
    return {message for message in _extracted() if isinstance(message, str)}


def test_every_message_has_its_french_translation() -> None:
    missing = sorted(_msgids() - set(_catalog("fr")))
    assert not missing, f"add these to server/locale/fr/LC_MESSAGES/messages.po: {missing}"


def test_every_counted_message_has_its_french_plural_forms() -> None:
    forms, _form_of = _plurals("fr")
    counted = {message[0] for message in _extracted() if isinstance(message, tuple)}
    missing = sorted(m for m in counted if len(forms.get(m, ())) != 2)
    assert counted and not missing, f"add msgid_plural and msgstr[0], [1] for: {missing}"


def test_counts_choose_their_form_as_each_language_does() -> None:
    one = "must have at least {min_length} character"
    many = "must have at least {min_length} characters"
    assert [ngettext(one, many, n, min_length=n).render("fr") for n in (0, 1, 2)] == [
        "doit compter au moins 0 caractère",
        "doit compter au moins 1 caractère",
        "doit compter au moins 2 caractères",
    ]
    assert [ngettext(one, many, n, min_length=n).render("en") for n in (0, 1, 2)] == [
        "must have at least 0 characters",
        "must have at least 1 character",
        "must have at least 2 characters",
    ]


def test_french_translations_keep_the_placeholders() -> None:
    import string

    def names(text: str) -> set[str]:
        return {field for _lit, field, _spec, _conv in string.Formatter().parse(text) if field}

    wrong = {k: v for k, v in _catalog("fr").items() if names(k) != names(v)}
    assert not wrong
    forms = _plurals("fr")[0]
    assert not {k: v for k, v in forms.items() if any(names(k) != names(f) for f in v)}


def test_accept_language_chooses_among_saisons_languages() -> None:
    assert set(LANGUAGES) == {"fr", "en"}
    assert negotiate("en-GB,en;q=0.9") == "en"
    assert negotiate("de-DE, en;q=0.5, fr;q=0.8") == "fr"
    assert negotiate("de-DE") == "fr"  # the venue's language
    assert negotiate(None) == "fr"


def test_times_are_the_venues_and_read_as_venues_print_them() -> None:
    # 13:00 UTC in January is 14:00 in Paris; 17:00 UTC is 18:00.
    when = Span(datetime(2027, 1, 12, 13, tzinfo=UTC), datetime(2027, 1, 12, 17, tzinfo=UTC))
    text = "{room} is already taken by “{title}”, {when}."
    message = _(text, room="Studio", title="Lac", when=when)
    assert message.render("fr") == (
        "Studio : créneau déjà pris par « Lac », mar. 12 janv. 2027, 14 h 00 – 18 h 00."
    )
    assert message.render("en") == (
        "Studio is already taken by “Lac”, Tue 12 Jan 2027, 14:00 – 18:00."
    )
