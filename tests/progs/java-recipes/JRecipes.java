// The activity of the Java recipes' tests (tests/runtime/tools/cases/
// stdlib-java*.sh): java JRecipes MODE N TAG, each mode making exactly N
// of the events its recipe counts, with TAG in the names it can.
//   gc N         N System.gc() calls: N full collections (G1 by default)
//   garbage N    N MB in 64 KB arrays (in eden: G1 puts arrays of half
//                a region or more in the old generation), none kept (with
//                -Xmx32m: young collections)
//   alloc N      N objects of JRecipes$Blob (a 12-byte header and a long
//                at 16: 24 bytes each) and N / 10 arrays JRecipes$Blob[10]
//                (a 16-byte header and 10 compressed references: 56
//                bytes each), kept reachable
//   threads N    N threads named TAG-0 .. TAG-(N-1), odd ones daemons,
//                each started and joined in turn
//   monitor N    N threads each blocked on a monitor (a JRecipes$Lock)
//                the main thread holds until it sees them BLOCKED, then
//                50 ms more: N contended entries, each >= 50 ms
//   sleep N      N milliseconds of sleep
//   classload N  JPlugin defined by N class loaders, all unreachable,
//                then a full collection: N loads and N unloads of it
class JPlugin {
    static int loaded;
    static {
        loaded++;
    }
}

public class JRecipes {
    static class Blob {
        long v;
        Blob(long v) { this.v = v; }
    }
    static class Lock {
        long v;
    }
    static Object[] keep;

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[1]);
        String tag = args.length > 2 ? args[2] : "t";

        switch (args[0]) {
        case "gc":
            for (int i = 0; i < n; i++)
                System.gc();
            break;
        case "sleep":
            Thread.sleep(n);
            break;
        case "garbage":
            for (int i = 0; i < n * 16; i++)
                keep = new Object[] { new byte[64 << 10] };
            break;
        case "alloc":
            keep = new Object[n + n / 10];
            for (int i = 0; i < n; i++)
                keep[i] = new Blob(i);
            for (int i = 0; i < n / 10; i++)
                keep[n + i] = new Blob[10];
            break;
        case "threads":
            for (int i = 0; i < n; i++) {
                Thread t = new Thread(() -> {}, tag + "-" + i);
                t.setDaemon(i % 2 == 1);
                t.start();
                t.join();
            }
            break;
        case "monitor": {
            final Lock lock = new Lock();
            for (int i = 0; i < n; i++) {
                Thread b;
                synchronized (lock) {
                    b = new Thread(() -> {
                        synchronized (lock) {
                            lock.v++;
                        }
                    });
                    b.start();
                    while (b.getState() != Thread.State.BLOCKED)
                        Thread.sleep(1);
                    Thread.sleep(50);
                }
                b.join();
            }
            break;
        }
        case "classload": {
            java.net.URL[] here = { new java.io.File(args[3]).toURI().toURL() };
            for (int i = 0; i < n; i++) {
                // the boot loader as parent: each loader defines JPlugin
                ClassLoader l = new java.net.URLClassLoader(here, null);
                Class.forName("JPlugin", true, l);
            }
            System.gc();
            break;
        }
        default:
            throw new IllegalArgumentException(args[0]);
        }
    }
}
