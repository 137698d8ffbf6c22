"""An engine's answer is untrusted input: markup, characters, echoed keys, transport.

Every case runs against the real loopback server (``tests/mt_server.py``), scripted to
misbehave: it invents markup, sends odd characters, echoes the key in every encoding an
engine could, trickles, floods and redirects.
"""

from __future__ import annotations

import base64
import json
import logging
import time
import urllib.parse
from collections.abc import Callable, Iterator

import pytest
from mt_server import Fault, MTServer

from locpipe.errors import EngineError, QuotaError
from locpipe.mt import (
    Backoff,
    DeepL,
    LibreTranslate,
    Outcome,
    Result,
    Secret,
    TranslationCache,
    engine_config,
    protect,
    restore,
    translate_texts,
)

KEY = "sk-TEST/KEY+Zq8w3e5r7t9y2u4i:fx"
"""A key with characters that every encoding writes differently."""


def encodings(key: str) -> dict[str, str]:
    """The key as an engine could echo it."""
    data = key.encode()
    return {
        "raw": key,
        "url": urllib.parse.quote(key, safe=""),
        "url-plus": urllib.parse.quote_plus(key),
        "url-lower": urllib.parse.quote(key, safe="").lower(),
        "json": json.dumps(key).replace("/", "\\/")[1:-1],
        "json-unicode": "".join(f"\\u{ord(c):04x}" for c in key),
        "html": "".join(f"&#{ord(c)};" if not c.isalnum() else c for c in key),
        "base64": base64.b64encode(data).decode(),
        "base64-shifted": base64.b64encode(b"k=" + data).decode(),
        "upper": key.upper(),
        "cut": key[:-9],
    }


def leaked(text: str, key: str = KEY) -> list[str]:
    """The encodings of which a run of 6 characters (8 of base64) shows in ``text``."""
    found = []
    lowered = text.lower()
    for name, form in encodings(key).items():
        if name == "cut":
            continue
        if name.startswith("base64"):
            core, size = form[4:-4], 8  # leave out the characters neighbours share
        elif name == "json-unicode":
            core, size = form, 36
        else:
            core, size = form, 6
        runs = {core[i : i + size].lower() for i in range(len(core) - size + 1)}
        if any(run in lowered for run in runs):
            found.append(name)
    return found


class Clock:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def server() -> Iterator[MTServer]:
    with MTServer(deepl_key=KEY) as running:
        yield running


def deepl(server: MTServer, *, answer_limit: int = 1 << 20, **table: object) -> DeepL:
    config = engine_config("deepl", {"url": server.url, "timeout": 5, "max_retries": 1,
                                     "max_wait": 0.01, **table})  # fmt: skip
    return DeepL(config, backoff=Backoff(sleep=Clock().sleep), environ={"DEEPL_AUTH_KEY": KEY},
                 answer_limit=answer_limit)  # fmt: skip


def libre(url: str, **table: object) -> LibreTranslate:
    config = engine_config("libretranslate", {"url": url, "max_retries": 1, "max_wait": 0.01,
                                              "api_key_env": "LT_KEY", **table})  # fmt: skip
    return LibreTranslate(config, backoff=Backoff(sleep=Clock().sleep), environ={"LT_KEY": KEY})


def replace_answer(index: int, change: Callable[[str], str]) -> Fault:
    """Script the next answer: text ``index`` of the batch rewritten by ``change``."""

    def answers(texts: list[str]) -> list[str]:
        return [change(t) if n == index else t for n, t in enumerate(texts)]

    return Fault.answers(answers)


# --- the rule for keys -----------------------------------------------------------------------


def test_the_key_is_redacted_in_every_encoding_and_when_cut_off() -> None:
    secret = Secret(KEY)
    for name, form in encodings(KEY).items():
        text = f"Invalid key '{form}' given."
        shown = secret.redact(text)
        assert shown.startswith("Invalid key '") and "***" in shown, name
        assert not leaked(shown), (name, shown)
    # An excerpt is cut after the search: a key at the cut leaves nothing behind.
    excerpt = secret.excerpt("x" * 95 + KEY, 100)
    assert excerpt == "x" * 95 + "***" and not leaked(excerpt)
    assert secret.excerpt("y" * 300 + urllib.parse.quote(KEY), 200) == "y" * 200 + "..."


def test_text_that_only_shares_a_few_characters_with_the_key_is_kept() -> None:
    secret = Secret(KEY)
    text = "sk-TE is not the key; neither is Zq8w3 nor :fx, nor a TEST or a KEY."
    assert secret.redact(text) == text
    assert not secret.found_in(text)
    assert Secret(None).redact(KEY) == KEY


# --- invented markup and odd characters ------------------------------------------------------

