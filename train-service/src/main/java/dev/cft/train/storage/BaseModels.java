package dev.cft.train.storage;

import dev.cft.events.Buckets;
import dev.cft.events.ModelKeys;
import dev.cft.lm.hub.HubClient;
import dev.cft.lm.hub.HubModel;
import dev.cft.lm.hub.HubSnapshot;
import dev.cft.runtime.store.ObjectStore;
import dev.cft.train.config.TrainConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * The base checkpoints under {@code models/base/<name>/}. A base named {@code hf:<repo>[@rev]} is
 * pulled from the Hugging Face Hub the first time a job needs it (checked against the Hub's
 * digests), and from then on read from the store like any other: {@value HubSnapshot#FILE},
 * uploaded last, marks a complete pull.
 */
@ApplicationScoped
public class BaseModels {
  private static final Logger LOG = Logger.getLogger(BaseModels.class);

  private final ObjectStore store;
  private final HubClient hub;

  public BaseModels(ObjectStore store, TrainConfig config) {
    this.store = store;
    this.hub =
        new HubClient(URI.create(config.hub().endpoint()), config.hub().token().orElse(null));
  }

  /**
   * The store prefix of a job's base, pulled from the Hub into the store first when it names a Hub
   * model that is not there yet.
   *
   * @param work a directory for the download
   * @throws UncheckedIOException saying why the Hub model could not be had
   */
  public String prefix(String baseModel, Path work) {
    if (!HubModel.isHubReference(baseModel)) {
      return ModelKeys.base(baseModel);
    }
    HubModel model = HubModel.parse(baseModel);
    String prefix = ModelKeys.base(model.baseName());
    if (store.exists(Buckets.MODELS, prefix + HubSnapshot.FILE)) {
      return prefix;
    }
    if (!store.list(Buckets.MODELS, prefix).isEmpty()) {
      throw new IllegalStateException(
          "models/"
              + prefix
              + " holds a base that was not pulled from the Hub (no "
              + HubSnapshot.FILE
              + "): not overwritten; name that base otherwise, or remove it");
    }
    try {
      LOG.infof("pulling %s from %s into models/%s", model, hub.endpoint(), prefix);
      HubSnapshot snapshot = hub.download(model, work, logged());
      upload(work, prefix);
      LOG.infof("%s (commit %s) is models/%s", model, snapshot.commit(), prefix);
      return prefix;
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  private void upload(Path dir, String prefix) throws IOException {
    for (Path file : HubSnapshot.copyOrder(dir)) {
      store.upload(file, Buckets.MODELS, prefix + file.getFileName(), "application/octet-stream");
    }
  }

  /** Logs every tenth of a large file. */
  private static HubClient.Progress logged() {
    return new HubClient.Progress() {
      long lastTenth = -1;

      @Override
      public void started(String file, long size) {
        lastTenth = -1;
      }

      @Override
      public void transferred(String file, long done, long size) {
        long tenth = size > 0 ? done * 10 / size : -1;
        if (size > (16 << 20) && tenth != lastTenth) {
          lastTenth = tenth;
          LOG.infof("%s: %d of %d MB", file, done >> 20, size >> 20);
        }
      }
    };
  }
}
