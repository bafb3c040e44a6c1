package org.x86play.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real build: apt downloads from Debian's mirror (~53 MB), so it is excluded from the default
 * run. Run it with {@code mvn -pl disk-images test -Dgroups=network -Dimages.excludedGroups=none}.
 */
@Tag("network")
class ReferenceGuestNetworkTest {

    @Test
    void buildsTheReferenceGuestFromDebianPackagesThenServesItFromTheCache(@TempDir Path buildRoot)
            throws IOException, InterruptedException {
        PrintStream log = new PrintStream(new ByteArrayOutputStream());
        Manifest m = new ReferenceGuestBuilder(buildRoot, CommandRunner.system(), log).ensureBuilt(false);
        Path ref = buildRoot.resolve("reference");

        assertTrue(m.kernel().packageName().matches("linux-image-.*-686-unsigned"), m.kernel().packageName());
        assertTrue(m.kernel().versionString().startsWith(m.kernel().release() + " "), m.kernel().versionString());
        assertFalse(m.kernel().pae());
        BzImageInfo info = BzImageInfo.parse(Files.readAllBytes(ref.resolve("vmlinuz")));
        assertTrue(info.loadedHigh());
        assertTrue(info.protocolVersion() >= 0x020A, "initrd above 16 MiB needs boot protocol 2.10+");
        String config = Files.readString(ref.resolve("kernel.config"));
        assertTrue(config.contains("CONFIG_RD_GZIP=y") && config.contains("CONFIG_BLK_DEV_INITRD=y"));
        assertTrue(config.contains("CONFIG_SERIAL_8250_CONSOLE=y") && config.contains("CONFIG_DEVTMPFS=y"));
        assertEquals(131072, Files.size(ref.resolve("bios.bin")));

        assertEquals(3, m.inputs().size());
        for (Manifest.Input in : m.inputs()) {
            assertEquals(64, in.sha256().length());
            assertEquals(in.sha256(), in.aptSha256(), in.packageName());
        }
        assertTrue(m.outputsIntact(ref));

        byte[] busybox = CpioTestReader.read(CpioTestReader.gunzip(Files.readAllBytes(ref.resolve("initrd.gz"))))
                .get("bin/busybox").data();
        assertEquals(0x7F, busybox[0]);
        assertEquals('E', busybox[1]);
        assertEquals(1, busybox[4], "ELFCLASS32");
        assertEquals(3, busybox[18], "EM_386");

        // Second use: no command may run.
        CommandRunner refuse = (cmd, dir) -> {
            throw new AssertionError("cached build ran " + cmd);
        };
        assertEquals(m, new ReferenceGuestBuilder(buildRoot, refuse, log).ensureBuilt(false));

        bootsUnderQemu(ref);
    }

    /** The reference check under QEMU (TCG), when it is installed: the markers prove the guest works. */
    private static void bootsUnderQemu(Path ref) throws IOException, InterruptedException {
        Path qemu = Path.of("/usr/bin/qemu-system-i386");
        assumeTrue(Files.isExecutable(qemu), "qemu-system-i386 not installed");
        Path log = ref.resolve("qemu.log");
        Process p = new ProcessBuilder(List.of(qemu.toString(), "-kernel", ref.resolve("vmlinuz").toString(),
                "-initrd", ref.resolve("initrd.gz").toString(), "-append", "console=ttyS0 quiet",
                "-bios", ref.resolve("bios.bin").toString(), "-nographic", "-m", "128", "-accel", "tcg",
                "-no-reboot", "-monitor", "none", "-serial", "stdio"))
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        boolean exited = p.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.ISO_8859_1);
        assertTrue(exited, "guest did not power off within 120 s:\n" + out);
        int ready = out.indexOf("GUEST-READY ");
        assertTrue(ready >= 0, out);
        assertTrue(out.indexOf("i686 GNU/Linux", ready) > ready, out);
        assertTrue(out.contains("6*7=42") && out.contains("sum(1..100)=5050"), out);
        assertTrue(out.indexOf("GUEST-DONE") > ready, out);
    }
}
