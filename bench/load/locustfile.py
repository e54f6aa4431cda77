"""SafeLoop under a realistic mix of users (see bench/load/README.md for how to run it).

Every simulated user signs in through the login form as a real account of the generated data
(bench.load.prepare made them) and keeps its session; writes carry the CSRF token, as the
browser does (a header for the API, the form field for the pages). Users by weight:

- 70 % regulators (city and county inspectors, park officers): the dashboard, the hidden-danger
  list with filters, the enterprise ledger, detail pages, API lists;
- 20 % enterprise staff (safety managers): their hidden dangers, their self-check tasks, a
  hidden danger's detail;
- 10 % writers (safety managers): register a hidden danger (API), move it along its life
  cycle with the version read (plan, then submit for acceptance: API), record a self-check
  task (the page's form).

Request names start with the kind of user (`reg`, `ent`, `write`), so the statistics come out
per request type. Any answer other than the one expected is a failure: 4xx and 5xx alike.
"""

import datetime
import io
import itertools
import random
import re
import sys
import uuid
from pathlib import Path

from locust import HttpUser, between, task
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, for bench.*

from bench.load.accounts import PASSWORD, managers, regulators  # noqa: E402

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
THINK = between(1, 3)
PLAN = {
    "measures": "更换防护栏",
    "funds_budgeted": "1000.00",
    "responsible_person": "张三",
    "emergency_measures": "设置警戒区",
}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (20, 160, 60)).save(out, format="PNG")
    return out.getvalue()


PHOTO = (
    _png()
)  # a rectification photo: the submission needs one  # seconds between one user's requests

_regulators = itertools.cycle(regulators())
_writers = itertools.cycle(managers(writers=True))
_staff = itertools.cycle(managers(writers=False))


def _days_ago(n: int) -> str:
    return (datetime.date.today() - datetime.timedelta(days=n)).isoformat()


class SignedIn(HttpUser):
    abstract = True
    wait_time = THINK
    accounts: itertools.cycle

    def on_start(self) -> None:
        self.username = next(self.accounts)
        page = self.client.get("/login/", name="login page")
        token = CSRF.search(page.text)
        self.post(
            "/login/",
            "login",
            302,
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token[1] if token else "",
            },
        )
        self.hazard_ids: list[int] = []
        self.enterprise_ids: list[int] = []

    def post(self, path: str, name: str, expect: int, **kwargs):
        """A POST with the session's CSRF token (header) and a same-origin Referer, as the
        browser sends it; the answer when its status is `expect`, else None (a failure)."""
        headers = {
            "X-CSRFToken": self.client.cookies.get("csrftoken", ""),
            "Referer": self.host + path,
            **kwargs.pop("headers", {}),
        }
        with self.client.post(
            path, headers=headers, name=name, allow_redirects=False, catch_response=True, **kwargs
        ) as answer:
            if answer.status_code != expect:
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")
                return None
            return answer

    def api_list(self, path: str, name: str) -> list[dict]:
        with self.client.get(path, name=name, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}")
                return []
            return answer.json().get("results", [])

    def collect_hazards(self, path: str, name: str) -> None:
        rows = self.api_list(path, name)
        if rows:
            self.hazard_ids = [row["id"] for row in rows]

    def hazard_detail(self, name: str) -> None:
        if not self.hazard_ids:
            self.collect_hazards("/api/v1/hazards/", name.split(":")[0] + ": api hazard list")
        if self.hazard_ids:
            self.client.get(f"/hazards/{random.choice(self.hazard_ids)}/", name=name)


