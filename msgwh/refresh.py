"""Scheduled refresh: build into a copy of the warehouse, test it, then swap it in atomically.

The logic behind ``scripts/refresh.py`` (``make refresh``), importable for tests and for
orchestrators that prefer calling Python to running a command.

One refresh, step by step (each step logs one line with a UTC timestamp and its duration):

1. ``lock``      ``fcntl.flock`` on ``<warehouse>.refresh.lock`` next to the warehouse; a second
                 refresh exits at once with ``EXIT_LOCKED``. The lock is inherited by dbt and the
                 validator, so it is held until the last child exits even if this process dies.
2. ``prepare``   removes what a failed refresh left in the state directory
                 ``<warehouse>.refresh/`` (working copy, its stale ``.wal``, spill files).
3. ``copy``      copies the published file (and a ``.wal`` beside it, if someone wrote to it
                 outside a refresh) to ``<warehouse>.refresh/work/<warehouse name>``; on the
                 first run there is nothing to copy and the build starts empty. The working copy
                 keeps the published file's *name*, because DuckDB names the catalog after the
                 file and dbt writes that name into every view.
4. ``build``     ``dbt build`` (incremental unless ``--full-refresh`` is passed) against the
                 working copy, with target/ and logs/ under the state directory so a refresh
                 never clobbers a developer's ``target/``. Data tests run inside the build.
                 What changed code or vars made stale is rebuilt first (``stale`` step): vars
                 other than the published build's, or no record of them, rebuild everything
                 (``--full-refresh``); changed models, macros or configs rebuild the models
                 ``state:modified+`` selects against the published build's manifest
                 (``dbt run --full-refresh``), then the build goes on incrementally.
5. ``validate``  ``scripts/validate.py --db <working copy>`` when the script exists.
6. ``checkpoint`` ``CHECKPOINT`` on the working copy, so it is self-contained (no ``.wal``),
                 then fsync.
7. ``bi``        writes the BI file (the ``marts`` schema alone, ``msgwh/bi.py``; with
                 ``per_workspace`` one more per workspace) from the working copy, under
                 temporary names beside the published ones.
8. ``publish``   ``os.replace(working, published)``, then each BI file over its published name,
                 and fsync of the directories. Readers holding an old file keep reading its
                 inode; new connections see the new state.

A failing build, data test or validation publishes nothing: the published file is not opened
for writing, renamed or touched. The failed working copy is kept for inspection until the next
refresh removes it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from msgwh import bi

ROOT = Path(__file__).resolve().parents[1]

EXIT_OK = 0
EXIT_BUILD_FAILED = 1
EXIT_VALIDATION_FAILED = 2
EXIT_LOCKED = 3
EXIT_USAGE = 4
EXIT_PUBLISH_FAILED = 5

EXIT_CODES = {
    EXIT_OK: "published (dbt build, data tests and validation passed), or nothing to do (no new raw data)",
    EXIT_BUILD_FAILED: "dbt build failed (a model, seed, snapshot or data test); nothing published",
    EXIT_VALIDATION_FAILED: "validation (scripts/validate.py) failed; nothing published",
    EXIT_LOCKED: "another refresh of this warehouse holds the lock; nothing done",
    EXIT_USAGE: "usage or configuration error (bad option, missing dbt, published file held by a writer)",
    EXIT_PUBLISH_FAILED: "copy, checkpoint, BI file or swap failed (disk full, permissions); nothing published",
}

FAILED_STATUSES = {"error", "fail", "runtime error"}


class RefreshError(Exception):
    """A refresh step failed; carries the exit code and the step's name."""

    def __init__(self, code: int, step: str, message: str):
        super().__init__(message)
        self.code = code
        self.step = step


