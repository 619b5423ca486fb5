"""The deployment files (deploy/, docs/production.md) agree with the code:
the settings they set are the ones settings.py reads, the proxy accepts every
upload the platform accepts and waits longer than gunicorn, the container
installs the pinned versions, the health check works against the platform,
and login throttling behind the proxy counts each visitor's address."""

from __future__ import annotations

import ast
import http.server
import os
import re
import runpy
import secrets
import subprocess
import sys
import threading
from typing import Any

import pytest
import yaml
from django.test import Client

from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
SETTINGS = ROOT / "nap1325" / "settings.py"
GUIDE = ROOT / "docs" / "production.md"
# A line "NAME=value" is a setting; "# NAME=value" shows a default.
SETTING_LINE = re.compile(r"^(# )?([A-Z][A-Z0-9_]*)=(.*)$")
REQUIRED = {
    "DEBUG": "0",
    "BEHIND_TLS_PROXY": "1",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}
REQUIRED_NAMES = {
    "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SITE_URL", "DATABASE_URL",
    "STATIC_ROOT", "MEDIA_ROOT", "EMAIL_HOST", "EMAIL_PORT", "DEFAULT_FROM_EMAIL",
}  # fmt: skip


def names_settings_read() -> set[str]:
    source = SETTINGS.read_text(encoding="utf-8")
    return set(
        re.findall(
            r'(?:os\.environ\.get|os\.environ\[|envbool|envlist)\(?\s*"([A-Z0-9_]+)"', source
        )
    )


def example() -> tuple[dict[str, str], set[str]]:
    """The example's settings (name: value) and the names shown with a default."""
    values: dict[str, str] = {}
    defaults: set[str] = set()
    for line in (DEPLOY / "nap1325.env.example").read_text(encoding="utf-8").splitlines():
        match = SETTING_LINE.match(line)
        if match and match.group(1):
            defaults.add(match.group(2))
        elif match:
            values[match.group(2)] = match.group(3)
    return values, defaults


def read_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    """settings.py's names as a fresh process with this environment would see them."""
    for name in names_settings_read():
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def size_in_bytes(text: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", text).groups()  # type: ignore[union-attr]
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


def nginx_config() -> str:
    return (DEPLOY / "nap1325-nginx.conf").read_text(encoding="utf-8")


def nginx_directive(name: str) -> str:
    """The value of a directive set once, outside comments."""
    [value] = re.findall(rf"^\s*{name}\s+([^;]+);", nginx_config(), re.MULTILINE)
    return value.strip()


def upload_limits() -> dict[str, int]:
    """Every module-level MAX_…BYTES / MAX_UPLOAD constant of the apps, evaluated."""

    def value(node: ast.expr) -> int:
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Pow | ast.Add):
            left, right = value(node.left), value(node.right)
            return left * right if isinstance(node.op, ast.Mult) else (
                left**right if isinstance(node.op, ast.Pow) else left + right
            )  # fmt: skip
        raise ValueError(ast.dump(node))

    limits = {}
    for path in ROOT.glob("*/*.py"):
        if path.parts[-2] in ("tests", "bench", "deploy", ".venv"):
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                name = node.targets[0].id
                if re.fullmatch(r"MAX_\w*(BYTES|UPLOAD)", name):
                    limits[f"{path.parent.name}.{path.stem}.{name}"] = value(node.value)
    return limits


# --- The settings file --------------------------------------------------------------


def test_the_example_sets_only_what_settings_read_and_shows_all_of_it() -> None:
    values, defaults = example()
    read = names_settings_read()
    assert len(read) > 30
    assert set(values) | defaults == read, "add or remove the setting in deploy/nap1325.env.example"
    assert not set(values) & defaults, "a setting both set and shown as a default"
    assert set(values) >= REQUIRED_NAMES
    assert {name: values[name] for name in REQUIRED} == REQUIRED


def test_the_example_reads_the_same_in_systemd_the_shell_and_compose() -> None:
    """No quotes, spaces, `$` or comments after a value: the three readers
    would each read those differently."""
    values, _defaults = example()
    odd = {name: value for name, value in values.items() if re.search(r"[\s'\"`$\\#]", value)}
    assert not odd


