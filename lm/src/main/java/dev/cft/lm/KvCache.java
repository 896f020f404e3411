package dev.cft.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of the positions a sequence has seen, per layer, so that decoding a token costs
 * one position's work instead of the whole prefix. The arrays live in the cache's own manager; each
 * step's concatenation replaces the previous one, which is closed at once.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;
  private long length;

  public KvCache(int layers, NDManager parent) {
    manager = parent.newSubManager();
    keys = new NDArray[layers];
    values = new NDArray[layers];
  }

  /** Positions held. */
  public long length() {
    return length;
  }

  NDArray keys(int layer, NDArray fresh) {
    return append(keys, layer, fresh);
  }

  NDArray values(int layer, NDArray fresh) {
    return append(values, layer, fresh);
  }

  void advance(long tokens) {
    length += tokens;
  }

  private NDArray append(NDArray[] store, int layer, NDArray fresh) {
    NDArray previous = store[layer];
    NDArray all = previous == null ? fresh : previous.concat(fresh, 2); // (B,H,S,D)
    all.attach(manager);
    if (previous != null) {
      previous.close();
    }
    store[layer] = all;
    return all;
  }

  @Override
  public void close() {
    manager.close();
  }
}
