package dev.cft.train.service;

import dev.cft.events.Buckets;
import dev.cft.events.DatasetReady;
import dev.cft.lm.data.DataFiles;
import dev.cft.lm.data.Example;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.train.storage.JobSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A dataset version's splits, downloaded into a job's work directory and read. */
@ApplicationScoped
public class DatasetFiles {
  private final ObjectStore store;

  public DatasetFiles(ObjectStore store) {
    this.store = store;
  }

  /** The new version's train split plus a seeded sample of earlier versions' train splits. */
  public TrainingData train(DatasetReady ready, JobSettings settings, Path work)
      throws IOException {
    List<Example> fresh = read(ready.trainKey(), work.resolve("train.jsonl"));
    List<Example> earlier = new ArrayList<>();
    for (int v = 1; v < ready.datasetVersion(); v++) {
      String prefix = DatasetReady.versionPrefix(ready.domain(), v);
      String key = prefix + DatasetReady.TRAIN_FILE;
      // An unfinished version (no manifest: being written, or its writer died) holds no examples.
      if (store.exists(ready.bucket(), prefix + DatasetReady.MANIFEST_FILE)) {
        earlier.addAll(read(key, work.resolve("replay-v" + v + ".jsonl")));
      }
    }
    return TrainingData.withReplay(
        fresh, earlier, settings.replayRatio(), settings.seed() + ready.datasetVersion());
  }

  public List<Example> validation(DatasetReady ready, Path work) throws IOException {
    return read(ready.valKey(), work.resolve("val.jsonl"));
  }

  private List<Example> read(String key, Path file) throws IOException {
    store.download(Buckets.DATASETS, key, file);
    return DataFiles.read(file);
  }
}
