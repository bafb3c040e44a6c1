package org.x86play.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitScriptTest {
    private final String script = InitScript.render();

    @Test
    void startsWithBusyboxShebangAndSetsUpTheSystem() {
        assertTrue(script.startsWith("#!/bin/busybox sh\n"));
        assertInOrder("/bin/busybox --install -s", "mount -t proc proc /proc", "mount -t sysfs sysfs /sys",
                "mount -t devtmpfs devtmpfs /dev", "read up idle < /proc/uptime", "echo \"GUEST-READY $up\"",
                "read cmdline < /proc/cmdline");
    }

    @Test
    void shellParameterSelectsAnInteractiveShellWithAControllingTty() {
        assertInOrder("*\" guest=shell \"*)", "setsid cttyhack sh", ";;", "*)", "uname -a");
    }

    @Test
    void scriptedCheckRunsTheChecksThenPowersOff() {
        assertInOrder("uname -a", "cat /proc/cpuinfo", "cat /proc/interrupts", "$((6*7))", "while [ $i -le 100 ]",
                "echo 'GUEST-DONE'", "esac", "poweroff -f", "while :; do sleep 3600; done");
    }

    @Test
    void isValidShellSyntax(@TempDir Path tmp) throws IOException, InterruptedException {
        Path sh = Path.of("/bin/sh");
        assumeTrue(Files.isExecutable(sh), "no /bin/sh on this host");
        Path f = tmp.resolve("init");
        Files.writeString(f, script, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(sh.toString(), "-n", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    /** The shell arithmetic of the check gives the values a runner can compare with. */
    @Test
    void computationPrintsExpectedValuesUnderAPosixShell() throws IOException, InterruptedException {
        Path sh = Path.of("/bin/sh");
        assumeTrue(Files.isExecutable(sh), "no /bin/sh on this host");
        int from = script.indexOf("    echo \"6*7=");
        int to = script.indexOf("    echo 'GUEST-DONE'");
        Process p = new ProcessBuilder(sh.toString(), "-c", script.substring(from, to)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertEquals("6*7=42\nsum(1..100)=5050\n", out);
    }

    private void assertInOrder(String... parts) {
        int pos = 0;
        for (String part : parts) {
            int at = script.indexOf(part, pos);
            assertTrue(at >= 0, "missing (in order) '" + part + "' after offset " + pos + " in:\n" + script);
            pos = at + part.length();
        }
    }
}
