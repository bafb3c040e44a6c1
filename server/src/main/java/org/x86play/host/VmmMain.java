package org.x86play.host;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import org.x86play.server.ServerConfig;

/**
 * Entry point of {@code ./vmm}: {@code run}, {@code bench}, {@code serve}, {@code conformance} and {@code help}.
 * {@link #execute} returns the exit status (testable in-process); only {@link #main} exits.
 */
public final class VmmMain {
    private final InputStream in;
    private final PrintStream out, err;

    public VmmMain(InputStream in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int status = new VmmMain(System.in, System.out, System.err).execute(args);
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }

    /** Runs one command; returns the process exit status (see {@link ExitStatus}). Never throws. */
    public int execute(String[] args) {
        if (args.length == 0) {
            err.println("vmm: no command given");
            err.println(SHORT_USAGE);
            return ExitStatus.USAGE;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case "run":
                    return new RunCommand(in, out, err).execute(RunOptions.parse(rest));
                case "bench":
                    return new BenchCommand(in, out, err).execute(rest);
                case "serve":
                    return new ServeCommand(out, err).execute(rest);
                case "conformance":
                    // Prints the report and exits with 0 iff nothing failed.
                    org.x86play.conformance.ConformanceReport.main(rest);
                    return ExitStatus.OK;
                case "help":
                case "--help":
                case "-h":
                    out.print(HELP);
                    out.flush();
                    return ExitStatus.OK;
                default:
                    err.println("vmm: unknown command '" + args[0] + "'");
                    err.println(SHORT_USAGE);
                    return ExitStatus.USAGE;
            }
        } catch (UsageException e) {
            err.println("vmm: " + e.getMessage());
            return ExitStatus.USAGE;
        } catch (RuntimeException | StackOverflowError e) {
            StackTraceElement[] st = e.getStackTrace();
            err.println("vmm: internal error: " + e + (st.length > 0 ? " at " + st[0] : ""));
            return ExitStatus.HOST_ERROR;
        }
    }

    static final String SHORT_USAGE = "usage: ./vmm run [options] | ./vmm serve [options] | ./vmm bench boot|compute|browser | ./vmm conformance [options] | ./vmm help";

    static final String HELP = String.join("\n",
            "x86play native runner",
            "",
            "usage:",
            "  ./vmm run [options]           boot a guest",
            "  ./vmm serve [options]         the browser playground: serves the page, the core compiled to",
            "                                WebAssembly and JavaScript, and the guest images; prints the URL",
            "                                and runs until Ctrl-C (see serve options)",
            "  ./vmm bench boot|compute [options]",
            "                                boot the reference guest (built from Debian packages on first",
            "                                use) to GUEST-READY, or time a shell loop inside it; prints",
            "                                our figures next to QEMU TCG's when qemu-system-i386 is installed",
            "                                (--runs N: N rounds of every configuration then QEMU, medians;",
            "                                --tcache on|off|both, --jit on|off|both, --qemu auto|off, --mem MB,",
            "                                --fork on|off: each of our runs in a fresh JVM, default on)",
            "  ./vmm bench browser [options] boot it in the playground page in headless Chromium (WasmGC) and",
            "                                in v86 (npm, installed on first use) in the same browser; prints",
            "                                browser: seconds= mips= v86_seconds= ratio= (the ./vmm script runs",
            "                                it from the e2e-tests module: --runs N, --target wasm-gc|js,",
            "                                --v86 on|off, --timeout S)",
            "  ./vmm conformance [options]   run the conformance suites and print the report",
            "                                (--only singlestep286|host-diff|baremetal, --seed N, --cases N, --verbose)",
            "  ./vmm help                    this text",
            "",
            "environment: X86PLAY_JAVA=/path/to/bin/java picks the JVM (default: the newest JDK, 17 or later, among",
            "JAVA_HOME, /usr/lib/jvm and PATH); VMM_JAVA_OPTS adds JVM options (e.g. -Xmx2g)",
            "",
            "serve options (--opt VALUE or --opt=VALUE):",
            "  --port N                 TCP port (default " + ServerConfig.DEFAULT_PORT + "; 0 picks a free one)",
            "  --bind ADDR              listen address (default " + ServerConfig.DEFAULT_HOST + "; 0.0.0.0 for every interface)",
            "  --images DIR             guest images to offer (repeatable; default: the reference guest, built",
            "                           on first use as for bench): a directory with an image.json or a",
            "                           reference guest build, or a directory holding such directories",
            "  --snapshots DIR          where shared snapshots are kept (default: snapshot-store/ in the checkout)",
            "  --s3-endpoint URL        keep them in an S3-compatible bucket instead (with --s3-bucket NAME,",
            "                           optional --s3-region R, --s3-prefix P; credentials from the environment:",
            "                           AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)",
            "  --max-upload MB          largest snapshot upload (default " + (ServerConfig.DEFAULT_MAX_UPLOAD >> 20) + ")",
            "",
            "run options (--opt VALUE or --opt=VALUE):",
            "  --mem MB                 guest RAM in MiB (default 128, " + RunOptions.MIN_MEM_MB + ".." + RunOptions.MAX_MEM_MB + ")",
            "  --bios FILE              firmware ROM (a multiple of 64 KiB, at most 16 MiB) mapped at the top of",
            "                           the 4 GiB space, its last 128 KiB aliased below 1 MiB; the CPU starts at",
            "                           F000:FFF0. A name such as 'hello' builds disk-images/guests/hello.asm.",
            "  --multiboot FILE         a Multiboot v1 kernel (ELF32 or a.out kludge), entered in 32-bit",
            "                           protected mode with EAX=0x2BADB002 and the info structure in EBX",
            "  --append TEXT            kernel arguments: with --multiboot the kernel sees 'FILE TEXT',",
            "                           as QEMU and GRUB pass it; with --kernel exactly TEXT",
            "  --serial stdio|none      COM1 (0x3F8) on standard output/input (default stdio)",
            "  --clock virtual|realtime virtual: guest time from executed instructions, halts skipped (runs",
            "                           are reproducible; default unless stdin is a terminal); realtime:",
            "                           paced to the host clock, idle waits sleep (interactive shells)",
            "  --debugcon stdio|stderr|none  firmware log port 0x402 (QEMU's debugcon; SeaBIOS writes there)",
            "  --post-port PORT         port of the POST-code device (default 0x80); each write is reported",
            "                           on stderr as 'POST 0xNN' (with --kernel only if this option is given:",
            "                           Linux writes port 0x80 as an I/O delay)",
            "  --profile N              print the N hottest guest code locations at the end (EIP sampled",
            "                           every chunk); --symbols System.map names them by function",
            "                           and adds an inclusive table (callers found by frame pointers)",
            "  --until TEXT             end the run with status 0 as soon as TEXT appears on COM1",
            "  --timeout SECONDS        stop after this much host time",
            "  --max-instructions N     stop after N instructions",
            "  --trace N                on a triple fault, an unimplemented instruction or a host error,",
            "                           print the last N instructions disassembled",
            "  --tcache on|off          block translation cache (pre-decoded basic blocks; default on);",
            "                           off runs the plain interpreter. Guest-visible results are identical",
            "  --jit on|off             with the cache on, compile hot blocks to JVM bytecode (default on;",
            "                           -Dx86play.jit.threshold=N in VMM_JAVA_OPTS: runs before compiling)",
            "  --stats                  print execution counters on stderr at the end (instructions, block",
            "                           cache hits and invalidations, TLB, interrupts)",
            "  --kernel FILE            a Linux bzImage, loaded by the 32-bit boot protocol (boot_params",
            "                           with an e820 map, command line from --append), like qemu -kernel",
            "  --initrd FILE            the initial RAM disk for --kernel",
            "  --save-snapshot FILE     when the run stops at --until, --max-instructions, --timeout or Ctrl-C,",
            "                           write the whole machine to FILE (guest images referenced by SHA-256)",
            "  --snapshot FILE|URL      resume a snapshot (a file, or an http(s) URL: /api/snapshots/ID or a",
            "                           share link /s/ID); the guest images are read from --kernel/--initrd/",
            "                           --bios/--multiboot if given, else from the paths the snapshot recorded,",
            "                           and must have the recorded SHA-256",
            "",
            "A write of v to port 0xF4 (like QEMU's isa-debug-exit) ends the run with status (v << 1) | 1.",
            "",
            "exit statuses:",
            ExitStatus.TABLE,
            "");
}