@dataclass(frozen=True)
class RefreshPaths:
    """Where one warehouse's refresh keeps its lock, working copy and artefacts."""

    published: Path

    @property
    def lock(self) -> Path:
        return self.published.with_name(self.published.name + ".refresh.lock")

    @property
    def state_dir(self) -> Path:
        return self.published.with_name(self.published.name + ".refresh")

    @property
    def working(self) -> Path:
        # Same file name as the published file: DuckDB names the catalog after the file
        # stem and dbt bakes "<catalog>"."<schema>"."<table>" into views.
        return self.state_dir / "work" / self.published.name

    @property
    def target(self) -> Path:
        return self.state_dir / "target"

    @property
    def logs(self) -> Path:
        return self.state_dir / "logs"

    @property
    def duckdb_tmp(self) -> Path:
        return self.state_dir / "duckdb_tmp"

    @property
    def validation_state(self) -> Path:
        return self.state_dir / "validation_state.json"

    @property
    def summary(self) -> Path:
        return self.state_dir / "last_refresh.json"

    @property
    def published_state(self) -> Path:
        return self.state_dir / "published.json"

    @property
    def published_manifest(self) -> Path:
        """dbt's manifest of the published build: what `state:modified` compares the code with."""
        return self.state_dir / "published" / "manifest.json"


def wal_of(path: Path) -> Path:
    """DuckDB's write-ahead log of a database file."""
    return path.with_name(path.name + ".wal")


@dataclass
class RefreshOptions:
    published: Path
    project_dir: Path = ROOT
    profiles_dir: Path | None = None
    dbt_args: list[str] = field(default_factory=list)
    raw_path: Path | None = None
    full_refresh: bool = False
    validate: bool = True
    validate_script: Path | None = None
    validate_args: list[str] = field(default_factory=list)
    dbt_executable: Path | None = None
    quiet: bool = False
    always_build: bool = False
    bi_file: Path | None = None
    per_workspace: bool = False

    @property
    def bi(self) -> Path:
        """The BI file this refresh publishes (msgwh/bi.py)."""
        return (self.bi_file or bi.bi_path(self.published)).absolute()


@dataclass
class StepRecord:
    step: str
    status: str
    started_at: str
    seconds: float
    detail: str = ""


class StepLog:
    """One line per step: `<UTC time> refresh step=<name> status=<ok|failed|skipped> duration=<s> ...`."""

    def __init__(self, stream: IO[str] | None = None):
        self.stream = stream or sys.stderr
        self.records: list[StepRecord] = []

    @staticmethod
    def now() -> str:
        return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def line(self, text: str) -> None:
        print(f"{self.now()} refresh {text}", file=self.stream, flush=True)

    def record(self, step: str, status: str, started: float, started_at: str, detail: str = "") -> None:
        seconds = time.monotonic() - started
        self.records.append(StepRecord(step, status, started_at, round(seconds, 3), detail))
        self.line(f"step={step} status={status} duration={seconds:.2f}s" + (f" {detail}" if detail else ""))

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[dict[str, str]]:
        """Time a block; the block may set info['detail'] / info['status']; failures log and re-raise."""
        info: dict[str, str] = {}
        started, started_at = time.monotonic(), self.now()
        try:
            yield info
        except RefreshError as error:
            self.record(name, "failed", started, started_at, f"exit={error.code} reason={error}")
            raise
        except BaseException as error:
            self.record(name, "failed", started, started_at, f"reason={type(error).__name__}: {error}")
            raise
        self.record(name, info.get("status", "ok"), started, started_at, info.get("detail", ""))


# --------------------------------------------------------------------------------------
# Lock
# --------------------------------------------------------------------------------------


class Lock:
    """An exclusive, non-blocking flock on a file; the holder's pid and start time are written in it."""

    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            holder = ""
            with contextlib.suppress(OSError):
                holder = os.pread(fd, 200, 0).decode(errors="replace").strip()
            os.close(fd)
            if error.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise RefreshError(
                    EXIT_LOCKED,
                    "lock",
                    f"another refresh holds {self.path}" + (f" ({holder})" if holder else ""),
                ) from None
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid={os.getpid()} since={StepLog.now()}\n".encode(), 0)
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            # Empty the file but never unlink it: a waiter may hold an fd to this inode.
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, 0)
            os.close(self.fd)
            self.fd = None


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def remove_database(path: Path) -> list[str]:
    """Remove a DuckDB file and its WAL if present; the names removed."""
    removed = []
    for candidate in (path, wal_of(path)):
        if candidate.exists():
            candidate.unlink()
            removed.append(candidate.name)
    return removed


