"""Secrets never reach a log: webhook URLs are shown as scheme://host/***, known secrets as ***."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

MASK = "***"
#: shorter values are not masked inside text (they would mask ordinary words)
_MIN_SECRET_LENGTH = 4


def mask_url(url: str) -> str:
    """`https://qyapi.weixin.qq.com/***`: the path and query may carry the robot's key."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/{MASK}"


def _fragments(secret: str) -> set[str]:
    """The secret and the pieces of it that could be echoed on their own (query values, path tail)."""
    found = {secret, quote(secret, safe=""), quote_plus(secret)}
    parts = urlsplit(secret)
    if parts.scheme and parts.netloc:
        found.add(parts.path + ("?" + parts.query if parts.query else ""))
        found.update(value for _, value in parse_qsl(parts.query, keep_blank_values=False))
        found.update(segment for segment in parts.path.split("/") if len(segment) >= 8)
    return {piece for piece in found if len(piece) >= _MIN_SECRET_LENGTH}


class Redactor:
    """Replace every known secret (and its URL pieces) in a text by ***."""

    def __init__(self, secrets: Iterable[str]) -> None:
        replacements: dict[str, str] = {}
        for secret in secrets:
            if not secret:
                continue
            for piece in _fragments(secret):
                replacements.setdefault(piece, MASK)
            if urlsplit(secret).netloc:
                replacements[secret] = mask_url(secret)
        # longest first, so that a URL is masked whole (keeping its host) before its pieces
        self._replacements = sorted(replacements.items(), key=lambda item: len(item[0]), reverse=True)

    def __call__(self, text: str) -> str:
        for piece, replacement in self._replacements:
            if piece in text:
                text = text.replace(piece, replacement)
        return text
