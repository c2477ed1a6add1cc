"""Routing by owner: the optional routing file sends a unit's alerts to that unit (docs/alerts.md).

File (YAML, `HOTLINE_ALERT_ROUTING`), validated with pydantic:

    routes:
      LYG0101:                       # a unit_code (units.csv) ...
        name: 东海县                  # optional, for the reader
        webhook: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…   # WeCom / DingTalk robot
        format: wecom                # optional: json | wecom | dingtalk (default: from the host)
        secret: SEC…                 # optional: DingTalk 加签 secret
      县区:                           # ... or a group: every unit of the group without its own route
        email: [lianluoyuan@county.example]   # the units' 联络员 (through HOTLINE_ALERT_SMTP_*)

An alert that concerns a unit (its details carry `unit_code`: history anomalies, orders changes, a
county's uptime, a unit's report card) goes to the unit's route, else to its group's route, and
always to the center's channels (HOTLINE_ALERT_WEBHOOK_URL / _EMAIL_TO), which receive one digest
per run. Alerts about the whole month (failed checks and runs, quarantine, missing exports) go to
the center only. The webhook URLs and secrets are masked like the center's (`Redactor`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pipelines.alerts.model import Alert
from pipelines.alerts.redact import mask_url
from pipelines.config_errors import describe
from pipelines.contract import RANKED_GROUPS

EMAIL_RE = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
UNIT_CODE_RE = re.compile(r"^[A-Za-z0-9_-]+$")


class RoutingError(ValueError):
    """The routing file cannot be used; the message names the file, the key and the fix."""


class Route(BaseModel):
    """Where one unit's (or group's) alerts go: a group robot, email addresses, or both."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, description="the unit's name, for the reader")
    webhook: str | None = Field(
        default=None, repr=False, description="the group robot's URL, https://… (WeCom, DingTalk or JSON)"
    )
    format: Literal["json", "wecom", "dingtalk"] | None = Field(
        default=None, description="json, wecom or dingtalk (leave it out: from the URL's host)"
    )
    secret: str | None = Field(default=None, repr=False, description="the DingTalk 加签 secret (SEC…)")
    email: list[str] = Field(
        default_factory=list, description="the 联络员's addresses, name@host.example, as a list or a, b"
    )

    @field_validator("email", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @field_validator("email")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for address in value:
            if not EMAIL_RE.match(address):
                raise ValueError(f"{address!r} is not an email address (write name@host.example)")
        return value

    @field_validator("webhook")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in ("http", "https"):
            # never echo the value: it carries the robot's key
            raise ValueError("must be the robot's http:// or https:// URL")
        return value

    @model_validator(mode="after")
    def _somewhere(self) -> Route:
        if not self.webhook and not self.email:
            raise ValueError("a route needs a `webhook` (group robot URL) or an `email` list")
        return self


class RoutingFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    routes: dict[str, Route] = Field(
        default_factory=dict,
        description=f"unit_code or group ({', '.join(RANKED_GROUPS)}) → {{webhook: …}} or {{email: […]}}",
    )

    @field_validator("routes")
    @classmethod
    def _keys(cls, value: dict[str, Route]) -> dict[str, Route]:
        for key in value:
            if key not in RANKED_GROUPS and not UNIT_CODE_RE.match(key):
                raise ValueError(
                    f"{key!r} is neither a unit_code (letters, digits, - and _) nor a group "
                    f"({', '.join(RANKED_GROUPS)})"
                )
        return value


def load_routing(path: Path) -> RoutingFile:
    """Read and validate the routing file; RoutingError names the file, the key and the fix."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RoutingError(
            f"{path}: routing file not found (HOTLINE_ALERT_ROUTING): create it or unset the variable"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise RoutingError(f"{path}: cannot read the routing file: {error}") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RoutingError(f"{path}: not valid YAML: {error}") from None
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise RoutingError(f"{path}: expected a mapping with `routes:` at the top level")
    if isinstance(document.get("routes"), dict):
        # YAML reads unquoted numeric codes as numbers
        document = {**document, "routes": {str(k): v for k, v in document["routes"].items()}}
    try:
        return RoutingFile.model_validate(document)
    except ValidationError as error:
        raise RoutingError(describe(error, path, RoutingFile)) from None


@dataclass(frozen=True)
class RouteTarget:
    """One routed destination, as the dispatcher sees it."""

    key: str
    route: Route

    @property
    def describe(self) -> str:
        parts = []
        if self.route.webhook:
            parts.append(mask_url(self.route.webhook))
        parts += self.route.email
        return f"{self.key}: {', '.join(parts)}"


class Routing:
    """Which routes an alert goes to (besides the center's channels)."""

    def __init__(self, routes: Mapping[str, Route] | None = None) -> None:
        self.routes = dict(routes or {})

    @classmethod
    def from_path(cls, path: Path | None) -> Routing:
        return cls(load_routing(path).routes) if path is not None else cls()

    @property
    def secrets(self) -> list[str]:
        return [s for route in self.routes.values() for s in (route.webhook, route.secret) if s]

    def route_key(self, unit_code: str | None, unit_group: str | None = None) -> str | None:
        """The route of a unit: its own, else its group's, else None.

        Hook for other features (a unit's report card): `route_key(code, group)` says whether the
        unit has a channel; `AlertDispatcher.dispatch` with an alert whose details carry the
        unit_code (and unit_group) delivers it there.
        """
        if unit_code and unit_code in self.routes:
            return unit_code
        if unit_group and unit_group in self.routes:
            return unit_group
        return None

    def route_for(self, alert: Alert) -> str | None:
        details = alert.details or {}
        return self.route_key(details.get("unit_code"), details.get("unit_group"))
