"""alertmanager.yml -> the spec's `alertmanager`: globals, route tree, receivers, inhibit rules.

Deprecated `match`/`match_re` and `source_match`/`target_match` become `matchers`, plain
secrets become `*_file` references, and every key the spec has no field for is reported.
"""

from __future__ import annotations

import re
from typing import Any

from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.importer.context import BAD_SHAPE, Document, Findings, as_list, as_str, check_keys, slug
from erpgo_monctl.importer.draft import Draft
from erpgo_monctl.importer.matchers import from_match_maps, matcher, parse_matchers

TOP_KEYS = (
    "global",
    "route",
    "receivers",
    "inhibit_rules",
    "time_intervals",
    "mute_time_intervals",
    "templates",
    "tracing",
)
ROUTE_KEYS = (
    "receiver",
    "group_by",
    "group_wait",
    "group_interval",
    "repeat_interval",
    "routes",
    "matchers",
    "match",
    "match_re",
    "continue",
    "mute_time_intervals",
    "active_time_intervals",
)
TIMING = ("group_wait", "group_interval", "repeat_interval")
GLOBAL_MAP = {
    "resolve_timeout": None,
    "smtp_smarthost": "smarthost",
    "smtp_from": "from",
    "smtp_hello": "hello",
    "smtp_auth_username": "auth_username",
    "smtp_require_tls": "require_tls",
}
GLOBAL_KEYS = (
    *GLOBAL_MAP,
    "smtp_auth_password",
    "smtp_auth_password_file",
    "smtp_auth_identity",
    "smtp_auth_secret",
    "smtp_tls_config",
    "slack_api_url",
    "slack_api_url_file",
    "http_config",
    "pagerduty_url",
    "opsgenie_api_key",
    "opsgenie_api_key_file",
    "opsgenie_api_url",
    "wechat_api_url",
    "wechat_api_secret",
    "wechat_api_corp_id",
    "victorops_api_key",
    "victorops_api_key_file",
    "victorops_api_url",
    "telegram_api_url",
    "webex_api_url",
    "rocketchat_api_url",
    "rocketchat_api_token",
    "rocketchat_api_token_id",
    "jira_api_url",
)
RECEIVER_KINDS = (
    "email",
    "slack",
    "webhook",
    "pagerduty",
    "opsgenie",
    "wechat",
    "pushover",
    "victorops",
    "sns",
    "telegram",
    "webex",
    "discord",
    "msteams",
    "msteamsv2",
    "jira",
    "rocketchat",
)
_CREDENTIAL_URL = re.compile(r"://[^/\s@]+@|[?&][a-z_]*(?:token|key|secret|password|sig|auth)=", re.I)


def import_alertmanager(found: Findings, draft: Draft, doc: Document) -> None:
    data = check_keys(found, doc, (), doc.data, TOP_KEYS, "an Alertmanager configuration")
    am: dict[str, Any] = {}
    _global(found, doc, data.get("global") or {}, am)
    route = data.get("route")
    if isinstance(route, dict) and "receiver" in route:
        am["route"] = _route(found, draft, doc, ("route",), route, root=True)
    else:
        found.add(
            doc,
            ("route",),
            BAD_SHAPE,
            "error",
            "the root route needs a `receiver:` (Alertmanager refuses it)",
        )
    receivers = []
    for r, receiver in enumerate(as_list(found, doc, ("receivers",), data.get("receivers"), "receivers")):
        converted = _receiver(found, doc, ("receivers", r), receiver, smtp="smtp" in am)
        if converted is not None:
            receivers.append(draft.item(converted, doc, ("receivers", r)))
    am["receivers"] = receivers
    inhibit = []
    for i, rule in enumerate(as_list(found, doc, ("inhibit_rules",), data.get("inhibit_rules"), "a list")):
        converted = _inhibit(found, doc, ("inhibit_rules", i), rule)
        if converted is not None:
            inhibit.append(draft.item(converted, doc, ("inhibit_rules", i)))
    if inhibit:
        am["inhibit_rules"] = inhibit
    for key, reason in (
        ("time_intervals", "the spec has no time intervals yet (issue 13)"),
        ("mute_time_intervals", "the spec has no time intervals yet (issue 13)"),
        ("templates", "the spec has no notification templates yet (issue 13)"),
        ("tracing", "the spec has no Alertmanager tracing settings"),
    ):
        if key in data:
            found.lost(doc, (key,), reason)
    if "route" not in am:
        draft.alertmanager_broken = True
        return
    if draft.alertmanager is not None:
        found.lost(doc, (), "a second Alertmanager configuration: the spec holds one (the first is kept)")
        return
    draft.alertmanager = draft.item(am, doc, ())