SOURCE = "Zobacz [dokumentację](https://example.com/docs) i `make`."


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda a: a.replace(" I ", " &lt;img src=x onerror=alert(1)&gt; I "),
         "adds the start of an HTML tag"),
        (lambda a: a.replace(" I ", " &lt;script "), "adds the start of an HTML tag"),
        (lambda a: a.replace(" I ", " [click](javascript:alert(1)) I "), "adds a '['"),
        (lambda a: a.replace(" I ", " ![x](https://evil.example/x.png) I "), "adds a '['"),
        (lambda a: a.replace(" I ", " &amp;amp; I "), "markup that was not in the source: '&amp;'"),
        (lambda a: a.replace(" I ", " https://evil.example I "),
         "markup that was not in the source: 'https://evil.example'"),
        (lambda a: a.replace(" I ", " {evil} I "), "markup that was not in the source: '{evil}'"),
        (lambda a: a + "\n[dokumentację]: javascript:alert(1)", "adds a '['"),
        (lambda a: a.replace("ZOBACZ ", "ZOBACZ!"), "changed the markup '[': it now reads '!['"),
        (lambda a: a.replace(" I ", " I \\"), "broke the markup '`make`'"),
        (lambda a: a.replace(" I ", " I\n# "), "adds a line break"),
        (lambda a: a.replace('<x id="3"/>', '<x id="3"/>`'), "broke the markup '`make`'"),
    ],
)  # fmt: skip
def test_markup_the_answer_adds_is_refused_and_not_cached(
    server: MTServer, change: Callable[[str], str], reason: str
) -> None:
    texts = ["Pierwsze zdanie.", SOURCE, "Ostatnie."]
    server.fail(replace_answer(1, change))
    with TranslationCache(":memory:") as cache:
        engine = deepl(server)
        results = translate_texts(engine, texts, source="pl", target="en", cache=cache)
        assert [r.outcome for r in results] == [
            Outcome.TRANSLATED, Outcome.REJECTED, Outcome.TRANSLATED]  # fmt: skip
        assert results[1].translation is None
        assert reason in (results[1].reason or ""), results[1].reason
        # Not cached: a rerun asks again, and keeps a good answer this time.
        again = translate_texts(engine, texts, source="pl", target="en", cache=cache)
    assert again[1].translation == "ZOBACZ [DOKUMENTACJĘ](https://example.com/docs) I `make`."
    assert [len(r.texts) for r in server.translate_requests()] == [3, 1]


def test_text_glued_to_a_bare_url_is_parted_from_it_and_never_extends_it() -> None:
    protected = protect("Strona https://example.com/a i a@b.pl, koniec.")
    for answer, result in [
        ('STRONA <x id="1"/>.evil.example/x I <x id="2"/>.evil, KONIEC.',
         "STRONA https://example.com/a .evil.example/x I a@b.pl .evil, KONIEC."),
        ('STRONA<x id="1"/>@evil I x<x id="2"/>, KONIEC.',
         "STRONA https://example.com/a @evil I x a@b.pl, KONIEC."),
        ('ページ<x id="1"/>と<x id="2"/>を参照。',  # a language written without spaces
         "ページ https://example.com/a と a@b.plを参照。"),  # no domain goes on in を
        ('STRONA <x id="1"/>, I <x id="2"/>.', "STRONA https://example.com/a, I a@b.pl."),
    ]:  # fmt: skip
        assert restore(answer, protected) == result
    # What comes before it cannot make it part of a URL of its own.
    with pytest.raises(EngineError, match="markup that was not in the source: 'https://evil"):
        restore('https://evil.example/<x id="1"/> <x id="2"/>', protected)


def test_links_that_swap_their_texts_are_refused() -> None:
    protected = protect("[a](u) i [b](v)")
    nested = '<x id="1"/>A <x id="3"/>B<x id="2"/> I <x id="4"/>'  # [A [B](u) I ](v)
    with pytest.raises(EngineError, match="which link text goes with which destination"):
        restore(nested, protected)
    assert restore('<x id="3"/>B<x id="4"/> I <x id="1"/>A<x id="2"/>', protected) == (
        "[B](v) I [A](u)")  # the order of whole links may change


@pytest.mark.parametrize(
    "odd", ["\x00", "\x1b[2J", "\x07", "\r", "\x85", "\x9b", "\u2028", "\u2029", "\x7f",
            "\x1c", "\ud800", "\udfff"],
)  # fmt: skip
def test_odd_characters_in_an_answer_are_refused_naming_them(server: MTServer, odd: str) -> None:
    server.fail(replace_answer(1, lambda a: a.replace(" ", odd, 1)))
    with TranslationCache(":memory:") as cache:
        results = translate_texts(deepl(server), ["Jeden.", "Dwa słowa.", "Trzy."],
                                  source="pl", target="en", cache=cache)  # fmt: skip
        assert [r.translation for r in results] == ["JEDEN.", None, "TRZY."]
        assert f"has the character U+{ord(odd[0]):04X}" in (results[1].reason or "")
        stored = cache.lookup(deepl(server).cache_key, "pl", "en", ["Dwa słowa."])
    assert stored == {}


