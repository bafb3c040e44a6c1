package org.x86play.e2e;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the shared {@link TestBed} and {@link BootedPlaygrounds}: started by the first test class that asks,
 * closed when the run ends (JUnit closes AutoCloseable values of the root store, in reverse order).
 */
final class TestBedExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TestBed.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestBed.class || type == BootedPlaygrounds.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.getParameter().getType() == BootedPlaygrounds.class) {
            TestBed bed = testBed(context);
            return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(BootedPlaygrounds.class,
                    key -> BootedPlaygrounds.start(bed), BootedPlaygrounds.class);
        }
        return testBed(context);
    }

    private static TestBed testBed(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(TestBed.class, key -> {
            try {
                return TestBed.start();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the e2e test bed: " + e.getMessage(), e);
            }
        }, TestBed.class);
    }
}