def failing_nodes(run_results: Path) -> list[str]:
    """`unique_id (status): message` of every failed node in dbt's run_results.json."""
    if not run_results.exists():
        return []
    try:
        results = json.loads(run_results.read_text()).get("results", [])
    except (OSError, json.JSONDecodeError):
        return []
    failed = []
    for result in results:
        if str(result.get("status", "")).lower() in FAILED_STATUSES:
            message = " ".join(str(result.get("message") or "").split())
            if len(message) > 200:
                message = message[:197] + "..."
            failed.append(f"{result.get('unique_id')} ({result.get('status')}): {message}")
    return failed


def merge_raw_path(dbt_args: Sequence[str], raw_path: Path | None) -> list[str]:
    """dbt args with raw_path merged into --vars (added when absent), and files' defaults:
    with raw_path set the demo seeds are disabled, so seeds are excluded."""
    args = list(dbt_args)
    if raw_path is None:
        return args
    import yaml

    value = str(raw_path)
    for index, arg in enumerate(args):
        if arg == "--vars" and index + 1 < len(args):
            parsed = yaml.safe_load(args[index + 1]) or {}
            if not isinstance(parsed, dict):
                raise RefreshError(EXIT_USAGE, "config", f"--vars is not a mapping: {args[index + 1]!r}")
            parsed["raw_path"] = value
            args[index + 1] = json.dumps(parsed)
            return args
        if arg.startswith("--vars="):
            parsed = yaml.safe_load(arg.split("=", 1)[1]) or {}
            if not isinstance(parsed, dict):
                raise RefreshError(EXIT_USAGE, "config", f"--vars is not a mapping: {arg!r}")
            parsed["raw_path"] = value
            args[index] = "--vars=" + json.dumps(parsed)
            return args
    return [*args, "--vars", json.dumps({"raw_path": value})]


def dbt_command(options: RefreshOptions) -> list[str]:
    """`dbt build` with the refresh defaults and the caller's args.

    Unit tests check code, not data (CI runs them), so a scheduled refresh skips them; with
    raw_path the demo seeds are disabled, so seeds are skipped too. A caller passing its own
    --resource-type/--exclude-resource-type decides instead.
    """
    dbt = dbt_executable(options)
    args = merge_raw_path(options.dbt_args, options.raw_path)
    reads_files = options.raw_path is not None or any("raw_path" in arg for arg in args)
    command = [str(dbt), "build"]
    if not any(arg.startswith(("--resource-type", "--exclude-resource-type", "--resource-types")) for arg in args):
        command += ["--exclude-resource-type", "unit_test"] + (["seed"] if reads_files else [])
    if options.full_refresh and "--full-refresh" not in args:
        command.append("--full-refresh")
    return command + args


ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def error_excerpt(tail: list[str], limit: int = 8) -> list[str]:
    """dbt's error message from the end of its output: from the first line naming an error, else the tail."""
    lines = [ANSI_ESCAPE.sub("", line).strip() for line in tail]
    lines = [line for line in lines if line]
    for index, line in enumerate(lines):
        if "error" in line.lower():
            return lines[index : index + limit]
    return lines[-limit:]


def dbt_executable(options: RefreshOptions) -> Path:
    return options.dbt_executable or find_dbt()


def find_dbt() -> Path:
    beside = Path(sys.executable).parent / "dbt"
    if beside.exists():
        return beside
    found = shutil.which("dbt")
    if not found:
        raise RefreshError(EXIT_USAGE, "config", "dbt not found (beside this Python or on PATH)")
    return Path(found)


def child_env(options: RefreshOptions, paths: RefreshPaths) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DBT_PROJECT_DIR=str(options.project_dir),
        DBT_PROFILES_DIR=str(options.profiles_dir or env.get("DBT_PROFILES_DIR") or options.project_dir),
        DBT_DUCKDB_PATH=str(paths.working),
        DBT_TARGET_PATH=str(paths.target),
        DBT_LOG_PATH=str(paths.logs),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    env.setdefault("DBT_USE_COLORS", "false")  # plain lines in scheduler logs
    env.setdefault("DBT_DUCKDB_TEMP_DIR", str(paths.duckdb_tmp))
    return env


