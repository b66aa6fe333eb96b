"""The production stack on this machine (issue 17 §2): nginx with the shipped configuration (deploy/nginx/), gunicorn
with deploy/gunicorn.conf.py and the production settings, PostgreSQL and a background worker — then a respondent's
answer, a staff login with its second step (production asks coordinators for an authenticator) and a background
export walked through nginx over HTTPS, and `make prod-check`'s checks on
that deployment. Runs in CI's PostgreSQL pass (nginx from Debian, installed by scripts/install_nginx.sh)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import shutil
import ssl
import struct
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bench import _shared
from shokuba.surveys.tests.samples import workplace_form
from tests.live_site import LiveSite, free_port

ROOT = _shared.ROOT
HOST = "shokuba.test"
PASSWORD = "deploy-test-" + secrets.token_hex(8)


@dataclass
class Stack:
    site: LiveSite
    folder: Path
    https: int
    http: int
    env: dict[str, str]
    gunicorn_log: Path


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str


def _totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), as an authenticator app computes it from the secret shown."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("nginx is missing under CI: scripts/install_nginx.sh should have installed it")
        pytest.skip("nginx is not installed (scripts/install_nginx.sh installs Debian's nginx)")
    return found


def _render_nginx(folder: Path, static_root: Path, app_port: int, https: int, http_port: int) -> Path:
    """The shipped site configuration, with this test's ports and folders in place of the production ones."""
    site = (ROOT / "deploy" / "nginx" / "shokuba.conf").read_text()
    replacements = {
        "server 127.0.0.1:8001;": f"server 127.0.0.1:{app_port};",
        "    listen 80;\n    listen [::]:80;\n": f"    listen 127.0.0.1:{http_port};\n",
        "    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n": f"    listen 127.0.0.1:{https} ssl http2;\n",
        "shokuba.example.jp": HOST,
        "/etc/shokuba/tls/": f"{folder}/tls/",
        "/var/log/nginx/": f"{folder}/logs/",
        "/opt/shokuba/var/static/": f"{static_root}/",
    }
    for old, new in replacements.items():
        assert old in site, f"the shipped configuration no longer has {old!r}"
        site = site.replace(old, new)
    (folder / "logs").mkdir()
    (folder / "tls").mkdir()
    openssl = shutil.which("openssl") or "/usr/bin/openssl"
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={HOST}",
            "-keyout",
            str(folder / "tls" / "privkey.pem"),
            "-out",
            str(folder / "tls" / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
    )
    (folder / "site.conf").write_text(site)
    main = folder / "nginx.conf"
    main.write_text(
        f"user root;\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/logs/main.error.log;\n"
        "events { worker_connections 256; }\n"
        "http {\n  include /etc/nginx/mime.types;\n"
        f"  client_body_temp_path {folder}/body;\n  proxy_temp_path {folder}/proxy;\n"
        f"  fastcgi_temp_path {folder}/fastcgi;\n  uwsgi_temp_path {folder}/uwsgi;\n  scgi_temp_path {folder}/scgi;\n"
        f"  include {ROOT}/deploy/nginx/shokuba-maps.conf;\n  include {folder}/site.conf;\n}}\n"
    )
    return main


def _wait(port: int, what: str, process: subprocess.Popen[bytes], log: Path, tls: bool = False) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{what} stopped: {log.read_text(errors='replace')[-3000:]}"
        try:
            if _request(port, "GET", "/healthz", tls=tls).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{what} did not answer: {log.read_text(errors='replace')[-3000:]}")


def _request(
    port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None, tls: bool = True
) -> Answer:
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
        connection: http.client.HTTPConnection = http.client.HTTPSConnection("127.0.0.1", port, context=context)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port)
    try:
        connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        reply = connection.getresponse()
        return Answer(reply.status, reply.headers, reply.read().decode(errors="replace"))
    finally:
        connection.close()


