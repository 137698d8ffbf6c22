"""Machine translation, through a real loopback server that speaks both engines' APIs."""

from __future__ import annotations

import email.utils
import logging
import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mt_server import DEEPL_KEY, LIBRE_KEY, Fault, MTServer, fake_translate

from locpipe.errors import ConfigError, EngineError, QuotaError
from locpipe.mt import (
    Backoff,
    DeepL,
    EngineConfig,
    Estimate,
    LibreTranslate,
    Outcome,
    Result,
    TranslationCache,
    Usage,
    batches,
    deepl_source,
    deepl_target,
    engine_config,
    estimate,
    libre_language,
    make_engine,
    protect,
    restore,
    translate_texts,
)

TEXTS = [
    "Witaj, `świecie`!",
    'Zobacz [dokumentację](https://example.com/docs "Dokumentacja") i <b>ją</b> przeczytaj.',
    "Masz {count} nowych wiadomości & %(name)s czeka.",
]


class Clock:
    """Stands in for ``time.sleep``: records the waits instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def server() -> Iterator[MTServer]:
    with MTServer() as running:
        yield running


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_deepl(server: MTServer, clock: Clock, *, key: str = DEEPL_KEY, **table: object) -> DeepL:
    config = engine_config("deepl", {"url": server.url, "timeout": 5, "max_retries": 3, **table})
    backoff = Backoff(sleep=clock.sleep, jitter=lambda: 0.5)
    return DeepL(config, backoff=backoff, environ={"DEEPL_AUTH_KEY": key})


def make_libre(server: MTServer, clock: Clock, **table: object) -> LibreTranslate:
    config = engine_config("libretranslate", {"url": server.url, "max_retries": 3, **table})
    backoff = Backoff(sleep=clock.sleep, jitter=lambda: 0.5)
    return LibreTranslate(config, backoff=backoff, environ={"LT_KEY": LIBRE_KEY})


def expected(text: str) -> str:
    """What the fake engine's answer for ``text`` restores to."""
    protected = protect(text)
    return restore(fake_translate(protected.text, markup=True), protected)


def sizes(server: MTServer) -> list[int]:
    return [len(request.texts) for request in server.translate_requests()]


# --- markup protection -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sent", "originals"),
    [
        ("Zwykły tekst.", "Zwykły tekst.", ()),
        ("Uruchom `make`.", 'Uruchom <x id="1"/>.', ("`make`",)),
        ("Kod ``a ` b`` tu", 'Kod <x id="1"/> tu', ("``a ` b``",)),
        (
            'Zobacz [to](https://x.y/a_(b) "Tytuł").',
            'Zobacz <x id="1"/>to<x id="2"/>.',
            ("[", '](https://x.y/a_(b) "Tytuł")'),
        ),
        ("![Logo](logo.png)", '<x id="1"/>Logo<x id="2"/>', ("![", "](logo.png)")),
        ("Patrz [to][etykieta][^1].", 'Patrz <x id="1"/>to<x id="2"/>.', ("[", "][etykieta][^1]")),
        ("Adres <https://x.y/z> i a@b.pl", 'Adres <x id="1"/> i <x id="2"/>',
         ("<https://x.y/z>", "a@b.pl")),
        ("Strona https://x.y/a, dalej.", 'Strona <x id="1"/>, dalej.', ("https://x.y/a",)),
        ("<b>Tak</b><br/> <!-- nie -->", '<x id="1"/>Tak<x id="2"/> <x id="3"/>',
         ("<b>", "</b><br/>", "<!-- nie -->")),
        ("Masz {n} i %(k)s i %d, 50% osób",
         'Masz <x id="1"/> i <x id="2"/> i <x id="3"/>, 50% osób', ("{n}", "%(k)s", "%d")),
        ("A & B < C > D", "A &amp; B &lt; C &gt; D", ()),
        ("Spacja&nbsp;twarda", 'Spacja<x id="1"/>twarda', ("&nbsp;",)),
        (r"Nie \[link\](x) ani \`kod`", r"Nie \[link\](x) ani \`kod`", ()),
    ],
)  # fmt: skip
def test_protect_replaces_markup_with_numbered_tags(
    text: str, sent: str, originals: tuple[str, ...]
) -> None:
    protected = protect(text)
    assert (protected.text, protected.originals) == (sent, originals)
    assert restore(protected.text, protected) == text


