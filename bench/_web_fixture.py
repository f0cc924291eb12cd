"""Helpers of `bench_web.py`: a large clinic written in bulk, and the app under test in a process.

`seed_bulk` adds practitioners and patients to a migrated database that holds the demo clinic:
each patient has a screened intake and one booked appointment in the next 30 days; of those
the screening lets be treated, a share has a plan, most plans are accepted and have signed
sessions (with their needles, an attended appointment and mostly an NRS score), some an RMDQ
at the first and last session (the shares are the constants below). Screening and planning go
through the clinical core; rows are written with SQLAlchemy Core inserts into the records
tables (explicit ids, `version` 1), far faster than the repositories' flush per record, and the
ORM reads them back like any other row; the rows derived for the research figures are filled
after them by the functions the repositories call (`records.repositories.derived`).

`bench_app` is a uvicorn factory: the app from `create_app`, on an engine whose SQL statements
are counted per request, wrapped in an ASGI middleware that adds `Server-Timing: app;dur=<ms>`
(from the request reaching the app to the response head) and `X-Bench-Queries: <n>` to each
response, and in `_web_profile.install` (a request may ask for its cProfile). `serve` runs it
with uvicorn in a subprocess on a free 127.0.0.1 port.
"""

from __future__ import annotations

import os
import random
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, event, func, insert, select, text

from acuback.clinical.intake import FINDINGS, PAIN_REGIONS, SEXES, SIDES, parse_intake
from acuback.clinical.plan_model import Plan
from acuback.clinical.planning import plan
from acuback.clinical.screening import screen
from acuback.knowledge import load_knowledge
from acuback.records.payloads import condition_group
from acuback.records.repositories.derived import mark_newest, refresh_series
from acuback.records.tables import (
    AppointmentRow,
    IntakeRow,
    NeedleRow,
    OutcomeRow,
    PatientRow,
    PlanRow,
    PractitionerRow,
    SessionRow,
    UserRow,
)
from acuback.services.charting import needles_from_plan

__all__ = ["BulkSummary", "Server", "bench_app", "cpu_seconds", "seed_bulk", "serve"]

PLAN_SHARE = 0.7  # of patients the screening lets be treated, the share with a plan
ACCEPTED_SHARE = 0.8  # of plans, the share accepted (only these patients have sessions)
NRS_SHARE = 0.8  # of sessions, the share with an NRS score
RMDQ_SHARE = 0.4  # of patients with two sessions or more, the share with two RMDQ scores
FINDING_FREE_SHARE = 0.85  # intakes without any finding (most back pain is non-specific)
IMPROVING_SHARE = 0.6
MAX_SESSIONS = 10
HISTORY_DAYS = 120  # intakes fall in the last 120 days
MONTH_DAYS = 30  # the booked appointment falls in the next 30 days, today included
START_TIMEOUT_S = 60.0
_TABLES: tuple[Any, ...] = (
    PractitionerRow,
    PatientRow,
    IntakeRow,
    PlanRow,
    AppointmentRow,
    SessionRow,
    NeedleRow,
    OutcomeRow,
)
_GIVEN = (
    "Alex",
    "Sam",
    "Jo",
    "Priya",
    "Omar",
    "Lena",
    "Kofi",
    "Mira",
    "Tomas",
    "Yuki",
    "Ines",
    "Ravi",
    "Nora",
    "Felix",
    "Amara",
    "Hugo",
    "Sara",
    "Ivan",
    "Leila",
    "Pablo",
)
_FAMILY = (
    "Smith",
    "Nowak",
    "Garcia",
    "Khan",
    "Müller",
    "Rossi",
    "Okafor",
    "Tanaka",
    "Silva",
    "Dubois",
    "Jensen",
    "Haddad",
    "Kowalski",
    "Brown",
    "Ivanova",
    "Nguyen",
    "Mensah",
    "Larsen",
    "Costa",
    "Murphy",
)
_MEDICATIONS = ("warfarin 5 mg", "apixaban", "aspirin 75 mg", "paracetamol", "ibuprofen")


