"""The statistics of compliance: Wilson intervals, how many observations settle a target."""

from __future__ import annotations

import math

Z95 = 1.959963984540054  # two-sided 95 % normal quantile
TARGET_ONE_NEEDED = 30  # observations before a 100 % target can be judged at all


def wilson(passes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion: honest at small n and near 0 or 1."""
    if n == 0:
        return 0.0, 1.0
    share = passes / n
    denominator = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denominator
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if passes == 0 else max(0.0, centre - half)
    high = 1.0 if passes == n else min(1.0, centre + half)
    return low, high


def needed(target: float, z: float = Z95) -> int:
    """Observations needed before even a perfect record could show `target` is met.

    With every observation a pass, the Wilson lower bound is n / (n + z²); it reaches the
    target when n ≥ target·z² / (1 − target). A 100 % target can never be shown that way:
    it is judged on "no failures", and fewer than `TARGET_ONE_NEEDED` observations are flagged
    as too few.
    """
    if target <= 0:
        return 0
    if target >= 1:
        return TARGET_ONE_NEEDED
    return math.ceil(target * z * z / (1 - target) - 1e-9)


def status(passes: int, fails: int, target: float) -> str:
    """`meets`, `below`, `uncertain` (the interval straddles the target) or `no data`."""
    n = passes + fails
    if n == 0:
        return "no data"
    if target >= 1:
        return "meets" if fails == 0 else "below"
    low, high = wilson(passes, n)
    if low >= target:
        return "meets"
    if high < target:
        return "below"
    return "uncertain"
