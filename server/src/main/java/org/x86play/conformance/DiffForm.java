package org.x86play.conformance;

import java.util.function.Consumer;

/** One instruction form of the host-differential suite: a name and a random case generator. */
final class DiffForm {
    final String name;
    final boolean x87;
    /** Needs the 32-bit host harness (see {@link DiffCase#host32}). */
    final boolean host32;
    private final Consumer<CaseBuilder> generator;

    DiffForm(String name, boolean x87, Consumer<CaseBuilder> generator) {
        this(name, x87, false, generator);
    }

    DiffForm(String name, boolean x87, boolean host32, Consumer<CaseBuilder> generator) {
        this.name = name;
        this.x87 = x87;
        this.host32 = host32;
        this.generator = generator;
    }

    DiffCase generate(java.util.SplittableRandom rnd) {
        CaseBuilder b = new CaseBuilder(rnd);
        b.c.host32 = host32;
        generator.accept(b);
        return b.c;
    }
}
