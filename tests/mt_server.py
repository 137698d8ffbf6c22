"""A loopback HTTP server that speaks LibreTranslate's and DeepL's APIs, for tests.

It "translates" by upper-casing the text outside markup, so answers are predictable
and tags survive. A fault queue scripts what the next requests get (HTTP errors with
or without ``Retry-After``, malformed JSON, a wrong count, a lost or repeated tag, a
slow answer), and every request is recorded without its ``Authorization`` header.

    with MTServer() as server:
        server.fail(Fault.http(429, retry_after="1"), Fault.http(500))
        ...  # the client's next two requests fail, the third one succeeds
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import cast
from urllib.parse import parse_qs, urlsplit

DEEPL_KEY = "test-deepl-key-7f3a9c:fx"
LIBRE_KEY = "test-libre-key-51d2e8"

DEEPL_SOURCES = frozenset({
    "AR", "BG", "CS", "DA", "DE", "EL", "EN", "ES", "ET", "FI", "FR", "HE", "HU", "ID", "IT", "JA",
    "KO", "LT", "LV", "NB", "NL", "PL", "PT", "RO", "RU", "SK", "SL", "SV", "TH", "TR", "UK", "VI",
    "ZH",
})  # fmt: skip
DEEPL_TARGETS = (DEEPL_SOURCES - {"EN", "PT"}) | {
    "EN-GB", "EN-US", "ES-419", "PT-BR", "PT-PT", "ZH-HANS", "ZH-HANT",
}  # fmt: skip
LIBRE_LANGUAGES = frozenset({
    "ar", "de", "en", "es", "fr", "it", "ja", "pl", "pt", "ru", "uk", "zh",
})  # fmt: skip

_MARKUP = re.compile(r"(<[^<>]*>|&#?\w+;)")
_TAG = re.compile(r"<x\b[^<>]*>")


class FaultKind(Enum):
    """What a scripted fault does to one request."""

    HTTP = "http"
    MALFORMED = "malformed"
    WRONG_COUNT = "wrong count"
    DROP_TAG = "drop tag"
    DUPLICATE_TAG = "duplicate tag"
    DELAY = "delay"
    ANSWERS = "answers"
    RAW = "raw"
    TRICKLE = "trickle"
    HUGE = "huge"


@dataclass(frozen=True)
class Fault:
    """One scripted fault, applied to the next request the server receives."""

    kind: FaultKind
    status: int = 200
    retry_after: str | None = None
    message: str | None = None
    seconds: float = 0.0
    index: int = 0
    """For tag faults: which text of the batch loses or repeats its first tag."""
    change: Callable[[list[str]], list[str]] | None = None
    """For ``answers``: rewrites the batch's good answers into what the engine sends."""
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    size: int = 0
    """For ``huge``: bytes to send; ``declared``: whether Content-Length says so first."""
    declared: bool = True

    @classmethod
    def http(
        cls, status: int, *, retry_after: str | None = None, message: str | None = None
    ) -> Fault:
        return cls(FaultKind.HTTP, status=status, retry_after=retry_after, message=message)

    @classmethod
    def malformed(cls) -> Fault:
        return cls(FaultKind.MALFORMED)

    @classmethod
    def wrong_count(cls) -> Fault:
        return cls(FaultKind.WRONG_COUNT)

    @classmethod
    def drop_tag(cls, index: int = 0) -> Fault:
        return cls(FaultKind.DROP_TAG, index=index)

    @classmethod
    def duplicate_tag(cls, index: int = 0) -> Fault:
        return cls(FaultKind.DUPLICATE_TAG, index=index)

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        return cls(FaultKind.DELAY, seconds=seconds)

    @classmethod
    def answers(cls, change: Callable[[list[str]], list[str]]) -> Fault:
        """Answer with ``change(good answers)`` instead (JSON with ASCII escapes)."""
        return cls(FaultKind.ANSWERS, change=change)

    @classmethod
    def raw(cls, status: int, body: bytes | str, **headers: str) -> Fault:
        """Answer with exactly this status, body and headers."""
        data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
        return cls(FaultKind.RAW, status=status, body=data, headers=tuple(headers.items()))

    @classmethod
    def redirect(cls, status: int, location: str) -> Fault:
        return cls.raw(status, b"", Location=location)

    @classmethod
    def trickle(cls, seconds: float) -> Fault:
        """The good answer, one byte at a time with a pause before each."""
        return cls(FaultKind.TRICKLE, seconds=seconds)

    @classmethod
    def huge(cls, size: int, *, declared: bool = True) -> Fault:
        """A 200 answer of ``size`` bytes (a JSON string that never ends), sent as fast as
        the client reads; with a Content-Length header, or chunked without one."""
        return cls(FaultKind.HUGE, size=size, declared=declared)


