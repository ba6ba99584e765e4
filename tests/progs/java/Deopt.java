// The deoptimization program of tests/runtime/java.sh: a -> b -> c -> d
// -> e chains whose compiled code HotSpot deoptimizes while they are on
// the stack, round after round, for S seconds:
//   java -XX:CompileCommand=dontinline,Work.hook -cp DIR Deopt DIR S
// Each round loads Work, Shape, Sq and Tri afresh (a class loader of its
// own), calls Work.a until the VM has compiled it (e's s.f() inlined:
// Sq.f is the only f, class hierarchy analysis), then once more with
// hook on: hook loads Tri, a second f, so the VM deoptimizes the code
// of a, whose frame is below hook's, and hook sleeps 100 ms (a futex
// wait in JVM_Sleep) on the deoptimized frame before it returns to it.
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;

abstract class Shape {
	abstract long f(long x);
}

class Sq extends Shape {
	long f(long x) {
		return x * x;
	}
}

class Tri extends Shape {
	long f(long x) {
		return x * (x + 1) / 2;
	}
}

class Work {
	static volatile long sink;
	static Shape s = new Sq();

	static void hook(boolean on) throws Exception {
		if (!on)
			return;
		Class.forName("Tri", false, Work.class.getClassLoader());
		Thread.sleep(100);
	}

	static long e(long x, boolean on) throws Exception {
		long r = s.f(x);
		hook(on);
		return r;
	}

	static long d(long x, boolean on) throws Exception {
		return e(x, on) + 1;
	}

	static long c(long x, boolean on) throws Exception {
		return d(x, on) + 1;
	}

	static long b(long x, boolean on) throws Exception {
		return c(x, on) + 1;
	}

	static long a(long x, boolean on) throws Exception {
		return b(x, on) + 1;
	}

	public static void run() throws Exception {
		for (int i = 0; i < 50000; i++)
			sink += a(i, false);
		sink += a(3, true);
	}
}

public class Deopt {
	public static void main(String[] args) throws Exception {
		URL[] dir = {new File(args[0]).toURI().toURL()};
		long end = System.nanoTime() + Long.parseLong(args[1]) * 1000000000L;
		int rounds = 0;

		System.out.println("ready");
		System.out.flush();
		while (System.nanoTime() < end) {
			ClassLoader l = new URLClassLoader(
			    dir, ClassLoader.getPlatformClassLoader());
			java.lang.reflect.Method m =
			    l.loadClass("Work").getMethod("run");

			m.setAccessible(true);
			m.invoke(null);
			rounds++;
		}
		System.out.println(rounds + " rounds");
	}
}
