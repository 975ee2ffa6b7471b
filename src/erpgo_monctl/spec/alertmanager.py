"""Spec models for Alertmanager: globals, the route tree, receivers, inhibit rules."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from erpgo_monctl.analysis.matchers import is_matcher
from erpgo_monctl.spec.receivers import (
    OpsgenieConfig,
    SNSConfig,
    VictorOpsConfig,
    WebexConfig,
    refuse_inline_only,
)
from erpgo_monctl.spec.scrape import HTTPClient
from erpgo_monctl.spec.time_intervals import TimeInterval
from erpgo_monctl.spec.types import (
    Duration,
    HostPort,
    Interval,
    LabelName,
    LabelSet,
    SecretFile,
    ServerURL,
    Strict,
    VisibleName,
)


def _check_matcher(value: str) -> str:
    if not is_matcher(value):
        raise ValueError(
            f"{value!r} is not a matcher: write label, operator and a quoted value, "
            'e.g. severity="critical" or service=~"api|web"'
        )
    return value


Matcher = Annotated[str, AfterValidator(_check_matcher)]  # analysis.matchers.parse_matcher reads it


def route_spec_path(path: tuple[int, ...]) -> tuple[str | int, ...]:
    """Spec path of the route at child indexes `path`: (1, 0) -> alertmanager.route.routes[1].routes[0]"""
    parts: list[str | int] = ["alertmanager", "route"]
    for index in path:
        parts += ["routes", index]
    return tuple(parts)


class SMTP(Strict):
    smarthost: HostPort
    from_: str = Field(alias="from")
    auth_username: str | None = None
    auth_password_file: SecretFile | None = None
    require_tls: bool = True
    hello: str | None = None


class Timing(Strict):
    group_by: list[LabelName] | None = None
    group_wait: Duration | None = None
    group_interval: Interval | None = None
    repeat_interval: Interval | None = None


class Route(Timing):
    """A route of the tree; `matchers` use the modern `label="value"` syntax."""

    receiver: str | None = None
    matchers: list[Matcher] = Field(default_factory=list)
    continue_: bool = Field(default=False, alias="continue")
    mute_time_intervals: list[str] = Field(
        default_factory=list, description="names of time_intervals during which this route notifies nobody"
    )
    active_time_intervals: list[str] = Field(
        default_factory=list, description="names of time_intervals outside which this route notifies nobody"
    )
    routes: list[Route] = Field(default_factory=list)
    description: str = ""


class RootRoute(Timing):
    receiver: str
    routes: list[Route] = Field(default_factory=list)


class EmailConfig(Strict):
    to: str
    subject: str | None = None
    text: str | None = Field(default=None, description="plain-text body (Go template)")
    html: str | None = None
    send_resolved: bool | None = None


class SlackConfig(Strict):
    api_url_file: SecretFile | None = Field(
        default=None,
        description="file holding the Slack webhook URL; default: alertmanager.slack_api_url_file",
    )
    channel: str
    title: str | None = None
    text: str | None = None
    send_resolved: bool | None = None
    http_config: HTTPClient | None = None


class WebhookConfig(Strict):
    url: ServerURL
    credentials_file: SecretFile | None = Field(default=None, description="bearer token file")
    send_resolved: bool | None = None
    max_alerts: int | None = Field(default=None, ge=0)
    http_config: HTTPClient | None = None

    @model_validator(mode="after")
    def _one_token(self) -> WebhookConfig:
        if self.credentials_file and self.http_config and self.http_config.authorization:
            raise ValueError("credentials_file and http_config.authorization both set the token: keep one")
        return self


class PagerDutyConfig(Strict):
    routing_key_file: SecretFile
    severity: str | None = None
    description: str | None = None
    send_resolved: bool | None = None
    http_config: HTTPClient | None = None


class Receiver(Strict):
    name: VisibleName = Field(min_length=1)
    email: list[EmailConfig] = Field(default_factory=list)
    slack: list[SlackConfig] = Field(default_factory=list)
    webhook: list[WebhookConfig] = Field(default_factory=list)
    pagerduty: list[PagerDutyConfig] = Field(default_factory=list)
    opsgenie: list[OpsgenieConfig] = Field(default_factory=list)
    victorops: list[VictorOpsConfig] = Field(default_factory=list)
    sns: list[SNSConfig] = Field(default_factory=list)
    webex: list[WebexConfig] = Field(default_factory=list)
    pushover: list[dict[str, object]] = Field(default_factory=list, description="not supported (see docs)")
    telegram: list[dict[str, object]] = Field(default_factory=list, description="not supported (see docs)")
    discord: list[dict[str, object]] = Field(default_factory=list, description="not supported (see docs)")
    wechat: list[dict[str, object]] = Field(default_factory=list, description="not supported (see docs)")
    description: str = ""

    @field_validator("pushover", "telegram", "discord", "wechat")
    @classmethod
    def _inline_only(cls, value: list[dict[str, object]], info: ValidationInfo) -> list[dict[str, object]]:
        return refuse_inline_only(str(info.field_name), value)


class InhibitRule(Strict):
    source_matchers: list[Matcher] = Field(min_length=1)
    target_matchers: list[Matcher] = Field(min_length=1)
    equal: list[LabelName] = Field(default_factory=list)
    description: str = ""


class RouteTest(Strict):
    """A routing expectation: an alert with these labels reaches exactly these receivers, in order."""

    labels: LabelSet = Field(min_length=1)
    receivers: list[str] = Field(min_length=1)
    description: str = ""


class NotificationTemplate(Strict):
    """A notification template file: Go `{{ define "name" }}` blocks receivers use via `{{ template }}`."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$", description="rendered as <name>.tmpl")
    text: str = Field(min_length=1)


class Alertmanager(Strict):
    resolve_timeout: Duration | None = None
    time_intervals: list[TimeInterval] = Field(default_factory=list)
    templates: list[NotificationTemplate] = Field(default_factory=list)
    smtp: SMTP | None = None
    slack_api_url_file: SecretFile | None = None
    route: RootRoute
    receivers: list[Receiver] = Field(min_length=1)
    inhibit_rules: list[InhibitRule] = Field(default_factory=list)
    route_tests: list[RouteTest] = Field(
        default_factory=list, description="checked by `monctl test` with amtool config routes test"
    )

    @model_validator(mode="after")
    def _globals_for_receivers(self) -> Alertmanager:
        uses_email = any(r.email for r in self.receivers)
        if uses_email and self.smtp is None:
            raise ValueError(
                "receivers send email but no `smtp:` block says how: add smtp: {smarthost, from, ...}"
            )
        return self
