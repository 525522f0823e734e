"""The ``mi-toolkit`` command. Thin: it parses arguments and hands off.

``mi-toolkit code`` is timed end to end (``benchmarks/bench_coder.py``), so for it
only its own module is imported: the other commands' modules (and what they import)
are loaded only when one of them, or the top-level help, is asked for.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mi_toolkit import __version__, code_command

__all__ = ["main"]

# The sub-command list as the full parser shows it in its usage line.
_COMMANDS = "{serve,code,export,import,student-copy}"


def _parser(*, code_only: bool = False) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mi-toolkit", description="Teach Motivational Interviewing with Jupyter."
    )
    parser.add_argument("--version", action="version", version=f"mi-toolkit {__version__}")
    if code_only:
        sub = parser.add_subparsers(dest="command", required=True, metavar=_COMMANDS)
        code_command.add_parser(sub)
        return parser
    from mi_toolkit import export_command, student_copy
    from mi_toolkit import serve as _serve

    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser(
        "serve",
        help="serve the lessons in Voila",
        description="Serve the lessons in Voila (sources hidden, idle kernels culled). "
        "A voila.json in the current folder overrides the defaults.",
    )
    serve.add_argument("--root", type=Path, default=Path("notebooks"), help="lesson folder")
    serve.add_argument("--port", type=int, default=_serve.DEFAULT_PORT)
    serve.add_argument(
        "--ip",
        default=_serve.DEFAULT_IP,
        help="address to listen on (default 127.0.0.1; use 0.0.0.0 to serve a room)",
    )
    serve.add_argument(
        "--cull-idle-timeout",
        type=int,
        default=None,
        metavar="SECONDS",
        help=f"stop kernels whose page is gone after this long idle "
        f"(default {_serve.DEFAULT_CULL_IDLE_TIMEOUT})",
    )
    serve.add_argument(
        "--cull-interval",
        type=int,
        default=None,
        metavar="SECONDS",
        help=f"how often to look for idle kernels (default {_serve.DEFAULT_CULL_INTERVAL})",
    )
    serve.add_argument(
        "--pool-size",
        type=int,
        default=None,
        metavar="N",
        help=f"kernels kept started and ready for each notebook, so a page opens sooner "
        f"(default {_serve.DEFAULT_POOL_SIZE}; 0 turns the pool off)",
    )
    serve.add_argument("--open", action="store_true", help="open a browser tab")
    code_command.add_parser(sub)
    export_command.add_parsers(sub)
    student_copy.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    args = _parser(code_only=words[:1] == ["code"]).parse_args(argv)
    if args.command == "code":
        return code_command.run(args)
    from mi_toolkit import export_command, student_copy
    from mi_toolkit import serve as _serve

    if args.command == "export":
        return export_command.run_export(args)
    if args.command == "import":
        return export_command.run_import(args)
    if args.command == "student-copy":
        return student_copy.run(args)
    if args.command == "serve":
        options = _serve.ServeOptions(
            root=args.root,
            port=args.port,
            ip=args.ip,
            cull_idle_timeout=args.cull_idle_timeout,
            cull_interval=args.cull_interval,
            pool_size=args.pool_size,
            open_browser=args.open,
        )
        try:
            return _serve.run(options)
        except FileNotFoundError as exc:
            print(f"mi-toolkit serve: {exc}", file=sys.stderr)
            return 2
    return 2  # pragma: no cover - argparse enforces a command
