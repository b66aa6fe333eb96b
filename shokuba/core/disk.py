"""A full disk when the app writes a private file (evidence, exports, imports waiting for their worker).

The operating system says so with ENOSPC (no space left), EDQUOT (the user's quota) or EFBIG (a file-size limit);
the services that write files turn these into a Japanese message naming what was not saved, after removing what
they had half written (tests/test_faults.py fills a real small filesystem to prove it).
"""

from __future__ import annotations

import errno

DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def disk_full(exc: BaseException) -> bool:
    """Whether `exc` is the operating system saying that the file does not fit."""
    return isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS
