package dev.cft.deploy.serving;

import ai.djl.ndarray.NDManager;
import dev.cft.deploy.metrics.ServingMetrics;
import dev.cft.deploy.registry.ModelRegistry;
import dev.cft.events.Buckets;
import dev.cft.events.ModelKeys;
import dev.cft.lm.Gpt;
import dev.cft.lm.io.Checkpoint;
import dev.cft.lm.tokenizer.TextTokenizer;
import dev.cft.runtime.io.WorkDirs;
import dev.cft.runtime.store.ObjectStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The production model of each domain, loaded and ready, and a few other versions asked for by name
 * ({@code <domain>:<version>}: candidates and rejected versions, to try them out), loaded on first
 * use and unloaded least recently used first. A promotion loads the new version beside the old one
 * and then swaps the reference: requests already running finish on the old model, which is closed
 * when the last of them lets go; no request fails or waits for the load.
 */
@ApplicationScoped
public class ServedModels {
  private static final Logger LOG = Logger.getLogger(ServedModels.class);

  /** One loaded version; counted while requests use it. */
  public static final class Served {
    final String domain;
    final String version;
    final Gpt model;
    final TextTokenizer tokenizer;
    final NDManager manager;
    final AtomicInteger users = new AtomicInteger();
    final AtomicBoolean retired = new AtomicBoolean();
    final AtomicBoolean closed = new AtomicBoolean();

    Served(String domain, String version, Gpt model, TextTokenizer tokenizer, NDManager manager) {
      this.domain = domain;
      this.version = version;
      this.model = model;
      this.tokenizer = tokenizer;
      this.manager = manager;
    }

    public String version() {
      return version;
    }

    public Gpt model() {
      return model;
    }

    public TextTokenizer tokenizer() {
      return tokenizer;
    }

    void closeIfUnused() {
      if (retired.get() && users.get() == 0 && closed.compareAndSet(false, true)) {
        tokenizer.close();
        model.close();
        manager.close();
        LOG.infof("%s %s unloaded", domain, version);
      }
    }
  }

  /** A request's hold on a model: the model stays loaded until it is closed. */
  public record Lease(Served served) implements AutoCloseable {
    @Override
    public void close() {
      served.users.decrementAndGet();
      served.closeIfUnused();
    }
  }

  private final ObjectStore store;
  private final ModelRegistry registry;
  private final java.time.Duration reconcileInterval;
  private final Map<String, Served> byDomain = new ConcurrentHashMap<>();

  /** Versions asked for by name, most recently used last. */
  private final java.util.LinkedHashMap<String, Served> byName =
      new java.util.LinkedHashMap<>(8, 0.75f, true);

  private final int versionsLoaded;
  private volatile List<String> registered = List.of();
  private java.util.concurrent.ScheduledExecutorService timer;

  private final ServingMetrics metrics;

  public ServedModels(
      ObjectStore store,
      ModelRegistry registry,
      ServingMetrics metrics,
      dev.cft.deploy.config.DeployConfig config) {
    this.store = store;
    this.registry = registry;
    this.metrics = metrics;
    this.reconcileInterval = config.reconcileInterval();
    this.versionsLoaded = Math.max(1, config.versionsLoaded());
  }

