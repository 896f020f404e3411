package dev.cft.deploy.rest;

import dev.cft.deploy.config.DeployConfig;
import dev.cft.deploy.finetuning.FileObject;
import dev.cft.deploy.finetuning.FineTuningStore;
import dev.cft.deploy.finetuning.Page;
import dev.cft.deploy.finetuning.UploadedFiles;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * OpenAI's files API, for fine-tuning: a file is validated with ingest's rules as it is uploaded,
 * and kept whatever the outcome; its record says {@code processed} or {@code error} with the line
 * and field of each problem.
 */
@Path("/v1/files")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
@Keyed
public class FilesResource {
  private final UploadedFiles uploads;
  private final FineTuningStore store;
  private final long maxFileSize;

  public FilesResource(UploadedFiles uploads, FineTuningStore store, DeployConfig config) {
    this.uploads = uploads;
    this.store = store;
    this.maxFileSize = config.fineTuning().maxFileSize().asLongValue();
  }

  @POST
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  public FileObject upload(@RestForm("file") FileUpload file, @RestForm String purpose) {
    if (!FileObject.FINE_TUNE.equals(purpose)) {
      throw OpenAiError.invalid(
          "purpose",
          "'purpose' must be 'fine-tune' (the only purpose this server keeps files for)");
    }
    if (file == null) {
      throw OpenAiError.invalid("file", "'file' is required: the file's content");
    }
    if (file.size() > maxFileSize) {
      throw new OpenAiError(
          413,
          "The file is " + file.size() + " bytes, over the limit of " + maxFileSize,
          "file",
          "file_too_large");
    }
    return uploads.upload(file.uploadedFile(), file.fileName());
  }

  @GET
  public Page<FileObject> list(
      @QueryParam("purpose") String purpose,
      @QueryParam("after") String after,
      @QueryParam("limit") Integer limit) {
    var files =
        store.files().stream().filter(f -> purpose == null || purpose.equals(f.purpose())).toList();
    Map<String, FileObject> byId = new java.util.HashMap<>();
    files.forEach(f -> byId.put(f.id(), f));
    return Page.of(
        files.stream().map(FileObject::id).toList(),
        after,
        limit == null ? 10_000 : Math.max(1, Math.min(limit, 10_000)),
        byId::get);
  }

  @GET
  @Path("/{id}")
  public FileObject get(@PathParam("id") String id) {
    return known(id);
  }

  @GET
  @Path("/{id}/content")
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  public Response content(@PathParam("id") String id) {
    FileObject file = known(id);
    return Response.ok(store.content(file))
        .header("Content-Disposition", "attachment; filename=\"" + file.filename() + "\"")
        .build();
  }

  @DELETE
  @Path("/{id}")
  public Map<String, Object> delete(@PathParam("id") String id) {
    store.deleteFile(known(id));
    return Map.of("id", id, "object", "file", "deleted", true);
  }

  private FileObject known(String id) {
    return store
        .file(id)
        .orElseThrow(
            () -> new OpenAiError(404, "No such file: '" + id + "'", "file_id", "file_not_found"));
  }
}