@pytest.fixture
def stack(live_postgresql_site: LiveSite, tmp_path: Path) -> Iterator[Stack]:
    nginx = _nginx()
    site = live_postgresql_site
    folder = tmp_path
    var = folder / "var"
    (var / "private").mkdir(parents=True)
    metrics = folder / "prometheus"
    app_port, https, http_port = free_port(), free_port(), free_port()
    env = {
        **site.env,
        "DJANGO_SETTINGS_MODULE": "shokuba.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SHOKUBA_VAR_DIR": str(var),
        "SHOKUBA_PRIVATE_FILES_DIR": str(var / "private"),
        "TRUSTED_PROXIES": "127.0.0.1,::1",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
        "GUNICORN_BIND": f"127.0.0.1:{app_port}",
        "GUNICORN_WORKERS": "2",
    }
    manage = [_shared.PYTHON, str(ROOT / "manage.py")]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*manage, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)  # noqa: S603

    collected = run("collectstatic", "--noinput", "-v", "0")
    assert collected.returncode == 0, collected.stderr
    made = run(
        "shell",
        "-c",
        "from shokuba.network.models import User; u = User.objects.get(username='live-coordinator'); "
        f"u.set_password('{PASSWORD}'); u.save()",
    )
    assert made.returncode == 0, made.stderr

    processes: list[subprocess.Popen[bytes]] = []
    logs = {name: folder / f"{name}.log" for name in ("gunicorn", "worker", "nginx")}
    try:
        gunicorn = str(Path(_shared.PYTHON).with_name("gunicorn"))
        with logs["gunicorn"].open("wb") as out:
            processes.append(subprocess.Popen(  # noqa: S603
                [gunicorn, "shokuba.wsgi:application", "--config", str(ROOT / "deploy" / "gunicorn.conf.py")],
                env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            ))  # fmt: skip
        with logs["worker"].open("wb") as out:
            processes.append(subprocess.Popen(  # noqa: S603
                [*manage, "db_worker", "--worker-id", "deploy-test"], env=env, cwd=ROOT, stdout=out,
                stderr=subprocess.STDOUT,
            ))  # fmt: skip
        _wait(app_port, "gunicorn", processes[0], logs["gunicorn"], tls=False)
        conf = _render_nginx(folder, var / "static", app_port, https, http_port)
        checked = subprocess.run([nginx, "-t", "-c", str(conf)], capture_output=True, text=True)  # noqa: S603
        assert checked.returncode == 0, checked.stderr
        with logs["nginx"].open("wb") as out:
            processes.append(subprocess.Popen(  # noqa: S603
                [nginx, "-c", str(conf), "-g", "daemon off;"], stdout=out, stderr=subprocess.STDOUT
            ))  # fmt: skip
        _wait(https, "nginx", processes[2], logs["nginx"], tls=True)
        yield Stack(site, folder, https, http_port, env, logs["gunicorn"])
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


