"""Reading bill files inside bounds: a forked child with a memory limit and a time limit per file.

Input: a function turning one file's bytes into pages (the PDF or image reader), called through a
``BoundedReader`` with that file's arguments. Output: what the function returns, or the exception
it raised; a child that runs out of memory, dies or runs past the time limit becomes a ParseError
for that file naming the bound, and the run goes on (the next file gets a new child).

Why a child: pdfium and Pillow decode what a file asks for. A PDF of a few kilobytes can ask for
gigabytes (a stream compressed twice, the same stream drawn a hundred times: a decompression
bomb), and pdfium ends the process when an allocation fails. No check of the bytes beforehand
sees every such file, so the reading runs where running out of memory costs only that file.

One child per reading function serves every file of the process (``shared_reader``: forking one
per file cost about 4 ms a file, 100 ms of a household year's cold run; one per importer 0.8 ms a
page of the bill bench); it is forked at the first file that is not in the cache, so it sees the
process as it is then, and it ends with the process (or ``close_shared``).
Where ``os.fork`` does not exist, the function runs in this process, without the bounds.
"""
from __future__ import annotations

import faulthandler
import os
import pickle
import resource
import select
import signal
import struct
import time
import weakref
from collections.abc import Callable
from typing import Any

from recon.errors import ParseError

MEMORY_BYTES = 1 << 30      # what the child may use beyond the process it was forked from
SECONDS = 300               # per file; OCR of the most scanned pages read from one file is about 60 s
_HEADER = struct.Struct("<Q")
_PIPES: set[int] = set()    # this process's ends of every child's pipes: a new child closes them, so
                            # that each child's pipes end (EOF) when that child or this process ends


