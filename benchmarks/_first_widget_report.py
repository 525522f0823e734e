"""The printed report of ``bench_first_widget.py``: ratios next to their targets."""

from __future__ import annotations

from typing import Any

import _bench_common as bc

# lesson / baseline ratios not to exceed
TARGETS = {"first_widget": 1.2, "rss_first": 1.15, "rss_plot": 1.0, "import": 1.3, "pool": 0.8}


def report(res: dict[str, Any], lessons: list[str], pooled: list[str]) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    if res["imports"]:
        imports(res["imports"]["runs"], rows)
    if res["unpooled"]:
        pages(res, lessons, rows)
    if res["pooled"]:
        pool(res, pooled, rows)
    return rows


def imports(imp: dict[str, list[dict[str, Any]]], rows: dict[str, Any]) -> None:
    T = TARGETS
    base = bc.median([r["s"] for r in imp["ipywidgets"]])
    base_cpu = bc.median([r.get("cpu_s") for r in imp["ipywidgets"]])
    print(
        "\n(A) import time, fresh interpreter, median of runs (target: wall time <= "
        f"{T['import']}x ipywidgets; CPU time shown too, it is less hit by the machine's load)"
    )
    print(f"  {'statement':<22} {'wall ms':>8} {'x':>5}  {'target':<9} {'CPU ms':>7} {'x':>5}  mpl")
    for label, runs in imp.items():
        m = bc.median([r["s"] for r in runs])
        c = bc.median([r.get("cpu_s") for r in runs])
        r, rc = bc.ratio(m, base), bc.ratio(c, base_cpu)
        mpl = sorted({x for run in runs for x in run["matplotlib"]})
        ok = "" if label == "ipywidgets" else bc.verdict(r, T["import"])
        print(
            f"  {label:<22} {m * 1000:8.1f} {bc.fmt(r, '.2f', 5)}  {ok:<9}"
            f" {bc.fmt(c and c * 1000, '.1f', 7)} {bc.fmt(rc, '.2f', 5)}  {mpl or 'no'}"
        )
        rows[f"import {label}"] = {"ms": m * 1000, "ratio": r, "cpu_ratio": rc, "matplotlib": mpl}
    assert not any(v.get("matplotlib") for v in rows.values()), "an import cell loaded matplotlib"


def _loads(samples: list[dict[str, Any]]) -> tuple[Any, ...]:
    """Of one notebook's loads: median and min time to first widget, and the medians of
    kernel RSS, HTML end (``responseEnd``, ms), kernel CPU and server CPU seconds."""
    return (
        bc.median([s["first_widget_s"] for s in samples]),
        bc.minimum([s["first_widget_s"] for s in samples]),
        bc.median([s["kernel_rss_mib"] for s in samples]),
        bc.median([(s["nav_ms"] or {}).get("responseEnd") for s in samples]),
        bc.median([s.get("kernel_cpu_s") for s in samples]),
        bc.median([s.get("server_cpu_s") for s in samples]),
    )


