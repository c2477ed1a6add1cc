"""The salt of the caller-phone hash: HOTLINE_PHONE_SALT, else a random secret kept in DAGSTER_HOME.

An 11-digit phone number hashed with a known salt is recovered by trying every number, so the salt
must be secret. Without HOTLINE_PHONE_SALT the first run writes 32 random bytes (hex) to
`<DAGSTER_HOME>/phone_salt` (mode 600) and every later run of that instance reads it. The salt that
earlier versions documented (DEFAULT_PHONE_SALT) still works, with a warning outside `hotline demo`.
Rotating the salt: README "Operations" (hashes of earlier months then differ from the new ones).
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from pipelines.settings import DEFAULT_PHONE_SALT, Settings

SALT_FILE_NAME = "phone_salt"
#: set by `hotline demo`: the documented salt is fine for made-up phone numbers
DEMO_ENV = "HOTLINE_DEMO"


@dataclass(frozen=True)
class PhoneSalt:
    value: str
    #: "HOTLINE_PHONE_SALT" or the salt file's path
    source: str
    #: a warning to show (documented default in use, salt file readable by others), or None
    warning: str | None = None


def salt_file(dagster_home: Path) -> Path:
    return dagster_home / SALT_FILE_NAME


def _create_salt_file(path: Path) -> None:
    """Write a new random salt, mode 600, unless another process just did (O_EXCL)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32) + "\n")


def resolve_phone_salt(settings: Settings) -> PhoneSalt:
    """The salt for this run (see the module docstring). Raises ValueError on an empty salt file."""
    if settings.phone_salt:
        warning = None
        if settings.phone_salt == DEFAULT_PHONE_SALT and not os.environ.get(DEMO_ENV):
            warning = (
                "HOTLINE_PHONE_SALT is the documented default salt: anyone can recover the callers' "
                "phone numbers from their hashes. Fix: unset HOTLINE_PHONE_SALT (a random salt is then "
                f"kept in {salt_file(settings.dagster_home)}) or set your own secret; README Operations "
                "says what changing the salt breaks."
            )
        return PhoneSalt(settings.phone_salt, "HOTLINE_PHONE_SALT", warning)
    path = salt_file(settings.dagster_home)
    if not path.exists():
        _create_salt_file(path)
    value = path.read_text(encoding="ascii").strip()
    if not value:
        raise ValueError(f"the phone salt file {path} is empty. Fix: restore it from your backup.")
    warning = None
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        warning = f"the phone salt file {path} is readable by other users. Fix: chmod 600 {path}"
    return PhoneSalt(value, str(path), warning)