def test_protect_knows_when_nothing_is_left_to_translate() -> None:
    assert not protect("`make install` https://x.y {n}").translatable
    assert protect("`make` teraz").translatable


def test_restore_accepts_tags_as_an_html_serialiser_writes_them() -> None:
    protected = protect("Uruchom `make` i {n}.")
    assert restore("RUN <x id='1'></x> AND <X ID=\"2\" />.", protected) == "RUN `make` AND {n}."


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ('OPEN <x id="1"/> LINK.', "lost the markup '](u)'"),
        ('<x id="1"/>LINK<x id="2"/> <x id="2"/>', "repeated the markup '](u)'"),
        ('<x id="1"/>LINK<x id="2"/><x id="3"/>', "tags that were not sent: [3]"),
        ('<x id="2"/>LINK<x id="1"/>', "put the markup '](u)' before the markup '['"),
        ('<x id="1"/><i>LINK</i><x id="2"/>', "markup that was not in the source: '<i>LINK"),
    ],
)
def test_restore_rejects_a_broken_answer(answer: str, problem: str) -> None:
    with pytest.raises(EngineError, match=re.escape(problem)):
        restore(answer, protect("[link](u)"))


PIECES = [
    "`kod`", "``a ` b``", '[tekst](https://ex.com/a_(b) "t")', "![alt](img.png)", "[r][l]",
    "[^1]", "<b>", "</b>", "<br/>", "<!-- c -->", "<https://x.y>", "https://ex.com/p?q=1",
    "www.ex.com", "jan@ex.com", "{name}", "{{ v }}", "%(n)s", "%s", "&amp;", "&nbsp;", "&",
    "<", ">", "[", "]", "(", ")", "`", "\\", "\\[", "!", "{", "}", "%", "słowo", "Word", " ",
    "\n", '"', "'", "*", "_", ":", 'x id="1"', '<x id="1"/>', "</x>",
]  # fmt: skip
MARKDOWNISH = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=25).map("".join)
TAG = re.compile(r'<x id="(\d+)"/>')


@settings(deadline=None)
@given(st.one_of(MARKDOWNISH, st.text()))
def test_protect_then_restore_is_exact(text: str) -> None:
    protected = protect(text)
    assert restore(protected.text, protected) == text


@settings(deadline=None)
@given(MARKDOWNISH)
def test_protected_text_holds_only_our_tags_numbered_in_order(text: str) -> None:
    protected = protect(text)
    numbers = [int(n) for n in TAG.findall(protected.text)]
    assert numbers == list(range(1, len(protected.originals) + 1))
    assert not re.search("[<>]", TAG.sub("", protected.text))


@settings(deadline=None)
@given(MARKDOWNISH)
def test_a_translation_that_keeps_the_tags_restores_all_markup(text: str) -> None:
    protected = protect(text)
    for html_form in (False, True):  # DeepL's XML form, then an HTML serialiser's
        answer = fake_translate(protected.text, markup=True)
        if html_form:
            answer = re.sub(r"<(x [^>]*?)/>", r"<\1></x>", answer)
        restored = restore(answer, protected)
        assert all(original in restored for original in protected.originals)


# --- configuration and locales ---------------------------------------------------------------


def test_engine_config_fills_the_engine_defaults() -> None:
    config = engine_config("deepl", {})
    assert (config.url, config.api_key_env, config.timeout) == (None, "DEEPL_AUTH_KEY", 30.0)
    assert engine_config("libretranslate", {"url": "http://lt:5000/"}).url == "http://lt:5000"


@pytest.mark.parametrize(
    ("name", "table", "message"),
    [
        ("deepl", {"api_key": "x"}, "[mt.deepl]: unknown key 'api_key'"),
        ("libretranslate", {"formality": "more"}, "unknown key 'formality'"),
        ("deepl", {"timeout": "fast"}, "timeout: expected a positive number"),
        ("deepl", {"max_retries": -1}, "max_retries: expected a whole number of at least 0"),
        ("deepl", {"url": "ftp://x"}, "url: expected an http:// or https:// URL"),
        ("deepl", {"formality": "rude"}, "formality: expected one of default"),
        ("deepl", {"price_per_million": -1}, "price_per_million: expected a number of at least 0"),
        ("deepl", {"target_variants": {"en": "EN-AU"}}, "'EN-AU' is not a DeepL target variant"),
        ("google", {}, "unknown engine [mt.google]; known engines: deepl, libretranslate"),
    ],
)
def test_engine_config_rejects_what_it_does_not_know(
    name: str, table: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)) as caught:
        engine_config(name, table, path="locpipe.toml")
    assert caught.value.path == "locpipe.toml"