def pages(res: dict[str, Any], lessons: list[str], rows: dict[str, Any]) -> None:
    T = TARGETS
    un = res["unpooled"]
    triv = [s for s in un["pairs"] if s["notebook"].endswith(bc.TRIVIAL)]
    t_med, t_min, t_rss, t_end, t_kcpu, t_scpu = _loads(triv)
    print(
        f"\n(B) first widget and kernel RSS at first render, --pool-size 0 (targets: time <= "
        f"{T['first_widget']}x, RSS <= {T['rss_first']}x the trivial notebook)\n"
        f"  trivial notebook: median {t_med:.2f} s, min {t_min:.2f} s, HTML end "
        f"{bc.fmt(t_end, '.0f')} ms, RSS {t_rss:.1f} MiB, CPU s kernel "
        f"{bc.fmt(t_kcpu)} / server {bc.fmt(t_scpu)} ({len(triv)} loads)"
    )
    print(
        f"  {'lesson':<30} {'med s':>6} {'min s':>6} {'x med':>6} {'x min':>6} {'time':<9}"
        f" {'HTML end':>8} {'RSS':>6} {'x RSS':>6} {'RSS':<9} mpl {'kCPU s':>6} {'x':>5}"
        f" {'sCPU s':>6} {'x':>5}"
    )
    for name in lessons:
        ls = [s for s in un["pairs"] if s["notebook"] == "lessons/" + name]
        med, mn, rss, end, kcpu, scpu = _loads(ls)
        rm, rn, rr = bc.ratio(med, t_med), bc.ratio(mn, t_min), bc.ratio(rss, t_rss)
        mpl = any(s["matplotlib_mapped"] for s in ls)
        print(
            f"  {name[:30]:<30} {bc.fmt(med, '.2f', 6)} {bc.fmt(mn, '.2f', 6)}"
            f" {bc.fmt(rm, '.2f', 6)} {bc.fmt(rn, '.2f', 6)} {bc.verdict(rm, T['first_widget']):<9}"
            f" {bc.fmt(end, '.0f', 8)} {bc.fmt(rss, '.1f', 6)} {bc.fmt(rr, '.2f', 6)}"
            f" {bc.verdict(rr, T['rss_first']):<9} {'YES' if mpl else 'no ':<3}"
            f" {bc.fmt(kcpu, '.2f', 6)} {bc.fmt(bc.ratio(kcpu, t_kcpu), '.2f', 5)}"
            f" {bc.fmt(scpu, '.2f', 6)} {bc.fmt(bc.ratio(scpu, t_scpu), '.2f', 5)}"
        )
        rows[f"first widget {name}"] = {"median_s": med, "min_s": mn, "ratio": rm, "ratio_min": rn}
        rows[f"rss first render {name}"] = {"mib": rss, "ratio": rr, "matplotlib_mapped": mpl}
        rows[f"cpu first render {name}"] = {
            "kernel_s": kcpu,
            "kernel_ratio": bc.ratio(kcpu, t_kcpu),
            "server_s": scpu,
            "server_ratio": bc.ratio(scpu, t_scpu),
        }

    if un["charts"]:
        mpl_rss = bc.median(
            [s["kernel_rss_mib"] for s in un["charts"] if s["notebook"].endswith(bc.PLAIN_MPL)]
        )
        print("\n(C) kernel RSS after a chart (target <= the plain ipywidgets+matplotlib kernel)")
        print(f"  plain ipywidgets + matplotlib notebook: {mpl_rss:.1f} MiB")
        for name in sorted({s["notebook"] for s in un["charts"]} - {"baselines/" + bc.PLAIN_MPL}):
            rss = bc.median([s["plot_rss_mib"] for s in un["charts"] if s["notebook"] == name])
            r = bc.ratio(rss, mpl_rss)
            print(f"  {name:<40} {rss:6.1f} MiB  x{bc.fmt(r)}  {bc.verdict(r, T['rss_plot'])}")
            rows[f"rss after plot {name}"] = {"mib": rss, "ratio": r, "plain_mpl_mib": mpl_rss}

    print("\n(D) what a page downloads (warm-up loads, fresh context: nothing cached)")
    print(
        f"  {'page':<44} {'req':>4} {'HTTP KiB':>9} {'x':>5} {'ws KiB':>7} {'x':>5}"
        f" {'models':>6} {'CSS sent':>8} {'CSS in DOM':>10}"
    )
    warm = {s["notebook"]: s for s in un["warmup"]}
    tw = warm["baselines/" + bc.TRIVIAL]["traffic"]
    for path, s in warm.items():
        t = s["traffic"]
        marks = t.get("ws_marks", {})
        print(
            f"  {path:<44} {t['requests']:4d} {t['http_received_bytes'] / 1024:9.0f}"
            f" {bc.fmt(bc.ratio(t['http_received_bytes'], tw['http_received_bytes']), '.2f', 5)}"
            f" {t['ws_received_bytes'] / 1024:7.0f}"
            f" {bc.fmt(bc.ratio(t['ws_received_bytes'], tw['ws_received_bytes']), '.2f', 5)}"
            f" {marks.get('widget models', -1):6d}"
            f" {marks.get('style.css', 0) + marks.get('curriculum.css', 0):8d}"
            f" {s['css_copies']:10d}"
        )
    css_sizes = {n: len((bc.ROOT / "mi_toolkit/content" / n).read_bytes()) for n in res["css"]}
    print(
        f"  toolkit CSS: {css_sizes} bytes. models: widget model states the page received;"
        " CSS sent: stylesheet copies in them (one shared model per stylesheet);"
        " CSS in DOM: <style> elements (one per toolkit widget that shows it)"
    )
    rows["css_bytes"] = css_sizes


