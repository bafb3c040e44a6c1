package org.x86play.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Plays apt-get, apt-cache and dpkg-deb for the offline builder tests. */
final class FakeApt implements CommandRunner {
    static final String DEPENDS_OUTPUT = "linux-image-686\n  Depends: linux-image-6.1.0-50-686\n";
    static final byte[] BUSYBOX = "fake busybox binary".getBytes(StandardCharsets.US_ASCII);

    final List<List<String>> calls = new ArrayList<>();
    String kernelConfig = "CONFIG_HIGHMEM4G=y\n# CONFIG_X86_PAE is not set\n";
    boolean wrongAptChecksum;

    static byte[] deb(String pkg) {
        return ("fake deb of " + pkg).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public Result run(List<String> command, Path dir) throws IOException {
        calls.add(command);
        String tool = command.get(0);
        String last = command.get(command.size() - 1);
        if (tool.equals("apt-get") && last.equals("update")) {
            Path lists = Path.of(option(command, "Dir::State::Lists="));
            Files.writeString(lists.resolve("deb.debian.org_debian_dists_bookworm_main_binary-i386_Packages.lz4"), "x");
            return new Result(100, "", "E: Some index files failed to download.\n");
        }
        if (tool.equals("apt-cache") && command.contains("depends")) {
            return new Result(0, last.equals("linux-image-686") ? DEPENDS_OUTPUT : "", "");
        }
        if (tool.equals("apt-cache") && command.contains("show")) {
            String sha = wrongAptChecksum ? "00" : Sha256.of(deb(last));
            return new Result(0, "Package: " + last + "\nVersion: 1.0-1\nArchitecture: i386\nDescription: fake\n"
                    + " more text\nSHA256: " + sha + "\n\nPackage: " + last + "\nVersion: 0.9\n", "");
        }
        if (tool.equals("apt-get") && command.contains("download")) {
            Files.write(dir.resolve(last + "_1.0-1_i386.deb"), deb(last));
            return new Result(0, "", "");
        }
        if (tool.equals("dpkg-deb")) {
            String deb = new String(Files.readAllBytes(Path.of(command.get(2))), StandardCharsets.US_ASCII);
            Path root = Path.of(command.get(3));
            if (deb.contains("linux-image-6.1.0-50-686-unsigned")) {
                Files.createDirectories(root.resolve("boot"));
                Files.write(root.resolve("boot/vmlinuz-6.1.0-50-686"),
                        BzImageInfoTest.fakeBzImage("6.1.0-50-686 (fake)", 0x020F, true));
                Files.writeString(root.resolve("boot/config-6.1.0-50-686"), kernelConfig);
            } else if (deb.contains("busybox-static")) {
                Files.createDirectories(root.resolve("bin"));
                Files.write(root.resolve("bin/busybox"), BUSYBOX);
            } else if (deb.contains("seabios")) {
                Files.createDirectories(root.resolve("usr/share/seabios"));
                Files.write(root.resolve("usr/share/seabios/bios.bin"), new byte[128]);
                Files.write(root.resolve("usr/share/seabios/vgabios-stdvga.bin"), new byte[64]);
            } else {
                return new Result(2, "", "unknown deb " + deb);
            }
            return new Result(0, "", "");
        }
        return new Result(1, "", "FakeApt: unexpected command " + command);
    }

    private static String option(List<String> command, String prefix) {
        for (String s : command) {
            if (s.startsWith(prefix)) {
                return s.substring(prefix.length());
            }
        }
        throw new AssertionError("no option " + prefix + " in " + command);
    }
}
