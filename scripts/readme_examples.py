#!/usr/bin/env python3
"""The shell examples of README.md are produced by the current command.

Every fenced block of README.md whose first line starts with "$ stellar-history" is a transcript: "$ " lines
(with "\\" continuations) are commands, the lines up to the next command are what they printed (standard output
and standard error together). This script runs each block's commands in order, in a fresh directory that holds a
`tests` link to the repository's tests (so fixture paths read tests/fixtures/...), with `stellar-history` on PATH.

  --write   replaces the transcripts' output in README.md with what the command prints now
  --check   exits 1 (printing a diff) when README.md's output differs from the command's, up to timings, rates,
            ports and temporary names
  --command PATH  the stellar-history executable to run (default: the built sample)
"""
import argparse, difflib, os, re, shutil, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")
PLACE = "/tmp/readme"  # where the README's transcripts were recorded; their paths name it


def blocks(lines):
    """(start, end) line indexes of each transcript block's content."""
    i = 0
    while i < len(lines):
        if lines[i].startswith("```") and i + 1 < len(lines) and lines[i + 1].startswith("$ stellar-history"):
            j = i + 1
            while not lines[j].startswith("```"):
                j += 1
            yield i + 1, j
            i = j
        i += 1


def commands(content):
    """[(command, [output lines])] of one block."""
    result, k = [], 0
    while k < len(content):
        command = [content[k][2:]]
        while command[-1].endswith("\\"):
            k += 1
            command.append(content[k])
        k += 1
        out = []
        while k < len(content) and not content[k].startswith("$ "):
            out.append(content[k])
            k += 1
        while out and out[-1] == "":
            out.pop()
        result.append(("\n".join(command), out))
    return result


def run_block(cmds, command, place):
    bindir = os.path.join(place, ".bin")
    os.makedirs(bindir, exist_ok=True)
    link = os.path.join(bindir, "stellar-history")
    if not os.path.exists(link):
        os.symlink(command, link)
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"], COLUMNS="200")
    outputs = []
    for cmd, _ in cmds:
        p = subprocess.run(["bash", "-c", cmd], cwd=place, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
        outputs.append(p.stdout.rstrip("\n").split("\n") if p.stdout.strip() else [])
    return outputs


def normal(lines, place):
    out = []
    for line in lines:
        if re.match(r"^\[\d\d:\d\d\] ", line):
            continue  # progress lines: how many depends on speed
        line = line.replace(place, "<dir>").replace(PLACE, "<dir>")
        line = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", line)
        line = re.sub(r"stellar-history-(run-)?[A-Za-z0-9_]+", "stellar-history-TEMP", line)
        line = re.sub(r'"durationSeconds": [0-9.]+', '"durationSeconds": N', line)
        # Which HAS a shared bucket is first found through depends on the order of concurrent reads.
        line = re.sub(r"referenced by history/[0-9a-f/]+/history-[0-9a-f]{8}\.json", "referenced by a HAS", line)
        # How often a dead archive is tried before the pool settles on a live one depends on timing.
        line = re.sub(r"\b\d+ retr(y|ies)\b", "N retries", line)
        line = re.sub(r'"retries": \d+', '"retries": N', line)
        line = re.sub(r"\d+(\.\d+)? (s|ms)\b", "N s", line)
        line = re.sub(r"\d+(\.\d+)? (B|kB|MB|GB)/s", "N B/s", line)
        out.append(line)
    return out


def main():
    parser = argparse.ArgumentParser()
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true")
    mode.add_argument("--check", action="store_true")
    parser.add_argument("--command", default=os.path.join(ROOT, "samples/Stellar.HistoryWork.Cli/bin/Release/net10.0/stellar-history"))
    args = parser.parse_args()
    lines = open(README, encoding="utf-8").read().split("\n")
    place = PLACE if args.write else tempfile.mkdtemp(prefix="readme-check-")
    failures, new = [], list(lines)
    try:
        for start, end in reversed(list(blocks(lines))):
            if args.write:
                shutil.rmtree(place, ignore_errors=True)
            else:
                shutil.rmtree(place, ignore_errors=True)
            os.makedirs(place)
            os.symlink(os.path.join(ROOT, "tests"), os.path.join(place, "tests"))
            cmds = commands(lines[start:end])
            outputs = run_block(cmds, os.path.abspath(args.command), place)
            text = []
            for (cmd, old), out in zip(cmds, outputs):
                text += ["$ " + cmd.split("\n")[0]] + cmd.split("\n")[1:] + out + [""]
                if normal(old, place) != normal(out, place):
                    failures.append(f"$ {cmd}\n" + "\n".join(difflib.unified_diff(normal(old, place), normal(out, place), "README.md", "now", lineterm="")))
            new[start:end] = text[:-1]
    finally:
        if not args.write:
            shutil.rmtree(place, ignore_errors=True)
    if args.write:
        open(README, "w", encoding="utf-8").write("\n".join(new))
        print("README.md transcripts regenerated")
        return 0
    if failures:
        print("README.md's shell examples are not what the command prints now (run scripts/update-readme-examples.sh):\n")
        print("\n\n".join(failures))
        return 1
    print("README.md's shell examples match the command")
    return 0


if __name__ == "__main__":
    sys.exit(main())