class ChildRunner:
    """Runs children one at a time, tees their output to a file, forwards SIGTERM/SIGINT."""

    def __init__(self, lock_fd: int | None):
        self.lock_fd = lock_fd
        self.current: subprocess.Popen | None = None

    def run(self, command: list[str], env: dict[str, str], cwd: Path, log_file: Path, echo: bool) -> tuple[int, list[str]]:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        tail: list[str] = []
        with log_file.open("w") as sink:
            sink.write("$ " + shlex.join(command) + "\n")
            self.current = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                bufsize=1,
                pass_fds=(self.lock_fd,) if self.lock_fd is not None else (),
                start_new_session=True,
            )
            try:
                assert self.current.stdout is not None
                for line in self.current.stdout:
                    sink.write(line)
                    if echo:
                        sys.stdout.write(line)
                        sys.stdout.flush()
                    tail.append(line.rstrip("\n"))
                    del tail[:-40]
                code = self.current.wait()
            finally:
                if self.current.poll() is None:
                    self.terminate()
                self.current = None
        return code, tail

    def terminate(self) -> None:
        child = self.current
        if child is None or child.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()


class Interrupted(Exception):
    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


# --------------------------------------------------------------------------------------
# The refresh
# --------------------------------------------------------------------------------------


def refresh(options: RefreshOptions, log: StepLog | None = None) -> int:
    """Run one refresh; returns the exit code (see EXIT_CODES). Never raises for expected failures."""
    log = log or StepLog()
    published = options.published.absolute()
    paths = RefreshPaths(published)
    lock = Lock(paths.lock)
    runner = ChildRunner(None)
    code = EXIT_OK
    failed_step = ""
    reason = ""
    status = "published"
    published_before = file_signature(published)

    def on_signal(signum: int, _frame: Any) -> None:
        raise Interrupted(signum)

    previous_handlers = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(ValueError):  # not in the main thread
            previous_handlers[signum] = signal.signal(signum, on_signal)

    log.line(f"start warehouse={published} project={options.project_dir}")
    try:
        if not published.parent.is_dir():
            raise RefreshError(EXIT_USAGE, "config", f"directory of the warehouse does not exist: {published.parent}")
        with log.step("lock") as info:
            lock.acquire()
            runner.lock_fd = lock.fd
            info["detail"] = f"lock={paths.lock}"
        try:
            run_locked(options, paths, runner, log)
        except NothingToDo as current:
            status = "current"
            log.line(f"nothing to do: {current}")
        finally:
            lock.release()
    except RefreshError as error:
        code, failed_step, reason = error.code, error.step, str(error)
    except Interrupted as interrupt:
        runner.terminate()
        code, failed_step, reason = 128 + interrupt.signum, "interrupted", f"received {interrupt}"
    finally:
        for signum, handler in previous_handlers.items():
            signal.signal(signum, handler)

    if code == EXIT_OK:
        log.line(f"done status={status} exit=0 warehouse={published}")
    else:
        untouched = file_signature(published) == published_before
        log.line(
            f"done status=failed exit={code} step={failed_step} published={'untouched' if untouched else 'CHANGED'}"
            f" reason={reason}"
        )
    if code != EXIT_LOCKED:
        write_summary(paths, published, code, failed_step, reason, log.records)
    return code