def test_a_respondent_and_a_staff_member_through_nginx_on_the_production_stack(stack: Stack) -> None:
    site = stack.site
    token = site.links[0][0][1]

    # Plain HTTP is sent to HTTPS.
    plain = _request(stack.http, "GET", f"/s/{token}/", tls=False)
    assert plain.status == 301 and plain.headers["Location"] == f"https://{HOST}/s/{token}/"

    # A respondent opens the link and answers; the answer is stored once.
    page = _request(stack.https, "GET", f"/s/{token}/")
    assert page.status == 200, page.body[:1000]
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert "max-age=31536000" in page.headers["Strict-Transport-Security"]
    ((before,),) = site.query("SELECT count(*) FROM surveys_response WHERE wave_id = ?", [site.waves[0]])
    form = urlencode({"submission_id": str(uuid.uuid4()), **workplace_form()}, doseq=True).encode()
    sent = _request(stack.https, "POST", f"/s/{token}/", form, {"Content-Type": "application/x-www-form-urlencoded"})
    assert sent.status == 303, sent.body[:1000]
    ((after,),) = site.query("SELECT count(*) FROM surveys_response WHERE wave_id = ?", [site.waves[0]])
    assert after == before + 1

    # Static files come from nginx, named by their content and cached for a year.
    css = re.search(r'href="(/static/[^"]+\.css)"', page.body)
    assert css, page.body[:2000]
    static = _request(stack.https, "GET", css.group(1))
    assert static.status == 200 and "immutable" in static.headers["Cache-Control"]

    # A staff member logs in (CSRF over HTTPS: secure cookies, the referer checked against the host).
    login_page = _request(stack.https, "GET", "/login/")
    cookies = SimpleCookie()
    for header in login_page.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    assert "Secure" in (login_page.headers.get("Set-Cookie") or "")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.body)
    assert csrf
    body = urlencode({"username": "live-coordinator", "password": PASSWORD, "csrfmiddlewaretoken": csrf.group(1)})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Referer": f"https://{HOST}/login/",
        "Cookie": "; ".join(f"{k}={v.value}" for k, v in cookies.items()),
    }
    logged_in = _request(stack.https, "POST", "/login/", body.encode(), headers)
    assert logged_in.status == 302, logged_in.body[:2000]
    for header in logged_in.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    session = {"Cookie": "; ".join(f"{k}={v.value}" for k, v in cookies.items())}

    # Production asks a coordinator for the second step: no staff page before an authenticator is set up.
    held = _request(stack.https, "GET", f"/surveys/waves/{site.waves[0]}/", headers=session)
    assert held.status == 302 and held.headers["Location"].startswith("/account/two-factor/"), held.headers
    setup = _request(stack.https, "GET", "/account/two-factor/", headers=session)
    for header in setup.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    session = {"Cookie": "; ".join(f"{k}={v.value}" for k, v in cookies.items())}
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', setup.body)
    csrf_setup = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', setup.body)
    assert secret and csrf_setup, setup.body[:2000]
    confirmed = _request(
        stack.https,
        "POST",
        "/account/two-factor/",
        urlencode({"code": _totp(secret.group(1)), "csrfmiddlewaretoken": csrf_setup.group(1)}).encode(),
        {
            **session,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://{HOST}/account/two-factor/",
        },
    )
    assert confirmed.status == 200 and "<title>リカバリーコード" in confirmed.body, confirmed.body[:2000]
    for header in confirmed.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    session = {"Cookie": "; ".join(f"{k}={v.value}" for k, v in cookies.items())}
    wave_page = _request(stack.https, "GET", f"/surveys/waves/{site.waves[0]}/", headers=session)
    assert wave_page.status == 200, wave_page.body[:1000]
    request_id = wave_page.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)  # nginx's $request_id, kept by the app

    # A background export requested through nginx is done by the worker.
    export_form = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', wave_page.body)
    exports_page = _request(stack.https, "GET", f"/surveys/waves/{site.waves[0]}/exports/", headers=session)
    csrf_exports = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', exports_page.body) or export_form
    assert csrf_exports
    requested = _request(
        stack.https,
        "POST",
        f"/surveys/waves/{site.waves[0]}/exports/",
        urlencode({"file_format": "csv", "csrfmiddlewaretoken": csrf_exports.group(1)}).encode(),
        {**session, "Content-Type": "application/x-www-form-urlencoded", "Referer": f"https://{HOST}/"},
    )
    assert requested.status == 302, requested.body[:1000]
    deadline = time.monotonic() + 60
    status = ""
    while time.monotonic() < deadline:
        ((status,),) = site.query("SELECT status FROM surveys_exportjob ORDER BY id DESC LIMIT 1")
        if status in {"succeeded", "failed"}:
            break
        time.sleep(0.5)
    assert status == "succeeded"

    # Operators' endpoints: metrics never through nginx; readiness through the app.
    assert _request(stack.https, "GET", "/metrics").status == 404
    ready = _request(stack.https, "GET", "/readyz")
    assert ready.status == 200 and json.loads(ready.body)["status"] == "ready"

    # nginx's log: the staff request under its id, no client address, no respondent's path.
    access = (stack.folder / "logs" / "shokuba.access.log").read_text()
    assert request_id in access
    assert "/s/" not in access and "127.0.0.1" not in access
    # The app's JSON log carries no answering link either.
    assert token not in stack.gunicorn_log.read_text()


def test_prod_check_passes_on_that_deployment_and_fails_on_a_development_one(stack: Stack) -> None:
    manage = [_shared.PYTHON, str(ROOT / "manage.py")]
    env = {**stack.env, "EMAIL_HOST": "smtp.example.jp"}
    deploy = subprocess.run([*manage, "check", "--deploy", "--fail-level", "WARNING"], env=env, cwd=ROOT,  # noqa: S603
                            capture_output=True, text=True)  # fmt: skip
    assert deploy.returncode == 0, deploy.stderr
    ours = subprocess.run([*manage, "prod_check"], env=env, cwd=ROOT, capture_output=True, text=True)  # noqa: S603
    assert ours.returncode == 0, ours.stdout + ours.stderr
    assert "prod-check: ready for production" in ours.stdout
    development = {**env, "DJANGO_SETTINGS_MODULE": "shokuba.settings.dev", "DATABASE_URL": "sqlite:///:memory:"}
    refused = subprocess.run([*manage, "prod_check"], env=development, cwd=ROOT, capture_output=True, text=True)  # noqa: S603
    assert refused.returncode != 0
    assert "FAIL settings" in refused.stdout and "FAIL database" in refused.stdout
