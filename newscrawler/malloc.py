"""glibc's allocator kept from hoarding memory that a crawl's processes freed.

A crawl allocates and frees a page-sized buffer or two for every page (the body, its text, parse
trees). glibc raises its threshold for serving such blocks from their own mappings each time one
is freed, and then serves them from the heap, where freed holes stay counted in the process's
memory. A fixed threshold gives every block over 128 KB its own mapping, returned when freed.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util

M_MMAP_THRESHOLD = -3  # mallopt parameter numbers in glibc's malloc.h
MMAP_THRESHOLD = 128 * 1024


def keep_heap_small() -> bool:
    """Fix glibc's mmap threshold in this process (inherited by its forks); False elsewhere."""
    with contextlib.suppress(OSError, AttributeError, TypeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    return False