@dataclass
class BulkSummary:
    """What `seed_bulk` wrote: rows per table, seconds spent, the intakes a plan can be made for."""

    rows: dict[str, int] = field(default_factory=dict)
    core_seconds: float = 0.0  # screening, planning and building the rows
    insert_seconds: float = 0.0
    treating_intakes: list[int] = field(default_factory=list)
    practitioners: int = 0


def random_intake(rng: random.Random, conditions: list[str]) -> dict[str, Any]:
    """A valid Intake v1; most have no finding, a few one or two (red flags among them)."""
    findings: list[str] = []
    if rng.random() > FINDING_FREE_SHARE:
        findings = rng.sample(FINDINGS, rng.choice((1, 1, 1, 2)))
    pain = {
        "regions": rng.sample(PAIN_REGIONS, rng.choice((1, 1, 1, 2))),
        "side": rng.choice(SIDES),
        "onset_weeks": round(rng.uniform(0.5, 104), 1),
        "nrs": rng.randint(3, 9),
        "radiates_below_knee": rng.random() < 0.25,
    }
    data: dict[str, Any] = {
        "age": rng.randint(18, 88),
        "sex": rng.choice(SEXES),
        "pain": pain,
        "findings": findings,
        "diagnoses": rng.sample(conditions, rng.choice((0, 1, 1))),
        "medications": rng.sample(_MEDICATIONS, rng.choice((0, 0, 0, 1))),
    }
    if data["sex"] == "female" and data["age"] < 45 and rng.random() < 0.05:
        data["pregnancy_weeks"] = rng.randint(6, 38)
    return data


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


