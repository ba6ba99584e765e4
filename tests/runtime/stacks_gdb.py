# gdb's side of the stack tests (tests/runtime/stacks.sh): the command
# etrace-frames prints the stopped thread's frames, newest first, one
# "ETF name+offset" line each, named by the ELF symbol ("info symbol":
# the same tables etrace reads, not DWARF's function names). Frames gdb
# makes up are left out: inlined frames (the test programs inline nothing
# of theirs; libc's, with libc6-dbg, share the pc of the real frame that
# holds them) and tail-call frames (DWARF call-site information shows a
# caller that jumped away and left no frame on the stack). Neither is on
# the machine stack, which is all a stack walker in BPF can read.
import re

import gdb


def _name(pc):
    s = gdb.execute("info symbol %d" % pc, to_string=True).strip()
    m = re.match(r"(.*?)(?: \+ (\d+))? in section ", s)
    if not m:
        return "0x%x" % pc
    return "%s+%s" % (m.group(1), m.group(2) or "0")


class EtraceFrames(gdb.Command):
    def __init__(self):
        super().__init__("etrace-frames", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        f = gdb.newest_frame()
        while f is not None:
            if f.type() not in (gdb.INLINE_FRAME, gdb.TAILCALL_FRAME):
                print("ETF " + _name(f.pc()))
            f = f.older()


EtraceFrames()
