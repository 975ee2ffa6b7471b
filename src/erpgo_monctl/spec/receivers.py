"""Spec models for the receiver integrations beyond email, Slack, webhook and PagerDuty.

Every integration here is one `amtool check-config` 0.25 accepts with its secret in a file.
Pushover, Telegram, Discord and WeChat take their secrets only inline in Alertmanager 0.25
(the `*_file` variants arrived in 0.26+, which our checker refuses), so a spec naming them is
refused with that reason rather than rendered with a plain-text secret.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from erpgo_monctl.spec.scrape import HTTPClient
from erpgo_monctl.spec.types import SecretFile, ServerURL, Strict


class Notifier(Strict):
    """What every integration has: resolved notifications and its HTTP client."""

    send_resolved: bool | None = None
    http_config: HTTPClient | None = None


class OpsgenieConfig(Notifier):
    api_key_file: SecretFile
    api_url: ServerURL | None = None
    message: str | None = None
    description: str | None = None
    source: str | None = None
    priority: str | None = Field(default=None, description="P1..P5 or a template")
    tags: str | None = None
    note: str | None = None


class VictorOpsConfig(Notifier):
    api_key_file: SecretFile
    routing_key: str = Field(
        min_length=1, description="the VictorOps routing key (a route name, not a secret)"
    )
    api_url: ServerURL | None = None
    message_type: str | None = None
    entity_display_name: str | None = None
    state_message: str | None = None


class SigV4(Strict):
    """AWS signing without inline keys: the instance/task role, a profile, or an assumed role."""

    region: str | None = None
    profile: str | None = None
    role_arn: str | None = None


class SNSConfig(Notifier):
    topic_arn: str | None = Field(default=None, pattern=r"^arn:aws[a-z-]*:sns:")
    phone_number: str | None = None
    target_arn: str | None = None
    api_url: ServerURL | None = None
    sigv4: SigV4 | None = None
    subject: str | None = None
    message: str | None = None
    attributes: dict[str, str] = Field(default_factory=dict)

    @field_validator("phone_number", "target_arn")
    @classmethod
    def _nonempty(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("give a value or leave the key out")
        return value

    @model_validator(mode="after")
    def _destination(self) -> SNSConfig:
        if not (self.topic_arn or self.phone_number or self.target_arn):
            raise ValueError("an sns receiver needs one of topic_arn, phone_number, target_arn")
        return self


class WebexConfig(Notifier):
    room_id: str = Field(min_length=1)
    api_url: ServerURL | None = None
    message: str | None = None

    @model_validator(mode="after")
    def _token(self) -> WebexConfig:
        if self.http_config is None or self.http_config.authorization is None:
            raise ValueError(
                "a webex receiver authenticates with the bot token: add "
                "http_config: {authorization: {credentials_file: <file>}}"
            )
        return self


# integrations amtool 0.25 knows only with inline secrets -> the secret key it would need
INLINE_ONLY = {
    "pushover": "user_key and token",
    "telegram": "bot_token",
    "discord": "webhook_url",
    "wechat": "api_secret",
}


def refuse_inline_only(name: str, value: list[Any]) -> list[Any]:
    if value:
        raise ValueError(
            f"{name} receivers are not supported: Alertmanager 0.25 (whose amtool checks the output) "
            f"takes their {INLINE_ONLY[name]} only as plain text, and secrets are files here; "
            "use a webhook receiver pointing at a relay, or one of email, slack, pagerduty, opsgenie, "
            "victorops, sns, webex"
        )
    return value
