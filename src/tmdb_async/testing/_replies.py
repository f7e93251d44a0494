"""What FakeTMDB sends: a Reply, TMDB's JSON errors, and the faults it can act out instead."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

# Faults the server can act out. The transient ones are what a client should retry.
STATUS_FAULTS = ("429", "500", "502", "503", "504", "502_html", "503_html", "504_html")
CONNECTION_FAULTS = ("reset", "close", "truncate")
TRANSIENT_FAULTS = (*STATUS_FAULTS, *CONNECTION_FAULTS, "slow")
FAULT_KINDS = (*TRANSIENT_FAULTS, "invalid_json")

HTML_PAGE = (
    "<html><head><title>{status} {reason}</title></head><body><center><h1>{status} {reason}</h1></center>"
    "<hr><center>cloudflare</center></body></html>"
)
REASONS = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
           504: "Gateway Timeout"}  # fmt: skip
# (HTTP status, TMDB status_code, status_message), as TMDB sends them.
TMDB_ERRORS = {
    "500": (500, 11, "Internal error: Something went wrong, contact TMDb."),
    "502": (502, 43, "Couldn't connect to the backend server."),
    "503": (503, 9, "Service offline: This service is temporarily offline, try again later."),
    "504": (504, 24, "Your request to the backend server timed out. Try again."),
}
INVALID_CREDENTIALS = (401, 7, "Invalid API key: You must be granted a valid key.")
NOT_FOUND = (404, 34, "The resource you requested could not be found.")
METHOD_NOT_ALLOWED = (405, 42, "The method you requested is not supported.")
INVALID_PAGE = (400, 22, "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.")
TOO_MANY_APPENDED = (400, 27, "Too many append to response objects: The maximum number of remote calls is 20.")
DELETED = {"success": True, "status_code": 13, "status_message": "The item/record was deleted successfully."}


@dataclass
class Reply:
    """An answer, or a fault for the server to act out instead (`fault` set)."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list[tuple[str, str]])
    fault: str | None = None
    delay: float = 0.0


def tmdb_error(status: int, code: int, message: str, headers: list[tuple[str, str]] | None = None) -> Reply:
    body = json.dumps({"success": False, "status_code": code, "status_message": message}).encode()
    return Reply(status, body, [("Content-Type", "application/json;charset=utf-8"), *(headers or [])])


def json_reply(data: Any, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Reply:
    body = json.dumps(data, separators=(",", ":")).encode()
    return Reply(status, body, [("Content-Type", "application/json"), *(headers or [])])


def fault_reply(kind: str) -> Reply:
    """The reply that acts out a fault (slow and truncate are applied to the real answer)."""
    if kind == "429":
        return tmdb_error(429, 25, "Your request count (41) is over the allowed limit of 40.", [("Retry-After", "1")])
    if kind in TMDB_ERRORS:
        return tmdb_error(*TMDB_ERRORS[kind])
    if kind.endswith("_html"):
        status = int(kind[:3])
        page = HTML_PAGE.format(status=status, reason=REASONS[status]).encode()
        return Reply(status, page, [("Content-Type", "text/html")], fault=None)
    if kind == "invalid_json":
        return Reply(200, b'{"id": 550, "title": "Fight', [("Content-Type", "application/json")], fault=None)
    return Reply(0, fault=kind)  # reset, close: the server acts them out
