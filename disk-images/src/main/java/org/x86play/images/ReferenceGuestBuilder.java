package org.x86play.images;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds the "debian-i386-busybox" reference guest on first use and caches it in
 * {@code disk-images/build/reference/}: Debian's i386 non-PAE kernel (bzImage), a busybox
 * initramfs written without root, and SeaBIOS with its stdvga VGA BIOS, plus a manifest with the
 * SHA-256 of every input package and output file.
 *
 * <p>Usage: {@code ReferenceGuestBuilder [--build-dir DIR] [--force]}; DIR defaults to
 * {@code disk-images/build} of the repository the current folder is in.
 */
public final class ReferenceGuestBuilder {
    public static final String GUEST = "debian-i386-busybox";
    public static final int FORMAT_VERSION = 1;
    public static final String KERNEL_META_PACKAGE = "linux-image-686";
    public static final String BUSYBOX_PACKAGE = "busybox-static";
    public static final String SEABIOS_PACKAGE = "seabios";

    // Output file names inside build/reference/ (catalog.json refers to them).
    public static final String KERNEL = "vmlinuz";
    public static final String KERNEL_CONFIG = "kernel.config";
    public static final String INITRD = "initrd.gz";
    public static final String INIT = "init";
    public static final String BIOS = "bios.bin";
    public static final String VGABIOS = "vgabios-stdvga.bin";
    public static final String MANIFEST = "manifest.json";

    private static final Pattern KERNEL_DEP = Pattern.compile("linux-image-(\\d[\\w.+~-]*)-686");

    private final Path buildRoot;
    private final CommandRunner runner;
    private final PrintStream log;

    public ReferenceGuestBuilder(Path buildRoot, CommandRunner runner, PrintStream log) {
        this.buildRoot = buildRoot;
        this.runner = runner;
        this.log = log;
    }

    public Path referenceDir() {
        return buildRoot.resolve("reference");
    }

    /** SHA-256 over everything that shapes the initramfs besides its input binaries. */
    public static String recipeSha256() {
        return Sha256.of(("format " + FORMAT_VERSION + "\nlayout " + InitramfsBuilder.LAYOUT_VERSION + "\n"
                + InitScript.render()).getBytes(StandardCharsets.UTF_8));
    }