def _global(found: Findings, doc: Document, value: Any, am: dict[str, Any]) -> None:
    settings = check_keys(found, doc, ("global",), value, GLOBAL_KEYS, "the global section")
    smtp: dict[str, Any] = {}
    for key, target in GLOBAL_MAP.items():
        if key in settings:
            if target is None:
                am[key] = str(settings[key])
            else:
                smtp[target] = settings[key] if key == "smtp_require_tls" else str(settings[key])
    if "smtp_auth_password" in settings:
        smtp["auth_password_file"] = "smtp_password"
        found.secret(doc, ("global", "smtp_auth_password"), "smtp.auth_password_file", "smtp_password")
    elif "smtp_auth_password_file" in settings:
        smtp["auth_password_file"] = _file_name(found, doc, ("global", "smtp_auth_password_file"), settings)
    if "slack_api_url" in settings:
        am["slack_api_url_file"] = "slack_api_url"
        found.secret(doc, ("global", "slack_api_url"), "slack_api_url_file", "slack_api_url")
    elif "slack_api_url_file" in settings:
        am["slack_api_url_file"] = _file_name(found, doc, ("global", "slack_api_url_file"), settings)
    handled = {
        *GLOBAL_MAP,
        "smtp_auth_password",
        "smtp_auth_password_file",
        "slack_api_url",
        "slack_api_url_file",
    }
    for key in settings:
        if key not in handled and key in GLOBAL_KEYS:
            found.lost(doc, ("global", key), f"the spec's alertmanager has no global `{key}`")
    if smtp:
        if "smarthost" in smtp and "from" in smtp:
            ordered = {
                k: smtp[k]
                for k in ("smarthost", "from", "hello", "auth_username", "auth_password_file", "require_tls")
                if k in smtp
            }
            am["smtp"] = ordered
        else:
            found.lost(doc, ("global",), "SMTP settings without both smtp_smarthost and smtp_from")


def _file_name(found: Findings, doc: Document, path: PathKey, holder: dict[str, Any]) -> str:
    from pathlib import PurePosixPath

    original = str(holder[str(path[-1])])
    name = PurePosixPath(original).name
    if name != original:
        found.changed(
            doc,
            path,
            f"secret file {original}: the spec reads it from secrets/{name} (rendered /run/secrets/{name})",
        )
    return name


def _matchers(found: Findings, doc: Document, path: PathKey, value: Any) -> list[str]:
    out = []
    for m, text in enumerate(as_list(found, doc, path, value, "a list of matchers")):
        parsed = parse_matchers(str(text))
        if parsed is None:
            found.add(
                doc, (*path, m), BAD_SHAPE, "error", f'{text!r} is not a matcher (e.g. severity="critical")'
            )
            continue
        out += [matcher(*parts) for parts in parsed]
    return out


