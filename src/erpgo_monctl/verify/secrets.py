"""Secret files as the containers will read them: present, not empty, readable by the service's user.

Compose bind-mounts a secret file with its host owner and mode; Grafana runs as uid 472 and
Alertmanager/Prometheus as nobody (65534). A file they cannot read is silent at start-up (Grafana
falls back to admin/admin, Alertmanager fails every notification later), so `monctl check` reads the
rendered compose file's `secrets:` and checks each file the way that user would open it.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from erpgo_monctl.diagnostics import Diagnostic

# uid each image runs as (grafana/grafana: 472; prom/* images: nobody)
SERVICE_UIDS = {"grafana": 472, "alertmanager": 65534, "prometheus": 65534, "blackbox-exporter": 65534}
NOBODY = 65534


def readable_by(mode: int, owner: int, uid: int) -> bool:
    """Whether a process of `uid` (no supplementary groups assumed) may read a file of this mode/owner."""
    if uid == 0:
        return True
    if owner == uid:
        return bool(mode & stat.S_IRUSR)
    return bool(mode & stat.S_IROTH)


def _users(document: dict[str, Any], name: str) -> list[tuple[str, int]]:
    services = document.get("services") or {}
    return sorted(
        (service, SERVICE_UIDS.get(service, NOBODY))
        for service, body in services.items()
        if isinstance(body, dict) and name in (body.get("secrets") or [])
    )


def declared_files(compose: Path, document: dict[str, Any], secrets_dir: Path | None) -> dict[str, Path]:
    """Secret name -> the host file compose mounts (in `secrets_dir` instead when one is given)."""
    files: dict[str, Path] = {}
    for name, declaration in sorted((document.get("secrets") or {}).items()):
        if isinstance(declaration, dict) and isinstance(declaration.get("file"), str):
            relative = Path(declaration["file"])
            files[name] = (secrets_dir / relative.name) if secrets_dir else (compose.parent / relative)
    return files


def check_secret_files(document: dict[str, Any], files: dict[str, Path]) -> list[Diagnostic]:
    """One T040 per secret file that is missing, empty, not a file, or unreadable by a service using it."""
    found: list[Diagnostic] = []
    for name, path in files.items():
        problem = _problem(path, _users(document, name))
        if problem:
            found.append(Diagnostic(str(path), 0, 0, f"secrets.{name}", "T040", "error", problem))
    return found


def _problem(path: Path, users: list[tuple[str, int]]) -> str | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return "secret file is missing: create it (one line, the secret) before `docker compose up`"
    except OSError as exc:
        return f"cannot stat the secret file: {exc.strerror}"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file: compose mounts a file here"
    if info.st_size == 0:
        return "secret file is empty: write the secret into it"
    for service, uid in users:
        if not readable_by(info.st_mode, info.st_uid, uid):
            mode = stat.S_IMODE(info.st_mode)
            return (
                f"{service} runs as uid {uid} and cannot read this file (mode {mode:04o}, "
                f"owner uid {info.st_uid}): `chmod 0444 {path}` or `chown {uid} {path} && chmod 0400 {path}`"
            )
    return None
