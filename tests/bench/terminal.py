#!/usr/bin/env python3
"""The sandbox's own terminal: what it adds to a launch, and how fast its
relay is, side by side with script(1) relaying the same bytes.

Usage: terminal.py SANDBOX FILE ROUNDS

Every command runs in a pseudo-terminal this program makes (the
"caller's terminal"), whose output it reads as fast as it can.  Prints
Markdown table rows:

  launch | sandbox with its own pty | with --share-terminal | paired ratio
  relay  | command | MB/s (median) | ...

Launches alternate between the two forms round by round (the order
reversed on odd rounds); the paired ratio is the median of the per-round
ratios.  The throughput cases `cat FILE` through the sandbox's relay,
through script(1), and straight on the terminal (no relay at all).
"""

import os
import select
import statistics
import subprocess
import sys
import time


def run_in_pty(argv):
    """Wall time of argv run on a new pty, and the bytes it printed."""
    master, slave = os.openpty()
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.setsid()
        import fcntl
        import termios
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        os.closerange(3, 256)
        os.execvp(argv[0], argv)
    os.close(slave)
    total = 0
    while True:
        r, _, _ = select.select([master], [], [], 30)
        if not r:
            break
        try:
            data = os.read(master, 1 << 16)
        except OSError:
            break
        if not data:
            break
        total += len(data)
    _, status = os.waitpid(pid, 0)
    elapsed = time.monotonic() - t0
    os.close(master)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"terminal.py: {argv[0]} failed in a pty")
    return elapsed, total


def launch_rows(sandbox, rounds):
    own = [sandbox, "--ro-bind", "/usr", "/usr", "--", "/bin/true"]
    shared = [sandbox, "--share-terminal", "--ro-bind", "/usr", "/usr", "--", "/bin/true"]
    t_own, t_shared, ratios = [], [], []
    for i in range(rounds + 3):
        order = [own, shared] if i % 2 == 0 else [shared, own]
        times = {}
        for argv in order:
            times[id(argv)] = run_in_pty(argv)[0]
        if i < 3:
            continue  # warm-up
        t_own.append(times[id(own)])
        t_shared.append(times[id(shared)])
        ratios.append(times[id(own)] / times[id(shared)])
    med_own, med_shared = statistics.median(t_own), statistics.median(t_shared)
    print(f"| launch, `/bin/true` ({rounds} rounds) | {med_own * 1e3:.2f} ms "
          f"| {med_shared * 1e3:.2f} ms | {statistics.median(ratios):.3f} "
          f"| {(med_own - med_shared) * 1e3:+.2f} ms |")


def relay_rows(sandbox, path, rounds):
    size = os.path.getsize(path)
    cases = [
        ("sandbox's relay", [sandbox, "--ro-bind", "/usr", "/usr", "--ro-bind", path, path,
                             "--", "cat", path]),
        ("script(1)", ["script", "-qec", f"cat {path}", "/dev/null"]),
        ("no relay (cat on the terminal)", ["cat", path]),
    ]
    rates = {name: [] for name, _ in cases}
    for i in range(rounds):
        for name, argv in (cases if i % 2 == 0 else cases[::-1]):
            elapsed, total = run_in_pty(argv)
            if total < size:
                sys.exit(f"terminal.py: {name}: {total} of {size} bytes arrived")
            rates[name].append(size / elapsed / 1e6)
    for name, _ in cases:
        r = rates[name]
        print(f"| {name} | {statistics.median(r):.0f} MB/s | {min(r):.0f}–{max(r):.0f} |")


def main():
    sandbox, path, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print("| case | own pty | --share-terminal | paired ratio | difference |")
    print("| --- | --- | --- | --- | --- |")
    launch_rows(sandbox, rounds)
    print()
    print(f"| `cat` of {os.path.getsize(path) >> 20} MiB through | median | min–max |")
    print("| --- | --- | --- |")
    relay_rows(sandbox, path, max(3, rounds // 20))


if __name__ == "__main__":
    main()
