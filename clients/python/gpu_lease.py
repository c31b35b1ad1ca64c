"""The PromptPics GPU lease (LEASE.md v1) for Python: one stdlib-only module, Python >= 3.9.

The benchmark runner (``ppbench``) and the production backend share one GPU through a small
JSON file, ``status.json``, on a volume both see (``GPU_COORD_PATH``; default
``/gpu_coord/status.json``, or ``<tmpdir>/promptpics-gpu/status.json`` where ``/gpu_coord`` does
not exist). This module is the same protocol as the TypeScript library (``src/lease``) for both
owners, so a Python backend takes the GPU from a running benchmark within one denoising step,
and a Python benchmark yields to any backend. Copy this file into your project; it has no
dependencies.

Backend (always has priority; waits at most ``max_wait_ms`` for the benchmark to yield, then
proceeds anyway and records an overlap)::

    from gpu_lease import gpu_lease

    with gpu_lease("backend", label="txt2img"):
        image = "generated"            # your pipeline(...) call

    @gpu_lease("backend")
    def generate(prompt):
        return prompt.upper()          # runs holding the lease, released however it ends

    assert generate("a red fox") == "A RED FOX"

    async def handler():               # FastAPI / asyncio: the waits run off the event loop
        async with gpu_lease("backend") as lease:
            return lease.waited_ms >= 0

    import asyncio
    assert asyncio.run(handler())

Benchmark (yields between units of work; ``lease.check()`` raises ``LeasePreempted`` once a
backend asks for the GPU, and heartbeats)::

    with gpu_lease("benchmark", label="sdxl/p042/s1") as lease:
        for step in range(3):
            lease.check()              # between denoising steps
            pass                       # one unit of GPU work

Heartbeats also run in a background thread every ``poll_ms`` while a lease is held, so a holder
whose work blocks still looks alive; a holder that dies (kill -9) is taken over after
``stale_ms``. Every acquire, wait, preemption, stale takeover, overlap and release is appended
to ``events.jsonl`` beside ``status.json``, where ``ppbench run`` imports them.

Signals: Ctrl-C (KeyboardInterrupt) unwinds the ``with`` block and releases. Python's default
SIGTERM ends the process without unwinding, so the lease would only go stale after ``stale_ms``;
a server that wants an immediate release installs
``signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))`` (uvicorn and gunicorn handle SIGTERM
themselves and let requests finish).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import json
import os
import random
import socket
import sys
import tempfile
import threading
import time
import uuid
import warnings
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional

__all__ = [
    "gpu_lease",
    "GpuLease",
    "LeaseError",
    "LeasePreempted",
    "LeaseLost",
    "LeaseTiming",
    "resolve_coord_path",
    "read_status",
]

OWNERS = ("backend", "benchmark")
CONTAINER_COORD_DIR = "/gpu_coord"
LEGACY_HOLDER_ID = "v0-claim"
MAX_STATUS_BYTES = 1 << 20
MAX_CONFLICT_RETRIES = 5
THIS_HOST = socket.gethostname()


# ---------------------------------------------------------------------------------------------
# Errors and options
# ---------------------------------------------------------------------------------------------


class LeaseError(Exception):
    """A lease failure with a stable code (the TypeScript LeaseError's codes)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class LeasePreempted(LeaseError):
    """The backend wants the GPU: stop at this unit boundary (the lease is released on exit)."""

    def __init__(self, message: str) -> None:
        super().__init__("ERR_LEASE_PREEMPTED", message)


class LeaseLost(LeaseError):
    """Our entry vanished (taken over as stale, or erased by a seed writer): stop now."""

    def __init__(self, message: str) -> None:
        super().__init__("ERR_LEASE_LOST", message)


class LeaseTiming:
    """LEASE.md "Timing defaults", in milliseconds; the order poll < heartbeat < stale < max_wait
    < max_hold is checked, as are lock_stale <= stale and settle < lock_stale."""

    def __init__(
        self,
        poll_ms: int = 50,
        heartbeat_ms: int = 250,
        stale_ms: int = 1500,
        max_wait_ms: int = 2000,
        max_hold_ms: int = 600_000,
        lock_stale_ms: Optional[int] = None,
        settle_ms: Optional[int] = None,
    ) -> None:
        values = [("poll_ms", poll_ms), ("heartbeat_ms", heartbeat_ms), ("stale_ms", stale_ms),
                  ("max_wait_ms", max_wait_ms), ("max_hold_ms", max_hold_ms)]
        for name, value in values + [("lock_stale_ms", lock_stale_ms), ("settle_ms", settle_ms)]:
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value <= 0):
                raise LeaseError("ERR_LEASE_OPTIONS", f"Invalid GPU lease options: {name} must be a positive integer, got {value!r}")
        for (lo_name, lo), (hi_name, hi) in zip(values, values[1:]):
            if hi <= lo:
                raise LeaseError("ERR_LEASE_OPTIONS", f"Invalid GPU lease options: {hi_name} must be greater than {lo_name} ({lo}), got {hi}")
        self.poll_ms = poll_ms
        self.heartbeat_ms = heartbeat_ms
        self.stale_ms = stale_ms
        self.max_wait_ms = max_wait_ms
        self.max_hold_ms = max_hold_ms
        # The lock guards milliseconds of work; half the stale bound breaks a dead process's
        # lock well before its lease goes stale.
        self.lock_stale_ms = lock_stale_ms if lock_stale_ms is not None else stale_ms // 2
        # An empty or unreadable file must stay unchanged this long before it counts as free:
        # a writer rewriting it in place (truncate, then write) leaves it empty for a moment.
        self.settle_ms = settle_ms if settle_ms is not None else 2 * poll_ms
        if self.lock_stale_ms > stale_ms:
            raise LeaseError("ERR_LEASE_OPTIONS", f"Invalid GPU lease options: lock_stale_ms must be at most stale_ms ({stale_ms}), got {self.lock_stale_ms}")
        if self.settle_ms >= self.lock_stale_ms:
            raise LeaseError("ERR_LEASE_OPTIONS", f"Invalid GPU lease options: settle_ms must be less than lock_stale_ms ({self.lock_stale_ms}), got {self.settle_ms}")


