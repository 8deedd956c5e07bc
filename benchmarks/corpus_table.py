"""Print how well `svcstd validate` judges the corpus of realistic standards, rule by rule.

Precision (findings that point at a planted flaw) and recall (planted flaws caught) per rule,
the overall share of false alarms, and which well-written files are not clean. `--details`
lists every false alarm and every missed flaw, which is where to look before changing a rule.

    .venv/bin/python benchmarks/corpus_table.py [--details] [--corpus tests/corpus-holdout]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.corpus_eval import evaluate, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list false alarms and misses")
    parser.add_argument("--corpus", type=Path, help="another corpus folder with a manifest.yaml")
    args = parser.parse_args()
    outcome = evaluate(args.corpus) if args.corpus else evaluate()
    print(table(outcome))
    if args.details:
        print("\nFalse alarms:")
        for f in sorted(outcome.false_alarms):
            print(f"  {f.file}:{f.line}:{f.column} {f.rule} {f.message}")
        print("\nMissed flaws:")
        for flaw in outcome.flaws:
            if flaw not in outcome.caught:
                print(f"  {flaw.file}:{flaw.first} {flaw.rule} {flaw.at} — {flaw.note}")


if __name__ == "__main__":
    main()
