package org.x86play.translate;

/**
 * Host code for the straight-line part of one {@link Block}, made by a {@link BlockCompiler} once the block
 * is hot. It replaces the engine's per-instruction loop over that part and nothing else: it runs
 * instructions {@code 0 .. stop-1} of the block with the semantics of
 * {@link org.x86play.cpu.Interpreter#execFast} for each (EIP, fault rollback and delivery, no counting),
 * and returns early after an instruction that wrote into the block ({@link #stillValid()} false). A block
 * that ends by jumping to its own start may loop inside {@code run()} while {@link #again()} allows.
 */
public abstract class CompiledBlock {
    private Block block;
    private BlockCacheEngine engine;

    /** Set once by the engine before the first {@link #run()}. */
    final void attach(Block b, BlockCacheEngine e) {
        block = b;
        engine = e;
    }

    /** False once the block was invalidated (e.g. by a write from the instruction that just ran). */
    protected final boolean stillValid() { return block.valid; }

    /**
     * For a block whose last instruction jumped back to its own first one (a loop of one block), with CS:EIP
     * at the block start again: true if the engine lets it run once more without returning (the iteration
     * just finished is then counted as retired); false to return {@code stop} as usual.
     */
    protected final boolean again() { return engine.loopAgain(); }

    /**
     * Runs the block's instructions up to (not including) the compile-time {@code stop}, starting at the
     * current CS:EIP. @return the number completed ({@code stop}, or fewer when the block was written to),
     * or {@code -(k + 1)} if instruction {@code k} faulted (its fault was delivered, state rolled back)
     */
    public abstract int run();
}