def run_locked(options: RefreshOptions, paths: RefreshPaths, runner: ChildRunner, log: StepLog) -> None:
    published, working = paths.published, paths.working

    with log.step("prepare") as info:
        removed = remove_database(working)
        shutil.rmtree(paths.duckdb_tmp, ignore_errors=True)
        working.parent.mkdir(parents=True, exist_ok=True)
        if os.stat(working.parent).st_dev != os.stat(published.parent).st_dev:
            raise RefreshError(EXIT_USAGE, "prepare", f"{working.parent} is not on the filesystem of {published}")
        (paths.target / "run_results.json").unlink(missing_ok=True)
        info["detail"] = "removed stale " + ",".join(removed) if removed else "clean"

    with log.step("changes") as info:
        unchanged = unchanged_since_publish(options, paths)
        info["detail"] = unchanged or "new or changed raw data, code or arguments: building"
    if unchanged:
        raise NothingToDo(unchanged)

    with log.step("copy") as info:
        if published.exists():
            ensure_no_writer(published)
            try:
                shutil.copyfile(published, working)
                if wal_of(published).exists():
                    # Someone wrote to the published file outside a refresh: keep their
                    # changes (DuckDB replays the WAL when dbt opens the copy).
                    shutil.copyfile(wal_of(published), wal_of(working))
                    log.line(f"warning: {wal_of(published).name} found next to the published file; copied into the build")
            except OSError as error:
                raise RefreshError(EXIT_PUBLISH_FAILED, "copy", f"copy to {working} failed: {error}") from None
            info["detail"] = f"from={published} bytes={working.stat().st_size}"
        else:
            info["detail"] = "first run: no published warehouse, building from empty"

    with log.step("stale") as info:
        stale, why = stale_since_publish(options, paths, runner)
        info["detail"] = why
    # the build's own options: what the publish records stays what the caller asked for
    build_options = replace(options, full_refresh=True) if stale is None else options
    if stale:
        with log.step("rebuild") as info:
            command = [str(dbt_executable(options)), "run", "--full-refresh", "--select", *stale, *unselected_args(options)]
            log.line("dbt: " + shlex.join(command[1:]))
            returncode, tail = runner.run(command, child_env(options, paths), options.project_dir, paths.logs / "dbt_rebuild.out", not options.quiet)
            if returncode != 0:
                for line in error_excerpt(tail):
                    log.line(f"dbt: {line}")
                raise RefreshError(EXIT_BUILD_FAILED, "rebuild", f"dbt run --full-refresh of {len(stale)} stale model(s) exited {returncode}")
            info["detail"] = f"{len(stale)} model(s) rebuilt in full: " + " ".join(stale)

    with log.step("build") as info:
        command = dbt_command(build_options)
        log.line("dbt: " + shlex.join(command[1:]))
        env = child_env(options, paths)
        returncode, tail = runner.run(command, env, options.project_dir, paths.logs / "dbt_build.out", not options.quiet)
        if returncode != 0:
            failed = failing_nodes(paths.target / "run_results.json")
            for node in failed:
                log.line(f"failed node: {node}")
            if not failed:  # a compile or connection error: no run_results
                for line in error_excerpt(tail):
                    log.line(f"dbt: {line}")
            log.line(f"working copy kept for inspection: {working} (removed by the next refresh)")
            summary = f"{len(failed)} failing node(s): " + ", ".join(node.split(" ")[0] for node in failed) if failed else "see dbt output"
            raise RefreshError(EXIT_BUILD_FAILED, "build", f"dbt build exited {returncode}; {summary}")
        info["detail"] = f"dbt exit=0 log={paths.logs / 'dbt_build.out'}"

    script = options.validate_script or options.project_dir / "scripts" / "validate.py"
    with log.step("validate") as info:
        if not options.validate:
            info.update(status="skipped", detail="--skip-validate")
        elif not script.exists():
            info.update(status="skipped", detail=f"no validator at {script}")
        else:
            command = [sys.executable, str(script), "--db", str(working), *validate_state_args(options, paths), *options.validate_args]
            env = child_env(options, paths)
            returncode, tail = runner.run(command, env, options.project_dir, paths.logs / "validate.out", not options.quiet)
            if returncode != 0:
                for line in [line for line in tail if line.startswith("FAIL")][-10:] or tail[-5:]:
                    log.line(f"validate: {line.strip()}")
                log.line(f"working copy kept for inspection: {working} (removed by the next refresh)")
                raise RefreshError(EXIT_VALIDATION_FAILED, "validate", f"{script.name} exited {returncode}")
            info["detail"] = f"{script.name} exit=0"

    with log.step("checkpoint") as info:
        try:
            checkpoint(working)
        except Exception as error:  # duckdb.Error or OSError
            raise RefreshError(EXIT_PUBLISH_FAILED, "checkpoint", f"checkpoint of {working} failed: {error}") from None
        info["detail"] = f"bytes={working.stat().st_size} wal=none"

    with log.step("bi") as info:
        try:
            staged = bi.stage(working, options.bi, options.per_workspace)
        except Exception as error:  # duckdb.Error, OSError, an id that cannot name a file
            raise RefreshError(EXIT_PUBLISH_FAILED, "bi", f"writing the BI file {options.bi} failed: {error}") from None
        info["detail"] = f"files={len(staged)} bytes={sum(item.temporary.stat().st_size for item in staged)}"

    with log.step("publish") as info:
        try:
            stale_wal = wal_of(published)
            if stale_wal.exists():
                # Its changes were copied into the build; left in place it would be replayed
                # onto the new file by the next reader.
                stale_wal.unlink()
                log.line(f"warning: removed {stale_wal.name} (its changes were in the copy)")
            os.replace(working, published)
            bi.publish(staged, obsolete=obsolete_bi_files(options, paths))
            bi.fsync(published.parent)
            record_published_state(options, paths, [item.final for item in staged])
        except OSError as error:
            bi.discard(staged)
            raise RefreshError(EXIT_PUBLISH_FAILED, "publish", f"swap into {published} failed: {error}") from None
        shutil.rmtree(paths.duckdb_tmp, ignore_errors=True)
        info["detail"] = f"published={published} bi={options.bi}" + (f" (+{len(staged) - 1} per workspace)" if options.per_workspace else "")