def test_a_key_pasted_as_api_key_env_is_not_echoed() -> None:
    with pytest.raises(ConfigError) as caught:
        engine_config("deepl", {"api_key_env": DEEPL_KEY})
    assert DEEPL_KEY not in str(caught.value)
    assert "name of an environment variable" in str(caught.value)


def test_a_missing_key_names_the_variable() -> None:
    config = engine_config("deepl", {"api_key_env": "MY_DEEPL"})
    with pytest.raises(ConfigError, match="environment variable MY_DEEPL"):
        make_engine(config, environ={})


def test_deepl_cannot_do_without_a_key() -> None:
    with pytest.raises(ConfigError, match="api_key_env must name"):
        make_engine(EngineConfig("deepl"), environ={})


def test_make_engine_builds_the_configured_engine(server: MTServer) -> None:
    config = engine_config("libretranslate", {"url": server.url})
    engine = make_engine(config, environ={})
    assert isinstance(engine, LibreTranslate)
    assert repr(engine) == f"LibreTranslate(url='{server.url}', api_key_env=None)"
    [result] = translate_texts(engine, ["Tak"], source="pl", target="en")
    assert result.translation == "TAK"
    engine.close()


def test_deepl_url_defaults_to_the_official_endpoint_for_the_key() -> None:
    config = engine_config("deepl", {})
    free = make_engine(config, environ={"DEEPL_AUTH_KEY": "k:fx"})
    pro = make_engine(config, environ={"DEEPL_AUTH_KEY": "k"})
    assert (free.url, pro.url) == ("https://api-free.deepl.com", "https://api.deepl.com")


@pytest.mark.parametrize(
    ("locale", "source", "target", "libre"),
    [
        ("pl", "PL", "PL", "pl"),
        ("en", "EN", "EN-GB", "en"),
        ("en_US", "EN", "EN-US", "en"),
        ("en-GB", "EN", "EN-GB", "en"),
        ("pt", "PT", "PT-PT", "pt"),
        ("pt_BR", "PT", "PT-BR", "pt"),
        ("zh_Hant_TW", "ZH", "ZH-HANT", "zh"),
        ("zh_TW", "ZH", "ZH-HANT", "zh"),
        ("es_419", "ES", "ES-419", "es"),
        ("de_AT", "DE", "DE", "de"),
    ],
)
def test_locale_codes_map_to_each_engine(locale: str, source: str, target: str, libre: str) -> None:
    assert (deepl_source(locale), deepl_target(locale), libre_language(locale)) == (
        source,
        target,
        libre,
    )


def test_bare_english_target_is_configurable() -> None:
    config = engine_config("deepl", {"target_variants": {"en": "en_US"}})
    assert deepl_target("en", config.target_variants) == "EN-US"
    assert deepl_target("en_GB", config.target_variants) == "EN-GB"


# --- batching --------------------------------------------------------------------------------


def test_batches_respect_the_count_limit() -> None:
    assert [len(b) for b in batches(["a"] * 120, max_texts=50, max_bytes=10_000)] == [50, 50, 20]


def test_batches_respect_the_byte_limit_and_send_an_oversize_text_alone() -> None:
    texts = ["ą" * 400, "b" * 300, "c" * 2000, "d" * 10, "e" * 10]
    assert list(batches(texts, max_texts=50, max_bytes=1000)) == [[0], [1], [2], [3, 4]]


def test_deepl_requests_stay_within_fifty_texts(server: MTServer, clock: Clock) -> None:
    texts = [f"Zdanie numer {n}." for n in range(120)]
    results = translate_texts(make_deepl(server, clock), texts, source="pl", target="en")
    assert sizes(server) == [50, 50, 20]
    assert [r.translation for r in results] == [t.upper() for t in texts]


