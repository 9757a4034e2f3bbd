#!/usr/bin/env python3
"""Drives a command in a pseudo-terminal, as a user at a terminal would.

Usage: ttydrive.py SCENARIO SANDBOX [ARGS...]

The driver makes a pty and starts SANDBOX ARGS... as a session leader with
the pty's slave as its controlling terminal (the "caller's terminal"),
then plays SCENARIO: it types, waits for output, sends signals, and
inspects the caller's terminal from outside (modes, line discipline,
locked modes, foreground process group, pending input).  It prints
`key=value` lines for the test to check, and `transcript=...` with what
the terminal showed.  Exit status 0 unless the driver itself failed.
"""

import errno
import fcntl
import os
import re
import select
import signal
import struct
import sys
import termios
import time

TIMEOUT = float(os.environ.get("TTYDRIVE_TIMEOUT", "10"))


class Terminal:
    """The caller's terminal: a pty whose slave the command gets."""

    def __init__(self, rows=24, cols=80):
        self.master, self.slave = os.openpty()
        self.name = os.ttyname(self.slave)
        self.resize(rows, cols)
        self.seen = b""  # what arrived since the last match
        self.all = b""   # the whole transcript
        self.pid = None

    def resize(self, rows, cols):
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def spawn(self, argv):
        pid = os.fork()
        if pid == 0:
            os.close(self.master)
            os.setsid()
            fcntl.ioctl(self.slave, termios.TIOCSCTTY, 0)
            for fd in (0, 1, 2):
                os.dup2(self.slave, fd)
            os.execvp(argv[0], argv)
        self.pid = pid
        return pid

    def send(self, data):
        os.write(self.master, data.encode() if isinstance(data, str) else data)

    def expect(self, pattern, timeout=TIMEOUT):
        """Reads until the regex matches what arrived since the last match."""
        rx = re.compile(pattern.encode(), re.S)
        end = time.monotonic() + timeout
        while True:
            m = rx.search(self.seen)
            if m:
                self.seen = self.seen[m.end():]
                return True
            left = end - time.monotonic()
            if left <= 0 or not self.read_some(left):
                return False

    def read_some(self, timeout):
        r, _, _ = select.select([self.master], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError as e:
            if e.errno == errno.EIO:
                return False
            raise
        if not data:
            return False
        self.seen += data
        self.all += data
        return True

    def drain(self, timeout=TIMEOUT):
        """Reads everything until the command side hangs up or goes quiet."""
        end = time.monotonic() + timeout
        while time.monotonic() < end and self.read_some(min(0.5, end - time.monotonic())):
            pass

    def wait(self, timeout=TIMEOUT):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.read_some(0.05)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.drain(1)
                return os.waitstatus_to_exitcode(status)
        return "timeout"

    def state(self):
        """What the sandbox must leave as it found it."""
        tio = termios.tcgetattr(self.slave)
        ldisc = struct.unpack("i", fcntl.ioctl(self.slave, termios.TIOCGETD, b"\0" * 4))[0]
        locked = fcntl.ioctl(self.slave, termios.TIOCGLCKTRMIOS, b"\0" * 64)
        pending = struct.unpack("i", fcntl.ioctl(self.slave, termios.FIONREAD, b"\0" * 4))[0]
        return {"modes": repr(tio), "ldisc": ldisc, "locked": locked.hex(), "pending": pending}

    def fg_pgrp(self):
        # On the master: the slave is not the driver's controlling terminal.
        return struct.unpack("i", fcntl.ioctl(self.master, termios.TIOCGPGRP, b"\0" * 4))[0]

    def identity(self):
        st = os.fstat(self.slave)
        return f"{st.st_dev}:{st.st_ino}"


def say(key, value):
    print(f"{key}={value}", flush=True)


def descendants(pid):
    """Pids below pid, by /proc's children lists."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                kids = [int(k) for k in f.read().split()]
        except OSError:
            kids = []
        out += kids
        todo += kids
    return out


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def report_restore(t, before, status):
    after = t.state()
    say("status", status)
    for k in before:
        say(f"same_{k}", "yes" if before[k] == after[k] else f"no:{before[k]}->{after[k]}")


# ---- scenarios -------------------------------------------------------------
# Each takes the terminal and the sandbox command (a list ending where the
# scenario adds its own command, after "--").

def sc_restore_exit(t, cmd):
    """The command sets raw -echo and exits: the caller's modes come back."""
    before = t.state()
    t.spawn(cmd + ["sh", "-c", "stty raw -echo -isig; echo ready; exit 3"])
    say("ready", t.expect("ready"))
    report_restore(t, before, t.wait())


def _restore_kill(t, cmd, target):
    before = t.state()
    launcher = t.spawn(cmd + ["sh", "-c", "stty raw -echo -isig; echo ready; exec sleep 300"])
    say("ready", t.expect("ready"))
    time.sleep(0.2)
    if target == "command":
        victims = [p for p in descendants(launcher) if comm(p) == "sleep"]
        say("found", len(victims))
        for p in victims:
            os.kill(p, signal.SIGKILL)
    else:
        os.kill(launcher, getattr(signal, target))
    report_restore(t, before, t.wait())


def sc_restore_kill9(t, cmd):
    _restore_kill(t, cmd, "command")


def sc_restore_sigterm(t, cmd):
    _restore_kill(t, cmd, "SIGTERM")


def sc_restore_sighup(t, cmd):
    _restore_kill(t, cmd, "SIGHUP")


def sc_restore_setup_error(t, cmd):
    """Setup fails after the pty exists (a bad --hostname is refused late)."""
    before = t.state()
    t.spawn(cmd + ["true"])
    report_restore(t, before, t.wait())


ATTACK = r"""
import fcntl, os, struct, termios, sys
def tryit(name, f):
    try:
        f(); print(name + "=OK")
    except OSError as e:
        print(name + "=" + (os.strerror(e.errno) if e.errno else str(e)))
fds = {"fd0": 0, "devtty": os.open("/dev/tty", os.O_RDWR)}
for label, fd in fds.items():
    tryit(label + ":TIOCSTI", lambda: fcntl.ioctl(fd, termios.TIOCSTI, b"x"))
    tryit(label + ":TIOCSETD", lambda: fcntl.ioctl(fd, termios.TIOCSETD, struct.pack("i", 2)))
    tryit(label + ":TIOCCONS", lambda: fcntl.ioctl(fd, termios.TIOCCONS))
    tryit(label + ":TIOCSLCKTRMIOS", lambda: fcntl.ioctl(fd, termios.TIOCSLCKTRMIOS, b"\xff" * 60))
    def modes():
        a = termios.tcgetattr(fd); a[3] &= ~(termios.ECHO | termios.ICANON); termios.tcsetattr(fd, termios.TCSANOW, a)
    tryit(label + ":tcsetattr", modes)
    tryit(label + ":tcsetpgrp", lambda: os.tcsetpgrp(fd, os.getpid()))
print("tty=" + os.ttyname(0))
print("attack-done")
"""


def sc_attack(t, cmd):
    """Every terminal ioctl from inside, then the caller's terminal checked."""
    before = t.state()
    pgrp = t.fg_pgrp()
    t.spawn(cmd + ["/usr/bin/python3", "-c", ATTACK])
    say("done", t.expect("attack-done"))
    report_restore(t, before, t.wait())
    say_inside(t)
    say("same_fg_pgrp", "yes" if t.fg_pgrp() in (pgrp, os.getpgrp()) else "no")


def sc_job_control(t, cmd):
    """bash -i: a background job, ^Z and fg, ^C for the foreground only."""
    t.spawn(cmd + ["env", "PS1=P> ", "bash", "--norc", "--noprofile", "-i"])
    say("prompt", t.expect("P> "))
    t.send("sleep 300 &\n")
    say("bg_started", t.expect(r"\[1\] \d+.*?P> "))
    t.send("sleep 301\n")
    time.sleep(0.5)
    t.send("\x1a")
    say("stopped", t.expect(r"Stopped.*?sleep 301.*?P> "))
    t.send("fg\n")
    say("resumed", t.expect(r"sleep 301"))
    time.sleep(0.5)
    t.send("\x03")
    say("interrupted", t.expect("P> "))
    t.send("echo running=$(jobs -r | grep -c 'sleep 300') stopped=$(jobs -s | wc -l)\n")
    m = t.expect(r"running=1 stopped=0")
    say("bg_survived", m)
    t.send("echo tty=$(ps -o tty= -p $$)\n")
    say("ps_tty", t.expect(r"tty=pts/\d"))
    t.send("kill %1; exit 0\n")
    say("status", t.wait())


def sc_password(t, cmd):
    """A program that reads a secret from /dev/tty with echo off."""
    t.spawn(cmd + ["bash", "-c", 'read -r -s -p "pw: " x </dev/tty; echo; echo "got=$x"'])
    say("asked", t.expect("pw: "))
    t.send("s3cret\r")
    say("got", t.expect(r"got=s3cret"))
    say("echoed", "yes" if b"s3cret" in t.all.split(b"got=")[0] else "no")
    say("status", t.wait())


def sc_eof(t, cmd):
    """cat until ^D."""
    # Keys typed before the relay runs would meet the caller's terminal
    # still in its own modes, where ^D ends the launcher's input instead.
    t.spawn(cmd + ["sh", "-c", "echo ready; exec cat"])
    say("ready", t.expect("ready"))
    t.send("hello\n")
    say("echo", t.expect("hello.*hello"))
    t.send("\x04")
    say("status", t.wait())


def sc_output_after_exit(t, cmd):
    """Output written just before the command exits all arrives."""
    n = 2000000
    t.spawn(cmd + ["sh", "-c", f"head -c {n} /dev/zero | tr '\\0' x; exit 7"])
    status = t.wait(30)
    say("status", status)
    say("bytes", t.seen.count(b"x"))


def sc_winsize(t, cmd):
    """The size at start, and a change while it runs."""
    t.resize(40, 100)
    t.spawn(cmd + ["bash", "-c", "stty size; trap 'stty size' WINCH; echo ready; "
                   "for i in $(seq 100); do sleep 0.1; done"])
    say("initial", t.expect("40 100"))
    say("ready", t.expect("ready"))
    t.resize(50, 120)  # the kernel signals the caller's foreground group
    say("changed", t.expect("50 120"))
    os.kill(t.pid, signal.SIGTERM)
    say("status", t.wait())


def sc_background(t, cmd):
    """Started with `&` from a shell with job control, then brought back
    with `fg`: output is relayed meanwhile, the keyboard only after."""
    t.spawn(["bash", "-c", 'set -m; "$@" & sleep 1; echo fg-now; fg %1', "bash"] + cmd +
            ["sh", "-c", "echo ready; echo name=$(tty); read -r x; echo got=$x"])
    say("ready", t.expect("ready"))
    say("fg", t.expect("fg-now"))
    time.sleep(0.5)
    t.send("hello\r")
    say("got", t.expect("got=hello"))
    say("status", t.wait())
    say_inside(t)


IDENTITY = r"""
import os, termios
def ident(path):
    try:
        st = os.stat(path)
        return f"{st.st_dev}:{st.st_ino}"
    except OSError as e:
        return os.strerror(e.errno)
for fd in (0, 1, 2):
    print(f"fd{fd}=" + ident(f"/proc/self/fd/{fd}"))
# /dev/tty is a device of its own: whether it opens fd 0's terminal shows
# in a mode set through it and read back through fd 0.
try:
    tty = os.open("/dev/tty", os.O_RDWR)
    saved = termios.tcgetattr(tty)
    changed = list(saved)
    changed[1] ^= termios.OCRNL
    termios.tcsetattr(tty, termios.TCSANOW, changed)
    same = termios.tcgetattr(0)[1] == changed[1]
    termios.tcsetattr(tty, termios.TCSANOW, saved)
    print("devtty=" + ("fd0" if same else "not-fd0"))
except OSError as e:
    print("devtty=" + os.strerror(e.errno))
print("identity-done")
"""


def sc_identity(t, cmd):
    """Which terminal the command's fds 0-2 and /dev/tty are: the caller's
    (its device and inode, which no other terminal has) or another."""
    caller = t.identity()
    t.spawn(cmd + ["/usr/bin/python3", "-c", IDENTITY])
    t.expect("identity-done")
    say("status", t.wait())
    for key in ("fd0", "fd1", "fd2", "devtty"):
        m = re.search(key.encode() + rb"=([^\r\n]*)", t.all)
        value = m.group(1).decode() if m else "none"
        say(key, "caller" if value == caller else "other" if ":" in value else value)


def say_inside(t):
    """The command's own key=value lines, as inside_KEY=VALUE."""
    for line in t.all.decode(errors="replace").splitlines():
        key, eq, value = line.strip().partition("=")
        if eq and re.fullmatch(r"[\w:]+", key):
            say("inside_" + key, value)


def sc_run(t, cmd):
    """Runs the command to its end; its output lines as inside_KEY=VALUE."""
    t.spawn(cmd)
    say("status", t.wait())
    say_inside(t)


def main():
    scenario, cmd = sys.argv[1], sys.argv[2:]
    t = Terminal()
    try:
        globals()["sc_" + scenario.replace("-", "_")](t, cmd)
    finally:
        if t.pid:
            try:
                os.kill(t.pid, signal.SIGKILL)
                os.waitpid(t.pid, 0)
            except OSError:
                pass
        say("transcript", repr(t.all.decode(errors="replace")))


if __name__ == "__main__":
    main()
