"""The bounded reader (recon/importers/bills/guard.py): a forked child per importer that answers each
file, within a memory and a time bound; a child that dies costs only the file it was reading."""
from __future__ import annotations

import os
import time

import pytest

from recon.errors import ParseError
from recon.importers.bills.guard import BoundedReader


def echo(x):
    return ("read", x, os.getpid())


def fails(x):
    raise ValueError(f"bad {x}")


def grows(n):
    return len(bytearray(n))


def sleeps(s):
    time.sleep(s)
    return s


def dies(code):
    os._exit(code)


def test_answers_come_from_one_child_that_is_not_this_process():
    reader = BoundedReader(echo)
    first, second = reader(1, display="a"), reader(2, display="b")
    assert first[:2] == ("read", 1) and second[:2] == ("read", 2)
    assert first[2] == second[2] != os.getpid()
    reader.close()


def test_an_exception_in_the_child_is_raised_here_as_itself():
    with pytest.raises(ValueError, match="bad 3"):
        BoundedReader(fails)(3, display="x")


def test_a_file_that_needs_too_much_memory_is_a_parse_error_and_the_next_file_is_read():
    reader = BoundedReader(grows, memory=64 << 20)
    with pytest.raises(ParseError, match="needs more than 64 MiB of memory"):
        reader(512 << 20, display="bomb.pdf")
    assert reader(1 << 20, display="ok.pdf") == 1 << 20    # a new child


def test_a_file_that_takes_too_long_is_stopped():
    reader = BoundedReader(sleeps, seconds=0.5)
    t = time.monotonic()
    with pytest.raises(ParseError, match="took more than 0 s|took more than 1 s"):
        reader(30, display="slow.pdf")
    assert time.monotonic() - t < 10
    assert reader(0, display="quick.pdf") == 0


def test_a_child_that_dies_is_noticed_at_once_while_another_child_lives():
    # Each child closes the other children's pipes, so one child's end is seen as soon as it dies.
    other = BoundedReader(echo)
    other(0, display="keep")
    reader = BoundedReader(dies, seconds=60)
    t = time.monotonic()
    with pytest.raises(ParseError, match="not read"):
        reader(3, display="dies.pdf")
    assert time.monotonic() - t < 10
    other.close()
    reader.close()


def test_dropping_a_reader_ends_its_child():
    reader = BoundedReader(echo)
    pid = reader(0, display="x")[2]
    del reader
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_hard_memory_limit_below_the_bound_is_kept_and_files_are_still_read():
    # A container may set a hard address-space limit; the child lowers only its soft limit.
    import resource
    import subprocess
    import sys

    code = ("import resource, os\n"
            "from recon.importers.bills.guard import BoundedReader\n"
            "size = int(open('/proc/self/statm').read().split()[0]) * os.sysconf('SC_PAGE_SIZE')\n"
            "resource.setrlimit(resource.RLIMIT_AS, (size + (768 << 20), size + (768 << 20)))\n"
            "print(BoundedReader(len)(b'abc', display='x'))\n")
    if not hasattr(resource, "RLIMIT_AS"):
        pytest.skip("no RLIMIT_AS on this platform")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert res.returncode == 0 and res.stdout.strip() == "3", res.stdout + res.stderr