def resolve_coord_path(env: Optional[Dict[str, str]] = None) -> str:
    """``GPU_COORD_PATH``, else the container volume ``/gpu_coord``, else a per-machine tmp folder."""
    env = os.environ if env is None else env
    from_env = (env.get("GPU_COORD_PATH") or "").strip()
    if from_env:
        return os.path.abspath(from_env)
    if os.path.exists(CONTAINER_COORD_DIR):
        return os.path.join(CONTAINER_COORD_DIR, "status.json")
    return os.path.join(tempfile.gettempdir(), "promptpics-gpu", "status.json")


def events_path_for(status_path: str) -> str:
    return os.path.join(os.path.dirname(status_path), "events.jsonl")


def lock_path_for(status_path: str) -> str:
    return status_path + ".lock"


# ---------------------------------------------------------------------------------------------
# Times (JavaScript's Date: ISO 8601 with milliseconds and Z; epoch milliseconds)
# ---------------------------------------------------------------------------------------------


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def iso(ms: float) -> str:
    whole = int(ms)
    t = datetime.fromtimestamp(whole // 1000, tz=timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (whole % 1000)


def parse_iso(value: Any) -> Optional[float]:
    """Epoch milliseconds, or None when `value` is not an ISO time."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Python 3.9's fromisoformat takes 0, 3 or 6 fraction digits only.
    if "." in text:
        head, _, rest = text.partition(".")
        digits = ""
        while rest and rest[0].isdigit():
            digits, rest = digits + rest[0], rest[1:]
        text = head + "." + (digits + "000000")[:6] + rest
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t.timestamp() * 1000.0


# ---------------------------------------------------------------------------------------------
# The file: reading and classifying (status-file.ts)
# ---------------------------------------------------------------------------------------------


def _is_iso(v: Any) -> bool:
    return parse_iso(v) is not None


def _clean_entry(value: Any, want: bool) -> Optional[Dict[str, Any]]:
    """The entry with known fields only, or None when it breaks the schema."""
    if not isinstance(value, dict):
        return None
    if not isinstance(value.get("id"), str) or not value["id"]:
        return None
    if value.get("owner") not in (("backend",) if want else OWNERS):
        return None
    if not _is_iso(value.get("since")):
        return None
    out = {"id": value["id"], "owner": value["owner"]}
    for key, ok in (("host", lambda v: isinstance(v, str)),
                    ("pid", lambda v: isinstance(v, int) and not isinstance(v, bool)),
                    ("since", _is_iso), ("heartbeat", _is_iso)):
        if key in value:
            if not ok(value[key]):
                return None
            out[key] = value[key]
    if not want:
        if "label" in value:
            if not isinstance(value["label"], str):
                return None
            out["label"] = value["label"]
        if "legacy" in value:
            if value["legacy"] is not True:
                return None
            out["legacy"] = True
    # The TS writer's key order: id, owner, host, pid, since, heartbeat, label, legacy.
    order = ["id", "owner", "host", "pid", "since", "heartbeat", "label", "legacy"]
    return {k: out[k] for k in order if k in out}


def parse_status_text(text: str, mtime_ms: float) -> Dict[str, Any]:
    """{"kind": missing | empty | v0 | v1 | corrupt, ...} like parseStatusText."""
    if text.strip() == "":
        return {"kind": "empty", "mtime_ms": mtime_ms}
    try:
        value = json.loads(text)
    except ValueError as err:
        return {"kind": "corrupt", "mtime_ms": mtime_ms, "problem": f"truncated or not JSON ({err})"}
    if not isinstance(value, dict):
        return {"kind": "corrupt", "mtime_ms": mtime_ms, "problem": "wrong schema: not a JSON object"}
    if "version" in value:
        problem = None
        if value.get("version") != 1 or isinstance(value.get("version"), bool):
            problem = "version must be 1"
        elif value.get("owner", 0) not in OWNERS + (None,):
            problem = "owner is invalid"
        elif "since" not in value or not (value["since"] is None or _is_iso(value["since"])):
            problem = "since must be an ISO time or null"
        elif not isinstance(value.get("holders"), list) or not isinstance(value.get("want"), list):
            problem = "holders and want must be lists"
        if problem is None:
            holders = [_clean_entry(h, False) for h in value["holders"]]
            wants = [_clean_entry(w, True) for w in value["want"]]
            if any(h is None for h in holders) or any(w is None for w in wants):
                problem = "holders or want hold an invalid entry"
            else:
                doc = {"version": 1, "owner": value["owner"], "since": value["since"], "holders": holders, "want": wants}
                return {"kind": "v1", "doc": doc}
        return {"kind": "corrupt", "mtime_ms": mtime_ms, "problem": f"wrong schema: {problem}"}
    if "owner" not in value or value["owner"] not in OWNERS + (None,):
        return {"kind": "corrupt", "mtime_ms": mtime_ms, "problem": "wrong schema: owner is invalid"}
    since = value.get("since")
    if since is not None and not isinstance(since, str):
        return {"kind": "corrupt", "mtime_ms": mtime_ms, "problem": "wrong schema: since must be a string"}
    return {"kind": "v0", "owner": value["owner"], "since": since, "mtime_ms": mtime_ms}


def read_status_file(path: str):
    """(status, identity): identity = (ino, size, mtime_ns) or None when missing."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except (FileNotFoundError, NotADirectoryError):
        return {"kind": "missing"}, None
    except OSError as err:
        raise LeaseError("ERR_LEASE_IO", f"cannot read GPU lease file {path}: {err}") from err
    try:
        st = os.fstat(fd)
        identity = (st.st_ino, st.st_size, st.st_mtime_ns)
        mtime_ms = st.st_mtime_ns / 1e6
        if st.st_size > MAX_STATUS_BYTES:
            return {"kind": "corrupt", "mtime_ms": mtime_ms, "problem": f"wrong schema: {st.st_size} bytes is not a lease file"}, identity
        chunks = []
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
        text = b"".join(chunks).decode("utf-8", errors="replace")
        return parse_status_text(text, mtime_ms), identity
    except OSError as err:
        raise LeaseError("ERR_LEASE_IO", f"cannot read GPU lease file {path}: {err}") from err
    finally:
        os.close(fd)


def is_unsettled(status: Dict[str, Any], now: float, settle_ms: int) -> bool:
    """An empty or unreadable file changed less than settle_ms ago may be mid-rewrite: not free yet."""
    return status["kind"] in ("empty", "corrupt") and now - status["mtime_ms"] < settle_ms


def format_status(doc: Dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------------------
# Liveness (lease-doc.ts)
# ---------------------------------------------------------------------------------------------


def empty_document() -> Dict[str, Any]:
    return {"version": 1, "owner": None, "since": None, "holders": [], "want": []}


def to_document(status: Dict[str, Any]) -> Dict[str, Any]:
    """The list view every decision is made on; a seed (v0) claim becomes a legacy holder."""
    kind = status["kind"]
    if kind == "v1":
        doc = dict(status["doc"])
        doc["holders"] = [h for h in doc["holders"] if not h.get("legacy") or doc["owner"] == h["owner"]]
        doc["want"] = list(doc["want"])
        return doc
    if kind == "v0":
        doc = empty_document()
        if status["owner"] is None:
            return doc
        since_ms = parse_iso(status["since"])
        since = iso(since_ms) if since_ms is not None else iso(status["mtime_ms"])
        doc["holders"].append({"id": LEGACY_HOLDER_ID, "owner": status["owner"], "since": since, "legacy": True})
        return with_top_level(doc)
    return empty_document()


def heartbeat_age_ms(entry: Dict[str, Any], now: float) -> float:
    return now - (parse_iso(entry.get("heartbeat") or entry["since"]) or 0.0)


def _outside(age: float, bound: int) -> bool:
    # A time further in the future than the bound is stale too: it would block forever.
    return age > bound or age < -bound


def is_holder_stale(h: Dict[str, Any], now: float, t: LeaseTiming) -> bool:
    if h.get("legacy"):
        return _outside(now - (parse_iso(h["since"]) or 0.0), t.max_hold_ms)
    return _outside(heartbeat_age_ms(h, now), t.stale_ms)


def is_want_stale(w: Dict[str, Any], now: float, t: LeaseTiming) -> bool:
    return _outside(heartbeat_age_ms(w, now), t.stale_ms)


def live_holders(doc, now, t, owner=None) -> List[Dict[str, Any]]:
    return [h for h in doc["holders"] if not is_holder_stale(h, now, t) and (owner is None or h["owner"] == owner)]


def live_wants(doc, now, t) -> List[Dict[str, Any]]:
    return [w for w in doc["want"] if not is_want_stale(w, now, t)]


def prune_stale(doc, now, t):
    holders = [h for h in doc["holders"] if is_holder_stale(h, now, t)]
    wants = [w for w in doc["want"] if is_want_stale(w, now, t)]
    doc["holders"] = [h for h in doc["holders"] if not is_holder_stale(h, now, t)]
    doc["want"] = [w for w in doc["want"] if not is_want_stale(w, now, t)]
    return holders, wants


def with_top_level(doc: Dict[str, Any]) -> Dict[str, Any]:
    """Seed readers look only at owner and since: keep them meaningful."""
    if any(h["owner"] == "backend" for h in doc["holders"]):
        owner = "backend"
    elif doc["holders"]:
        owner = "benchmark"
    else:
        owner = None
    doc["owner"] = owner
    times = [parse_iso(h["since"]) or 0.0 for h in doc["holders"] if h["owner"] == owner]
    doc["since"] = iso(min(times)) if owner is not None else None
    return {"version": 1, "owner": doc["owner"], "since": doc["since"], "holders": doc["holders"], "want": doc["want"]}


def read_status(path: Optional[str] = None, timing: Optional[LeaseTiming] = None) -> Dict[str, Any]:
    """What ``GET /gpu-status`` serves: {busy, owner, since} from live holders; never writes."""
    path = path or resolve_coord_path()
    t = timing or LeaseTiming()
    status, _ = read_status_file(path)
    now = now_ms()
    doc = to_document(status)
    live = with_top_level(dict(doc, holders=live_holders(doc, now, t)))
    return {"path": path, "format": status["kind"], "busy": bool(live["holders"]), "owner": live["owner"],
            "since": live["since"], "holders": doc["holders"], "want": doc["want"]}


# ---------------------------------------------------------------------------------------------
# Lock file, atomic write, events (file-lock.ts, atomic-write.ts, events.ts)
# ---------------------------------------------------------------------------------------------

_PROCESS_TAG = "%d.%s" % (os.getpid(), os.urandom(4).hex())
_temp_counter = 0
_temp_counter_lock = threading.Lock()


def _temp_path_for(target: str) -> str:
    global _temp_counter
    with _temp_counter_lock:
        _temp_counter += 1
        n = _temp_counter
    return "%s.%s.%s.tmp" % (target, _PROCESS_TAG, _base36(n))


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


class _FileLock:
    """An O_EXCL lock file holding {id, pid, host, ts}; a lock older than stale_ms is broken.
    Works across containers sharing a volume; held only for one read-modify-write."""

    def __init__(self, path: str, stale_ms: int, timeout_ms: int) -> None:
        self.path, self.stale_ms, self.timeout_ms = path, stale_ms, timeout_ms

    @contextlib.contextmanager
    def held(self):
        token = self._acquire()
        try:
            yield
        finally:
            try:
                # Ours may have been broken as stale after a long pause: never delete another's.
                with open(self.path, "r", encoding="utf-8") as f:
                    if f.read() == token:
                        os.unlink(self.path)
            except OSError:
                pass

    def _acquire(self) -> str:
        deadline = now_ms() + self.timeout_ms
        while True:
            token = self._try_create()
            if token is not None:
                return token
            current = self._inspect()
            if current is not None and current[1] > self.stale_ms:
                self._break_stale(current[0])
                continue
            if now_ms() > deadline:
                holder = current[2] if current else "unknown"
                raise LeaseError("ERR_LEASE_LOCK_TIMEOUT", f"lock file {self.path} still held after {self.timeout_ms} ms (holder: {holder})")
            # Jitter keeps contending processes from retrying in lockstep.
            time.sleep((1 + random.random() * 2) / 1000)

    def _try_create(self) -> Optional[str]:
        token = json.dumps({"id": str(uuid.uuid4()), "pid": os.getpid(), "host": THIS_HOST, "ts": now_ms()}, separators=(",", ":"))
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            return None
        except OSError as err:
            raise LeaseError("ERR_LEASE_IO", f"cannot create lock file {self.path}: {err}") from err
        try:
            os.write(fd, token.encode("utf-8"))
        finally:
            os.close(fd)
        return token

    def _inspect(self):
        try:
            st = os.stat(self.path)
            with open(self.path, "r", encoding="utf-8", errors="replace") as f:
                content = f.read()
        except OSError:
            return None  # released meanwhile
        ts = None
        try:
            value = json.loads(content).get("ts")
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                ts = value
        except (ValueError, AttributeError):
            pass
        # A holder killed between create and write leaves an empty file: use its mtime.
        if ts is None:
            ts = st.st_mtime_ns / 1e6
        return st.st_ino, now_ms() - ts, content

    def _break_stale(self, stale_ino: int) -> None:
        """Moves the lock aside; if what moved is not the lock we judged stale, links it back."""
        aside = "%s.%s.stale" % (self.path, os.urandom(6).hex())
        try:
            os.rename(self.path, aside)
        except OSError:
            return
        try:
            if os.stat(aside).st_ino != stale_ino:
                os.link(aside, self.path)
        except OSError:
            pass
        try:
            os.unlink(aside)
        except OSError:
            pass


def _write_file_atomic(target: str, data: str, before_rename: Callable[[], bool]) -> bool:
    """Temp file in the same folder, fsync, rename: readers see the old content or the new."""
    temp = _temp_path_for(target)
    renamed = False
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            os.write(fd, data.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        if not before_rename():
            return False
        os.replace(temp, target)
        renamed = True
        return True
    finally:
        if not renamed:
            try:
                os.unlink(temp)
            except OSError:
                pass


class _EventLog:
    """events.jsonl beside status.json: one O_APPEND write per line, rotated to .1 when full."""

    def __init__(self, status_path: str, max_bytes: int, lock: _FileLock, warn: Callable[[str], None]) -> None:
        self.path = events_path_for(status_path)
        self.max_bytes, self.lock, self.warn = max_bytes, lock, warn

    def append(self, event: Dict[str, Any]) -> None:
        line = json.dumps(event, separators=(",", ":"), ensure_ascii=False) + "\n"
        data = line.encode("utf-8")
        try:
            self._rotate_if_full(len(data))
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
        except (OSError, LeaseError) as err:
            # A lost event must never fail a lease.
            self.warn(f"cannot append GPU lease event to {self.path}: {err}")

    def _rotate_if_full(self, incoming: int) -> None:
        try:
            size = os.stat(self.path).st_size
        except OSError:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            return
        if size + incoming <= self.max_bytes:
            return
        # Under the status lock, so two processes cannot both rotate and drop a generation.
        with self.lock.held():
            try:
                if os.stat(self.path).st_size + incoming > self.max_bytes:
                    os.replace(self.path, self.path + ".1")
            except OSError:
                pass


# ---------------------------------------------------------------------------------------------
# Locked read-modify-write (status-store.ts)
# ---------------------------------------------------------------------------------------------

_corrupt_episodes = set()  # paths this process already warned about ("once per episode")


class _Store:
    def __init__(self, path: str, timing: LeaseTiming, owner: str, lease_id: str, label: Optional[str],
                 max_events_bytes: int, warn: Callable[[str], None]) -> None:
        self.path, self.timing, self.owner, self.lease_id, self.label, self.warn = path, timing, owner, lease_id, label, warn
        lock_stale = timing.lock_stale_ms
        # Waiting several stale bounds means something other than a dead holder is wrong.
        self.lock = _FileLock(lock_path_for(path), lock_stale, max(4 * lock_stale, 2000))
        self.events = _EventLog(path, max_events_bytes, self.lock, warn)

    def record(self, type_: str, **fields: Any) -> None:
        event: Dict[str, Any] = {"v": 1, "id": str(uuid.uuid4()), "ts": iso(now_ms()), "pid": os.getpid(), "host": THIS_HOST,
                                 "type": type_, "owner": self.owner, "leaseId": self.lease_id}
        if self.label is not None:
            event["label"] = self.label
        for key, value in fields.items():
            if value is not None:
                event[key] = value
        self.events.append(event)

    def read(self):
        """An empty or corrupt file is read again until it stayed unchanged for settle_ms (bounded
        by one settle period plus a poll); still unsettled then = the caller treats it as busy."""
        t = self.timing
        status, identity = read_status_file(self.path)
        deadline = now_ms() + t.settle_ms + t.poll_ms
        while is_unsettled(status, now_ms(), t.settle_ms) and now_ms() < deadline:
            until_settled = status["mtime_ms"] + t.settle_ms - now_ms()
            time.sleep(max(1, min(t.poll_ms, until_settled + 1, deadline - now_ms())) / 1000)
            status, identity = read_status_file(self.path)
        if not is_unsettled(status, now_ms(), t.settle_ms):
            self._note_corruption(status)
        return status, identity

    def mutate(self, change: Callable[[Dict[str, Any], Dict[str, Any], float], bool]):
        """(written, status, unsettled); stale entries are dropped (and recorded) by every write."""
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        attempt = 0
        while True:
            with self.lock.held():
                status, identity = self.read()
                now = now_ms()
                if is_unsettled(status, now, self.timing.settle_ms):
                    return False, status, True
                doc = to_document(status)
                pruned = prune_stale(doc, now, self.timing)
                if not change(doc, status, now):
                    return False, status, False
                written = _write_file_atomic(self.path, format_status(with_top_level(doc)),
                                             lambda: _unchanged(self.path, identity))
            if written:
                self._record_takeovers(pruned)
            if written or attempt >= MAX_CONFLICT_RETRIES:
                return written, status, False
            attempt += 1

    def _note_corruption(self, status: Dict[str, Any]) -> None:
        if status["kind"] != "corrupt":
            _corrupt_episodes.discard(self.path)
            return
        if self.path in _corrupt_episodes:
            return
        _corrupt_episodes.add(self.path)
        self.warn(f"GPU lease file {self.path} is unusable ({status['problem']}): treating the GPU as free; the next write repairs it")
        self.record("corrupt-file", detail={"problem": status["problem"]})

    def _record_takeovers(self, pruned) -> None:
        holders, wants = pruned
        now = now_ms()
        for entry, items in (("holder", holders), ("want", wants)):
            for e in items:
                detail = {"entry": entry, "staleId": e["id"], "staleOwner": e["owner"], "stalePid": e.get("pid"),
                          "staleHost": e.get("host"), "legacy": bool(e.get("legacy")), "heartbeatAgeMs": heartbeat_age_ms(e, now)}
                self.record("stale-takeover", detail={k: v for k, v in detail.items() if v is not None})


def _unchanged(path: str, before) -> bool:
    """True when the file is still the one read under the lock (an unlocked writer changes it)."""
    try:
        st = os.stat(path)
        now = (st.st_ino, st.st_size, st.st_mtime_ns)
    except OSError:
        now = None
    return now == before


# ---------------------------------------------------------------------------------------------
# The two sides (acquire.ts, held-lease.ts)
# ---------------------------------------------------------------------------------------------


def _describe(e: Dict[str, Any]) -> str:
    return f"{e['owner']}:{e['id']}"


def _default_warn(message: str) -> None:
    warnings.warn(message, RuntimeWarning, stacklevel=3)


class GpuLease:
    """A held lease: ``state`` is held | preempted | lost | released. ``check()`` heartbeats and
    raises on preemption or loss (benchmark side); ``preempted`` is a threading.Event set then."""

    def __init__(self, store: _Store, holder: Dict[str, Any], waited_ms: float, overlap: bool) -> None:
        self._store = store
        self._holder = holder
        self.id: str = holder["id"]
        self.owner: str = holder["owner"]
        self.path: str = store.path
        self.waited_ms = waited_ms
        self.overlap = overlap
        self.state = "held"
        self.preempted = threading.Event()
        self.reason: Optional[LeaseError] = None
        self._last_beat = parse_iso(holder["heartbeat"]) or now_ms()
        self._held_since = time.monotonic()
        self._mutex = threading.RLock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat_in_background, name=f"gpu-lease-{self.id[:8]}", daemon=True)
        self._thread.start()

    # --- public --------------------------------------------------------------------------------

    def heartbeat(self) -> str:
        """Refreshes the heartbeat when due and checks for preemption or loss; returns the state."""
        with self._mutex:
            if self.state == "released":
                return self.state
            if self.owner == "benchmark":
                self._check_as_benchmark()
            else:
                self._check_as_backend()
            return self.state

    def check(self) -> None:
        """Call at each unit boundary: heartbeats, then raises LeasePreempted / LeaseLost if so."""
        self.heartbeat()
        self.raise_if_stopped()

    def raise_if_stopped(self) -> None:
        if self.reason is not None and self.state in ("preempted", "lost"):
            raise self.reason

    def release(self) -> None:
        """Removes our entry. Never raises: a failed release leaves an entry that goes stale."""
        with self._mutex:
            if self.state == "released":
                return
            ended_as = self.state
            self.state = "released"
            self._stop.set()
            try:
                def remove(doc, status, _now):
                    before = len(doc["holders"])
                    doc["holders"] = [h for h in doc["holders"] if h["id"] != self.id]
                    # A corrupt file is rewritten here ("the next write repairs it").
                    return len(doc["holders"]) != before or status["kind"] == "corrupt"
                self._store.mutate(remove)
                self._store.record("released", heldMs=self._held_ms(), detail={"endedAs": ended_as})
            except Exception as err:  # noqa: BLE001 - release must never raise
                self._store.warn(f"cannot release GPU lease {self.id} in {self.path}: {err}")
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    # --- the checks ----------------------------------------------------------------------------

    def _check_as_benchmark(self) -> None:
        t = self._store.timing
        status, _ = self._store.read()
        now = now_ms()
        if is_unsettled(status, now, t.settle_ms):
            return  # mid-rewrite even after the settle wait: judge at the next check
        doc = to_document(status)
        if status["kind"] == "v0" and live_holders(doc, now, t, "backend"):
            # A seed backend's claim: yield, and never heartbeat over it (that would erase it).
            self._preempt({"reason": "v0-claim", "since": doc["since"]})
            return
        if not any(h["id"] == self.id for h in doc["holders"]):
            self._lose(status["kind"])
            return
        backends = live_holders(doc, now, t, "backend")
        wants = live_wants(doc, now, t)
        if backends or wants:
            self._preempt({"reason": "want" if wants else "backend-holder", "by": [e["id"] for e in wants + backends]})
        if self.state != "lost" and self._heartbeat_due(now):
            written, _, unsettled = self._store.mutate(lambda d, _s, t2: self._touch(d["holders"], t2))
            if not written and not unsettled:
                self._lose("entry-missing-at-heartbeat")

    def _check_as_backend(self) -> None:
        """The backend never stops for the benchmark: if its entry vanished, it claims the GPU again."""
        t = self._store.timing
        status, _ = self._store.read()
        now = now_ms()
        if is_unsettled(status, now, t.settle_ms):
            return
        if any(h["id"] == self.id for h in to_document(status)["holders"]) and not self._heartbeat_due(now):
            return
        reasserted = []

        def touch_or_add(doc, _status, t2):
            if self._touch(doc["holders"], t2):
                return True
            doc["holders"].append(dict(self._holder, heartbeat=iso(t2)))
            reasserted.append(True)
            return True

        self._store.mutate(touch_or_add)
        if reasserted:
            self._store.record("lost", detail={"action": "reasserted", "found": status["kind"]})

    def _touch(self, holders: List[Dict[str, Any]], now: float) -> bool:
        for h in holders:
            if h["id"] == self.id:
                h["heartbeat"] = iso(now)
                self._last_beat = now
                return True
        return False

    def _heartbeat_due(self, now: float) -> bool:
        # A poll early, so the gap between two heartbeats never exceeds heartbeat_ms.
        t = self._store.timing
        return now - self._last_beat >= t.heartbeat_ms - t.poll_ms

    def _preempt(self, detail: Dict[str, Any]) -> None:
        if self.state != "held":
            return
        self.state = "preempted"
        self.reason = LeasePreempted(f"GPU lease {self.id} preempted by the backend ({detail['reason']})")
        self.preempted.set()
        self._store.record("preempted", heldMs=self._held_ms(), detail=detail)

    def _lose(self, found: str) -> None:
        if self.state in ("lost", "released"):
            return
        self.state = "lost"
        self.reason = LeaseLost(f"GPU lease {self.id} lost: its entry is gone from {self.path} ({found})")
        self.preempted.set()
        self._store.record("lost", heldMs=self._held_ms(), detail={"action": "stopped", "found": found})

    def _held_ms(self) -> int:
        return round((time.monotonic() - self._held_since) * 1000)

    def _beat_in_background(self) -> None:
        while not self._stop.wait(self._store.timing.poll_ms / 1000):
            try:
                self.heartbeat()
            except Exception as err:  # noqa: BLE001 - a failed beat is retried at the next poll
                self._store.warn(f"GPU lease {self.id} heartbeat failed: {err}")


def acquire(owner: str, path: Optional[str] = None, label: Optional[str] = None, timing: Optional[LeaseTiming] = None,
            max_events_bytes: int = 1 << 20, warn: Optional[Callable[[str], None]] = None,
            cancel: Optional[threading.Event] = None) -> GpuLease:
    """Waits for the GPU and records it as ours (see gpu_lease). The benchmark waits as long as it
    takes (until `cancel` is set); the backend waits at most max_wait_ms, then proceeds anyway."""
    if owner not in OWNERS:
        raise LeaseError("ERR_LEASE_OPTIONS", f"Invalid GPU lease options: owner must be 'backend' or 'benchmark', got {owner!r}")
    t = timing or LeaseTiming()
    lease_id = str(uuid.uuid4())
    store = _Store(path or resolve_coord_path(), t, owner, lease_id, label, max_events_bytes, warn or _default_warn)
    started = time.monotonic()
    if owner == "backend":
        holder, blocked_by, overlap_with = _acquire_as_backend(store, t, lease_id, label, started, cancel)
    else:
        holder, blocked_by, overlap_with = _acquire_as_benchmark(store, t, lease_id, label, cancel)
    waited_ms = round((time.monotonic() - started) * 1000 * 100) / 100
    if blocked_by:
        store.record("waited", waitedMs=waited_ms, detail={"blockedBy": blocked_by})
    if overlap_with:
        store.record("overlap", waitedMs=waited_ms, detail={"with": overlap_with})
    store.record("acquired", waitedMs=waited_ms, detail={"overlap": bool(overlap_with)})
    return GpuLease(store, holder, waited_ms, bool(overlap_with))


def _new_holder(owner: str, lease_id: str, label: Optional[str], now: float) -> Dict[str, Any]:
    holder = {"id": lease_id, "owner": owner, "host": THIS_HOST, "pid": os.getpid(), "since": iso(now), "heartbeat": iso(now)}
    if label is not None:
        holder["label"] = label
    return holder


def _check_cancel(cancel: Optional[threading.Event]) -> None:
    if cancel is not None and cancel.is_set():
        raise LeaseError("ERR_LEASE_SIGNAL", "GPU lease acquire cancelled")


def _sleep(ms: float, cancel: Optional[threading.Event]) -> None:
    if cancel is not None:
        cancel.wait(ms / 1000)
    else:
        time.sleep(ms / 1000)


def _benchmark_blockers(status, doc, now, t: LeaseTiming) -> List[str]:
    # An unreadable file counts as free, but for the benchmark only once it is stale_ms old: a
    # seed backend writing its claim non-atomically may be mid-write.
    if status["kind"] == "corrupt" and now - status["mtime_ms"] < t.stale_ms:
        return ["unreadable-file:recently-written"]
    if is_unsettled(status, now, t.settle_ms):
        return ["empty-file:not-settled"]
    return [_describe(e) for e in live_holders(doc, now, t) + live_wants(doc, now, t)]


def _acquire_as_benchmark(store: _Store, t: LeaseTiming, lease_id: str, label, cancel):
    blocked_by: List[str] = []
    first = True
    while True:
        _check_cancel(cancel)
        blockers: List[str] = []
        if not first:
            status, _ = store.read()
            blockers = _benchmark_blockers(status, to_document(status), now_ms(), t)
        first = False
        if not blockers:
            made: List[Dict[str, Any]] = []

            def claim(doc, status, now):
                late = _benchmark_blockers(status, doc, now, t)
                blocked_by.extend(b for b in late if b not in blocked_by)
                if late:
                    return False
                holder = _new_holder("benchmark", lease_id, label, now)
                doc["holders"].append(holder)
                made.append(holder)
                return True

            written, _, _ = store.mutate(claim)
            if written and made:
                return made[0], blocked_by, []
        blocked_by.extend(b for b in blockers if b not in blocked_by)
        _sleep(t.poll_ms, cancel)


def _acquire_as_backend(store: _Store, t: LeaseTiming, lease_id: str, label, started: float, cancel):
    blocked_by: List[str] = []
    want_beat = float("-inf")
    elapsed = lambda: (time.monotonic() - started) * 1000  # noqa: E731
    try:
        while True:
            _check_cancel(cancel)
            give_up = elapsed() >= t.max_wait_ms
            status, _ = store.read()
            doc = to_document(status)
            now = now_ms()
            benchmarks = live_holders(doc, now, t, "benchmark")
            if not benchmarks or give_up:
                made: List[Dict[str, Any]] = []
                overlap_with: List[str] = []

                def claim(d, _status, t2):
                    overlap_with[:] = [_describe(h) for h in live_holders(d, t2, t, "benchmark")]
                    if overlap_with and not give_up:
                        return False
                    d["want"] = [w for w in d["want"] if w["id"] != lease_id]
                    holder = _new_holder("backend", lease_id, label, t2)
                    d["holders"].append(holder)
                    made.append(holder)
                    return True

                written, _, _ = store.mutate(claim)
                if written and made:
                    return made[0], blocked_by, overlap_with
            else:
                blocked_by.extend(b for b in map(_describe, benchmarks) if b not in blocked_by)
                # The want makes the benchmark yield; its own heartbeat lets it expire if we die.
                if not any(w["id"] == lease_id for w in doc["want"]) or now - want_beat >= t.heartbeat_ms - t.poll_ms:
                    def ask(d, _status, t2):
                        nonlocal want_beat
                        mine = next((w for w in d["want"] if w["id"] == lease_id), None)
                        if mine is not None:
                            mine["heartbeat"] = iso(t2)
                        else:
                            d["want"].append({"id": lease_id, "owner": "backend", "host": THIS_HOST, "pid": os.getpid(),
                                              "since": iso(t2), "heartbeat": iso(t2)})
                        want_beat = t2
                        return True
                    store.mutate(ask)
            until_give_up = t.max_wait_ms - elapsed()
            _sleep(max(1, min(t.poll_ms, until_give_up)), cancel)
    except BaseException:
        _withdraw_want(store, lease_id)
        raise


def _withdraw_want(store: _Store, lease_id: str) -> None:
    try:
        def withdraw(doc, _status, _now):
            before = len(doc["want"])
            doc["want"] = [w for w in doc["want"] if w["id"] != lease_id]
            return len(doc["want"]) != before
        store.mutate(withdraw)
    except Exception as err:  # noqa: BLE001
        store.warn(f"cannot withdraw GPU preemption request {lease_id} from {store.path}: {err}")


# ---------------------------------------------------------------------------------------------
# gpu_lease: context manager, decorator, async context manager
# ---------------------------------------------------------------------------------------------


class gpu_lease:  # noqa: N801 - used like a function: with gpu_lease("backend"): ...
    """Holds the GPU for a block, a function call or an ``async with`` block.

    owner: "backend" or "benchmark". path: status.json (default resolve_coord_path()).
    Timing in ms: poll_ms 50, heartbeat_ms 250, stale_ms 1500, max_wait_ms 2000,
    max_hold_ms 600000, lock_stale_ms stale_ms // 2, settle_ms 2 * poll_ms.
    A benchmark block that raises LeasePreempted / LeaseLost (from ``lease.check()``) ends
    quietly when ``suppress_preemption`` is true (default false: the caller retries the image).
    One instance holds one lease at a time; as a decorator each call takes its own.
    """

    def __init__(self, owner: str, *, path: Optional[str] = None, label: Optional[str] = None,
                 poll_ms: int = 50, heartbeat_ms: int = 250, stale_ms: int = 1500, max_wait_ms: int = 2000,
                 max_hold_ms: int = 600_000, lock_stale_ms: Optional[int] = None, settle_ms: Optional[int] = None,
                 max_events_bytes: int = 1 << 20, warn: Optional[Callable[[str], None]] = None,
                 suppress_preemption: bool = False) -> None:
        if owner not in OWNERS:
            raise LeaseError("ERR_LEASE_OPTIONS", f"Invalid GPU lease options: owner must be 'backend' or 'benchmark', got {owner!r}")
        if not isinstance(max_events_bytes, int) or max_events_bytes < 4096:
            raise LeaseError("ERR_LEASE_OPTIONS", f"Invalid GPU lease options: max_events_bytes must be an integer >= 4096, got {max_events_bytes!r}")
        self.owner = owner
        self._kwargs = dict(path=path, label=label, poll_ms=poll_ms, heartbeat_ms=heartbeat_ms, stale_ms=stale_ms,
                            max_wait_ms=max_wait_ms, max_hold_ms=max_hold_ms, lock_stale_ms=lock_stale_ms,
                            settle_ms=settle_ms, max_events_bytes=max_events_bytes, warn=warn,
                            suppress_preemption=suppress_preemption)
        self.timing = LeaseTiming(poll_ms, heartbeat_ms, stale_ms, max_wait_ms, max_hold_ms, lock_stale_ms, settle_ms)
        self.path = path or resolve_coord_path()
        self.label = label
        self._max_events_bytes = max_events_bytes
        self._warn = warn
        self._suppress = suppress_preemption
        self.lease: Optional[GpuLease] = None

    def _acquire(self, cancel: Optional[threading.Event] = None) -> GpuLease:
        if self.lease is not None:
            raise LeaseError("ERR_LEASE_OPTIONS", "this gpu_lease already holds a lease; use one instance per block")
        self.lease = acquire(self.owner, self.path, self.label, self.timing, self._max_events_bytes, self._warn, cancel)
        return self.lease

    def _release(self, exc: Optional[BaseException]) -> bool:
        lease, self.lease = self.lease, None
        if lease is not None:
            lease.release()
        return self._suppress and isinstance(exc, (LeasePreempted, LeaseLost))

    def __enter__(self) -> GpuLease:
        return self._acquire()

    def __exit__(self, _type, exc, _tb) -> bool:
        return self._release(exc)

    async def __aenter__(self) -> GpuLease:
        # The waits are blocking sleeps: run them in a thread so the event loop keeps serving.
        cancel = threading.Event()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(None, self._acquire, cancel)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            cancel.set()
            with contextlib.suppress(Exception):
                await future
            # Acquired after all (raced with the cancel): give it back.
            self._release(None)
            raise

    async def __aexit__(self, _type, exc, _tb) -> bool:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self._release, exc)

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """As a decorator: every call of `fn` holds its own lease (coroutine functions too)."""
        kwargs = self._kwargs
        owner = self.owner

        if inspect.iscoroutinefunction(fn):
            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kw: Any) -> Any:
                async with gpu_lease(owner, **kwargs):
                    return await fn(*args, **kw)
            return async_wrapper

        @functools.wraps(fn)
        def wrapper(*args: Any, **kw: Any) -> Any:
            with gpu_lease(owner, **kwargs):
                return fn(*args, **kw)
        return wrapper


def _main(argv: List[str]) -> int:
    """``python3 gpu_lease.py status`` prints the lease file as /gpu-status would."""
    if argv[1:2] == ["status"]:
        print(json.dumps(read_status(), indent=2))
        return 0
    print("usage: python3 gpu_lease.py status", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
