"""Whether a process that left a lock or a partial file behind still runs: a build's partial
database and a report's lock are only cleared once their writer is gone."""

from __future__ import annotations

import os


def alive(pid: int) -> bool:
    """True if `pid` answers (even if it belongs to another user), False once it has exited."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
