package org.x86play.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import org.x86play.host.VmmMain;

/** Small real snapshots for the server tests: the quick-start guest ({@code hello}, assembled with nasm) stopped early. */
final class TestSnapshots {
    private TestSnapshots() {}

    /** A snapshot of {@code hello} after {@code instructions} instructions, and its COM1 output so far. */
    record Taken(byte[] data, String output) {}

    static Taken hello(Path dir, long instructions) throws IOException {
        Path snap = dir.resolve("hello-" + instructions + ".snap");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = new VmmMain(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(err, true))
                .execute(new String[] {"run", "--bios", "hello", "--clock", "virtual", "--max-instructions", Long.toString(instructions),
                        "--save-snapshot", snap.toString()});
        if (!Files.isRegularFile(snap)) throw new IOException("no snapshot (status " + status + "): " + err.toString(StandardCharsets.UTF_8));
        return new Taken(Files.readAllBytes(snap), out.toString(StandardCharsets.ISO_8859_1));
    }

    /** The whole output of {@code hello} run to its end. */
    static String helloOutput() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new VmmMain(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(OutputStream0.INSTANCE, true))
                .execute(new String[] {"run", "--bios", "hello", "--clock", "virtual"});
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Where the build assembled the hello firmware (the runner may use it: it is matched by SHA-256). */
    static Path helloRom() {
        return Path.of(System.getProperty("x86play.root", "..")).resolve("disk-images/target/guests/hello.rom").toAbsolutePath().normalize();
    }

    /**
     * Recomputes every section CRC-32 and the file CRC-32 after a mutation (FORMAT.md: the section CRC covers tag,
     * encoding, both lengths and payload), so that the mutation reaches the checks behind the checksums. Leaves the
     * bytes alone where the container structure itself no longer parses.
     */
    static byte[] fixChecksums(byte[] d) {
        int n = d.length;
        if (n < 24) return d;
        int trailer = n - 8;
        int count = i32(d, 12);
        int pos = 16;
        for (int i = 0; i < count && i < 256; i++) {
            if (trailer - pos < 17) break;
            int len = i32(d, pos + 5);
            if (len < 0 || len > trailer - pos - 17) break;
            CRC32 c = new CRC32();
            c.update(d, pos, 13 + len);
            put32(d, pos + 13 + len, (int) c.getValue());
            pos += 17 + len;
        }
        CRC32 c = new CRC32();
        c.update(d, 0, trailer + 4);
        put32(d, trailer + 4, (int) c.getValue());
        return d;
    }

    static int i32(byte[] d, int at) {
        return (d[at] & 0xFF) | (d[at + 1] & 0xFF) << 8 | (d[at + 2] & 0xFF) << 16 | (d[at + 3] & 0xFF) << 24;
    }

    static void put32(byte[] d, int at, int v) {
        d[at] = (byte) v;
        d[at + 1] = (byte) (v >> 8);
        d[at + 2] = (byte) (v >> 16);
        d[at + 3] = (byte) (v >> 24);
    }

    private static final class OutputStream0 extends java.io.OutputStream {
        static final OutputStream0 INSTANCE = new OutputStream0();

        @Override
        public void write(int b) { }
    }
}
