package org.x86play.e2e;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Injects the shared {@link TestBed}: started by the first test class that asks, closed when the run ends. */
final class TestBedExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TestBed.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestBed.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(TestBed.class, key -> {
            try {
                return TestBed.start();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the e2e test bed: " + e.getMessage(), e);
            }
        }, TestBed.class);
    }
}
