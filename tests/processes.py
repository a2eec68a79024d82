"""Code run by a fresh Django process, for what only a process of its own shows (settings read from the
environment, logging set up at start, a cache shared between processes)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_shell(code, **env):
    """Run `code` with `manage.py shell -c` in a new process with `env` added; fail on a non-zero exit."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result
