# stdlib/javaprofile.et: samples stacks while a Java program (compiled
# here with javac, started with no flag) spins in a chain of methods; at
# SIGINT it writes etrace-javaprofile.folded and etrace-javaprofile.svg
# into the scratch directory and says so on stderr; the folded stacks
# must hold the chain (tests/runtime/java.sh checks the frames closely).
HEADER=2
COMPARE=0 NO_COMPARE="bpftrace 0.17 has no Java stacks and no flame
graph output"
STDERR_OK='^(etrace: wrote the (folded stacks|flame graph) etrace-javaprofile\.(folded|svg) \([1-9][0-9]* samples\)|warning: [uk]stack: [0-9]+ stacks? lost to hash collisions .*)$'
prepare() {
	cat >Spin.java <<'JAVA'
public class Spin {
	static volatile long sink;
	static long c(int n) { long s = 0; for (int i = 0; i < n; i++) s += i ^ n; return s; }
	static long b(int n) { return c(n) + 1; }
	static long a(int n) { return b(n) + 1; }
	public static void main(String[] args) {
		long end = System.nanoTime() + 3000000000L;
		while (System.nanoTime() < end) sink += a(100000);
	}
}
JAVA
	/usr/lib/jvm/java-17-openjdk-amd64/bin/javac Spin.java
}
activity() {
	/usr/lib/jvm/java-17-openjdk-amd64/bin/java -cp . Spin || true
}
