"""docs/architecture.md documents every role with exactly the permissions the code gives it."""

from __future__ import annotations

import re
from pathlib import Path

from trama.accounts.roles import ROLE_PERMISSIONS, Role

DOC = Path(__file__).resolve().parents[3] / "docs" / "architecture.md"


def test_it_documents_the_roles_as_coded() -> None:
    documented: dict[str, set[str]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| `([a-z_]+)` \| [^|]+ \| (.*) \|$", line)
        if match and match.group(1) in Role.values:
            documented[match.group(1)] = set(re.findall(r"`([a-z_.]+)`", match.group(2)))
    assert set(documented) == set(Role.values)
    for role, perms in ROLE_PERMISSIONS.items():
        assert documented[role] == set(perms), role