def test_the_example_passes_the_deploy_checks_once_its_secret_key_is_set() -> None:
    values, _defaults = example()
    base = {k: v for k, v in os.environ.items() if k not in names_settings_read()}

    def check(**changes: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT, capture_output=True, text=True, env=base | values | changes,
        )  # fmt: skip

    with_key = check(SECRET_KEY=secrets.token_urlsafe(50))
    assert with_key.returncode == 0, with_key.stdout + with_key.stderr
    assert "no issues" in with_key.stdout
    placeholder = check()  # the guide's command refuses the example's CHANGE-ME
    assert placeholder.returncode != 0
    assert "security.W009" in placeholder.stderr


# --- The proxy, gunicorn and the container ------------------------------------------


def test_nginx_takes_every_upload_the_platform_takes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The platform, not nginx, refuses a file too large, and says why."""
    limits = upload_limits()
    # The size a workbook may unpack to, not what is uploaded.
    limits.pop("operations.workbook.MAX_EXPANDED_BYTES")
    assert limits["exchange.dhis2.MAX_BYTES"] == 20 * 1024 * 1024
    assert len(limits) >= 4
    limits["EVIDENCE_MAX_BYTES (default)"] = read_settings(monkeypatch)["EVIDENCE_MAX_BYTES"]
    limits["EVIDENCE_MAX_BYTES (example)"] = int(example()[0]["EVIDENCE_MAX_BYTES"])
    body = size_in_bytes(nginx_directive("client_max_body_size"))
    too_small = {name: limit for name, limit in limits.items() if limit >= body}
    assert not too_small, f"client_max_body_size {body} is not above {too_small}"


def test_nginx_waits_longer_than_gunicorn_and_both_meet_on_one_address() -> None:
    service = (DEPLOY / "nap1325.service").read_text(encoding="utf-8")
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    proxy_wait = int(nginx_directive("proxy_read_timeout").rstrip("s"))
    for name, text in (("nap1325.service", service), ("Dockerfile", dockerfile)):
        [timeout] = re.findall(r"--timeout (\d+)", text)
        assert 60 <= int(timeout) < proxy_wait, name
    [bind] = re.findall(r"--bind (\S+)", service)
    assert bind.startswith("127.0.0.1:"), "only nginx may reach gunicorn"
    upstream = re.search(r"upstream nap1325 \{\s*server (\S+)", nginx_config())
    assert upstream and upstream.group(1) == bind
    assert "EnvironmentFile=/etc/nap1325.env" in service
    assert ". /etc/nap1325.env" in (DEPLOY / "nap1325-manage").read_text(encoding="utf-8")
    for header in ("Host $host", "X-Forwarded-Proto https", "X-Real-IP $remote_addr"):
        assert f"proxy_set_header {header};" in nginx_config()


def test_the_dockerfile_installs_the_pinned_versions_and_what_weasyprint_needs() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("#") and "FROM python:3.11-slim-bookworm\n" in dockerfile
    assert "pip install --constraint constraints.txt --editable ." in dockerfile
    # The system libraries the CI installs for WeasyPrint.
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    [apt] = re.findall(r"apt-get install [^\n]*", ci)
    needed = {p for p in apt.split() if "pango" in p or p.startswith("fonts-")}
    assert len(needed) == 3 and all(f" {p}" in dockerfile for p in needed), needed
    assert "pybabel compile" in dockerfile and "collectstatic" in dockerfile
    [user] = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert user not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n?.*/health/", dockerfile, re.MULTILINE)
    assert re.search(r'^CMD \["gunicorn", "nap1325\.wsgi:application"\]', dockerfile, re.MULTILINE)
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", "*.sqlite3", "media", "deploy/nap1325.env", "deploy/.env"} <= set(ignored)


def test_the_compose_file_migrates_then_serves_and_polls_health() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    db, web = services["db"], services["web"]
    assert db["image"] == "postgres:15"
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert web["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert web["env_file"] == "nap1325.env"
    assert web["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert "media:/data" in web["volumes"]
    # A restore renames MEDIA_ROOT: it must be a folder inside the volume, not its mount point.
    assert web["environment"]["MEDIA_ROOT"] == "/data/media"
    assert services["backup"]["volumes"][0] == "media:/data"
    command = " ".join(web["command"])
    assert "manage.py migrate" in command
    assert command.index("migrate") < command.index("gunicorn nap1325.wsgi:application")
    assert "/health/" in " ".join(web["healthcheck"]["test"])
    assert web["ports"] == ["127.0.0.1:8000:8000"], "only the host's nginx may reach it"
    assert services["backup"]["profiles"] == ["backup"]
    assert "backup" in services["backup"]["command"]
    assert set(compose["volumes"]) == {"db", "media"}


def test_the_guide_names_every_deployment_file_and_no_other() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    named = set(re.findall(r"deploy/([\w.-]+)", guide))
    present = {p.name for p in DEPLOY.iterdir() if not p.name.startswith(".")}
    assert present <= named, f"not in the guide: {present - named}"
    assert named - present <= {".env", "nap1325.env"}, "the guide names a file deploy/ lacks"


# --- The health check script ----------------------------------------------------------


def run_healthcheck(url: str, host: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ALLOWED_HOSTS"} | {"ALLOWED_HOSTS": host}
    return subprocess.run(
        [sys.executable, str(DEPLOY / "healthcheck.py"), url],
        capture_output=True, text=True, env=env, timeout=30,
    )  # fmt: skip


@pytest.mark.django_db
def test_the_health_check_script_reads_the_platforms_answer(
    live_server: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    # As with BEHIND_TLS_PROXY=1: the script's X-Forwarded-Proto avoids the HTTPS redirect.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    url = f"{live_server.url}/health/"
    healthy = run_healthcheck(url, "localhost,nap1325.example.org")
    assert (healthy.returncode, healthy.stdout) == (0, "ok\n"), healthy.stderr
    assert run_healthcheck(url, "elsewhere.example.org").stdout.startswith("400")

    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", 0)])
    pending = run_healthcheck(url, "localhost")
    assert pending.returncode == 1
    assert pending.stdout.startswith("503") and '"migrations": "pending"' in pending.stdout


def test_the_health_check_script_follows_no_redirect_and_says_why() -> None:
    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(301)
            self.send_header("Location", "https://nap1325.example.org/health/")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        answer = run_healthcheck(f"http://127.0.0.1:{server.server_port}/health/", "x.org")
    finally:
        server.shutdown()
        server.server_close()
    assert answer.returncode == 1
    assert answer.stdout == (
        "redirected to https://nap1325.example.org/health/: set BEHIND_TLS_PROXY=1\n"
    )
    refused = run_healthcheck(f"http://127.0.0.1:{server.server_port}/health/", "x.org")
    assert refused.returncode == 1 and refused.stdout.startswith("no answer")


# --- Behind the proxy -------------------------------------------------------------------


def test_behind_the_proxy_settings_trust_its_headers_and_only_then(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    behind = read_settings(monkeypatch, BEHIND_TLS_PROXY="1")
    assert behind["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert behind["AXES_CLIENT_IP_CALLABLE"] == "nap1325.proxy.client_ip"
    exposed = read_settings(monkeypatch, BEHIND_TLS_PROXY="0")
    assert "SECURE_PROXY_SSL_HEADER" not in exposed
    assert "AXES_CLIENT_IP_CALLABLE" not in exposed


@pytest.mark.django_db
def test_behind_the_proxy_a_lockout_is_for_one_visitor_not_everyone(settings: Any) -> None:
    """Every request comes from nginx: without X-Real-IP, five wrong
    passwords from anyone would lock the user out for everyone."""
    from axes.utils import reset
    from django.contrib.auth.models import User

    reset()
    settings.AXES_CLIENT_IP_CALLABLE = "nap1325.proxy.client_ip"
    User.objects.create_user("dora", password="dora-long-pass-phrase-4")

    def sign_in(visitor: str, password: str) -> int:
        """A sign-in through nginx: from 127.0.0.1, the visitor in X-Real-IP."""
        answer = Client().post(
            "/en/accounts/login/", {"username": "dora", "password": password},
            REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=visitor,
        )  # fmt: skip
        return answer.status_code

    stranger, dora = "198.51.100.7", "203.0.113.20"
    assert [sign_in(stranger, "wrong") for _attempt in range(5)] == [200, 200, 200, 200, 429]
    assert sign_in(dora, "dora-long-pass-phrase-4") == 302
    assert sign_in(stranger, "dora-long-pass-phrase-4") == 429, "the stranger stays locked out"
    reset()
