"""Keep a worker away from kernel state that outlives it or that the grader shares.

bubblewrap's namespaces leave some kernel objects shared: the session keyring (the grader's keys),
the per-user keyring, and POSIX message queues survive a run and reach the next learner. A worker
therefore joins a fresh anonymous session keyring, then installs a seccomp filter (it cannot be
removed, and every process the learner starts inherits it) that refuses the calls behind those
objects and the ones that reach other processes or make new namespaces. Frameworks use none of them.
"""
from __future__ import annotations

import ctypes
import platform
import struct

# Refused with EPERM. Numbers per architecture (asm/unistd.h).
_DENIED = {
    "x86_64": {"keyctl": 250, "add_key": 248, "request_key": 249, "mq_open": 240, "mq_unlink": 241,
               "mq_timedsend": 242, "mq_timedreceive": 243, "mq_notify": 244, "mq_getsetattr": 245,
               "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "kcmp": 312,
               "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155,
               "bpf": 321, "perf_event_open": 298, "userfaultfd": 323},
    "aarch64": {"keyctl": 219, "add_key": 217, "request_key": 218, "mq_open": 180, "mq_unlink": 181,
                "mq_timedsend": 182, "mq_timedreceive": 183, "mq_notify": 184, "mq_getsetattr": 185,
                "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "kcmp": 272,
                "unshare": 97, "setns": 268, "mount": 40, "umount2": 39, "pivot_root": 41,
                "bpf": 280, "perf_event_open": 241, "userfaultfd": 282},
}
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_CLONE, _CLONE3 = {"x86_64": 56, "aarch64": 220}, 435
_NEW_NAMESPACES = 0x7E020000     # CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET
_X32_BIT = 0x40000000

_LD_ABS, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000
_EPERM, _ENOSYS = 1, 38
_NO_NEW_PRIVS, _SET_SECCOMP, _MODE_FILTER = 38, 22, 2
_KEYCTL_JOIN_SESSION_KEYRING = 1


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _program(arch: str) -> list[tuple[int, int, int, int]]:
    """The filter as (code, jt, jf, k) instructions; jumps are resolved from labels."""
    denied = sorted(_DENIED[arch].values())
    # (code, true-label, false-label, k); labels are names, None = the next instruction
    ops = [(_LD_ABS, None, None, 4),
           (_JEQ, None, "allow", _AUDIT_ARCH[arch]),    # another ABI (32-bit): leave it to the namespaces
           (_LD_ABS, None, None, 0)]
    if arch == "x86_64":
        ops.append((_JGE, "eperm", None, _X32_BIT))
    ops += [(_JEQ, "eperm", None, nr) for nr in denied]
    ops += [(_JEQ, "enosys", None, _CLONE3),              # glibc falls back to clone, whose flags we can read
            (_JEQ, None, "allow", _CLONE[arch]),
            (_LD_ABS, None, None, 16),                    # clone's flags (low 32 bits)
            (_JSET, "eperm", "allow", _NEW_NAMESPACES)]
    labels = {"allow": len(ops), "eperm": len(ops) + 1, "enosys": len(ops) + 2}
    ops += [(_RET, None, None, _ALLOW), (_RET, None, None, _ERRNO | _EPERM), (_RET, None, None, _ERRNO | _ENOSYS)]
    out = []
    for i, (code, jt, jf, k) in enumerate(ops):
        rel = lambda label: 0 if label is None else labels[label] - i - 1  # noqa: E731
        out.append((code, rel(jt), rel(jf), k))
    return out


def fresh_keyring() -> None:
    """Leave the inherited session keyring (the grader's keys) for a new, empty, anonymous one."""
    arch = platform.machine()
    if arch in _DENIED:
        ctypes.CDLL(None, use_errno=True).syscall(_DENIED[arch]["keyctl"], _KEYCTL_JOIN_SESSION_KEYRING, None)


def guard() -> str:
    """Join a fresh session keyring and install the filter; say what was done (for the run's record)."""
    arch = platform.machine()
    if arch not in _DENIED:
        return f"no seccomp filter on {arch}"
    fresh_keyring()
    libc = ctypes.CDLL(None, use_errno=True)
    program = _program(arch)
    raw = b"".join(struct.pack("HBBI", *ins) for ins in program)
    buf = ctypes.create_string_buffer(raw, len(raw))
    prog = _SockFprog(len(program), ctypes.addressof(buf))
    if libc.prctl(_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or \
            libc.prctl(_SET_SECCOMP, _MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "could not install the worker's seccomp filter")
    return "seccomp filter installed"
