#!/usr/bin/python3
"""tools/markup-args-lint.py — markup passed where html_printf escapes.

html_printf (src/web/html.h) escapes every %s argument: markup given as an
argument (« i ? ", " : "<p>Derniers passages : " ») reaches the page as text
(« &lt;p&gt; »). This finds, in every html_printf / html_vprintf call of the
given C files, a string literal among the arguments after the format that
holds « < » or « & ». Prints each and ends with one line
"N passed, N failed" (one check per call); exits 1 when one is found.

  tools/markup-args-lint.py src/**/*.c
"""
import re
import sys

CALL = re.compile(r"\bhtml_v?printf\s*\(")


def skip_literal(s, i):
    """s[i] is a quote: the index after the literal."""
    q = s[i]
    i += 1
    while i < len(s) and s[i] != q:
        i += 2 if s[i] == "\\" else 1
    return i + 1


def call_args(s, i):
    """s[i] follows the call's « ( »: its top-level arguments, and the end."""
    args, depth, start = [], 0, i
    while i < len(s):
        c = s[i]
        if c in "\"'":
            i = skip_literal(s, i)
            continue
        if s.startswith("/*", i):
            i = s.find("*/", i) + 2
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                args.append(s[start:i])
                return args, i
            depth -= 1
        elif c == "," and depth == 0:
            args.append(s[start:i])
            start = i + 1
        i += 1
    return args, i


def literals(text):
    i, out = 0, []
    while i < len(text):
        if text[i] == '"':
            j = skip_literal(text, i)
            out.append(text[i + 1:j - 1])
            i = j
        elif text[i] == "'":
            i = skip_literal(text, i)
        else:
            i += 1
    return out


def main(paths):
    passed = failed = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            s = f.read()
        for m in CALL.finditer(s):
            if s[:m.start()].rstrip().endswith("void"):
                continue  # the declaration
            args, _ = call_args(s, m.end())
            bad = [lit for a in args[2:] for lit in literals(a) if "<" in lit or "&" in lit]
            if bad:
                failed += 1
                line = s.count("\n", 0, m.start()) + 1
                print("ÉCHEC %s:%d: balisage passé en argument (échappé par html_printf) : %s" % (path, line, bad[0][:80]))
            else:
                passed += 1
    print("markup-args-lint: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