def test_deepl_requests_stay_within_128_kib(server: MTServer, clock: Clock) -> None:
    texts = [f"{n} " + "zażółć gęślą jaźń " * 300 for n in range(40)]
    results = translate_texts(make_deepl(server, clock), texts, source="pl", target="en")
    assert all(r.outcome is Outcome.TRANSLATED for r in results)
    assert len(sizes(server)) > 1
    assert all(len(r.raw) <= 128 * 1024 for r in server.received)


def test_a_too_large_batch_is_split_in_half(clock: Clock) -> None:
    with MTServer(deepl_max_texts=2) as server:
        texts = [f"Tekst {n}" for n in range(5)]
        results = translate_texts(make_deepl(server, clock), texts, source="pl", target="en")
        assert sizes(server) == [5, 2, 3, 1, 2]
    assert [r.translation for r in results] == [t.upper() for t in texts]


def test_a_text_too_large_on_its_own_is_rejected_and_the_rest_kept(clock: Clock) -> None:
    with MTServer(deepl_max_bytes=2000) as server:
        texts = ["Krótki.", "Długi " * 500, "Też krótki."]
        results = translate_texts(make_deepl(server, clock), texts, source="pl", target="en")
    assert [r.outcome for r in results] == [
        Outcome.TRANSLATED,
        Outcome.REJECTED,
        Outcome.TRANSLATED,
    ]
    assert "request too large (HTTP 413)" in (results[1].reason or "")


# --- the two engines -------------------------------------------------------------------------


def test_deepl_translates_with_xml_tag_handling(server: MTServer, clock: Clock) -> None:
    results = translate_texts(make_deepl(server, clock), TEXTS, source="pl", target="en")
    assert [r.translation for r in results] == [expected(t) for t in TEXTS]
    assert results[0].translation == "WITAJ, `świecie`!"
    assert results[2].translation == "MASZ {count} NOWYCH WIADOMOŚCI & %(name)s CZEKA."
    [request] = server.received
    assert request.authorization_ok
    assert request.headers["Content-Type"] == "application/json"
    assert request.body == {
        "text": [protect(t).text for t in TEXTS],
        "source_lang": "PL",
        "target_lang": "EN-GB",
        "tag_handling": "xml",
        "ignore_tags": ["x"],
    }


def test_deepl_sends_regional_targets_and_formality(server: MTServer, clock: Clock) -> None:
    engine = make_deepl(server, clock, formality="prefer_less")
    translate_texts(engine, ["Cześć"], source="pl", target="pt_BR")
    translate_texts(engine, ["Olá"], source="pt_BR", target="en_US")
    first, second = (r.body for r in server.received)
    assert (first["target_lang"], first["formality"]) == ("PT-BR", "prefer_less")
    assert (second["source_lang"], second["target_lang"]) == ("PT", "EN-US")


def test_deepl_reports_its_usage(server: MTServer, clock: Clock) -> None:
    engine = make_deepl(server, clock)
    translate_texts(engine, ["Dzień dobry"], source="pl", target="de")
    assert engine.usage() == Usage(characters=11, limit=1_000_000)
    assert server.received[-1].path == "/v2/usage"


def test_libretranslate_translates_a_list_as_html(clock: Clock) -> None:
    with MTServer(libre_key=LIBRE_KEY) as server:
        engine = make_libre(server, clock, api_key_env="LT_KEY")
        results = translate_texts(engine, TEXTS, source="pl", target="en_GB")
        [request] = server.received
    assert [r.translation for r in results] == [expected(t) for t in TEXTS]
    assert request.body == {
        "q": [protect(t).text for t in TEXTS],
        "source": "pl",
        "target": "en",
        "format": "html",
        "api_key": LIBRE_KEY,
    }
    assert engine.usage() is None


def test_libretranslate_batches_within_a_configured_limit(clock: Clock) -> None:
    with MTServer(libre_batch_limit=4) as server:
        engine = make_libre(server, clock, max_texts=4)
        translate_texts(engine, [f"Zdanie {n}" for n in range(10)], source="pl", target="en")
        assert sizes(server) == [4, 4, 2]


def test_libretranslate_rejects_a_wrong_key_without_retrying(clock: Clock) -> None:
    with MTServer(libre_key="another") as server:
        engine = make_libre(server, clock, api_key_env="LT_KEY")
        with pytest.raises(EngineError, match=r"HTTP 403\): Invalid API key \(check the key"):
            translate_texts(engine, ["Tak"], source="pl", target="en")
        assert len(server.received) == 1


