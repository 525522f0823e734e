"""Benchmark: how fast the MI coder codes a 10,000-utterance transcript.

Two transcripts of ``--utterances`` turns (default 10,000, practitioner and client
alternating) are written as AnnoMI-format CSV files:

- **corpus**: the utterances of the packaged corpus
  (``mi_toolkit/content/corpus/mi_corpus.csv``) recombined with a stride, so the
  same few hundred texts come round again and again;
- **distinct**: sentences made by a small seeded grammar (:func:`distinct_turns`,
  fixed seed), every one of the turns different from every other and from the
  corpus. This is the figure for text the coder has not seen: nothing is looked up
  by text anywhere in the coder, and this transcript shows it.

What is measured, for each transcript:

(a) In-process throughput. The CSV is parsed once; then ``code_transcript`` codes
    every turn, ``time.perf_counter`` around the coding only. The first pass is
    timed on its own (``first pass``: it also compiles, on first use, the cue
    patterns that this text needs); then ``--repeats`` timed passes, reported as
    best and median. Baseline: one pass over the same turns that only splits each
    into sentences (``split_sentences``), the least any coder must do.

(b) CLI end to end: ``python -m mi_toolkit code FILE --output OUT.csv`` in a fresh
    subprocess (interpreter start-up, imports, reading, coding, MITI summaries and
    writing the output CSV). Baseline: a fresh ``python -c`` subprocess that reads
    the same CSV with the ``csv`` module and writes it back out. Wall-clock, best
    and median of ``--repeats`` runs, interleaved with the baseline, after one
    warm-up run of each.

Why ratios: on a shared, noisy machine absolute times move from run to run; both
sides of a ratio are measured in the same run, interleaved, so the ratio is the
number to compare between runs. The absolute values are printed too, with the load
average before and after (``os.getloadavg``) and a machine-speed reference
(``sum(range(1000))``, best of 5).

Results are printed as a table and written as JSON to
``benchmarks/results/coder-<timestamp>.json`` (git-ignored) unless ``--no-json``.

``--accuracy`` instead prints the coder's agreement with the labelled corpus, for
the train and the test split separately, as the Markdown tables in
``docs/coder_accuracy.md``; ``--accuracy --split train`` prints only one split.

Run from the checkout: ``.venv/bin/python benchmarks/bench_coder.py``
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
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
BASELINE_SCRIPT = (
    "import csv, sys\n"
    "with open(sys.argv[1], encoding='utf-8', newline='') as f:\n"
    "    rows = list(csv.reader(f))\n"
    "with open(sys.argv[2], 'w', encoding='utf-8', newline='') as f:\n"
    "    csv.writer(f).writerows(rows)\n"
)

# A small grammar for practice-session talk, written for this benchmark. Each slot
# has enough fillers that 10,000 turns can all differ; the turns cover what the
# coder looks for (questions, reflections, advice, information, affirmations,
# change and sustain talk) and plenty it does not.
_SLOTS = {
    "lead": ["", "So ", "Okay, so ", "Right, ", "And ", "Well, ", "Mm, ", "Now, "],
    "habit": [
        "drinking",
        "smoking",
        "vaping",
        "gambling online",
        "snacking late at night",
        "skipping breakfast",
        "scrolling in bed",
        "having a beer after work",
        "buying takeaways",
        "missing your tablets",
        "staying up late",
        "betting on football",
    ],
    "act": [
        "walk to work",
        "cut down to weekends",
        "stop after two drinks",
        "go to the gym",
        "cook at home",
        "take the tablets every morning",
        "switch to decaf",
        "put the phone away at ten",
        "set a weekly limit",
        "call the helpline",
        "join a running club",
        "swap the wine for sparkling water",
        "see the nurse",
        "try the nicotine patches",
        "keep a diary of what I spend",
    ],
    "feel": [
        "worried",
        "fed up",
        "torn",
        "stuck",
        "frustrated",
        "hopeful",
        "tired",
        "embarrassed",
        "anxious",
        "relieved",
        "proud",
        "unsure",
        "annoyed",
        "guilty",
    ],
    "who": [
        "my wife",
        "my husband",
        "my partner",
        "my sister",
        "my brother",
        "my mum",
        "my dad",
        "my son",
        "my daughter",
        "my boss",
        "my best mate",
        "the doctor",
        "my flatmate",
        "my neighbour",
        "my coach",
    ],
    "when": [
        "on Fridays",
        "after work",
        "at the weekend",
        "in the mornings",
        "most evenings",
        "since Christmas",
        "this month",
        "last summer",
        "every night",
        "on payday",
        "before bed",
        "at lunchtime",
        "over the holidays",
        "when I'm stressed",
        "on the way home",
    ],
    "thing": [
        "my knees",
        "my sleep",
        "my blood pressure",
        "the money",
        "my job",
        "the kids",
        "my weight",
        "my breathing",
        "my mood",
        "our holidays",
        "my sugar levels",
        "the mortgage",
        "my skin",
        "my memory",
        "my back",
    ],
    "num": [
        "two",
        "three",
        "four",
        "five",
        "six",
        "ten",
        "twelve",
        "fourteen",
        "twenty",
        "thirty",
    ],
    "unit": ["units", "cigarettes", "pounds", "hours", "minutes", "days", "drinks", "times"],
    "per": ["a day", "a week", "a month", "a night", "each weekend"],
    "reason": [
        "it helps me relax",
        "everyone at work does it",
        "it's the only break I get",
        "I've tried before",
        "I don't have the time",
        "I'd miss it",
        "it calms me down",
        "my friends would think I'm boring",
        "I'm not sure it's worth it",
    ],
}
_PRACTITIONER = [
    "{lead}what happens {when} when you start {habit}?",
    "{lead}how many {unit} would you say, {per}?",
    "{lead}you're {feel} about {thing}, and {habit} {when} is part of it.",
    "{lead}it sounds like {who} has noticed the {habit} {when}.",
    "{lead}part of you wants to {act}, and part of you is {feel} about giving it up.",
    "Some people find it helps to {act} {when}.",
    "You could {act} {when} and see how it goes.",
    "The guideline is {num} {unit} {per}, spread over a few days.",
    "Would it be okay if I shared what we know about {habit} and {thing}?",
    "You've already managed to {act} {when}, which took real effort.",
    "It's your decision whether to {act} {when}.",
    "Tell me more about {habit} {when}.",
    "What would it mean for {thing} if you could {act}?",
    "{lead}you'd like to {act}, but {reason}.",
    "You should {act} before it affects {thing}.",
    "{habit} {when} can raise the risk for {thing}.",
    "{lead}{thing} has been on your mind {when}.",
    "Hi, thanks for coming in {when}. How has {thing} been?",
]
_CLIENT = [
    "I want to {act} {when}.",
    "I don't want to give up {habit} completely, but I could {act}.",
    "I can't see myself managing to {act} {when}.",
    "I'm going to {act} {when}, starting Monday.",
    "{who} thinks I should {act}, but {reason}.",
    "Honestly, {reason}.",
    "I haven't been {habit} {when}, and {thing} feels better.",
    "I'm {feel} about {thing}, to be honest.",
    "{who} came round {when} and we talked about {thing}.",
    "It's not that bad, {reason}.",
    "I need to do something about {thing} before it gets worse.",
    "I used to {act} {when}, back before the new job.",
    "Maybe {num} {unit} {per}, give or take.",
    "I don't know, {habit} is just what I do {when}.",
    "I'd feel less {feel} if I could {act}.",
    "Yeah, {who} said the same thing about {thing}.",
]


def distinct_turns(n: int, seed: int = 2024) -> list[tuple[str, str]]:
    """``n`` turns ``(interlocutor, text)``, alternating therapist and client, no two
    texts alike, made from the grammar above with a fixed seed."""
    rng = random.Random(seed)
    seen: set[str] = set()
    turns: list[tuple[str, str]] = []

    def sentence(who: str) -> str:
        template = rng.choice(_PRACTITIONER if who == "therapist" else _CLIENT)
        values = {k: rng.choice(v) for k, v in _SLOTS.items()}
        if who == "therapist":  # "my knees" is "your knees" when the practitioner says it
            values = {k: v.replace("my ", "your ") for k, v in values.items()}
        text = template.format(**values)
        return text[0].upper() + text[1:]

    while len(turns) < n:
        who = "therapist" if len(turns) % 2 == 0 else "client"
        text = sentence(who)
        if rng.random() < 0.35:  # a second sentence now and then
            text = f"{text} {sentence(who)}"
        if text not in seen:
            seen.add(text)
            turns.append((who, text))
    return turns


def corpus_turns(n: int) -> list[tuple[str, str]]:
    """``n`` turns recombined from the corpus, with a stride so that neighbouring
    turns do not repeat the corpus order."""
    pool: dict[str, list[str]] = {"therapist": [], "client": []}
    for u in read_transcripts(ROOT / "mi_toolkit" / "content" / CORPUS).utterances:
        pool[u.interlocutor].append(u.text)
    turns = []
    for i in range(n):
        who = "therapist" if i % 2 == 0 else "client"
        texts = pool[who]
        turns.append((who, texts[(i * 7) % len(texts)]))
    return turns


def write(path: Path, turns: list[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i, (who, text) in enumerate(turns):
            writer.writerow(["1", str(i), who, text])


def _timed(fn, repeats: int) -> tuple[float, list[float]]:
    """The first call's time, then ``repeats`` more."""
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return first, times


