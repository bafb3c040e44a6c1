package org.x86play.images;

/**
 * The reference guest's {@code /init}: a busybox sh script run by the kernel as PID 1 from the
 * initramfs. It prints fixed markers on the console so a host-side runner can follow the boot:
 * {@code GUEST-READY <uptime>} once user space runs, then either an interactive shell
 * ({@code guest=shell} on the kernel command line) or a scripted check that ends with
 * {@code GUEST-DONE} and a forced power-off.
 */
public final class InitScript {
    public static final String READY_MARKER = "GUEST-READY";
    public static final String DONE_MARKER = "GUEST-DONE";
    /** Kernel command-line word that selects the interactive shell instead of the scripted check. */
    public static final String SHELL_PARAMETER = "guest=shell";

    private InitScript() {
    }

    public static String render() {
        return String.join("\n",
                "#!/bin/busybox sh",
                "# x86play reference guest: PID 1 from the initramfs (see disk-images/README.md).",
                "/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp /root",
                "/bin/busybox --install -s",
                "export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=vt100",
                "mount -t proc proc /proc",
                "mount -t sysfs sysfs /sys",
                "# devtmpfs replaces the archive's static /dev nodes with the kernel's full set.",
                "mount -t devtmpfs devtmpfs /dev || echo 'init: devtmpfs not mounted, keeping static /dev'",
                "read up idle < /proc/uptime",
                "echo \"" + READY_MARKER + " $up\"",
                "read cmdline < /proc/cmdline",
                "case \" $cmdline \" in",
                "*\" " + SHELL_PARAMETER + " \"*)",
                "    echo 'init: interactive shell on the console (exit to power off)'",
                "    # cttyhack opens the real console tty so the shell gets job control.",
                "    setsid cttyhack sh",
                "    ;;",
                "*)",
                "    echo '--- uname -a'",
                "    uname -a",
                "    echo '--- /proc/cpuinfo'",
                "    cat /proc/cpuinfo",
                "    echo '--- /proc/interrupts'",
                "    cat /proc/interrupts",
                "    echo '--- compute'",
                "    echo \"6*7=$((6*7))\"",
                "    i=1; sum=0",
                "    while [ $i -le 100 ]; do sum=$((sum + i)); i=$((i + 1)); done",
                "    echo \"sum(1..100)=$sum\"",
                "    echo '" + DONE_MARKER + "'",
                "    ;;",
                "esac",
                "sync",
                "poweroff -f",
                "# Only reached if power-off failed: PID 1 must not exit (the kernel would panic).",
                "echo 'init: poweroff -f failed'",
                "while :; do sleep 3600; done",
                "");
    }
}