def pool(res: dict[str, Any], pooled: list[str], rows: dict[str, Any]) -> None:
    T = TARGETS
    po = res["pooled"]
    if po:
        loads = [s for s in po["loads"] if s["round"] > 0]
        plain = bc.median([s["first_widget_s"] for s in loads if s["server"] == "plain"])
        plain_min = bc.minimum([s["first_widget_s"] for s in loads if s["server"] == "plain"])
        idle = sum(po["pool_rss_mib"].values())
        print(
            f"\n(E) mi-toolkit serve DEFAULTS (pool on) vs plain voila, trivial notebook "
            f"(target <= {T['pool']}x)\n  plain voila trivial: median {plain:.2f} s, min "
            f"{plain_min:.2f} s; it left {po['plain_kernels_left']} kernel(s) behind "
            f"({po['plain_refused_shutdowns']} refused shutdown requests)"
        )
        print(
            f"  where the time goes, medians (ms): {'page':<36} {'first byte':>10} {'HTML end':>9}"
        )
        for which, name in [("plain", bc.TRIVIAL)] + [("serve", n) for n in pooled]:
            ls = [s for s in loads if s["server"] == which and s["notebook"] == name]
            first = bc.median([(s["nav_ms"] or {}).get("responseStart") for s in ls])
            end = bc.median([(s["nav_ms"] or {}).get("responseEnd") for s in ls])
            fw = bc.median([s["first_widget_s"] * 1000 for s in ls])
            print(
                f"  {'':<34} {which + ' ' + name:<36} {bc.fmt(first, '.0f', 10)}"
                f" {bc.fmt(end, '.0f', 9)}  widget {bc.fmt(fw, '.0f')}"
            )
        for name in pooled:
            ls = [s for s in loads if s["server"] == "serve" and s["notebook"] == name]
            med = bc.median([s["first_widget_s"] for s in ls])
            mn = bc.minimum([s["first_widget_s"] for s in ls])
            r, rn = bc.ratio(med, plain), bc.ratio(mn, plain_min)
            hits = sum(bool(s["from_pool"]) for s in ls)
            print(
                f"  {name:<30} median {med:.2f} s (x{r:.2f} {bc.verdict(r, T['pool'])}), "
                f"min {mn:.2f} s (x{rn:.2f}); {hits}/{len(ls)} from the pool"
            )
            rows[f"pooled {name}"] = {"median_s": med, "ratio": r, "ratio_min": rn}
        print(
            f"  pool: {po['notebooks']} notebooks x 1 = {po['pool_kernels']} kernels idle, "
            f"{idle:.0f} MiB RSS in all ({idle / max(po['pool_kernels'], 1):.1f} MiB each); "
            f"server {po['serve_rss_mib']:.0f} MiB\n  method: before each load, wait until the "
            f"server has {po['pool_kernels']} kernels and it and they used < 5% CPU for "
            f"{res['args']['quiet']} s, then {res['args']['gap']} s more"
        )