# --- failures and retries --------------------------------------------------------------------


def test_429_with_retry_after_seconds_waits_as_told(server: MTServer, clock: Clock) -> None:
    server.fail(Fault.http(429, retry_after="1"), Fault.http(429, retry_after="3"))
    results = translate_texts(make_deepl(server, clock), ["Tak"], source="pl", target="en")
    assert clock.waits == [1.0, 3.0]
    assert results[0].translation == "TAK"
    assert len(server.received) == 3


def test_429_with_retry_after_date_waits_until_then(server: MTServer, clock: Clock) -> None:
    when = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    server.fail(Fault.http(429, retry_after=when))
    translate_texts(make_deepl(server, clock), ["Tak"], source="pl", target="en")
    [wait] = clock.waits
    assert 28 <= wait <= 30


def test_retry_after_is_capped(server: MTServer, clock: Clock) -> None:
    server.fail(Fault.http(429, retry_after="3600"))
    translate_texts(make_deepl(server, clock, max_wait=20), ["Tak"], source="pl", target="en")
    assert clock.waits == [20.0]


def test_429_without_retry_after_backs_off_exponentially_with_jitter(
    server: MTServer, clock: Clock
) -> None:
    server.fail(Fault.http(429), Fault.http(429), Fault.http(429))
    translate_texts(make_deepl(server, clock), ["Tak"], source="pl", target="en")
    assert clock.waits == [0.25, 0.5, 1.0]  # jitter 0.5 times 0.5, 1, 2 seconds


@pytest.mark.parametrize("status", [500, 502, 503, 529])
def test_server_errors_are_retried(server: MTServer, clock: Clock, status: int) -> None:
    server.fail(Fault.http(status))
    results = translate_texts(make_deepl(server, clock), ["Tak"], source="pl", target="en")
    assert results[0].translation == "TAK"
    assert len(server.received) == 2


def test_retries_give_up_with_what_happened(server: MTServer, clock: Clock) -> None:
    server.fail(*[Fault.http(503)] * 4)
    with pytest.raises(EngineError, match=r"DeepL: gave up after 4 attempts: HTTP 503"):
        translate_texts(make_deepl(server, clock), ["Tak"], source="pl", target="en")
    assert len(clock.waits) == 3


def test_quota_exceeded_stops_at_once(server: MTServer, clock: Clock) -> None:
    server.fail(Fault.http(456))
    with pytest.raises(QuotaError, match=r"DeepL quota exceeded: .*the run stops"):
        translate_texts(make_deepl(server, clock), ["Tak"], source="pl", target="en")
    assert (len(server.received), clock.waits) == (1, [])


def test_quota_exceeded_keeps_what_was_paid_for(clock: Clock) -> None:
    texts = [f"Zdanie {n}." for n in range(4)]
    seen: list[Result] = []
    with MTServer(character_limit=20) as server, TranslationCache(":memory:") as cache:
        engine = make_deepl(server, clock, max_texts=2)
        with pytest.raises(QuotaError):
            translate_texts(
                engine, texts, source="pl", target="en", cache=cache, on_batch=seen.extend
            )
        assert [r.translation for r in seen] == ["ZDANIE 0.", "ZDANIE 1."]
        assert cache.lookup(engine.cache_key, "pl", "en", [protect(t).text for t in texts]) == {
            "Zdanie 0.": "ZDANIE 0.",
            "Zdanie 1.": "ZDANIE 1.",
        }


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (Fault.http(400, message="Value for 'formality' not supported."),
         r"HTTP 400\): Value for 'formality'"),
        (Fault.http(403),
         r"HTTP 403\): Authorization failed \(check the key in \$DEEPL_AUTH_KEY\)"),
        (Fault.http(404), "HTTP 404"),
    ],
)  # fmt: skip
def test_client_errors_are_not_retried(
    server: MTServer, clock: Clock, fault: Fault, message: str
) -> None:
    server.fail(fault)
    with pytest.raises(EngineError, match=message):
        translate_texts(make_deepl(server, clock), ["Tak"], source="pl", target="en")
    assert (len(server.received), clock.waits) == (1, [])