    /** The cached build's manifest if it is complete, intact and made by the current recipe; else null. */
    public Manifest cached() throws IOException {
        Path manifestFile = referenceDir().resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            return null;
        }
        Manifest m;
        try {
            m = Manifest.read(manifestFile);
        } catch (IOException e) {
            log.println("images: unreadable manifest, rebuilding: " + e.getMessage());
            return null;
        }
        if (m.formatVersion() != FORMAT_VERSION || !GUEST.equals(m.guest())
                || !recipeSha256().equals(m.recipeSha256())) {
            return null;
        }
        for (String required : List.of(KERNEL, INITRD, BIOS, VGABIOS)) {
            if (m.output(required) == null) {
                return null;
            }
        }
        return m.outputsIntact(referenceDir()) ? m : null;
    }

    /** Returns the cached build, building it first if missing, stale or {@code force}d. */
    public Manifest ensureBuilt(boolean force) throws IOException {
        if (!force) {
            Manifest m = cached();
            if (m != null) {
                log.println("images: reference guest is up to date in " + referenceDir());
                return m;
            }
        }
        return build();
    }

    /** Downloads the packages through apt and (re)builds every output. */
    public Manifest build() throws IOException {
        Path aptDir = buildRoot.resolve("apt");
        AptClient apt = new AptClient(aptDir, runner);
        log.println("images: apt-get update (private lists in " + aptDir + ")");
        apt.update();

        String kernelRelease = kernelRelease(apt.depends(KERNEL_META_PACKAGE));
        String kernelPackage = "linux-image-" + kernelRelease + "-unsigned";
        log.println("images: kernel " + KERNEL_META_PACKAGE + " -> " + kernelPackage);

        Path debs = aptDir.resolve("debs");
        Path unpack = aptDir.resolve("unpack");
        deleteTree(debs);
        deleteTree(unpack);
        List<Manifest.Input> inputs = new ArrayList<>();
        for (String pkg : List.of(kernelPackage, BUSYBOX_PACKAGE, SEABIOS_PACKAGE)) {
            Map<String, String> fields = apt.show(pkg);
            log.println("images: apt-get download " + pkg + " " + fields.get("Version"));
            Path deb = apt.download(pkg, debs.resolve(pkg));
            String sha = Sha256.of(deb);
            String aptSha = fields.get("SHA256");
            if (aptSha != null && !aptSha.equalsIgnoreCase(sha)) {
                throw new IOException(deb + ": SHA-256 " + sha + " differs from apt's index " + aptSha);
            }
            inputs.add(new Manifest.Input(pkg, fields.get("Version"), fields.get("Architecture"),
                    deb.getFileName().toString(), Files.size(deb), sha, aptSha));
            apt.unpack(deb, unpack.resolve(pkg));
        }

        Path kernelRoot = unpack.resolve(kernelPackage);
        byte[] vmlinuz = Files.readAllBytes(kernelRoot.resolve("boot/vmlinuz-" + kernelRelease));
        byte[] config = Files.readAllBytes(kernelRoot.resolve("boot/config-" + kernelRelease));
        BzImageInfo info = BzImageInfo.parse(vmlinuz);
        boolean pae = configEnabled(new String(config, StandardCharsets.UTF_8), "CONFIG_X86_PAE");
        if (!info.loadedHigh() || pae) {
            throw new IOException("kernel is not a non-PAE bzImage: loadedHigh=" + info.loadedHigh() + " pae=" + pae);
        }
        byte[] busybox = Files.readAllBytes(unpack.resolve(BUSYBOX_PACKAGE).resolve("bin/busybox"));
        Path seabios = unpack.resolve(SEABIOS_PACKAGE).resolve("usr/share/seabios");
        String init = InitScript.render();

        Path stage = buildRoot.resolve("reference.new");
        deleteTree(stage);
        Files.createDirectories(stage);
        List<Manifest.Output> outputs = new ArrayList<>();
        outputs.add(output(stage, KERNEL, vmlinuz, kernelPackage + ":boot/vmlinuz-" + kernelRelease));
        outputs.add(output(stage, KERNEL_CONFIG, config, kernelPackage + ":boot/config-" + kernelRelease));
        outputs.add(output(stage, INITRD, InitramfsBuilder.gzipped(busybox, init),
                "gzip(cpio newc: dev nodes, " + BUSYBOX_PACKAGE + ":bin/busybox as /bin/busybox, /init)"));
        outputs.add(output(stage, INIT, init.getBytes(StandardCharsets.UTF_8), "the initramfs's /init (copy)"));
        outputs.add(output(stage, BIOS, Files.readAllBytes(seabios.resolve("bios.bin")),
                SEABIOS_PACKAGE + ":usr/share/seabios/bios.bin"));
        outputs.add(output(stage, VGABIOS, Files.readAllBytes(seabios.resolve("vgabios-stdvga.bin")),
                SEABIOS_PACKAGE + ":usr/share/seabios/vgabios-stdvga.bin"));

        Manifest manifest = new Manifest(FORMAT_VERSION, GUEST, ReferenceGuestBuilder.class.getName(), recipeSha256(),
                new Manifest.Kernel(kernelPackage, kernelRelease, info.protocol(), info.kernelVersion(), true, pae),
                inputs, outputs);
        manifest.write(stage.resolve(MANIFEST));
        deleteTree(referenceDir());
        Files.move(stage, referenceDir());
        deleteTree(unpack);
        deleteTree(debs);
        log.println("images: built " + GUEST + " in " + referenceDir());
        return manifest;
    }

    /** "6.1.0-50-686" from the meta package's dependency "linux-image-6.1.0-50-686". */
    static String kernelRelease(List<String> depends) throws IOException {
        for (String dep : depends) {
            Matcher m = KERNEL_DEP.matcher(dep);
            if (m.matches()) {
                return m.group(1) + "-686";
            }
        }
        throw new IOException(KERNEL_META_PACKAGE + " has no linux-image-<ver>-686 dependency: " + depends);
    }

    /** True if a kernel .config sets {@code option=y} (or =m). */
    static boolean configEnabled(String config, String option) {
        for (String line : config.split("\n")) {
            if (line.startsWith(option + "=")) {
                String v = line.substring(option.length() + 1).strip();
                return v.equals("y") || v.equals("m");
            }
        }
        return false;
    }

    private static Manifest.Output output(Path dir, String name, byte[] data, String source) throws IOException {
        Files.write(dir.resolve(name), data);
        return new Manifest.Output(name, data.length, Sha256.of(data), source);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The repository's {@code disk-images/build}, found from the current folder upwards. */
    static Path defaultBuildRoot() {
        String prop = System.getProperty("x86play.images.build");
        if (prop != null && !prop.isBlank()) {
            return Paths.get(prop);
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("disk-images/catalog.json"))) {
                return p.resolve("disk-images/build");
            }
            if (p.getFileName() != null && p.getFileName().toString().equals("disk-images")
                    && Files.isRegularFile(p.resolve("catalog.json"))) {
                return p.resolve("build");
            }
        }
        return Paths.get("disk-images/build").toAbsolutePath();
    }

    public static void main(String[] args) throws IOException {
        Path buildRoot = null;
        boolean force = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--force" -> force = true;
                case "--build-dir" -> {
                    if (i + 1 >= args.length) {
                        usage();
                    }
                    buildRoot = Paths.get(args[++i]);
                }
                default -> usage();
            }
        }
        if (buildRoot == null) {
            buildRoot = defaultBuildRoot();
        }
        ReferenceGuestBuilder builder = new ReferenceGuestBuilder(buildRoot.toAbsolutePath(), CommandRunner.system(),
                System.err);
        Manifest m = builder.ensureBuilt(force);
        System.out.println("guest " + m.guest() + " in " + builder.referenceDir());
        System.out.println("kernel " + m.kernel().packageName() + " (" + m.kernel().versionString()
                + ", boot protocol " + m.kernel().bootProtocol() + ", PAE " + m.kernel().pae() + ")");
        for (Manifest.Output o : m.outputs()) {
            System.out.printf("%-20s %9d  %s%n", o.file(), o.size(), o.sha256());
        }
    }

    private static void usage() {
        System.err.println("usage: ReferenceGuestBuilder [--build-dir DIR] [--force]");
        System.exit(2);
    }
}
