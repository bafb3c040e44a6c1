package org.x86play.images;

import java.nio.charset.StandardCharsets;

/**
 * The few fields of a Linux bzImage's real-mode setup header that show what the build produced
 * (Linux Documentation/arch/x86/boot.rst, "The Real-Mode Kernel Header"): the "HdrS" signature at
 * 0x202, the boot protocol version at 0x206, setup_sects at 0x1F1, loadflags at 0x211 (bit 0 =
 * LOADED_HIGH, i.e. a bzImage) and the kernel version string reached through the pointer at 0x20E.
 */
public record BzImageInfo(int protocolVersion, int setupSects, boolean loadedHigh, String kernelVersion) {

    public static BzImageInfo parse(byte[] image) {
        if (image.length < 0x264 || u16(image, 0x1FE) != 0xAA55
                || !"HdrS".equals(new String(image, 0x202, 4, StandardCharsets.US_ASCII))) {
            throw new IllegalArgumentException("not a Linux boot image with a setup header");
        }
        int version = u16(image, 0x206);
        int setupSects = image[0x1F1] & 0xFF;
        boolean loadedHigh = (image[0x211] & 0x01) != 0;
        String kernelVersion = "";
        int ptr = u16(image, 0x20E);
        if (ptr != 0) {
            int start = ptr + 0x200; // the pointer is relative to the end of the boot sector
            int end = start;
            while (end < image.length && end < start + 256 && image[end] != 0) {
                end++;
            }
            if (end < image.length) {
                kernelVersion = new String(image, start, end - start, StandardCharsets.US_ASCII);
            }
        }
        return new BzImageInfo(version, setupSects == 0 ? 4 : setupSects, loadedHigh, kernelVersion);
    }

    /** "2.15" style boot protocol version. */
    public String protocol() {
        return (protocolVersion >> 8) + "." + String.format("%02d", protocolVersion & 0xFF);
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }
}