def _run(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, cwd=ROOT, timeout=120)
    return time.perf_counter() - start


def measure(source: Path, tmp: Path, repeats: int) -> dict:
    """In-process and CLI figures for one transcript file."""
    transcript = read_transcripts(source).transcripts[0]
    texts = [u.text for u in transcript.utterances]
    first, coder = _timed(lambda: code_transcript(transcript), repeats)
    _, split = _timed(lambda: [split_sentences(t) for t in texts], repeats)
    cli = [sys.executable, "-m", "mi_toolkit", "code", str(source), "--output"]
    base = [sys.executable, "-c", BASELINE_SCRIPT, str(source)]
    _run([*cli, str(tmp / "warm.csv")])
    _run([*base, str(tmp / "warm_base.csv")])
    cli_times, base_times = [], []
    for i in range(repeats):  # interleaved, so noise hits both sides
        cli_times.append(_run([*cli, str(tmp / f"out{i}.csv")]))
        base_times.append(_run([*base, str(tmp / f"base{i}.csv")]))
    return {
        "utterances": len(texts),
        "distinct_texts": len(set(texts)),
        "first_pass_s": first,
        "coder_s": coder,
        "split_only_s": split,
        "cli_s": cli_times,
        "csv_round_trip_s": base_times,
    }


def _rows(r: dict) -> list[tuple[str, float, float]]:
    n = r["utterances"]
    coder, split = r["coder_s"], r["split_only_s"]
    return [
        ("in-process, utterances/s (best)", n / min(coder), n / min(split)),
        ("in-process, utterances/s (median)", n / statistics.median(coder), n / min(split)),
        ("in-process, first pass, utterances/s", n / r["first_pass_s"], n / min(split)),
        ("CLI end to end, s (best)", min(r["cli_s"]), min(r["csv_round_trip_s"])),
        (
            "CLI end to end, s (median)",
            statistics.median(r["cli_s"]),
            statistics.median(r["csv_round_trip_s"]),
        ),
    ]


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