class _Clinic:
    """Builds the rows of a clinic in memory, ids continuing after those already stored."""

    def __init__(self, next_ids: dict[Any, int], signer: int, seed: int, today: date) -> None:
        self.rows: dict[Any, list[dict[str, Any]]] = {table: [] for table in _TABLES}
        self.next_ids, self.signer, self.today = next_ids, signer, today
        self.rng = random.Random(seed)
        self.kb = load_knowledge()
        self.conditions = sorted(self.kb.conditions)
        self.treating_intakes: list[int] = []

    def add(self, table: Any, **columns: Any) -> int:
        row_id = self.next_ids[table]
        self.next_ids[table] += 1
        self.rows[table].append({"id": row_id, "version": 1, **columns})
        return row_id

    def practitioner(self, index: int) -> int:
        rng = self.rng
        return self.add(
            PractitionerRow,
            name=f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)} (bench {index})",
            qualification="BSc Acupuncture (bench)",
            licence_number=f"BENCH-{index:04d}",
            licence_body="Bench Acupuncture Council (fictional)",
            licence_expiry=self.today + timedelta(days=rng.randint(5, 1000)),
            years_in_practice=rng.randint(1, 30),
            specialties=["back pain"],
        )

    def patient(self, practitioner: int) -> None:
        rng, today = self.rng, self.today
        payload = random_intake(rng, self.conditions)
        given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
        born = date(today.year - payload["age"], rng.randint(1, 12), 15)
        patient = self.add(
            PatientRow,
            public_id=f"{rng.getrandbits(64):016x}",
            given_name=given,
            family_name=family,
            birth_date=born,
            sex=payload["sex"],
            phone=f"+44 7700 {rng.randint(0, 999999):06d}",
            email=f"{given.lower()}.{family.lower()}{self.next_ids[PatientRow]}@example.org",
            created_at=_at(today - timedelta(days=HISTORY_DAYS + 1), 8),
        )
        intake_day = today - timedelta(days=rng.randint(0, HISTORY_DAYS))
        parsed = parse_intake(payload, conditions=self.kb.conditions)
        result = screen(parsed, self.kb)
        intake = self.add(
            IntakeRow,
            patient_id=patient,
            practitioner_id=practitioner,
            submitted_at=_at(intake_day, 8),
            payload=payload,
            screening=result.model_dump(mode="json"),
            disposition=result.disposition,
            condition=condition_group(payload["diagnoses"]),
        )
        slot = rng.randrange(40)  # quarter hours from 08:00 to 17:45
        when = _at(today + timedelta(days=rng.randrange(MONTH_DAYS)), 8 + slot // 4, slot % 4 * 15)
        self.appointment(patient, practitioner, when, "booked")
        if result.disposition not in ("proceed", "caution"):
            return
        self.treating_intakes.append(intake)
        if rng.random() >= PLAN_SHARE:
            return
        planned = plan(parsed, self.kb, screening=result)
        accepted = rng.random() < ACCEPTED_SHARE
        plan_id = self.add(
            PlanRow,
            patient_id=patient,
            intake_id=intake,
            created_at=_at(intake_day, 8, 30),
            payload=planned.model_dump(mode="json"),
            status="accepted" if accepted else "proposed",
            accepted_by=self.signer if accepted else None,
            accepted_at=_at(intake_day, 8, 45) if accepted else None,
            reassess_after_sessions=(
                None if planned.course is None else planned.course.reassess_after_sessions
            ),
        )
        if accepted:
            self.sessions(patient, practitioner, plan_id, planned, intake_day, payload)

    def appointment(self, patient: int, practitioner: int, start: datetime, status: str) -> int:
        return self.add(
            AppointmentRow,
            patient_id=patient,
            practitioner_id=practitioner,
            starts_at=start,
            ends_at=start + timedelta(minutes=45),
            status=status,
            kind="treatment",
        )

    def sessions(
        self,
        patient: int,
        practitioner: int,
        plan_id: int,
        planned: Plan,
        intake_day: date,
        payload: dict[str, Any],
    ) -> None:
        rng = self.rng
        charted = needles_from_plan(planned)
        count = sum(2 if n["side"] == "bilateral" else 1 for n in charted["needles"])
        improving = rng.random() < IMPROVING_SHARE
        wanted, days, day = rng.randint(0, MAX_SESSIONS), list[date](), intake_day
        while len(days) < wanted and (day := day + timedelta(days=rng.randint(3, 7))) < self.today:
            days.append(day)
            drop = len(days) // 2 if improving else rng.randint(-1, 1)
            pain = min(10, max(0, payload["pain"]["nrs"] - drop))
            start = _at(day, 9 + rng.randint(0, 8))
            appointment = self.appointment(patient, practitioner, start, "attended")
            session = self.add(
                SessionRow,
                patient_id=patient,
                practitioner_id=practitioner,
                appointment_id=appointment,
                plan_id=plan_id,
                session_date=day,
                needle_gauge_mm=0.25,
                needle_length_mm=40.0,
                needle_make="Bench single-use",
                needles_in=count,
                needles_out=count,
                other_components=[],
                retention_minutes=charted["retention_minutes"],
                pain_before=pain,
                pain_after=max(pain - 2, 0),
                notes="Bench chart: treatment as planned.",
                status="signed",
                signed_at=start + timedelta(minutes=50),
                signed_by=self.signer,
            )
            for position, needle in enumerate(charted["needles"]):
                self.add(
                    NeedleRow,
                    session_id=session,
                    position=position,
                    frequency_hz=None,
                    intensity=None,
                    pairing=None,
                    override_reason=None,
                    **needle,
                )
            if rng.random() < NRS_SHARE:
                self.outcome(patient, session, "nrs", day, pain, pain)
        if len(days) >= 2 and rng.random() < RMDQ_SHARE:
            first = rng.randint(6, 18)
            last = max(0, first - (rng.randint(3, 8) if improving else rng.randint(-1, 1)))
            for day, value in ((days[0], first), (days[-1], last)):
                self.outcome(
                    patient, None, "rmdq", day, [True] * value + [False] * (24 - value), value
                )

    def outcome(
        self,
        patient: int,
        session: int | None,
        instrument: str,
        day: date,
        responses: Any,
        value: int,
    ) -> None:
        self.add(
            OutcomeRow,
            patient_id=patient,
            session_id=session,
            instrument=instrument,
            measured_on=day,
            responses=responses,
            score=float(value),
            subscores={},
        )


def seed_bulk(
    engine: Engine, patients: int, practitioners: int, seed: int, today: date | None = None
) -> BulkSummary:
    """Add `patients` patients, and practitioners up to `practitioners` in all, in bulk."""
    summary = BulkSummary()
    start = time.perf_counter()
    with engine.begin() as conn:
        next_ids = {t: (conn.scalar(select(func.max(t.id))) or 0) + 1 for t in _TABLES}
        signer = conn.scalar(select(UserRow.id).where(UserRow.role == "practitioner")) or 1
        clinic = _Clinic(next_ids, signer, seed, today or date.today())
        staff = list(conn.scalars(select(PractitionerRow.id).order_by(PractitionerRow.id)))
        staff += [clinic.practitioner(index) for index in range(len(staff), practitioners)]
        for index in range(patients):
            clinic.patient(staff[index % len(staff)])
        summary.core_seconds = time.perf_counter() - start
        begun = time.perf_counter()
        for table in _TABLES:
            if clinic.rows[table]:
                conn.execute(insert(table), clinic.rows[table])
            summary.rows[table.__tablename__] = len(clinic.rows[table])
        # The derived research rows, as the repositories keep them on every write.
        added = [row["id"] for row in clinic.rows[PatientRow]]
        mark_newest(conn, added)
        refresh_series(conn, added)
        if engine.dialect.name == "postgresql":  # explicit ids leave the sequences behind
            for name in summary.rows:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT max(id) FROM {name}))"
                    )
                )
    summary.insert_seconds = time.perf_counter() - begun
    summary.treating_intakes, summary.practitioners = clinic.treating_intakes, len(staff)
    return summary


