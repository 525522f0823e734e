"""Agreement between two codings of the same turns: accuracy, per-class precision,
recall and F1, macro-F1 and a confusion table.

A learner uses it to compare their coding (or the automatic coder's) with an
expert's. Rows of the confusion table are the reference (expert), columns the
other coder.

Example::

    >>> a = agreement(["question", "reflection", "other"], ["question", "other", "other"],
    ...               labels=("question", "reflection", "other"))
    >>> round(a.accuracy, 2), a.confusion["reflection"]["other"]
    (0.67, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Agreement", "agreement"]


@dataclass(frozen=True)
class Agreement:
    """How far a coder agrees with a reference coding over ``n`` turns.

    Example::

        >>> a = agreement(["change", "neutral"], ["change", "change"],
        ...               labels=("change", "neutral", "sustain"))
        >>> a.accuracy, a.per_class["change"]["precision"], a.per_class["sustain"]["f1"]
        (0.5, 0.5, None)
    """

    labels: tuple[str, ...]
    n: int
    accuracy: float | None
    macro_f1: float | None
    per_class: dict[str, dict[str, Any]]
    confusion: dict[str, dict[str, int]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "labels": list(self.labels),
            "n": self.n,
            "accuracy": _round(self.accuracy),
            "macro_f1": _round(self.macro_f1),
            "per_class": {
                k: {m: _round(v) if isinstance(v, float) else v for m, v in d.items()}
                for k, d in self.per_class.items()
            },
            "confusion": {k: dict(v) for k, v in self.confusion.items()},
        }

    def table(self) -> str:
        """The confusion table as fixed-width text (rows: expert, columns: coder)."""
        width = max([len("expert \\ coder"), *(len(x) for x in self.labels)]) + 2
        lines = ["expert \\ coder".ljust(width) + "".join(x.rjust(width) for x in self.labels)]
        for row in self.labels:
            counts = self.confusion[row]
            lines.append(
                row.ljust(width) + "".join(str(counts[c]).rjust(width) for c in self.labels)
            )
        return "\n".join(lines)


def agreement(
    reference: Sequence[str], predicted: Sequence[str], *, labels: Sequence[str]
) -> Agreement:
    """Compare ``predicted`` with ``reference`` (same length, same order).

    Classes that neither side ever used are left out of macro-F1, so a transcript
    without sustain talk is not scored on it. No data gives ``None`` figures, not 0.
    """
    if len(reference) != len(predicted):
        raise ValueError(f"{len(reference)} reference labels but {len(predicted)} predictions")
    names = tuple(labels)
    extra = sorted((set(reference) | set(predicted)) - set(names))
    if extra:
        raise ValueError(f"label {extra[0]!r} is not one of {', '.join(names)}")
    confusion = {r: dict.fromkeys(names, 0) for r in names}
    for ref, pred in zip(reference, predicted, strict=True):
        confusion[ref][pred] += 1
    n = len(reference)
    per_class: dict[str, dict[str, Any]] = {}
    f1s = []
    for label in names:
        tp = confusion[label][label]
        support = sum(confusion[label].values())
        called = sum(confusion[r][label] for r in names)
        precision = tp / called if called else None
        recall = tp / support if support else None
        f1 = None
        if support or called:
            p, r = precision or 0.0, recall or 0.0
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            f1s.append(f1)
        per_class[label] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": support,
            "predicted": called,
        }
    correct = sum(confusion[x][x] for x in names)
    return Agreement(
        labels=names,
        n=n,
        accuracy=correct / n if n else None,
        macro_f1=sum(f1s) / len(f1s) if f1s else None,
        per_class=per_class,
        confusion=confusion,
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
