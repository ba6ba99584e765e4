# A Python target for tests/runtime/python.sh: known call chains.
#   chain.py sleep R T [FIFO]  a -> b -> c -> d -> e, e recursing R times
#                              then sleeping 0.2 s (clock_nanosleep), in
#                              the main thread and T more threads; with
#                              FIFO, first waits for a line on it
#   chain.py spin S            a -> b -> c -> d -> e busy for S seconds
#   chain.py raise N           N times: e raises, a catches; then a
#                              reference cycle collected (gc.collect)
import sys
import threading
import time


def e(mode, r):
    if r:
        return e(mode, r - 1)
    if mode == "sleep":
        time.sleep(0.2)
    elif mode == "raise":
        raise ValueError("e")
    else:
        s = 0
        for i in range(2000):
            s += i * i
        return s


def d(mode, r):
    return e(mode, r)


def c(mode, r):
    return d(mode, r)


def b(mode, r):
    return c(mode, r)


def a(mode, r):
    try:
        return b(mode, r)
    except ValueError:
        return 0


def main():
    mode = sys.argv[1]
    if mode == "sleep":
        if len(sys.argv) > 4:
            with open(sys.argv[4]) as f:
                f.readline()
        r, n = int(sys.argv[2]), int(sys.argv[3])
        ts = [threading.Thread(target=a, args=(mode, r)) for _ in range(n)]
        for t in ts:
            t.start()
        a(mode, r)
        for t in ts:
            t.join()
    elif mode == "spin":
        end = time.time() + float(sys.argv[2])
        k = 0
        while time.time() < end:
            a(mode, 0)
            k += 1
        print(k)
    else:
        import gc
        for _ in range(int(sys.argv[2])):
            a(mode, 0)
            cycle = []
            cycle.append(cycle)
            del cycle
            gc.collect()


main()

# chain.py sleep R T FIFO LINGER: then waits LINGER seconds (select, not
# clock_nanosleep) before it exits (down here: the lines above are in
# the tests' expected stacks)
if sys.argv[1] == "sleep" and len(sys.argv) > 5:
    import select
    select.select([], [], [], float(sys.argv[5]))
