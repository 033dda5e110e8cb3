"""The archive-scale chart: p50 query latency and serving memory against corpus size.

.venv/bin/python -m benchmarks.chart   # reads benchmarks/results/archive_scale.json
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.archive_scale import RESULTS

CHART = RESULTS.with_suffix(".png")


def series(results: dict, metric: str) -> dict[str, tuple[list[int], list[float]]]:
    """Per method, the sizes it was measured at and its `metric` there, smallest first."""
    out: dict[str, tuple[list[int], list[float]]] = {}
    for run in sorted(results["runs"], key=lambda r: r["size"]):
        for row in run["rows"]:
            sizes, values = out.setdefault(row["method"], ([], []))
            sizes.append(run["size"])
            values.append(row[metric])
    return out


def plot(results: dict, target: Path) -> None:
    """Two log-log panels, one line per method, written as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    # (metric, axis label, newsbot's target at 1M paragraphs)
    panels = (
        ("p50_ms", "p50 latency, top-10 (ms)", 5),
        ("serve_peak_rss_mb", "serving peak RSS (MB)", 1024),
    )
    for ax, (metric, label, goal) in zip(axes, panels, strict=True):
        for method, (sizes, values) in series(results, metric).items():
            ax.plot(sizes, values, marker="o", label=method)
        ax.axhline(goal, color="grey", linestyle="--", linewidth=1, label="newsbot target")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("paragraphs")
        ax.set_ylabel(label)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize=8)
    machine = results["machine"]
    fig.suptitle(
        f"newsbot vs BM25 engines — {machine['nproc']} cores, {machine['cpu']}, "
        f"Python {machine['python']}, {machine['date']}",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(target, dpi=110)
    plt.close(fig)


def main() -> None:
    plot(json.loads(RESULTS.read_text()), CHART)


if __name__ == "__main__":
    main()
