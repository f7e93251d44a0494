"""Redaction (_redact.py): which values of a URL are secret, and texts shown with them as REDACTED.

Pure functions, pinned on concrete values: every credential parameter wherever it stands in a
query, a guest session id in a path, the forms a secret takes once URL-encoded, secrets that
overlap, and the length below which a "secret" is left alone. How the client uses them
(exceptions, log lines, error pages) is pinned in test_transport*.py and test_client.py.
"""

from __future__ import annotations

import httpx
import pytest

from tmdb_async._redact import has_secret, redact_url, scrub, scrub_bytes, url_secrets

BASE = "https://api.themoviedb.org/3"


# -- redact_url ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"{BASE}/movie/550?api_key=k3y", f"{BASE}/movie/550?api_key=REDACTED"),
        (f"{BASE}/movie/550?language=en&api_key=k3y&page=2", f"{BASE}/movie/550?language=en&api_key=REDACTED&page=2"),
        (f"{BASE}/movie/550/rating?session_id=s%2Fid", f"{BASE}/movie/550/rating?session_id=REDACTED"),
        (f"{BASE}/movie/550/rating?guest_session_id=g1#top", f"{BASE}/movie/550/rating?guest_session_id=REDACTED#top"),
        (f"{BASE}/movie/550?api_key=", f"{BASE}/movie/550?api_key=REDACTED"),
        (f"{BASE}/movie/550?my_api_key=kept&xsession_id=kept", f"{BASE}/movie/550?my_api_key=kept&xsession_id=kept"),
        (f"{BASE}/guest_session/g-1/rated/movies", f"{BASE}/guest_session/REDACTED/rated/movies"),
        (f"{BASE}/guest_session/g-1/rated/tv?api_key=k", f"{BASE}/guest_session/REDACTED/rated/tv?api_key=REDACTED"),
        (f"{BASE}/guest_session/new", f"{BASE}/guest_session/new"),  # not an id: no /rated after it
        ("/3/movie/550", "/3/movie/550"),
    ],
)
def test_redact_url_hides_every_credential_value_and_keeps_the_rest(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    assert redact_url(httpx.URL(url)) == str(httpx.URL(shown))


# -- has_secret ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        (f"{BASE}/movie/550/rating?session_id=s", True),
        (f"{BASE}/movie/550/rating?guest_session_id=g", True),
        (f"{BASE}/guest_session/g/rated/movies", True),
        (f"{BASE}/movie/550?api_key=k", False),  # the key is added to a copy, after httpx logged this one
        (f"{BASE}/movie/550?language=en", False),
        (f"{BASE}/search/movie?query=guest_session", False),  # in the query, not the path
    ],
)
def test_has_secret_says_whether_the_url_httpx_logs_carries_a_session(url: str, secret: bool) -> None:
    assert has_secret(httpx.URL(url)) is secret


# -- url_secrets --------------------------------------------------------------------------------------------------


def test_url_secrets_are_every_credential_value_as_sent_and_decoded() -> None:
    url = f"{BASE}/guest_session/g%2B1/rated/movies?api_key=k%2Fy&session_id=s+1&language=en"
    assert sorted(url_secrets(url)) == sorted(["g%2B1", "g+1", "k%2Fy", "k/y", "s+1", "s 1"])
    assert sorted(url_secrets(httpx.URL(url))) == sorted(url_secrets(url))


def test_url_secrets_list_a_value_that_needs_no_decoding_once_and_skip_empty_ones() -> None:
    assert url_secrets(f"{BASE}/movie/550?api_key=plain&session_id=") == ["plain"]
    assert url_secrets(f"{BASE}/movie/550?language=en") == []


# -- scrub and scrub_bytes ----------------------------------------------------------------------------------------


def test_scrub_replaces_every_occurrence_of_each_secret() -> None:
    assert scrub("key abc, again abc; tok xyz1", ["abc", "xyz1"]) == "key REDACTED, again REDACTED; tok REDACTED"


def test_scrub_replaces_the_longest_secret_first_so_no_part_of_it_is_left() -> None:
    # "xyz" sorts after "abxyzcd" and is shorter: replaced first, it would leave "ab" and "cd" shown.
    assert scrub("[abxyzcd]", ["xyz", "abxyzcd"]) == "[REDACTED]"
    assert scrub("[abxyzcd]", ["abxyzcd", "xyz"]) == "[REDACTED]"
    assert scrub("[abc] [bcdef]", ["bcdef", "abc"]) == "[REDACTED] [REDACTED]"


def test_scrub_replaces_a_secret_of_three_characters_and_leaves_shorter_ones() -> None:
    assert scrub("id=abc", ["abc"]) == "id=REDACTED"
    assert scrub("id=ab a", ["ab", "a", ""]) == "id=ab a"  # replacing these would garble the text
    assert scrub("id=ab abc", ["ab", "abc"]) == "id=ab REDACTED"


def test_scrub_of_a_text_without_the_secrets_is_the_text() -> None:
    assert scrub("nothing here", ["secret", "other"]) == "nothing here"
    assert scrub("", ["secret"]) == ""


def test_scrub_bytes_replaces_secrets_in_a_body_longest_first() -> None:
    body = b'{"status_message": "bad key abxyzcd in /3/movie?api_key=abxyzcd", "id": "xyz"}'
    assert scrub_bytes(body, ["xyz", "abxyzcd"]) == (
        b'{"status_message": "bad key REDACTED in /3/movie?api_key=REDACTED", "id": "REDACTED"}'
    )


def test_scrub_bytes_replaces_a_secret_of_three_bytes_and_leaves_shorter_ones() -> None:
    assert scrub_bytes(b"id=abc ab", ["abc", "ab"]) == b"id=REDACTED ab"
    # Three UTF-8 bytes from two characters: counted in bytes, it is long enough.
    assert scrub_bytes("id=é1".encode(), ["é1"]) == b"id=REDACTED"
    assert scrub_bytes(b"id=ab", ["ab"]) == b"id=ab"


def test_scrub_bytes_finds_a_secret_holding_bytes_that_are_not_utf8() -> None:
    # A value read from the environment keeps its undecodable bytes as surrogates (os.fsdecode).
    secret = b"k\xffey".decode("utf-8", "surrogateescape")
    assert scrub_bytes(b"key k\xffey!", [secret]) == b"key REDACTED!"


def test_scrub_bytes_of_a_body_without_the_secrets_is_the_body() -> None:
    assert scrub_bytes(b"nothing here", ["secret"]) == b"nothing here"
