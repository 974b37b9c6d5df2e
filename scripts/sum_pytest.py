"""Sum pytest's closing lines over several logs: prints "total: N passed, N failed, N skipped"."""

from __future__ import annotations

import re
import sys
from pathlib import Path

SUMMARY = re.compile(r"^=*\s*(?P<body>(?:\d+ \w+(?:, )?)+) in [\d.]+s")


def main(paths: list[str]) -> None:
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    for path in paths:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
        for line in reversed(lines):
            match = SUMMARY.match(line.strip())
            if not match:
                continue
            for count, word in re.findall(r"(\d+) (\w+)", match.group("body")):
                if word == "passed":
                    totals["passed"] += int(count)
                elif word in {"failed", "error", "errors"}:
                    totals["failed"] += int(count)
                elif word in {"skipped", "xfailed", "deselected"}:
                    totals["skipped"] += int(count)
            break
        else:
            totals["failed"] += 1  # a leg that ran but printed no summary failed to run at all
    print(f"total: {totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")


if __name__ == "__main__":
    main(sys.argv[1:])
