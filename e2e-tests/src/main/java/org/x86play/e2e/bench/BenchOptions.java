package org.x86play.e2e.bench;

/** Options of {@code ./vmm bench browser}. */
final class BenchOptions {
    static final String USAGE = "usage: ./vmm bench browser [--runs N] [--target wasm-gc|js] [--v86 on|off] [--timeout SECONDS]";

    int runs = 1;
    String target = "wasm-gc";
    boolean v86 = true;
    int timeoutSeconds = 900;

    static BenchOptions parse(String[] args) throws UsageError {
        BenchOptions o = new BenchOptions();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) throw new UsageError("options");
            if (i + 1 >= args.length) throw new UsageError(a.startsWith("--") ? a + " needs a value" : "unexpected argument '" + a + "'");
            String v = args[++i];
            switch (a) {
                case "--runs": o.runs = number(a, v, 1, 20); break;
                case "--timeout": o.timeoutSeconds = number(a, v, 10, 7200); break;
                case "--target": o.target = choice(a, v, "wasm-gc", "js"); break;
                case "--v86": o.v86 = choice(a, v, "on", "off").equals("on"); break;
                default: throw new UsageError("unknown option '" + a + "'");
            }
        }
        return o;
    }

    private static int number(String opt, String v, int min, int max) throws UsageError {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageError(opt + " wants a whole number from " + min + " to " + max + ", not '" + v + "'");
    }

    private static String choice(String opt, String v, String... allowed) throws UsageError {
        for (String a : allowed) if (a.equals(v)) return v;
        throw new UsageError(opt + " wants one of " + String.join(", ", allowed) + ", not '" + v + "'");
    }

    static final class UsageError extends Exception {
        UsageError(String message) {
            super(message);
        }
    }
}