class Regulator(SignedIn):
    """A city or county inspector or a park officer, reading."""

    weight = 70
    accounts = _regulators
    FILTERS = [
        "?state=rectifying",
        "?overdue=true",
        "?level=major&state=pending&state=rectifying",
        "?category=3&state=awaiting",
        f"?found_from={_days_ago(30)}",
        "?source=enforcement&state=rectifying",
        "?sector=machinery&overdue=true",
        "?page=2",
    ]
    LEDGER = ["", "?sector=machinery", "?scale=large", "?risk_colour=red", "?q=jzqy", "?page=3"]

    @task(3)
    def dashboard(self):
        self.client.get("/dashboards/", name="reg: dashboard")

    @task(4)
    def hazard_list(self):
        self.client.get("/hazards/" + random.choice(self.FILTERS), name="reg: hazard list")

    @task(2)
    def ledger(self):
        self.client.get("/enterprises/" + random.choice(self.LEDGER), name="reg: ledger")

    @task(3)
    def hazard(self):
        self.hazard_detail("reg: hazard detail")

    @task(1)
    def enterprise(self):
        if not self.enterprise_ids:
            rows = self.api_list("/api/v1/enterprises/", "reg: api enterprise list")
            self.enterprise_ids = [row["id"] for row in rows]
        if self.enterprise_ids:
            pk = random.choice(self.enterprise_ids)
            self.client.get(f"/enterprises/{pk}/", name="reg: enterprise detail")

    @task(2)
    def api_hazards(self):
        self.collect_hazards(
            "/api/v1/hazards/" + random.choice(["?state=rectifying", "?overdue=true", ""]),
            "reg: api hazard list",
        )

    @task(1)
    def api_enterprises(self):
        rows = self.api_list(
            "/api/v1/enterprises/" + random.choice(["", "?sector=metallurgy", "?scale=small"]),
            "reg: api enterprise list",
        )
        if rows:
            self.enterprise_ids = [row["id"] for row in rows]


class Staff(SignedIn):
    """An enterprise's safety manager at work: its hidden dangers and self-check tasks."""

    weight = 20
    accounts = _staff

    @task(3)
    def hazards(self):
        self.client.get(
            "/hazards/" + random.choice(["", "?state=rectifying"]), name="ent: hazard list"
        )

    @task(2)
    def selfchecks(self):
        self.client.get("/selfchecks/", name="ent: self-check tasks")

    @task(1)
    def api_tasks(self):
        self.api_list("/api/v1/selfcheck-tasks/?state=pending", "ent: api self-check tasks")

    @task(2)
    def hazard(self):
        self.hazard_detail("ent: hazard detail")

    @task(1)
    def api_hazards(self):
        self.collect_hazards("/api/v1/hazards/?state=rectifying", "ent: api hazard list")


class Writer(SignedIn):
    """A safety manager writing: hidden dangers through the API (register, plan, submit),
    self-check records through the page's form."""

    weight = 10
    accounts = _writers

    def on_start(self) -> None:
        super().on_start()
        self.moving: list[tuple[int, int, str]] = []  # (hazard id, version, next move)
        self.open_tasks: list[int] = []  # not `tasks`: locust's own
        self.enterprise: int | None = None

    @task(2)
    def register(self):
        if self.enterprise is None:
            me = self.api_list("/api/v1/enterprises/", "write: api own enterprise")
            if not me:
                return
            self.enterprise = me[0]["id"]
        created = self.post(
            "/api/v1/hazards/",
            "write: register hazard",
            201,
            headers={"Idempotency-Key": uuid.uuid4().hex},
            json={
                "enterprise": self.enterprise,
                "source": "1",
                "category": str(random.randint(1, 8)),
                "place": f"负载测试车间{random.randint(1, 40)}",
                "description": "负载测试登记的隐患",
                "deadline_working_days": 10,
            },
        )
        if created is not None:
            body = created.json()
            self.moving.append((body["id"], body["version"], "plan"))

    @task(5)
    def move(self):
        """The next step of a hazard this user registered: the plan (version), an after-photo,
        the submission for acceptance (version)."""
        if not self.moving:
            return self.register()
        pk, version, move = self.moving.pop(0)
        if move == "photo":
            photo = self.post(
                f"/api/v1/hazards/{pk}/photos/",
                "write: hazard photo",
                201,
                data={"stage": "after"},
                files={"file": ("after.png", PHOTO, "image/png")},
            )
            if photo is not None:
                self.moving.append((pk, version, "submit"))
            return
        body = {"version": version}
        body |= PLAN if move == "plan" else {"evidence": "已整改，附现场照片"}
        moved = self.post(
            f"/api/v1/hazards/{pk}/{move}/", f"write: hazard {move} (version)", 200, json=body
        )
        if moved is not None and move == "plan":
            self.moving.append((pk, moved.json()["version"], "photo"))

    @task(3)
    def selfcheck(self):
        if not self.open_tasks:
            rows = self.api_list(
                "/api/v1/selfcheck-tasks/?state=pending", "write: api pending self-checks"
            )
            self.open_tasks = [row["id"] for row in rows]
            random.shuffle(self.open_tasks)
        if not self.open_tasks:
            return
        pk = self.open_tasks.pop()
        self.post(
            f"/selfchecks/tasks/{pk}/record/",
            "write: self-check record",
            302,
            data={
                "result": "normal",
                "note": "负载测试：正常",
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
        )