@dataclass(frozen=True)
class Received:
    """A request as the server saw it; the ``Authorization`` header is left out."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: dict[str, object]
    raw: bytes
    authorization_ok: bool
    """Whether DeepL's ``Authorization: DeepL-Auth-Key <key>`` header was right."""

    @property
    def texts(self) -> list[str]:
        """The texts to translate: DeepL's ``text`` or LibreTranslate's ``q``."""
        return _as_list(self.body.get("text", self.body.get("q")))


@dataclass(frozen=True)
class _Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    chunks: Iterator[bytes] | None = None
    """Sent instead of ``body``: chunked, or after a Content-Length of ``length``."""
    length: int | None = None
    pause: float = 0.0
    """Seconds before each chunk."""


def _reply(status: int, payload: object, **headers: str) -> _Reply:
    # ASCII escapes where UTF-8 cannot go: an answer may carry a lone surrogate as \ud800
    try:
        return _Reply(status, json.dumps(payload, ensure_ascii=False).encode(), headers)
    except UnicodeEncodeError:
        return _Reply(status, json.dumps(payload).encode(), headers)


def _huge(fault: Fault) -> _Reply:
    piece = b"a" * 65536

    def chunks() -> Iterator[bytes]:
        yield b'{"translations": [{"text": "'
        sent = 0
        while sent < fault.size:
            yield piece[: fault.size - sent]
            sent += len(piece)

    return _Reply(200, b"", chunks=chunks(), length=fault.size + 28 if fault.declared else None)


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)]


def fake_translate(text: str, *, markup: bool) -> str:
    """Upper-case the text; with markup, leave tags and entities alone."""
    if not markup:
        return text.upper()
    return "".join(p if _MARKUP.fullmatch(p) else p.upper() for p in _MARKUP.split(text))


def _mangle(texts: list[str], fault: Fault | None) -> list[str]:
    if fault is None:
        return texts
    if fault.kind is FaultKind.ANSWERS and fault.change is not None:
        return fault.change(list(texts))
    if fault.kind is FaultKind.WRONG_COUNT:
        return [*texts, texts[-1]]
    if fault.kind in {FaultKind.DROP_TAG, FaultKind.DUPLICATE_TAG}:
        texts = list(texts)
        text = texts[fault.index]
        tag = _TAG.search(text)
        assert tag is not None, f"no tag to mangle in {text!r}"
        copies = "" if fault.kind is FaultKind.DROP_TAG else tag[0] * 2
        texts[fault.index] = text[: tag.start()] + copies + text[tag.end() :]
    return texts


_STATUS_MESSAGES = {
    400: "Bad request",
    403: "Authorization failed",
    413: "Request Entity Too Large",
    429: "Too many requests, please wait and resend your request.",
    456: "Quota exceeded. The character limit has been reached.",
    500: "Internal server error",
    503: "Service unavailable",
    529: "Too many requests: high load",
}


