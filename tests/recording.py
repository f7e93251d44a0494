"""A MockTransport handler that records the requests and answers one canned body."""

from __future__ import annotations

from typing import Any

import httpx


class Recorder:
    """`httpx.MockTransport(Recorder(body))`: every request is kept in `.requests`."""

    def __init__(self, body: Any, status: int = 200) -> None:
        self.body = body
        self.status = status
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status, json=self.body)