def validate_state_args(options: RefreshOptions, paths: RefreshPaths) -> list[str]:
    """The validator remembers row counts per database path; the working copy's path is stable
    across refreshes, so keep that state in the refresh directory unless the caller set one."""
    if any(arg == "--state" or arg.startswith("--state=") for arg in options.validate_args):
        return []
    return ["--state", str(paths.validation_state)]


def ensure_no_writer(published: Path) -> None:
    """Refuse to copy a file that another process has open read-write (a copy could be torn)."""
    import duckdb

    try:
        duckdb.connect(str(published), read_only=True).close()
    except duckdb.IOException as error:
        raise RefreshError(
            EXIT_USAGE,
            "copy",
            f"{published} is open for writing by another process ({error}); refreshes publish by "
            "swapping files, so nothing else may write the published warehouse",
        ) from None
    except duckdb.Error as error:
        raise RefreshError(EXIT_USAGE, "copy", f"{published} is not a readable DuckDB file: {error}") from None


def checkpoint(path: Path) -> None:
    """Fold the WAL into the file, close, check nothing is left beside it, fsync."""
    import duckdb

    connection = duckdb.connect(str(path))
    try:
        connection.execute("checkpoint")
    finally:
        connection.close()
    if wal_of(path).exists() and wal_of(path).stat().st_size > 0:
        raise OSError(f"{wal_of(path)} still present after checkpoint")
    wal_of(path).unlink(missing_ok=True)
    bi.fsync(path)


def file_signature(path: Path) -> tuple[int, int, int] | None:
    """(inode, size, mtime_ns) of a file, None when absent."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def write_summary(paths: RefreshPaths, published: Path, code: int, step: str, reason: str, records: list[StepRecord]) -> None:
    """`<warehouse>.refresh/last_refresh.json`: the outcome of the last refresh, for monitoring."""
    with contextlib.suppress(OSError):
        paths.state_dir.mkdir(parents=True, exist_ok=True)
        paths.summary.write_text(
            json.dumps(
                {
                    "finished_at": StepLog.now(),
                    "warehouse": str(published),
                    "exit_code": code,
                    "outcome": EXIT_CODES.get(code, "interrupted"),
                    "failed_step": step or None,
                    "reason": reason or None,
                    "steps": [record.__dict__ for record in records],
                },
                indent=2,
            )
            + "\n"
        )


class NothingToDo(Exception):
    """No new raw file, no code or argument change since the published build: skip."""


# What decides the build's result besides the raw data: the dbt project's files.
PROJECT_PARTS = ("models", "macros", "seeds", "tests", "analyses", "dbt_project.yml", "profiles.yml")
PROJECT_SUFFIXES = {".sql", ".yml", ".yaml", ".csv", ".md", ".py"}


def project_fingerprint(project_dir: Path) -> str:
    """sha256 over the dbt project's files (names and contents)."""
    import hashlib

    digest = hashlib.sha256()
    for part in PROJECT_PARTS:
        root = project_dir / part
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in PROJECT_SUFFIXES)
        for path in files:
            if "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(project_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def build_identity(options: RefreshOptions) -> dict[str, Any]:
    """What a published build was made from, apart from the raw files (they are in its manifest)."""
    command = dbt_command(options)
    return {"dbt_args": command[1:], "project": project_fingerprint(options.project_dir)}


