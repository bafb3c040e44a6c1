package org.x86play.conformance;

import java.util.function.Consumer;

/** One instruction form of the host-differential suite: a name and a random case generator. */
final class DiffForm {
    final String name;
    final boolean x87;
    private final Consumer<CaseBuilder> generator;

    DiffForm(String name, boolean x87, Consumer<CaseBuilder> generator) {
        this.name = name;
        this.x87 = x87;
        this.generator = generator;
    }

    DiffCase generate(java.util.SplittableRandom rnd) {
        CaseBuilder b = new CaseBuilder(rnd);
        generator.accept(b);
        return b.c;
    }
}
