"""The hand-in report: one self-contained HTML page, or Markdown; learner text always escaped."""

from __future__ import annotations

import base64
import html
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from mi_toolkit.core.journal import Entry
from mi_toolkit.core.ruler import RulerState, describe_history
from mi_toolkit.report import build_sections, lesson_title, to_html, to_markdown

T0 = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
LESSON = "01_readiness_rulers"
EVIL = "<script>alert('x')</script><img src=x onerror=alert(1)> & \"q\""
EVIL_CHANGE = "a | b <i>c</i> `d` *e*"


def _ruler(change: str = "walk to work", records: int = 2) -> dict:
    state = RulerState(change=change).rate("importance", 6).rate("confidence", 3)
    for i in range(records):
        state = state.rate("readiness", i).record(T0)
    return state.to_dict()


def _entry(state: dict, *, learner: str = "ana", lesson: str = LESSON, activity: str = "practice"):
    return Entry(learner, lesson, activity, state, "2024-03-01T09:30:00.000+00:00")


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


FAKE_PNG = b"\x89PNG\r\n\x1a\n fake"


@pytest.fixture
def fast_png(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip drawing charts where the chart is not what the test is about."""
    import mi_toolkit.plots

    monkeypatch.setattr(mi_toolkit.plots, "ruler_history_png", lambda history: FAKE_PNG)


ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "section", "p",
    "table", "caption", "thead", "tbody", "tr", "th", "td", "img",
}  # fmt: skip


# ---------------------------------------------------------------- HTML


def test_html_is_one_self_contained_page(fast_png):
    page = to_html([_entry(_ruler())], "ana")
    assert page.startswith("<!DOCTYPE html>")
    for outside in ("http://", "https://", "<script", "<link", "@import", "url(", "//cdn"):
        assert outside not in page.lower()
    parsed = _parse(page)
    assert {tag for tag, _ in parsed.tags} <= ALLOWED_TAGS
    for tag, attrs in parsed.tags:
        for name in ("src", "href"):
            if name in attrs:
                assert attrs[name].startswith("data:image/png;base64,"), (tag, attrs)
    assert ("meta", {"charset": "utf-8"}) in parsed.tags
    assert ("html", {"lang": "en"}) in parsed.tags


def test_html_embeds_the_history_chart_as_png_with_alt_text():
    state = _ruler(records=3)
    page = to_html([_entry(state)], "ana")
    images = [attrs for tag, attrs in _parse(page).tags if tag == "img"]
    assert len(images) == 1
    png = base64.b64decode(images[0]["src"].removeprefix("data:image/png;base64,"))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    alt = images[0]["alt"]
    assert alt and alt.strip()
    assert alt == describe_history(RulerState.from_dict(state).history)


def test_html_without_history_has_no_chart():
    page = to_html([_entry(_ruler(records=0))], "ana")
    assert "<img" not in page
    assert "walk to work" in page


def test_html_shows_the_ratings_and_history(fast_png):
    text = " ".join(_parse(to_html([_entry(_ruler())], "ana")).text)
    assert "Readiness rulers: practice" in text
    assert "Change: walk to work" in text
    assert "Current ratings (0-10)" in text
    assert "Recorded ratings" in text
    assert "2024-03-01T09:30:00+00:00" in text
    assert "Last saved: 2024-03-01T09:30:00.000+00:00" in text


def test_html_escapes_learner_text_everywhere(fast_png):
    entries = [
        _entry(_ruler(change=EVIL), learner=EVIL, lesson=f"02_{EVIL}", activity=EVIL),
        _entry({"schema_version": 1, "kind": EVIL}, learner=EVIL, activity="other"),
    ]
    page = to_html(entries, EVIL)
    assert "<script" not in page
    assert "<img src=x" not in page
    assert "<i>" not in page
    parsed = _parse(page)
    assert {tag for tag, _ in parsed.tags} <= ALLOWED_TAGS
    assert all(not name.startswith("on") for _, attrs in parsed.tags for name in attrs)
    text = "".join(parsed.text)
    assert f"MI practice: work of {EVIL}" in text  # title and heading, as text
    assert text.count(EVIL) >= 5  # title, h1, section title, change, history row, kind
    assert html.escape(EVIL) in page


def test_html_with_no_entries_says_so():
    page = to_html([], "ana")
    assert "No saved work yet." in page
    assert "<section>" not in page


# ---------------------------------------------------------------- Markdown


def _table_rows(markdown: str) -> list[list[str]]:
    """Markdown table rows split on unescaped pipes (outer pipes dropped)."""
    rows = []
    for line in markdown.splitlines():
        if line.startswith("|"):
            rows.append(re.split(r"(?<!\\)\|", line)[1:-1])
    return rows


def test_markdown_escapes_html(fast_png):
    text = to_markdown([_entry(_ruler(change=EVIL), activity=EVIL)], EVIL)
    assert "<script" not in text
    assert "<img" not in text
    assert "&lt;script&gt;" in text
    assert text.startswith("# MI practice: work of &lt;script&gt;")


def test_markdown_escapes_pipes_so_tables_keep_their_columns(fast_png):
    text = to_markdown([_entry(_ruler(change=EVIL_CHANGE, records=2))], "a|b")
    rows = _table_rows(text)
    assert rows, text
    header_widths = {len(r) for r in rows}
    assert header_widths == {3, 6}  # current ratings, recorded ratings
    history = [r for r in rows if len(r) == 6 and r[0].strip().isdigit()]
    assert len(history) == 2
    assert all(r[2].strip() == r"a \| b &lt;i&gt;c&lt;/i&gt; \`d\` \*e\*" for r in history)
    assert text.splitlines()[0] == r"# MI practice: work of a\|b"


def test_markdown_embeds_the_chart_as_a_png_data_uri():
    text = to_markdown([_entry(_ruler(records=2))], "ana")
    [image] = re.findall(
        r"!\[([^\]]*(?:\\\][^\]]*)*)\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", text
    )
    alt, data = image
    assert alt.strip()
    assert base64.b64decode(data).startswith(b"\x89PNG")
    assert "http" not in text


def test_markdown_with_no_entries_says_so():
    assert "No saved work yet." in to_markdown([], "ana")


# ---------------------------------------------------------------- what cannot be shown

BAD_STATES = {
    "unknown kind": {"schema_version": 1, "kind": "role_play"},
    "no kind": {"schema_version": 1},
    "kind not text": {"schema_version": 1, "kind": ["readiness_ruler"]},
    "newer ruler": {**_ruler(), "schema_version": 99},
    "rating out of range": {**_ruler(), "ratings": {"importance": 42}},
    "ratings not an object": {**_ruler(), "ratings": [1, 2, 3]},
    "history not a list": {**_ruler(), "history": "yesterday"},
    "history record not an object": {**_ruler(), "history": [None]},
    "history record bad time": {
        **_ruler(),
        "history": [{"taken_at": "soon", "change": "", "ratings": {}}],
    },
}


@pytest.mark.parametrize("case", sorted(BAD_STATES))
def test_an_activity_that_cannot_be_shown_gets_a_readable_paragraph(case: str, fast_png):
    entries = [
        _entry(BAD_STATES[case], activity="broken"),
        _entry(_ruler(), activity="fine"),
    ]
    sections = build_sections(entries)
    assert [s.title for s in sections] == ["Readiness rulers: broken", "Readiness rulers: fine"]
    first = sections[0].blocks
    # a kind with no layout also lists what was saved; a bad state of a known kind does not
    no_layout = case in ("unknown kind", "no kind", "kind not text")
    assert len(first) == (3 if no_layout else 2)
    assert first[0].text.startswith("This activity could not be shown in full (")
    if no_layout:
        assert first[1].caption == "What was saved"
    assert first[-1].text.startswith("Last saved:")
    page = to_html(entries, "ana")
    markdown = to_markdown(entries, "ana")
    for text in (page, markdown):
        assert "could not be shown in full" in text
        assert text.count("could not be shown") == 1  # the good activity is shown
    assert "Change: walk to work" in page


def test_unknown_kind_is_named_in_the_paragraph():
    [section] = build_sections([_entry({"schema_version": 1, "kind": "<role_play>"})])
    assert "'<role_play>'" in section.blocks[0].text
    assert "&lt;role_play&gt;" in to_html([_entry({"kind": "<role_play>"})], "ana")


# ---------------------------------------------------------------- titles and order


@pytest.mark.parametrize(
    ("lesson", "title"),
    [
        ("01_readiness_rulers", "Readiness rulers"),
        ("2-open-questions", "Open questions"),
        ("reflections", "Reflections"),
        ("07", "07"),
    ],
)
def test_lesson_title(lesson: str, title: str):
    assert lesson_title(lesson) == title


def test_sections_follow_lesson_then_activity_order(fast_png):
    entries = [
        _entry(_ruler(), lesson="02_b", activity="x"),
        _entry(_ruler(), lesson="01_a", activity="z"),
        _entry(_ruler(), lesson="01_a", activity="y"),
    ]
    assert [s.title for s in build_sections(entries)] == ["A: y", "A: z", "B: x"]
