package org.x86play.translate;

/** Block cache counters. Per-block and per-instruction ones are long (they pass 2^32 in a Linux boot). */
public final class CacheStats {
    /** Block entries looked up in the hash table, and how many were found there. */
    public long lookups, hits;
    /** Block entries through a chained successor link (no MMU translation, no hash lookup). */
    public long chained;
    /** Block entries through the indirect-target cache (returns, indirect jumps; TLB-validated, no hash lookup). */
    public long targetHits;
    public int blocksTranslated, instructionsTranslated;
    /** Times a block was entered (from its start). */
    public long blockExecutions;
    /** Instructions run from blocks / by the interpreter fallback (MMIO code, page-crossing, hot pages...). */
    public long blockInstructions, interpretedSteps;
    /** Blocks compiled to host code by a {@link BlockCompiler}, and block runs through compiled code. */
    public int blocksCompiled;
    public long compiledExecutions;
    /** Instructions completed by compiled code (the rest of blockInstructions ran through the interpreter's forms). */
    public long compiledInstructions;
    /** Of those runs, runs of a self-looping compiled block that continued inside its host code (no engine round trip). */
    public long compiledLoops;
    /** Writes to a watched code page that touched no code chunk (sub-page filtering at work). */
    public int writesFiltered;
    /** Invalidated blocks by cause. */
    public int invalCpuWrite, invalOtherWrite, invalMapChange, invalCapacity, invalHotPage;
    /** Pages given up to interpretation because they are written and executed too often. */
    public int hotPages;

    public void clear() {
        lookups = hits = chained = targetHits = compiledExecutions = compiledLoops = compiledInstructions = blockExecutions = blockInstructions = interpretedSteps = 0;
        blocksTranslated = instructionsTranslated = writesFiltered = blocksCompiled = 0;
        invalCpuWrite = invalOtherWrite = invalMapChange = invalCapacity = invalHotPage = hotPages = 0;
    }

    /** Block entries served from the cache (hash hits, chained and target-cache entries) per block entry, in percent. */
    public double hitRate() {
        long l = lookups + chained + targetHits;
        return l == 0 ? 0 : 100.0 * (hits + chained + targetHits) / l;
    }

    @Override
    public String toString() {
        long r = Math.round(hitRate() * 100);   // no String.format: keep the core TeaVM-friendly
        String rate = (r / 100) + "." + (r % 100 < 10 ? "0" : "") + (r % 100);
        return "lookups=" + u(lookups) + " hits=" + u(hits) + " chained=" + u(chained) + " target-cache=" + u(targetHits) + " (hit rate " + rate
                + "%) translated=" + u(blocksTranslated)
                + " blocks/" + u(instructionsTranslated) + " insns, block executions=" + u(blockExecutions)
                + (blocksCompiled == 0 ? "" : ", compiled=" + u(blocksCompiled) + " blocks, compiled runs=" + u(compiledExecutions)
                        + " (" + u(compiledLoops) + " looped in host code), compiled insns=" + u(compiledInstructions))
                + ", block insns=" + u(blockInstructions) + ", interpreted=" + u(interpretedSteps)
                + ", invalidated: cpu-write=" + invalCpuWrite + " other-write=" + invalOtherWrite
                + " map-change=" + invalMapChange + " capacity=" + invalCapacity + " hot-page=" + invalHotPage
                + ", hot pages=" + hotPages + ", writes filtered=" + u(writesFiltered);
    }

    private static String u(int v) { return Integer.toUnsignedString(v); }
    private static String u(long v) { return Long.toString(v); }
}
