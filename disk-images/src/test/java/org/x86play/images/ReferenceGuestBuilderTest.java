package org.x86play.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceGuestBuilderTest {
    @TempDir
    Path buildRoot;

    private final FakeApt apt = new FakeApt();

    private ReferenceGuestBuilder builder() {
        return new ReferenceGuestBuilder(buildRoot, apt, new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void buildsEveryOutputAndRecordsChecksumsOfInputsAndOutputs() throws IOException {
        Manifest m = builder().ensureBuilt(false);
        Path ref = buildRoot.resolve("reference");

        assertEquals(ReferenceGuestBuilder.GUEST, m.guest());
        assertEquals("linux-image-6.1.0-50-686-unsigned", m.kernel().packageName());
        assertEquals("6.1.0-50-686", m.kernel().release());
        assertEquals("2.15", m.kernel().bootProtocol());
        assertFalse(m.kernel().pae());

        List<String> packages = m.inputs().stream().map(Manifest.Input::packageName).toList();
        assertEquals(List.of("linux-image-6.1.0-50-686-unsigned", "busybox-static", "seabios"), packages);
        for (Manifest.Input in : m.inputs()) {
            assertEquals(Sha256.of(FakeApt.deb(in.packageName())), in.sha256());
            assertEquals(in.sha256(), in.aptSha256());
            assertEquals("1.0-1", in.version(), "candidate stanza only");
        }
        for (String f : List.of("vmlinuz", "kernel.config", "initrd.gz", "init", "bios.bin", "vgabios-stdvga.bin")) {
            Manifest.Output o = m.output(f);
            assertNotNull(o, f);
            assertEquals(Sha256.of(ref.resolve(f)), o.sha256(), f);
            assertEquals(Files.size(ref.resolve(f)), o.size(), f);
        }
        // The manifest on disk is the one returned, and names the current recipe.
        assertEquals(m, Manifest.read(ref.resolve("manifest.json")));
        assertEquals(ReferenceGuestBuilder.recipeSha256(), m.recipeSha256());

        CpioTestReader.Archive initrd = CpioTestReader.read(CpioTestReader.gunzip(Files.readAllBytes(ref.resolve("initrd.gz"))));
        assertArrayEquals(FakeApt.BUSYBOX, initrd.get("bin/busybox").data());
        // Scratch folders are cleaned up; only the outputs stay.
        assertFalse(Files.exists(buildRoot.resolve("apt/unpack")));
        assertFalse(Files.exists(buildRoot.resolve("reference.new")));
    }

    @Test
    void secondUseIsServedFromTheCacheWithoutRunningApt() throws IOException {
        builder().ensureBuilt(false);
        int calls = apt.calls.size();
        assertTrue(calls > 0);
        assertNotNull(builder().cached());
        builder().ensureBuilt(false);
        assertEquals(calls, apt.calls.size());
    }

    @Test
    void corruptedOrMissingOutputTriggersARebuild() throws IOException {
        builder().ensureBuilt(false);
        Path initrd = buildRoot.resolve("reference/initrd.gz");
        byte[] good = Files.readAllBytes(initrd);
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 1;
        Files.write(initrd, bad);
        assertNull(builder().cached());
        int calls = apt.calls.size();
        builder().ensureBuilt(false);
        assertTrue(apt.calls.size() > calls);
        assertArrayEquals(good, Files.readAllBytes(initrd), "rebuild is reproducible");

        Files.delete(buildRoot.resolve("reference/vgabios-stdvga.bin"));
        assertNull(builder().cached());
    }

    @Test
    void staleRecipeIsNotTrusted() throws IOException {
        Manifest m = builder().ensureBuilt(false);
        Manifest old = new Manifest(m.formatVersion(), m.guest(), m.builder(), "0".repeat(64), m.kernel(), m.inputs(),
                m.outputs());
        old.write(buildRoot.resolve("reference/manifest.json"));
        assertNull(builder().cached());
    }

    @Test
    void refusesADownloadThatDoesNotMatchAptsChecksum() {
        apt.wrongAptChecksum = true;
        IOException e = assertThrows(IOException.class, () -> builder().ensureBuilt(false));
        assertTrue(e.getMessage().contains("differs from apt's index"), e.getMessage());
        assertFalse(Files.exists(buildRoot.resolve("reference")));
    }

    @Test
    void refusesAPaeKernel() {
        apt.kernelConfig = "CONFIG_X86_PAE=y\nCONFIG_HIGHMEM64G=y\n";
        IOException e = assertThrows(IOException.class, () -> builder().ensureBuilt(false));
        assertTrue(e.getMessage().contains("pae=true"), e.getMessage());
    }

    @Test
    void aptRunsWithPrivateStateAndI386Only() throws IOException {
        builder().ensureBuilt(false);
        String apt0 = String.join(" ", apt.calls.get(0));
        assertTrue(apt0.startsWith("apt-get -o APT::Architecture=i386 -o APT::Architectures=i386 -o Dir::State::Lists="
                + buildRoot.resolve("apt/lists")), apt0);
        assertTrue(apt0.contains("-o Dir::Cache=" + buildRoot.resolve("apt/cache")), apt0);
        assertTrue(apt0.contains("-o Debug::NoLocking=1"), apt0);
        assertTrue(Files.isDirectory(buildRoot.resolve("apt/lists/partial")));
        assertTrue(Files.isDirectory(buildRoot.resolve("apt/cache/archives/partial")));
    }

    @Test
    void resolvesTheKernelReleaseFromTheMetaPackagesDependency() throws IOException {
        String realOutput = "linux-image-686\n  Depends: linux-image-6.1.0-50-686\n";
        assertEquals(List.of("linux-image-6.1.0-50-686"), AptClient.parseDepends(realOutput));
        assertEquals("6.1.0-50-686", ReferenceGuestBuilder.kernelRelease(AptClient.parseDepends(realOutput)));
        assertEquals("6.12.9+deb13-686", ReferenceGuestBuilder.kernelRelease(List.of("linux-image-6.12.9+deb13-686")));
        assertThrows(IOException.class, () -> ReferenceGuestBuilder.kernelRelease(List.of("linux-image-6.1.0-50-686-pae")));
        assertEquals(List.of("kmod", "initramfs-tools"),
                AptClient.parseDepends("x\n  Depends: kmod\n |Depends: initramfs-tools\n  Depends: <linux-initramfs-tool>\n"
                        + "    dracut\n  Conflicts: y\n"));
    }

    @Test
    void kernelConfigOptionParsing() {
        assertFalse(ReferenceGuestBuilder.configEnabled("# CONFIG_X86_PAE is not set\n", "CONFIG_X86_PAE"));
        assertTrue(ReferenceGuestBuilder.configEnabled("A=1\nCONFIG_X86_PAE=y\n", "CONFIG_X86_PAE"));
        assertFalse(ReferenceGuestBuilder.configEnabled("CONFIG_X86_PAE_X=y\n", "CONFIG_X86_PAE"));
    }
}