class MTServer:
    """Both APIs on 127.0.0.1 with an ephemeral port, served from a background thread."""

    def __init__(
        self,
        *,
        deepl_key: str = DEEPL_KEY,
        libre_key: str | None = None,
        deepl_max_texts: int = 50,
        deepl_max_bytes: int = 128 * 1024,
        character_limit: int = 1_000_000,
        libre_batch_limit: int | None = None,
    ) -> None:
        self.deepl_key = deepl_key
        self.libre_key = libre_key
        self.deepl_max_texts = deepl_max_texts
        self.deepl_max_bytes = deepl_max_bytes
        self.character_limit = character_limit
        self.character_count = 0
        self.libre_batch_limit = libre_batch_limit
        self.received: list[Received] = []
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._http: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---

    def __enter__(self) -> MTServer:
        self._http = _HTTPServer(("127.0.0.1", 0), _Handler)
        self._http.app = self
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        assert self._http is not None, "use MTServer as a context manager"
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}"

    # --- test controls ---

    def fail(self, *faults: Fault) -> None:
        """Script the next requests: one fault each, in order; later requests succeed."""
        with self._lock:
            self._faults.extend(faults)

    def translate_requests(self) -> list[Received]:
        """The translation requests received, in order."""
        return [r for r in self.received if r.path in {"/translate", "/v2/translate"}]

    # --- serving ---

    def handle(self, request: Received) -> _Reply:
        with self._lock:
            self.received.append(request)
            fault = self._faults.popleft() if self._faults else None
        if fault is not None and fault.kind is FaultKind.DELAY:
            self._stopping.wait(fault.seconds)
            fault = None
        if fault is not None and fault.kind is FaultKind.HTTP:
            retry = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            return self._error(request, fault.status, message=fault.message, **retry)
        if fault is not None and fault.kind is FaultKind.MALFORMED:
            return _Reply(200, b'{"translations": [{"text": "unterminated', {})
        if fault is not None and fault.kind is FaultKind.RAW:
            return _Reply(fault.status, fault.body, dict(fault.headers))
        if fault is not None and fault.kind is FaultKind.HUGE:
            return _huge(fault)
        routes = {
            ("POST", "/translate"): self._libre,
            ("POST", "/v2/translate"): self._deepl,
            ("GET", "/v2/usage"): self._usage,
            ("POST", "/v2/usage"): self._usage,
        }
        route = routes.get((request.method, request.path))
        if route is None:
            return self._error(request, 404, message="Not found")
        reply = route(request, fault)
        if fault is not None and fault.kind is FaultKind.TRICKLE and reply.status == 200:
            body = reply.body
            return replace(reply, chunks=(body[i : i + 1] for i in range(len(body))),
                           length=len(body), pause=fault.seconds)  # fmt: skip
        return reply

    def _error(
        self, request: Received, status: int, *, message: str | None = None, **headers: str
    ) -> _Reply:
        text = message or _STATUS_MESSAGES.get(status, "Error")
        key = "message" if request.path.startswith("/v2/") else "error"
        return _reply(status, {key: text}, **headers)

    def _deepl(self, request: Received, fault: Fault | None) -> _Reply:
        if not request.authorization_ok:
            return self._error(request, 403)
        texts = request.texts
        body = request.body
        if not texts:
            return self._error(request, 400, message="Parameter 'text' not specified.")
        if len(request.raw) > self.deepl_max_bytes or len(texts) > self.deepl_max_texts:
            return self._error(request, 413)
        if body.get("target_lang") not in DEEPL_TARGETS:
            return self._error(request, 400, message="Value for 'target_lang' not supported.")
        if body.get("source_lang", "PL") not in DEEPL_SOURCES:
            return self._error(request, 400, message="Value for 'source_lang' not supported.")
        if body.get("tag_handling") not in {None, "xml", "html"}:
            return self._error(request, 400, message="Invalid tag_handling value.")
        if not self._charge(sum(len(text) for text in texts)):
            return self._error(request, 456)
        markup = body.get("tag_handling") is not None
        answers = _mangle([fake_translate(t, markup=markup) for t in texts], fault)
        source = str(body.get("source_lang", "PL"))
        items = [{"detected_source_language": source, "text": a} for a in answers]
        return _reply(200, {"translations": items})

    def _charge(self, characters: int) -> bool:
        with self._lock:
            if self.character_count + characters > self.character_limit:
                return False
            self.character_count += characters
            return True

    def _usage(self, request: Received, fault: Fault | None) -> _Reply:
        if not request.authorization_ok:
            return self._error(request, 403)
        usage = {"character_count": self.character_count, "character_limit": self.character_limit}
        return _reply(200, usage)

    def _libre(self, request: Received, fault: Fault | None) -> _Reply:
        body = request.body
        if self.libre_key is not None and body.get("api_key") != self.libre_key:
            return self._error(request, 403, message="Invalid API key")
        for name in ("q", "source", "target"):
            if not body.get(name):
                return self._error(request, 400, message=f"Invalid request: missing {name}")
        for name in ("source", "target"):
            if body[name] not in LIBRE_LANGUAGES:
                return self._error(request, 400, message=f"{body[name]} is not supported")
        texts = request.texts
        limit = self.libre_batch_limit
        if limit is not None and len(texts) > limit:
            message = f"Invalid request: request ({len(texts)}) exceeds text limit ({limit})"
            return self._error(request, 400, message=message)
        markup = body.get("format") == "html"
        answers = [fake_translate(t, markup=markup) for t in texts]
        if markup:  # an HTML serialiser writes an empty unknown element in full
            answers = [re.sub(r"<(x\b[^<>]*?)\s*/>", r"<\1></x>", a) for a in answers]
        answers = _mangle(answers, fault)
        if isinstance(body["q"], list):
            return _reply(200, {"translatedText": answers})
        return _reply(200, {"translatedText": answers[0]})


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    app: MTServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""

    def _serve(self, method: str) -> None:
        app = cast(_HTTPServer, self.server).app
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parts = urlsplit(self.path)
        try:
            body = _parse_body(raw, self.headers.get("Content-Type", ""), parts.query)
        except ValueError:
            self._send(_reply(400, {"message": "Invalid JSON"}))
            return
        authorization = self.headers.get("Authorization")
        headers = {k: v for k, v in self.headers.items() if k.lower() != "authorization"}
        request = Received(
            method=method,
            path=parts.path,
            query=parts.query,
            headers=headers,
            body=body,
            raw=raw,
            authorization_ok=authorization == f"DeepL-Auth-Key {app.deepl_key}",
        )
        self._send(app.handle(request))

    def _send(self, reply: _Reply) -> None:
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            if reply.chunks is None or reply.length is not None:
                length = len(reply.body) if reply.length is None else reply.length
                self.send_header("Content-Length", str(length))
            else:
                self.send_header("Transfer-Encoding", "chunked")
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if reply.chunks is None:
                self.wfile.write(reply.body)
                return
            self.close_connection = True  # a stream the client may leave half read
            for chunk in reply.chunks:
                if reply.pause:
                    time.sleep(reply.pause)
                if reply.length is None:
                    chunk = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
                self.wfile.write(chunk)
                self.wfile.flush()
            if reply.length is None:
                self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up waiting


def _parse_body(raw: bytes, content_type: str, query: str) -> dict[str, object]:
    """JSON or form-encoded body (form fields may repeat, e.g. DeepL's ``text``)."""
    if content_type.startswith("application/json"):
        data = json.loads(raw or b"{}")
        if not isinstance(data, dict):
            raise ValueError("JSON body is not an object")
        return data
    fields = parse_qs(query, keep_blank_values=True)
    for name, values in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items():
        fields.setdefault(name, []).extend(values)
    return {name: values[0] if len(values) == 1 else values for name, values in fields.items()}