def _route(found: Findings, draft: Draft, doc: Document, path: PathKey, value: Any, *, root: bool) -> Any:
    route = check_keys(found, doc, path, value, ROUTE_KEYS, "a route")
    out: dict[str, Any] = {}
    if "receiver" in route:
        out["receiver"] = str(route["receiver"])
    matchers = _matchers(found, doc, (*path, "matchers"), route.get("matchers"))
    if "match" in route or "match_re" in route:
        deprecated = from_match_maps(route.get("match"), route.get("match_re"))
        key = "match" if "match" in route else "match_re"
        found.deprecated(
            doc, (*path, key), f"deprecated `match`/`match_re` converted to matchers: {deprecated}"
        )
        matchers = deprecated + matchers
    if root and (matchers or route.get("continue")):
        found.deprecated(doc, path, "matchers and `continue` have no effect on the root route: left out")
    elif matchers:
        out["matchers"] = matchers
    if "group_by" in route:
        group_by = [str(label) for label in route["group_by"] or []]
        if "..." in group_by:
            found.lost(
                doc, (*path, "group_by"), "group_by ['...'] (group by every label) is not in the spec yet"
            )
        else:
            out["group_by"] = group_by
    for key in TIMING:
        if key in route:
            out[key] = str(route[key])
    if route.get("continue") and not root:
        out["continue"] = True
    for key in ("mute_time_intervals", "active_time_intervals"):
        if key in route:
            found.lost(
                doc,
                (*path, key),
                "the spec has no time intervals yet (issue 13): this route would fire always",
            )
    children = as_list(found, doc, (*path, "routes"), route.get("routes"), "routes")
    if children:
        out["routes"] = [
            draft.item(
                _route(found, draft, doc, (*path, "routes", c), child, root=False), doc, (*path, "routes", c)
            )
            for c, child in enumerate(children)
        ]
    return out


def _secret_field(
    found: Findings,
    doc: Document,
    path: PathKey,
    config: dict[str, Any],
    plain: str,
    file_key: str,
    name: str,
) -> str | None:
    """The *_file value for a secret given in plain text (`plain`) or as a file (`file_key`)."""
    if plain in config:
        found.secret(doc, (*path, plain), file_key, name)
        return name
    if file_key in config:
        return _file_name(found, doc, (*path, file_key), config)
    return None


def _receiver(
    found: Findings, doc: Document, path: PathKey, value: Any, *, smtp: bool
) -> dict[str, Any] | None:
    keys = ("name", *(f"{kind}_configs" for kind in RECEIVER_KINDS))
    receiver = check_keys(found, doc, path, value, keys, "a receiver")
    name = as_str(found, doc, (*path, "name"), receiver.get("name"), "a receiver name") if receiver else None
    if name is None:
        return None
    out: dict[str, Any] = {"name": name}
    base = slug(name)
    converters = {"email": _email, "slack": _slack, "webhook": _webhook, "pagerduty": _pagerduty}
    for kind in RECEIVER_KINDS:
        key = f"{kind}_configs"
        if key not in receiver:
            continue
        if kind not in converters:
            found.lost(doc, (*path, key), f"receiver {name}: the spec has no {kind} receivers yet (issue 13)")
            continue
        if kind == "email" and not smtp:
            found.lost(
                doc, (*path, key), "email without global smtp_smarthost/smtp_from: the spec needs smtp:"
            )
            continue
        configs = []
        entries = as_list(found, doc, (*path, key), receiver[key], "a list")
        for c, config in enumerate(entries):
            cpath = (*path, key, c)
            if not isinstance(config, dict):
                found.add(doc, cpath, BAD_SHAPE, "error", "a receiver config is a mapping")
                continue
            secret_name = f"{base}-{kind}" + (f"-{c + 1}" if len(entries) > 1 else "")
            made = converters[kind](found, doc, cpath, config, secret_name)
            if made is not None:
                configs.append(made)
        if configs:
            out[kind] = configs
    return out