def test_an_unsupported_language_is_the_servers_400(server: MTServer, clock: Clock) -> None:
    with pytest.raises(EngineError, match="Value for 'target_lang' not supported"):
        translate_texts(make_deepl(server, clock), ["Tak"], source="pl", target="tlh")


def test_malformed_json_is_an_error(server: MTServer, clock: Clock) -> None:
    server.fail(Fault.malformed())
    with pytest.raises(EngineError, match="DeepL answered with malformed JSON"):
        translate_texts(make_deepl(server, clock), ["Tak"], source="pl", target="en")


@pytest.mark.parametrize("engine", ["deepl", "libretranslate"])
def test_a_wrong_number_of_translations_is_an_error(
    server: MTServer, clock: Clock, engine: str
) -> None:
    server.fail(Fault.wrong_count())
    client = make_deepl(server, clock) if engine == "deepl" else make_libre(server, clock)
    with pytest.raises(EngineError, match="returned 3 translations for 2 texts"):
        translate_texts(client, ["Tak", "Nie"], source="pl", target="en")


def test_a_slow_answer_times_out_and_is_retried(server: MTServer, clock: Clock) -> None:
    server.fail(Fault.delay(2.0))
    engine = make_deepl(server, clock, timeout=0.2)
    results = translate_texts(engine, ["Tak"], source="pl", target="en")
    assert results[0].translation == "TAK"
    assert len(server.received) == 2


def test_answers_that_never_come_give_up(server: MTServer, clock: Clock) -> None:
    server.fail(Fault.delay(2.0), Fault.delay(2.0))
    engine = make_deepl(server, clock, timeout=0.2, max_retries=1)
    with pytest.raises(EngineError, match=r"gave up after 2 attempts: no answer .* within 0.2 s"):
        translate_texts(engine, ["Tak"], source="pl", target="en")


def test_a_server_that_is_not_there_is_retried_then_reported(clock: Clock) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = engine_config("deepl", {"url": f"http://127.0.0.1:{port}", "max_retries": 2})
    engine = DeepL(config, backoff=Backoff(sleep=clock.sleep), environ={"DEEPL_AUTH_KEY": "k"})
    with pytest.raises(EngineError, match="gave up after 3 attempts: cannot connect"):
        translate_texts(engine, ["Tak"], source="pl", target="en")
    assert len(clock.waits) == 2


@pytest.mark.parametrize("fault", [Fault.drop_tag(index=1), Fault.duplicate_tag(index=1)])
def test_a_lost_or_repeated_tag_rejects_only_that_text(
    server: MTServer, clock: Clock, fault: Fault
) -> None:
    server.fail(fault)
    with TranslationCache(":memory:") as cache:
        engine = make_deepl(server, clock)
        results = translate_texts(engine, TEXTS, source="pl", target="en", cache=cache)
        assert [r.outcome for r in results] == [
            Outcome.TRANSLATED,
            Outcome.REJECTED,
            Outcome.TRANSLATED,
        ]
        assert results[1].translation is None
        assert "the markup '['" in (results[1].reason or "")
        again = translate_texts(engine, TEXTS, source="pl", target="en", cache=cache)
    assert sizes(server) == [3, 1]  # only the rejected text is asked for again
    assert [r.outcome for r in again] == [Outcome.CACHED, Outcome.TRANSLATED, Outcome.CACHED]


# --- cache -----------------------------------------------------------------------------------


def test_a_rerun_is_answered_from_the_cache(server: MTServer, clock: Clock, tmp_path: Path) -> None:
    path = tmp_path / ".locpipe-cache" / "mt.sqlite3"
    engine = make_deepl(server, clock)
    with TranslationCache(path) as cache:
        first = translate_texts(engine, TEXTS, source="pl", target="en", cache=cache)
    with TranslationCache(path) as cache:
        second = translate_texts(engine, TEXTS, source="pl", target="en", cache=cache)
    assert len(server.received) == 1
    assert [r.translation for r in second] == [r.translation for r in first]
    assert {r.outcome for r in second} == {Outcome.CACHED}


