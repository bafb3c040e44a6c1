package org.x86play.mmu;

/** CR0.PG = 0: linear addresses are physical addresses, and every access is allowed (SDM Vol. 3 §4.1.1). */
final class PagingDisabled implements TranslationStrategy {
    private static final int ALL = PERM_SUP_READ | PERM_SUP_WRITE | PERM_USER_READ | PERM_USER_WRITE;

    @Override
    public int resolve(int linear, boolean write, boolean user) {
        return (linear & ~0xFFF) | ALL;
    }
}
