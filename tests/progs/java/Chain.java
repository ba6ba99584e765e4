// The Java program of tests/runtime/java.sh: a -> b -> c -> d -> e
// chains, e sleeping (Thread.sleep: a futex wait in the VM) or spinning.
//   java Chain sleep N S   N threads (and main) sleep in e, for S s
//   java Chain jit N       the chain called until compiled (e sleeps 0
//                          ms: a yield), then as sleep
//   java Chain spin N      N threads spin in e
// It prints "ready" once the chains run as asked; the threads are
// daemons: the VM ends with main's chain.
public class Chain {
	static volatile long sink;
	static volatile boolean warm;

	static long e(long ms, boolean spin) throws InterruptedException {
		if (spin) {
			long s = 0;
			for (int i = 0; i < 100000; i++)
				s += i * ms;
			return s;
		}
		Thread.sleep(ms);
		return ms;
	}

	static long d(long ms, boolean spin) throws InterruptedException {
		return e(ms, spin) + 1;
	}

	static long c(long ms, boolean spin) throws InterruptedException {
		return d(ms, spin) + 1;
	}

	static long b(long ms, boolean spin) throws InterruptedException {
		return c(ms, spin) + 1;
	}

	static long a(long ms, boolean spin) throws InterruptedException {
		return b(ms, spin) + 1;
	}

	static long end;

	static void run(String mode) {
		try {
			boolean spin = mode.equals("spin");
			while (System.nanoTime() < end)
				sink += a(spin ? 3 : 20, spin);
		} catch (InterruptedException ex) {
		}
	}

	public static void main(String[] args) throws Exception {
		String mode = args[0];
		int n = Integer.parseInt(args[1]);

		end = System.nanoTime() + Long.parseLong(args[2]) * 1000000000L;

		if (mode.equals("jit")) {
			/* the same code with e's sleep of 0 ms: compiled with
			 * every branch seen */
			for (int i = 0; i < 30000; i++)
				sink += a(0, false);
			mode = "sleep";
		}
		for (int i = 0; i < n; i++) {
			final String m = mode;
			Thread t = new Thread(() -> run(m), "chain-" + i);
			t.setDaemon(true);
			t.start();
		}
		System.out.println("ready");
		System.out.flush();
		run(mode);
	}
}