  void start(@Observes StartupEvent event) {
    reconcile();
    timer =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "deploy-reconcile"));
    long every = reconcileInterval.toMillis();
    timer.scheduleWithFixedDelay(
        this::reconcile, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /**
   * Serves what the registry's production aliases say: at start, and periodically after, so a
   * replica that missed a {@code models.promoted} (down at the time, or started during it) catches
   * up.
   */
  public void reconcile() {
    try {
      registered = registry.registeredVersions();
      for (String domain : registry.servedDomains()) {
        try {
          registry.production(domain).ifPresent(v -> serve(domain, v));
        } catch (RuntimeException e) {
          LOG.errorf(e, "cannot load the production model of %s", domain);
        }
      }
    } catch (RuntimeException e) {
      LOG.warnf("cannot read the registry: %s", e.getMessage());
    }
  }

  void stop(@Observes ShutdownEvent event) {
    if (timer != null) {
      timer.shutdownNow();
    }
    byDomain.values().forEach(ServedModels::retire);
    synchronized (byName) {
      byName.values().forEach(ServedModels::retire);
    }
  }

  private static void retire(Served served) {
    served.retired.set(true);
    served.closeIfUnused();
  }

  /** Loads {@code version} of {@code domain} and makes it the one served (no-op if it is). */
  public synchronized void serve(String domain, String version) {
    Served current = byDomain.get(domain);
    if (current != null && current.version.equals(version)) {
      return;
    }
    Served fresh = load(domain, version);
    Served old = byDomain.put(domain, fresh);
    metrics.serving(domain, version);
    LOG.infof("%s: serving %s%s", domain, version, old == null ? "" : " (was " + old.version + ")");
    if (old != null) {
      old.retired.set(true);
      old.closeIfUnused();
    }
  }

  /**
   * A hold on the model a request names: a domain's production model, or a version by name ({@code
   * <domain>:<version>}, loaded now if it is not); empty when there is no such model.
   */
  public Optional<Lease> lease(String model) {
    int colon = model.indexOf(':');
    if (colon < 0) {
      return hold(() -> byDomain.get(model));
    }
    String domain = model.substring(0, colon);
    String version = model.substring(colon + 1);
    Optional<Lease> production =
        hold(
            () -> {
              Served served = byDomain.get(domain);
              return served != null && served.version.equals(version) ? served : null;
            });
    if (production.isPresent()) {
      return production;
    }
    Optional<Lease> loaded = hold(() -> loadedByName(ModelKeys.servedName(domain, version)));
    if (loaded.isPresent() || !registry.isVersion(domain, version)) {
      return loaded;
    }
    return hold(() -> named(domain, version));
  }

  /** Counts a user of what {@code find} gives, unless it was retired meanwhile: then again. */
  private static Optional<Lease> hold(java.util.function.Supplier<Served> find) {
    while (true) {
      Served served = find.get();
      if (served == null) {
        return Optional.empty();
      }
      served.users.incrementAndGet();
      if (!served.retired.get()) {
        return Optional.of(new Lease(served));
      }
      // Swapped out between the lookup and the count: let go and take the new one.
      served.users.decrementAndGet();
      served.closeIfUnused();
    }
  }

  private Served loadedByName(String name) {
    synchronized (byName) {
      return byName.get(name);
    }
  }

  /** Every registered version by name, as of the last reconciliation: no store read per call. */
  public List<String> registeredVersions() {
    return registered;
  }

  /** The version loaded by name, loading it (and unloading the least recently used) if need be. */
  private Served named(String domain, String version) {
    String name = ModelKeys.servedName(domain, version);
    synchronized (byName) {
      Served served = byName.get(name);
      if (served != null) {
        return served;
      }
      served = load(domain, version);
      byName.put(name, served);
      LOG.infof("%s loaded by name", name);
      var eldest = byName.entrySet().iterator();
      while (byName.size() > versionsLoaded && eldest.hasNext()) {
        Served old = eldest.next().getValue();
        eldest.remove();
        retire(old);
      }
      return served;
    }
  }

  public Map<String, String> versions() {
    Map<String, String> versions = new java.util.TreeMap<>();
    byDomain.forEach((d, s) -> versions.put(d, s.version));
    return versions;
  }

  private Served load(String domain, String version) {
    Path dir = null;
    NDManager manager = NDManager.newBaseManager();
    try {
      dir = WorkDirs.create("cft-serve-");
      String prefix = ModelKeys.version(domain, version);
      store.downloadModel(Buckets.MODELS, prefix, dir);
      Gpt model = Checkpoint.load(dir, manager);
      return new Served(domain, version, model, TextTokenizer.load(dir), manager);
    } catch (IOException e) {
      manager.close();
      throw new UncheckedIOException("cannot load " + domain + " " + version, e);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    } finally {
      WorkDirs.delete(dir);
    }
  }
}
