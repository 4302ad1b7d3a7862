"""Loaded by every Python process that `.ci/any-instant` starts (it is put on PYTHONPATH there, nowhere else).

Under faketime the monotonic clock must stay real (threads' timed waits hang otherwise), but libfaketime 0.9.10
then breaks `time.sleep` on Python 3.11+, which sleeps with clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME): it
shifts the deadline by the fake offset and the kernel answers EINVAL (wolfcw/libfaketime#426). A relative
`select` timeout sleeps as long without going through that call.
"""
import select
import time


def _sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    select.select([], [], [], seconds)


time.sleep = _sleep
