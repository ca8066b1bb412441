"""Where a big import's large buffers live, so that its largest process stays the same size whatever the file's.

glibc's malloc serves a request of 128 KiB or more with a mapping of its own, given back to the system when it
is freed, but it raises that threshold to the size of each such block freed, up to 32 MiB. After an import's
first batch (megabytes of lines pickled to a worker, megabytes of checked rows pickled back), every batch's
buffers therefore come from the heap, between small objects that outlive them, and the holes they leave stay
in the process. Measured at 10,000 intakes (2 workers): the bytes in use stayed at about 35 MiB from the first
batch to the last while the heap grew from 31 to 66 MiB, all of it free space, and the largest process peaked
at 67 MiB (1,000 intakes), 73 MiB (10,000) and 119 MiB (100,000). SQLite's own memory was 2 MiB throughout.
A fixed threshold (which also turns the raising off) keeps those buffers in mappings of their own.
"""

from __future__ import annotations

import sys

BIG = 256 << 10
"""From this size up a block gets its own mapping: a batch's texts and pickles (megabytes) do, one record's
line (tens of kilobytes) does not (a mapping per record would cost a system call and fresh pages each)."""
M_MMAP_THRESHOLD = -3  # glibc's malloc.h


def give_back_big_buffers(threshold: int = BIG) -> bool:
    """From now on, in this process and those it forks, serve each request of `threshold` bytes or more with a
    mapping of its own, given back when freed; whether that could be set (glibc only: elsewhere nothing
    changes). For the rest of the process: glibc cannot be told to raise the threshold again."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # a C library without it
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return mallopt(M_MMAP_THRESHOLD, threshold) == 1
