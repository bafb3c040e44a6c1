package org.x86play.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./vmm run --save-snapshot / --snapshot} in-process, on the quick-start guest (assembled with nasm). */
class SnapshotCommandTest {
    @TempDir
    Path dir;

    String stdout, stderr;

    int vmm(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = new VmmMain(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(err, true)).execute(args);
        stdout = out.toString(StandardCharsets.ISO_8859_1);
        stderr = err.toString(StandardCharsets.ISO_8859_1);
        return status;
    }

    @Test
    void stoppedRunResumesFromItsSnapshotWithTheSameOutput() throws Exception {
        int status = vmm("run", "--bios", "hello", "--clock", "virtual");
        String whole = stdout;
        Path snap = dir.resolve("hello.snap");
        assertEquals(ExitStatus.LIMIT, vmm("run", "--bios", "hello", "--clock", "virtual", "--max-instructions", "300",
                "--save-snapshot", snap.toString()), stderr);
        String first = stdout;
        assertTrue(stderr.contains("snapshot written to " + snap), stderr);
        assertTrue(Files.size(snap) > 0);
        assertFalse(Files.exists(dir.resolve("hello.snap.tmp")), "no temporary file left");
        assertEquals(status, vmm("run", "--snapshot", snap.toString(), "--clock", "virtual"), stderr);
        assertEquals(whole, first + stdout, "first part + resumed part = the uninterrupted output");
    }

    @Test
    void snapshotComesFromAShareLinkOrItsApiAddress() throws Exception {
        int status = vmm("run", "--bios", "hello", "--clock", "virtual");
        String whole = stdout;
        Path snap = dir.resolve("url.snap");
        vmm("run", "--bios", "hello", "--clock", "virtual", "--max-instructions", "300", "--save-snapshot", snap.toString());
        String first = stdout;
        byte[] bytes = Files.readAllBytes(snap);
        // Stands in for the playground server: only /api/snapshots/abc exists.
        com.sun.net.httpserver.HttpServer http = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 4);
        http.createContext("/", ex -> {
            boolean known = ex.getRequestURI().getPath().equals("/api/snapshots/abc");
            ex.sendResponseHeaders(known ? 200 : 404, known ? bytes.length : -1);
            if (known) ex.getResponseBody().write(bytes);
            ex.close();
        });
        http.start();
        try {
            String base = "http://127.0.0.1:" + http.getAddress().getPort();
            for (String url : new String[] {base + "/s/abc", base + "/api/snapshots/abc"}) {
                assertEquals(status, vmm("run", "--snapshot", url, "--clock", "virtual"), url + ": " + stderr);
                assertEquals(whole, first + stdout, url);
            }
            assertEquals(ExitStatus.USAGE, vmm("run", "--snapshot", base + "/s/nope"));
            assertTrue(stderr.contains("answered 404"), stderr);
        } finally {
            http.stop(0);
        }
    }

    @Test
    void badSnapshotsAndOptionsGetClearErrors() throws Exception {
        Path junk = dir.resolve("junk.snap");
        Files.write(junk, "this file is not a snapshot, it is just some text".getBytes(StandardCharsets.US_ASCII));
        assertEquals(ExitStatus.USAGE, vmm("run", "--snapshot", junk.toString()));
        assertTrue(stderr.contains("not an x86play snapshot"), stderr);

        Path snap = dir.resolve("h.snap");
        vmm("run", "--bios", "hello", "--clock", "virtual", "--max-instructions", "1000", "--save-snapshot", snap.toString());
        byte[] b = Files.readAllBytes(snap);
        b[b.length / 2] ^= 0x40;
        Files.write(junk, b);
        assertEquals(ExitStatus.USAGE, vmm("run", "--snapshot", junk.toString()));
        assertTrue(stderr.contains("checksum mismatch"), stderr);

        assertEquals(ExitStatus.USAGE, vmm("run", "--snapshot", snap.toString(), "--append", "x"));
        assertTrue(stderr.contains("--append cannot be used with --snapshot"), stderr);

        // The image must be the one the snapshot recorded (by content).
        Path other = dir.resolve("other.rom");
        Files.write(other, new byte[64 << 10]);
        assertEquals(ExitStatus.USAGE, vmm("run", "--snapshot", snap.toString(), "--bios", other.toString()));
        assertTrue(stderr.contains("firmware image differs"), stderr);
    }

    @Test
    void noSnapshotAfterTheGuestEndedItself() {
        Path snap = dir.resolve("off.snap");
        vmm("run", "--bios", "hello", "--clock", "virtual", "--save-snapshot", snap.toString());
        assertTrue(stderr.contains("no snapshot written"), stderr);
        assertFalse(Files.exists(snap));
    }
}
