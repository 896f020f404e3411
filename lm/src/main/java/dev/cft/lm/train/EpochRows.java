package dev.cft.lm.train;

import dev.cft.lm.data.Example;
import dev.cft.lm.data.Packer;
import dev.cft.lm.data.Packing;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The training rows of each epoch, a pure function of (seed, epoch) so a resumed run sees the same
 * ones. Wrapped: the examples are shuffled and wrapped anew every epoch, so an example lands at
 * other offsets and beside other examples each time (the row count depends only on the token
 * count). Block-diagonal: packed once, the rows shuffled every epoch.
 */
final class EpochRows {
  private final Packer packer;
  private final Packing packing;
  private final long seed;
  private final List<Packer.Tokens> examples;
  private final int size;
  private final int truncated;
  private final List<Packer.Sequence> blockDiagonal; // packed once; null when wrapped
  private int cachedEpoch = -1;
  private List<Packer.Sequence> cached;

  EpochRows(Packer packer, Packing packing, List<Example> train, long seed) {
    this.packer = packer;
    this.packing = packing;
    this.seed = seed;
    this.examples = train.stream().map(packer::tokenize).toList();
    if (packing == Packing.WRAPPED) {
      Packer.Counts counts = packer.wrappedCounts(examples);
      this.size = counts.rows();
      this.truncated = counts.truncated();
      this.blockDiagonal = null;
    } else {
      Packer.Packed packed = packer.packTokens(examples, packing);
      this.size = packed.sequences().size();
      this.truncated = packed.truncated();
      this.blockDiagonal = packed.sequences();
    }
  }

  /** Rows per epoch, the same for every epoch. */
  int size() {
    return size;
  }

  /** Examples longer than a row. */
  int truncated() {
    return truncated;
  }

  List<Packer.Sequence> of(int epoch) {
    if (epoch != cachedEpoch) {
      Random random = new Random(seed * 31 + epoch);
      List<Packer.Sequence> rows;
      if (packing == Packing.WRAPPED) {
        List<Packer.Tokens> order = new ArrayList<>(examples);
        Collections.shuffle(order, random);
        rows = packer.packTokens(order, packing).sequences();
      } else {
        rows = new ArrayList<>(blockDiagonal);
        Collections.shuffle(rows, random);
      }
      cached = rows;
      cachedEpoch = epoch;
    }
    return cached;
  }
}