def record_published_state(options: RefreshOptions, paths: RefreshPaths, bi_files: list[Path]) -> None:
    """After a publish: what it was built from, so the next refresh can tell whether anything
    changed (written after the swap: a record older than the published file only rebuilds more),
    and the BI files it wrote."""
    state = {
        "published_at": StepLog.now(), **build_identity(options), "vars": effective_vars(options),
        "bi": {"per_workspace": options.per_workspace, "files": [str(path) for path in bi_files]},
    }
    # no record at all rather than half of one: the next refresh then rebuilds everything
    paths.published_state.unlink(missing_ok=True)
    paths.published_manifest.parent.mkdir(exist_ok=True)
    shutil.copyfile(paths.target / "manifest.json", paths.published_manifest)
    paths.published_state.write_text(json.dumps(state, indent=2) + "\n")


SELECTION_FLAGS = {
    "--select", "-s", "--models", "-m", "--exclude", "--selector",
    "--resource-type", "--resource-types", "--exclude-resource-type", "--exclude-resource-types",
}


def unselected_args(options: RefreshOptions) -> list[str]:
    """The build's dbt args (raw_path merged into --vars) without node selection, for the
    commands that select the stale models instead."""
    kept, skipping = [], False
    for arg in merge_raw_path(options.dbt_args, options.raw_path):
        if arg.split("=", 1)[0] in SELECTION_FLAGS:
            skipping = "=" not in arg
        elif not (skipping and not arg.startswith("-")):
            skipping = False
            kept.append(arg)
    return kept


def effective_vars(options: RefreshOptions) -> dict[str, Any]:
    """The vars a build sees: dbt_project.yml's, overridden by --vars."""
    import yaml

    project = yaml.safe_load((options.project_dir / "dbt_project.yml").read_text()) or {}
    merged = dict(project.get("vars") or {})
    args = merge_raw_path(options.dbt_args, options.raw_path)
    for index, arg in enumerate(args):
        if arg.startswith("--vars="):
            merged.update(yaml.safe_load(arg.split("=", 1)[1]) or {})
        elif arg == "--vars" and index + 1 < len(args):
            merged.update(yaml.safe_load(args[index + 1]) or {})
    return merged


def stale_since_publish(options: RefreshOptions, paths: RefreshPaths, runner: ChildRunner) -> tuple[list[str] | None, str]:
    """What changed code or vars make stale in the published build, and why: None for every
    model, else the models to rebuild in full (empty when nothing is stale). dbt cannot see a
    var's effect on a model (state:modified compares code and configs), so a changed var
    rebuilds everything."""
    if options.full_refresh:
        return [], "--full-refresh: every model rebuilt"
    if not paths.published.exists():
        return [], "first build: every model built"
    try:
        state = json.loads(paths.published_state.read_text())
    except (OSError, ValueError):
        state = {}
    if "vars" not in state or not paths.published_manifest.exists():
        return None, "no record of the published build's code and vars: every model rebuilt in full"
    current = effective_vars(options)
    changed = sorted(name for name in {*state["vars"], *current} if state["vars"].get(name) != current.get(name))
    if changed:
        return None, "vars changed (" + ", ".join(changed) + "): every model rebuilt in full"
    if state.get("project") == project_fingerprint(options.project_dir):
        return [], "code and vars as published"
    command = [
        str(dbt_executable(options)), "ls", "--resource-type", "model", "--select", "state:modified+",
        "--state", str(paths.published_manifest.parent), "--output", "name", "--quiet", *unselected_args(options),
    ]
    log_file = paths.logs / "dbt_stale.out"
    returncode, tail = runner.run(command, child_env(options, paths), options.project_dir, log_file, False)
    if returncode != 0:
        raise RefreshError(EXIT_BUILD_FAILED, "stale", "dbt ls exited " + str(returncode) + ": " + " ".join(error_excerpt(tail)))
    models = sorted({line.strip() for line in log_file.read_text().splitlines()[1:] if re.fullmatch(r"\w+", line.strip())})
    if not models:
        return [], "project files changed, no model changed"
    return models, f"code changed: {len(models)} model(s) and what depends on them rebuilt in full"


