#!/usr/bin/env python3
"""Every section the code and docs cite exists in docs/, and nothing cites a document outside the
repository. A citation is `<name>.md §X` (a heading starting `§X` in docs/<name>.md) or
`reliability.md #N` (a heading starting `#N`); several sections may follow one name
(`pob.md §5.3, §7`), also on the following lines of the same comment block. In a Markdown file
a bare `§X` means the file itself. `RFC n §x` is left alone.
Usage: check-citations.py [tree]  (exit 1 listing every bad citation)."""
import os
import re
import sys

OUTSIDE = re.compile(r"\b(DESIGN|RELIABILITY|CONVENTIONS|IOST_COMPAT)(\.md)?\b")
TOKEN = re.compile(r"(?P<doc>(?<![\w./-])[\w./-]*?[\w-]+\.md\b)|(?P<rfc>\bRFC ?\d+)|§ ?(?P<sec>[0-9A-Z][0-9A-Za-z.]*)"
                   r"|(?<![\w&])#(?P<num>\d+)\b")
SKIP_DIRS = {"node_modules", "corpus", "build", ".git"}
SUFFIXES = (".h", ".cpp", ".txt", ".sh", ".py", ".js", ".md", ".yml", ".yaml", ".html", ".css")


def headings(path):
    ids = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"#+\s+(§[0-9A-Z][0-9A-Za-z.]*|#\d+)(\s|$)", line)
            if m:
                ids.add(m.group(1).rstrip("."))
    return ids


def files(root):
    for top in ("src", "tests", "bench", "scripts", "docs", "config"):
        for d, dirs, names in os.walk(os.path.join(root, top)):
            dirs[:] = [x for x in dirs if x not in SKIP_DIRS]
            for n in names:
                if n.endswith(SUFFIXES):
                    yield os.path.join(d, n)
    for n in ("CMakeLists.txt", "Makefile", "README.md"):
        if os.path.exists(os.path.join(root, n)):
            yield os.path.join(root, n)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    docs = os.path.join(root, "docs")
    cache = {}
    bad = []
    for path in files(root):
        rel = os.path.relpath(path, root)
        own = path if path.endswith(".md") else None
        try:
            text = open(path, encoding="utf-8").read().splitlines()
        except UnicodeDecodeError:
            continue
        if rel in (os.path.join("scripts", "check-citations.py"),
                   os.path.join("tests", "scripts", "citations_test.sh")):
            continue  # the checker and its test quote bad citations on purpose
        carried = None  # the document named last in the current comment block
        for no, line in enumerate(text, 1):
            if OUTSIDE.search(line):
                bad.append(f"{rel}:{no}: cites a document outside the repository: {line.strip()}")
            is_comment = bool(re.match(r"\s*(//|#)", line)) and not path.endswith(".md")
            if not is_comment:
                carried = None
            doc = own or (carried if is_comment else None)
            for m in TOKEN.finditer(line):
                if m.group("doc"):
                    doc = m.group("doc")
                    if is_comment:
                        carried = doc
                    continue
                if m.group("rfc"):
                    doc = "RFC"
                    continue
                want = ("§" + m.group("sec").rstrip(".")) if m.group("sec") else None
                if m.group("num") is not None:
                    if doc != "reliability.md":
                        continue  # '#3' alone is an issue number or a count, not a citation
                    want = "#" + m.group("num")
                if doc == "RFC":
                    continue
                if doc is None:
                    bad.append(f"{rel}:{no}: {want} names no document: {line.strip()}")
                    continue
                if doc == own:
                    target = doc
                elif "/" in doc and not doc.startswith("docs/"):
                    target = os.path.join(root, doc)  # e.g. tests/vectors/README.md
                else:
                    target = os.path.join(docs, os.path.basename(doc))
                if not os.path.exists(target):
                    bad.append(f"{rel}:{no}: {os.path.relpath(target, root)} does not exist")
                    continue
                if target not in cache:
                    cache[target] = headings(target)
                if want not in cache[target]:
                    bad.append(f"{rel}:{no}: {os.path.relpath(target, root)} has no section {want}")
    for b in bad:
        print("check-citations: " + b, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