def test_odd_characters_in_an_error_message_are_shown_escaped(server: MTServer) -> None:
    server.fail(Fault.raw(400, json.dumps({"message": "bad \x1b[31mred\x00 \ud800 end"})))
    with pytest.raises(EngineError) as caught:
        translate_texts(deepl(server), ["Tak"], source="pl", target="en")
    message = caught.value.message
    assert "bad \\x1b[31mred\\x00 \\ud800 end" in message
    message.encode("utf-8")  # printable anywhere


def test_an_answer_nested_too_deep_is_malformed_not_a_crash(server: MTServer) -> None:
    server.fail(Fault.raw(200, "[" * 100_000))
    with pytest.raises(EngineError, match="malformed JSON: '\\[\\[\\["):
        translate_texts(deepl(server), ["Tak"], source="pl", target="en")


# --- the key, echoed back --------------------------------------------------------------------


def echo(form: str) -> list[tuple[str, Fault]]:
    """Each way an engine can send the key back, in every error path."""
    padded = "x" * 150 + form  # lands across the cut of a 200-character excerpt
    return [
        ("400 json", Fault.raw(400, json.dumps({"message": f"bad key {form}"}))),
        ("400 html", Fault.raw(400, f"<html><body>key={form}</body></html>")),
        ("400 cut", Fault.raw(400, padded)),
        ("403", Fault.raw(403, json.dumps({"message": f"key {form} refused"}))),
        ("404", Fault.raw(404, f"no route for {form}")),
        ("413", Fault.raw(413, json.dumps({"message": f"{form} too large"}))),
        ("456", Fault.raw(456, json.dumps({"message": f"quota of {form}"}))),
        ("malformed", Fault.raw(200, '{"translations": "' + padded[60:])),
        ("no list", Fault.raw(200, json.dumps({"echo": form}))),
        ("not a string", Fault.raw(200, json.dumps({"translations": [{"text": None,
                                                                     "k": form}]}))),
        ("redirect", Fault.redirect(307, f"http://evil.example/?key={form}")),
    ]  # fmt: skip