def _confusion(title: str, labels: tuple[str, ...], ref: list[str], pred: list[str]) -> str:
    width = max(len(x) for x in labels) + 2
    lines = [f"{title:<24}" + "".join(f"{x:>{width}}" for x in labels)]
    for r in labels:
        row = [sum(1 for a, b in zip(ref, pred, strict=True) if a == r and b == c) for c in labels]
        lines.append(f"{r:<24}" + "".join(f"{v:>{width}}" for v in row))
    return "\n".join(lines)


def accuracy(splits: tuple[str, ...] = ("train", "test")) -> int:
    """Agreement with the corpus labels, per split, as Markdown."""
    from mi_toolkit.core.coder import CODE_NAMES

    four = ("question", "reflection", "therapist_input", "other")
    talk = ("change", "neutral", "sustain")
    for split in splits:
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
        print("```")
        print(_confusion("expert \\ coder", four, *pairs["four"]))
        print(_confusion("expert \\ coder", talk, *pairs["talk"]))
        print("```\n")
        darn = ("desire", "ability", "reasons", "need", "commitment", "activation", "taking_steps")
        for title, key, labels in (
            ("Practitioner, AnnoMI's four labels", "four", four),
            ("Practitioner, MITI codes", "miti", tuple(CODE_NAMES)),
            ("Open / closed, where both call it a question", "qtype", ("open", "closed")),
            ("Client talk type", "talk", talk),
            ("DARN-CAT kind, where both give the same talk type", "darn", darn),
        ):
            print("\n".join(_table(title, agreement(*pairs[key], labels=labels))))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--utterances", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-json", action="store_true")
    parser.add_argument(
        "--accuracy", action="store_true", help="print agreement with the corpus instead"
    )
    parser.add_argument(
        "--split", choices=("train", "test"), help="with --accuracy: only this split"
    )
    args = parser.parse_args(argv)
    if args.accuracy:
        return accuracy((args.split,) if args.split else ("train", "test"))

    load_before = os.getloadavg()
    results = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        sources = {"distinct": distinct_turns(args.utterances)}
        if (ROOT / "mi_toolkit" / "content" / CORPUS).exists():
            sources = {"corpus": corpus_turns(args.utterances), **sources}
        for name, turns in sources.items():
            path = tmp / f"{name}.csv"
            write(path, turns)
            results[name] = measure(path, tmp, args.repeats)
    load_after = os.getloadavg()

    for name, r in results.items():
        what = (
            "recombined corpus utterances"
            if name == "corpus"
            else "distinct sentences from a seeded grammar"
        )
        print(
            f"\n{name}: {r['utterances']} utterances ({what}; {r['distinct_texts']} distinct "
            f"texts), {args.repeats} timed runs"
        )
        print(f"{'metric':<40}{'coder':>12}{'baseline':>12}{'ratio':>9}")
        print("-" * 73)
        for label, ours, theirs in _rows(r):
            print(f"{label:<40}{ours:>12.3f}{theirs:>12.3f}{ours / theirs:>9.2f}")
    print("\nbaselines: in-process = split_sentences only; CLI = python -c csv read + write")
    reference = min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6
    print(f"machine reference: sum(range(1000)) takes {reference:.1f} us on this machine")
    print(
        "load average (1, 5, 15 min): before "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; after "
        + ", ".join(f"{x:.2f}" for x in load_after)
        + f"; {os.cpu_count()} CPUs"
    )

    if not args.no_json:
        out_dir = ROOT / "benchmarks" / "results"
        out_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        record = {
            "repeats": args.repeats,
            "results": results,
            "sum_range_1000_us": reference,
            "loadavg_before": load_before,
            "loadavg_after": load_after,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "machine": platform.machine(),
        }
        out = out_dir / f"coder-{stamp}.json"
        out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        print(f"written: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
