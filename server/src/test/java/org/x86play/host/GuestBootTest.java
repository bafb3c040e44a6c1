package org.x86play.host;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.x86play.cpu.CpuId;

/**
 * The reference guest (built from Debian packages on first use) on the native runner: Debian's kernel boots
 * through the APIC path, runs the initramfs' scripted check and powers off through ACPI; SeaBIOS runs its
 * POST and prints its banner. Slow (minutes): tagged "guest"; part of the default test run and of CI.
 */
@Tag("guest")
class GuestBootTest {
    static ReferenceGuest guest;

    @BeforeAll
    static void buildGuest() throws Exception {
        guest = ReferenceGuest.ensure(System.err);
    }

    String stdout, stderr;

    int vmm(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = new VmmMain(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true),
                new PrintStream(err, true)).execute(args);
        stdout = out.toString(StandardCharsets.ISO_8859_1).replace("\r", "");
        stderr = err.toString(StandardCharsets.ISO_8859_1);
        return status;
    }

    @Test
    void debianKernelBootsRunsTheCheckAndPowersOff() {
        int status = vmm("run", "--kernel", guest.kernel.toString(), "--initrd", guest.initrd.toString(),
                "--append", "console=ttyS0 quiet", "--timeout", "1800");
        assertEquals(ExitStatus.OK, status, () -> "stderr: " + stderr + "\nstdout tail: " + tail(stdout));
        assertTrue(stderr.contains("the guest powered the machine off"), stderr);

        int ready = stdout.indexOf("GUEST-READY "), done = stdout.indexOf("GUEST-DONE");
        assertTrue(ready >= 0 && done > ready, () -> "markers missing or out of order:\n" + tail(stdout));
        assertTrue(stdout.contains("Linux (none) 6.1."), "uname -a");
        assertTrue(stdout.contains(" i686 GNU/Linux"), "uname -a machine");
        assertTrue(stdout.contains("6*7=42") && stdout.contains("sum(1..100)=5050"), "the guest's computation");

        // /proc/cpuinfo describes our CPUID exactly.
        assertTrue(stdout.contains("vendor_id\t: GenuineIntel"), "vendor");
        assertEquals("6", field("cpu family"));
        assertEquals(Integer.toString((CpuId.RESET_SIGNATURE >> 4) & 0xF), field("model"));
        assertEquals(Integer.toString(CpuId.RESET_SIGNATURE & 0xF), field("stepping"));
        Set<String> flags = new TreeSet<>(Set.of(field("flags").split(" ")));
        flags.remove("cpuid"); // Linux's own synthetic flag: "the CPUID instruction exists"
        assertEquals(expectedFlags(), flags);

        // /proc/interrupts: the timer and the serial port arrive through the I/O APIC, the local APIC timer ticks.
        assertTrue(count("^\\s*0:\\s+(\\d+)\\s+IO-APIC\\s+2-edge\\s+timer") > 0, "IRQ0 via IO-APIC pin 2:\n" + tail(stdout));
        assertTrue(count("^\\s*4:\\s+(\\d+)\\s+IO-APIC\\s+4-edge\\s+ttyS0") > 0, "ttyS0 via IO-APIC pin 4");
        assertTrue(count("^\\s*LOC:\\s+(\\d+)\\s") > 0, "local APIC timer interrupts");
    }

    @Test
    void seaBiosRunsItsPostAndPrintsItsBanner() {
        // On the serial console (SeaBIOS's sercon, COM1 named through fw_cfg).
        int status = vmm("run", "--bios", guest.bios.toString(), "--until", "No bootable device", "--timeout", "300");
        assertEquals(ExitStatus.OK, status, () -> "stderr: " + stderr + "\nstdout: " + tail(stdout));
        int banner = stdout.indexOf("SeaBIOS (version 1.16");
        assertTrue(banner >= 0, stdout);
        assertTrue(stdout.indexOf("Booting from Hard Disk...", banner) > banner, stdout);

        // Its screen text comes through its serial console: without a VGA BIOS (no PCI VGA device yet), SeaBIOS
        // has no int 10h handler that writes VGA text memory.
        assertTrue(stdout.contains("No bootable device."), stdout);
    }

    private static Set<String> expectedFlags() {
        String[] names = {"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", null, "sep", "mtrr",
                "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", null, "dts", "acpi", "mmx", "fxsr", "sse", "sse2"};
        Set<String> s = new TreeSet<>();
        int edx = CpuId.FEATURES_EDX | CpuId.APIC;
        for (int bit = 0; bit < names.length; bit++) {
            if ((edx & (1 << bit)) != 0) s.add(names[bit]);
        }
        return s;
    }

    private String field(String name) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "\\s*: (.*)$", Pattern.MULTILINE).matcher(stdout);
        assertTrue(m.find(), "no '" + name + "' in /proc/cpuinfo");
        return m.group(1).trim();
    }

    private long count(String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(stdout);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String tail(String s) {
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }
}