# Every key of each integration Alertmanager 0.28 knows (its configuration reference).
INTEGRATION_KEYS = {
    "email": (
        "to",
        "from",
        "smarthost",
        "hello",
        "auth_username",
        "auth_password",
        "auth_password_file",
        "auth_secret",
        "auth_secret_file",
        "auth_identity",
        "headers",
        "html",
        "text",
        "require_tls",
        "tls_config",
        "send_resolved",
        "threading",
    ),
    "Slack": (
        "api_url",
        "api_url_file",
        "channel",
        "username",
        "color",
        "title",
        "title_link",
        "pretext",
        "text",
        "fields",
        "short_fields",
        "footer",
        "fallback",
        "callback_id",
        "icon_emoji",
        "icon_url",
        "image_url",
        "thumb_url",
        "link_names",
        "mrkdwn_in",
        "actions",
        "send_resolved",
        "http_config",
        "timeout",
        "app_token",
        "app_token_file",
        "app_url",
        "message_text",
    ),
    "webhook": ("url", "url_file", "http_config", "max_alerts", "send_resolved", "timeout"),
    "PagerDuty": (
        "routing_key",
        "routing_key_file",
        "service_key",
        "service_key_file",
        "url",
        "client",
        "client_url",
        "description",
        "severity",
        "class",
        "component",
        "group",
        "details",
        "images",
        "links",
        "source",
        "http_config",
        "send_resolved",
        "timeout",
    ),
}


def _rest(
    found: Findings, doc: Document, path: PathKey, config: dict[str, Any], handled: set[str], kind: str
) -> None:
    """Unknown keys are I003 (Alertmanager refuses them); known ones the spec lacks are I010."""
    known = (*INTEGRATION_KEYS[kind], *handled)
    check_keys(found, doc, path, config, known, f"a {kind} config")
    for key in config:
        if key not in handled and key in known:
            secret = (
                " (its secret value is not copied)" if "key" in key or "token" in key or "auth" in key else ""
            )
            found.lost(doc, (*path, key), f"the spec's {kind} receiver has no `{key}`{secret}")


def _email(
    found: Findings, doc: Document, path: PathKey, config: dict[str, Any], _: str
) -> dict[str, Any] | None:
    if "to" not in config:
        _rest(found, doc, path, config, set(), "email")
        found.lost(doc, path, "an email config without `to:`")
        return None
    out: dict[str, Any] = {"to": str(config["to"])}
    headers = dict(config.get("headers") or {})
    subject = headers.pop("Subject", None)
    if "subject" in config:
        found.deprecated(
            doc,
            (*path, "subject"),
            "`subject` is not an Alertmanager email field (amtool refuses "
            "it): converted to headers: {Subject: ...}",
        )
        subject = config["subject"]
    if subject is not None:
        out["subject"] = str(subject)
    for header in headers:
        found.lost(doc, (*path, "headers", header), f"email header {header} (the spec sets Subject only)")
    for key in ("text", "html", "send_resolved"):
        if key in config:
            out[key] = config[key] if key == "send_resolved" else str(config[key])
    if "body" in config:
        found.lost(
            doc,
            (*path, "body"),
            "`body` is not an Alertmanager email field (amtool refuses it): "
            "write the message as `text:` (plain) or `html:`",
        )
    handled = {"to", "headers", "subject", "text", "html", "send_resolved", "body"}
    _rest(found, doc, path, config, handled, "email")
    return out


def _slack(
    found: Findings, doc: Document, path: PathKey, config: dict[str, Any], name: str
) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    secret = _secret_field(found, doc, path, config, "api_url", "api_url_file", name)
    if secret:
        out["api_url_file"] = secret
    if "channel" not in config:
        found.lost(doc, path, "a Slack config without `channel:` (the spec requires one)")
        return None
    out["channel"] = str(config["channel"])
    for key in ("title", "text", "send_resolved"):
        if key in config:
            out[key] = config[key] if key == "send_resolved" else str(config[key])
    _rest(
        found,
        doc,
        path,
        config,
        {"api_url", "api_url_file", "channel", "title", "text", "send_resolved"},
        "Slack",
    )
    return out


