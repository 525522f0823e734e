"""Benchmark: how fast the MI coder codes a 10,000-utterance transcript.

What is measured (one run, side by side with a baseline):

(a) In-process throughput. A transcript of ``--utterances`` turns (default 10,000,
    practitioner and client alternating) is built by recombining the utterances of
    the packaged corpus (``mi_toolkit/content/corpus/mi_corpus.csv``), or from
    synthetic sentences when ``--synthetic`` is given or the corpus is missing. It is
    parsed once; then ``code_transcript`` codes every turn. The time is
    ``time.perf_counter`` around the coding only, best of ``--repeats`` runs (one
    untimed warm-up run first, which also compiles the cue patterns). Baseline: one
    pass over the same turns that only splits each into sentences
    (``split_sentences``), the least any coder must do.

(b) CLI end to end. The transcript is written as an AnnoMI-format CSV and coded with
    ``python -m mi_toolkit code FILE --output OUT.csv`` in a fresh subprocess:
    interpreter start-up, imports, reading, coding, MITI summaries and writing the
    output CSV. Baseline: a fresh ``python -c`` subprocess that reads the same CSV
    with the ``csv`` module and writes it back out (start-up plus a CSV round trip,
    no coding). Wall-clock, best and median of ``--repeats`` runs, after one warm-up
    run of each.

Why ratios: on a shared, noisy machine absolute times move from run to run; both
sides of a ratio are measured in the same run, interleaved, so the ratio is the
number to compare between runs. The absolute values are printed too.

Results are printed as a table and written as JSON to
``benchmarks/results/coder-<timestamp>.json`` (git-ignored) unless ``--no-json``.
A machine-speed reference (``sum(range(1000))``, best of 5) is printed with them.

``--accuracy`` instead prints the coder's agreement with the labelled corpus, for
the train and the test split separately, as the Markdown tables in
``docs/coder_accuracy.md``.

Run from the checkout: ``.venv/bin/python benchmarks/bench_coder.py``
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mi_toolkit.core._text import split_sentences  # noqa: E402
from mi_toolkit.core.coder import code_transcript  # noqa: E402
from mi_toolkit.core.miti import agreement  # noqa: E402
from mi_toolkit.core.transcript import CORPUS, PRACTITIONER, load_corpus, read_transcripts  # noqa: E402

COLUMNS = ("transcript_id", "utterance_id", "interlocutor", "utterance_text")
SYNTHETIC = {
    "therapist": [
        "What brings you in today?",
        "So you're worried about your health, and at the same time it helps you unwind.",
        "Mm-hmm.",
        "You've already cut down on weeknights, which took real effort.",
        "Would it be okay if I shared what some people find helpful?",
        "The guideline is fourteen units a week.",
        "It's your decision what happens next.",
        "Tell me more about the mornings",
    ],
    "client": [
        "I don't want to stop completely.",
        "Yeah.",
        "I'm going to try cutting down after work.",
        "I can't see myself quitting, but I do want to feel better.",
        "My sister came over on Saturday and we went out.",
        "It's the only thing that helps me relax.",
        "I haven't had a drink since Tuesday.",
        "I don't know.",
    ],
}
BASELINE_SCRIPT = (
    "import csv, sys\n"
    "with open(sys.argv[1], encoding='utf-8', newline='') as f:\n"
    "    rows = list(csv.reader(f))\n"
    "with open(sys.argv[2], 'w', encoding='utf-8', newline='') as f:\n"
    "    csv.writer(f).writerows(rows)\n"
)


def _pool(synthetic: bool) -> dict[str, list[str]]:
    corpus = ROOT / "mi_toolkit" / "content" / CORPUS
    if synthetic or not corpus.exists():
        return SYNTHETIC
    pool: dict[str, list[str]] = {"therapist": [], "client": []}
    for u in read_transcripts(corpus).utterances:
        pool[u.interlocutor].append(u.text)
    return pool


def build(path: Path, n: int, synthetic: bool) -> str:
    """Write an ``n``-turn AnnoMI-format CSV; turns cycle through the pool with a stride
    so neighbouring turns do not repeat the corpus order."""
    pool = _pool(synthetic)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(n):
            who = "therapist" if i % 2 == 0 else "client"
            texts = pool[who]
            writer.writerow(["1", str(i), who, texts[(i * 7) % len(texts)]])
    return "synthetic sentences" if pool is SYNTHETIC else "recombined corpus utterances"


def _best(fn, repeats: int) -> list[float]:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def _run(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, cwd=ROOT, timeout=120)
    return time.perf_counter() - start


def _table(title: str, a) -> list[str]:
    acc = "n/a" if a.accuracy is None else f"{a.accuracy:.3f}"
    f1 = "n/a" if a.macro_f1 is None else f"{a.macro_f1:.3f}"
    lines = [
        f"**{title}**: n = {a.n}, accuracy {acc}, macro-F1 {f1}",
        "",
        "| label | precision | recall | F1 | expert count | coder count |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, d in a.per_class.items():
        cells = ["–" if d[k] is None else f"{d[k]:.2f}" for k in ("precision", "recall", "f1")]
        lines.append(f"| {label} | {' | '.join(cells)} | {d['support']} | {d['predicted']} |")
    return [*lines, ""]


def accuracy() -> int:
    """Agreement with the corpus labels, per split, as Markdown."""
    from mi_toolkit.core.coder import CODE_NAMES

    for split in ("train", "test"):
        pairs: dict[str, tuple[list[str], list[str]]] = {
            k: ([], []) for k in ("four", "miti", "qtype", "talk", "darn")
        }

        def add(key: str, ref: str, pred: str, pairs: dict = pairs) -> None:
            pairs[key][0].append(ref)
            pairs[key][1].append(pred)

        transcripts = load_corpus(split)
        for t in transcripts:
            for u, c in zip(t.utterances, code_transcript(t), strict=True):
                if u.speaker == PRACTITIONER:
                    add("four", u.labels["therapist_behaviour"], c.therapist_behaviour or "")
                    add("miti", u.labels["miti_code"], c.code)
                    expected_q = (u.row or {}).get("question_type", "")
                    if u.labels["miti_code"] == "Question" and c.code == "Question":
                        add("qtype", expected_q, c.question_type or "")
                else:
                    add("talk", u.labels["client_talk_type"], c.talk_type or "")
                    darn = u.labels.get("darn_cat")
                    if darn and c.talk_type == u.labels["client_talk_type"] and c.darn_cat:
                        add("darn", darn, c.darn_cat)
        turns = sum(len(t.utterances) for t in transcripts)
        print(f"## {split} split ({len(transcripts)} conversations, {turns} turns)\n")
        four = ("question", "reflection", "therapist_input", "other")
        darn = ("desire", "ability", "reasons", "need", "commitment", "activation", "taking_steps")
        for title, key, labels in (
            ("Practitioner, AnnoMI's four labels", "four", four),
            ("Practitioner, MITI codes", "miti", tuple(CODE_NAMES)),
            ("Open / closed, where both call it a question", "qtype", ("open", "closed")),
            ("Client talk type", "talk", ("change", "neutral", "sustain")),
            ("DARN-CAT kind, where both give the same talk type", "darn", darn),
        ):
            print("\n".join(_table(title, agreement(*pairs[key], labels=labels))))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--utterances", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--synthetic", action="store_true", help="do not use the corpus")
    parser.add_argument("--no-json", action="store_true")
    parser.add_argument(
        "--accuracy", action="store_true", help="print agreement with the corpus instead"
    )
    args = parser.parse_args(argv)
    if args.accuracy:
        return accuracy()

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "session.csv"
        origin = build(source, args.utterances, args.synthetic)
        transcript = read_transcripts(source).transcripts[0]
        n = len(transcript.utterances)
        texts = [u.text for u in transcript.utterances]

        coder_times = _best(lambda: code_transcript(transcript), args.repeats)
        split_times = _best(lambda: [split_sentences(t) for t in texts], args.repeats)

        cli = [sys.executable, "-m", "mi_toolkit", "code", str(source), "--output"]
        base = [sys.executable, "-c", BASELINE_SCRIPT, str(source)]
        _run([*cli, str(Path(tmp) / "warm.csv")])
        _run([*base, str(Path(tmp) / "warm_base.csv")])
        cli_times, base_times = [], []
        for i in range(args.repeats):  # interleaved, so noise hits both sides
            cli_times.append(_run([*cli, str(Path(tmp) / f"out{i}.csv")]))
            base_times.append(_run([*base, str(Path(tmp) / f"base{i}.csv")]))

    rows = [
        ("in-process, utterances/s (best)", n / min(coder_times), n / min(split_times)),
        ("in-process, ms per 10k (best)", min(coder_times) * 1e3, min(split_times) * 1e3),
        ("CLI end to end, s (best)", min(cli_times), min(base_times)),
        ("CLI end to end, s (median)", statistics.median(cli_times), statistics.median(base_times)),
    ]
    print(f"{n} utterances ({origin}), best of {args.repeats}")
    print(f"{'metric':<36}{'coder':>14}{'baseline':>14}{'ratio':>9}")
    print("-" * 73)
    for name, ours, theirs in rows:
        print(f"{name:<36}{ours:>14.3f}{theirs:>14.3f}{ours / theirs:>9.2f}")
    print("baselines: in-process = split_sentences only; CLI = python -c csv read + write")
    reference = min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6
    print(f"machine reference: sum(range(1000)) takes {reference:.1f} us on this machine")

    if not args.no_json:
        results = ROOT / "benchmarks" / "results"
        results.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        record = {
            "utterances": n,
            "origin": origin,
            "repeats": args.repeats,
            "coder_s": coder_times,
            "split_only_s": split_times,
            "cli_s": cli_times,
            "csv_round_trip_s": base_times,
            "sum_range_1000_us": reference,
            "python": platform.python_version(),
            "machine": platform.machine(),
        }
        out = results / f"coder-{stamp}.json"
        out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        print(f"written: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
