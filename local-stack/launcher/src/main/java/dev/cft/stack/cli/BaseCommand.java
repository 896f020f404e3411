package dev.cft.stack.cli;

import dev.cft.lm.hub.HubClient;
import dev.cft.lm.hub.HubModel;
import dev.cft.lm.hub.HubSnapshot;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code ./pipeline base pull <repo>[@rev]}: a Hugging Face Hub model as a base in the store. */
@Command(
    name = "base",
    mixinStandardHelpOptions = true,
    description = "Base models (models/base/<name>/ in the store).",
    subcommands = {BaseCommand.Pull.class})
final class BaseCommand {

  @Command(
      name = "pull",
      mixinStandardHelpOptions = true,
      description = {
        "Downloads a GPT-2-family model from the Hugging Face Hub (HF_ENDPOINT for a mirror,"
            + " HF_TOKEN for gated or private ones), checks every file against the Hub's digests,"
            + " and puts it in the store under models/base/<org>--<name>/, where"
            + " CFT_TRAIN_BASE_MODEL=hf:<repo> or a domain's training.json finds it.",
        "Starts the stack if it is not up (options of up are passed on). A download that breaks"
            + " off resumes where it stopped when the command runs again."
      })
  static final class Pull implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin HomeOptions options;

    @Parameters(
        paramLabel = "REPO[@REVISION]",
        description = "e.g. openai-community/gpt2, distilbert/distilgpt2@main")
    String reference;

    @Option(
        names = "--endpoint",
        defaultValue = "${env:HF_ENDPOINT:-https://huggingface.co}",
        description = "The Hub or a mirror (default: HF_ENDPOINT, else ${DEFAULT-VALUE}).")
    URI endpoint;

    /** Options for {@code up} (ports, timeout), passed through. */
    @Unmatched List<String> upOptions = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      HubModel model = HubModel.parse(reference);
      List<String> up =
          new ArrayList<>(
              List.of(
                  "up", "--state-dir=" + options.stateDir, "--project-dir=" + options.projectDir));
      up.addAll(upOptions);
      if (Pipeline.execute(out, spec.commandLine().getErr(), up.toArray(String[]::new)) != 0) {
        return 1;
      }
      String prefix = "base/" + model.baseName() + "/";
      StackSettings settings = StackSettings.load(options.stateDir);
      try (MinioClient s3 = settings.s3Client()) {
        HubSnapshot stored = storedSnapshot(s3, prefix);
        if (stored != null) {
          out.printf(
              "%s is in the store already: models/%s (commit %s)%n",
              model, prefix, stored.commit());
          usage(out, model);
          return 0;
        }
        if (s3.listObjects(
                ListObjectsArgs.builder().bucket("models").prefix(prefix).maxKeys(1).build())
            .iterator()
            .hasNext()) {
          throw new IllegalStateException(
              "models/"
                  + prefix
                  + " holds a base that was not pulled from the Hub (no hub.json): not"
                  + " overwritten; name that base otherwise, or remove it");
        }
        HubClient hub = new HubClient(endpoint, System.getenv("HF_TOKEN"));
        Path cache = options.stateDir.resolve("hub").resolve(model.baseName());
        out.printf("Pulling %s from %s%n", model, hub.endpoint());
        HubSnapshot snapshot = hub.download(model, cache, new Bar(out));
        for (HubSnapshot.File file : snapshot.files()) {
          out.printf(
              Locale.ROOT,
              "  %-24s %,14d bytes  %s %s%n",
              file.name(),
              file.size(),
              file.checkedBy(),
              file.digest());
        }
        snapshot.converted().forEach(c -> out.println("  made " + c));
        upload(s3, cache, prefix);
        out.printf("%s (commit %s) is models/%s%n", model, snapshot.commit(), prefix);
        usage(out, model);
        return 0;
      }
    }

    private static void usage(PrintWriter out, HubModel model) {
      out.println(
          "Train from it: CFT_TRAIN_BASE_MODEL=hf:"
              + model.repo()
              + (model.revision().equals(HubModel.DEFAULT_REVISION) ? "" : "@" + model.revision())
              + " (then ./pipeline down && ./pipeline up), or per domain in models/<domain>/training.json:"
              + " {\"baseModel\": \""
              + model.baseName()
              + "\"}");
    }

    private static HubSnapshot storedSnapshot(MinioClient s3, String prefix) {
      try (InputStream in =
          s3.getObject(
              GetObjectArgs.builder().bucket("models").object(prefix + HubSnapshot.FILE).build())) {
        return HubSnapshot.read(in.readAllBytes());
      } catch (Exception e) {
        return null; // not pulled yet (or unreadable: pulled again)
      }
    }

    /** Every file of {@code dir} into {@code models/<prefix>}, {@value HubSnapshot#FILE} last. */
    static void upload(MinioClient s3, Path dir, String prefix) throws Exception {
      for (Path file : HubSnapshot.copyOrder(dir)) {
        s3.uploadObject(
            UploadObjectArgs.builder()
                .bucket("models")
                .object(prefix + file.getFileName())
                .filename(file.toString())
                .build());
      }
    }
  }

  /** A one-line progress bar per file. */
  private static final class Bar implements HubClient.Progress {
    private final PrintWriter out;
    private long lastPercent = -1;

    Bar(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void started(String file, long size) {
      lastPercent = -1;
    }

    @Override
    public void transferred(String file, long done, long size) {
      long percent = size > 0 ? done * 100 / size : -1;
      if (percent == lastPercent) {
        return;
      }
      lastPercent = percent;
      int filled = (int) Math.max(0, percent * 30 / 100);
      out.printf(
          Locale.ROOT,
          "\r  %-24s [%s%s] %,d / %,d MB",
          file,
          "#".repeat(filled),
          ".".repeat(30 - filled),
          done >> 20,
          size >> 20);
      if (done == size) {
        out.println();
      }
      out.flush();
    }
  }
}
