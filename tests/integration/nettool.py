#!/usr/bin/python3
"""Small network tools for tests/integration/network.bats, usable on the
host and inside a sandbox (python3 from the bound /usr).

  tcp-serve ADDR PORT MSG [MARKER]
                              accept one connection, send MSG, exit (MARKER:
                              a word for pgrep)
  tcp-get ADDR PORT [SECS]    connect, print what comes; on failure print
                              the errno name (ECONNREFUSED...) and exit 1
  udp-echo ADDR PORT          answer one datagram with "echo:" + it, exit
  udp-ask ADDR PORT MSG [SECS] send MSG, print the answer or "timeout"
  unix-serve NAME             accept one connection on abstract socket NAME
  unix-get NAME               connect to abstract socket NAME
  dns-serve PORT [ADDR]       answer A queries for *.sandbox.test with ADDR
                              (127.0.0.77), everything else NXDOMAIN, forever

Servers print "listening" on stdout once they listen, so that a test can
wait for it.
"""
import errno
import socket
import struct
import sys


def ready():
    print("listening", flush=True)


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def fail(exc):
    print(errno.errorcode.get(exc.errno, str(exc)) if exc.errno else "timeout", flush=True)
    sys.exit(1)


def tcp_serve(addr, port, msg, *_marker):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    s.listen(1)
    ready()
    c, _ = s.accept()
    c.sendall(msg.encode() + b"\n")
    c.close()


def tcp_get(addr, port, secs="3"):
    try:
        s = socket.create_connection((addr, int(port)), float(secs))
        s.settimeout(float(secs))
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        sys.stdout.write(data.decode())
        if not data:
            print("EOF")
            sys.exit(1)
    except socket.timeout:
        print("timeout")
        sys.exit(1)
    except OSError as e:
        fail(e)


def udp_echo(addr, port):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.bind((addr, int(port)))
    ready()
    data, peer = s.recvfrom(4096)
    s.sendto(b"echo:" + data, peer)


def udp_ask(addr, port, msg, secs="3"):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.settimeout(float(secs))
    try:
        s.sendto(msg.encode(), (addr, int(port)))
        print(s.recv(4096).decode())
    except socket.timeout:
        print("timeout")
        sys.exit(1)
    except OSError as e:
        fail(e)


def unix_serve(name):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind("\0" + name)
    s.listen(1)
    ready()
    c, _ = s.accept()
    c.sendall(b"hello from the abstract socket\n")


def unix_get(name):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect("\0" + name)
        print(s.recv(100).decode(), end="")
    except OSError as e:
        fail(e)


def dns_answer(data, addr):
    tid, _flags, _qd = struct.unpack(">HHH", data[:6])
    i, labels = 12, []
    while data[i]:
        labels.append(data[i + 1:i + 1 + data[i]].decode())
        i += data[i] + 1
    qtype = struct.unpack(">H", data[i + 1:i + 3])[0]
    question = data[12:i + 5]
    found = ".".join(labels).lower().endswith("sandbox.test") and qtype == 1
    header = struct.pack(">HHHHHH", tid, 0x8180 if found else 0x8183, 1, int(found), 0, 0)
    answer = b""
    if found:
        answer = struct.pack(">HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton(addr)
    return header + question + answer


def dns_serve(port, addr="127.0.0.77"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", int(port)))
    ready()
    while True:
        data, peer = s.recvfrom(4096)
        try:
            s.sendto(dns_answer(data, addr), peer)
        except (IndexError, struct.error, UnicodeDecodeError):
            pass


COMMANDS = {
    "tcp-serve": tcp_serve, "tcp-get": tcp_get, "udp-echo": udp_echo,
    "udp-ask": udp_ask, "unix-serve": unix_serve, "unix-get": unix_get,
    "dns-serve": dns_serve,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