def _address_space() -> int | None:
    """This process's virtual size in bytes (Linux), or None where /proc is absent."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _send(fd: int, data: bytes) -> None:
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _read(fd: int, n: int, deadline: float | None) -> bytes | None:
    """Exactly ``n`` bytes, or None at end of file or when the deadline passes."""
    chunks: list[bytes] = []
    while n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _receive(fd: int, deadline: float | None) -> bytes | None:
    header = _read(fd, _HEADER.size, deadline)
    return None if header is None else _read(fd, _HEADER.unpack(header)[0], deadline)


def _limit(which: int, value: int) -> None:
    """Lower a soft limit to ``value`` (never above the hard limit, which a process may not raise)."""
    try:
        _soft, hard = resource.getrlimit(which)
        resource.setrlimit(which, (value if hard == resource.RLIM_INFINITY else min(value, hard), hard))
    except (OSError, ValueError):       # a platform without this limit: the time bound still holds
        pass


def _serve(fn: Callable[..., Any], requests: int, replies: int, memory: int) -> None:
    """The child: limit memory, then answer each request ("ok", value) / ("error", exc) until EOF."""
    try:
        try:
            os.setpgid(0, 0)             # tesseract started from here is stopped with the child
        except OSError:
            pass
        faulthandler.disable()           # pdfium aborts when an allocation fails: no dump, no core file
        _limit(resource.RLIMIT_CORE, 0)
        size = _address_space()
        if size is not None:
            _limit(resource.RLIMIT_AS, size + memory)
        while (request := _receive(requests, None)) is not None:
            try:
                payload: tuple = ("ok", fn(*pickle.loads(request)))
            except MemoryError:
                payload = ("memory", None)
            except Exception as exc:     # an InputError, or a bug: raised again in the parent
                payload = ("error", exc)
            try:
                data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as exc:     # an exception that does not pickle: its text
                data = pickle.dumps(("error", RuntimeError(f"{type(payload[1]).__name__}: {payload[1]} ({exc})")))
            _send(replies, data)
    finally:
        os._exit(0)


def _stop(pid: int, fds: tuple[int, ...]) -> int:
    """Close the pipes, kill the child (and its group), and reap it: its wait status."""
    for fd in fds:
        _PIPES.discard(fd)
        try:
            os.close(fd)
        except OSError:
            pass
    for target in (-pid, pid):
        try:
            os.kill(target, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return 0


class BoundedReader:
    """``reader(*args, display=...)`` runs ``fn(*args)`` in the child, within the bounds."""

    def __init__(self, fn: Callable[..., Any], memory: int = MEMORY_BYTES, seconds: float = SECONDS) -> None:
        self.fn, self.memory, self.seconds = fn, memory, seconds
        self._child: tuple[int, int, int] | None = None      # pid, requests fd, replies fd
        self._finalizer: weakref.finalize | None = None

    def _start(self) -> tuple[int, int, int]:
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            for fd in (req_w, rep_r, *_PIPES):
                os.close(fd)
            _serve(self.fn, req_r, rep_w, self.memory)
        os.close(req_r)
        os.close(rep_w)
        _PIPES.update((req_w, rep_r))
        self._child = (pid, req_w, rep_r)
        self._finalizer = weakref.finalize(self, _stop, pid, (req_w, rep_r))
        return self._child

    def close(self) -> int:
        """End the child (killed: it is idle, or its answer is no longer wanted); its wait status."""
        if self._child is None or self._finalizer is None:
            return 0
        pid, req_w, rep_r = self._child
        self._finalizer.detach()
        self._child = self._finalizer = None
        return _stop(pid, (req_w, rep_r))

    def __call__(self, *args: Any, display: str) -> Any:
        if not hasattr(os, "fork"):
            return self.fn(*args)
        _, requests, replies = self._child or self._start()
        deadline = time.monotonic() + self.seconds
        try:
            _send(requests, pickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL))
            reply = _receive(replies, deadline)
        except OSError:                  # the child is gone (a broken pipe)
            reply = None
        except BaseException:            # interrupted: the child's answer would be out of step
            self.close()
            raise
        if reply is None:
            timed_out = time.monotonic() >= deadline
            status = self.close() if timed_out else self._reap()
            raise _failure(display, status, self.memory, self.seconds if timed_out else None)
        kind, value = pickle.loads(reply)
        if kind == "ok":
            return value
        if kind == "memory":             # the child's memory may be in pieces: start a new one
            self.close()
            raise _failure(display, 0, self.memory, None)
        raise value

    def _reap(self) -> int:
        """After the child closed its pipe (it is ending): its wait status, once it has ended."""
        assert self._child is not None and self._finalizer is not None
        pid, *fds = self._child
        self._finalizer.detach()
        self._child = self._finalizer = None
        for fd in fds:
            _PIPES.discard(fd)
            os.close(fd)
        try:
            return os.waitpid(pid, 0)[1]
        except ChildProcessError:
            return 0


_SHARED: dict[Callable[..., Any], BoundedReader] = {}


def shared_reader(fn: Callable[..., Any]) -> BoundedReader:
    """The process's one bounded reader of ``fn``, shared by every importer: its child is forked
    once (a new child costs a fork and its first copy-on-write page faults, about 15 ms) and serves
    every file after, until ``close_shared`` or the process's end."""
    reader = _SHARED.get(fn)
    if reader is None:
        reader = _SHARED[fn] = BoundedReader(fn)
    return reader


def close_shared() -> None:
    """End every shared child (the next file forks a new one from the process as it is then)."""
    for reader in _SHARED.values():
        reader.close()


def _failure(display: str, status: int, memory: int, seconds: float | None) -> ParseError:
    if seconds is not None:
        return ParseError(f"reading this file took more than {seconds:.0f} s; not read", path=display,
                          hint="a bill file reads in a few seconds: check that it opens, or scan the bill again")
    stopped = f" (the reader was stopped by signal {os.WTERMSIG(status)})" if os.WIFSIGNALED(status) else ""
    return ParseError(f"reading this file needs more than {memory >> 20} MiB of memory{stopped}: a damaged file, "
                      "or one made to expand when read (a decompression bomb); not read", path=display,
                      hint="a bill file needs a few megabytes: check that it opens, or download it again")
