"""django-helpdesk, the peer we mean to replace, served as its docs suggest (bench compare).

It is installed in its own throwaway virtualenv (never in ours), given a minimal project
(SQLite, its REST API on, teams mode off), a staff user and one queue, and served by
gunicorn with two workers. Nothing of it is committed but this recipe.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

VERSION = "2.6.1"
USER = "bench"
PASSWORD = "bench-peer-2026"

SETTINGS = """\
from pathlib import Path
BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "django.contrib.sites", "django.contrib.humanize", "rest_framework", "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "peer.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3",
                         "OPTIONS": {"timeout": 20}}}
SITE_ID = 1
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "media"
USE_TZ = True
HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_API_ENABLED = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGIN_URL = "/admin/login/"
"""

URLS = """\
from django.contrib import admin
from django.urls import include, path
urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
"""

SETUP = f"""\
from django.contrib.auth import get_user_model
from helpdesk.models import Queue
get_user_model().objects.create_superuser({USER!r}, "bench@example.com", {PASSWORD!r})
Queue.objects.create(title="Service", slug="service", email_address="service@example.com")
"""


@dataclass(frozen=True)
class Peer:
    url: str
    pid: int
    queue_id: int
    cookie: str
    csrf: str


def _venv(base: Path) -> Path:
    """A throwaway virtualenv with django-helpdesk and gunicorn (cached between runs)."""
    venv = base / "venv"
    python = venv / "bin" / "python"
    if not (venv / ".installed").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet",
             f"django-helpdesk=={VERSION}", "gunicorn"],
            check=True,
        )
        (venv / ".installed").touch()
    return python


def _login(url: str) -> tuple[str, str]:
    """Session login through Django's admin form: the API is then posted with session auth."""
    host = url.removeprefix("http://")
    conn = http.client.HTTPConnection(host, timeout=30)
    conn.request("GET", "/admin/login/")
    response = conn.getresponse()
    page = response.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie", ""))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf_cookie and token, "django-helpdesk's login page has no CSRF token"
    body = f"csrfmiddlewaretoken={token.group(1)}&username={USER}&password={PASSWORD}&next=/admin/"
    conn.request(
        "POST",
        "/admin/login/",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie.group(1)}",
            "Referer": f"{url}/admin/login/",
        },
    )
    response = conn.getresponse()
    response.read()
    set_cookies = ",".join(response.msg.get_all("Set-Cookie") or [])
    cookies = dict(re.findall(r"(csrftoken|sessionid)=([^;]+)", set_cookies))
    conn.close()
    assert "sessionid" in cookies, f"django-helpdesk login failed ({response.status})"
    csrf = cookies.get("csrftoken", csrf_cookie.group(1))
    return f"csrftoken={csrf}; sessionid={cookies['sessionid']}", csrf


@contextlib.contextmanager
def served_peer(*, port: int, cache: Path | None = None, workers: int = 2) -> Iterator[Peer]:
    base = cache or Path(tempfile.gettempdir()) / f"memnun-bench-helpdesk-{VERSION}"
    base.mkdir(parents=True, exist_ok=True)
    python = _venv(base)
    project = Path(tempfile.mkdtemp(prefix="memnun-bench-peer-"))
    (project / "peer").mkdir()
    (project / "peer" / "__init__.py").write_text("")
    (project / "peer" / "settings.py").write_text(SETTINGS)
    (project / "peer" / "urls.py").write_text(URLS)
    (project / "peer" / "wsgi.py").write_text(
        textwrap.dedent("""\
            import os
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer.settings")
            from django.core.wsgi import get_wsgi_application
            application = get_wsgi_application()
        """)
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "peer.settings", "PYTHONPATH": str(project)}
    for key in ("DATABASE_URL", "MEMNUN_TESTING", "MEMNUN_DATA_DIR"):
        env.pop(key, None)
    django_admin = [str(python), "-m", "django"]
    process: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run(
            [*django_admin, "migrate", "--no-input", "-v", "0"], cwd=project, env=env, check=True
        )
        subprocess.run([*django_admin, "shell", "-c", SETUP], cwd=project, env=env, check=True)
        process = subprocess.Popen(
            [str(python), "-m", "gunicorn", "peer.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--log-level", "warning"],
            cwd=project,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/admin/login/", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("django-helpdesk did not start") from None
                time.sleep(0.3)
        cookie, csrf = _login(url)
        yield Peer(url=url, pid=process.pid, queue_id=1, cookie=cookie, csrf=csrf)
    finally:
        if process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, 15)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
        shutil.rmtree(project, ignore_errors=True)
