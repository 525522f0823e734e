"""``/`` on ``mi-toolkit serve``: the course start page, with Voila's file list kept."""

from __future__ import annotations

import http.client
import shutil
import sys

import pytest

from mi_toolkit.serve import START_PAGE, without_cdn_links
from tests.browser.conftest import NOTEBOOKS, VoilaServer


@pytest.fixture(scope="module")
def course_server(tmp_path_factory: pytest.TempPathFactory):
    if not sys.platform.startswith("linux"):
        pytest.skip("the browser suite reads kernel processes from /proc (Linux only)")
    root = tmp_path_factory.mktemp("course-root")
    shutil.copy(NOTEBOOKS / START_PAGE, root / START_PAGE)
    server = VoilaServer(root, tmp_path_factory.mktemp("course"))
    try:
        yield server
    finally:
        server.stop()


def _get(server: VoilaServer, path: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def test_root_redirects_to_the_start_page_and_keeps_the_learner(course_server) -> None:
    response = _get(course_server, "/?learner=ana")
    assert response.status == 302
    assert response.getheader("Location") == f"/voila/render/{START_PAGE}?learner=ana"
    assert _get(course_server, "/").getheader("Location") == f"/voila/render/{START_PAGE}"
    assert course_server.kernel_pids() == set()  # the redirect itself starts nothing


def test_voila_file_list_is_still_at_voila_tree(course_server) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", course_server.port, timeout=30)
    conn.request("GET", "/voila/tree")
    response = conn.getresponse()
    body = response.read().decode("utf-8", errors="replace")
    conn.close()
    assert response.status == 200
    assert "voila-tree-main" in body  # the list itself is filled in by the page's script


def test_a_page_asks_nothing_of_any_other_host(course_server, page) -> None:
    # Voila's template links Font Awesome from a CDN; serve takes the links out.
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(course_server.url + "/?learner=offline")
    page.locator(".mi-course").first.wait_for(state="visible")
    assert "/voila/render/" + START_PAGE in page.url
    local = f"http://127.0.0.1:{course_server.port}/"
    elsewhere = [u for u in requested if not u.startswith((local, "data:", "blob:"))]
    assert requested and elsewhere == [], elsewhere
    assert "cdn.jsdelivr.net" not in page.content()


def test_only_the_cdn_links_are_taken_out() -> None:
    head = (
        "<style>a{}</style>\n"
        '  <link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/@fortawesome/'
        'fontawesome-free@^5/css/all.min.css" type="text/css" />\n'
        '  <link rel="stylesheet" href="static/voila.css" type="text/css" />\n</head>'
    )
    assert without_cdn_links(head) == (
        '<style>a{}</style>\n  <link rel="stylesheet" href="static/voila.css" '
        'type="text/css" />\n</head>'
    )
