package org.x86play.host;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.x86play.machine.RunResult;

/** {@code ./vmm} in-process: exit statuses, messages on stderr, guest output on stdout. */
class VmmMainTest {
    @TempDir
    Path dir;

    String stdout, stderr;

    int vmmWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = new VmmMain(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1)),
                new PrintStream(out, true), new PrintStream(err, true)).execute(args);
        stdout = out.toString(StandardCharsets.ISO_8859_1);
        stderr = err.toString(StandardCharsets.ISO_8859_1);
        return status;
    }

    int vmm(String... args) { return vmmWithInput("", args); }

    /** Assembles NASM source in the temporary folder; returns the output file. */
    Path nasm(String name, String source, boolean elf) throws Exception {
        Path asm = dir.resolve(name + ".asm");
        Files.writeString(asm, source);
        Path obj = dir.resolve(name + (elf ? ".o" : ".bin"));
        exec("nasm", "-f", elf ? "elf32" : "bin", "-o", obj.toString(), asm.toString());
        if (!elf) return obj;
        Path exe = dir.resolve(name + ".elf");
        exec("ld", "-m", "elf_i386", "-Ttext=0x100000", "-e", "_start", "-o", exe.toString(), obj.toString());
        return exe;
    }

    private static void exec(String... cmd) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, cmd[0] + " is not installed");
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }

    /** A 64 KiB real-mode ROM: {@code body} at offset 0, a far jump to it at the reset vector. */
    Path rom(String body) throws Exception {
        return nasm("rom", "bits 16\norg 0\nstart:\n" + body + "\ntimes 0xFFF0-($-$$) db 0xF4\n"
                + "jmp 0xF000:start\ntimes 0x10000-($-$$) db 0xF4\n", false);
    }

    @Test
    void helpListsCommandsOptionsAndStatuses() {
        assertEquals(0, vmm("help"));
        for (String s : new String[] {"./vmm run", "./vmm conformance", "./vmm serve", "--port N", "--bind ADDR", "--images DIR", "--mem MB", "--bios FILE", "--multiboot FILE",
                "--append", "--serial stdio|none", "--post-port", "--timeout", "--max-instructions", "--trace",
                "--kernel", "(v << 1) | 1", "  12 "}) {
            assertTrue(stdout.contains(s), "help mentions " + s);
        }
    }

    @Test
    void usageErrorsAreOneLineWithStatus2() throws Exception {
        assertEquals(2, vmm());
        assertEquals(2, vmm("frobnicate"));
        assertTrue(stderr.startsWith("vmm: unknown command 'frobnicate'"), stderr);
        String[][] cases = {
            {"run"}, {"nothing to run"},
            {"run", "--bios"}, {"--bios needs a value"},
            {"run", "--frob", "1"}, {"unknown option --frob"},
            {"run", "--kernel", "bzImage"}, {"cannot read bzImage"},
            {"run", "--initrd", "x"}, {"nothing to run"},
            {"run", "--bios", "x.bin", "--initrd", "x"}, {"--initrd needs --kernel"},
            {"run", "--kernel", "a", "--multiboot", "b"}, {"use only one of"},
            {"run", "--bios", "x.bin", "--mem", "0"}, {"--mem must be between 2 and 1024"},
            {"run", "--bios", "x.bin", "--mem", "lots"}, {"--mem needs a number"},
            {"run", "--bios", "x.bin", "--serial", "tcp"}, {"--serial must be stdio or none"},
            {"run", "--bios", "x.bin", "--post-port", "0x10000"}, {"--post-port must be between 0 and 65535"},
            {"run", "--bios", "x.bin", "--timeout", "-1"}, {"--timeout must be a positive number"},
            {"run", "--bios", "x.bin", "--trace", "0"}, {"--trace must be between 1"},
            {"run", "--bios", "x.bin", "--append", "quiet"}, {"--append needs --multiboot or --kernel"},
            {"run", "--bios", "a", "--multiboot", "b"}, {"use only one of --bios, --multiboot and --kernel"},
            {"run", "--bios", "/nonexistent/bios.bin"}, {"no such file"},
            {"serve", "--port"}, {"--port needs a value"},
            {"serve", "--port", "65536"}, {"--port must be between 0 and 65535"},
            {"serve", "--port=http"}, {"--port needs a number"},
            {"serve", "--bind", " "}, {"--bind needs an address"},
            {"serve", "--images", "/nonexistent/images"}, {"--images /nonexistent/images: no such directory"},
            {"serve", "--frob"}, {"unknown serve option --frob"},
            {"serve", "--s3-endpoint", "http://127.0.0.1:1"}, {"--s3-endpoint and --s3-bucket go together"},
            {"serve", "--max-upload", "0"}, {"--max-upload must be between 1 and 2047"},
            {"serve", "now"}, {"unexpected argument 'now'"},
        };
        for (int i = 0; i < cases.length; i += 2) {
            assertEquals(2, vmm(cases[i]), String.join(" ", cases[i]));
            assertTrue(stderr.startsWith("vmm: ") && stderr.contains(cases[i + 1][0]), stderr);
            assertEquals(1, stderr.lines().count(), "one line: " + stderr);
        }
    }

    @Test
    void serveReportsAnImageDirectoryWithoutImagesBeforeListening() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("no-images"));
        assertEquals(2, vmm("serve", "--port", "0", "--images", empty.toString()));
        assertTrue(stderr.startsWith("vmm: ") && stderr.contains("holds no guest image"), stderr);
        assertEquals("", stdout);
    }

    @Test
    void badFilesAreReportedClearly() throws Exception {
        Path small = dir.resolve("small.bin");
        Files.write(small, new byte[1000]);
        assertEquals(2, vmm("run", "--bios", small.toString()));
        assertTrue(stderr.contains("multiple of 64 KiB"), stderr);
        assertEquals(2, vmm("run", "--multiboot", small.toString()));
        assertTrue(stderr.contains("no Multiboot header"), stderr);
        assertEquals(1, stderr.lines().count(), stderr);
        assertEquals(2, vmm("run", "--bios", dir.toString()));
        assertTrue(stderr.contains("is a directory"), stderr);
    }

    @Test
    void guestOutputAndDebugExitStatus() throws Exception {
        Path r = rom("mov dx, 0x3F8\nmov si, msg\n.l: mov al, [cs:si]\ninc si\ntest al, al\njz .e\nout dx, al\njmp .l\n"
                + ".e: mov al, 0x10\nout 0xF4, al\nhlt\nmsg: db 'hello, world', 10, 0");
        assertEquals((0x10 << 1) | 1, vmm("run", "--bios", r.toString()));
        assertEquals("hello, world\n", stdout);
        assertEquals("", stderr);
        assertEquals(0x21, vmm("run", "--bios", r.toString(), "--serial", "none", "--mem=16"));
        assertEquals("", stdout);
    }

    @Test
    void serialInputComesFromStdin() throws Exception {
        // Echo bytes until a '.' arrives, uppercasing letters.
        Path r = rom("next: mov dx, 0x3FD\npoll: in al, dx\ntest al, 1\njz poll\nmov dx, 0x3F8\nin al, dx\n"
                + "cmp al, '.'\nje done\ncmp al, 'a'\njb put\nsub al, 32\nput: out dx, al\njmp next\n"
                + "done: mov al, 0\nout 0xF4, al");
        assertEquals(1, vmmWithInput("abc xyz.ignored", "run", "--bios", r.toString(), "--timeout", "20"));
        assertEquals("ABC XYZ", stdout);
    }

    @Test
    void postCodesGoToStderr() throws Exception {
        Path r = rom("mov al, 0x01\nout 0x80, al\nmov al, 0xAB\nout 0x80, al\nmov al, 0x5C\nout 0x84, al\n"
                + "mov al, 0\nout 0xF4, al");
        assertEquals(1, vmm("run", "--bios", r.toString()));
        assertEquals("POST 0x01\nPOST 0xAB\n", stderr.replace("\r", ""));
        assertEquals(1, vmm("run", "--bios", r.toString(), "--post-port", "0x84"));
        assertEquals("POST 0x5C\n", stderr.replace("\r", ""));
        assertEquals(2, vmm("run", "--bios", r.toString(), "--post-port", "244"));
        assertTrue(stderr.contains("already used"), stderr);
    }

    @Test
    void haltLimitsAndTimeouts() throws Exception {
        assertEquals(4, vmm("run", "--bios", rom("cli\nhlt").toString()));
        assertTrue(stderr.startsWith("vmm: CPU halted with interrupts disabled at F000:"), stderr);
        Path loop = rom("jmp $");
        assertEquals(10, vmm("run", "--bios", loop.toString(), "--max-instructions", "5000"));
        assertTrue(stderr.contains("instruction limit of 5000"), stderr);
        assertEquals(10, vmm("run", "--bios", loop.toString(), "--timeout", "0.2"));
        assertTrue(stderr.contains("timeout"), stderr);
    }

    @Test
    void tripleFaultPrintsTheTrace() throws Exception {
        Path r = rom("lidt [cs:zero]\nmov ax, 1\nint3\nhlt\nzero: dw 0\ndd 0");
        assertEquals(6, vmm("run", "--bios", r.toString(), "--trace", "2"));
        String[] lines = stderr.split("\n");
        assertTrue(lines[0].startsWith("vmm: triple fault at F000:"), stderr);
        assertTrue(lines[1].contains("last 2 instructions"), stderr);
        assertTrue(lines[2].contains("mov ax"), stderr);
        assertTrue(lines[3].contains("int3") || lines[3].contains("int 3"), stderr);
        assertEquals(4, lines.length, stderr);
    }

    @Test
    void exitStatusMapping() {
        assertEquals(8, ExitStatus.of(new RunResult(RunResult.Reason.UNIMPLEMENTED, 0, "x", 1)));
        assertEquals(12, ExitStatus.of(new RunResult(RunResult.Reason.HOST_ERROR, 0, "x", 1)));
        assertEquals(10, ExitStatus.of(new RunResult(RunResult.Reason.TIMEOUT, 0, "x", 1)));
        assertEquals(255, ExitStatus.of(new RunResult(RunResult.Reason.DEBUG_EXIT, 255, "x", 1)));
    }

    @Test
    void multibootKernelWithCommandLine() throws Exception {
        Path k = nasm("kernel", "bits 32\nsection .text\nglobal _start\n_start: jmp start\nalign 4\n"
                + "dd 0x1BADB002, 0, -0x1BADB002\n"
                + "start: cmp eax, 0x2BADB002\njne bad\nmov esi, [ebx+16]\nmov dx, 0x3F8\n"
                + ".l: lodsb\ntest al, al\njz .e\nout dx, al\njmp .l\n.e: mov al, 3\nout 0xF4, al\n"
                + "bad: mov al, 0x7F\nout 0xF4, al\n", true);
        assertEquals(7, vmm("run", "--multiboot", k.toString(), "--append", "root=/dev/sda1 console=ttyS0", "--mem", "16"));
        assertEquals(k + " root=/dev/sda1 console=ttyS0", stdout);
        assertEquals(7, vmm("run", "--multiboot", k.toString()));
        assertEquals(k.toString(), stdout);
    }

    @Test
    void quickStartGuestByName() {
        Path root = Path.of(System.getProperty("x86play.root", "..")).toAbsolutePath();
        assumeTrue(Files.isRegularFile(root.resolve("disk-images/guests/hello.asm")));
        String old = System.getProperty("x86play.root");
        System.setProperty("x86play.root", root.toString());
        try {
            int status = vmm("run", "--bios", "hello", "--timeout", "30");
            assertEquals(1, status, stderr);
            assertTrue(stdout.contains("bye"), stdout);
        } finally {
            if (old == null) System.clearProperty("x86play.root");
            else System.setProperty("x86play.root", old);
        }
    }
}
