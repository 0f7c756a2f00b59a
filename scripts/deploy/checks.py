"""Every deployment check, run by scripts/check-deploy.sh inside its venv.

Each check prints PASS or FAIL with its reasons; the last line is
"N passed, N failed" and the exit status is 1 when anything failed.
`--only SUBSTRING` runs the checks whose name contains it. The checks live in
checks_chart.py (the chart) and checks_ops.py (everything around it).
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time
import traceback

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import checks_chart  # noqa: E402,F401  (registers its checks)
import checks_ops  # noqa: E402,F401
from registry import CHECKS, OUT, Failed  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    passed, failed = 0, []
    for name, fn in CHECKS:
        if args.only and args.only not in name:
            continue
        started = time.monotonic()
        try:
            detail = fn()
            passed += 1
            print(f"PASS  {name} ({time.monotonic() - started:.1f}s): {detail}", flush=True)
        except Failed as e:
            failed.append(name)
            print(f"FAIL  {name} ({time.monotonic() - started:.1f}s): {e}", flush=True)
        except (Exception, SystemExit):  # a crashing check is a failing check
            failed.append(name)
            print(f"FAIL  {name}: crashed\n{traceback.format_exc()}", flush=True)
    print()
    for name in failed:
        print(f"FAILED: {name}")
    print(f"deploy-checks: {passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