def raw_file_pattern(raw_path: Path, table: str) -> str | None:
    """The files dbt reads for a raw table (macros/incremental/incremental_raw_scope.sql)."""
    import glob

    base = raw_path / table
    for pattern in (f"{base}.parquet", f"{base}.csv", f"{base}/*.parquet"):
        if glob.glob(pattern):
            return pattern
    return None


# A raw file's identity as the staging base tables record it in `_raw_file_hash`, over
# read_blob's columns (macros/incremental/incremental_raw_scope.sql, raw_file_hash).
RAW_FILE_HASH = "md5_number_upper(filename || '|' || size || '|' || epoch_ms(last_modified))"


def raw_file_rows(connection, name: str) -> int:
    """The rows of one raw file (as dbt reads it)."""
    reader = "read_csv(?, header = true, all_varchar = true)" if name.endswith(".csv") else "read_parquet(?)"
    return connection.execute(f"select count(*) from {reader}", [name]).fetchone()[0]


def published_bi_files(paths: RefreshPaths) -> list[Path]:
    """The BI files the last publish wrote (none without its record)."""
    try:
        return [Path(name) for name in json.loads(paths.published_state.read_text())["bi"]["files"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def obsolete_bi_files(options: RefreshOptions, paths: RefreshPaths) -> list[Path]:
    """The per-workspace files the last publish wrote, as siblings of this publish's BI file: a
    record copied with the warehouse never names another warehouse's files."""
    prefix = options.bi.stem + "__"
    return [options.bi.with_name(path.name) for path in published_bi_files(paths) if path.name.startswith(prefix)]


def unchanged_since_publish(options: RefreshOptions, paths: RefreshPaths) -> str | None:
    """Why the published warehouse is already current, or None when a build is needed.

    Current means: same dbt arguments, project files and BI files (still there) as the last
    publish, raw tables read
    from files (--raw-path) whose listing (name, size, modification time) holds no file that
    a staging base table of the published warehouse has not read (its rows' `_raw_file_hash`)
    except empty ones, and none of those it has read changed or went, and no stored row
    whose "future" rejection has expired since (int_raw_rows_due_for_recheck). Anything else,
    or any doubt, builds.
    """
    import duckdb

    from msgwh.contract import RAW_TABLES

    if options.full_refresh or options.always_build or options.raw_path is None or not options.raw_path.is_absolute():
        return None
    if not paths.published.exists() or not paths.published_state.exists():
        return None
    try:
        state = json.loads(paths.published_state.read_text())
    except (OSError, ValueError):
        return None
    if state.get("dbt_args") != build_identity(options)["dbt_args"] or state.get("project") != project_fingerprint(options.project_dir):
        return None
    bi_files = published_bi_files(paths)
    if (
        (state.get("bi") or {}).get("per_workspace") != options.per_workspace
        or bi_files[:1] != [options.bi]
        or not all(path.exists() for path in bi_files)
    ):
        return None
    try:
        connection = duckdb.connect(str(paths.published), read_only=True)
    except duckdb.Error:
        return None
    try:
        files = 0
        for table in RAW_TABLES:
            pattern = raw_file_pattern(options.raw_path, table)
            if pattern is None:
                return None
            listing = {
                row[0]: row[1]
                for row in connection.execute(
                    f"select filename, {RAW_FILE_HASH} from read_blob(?)",
                    [pattern],
                ).fetchall()
            }
            # the files a base table has read are its rows' files (_raw_file_hash)
            stored = {row[0] for row in connection.execute(f"select distinct _raw_file_hash from staging.base_raw__{table}").fetchall()}
            if not listing or not stored <= set(listing.values()):
                return None
            # a listed file that no row came from is new, unless it holds no row at all
            for name, stamp in listing.items():
                if stamp not in stored and raw_file_rows(connection, name):
                    return None
            files += len(listing)
        due = connection.execute("select coalesce(sum(rows_due), 0) from intermediate.int_raw_rows_due_for_recheck").fetchone()[0]
        if due:
            return None
    except duckdb.Error:
        return None
    finally:
        connection.close()
    return f"no new raw data: {files} raw file(s) as in the published build, no row due for a recheck; published state kept"