@pytest.mark.parametrize("form", list(encodings(KEY)))
def test_an_echoed_key_is_never_shown_in_any_error(
    server: MTServer, form: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    shown: list[str] = []
    value = encodings(KEY)[form]
    for _, fault in echo(value):
        server.fail(fault)
        try:
            results = translate_texts(deepl(server), ["Tak"], source="pl", target="en")
        except EngineError as e:
            shown.append(str(e))
        else:
            shown.extend(r.reason or "" for r in results)
    # Retried errors go to the log: 429 and 5xx with the key in them.
    server.fail(Fault.raw(429, f"slow down {value}"), Fault.raw(503, f"down {value}"))
    with pytest.raises(EngineError) as caught:
        translate_texts(deepl(server), ["Tak"], source="pl", target="en")
    shown.append(str(caught.value))
    everything = "\n".join(shown) + caplog.text
    assert "***" in everything
    assert leaked(everything) == [], everything
    assert len(server.translate_requests()) == len(echo(value)) + 2


def test_a_translation_that_quotes_the_key_is_refused_and_not_cached(server: MTServer) -> None:
    quoting = [f"TAK {form}" for form in encodings(KEY).values() if form != KEY[:-9]]
    for answer in quoting:
        server.fail(Fault.answers(lambda texts, answer=answer: [answer]))  # type: ignore[misc]
        with TranslationCache(":memory:") as cache:
            engine = deepl(server)
            [result] = translate_texts(engine, ["Tak"], source="pl", target="en", cache=cache)
            assert (result.outcome, result.translation) == (Outcome.REJECTED, None), answer
            assert result.reason == (
                "the translation quotes the API key (not shown, not written, not cached)")
            assert cache.lookup(engine.cache_key, "pl", "en", ["Tak"]) == {}


def test_quota_and_too_large_errors_hide_the_key(server: MTServer) -> None:
    server.fail(Fault.raw(456, json.dumps({"message": f"quota for {KEY}"})))
    with pytest.raises(QuotaError) as quota:
        translate_texts(deepl(server), ["Tak"], source="pl", target="en")
    assert "quota for ***" in str(quota.value)
    server.fail(Fault.raw(413, json.dumps({"message": urllib.parse.quote(KEY)})))
    [result] = translate_texts(deepl(server), ["Tak"], source="pl", target="en")
    assert result.reason == "DeepL: request too large (HTTP 413): ***"


# --- transport -------------------------------------------------------------------------------


def test_a_trickled_answer_is_cut_off_at_the_timeout(server: MTServer) -> None:
    # About 140 bytes at 0.05 s each: 7 s; each byte comes well within the per-read timeout.
    server.fail(Fault.trickle(0.05), Fault.trickle(0.05))
    engine = deepl(server, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(EngineError, match=r"gave up after 2 attempts: no complete answer from "
                                          r".* within 0.5 s"):  # fmt: skip
        translate_texts(engine, ["Zdanie dość długie, by odpowiedź szła długo."],
                        source="pl", target="en")  # fmt: skip
    assert time.monotonic() - started < 3


def test_a_trickled_answer_is_retried(server: MTServer) -> None:
    server.fail(Fault.trickle(0.05))
    [result] = translate_texts(deepl(server, timeout=0.5), ["Zdanie dość długie, by szło."],
                               source="pl", target="en")  # fmt: skip
    assert result.translation == "ZDANIE DOŚĆ DŁUGIE, BY SZŁO."
    assert len(server.translate_requests()) == 2


@pytest.mark.parametrize("declared", [True, False])
def test_an_answer_larger_than_the_limit_is_refused(server: MTServer, declared: bool) -> None:
    server.fail(Fault.huge(400 * 1024 * 1024, declared=declared))
    started = time.monotonic()
    with pytest.raises(EngineError) as caught:
        translate_texts(deepl(server, answer_limit=256 * 1024), ["Tak"], source="pl",
                        target="en")  # fmt: skip
    assert time.monotonic() - started < 3
    expected = "would be 419,430,428 bytes" if declared else "is more than the 262,144 bytes"
    assert expected in str(caught.value)
    assert "nothing of it was used" in str(caught.value)
    assert len(server.translate_requests()) == 1  # not retried


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_not_followed_so_the_key_goes_nowhere_else(status: int) -> None:
    with MTServer(deepl_key=KEY) as first, MTServer(deepl_key=KEY) as elsewhere:
        target = elsewhere.url.replace("127.0.0.1", "localhost")
        for engine, path in ((deepl(first), "/v2/translate"), (libre(first.url), "/translate")):
            first.fail(Fault.redirect(status, f"{target}{path}"))
            with pytest.raises(EngineError) as caught:
                translate_texts(engine, ["Tak"], source="pl", target="en")
            assert f"redirects (HTTP {status}) to {target}{path}" in str(caught.value)
            assert "locpipe does not follow redirects" in str(caught.value)
        assert len(first.translate_requests()) == 2  # not retried
        assert elsewhere.received == []
        [libre_request] = [r for r in first.received if r.path == "/translate"]
        assert libre_request.body["api_key"] == KEY  # where it belongs, and nowhere else


def test_the_results_of_a_good_batch_survive_a_bad_one(server: MTServer) -> None:
    seen: list[Result] = []
    server.fail(Fault.delay(0), Fault.huge(10 << 20, declared=False))
    with TranslationCache(":memory:") as cache, pytest.raises(EngineError):
        translate_texts(deepl(server, answer_limit=1 << 20, max_texts=2),
                        ["Jeden", "Dwa", "Trzy"], source="pl", target="en", cache=cache,
                        on_batch=seen.extend)  # fmt: skip
    assert [r.translation for r in seen] == ["JEDEN", "DWA"]


def test_an_answer_cached_before_the_checks_refused_it_is_asked_for_again(
    server: MTServer,
) -> None:
    engine = deepl(server)
    source = "Zobacz [to](https://x.y)."
    with TranslationCache(":memory:") as cache:
        # what an older locpipe cached: invented markup, and the key
        cache.store(engine.cache_key, "pl", "en", {
            protect(source).text: 'SEE <x id="1"/>IT<x id="2"/> [click](javascript:alert(1)).',
            "Tak": f"YES {KEY}"})  # fmt: skip
        results = translate_texts(engine, [source, "Tak"], source="pl", target="en",
                                  cache=cache)  # fmt: skip
        assert [(r.outcome, r.translation) for r in results] == [
            (Outcome.TRANSLATED, "ZOBACZ [TO](https://x.y)."), (Outcome.TRANSLATED, "TAK")]
        assert cache.lookup(engine.cache_key, "pl", "en", ["Tak"]) == {"Tak": "TAK"}
    assert [r.texts for r in server.translate_requests()] == [[protect(source).text, "Tak"]]


def test_looking_for_the_key_takes_time_linear_in_the_text() -> None:
    secret = Secret(KEY)
    text = "Zażółć gęślą jaźń &amp; %20 \\u0041 the quick brown fox. " * 20_000  # 1.1 MB
    started = time.monotonic()
    assert secret.redact(text + KEY) == text + "***"
    assert time.monotonic() - started < 5  # about 0.5 s; one pattern of every run took 15 s