def test_on_batch_gets_every_result_once_known_ones_first(server: MTServer, clock: Clock) -> None:
    engine = make_deepl(server, clock, max_texts=2)
    texts = ["Tak", "`make`", "Nie", "Może", "Tak"]
    calls: list[list[tuple[int, Outcome]]] = []
    with TranslationCache(":memory:") as cache:
        translate_texts(engine, ["Nie"], source="pl", target="en", cache=cache)
        results = translate_texts(engine, texts, source="pl", target="en", cache=cache,
                                  on_batch=lambda done: calls.append(
                                      [(r.index, r.outcome) for r in done]))  # fmt: skip
    assert calls == [
        [(1, Outcome.UNCHANGED), (2, Outcome.CACHED)],
        [(0, Outcome.TRANSLATED), (4, Outcome.TRANSLATED), (3, Outcome.TRANSLATED)],
    ]
    assert sorted(index for call in calls for index, _ in call) == [r.index for r in results]


def test_the_cache_is_keyed_by_engine_options_and_languages(server: MTServer, clock: Clock) -> None:
    with TranslationCache(":memory:") as cache:
        for table, target in [({}, "en"), ({}, "de"), ({"formality": "more"}, "de"), ({}, "en")]:
            engine = make_deepl(server, clock, **table)
            translate_texts(engine, ["Tak"], source="pl", target=target, cache=cache)
    assert len(server.received) == 3


def test_repeated_and_untranslatable_texts_cost_nothing(server: MTServer, clock: Clock) -> None:
    texts = ["Tak", "`make`", "Tak", "https://x.y"]
    results = translate_texts(make_deepl(server, clock), texts, source="pl", target="en")
    assert sizes(server) == [1]
    assert [(r.outcome, r.translation) for r in results] == [
        (Outcome.TRANSLATED, "TAK"),
        (Outcome.UNCHANGED, "`make`"),
        (Outcome.TRANSLATED, "TAK"),
        (Outcome.UNCHANGED, "https://x.y"),
    ]


def test_estimate_counts_what_a_run_would_send(server: MTServer, clock: Clock) -> None:
    texts = ["Tak", "Tak", "Nie `x`", "`make`"]
    assert estimate(texts) == Estimate(texts=2, characters=len("Tak") + len('Nie <x id="1"/>'))
    with TranslationCache(":memory:") as cache:
        engine = make_deepl(server, clock)
        translate_texts(engine, ["Tak"], source="pl", target="en", cache=cache)
        dry = estimate(texts, source="pl", target="en", cache=cache, cache_key=engine.cache_key)
    assert dry == Estimate(texts=1, characters=len('Nie <x id="1"/>'), cached=1)


# --- secrets and logging ---------------------------------------------------------------------


def test_requests_are_logged_without_keys(
    server: MTServer, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    engine = make_deepl(server, clock)
    server.fail(Fault.http(429), Fault.http(400, message=f"echo {DEEPL_KEY}"))
    with pytest.raises(EngineError) as caught:
        translate_texts(engine, ["Tak"], source="pl", target="en")
    engine.usage()
    wrong = make_deepl(server, clock, key="wrong-secret-31337")
    with pytest.raises(EngineError) as refused:
        translate_texts(wrong, ["Tak"], source="pl", target="en")
    messages = [r.getMessage() for r in caplog.records if r.name == "locpipe.mt"]
    assert any(f"POST {server.url}/v2/translate" in m and "HTTP 429" in m for m in messages)
    assert any(f"GET {server.url}/v2/usage" in m and "HTTP 200" in m for m in messages)
    assert "echo ***" in str(caught.value)
    for secret in (DEEPL_KEY, "wrong-secret-31337"):
        for shown in (caplog.text, str(caught.value), str(refused.value), repr(engine),
                      repr(wrong), repr(engine.config), repr(vars(engine.config))):  # fmt: skip
            assert secret not in shown
    for request in server.received:
        assert DEEPL_KEY not in request.raw.decode() + request.query + str(request.headers)


def test_libretranslate_key_travels_only_in_the_body(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with MTServer(libre_key=LIBRE_KEY) as server:
        engine = make_libre(server, clock, api_key_env="LT_KEY")
        translate_texts(engine, ["Tak"], source="pl", target="en")
        [request] = server.received
    assert request.body["api_key"] == LIBRE_KEY
    assert LIBRE_KEY not in request.query + str(request.headers)
    assert LIBRE_KEY not in caplog.text + repr(engine)