def _webhook(
    found: Findings, doc: Document, path: PathKey, config: dict[str, Any], name: str
) -> dict[str, Any] | None:
    url = config.get("url")
    if url is None:
        found.lost(
            doc, path, "a webhook without `url:` (`url_file` is newer than amtool 0.25 and not in the spec)"
        )
        return None
    if _CREDENTIAL_URL.search(str(url)):
        found.lost(
            doc,
            (*path, "url"),
            "the webhook URL carries a credential; the spec refuses it in plain text "
            "(move it to a bearer token: http_config.authorization.credentials_file)",
        )
        return None
    out: dict[str, Any] = {"url": str(url)}
    http = dict(config.get("http_config") or {})
    authorization = dict(http.pop("authorization", None) or {})
    if authorization:
        secret = _secret_field(
            found,
            doc,
            (*path, "http_config", "authorization"),
            authorization,
            "credentials",
            "credentials_file",
            name,
        )
        if secret:
            out["credentials_file"] = secret
        for key in authorization:
            if (
                key not in ("credentials", "credentials_file", "type")
                or authorization.get("type", "Bearer") != "Bearer"
            ):
                found.lost(
                    doc,
                    (*path, "http_config", "authorization", key),
                    "only Bearer credentials are in the spec",
                )
    elif "bearer_token" in http or "bearer_token_file" in http:
        secret = _secret_field(
            found, doc, (*path, "http_config"), http, "bearer_token", "bearer_token_file", name
        )
        out["credentials_file"] = secret
        found.deprecated(
            doc, (*path, "http_config"), "bearer_token converted to authorization.credentials_file"
        )
        http.pop("bearer_token", None)
        http.pop("bearer_token_file", None)
    for key in http:
        found.lost(doc, (*path, "http_config", key), f"the spec's webhook has no http_config `{key}`")
    for key in ("send_resolved", "max_alerts"):
        if key in config:
            out[key] = config[key]
    _rest(found, doc, path, config, {"url", "http_config", "send_resolved", "max_alerts"}, "webhook")
    return out


def _pagerduty(
    found: Findings, doc: Document, path: PathKey, config: dict[str, Any], name: str
) -> dict[str, Any] | None:
    secret = _secret_field(found, doc, path, config, "routing_key", "routing_key_file", name)
    if secret is None:
        reason = "Events API v1 `service_key` (the spec speaks Events API v2: routing_key_file)"
        found.lost(doc, path, reason + "; its value is not copied")
        return None
    out: dict[str, Any] = {"routing_key_file": secret}
    for key in ("severity", "description", "send_resolved"):
        if key in config:
            out[key] = config[key] if key == "send_resolved" else str(config[key])
    handled = {"routing_key", "routing_key_file", "severity", "description", "send_resolved"}
    _rest(found, doc, path, config, handled, "PagerDuty")
    return out


def _inhibit(found: Findings, doc: Document, path: PathKey, value: Any) -> dict[str, Any] | None:
    keys = (
        "source_matchers",
        "target_matchers",
        "equal",
        "source_match",
        "source_match_re",
        "target_match",
        "target_match_re",
    )
    rule = check_keys(found, doc, path, value, keys, "an inhibit rule")
    out: dict[str, Any] = {}
    for side in ("source", "target"):
        converted = _matchers(found, doc, (*path, f"{side}_matchers"), rule.get(f"{side}_matchers"))
        if f"{side}_match" in rule or f"{side}_match_re" in rule:
            deprecated = from_match_maps(rule.get(f"{side}_match"), rule.get(f"{side}_match_re"))
            key = f"{side}_match" if f"{side}_match" in rule else f"{side}_match_re"
            found.deprecated(
                doc, (*path, key), f"deprecated `{key}` converted to {side}_matchers: {deprecated}"
            )
            converted = deprecated + converted
        if not converted:
            found.lost(doc, path, f"an inhibit rule without {side} matchers (the spec requires at least one)")
            return None
        out[f"{side}_matchers"] = converted
    if rule.get("equal"):
        out["equal"] = [str(label) for label in rule["equal"]]
    return out