# -- the app, with the time and the SQL statements of each request ----------------------------

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

_statements: ContextVar[list[int] | None] = ContextVar("bench_statements", default=None)


def _count_statement(*_args: Any, **_kwargs: Any) -> None:
    # The request's counter travels in a context variable, which Starlette copies into the
    # worker thread of a sync endpoint; the list itself is shared, so the count adds up.
    counter = _statements.get()
    if counter is not None:
        counter[0] += 1


class TimingMiddleware:
    """Adds `Server-Timing: app;dur=<ms>` and `X-Bench-Queries: <n>` to each HTTP response."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        counter = [0]
        token = _statements.set(counter)
        started = time.perf_counter()

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed_ms = (time.perf_counter() - started) * 1000
                headers = [
                    *message.get("headers", []),
                    (b"server-timing", f"app;dur={elapsed_ms:.3f}".encode()),
                    (b"x-bench-queries", str(counter[0]).encode()),
                ]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, timed_send)
        finally:
            _statements.reset(token)


def _exit_with_parent(parent: int) -> None:
    # Should the bench script die without stopping its server (SIGKILL), the server follows.
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def bench_app() -> App:
    """The app for the settings in the environment, with the timing headers (uvicorn factory)."""
    import threading

    from acuback.records import make_engine
    from acuback.settings import get_settings
    from acuback.web.app import create_app

    parent = int(os.environ.get("BENCH_PARENT_PID", "0"))
    if parent:
        threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    from _web_profile import install  # beside this module (uvicorn's --app-dir)

    settings = get_settings()
    engine = make_engine(settings.effective_database_url)
    event.listen(engine, "before_cursor_execute", _count_statement)
    return TimingMiddleware(install(create_app(settings, engine=engine)))


# -- the server process ------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    base: str
    pid: int


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), or None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(url: str, workdir: Path) -> Iterator[Server]:
    """uvicorn with `bench_app` on a free loopback port; stopped on leaving, whatever happens."""
    port = _free_port()
    env = {
        **os.environ,
        "ACUBACK_DATABASE_URL": url,
        "ACUBACK_ENVIRONMENT": "development",
        "ACUBACK_SECRET_KEY": secrets.token_urlsafe(48),
        "XDG_DATA_HOME": str(workdir),
        "BENCH_PARENT_PID": str(os.getpid()),
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "_web_fixture:bench_app",
        "--app-dir",
        str(Path(__file__).resolve().parent),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    log_path = workdir / "server.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(process, base, log_path)
        yield Server(base, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_ready(process: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped at start-up:\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {START_TIMEOUT_S:.0f} s")
