"""Compiles a template against data in a process of its own (see templates.validate).

Reads ``{"source": …, "data": …}`` on standard input and writes ``{"ok": true}`` or
``{"ok": false, "message": …, "diagnostic": …}``; the one argument is the folder the
templates see (the shared helpers and the logo). Imports nothing of the server: it starts fast.
"""

from __future__ import annotations

import json
import sys

import typst


def main() -> None:
    request = json.loads(sys.stdin.buffer.read())
    compiler = typst.Compiler(root=sys.argv[1], ignore_system_fonts=True)
    inputs = {"data": json.dumps(request["data"], ensure_ascii=False)}
    try:
        compiler.compile(input=request["source"].encode(), format="pdf", sys_inputs=inputs)
    except typst.TypstError as error:
        answer = {
            "ok": False,
            "message": error.message,
            "diagnostic": getattr(error, "diagnostic", ""),
        }
    else:
        answer = {"ok": True}
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    main()
