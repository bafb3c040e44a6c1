package org.x86play.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots of the reference guest through {@code ./vmm run}: boot to the interactive shell and snapshot at the
 * prompt; resume in a fresh machine, create /tmp/file and start a background counter, snapshot again; resume
 * once more: the file is there and the counter keeps counting. Slow (one Linux boot): tagged "guest".
 */
@Tag("guest")
class GuestSnapshotTest {
    static ReferenceGuest guest;

    @BeforeAll
    static void buildGuest() throws Exception {
        guest = ReferenceGuest.ensure(System.err);
    }

    String stdout, stderr;

    int vmm(String input, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = new VmmMain(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), new PrintStream(out, true),
                new PrintStream(err, true)).execute(args);
        stdout = out.toString(StandardCharsets.ISO_8859_1).replace("\r", "");
        stderr = err.toString(StandardCharsets.ISO_8859_1);
        return status;
    }

    @Test
    void shellStateSurvivesSnapshotAndRestore(@TempDir Path dir) throws Exception {
        Path atPrompt = dir.resolve("prompt.snap"), withState = dir.resolve("state.snap");
        int status = vmm("", "run", "--kernel", guest.kernel.toString(), "--initrd", guest.initrd.toString(),
                "--append", "console=ttyS0 quiet guest=shell", "--clock", "virtual", "--until", " # ",
                "--save-snapshot", atPrompt.toString(), "--timeout", "1200");
        assertEquals(ExitStatus.OK, status, () -> "stderr: " + stderr + "\nstdout: " + tail(stdout));
        Matcher written = Pattern.compile("snapshot written to .* \\((\\d+) bytes; (.*)\\)").matcher(stderr);
        assertTrue(written.find(), stderr);
        System.out.println("reference guest at the shell prompt: snapshot of " + written.group(1) + " bytes: " + written.group(2));
        assertEquals(Long.parseLong(written.group(1)), Files.size(atPrompt));

        // Resume (images found through the paths the snapshot recorded), leave state behind, snapshot again.
        status = vmm("echo snapshot-state > /tmp/file; (n=0; while :; do n=$((n+1)); echo $n > /tmp/count; sleep 1; done) &"
                        + " sleep 3; echo MARK-$((40+2))\n",
                "run", "--snapshot", atPrompt.toString(), "--clock", "virtual", "--until", "MARK-42",
                "--save-snapshot", withState.toString(), "--timeout", "600");
        assertEquals(ExitStatus.OK, status, () -> "stderr: " + stderr + "\nstdout: " + tail(stdout));

        // A fresh machine from the second snapshot: the file is there, the background counter continues.
        status = vmm("cat /tmp/file; echo C1=$(cat /tmp/count); sleep 3; echo C2=$(cat /tmp/count); echo END-$((1+1))\n",
                "run", "--snapshot", withState.toString(), "--kernel", guest.kernel.toString(), "--initrd", guest.initrd.toString(),
                "--clock", "virtual", "--until", "END-2", "--timeout", "600");
        assertEquals(ExitStatus.OK, status, () -> "stderr: " + stderr + "\nstdout: " + tail(stdout));
        assertTrue(Pattern.compile("^snapshot-state$", Pattern.MULTILINE).matcher(stdout).find(), () -> "cat /tmp/file:\n" + tail(stdout));
        int c1 = value("C1"), c2 = value("C2");
        assertTrue(c1 >= 3 && c2 > c1, "counter " + c1 + " then " + c2);
    }

    private int value(String name) {
        Matcher m = Pattern.compile("^" + name + "=(\\d+)$", Pattern.MULTILINE).matcher(stdout);
        assertTrue(m.find(), () -> name + " missing:\n" + tail(stdout));
        return Integer.parseInt(m.group(1));
    }

    private static String tail(String s) {
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }
}
