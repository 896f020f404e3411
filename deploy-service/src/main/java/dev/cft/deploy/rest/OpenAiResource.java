package dev.cft.deploy.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cft.deploy.config.DeployConfig;
import dev.cft.deploy.metrics.ServingMetrics;
import dev.cft.deploy.rest.openai.ChatCompletionRequest;
import dev.cft.deploy.rest.openai.CompletionRequest;
import dev.cft.deploy.rest.openai.ModelList;
import dev.cft.deploy.rest.openai.Reply;
import dev.cft.deploy.rest.openai.ServingRequest;
import dev.cft.deploy.serving.ServedModels;
import dev.cft.lm.generate.GenerationRequest;
import dev.cft.lm.generate.GenerationResult;
import dev.cft.lm.generate.Generator;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * OpenAI-compatible serving: {@code /v1/models}, {@code /v1/completions} and {@code
 * /v1/chat/completions}, with server-sent events when {@code stream} is true. The {@code model} is
 * a domain, answered by its production version, or a version by name ({@code <domain>:v<N>}).
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Serving
public class OpenAiResource {
  static final String COMPLETIONS = "completions";
  static final String CHAT_COMPLETIONS = "chat_completions";

  /**
   * The endpoint tag of serving's metrics by path, for requests refused before their method runs
   * (by {@link Admission}, or a body that does not bind): they count as failed calls too.
   */
  private static final Map<String, String> ENDPOINTS =
      Map.of("/v1/completions", COMPLETIONS, "/v1/chat/completions", CHAT_COMPLETIONS);

  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

  private final ServedModels models;
  private final ServingMetrics metrics;
  private final DeployConfig config;
  private final ObjectMapper json;

  public OpenAiResource(
      ServedModels models, ServingMetrics metrics, DeployConfig config, ObjectMapper json) {
    this.models = models;
    this.metrics = metrics;
    this.config = config;
    this.json = json;
  }

  @GET
  @Path("/models")
  public ModelList list() {
    List<ModelList.Model> data = new ArrayList<>();
    models
        .versions()
        .forEach((domain, version) -> data.add(new ModelList.Model(domain, "cft:" + version)));
    models.registeredVersions().forEach(name -> data.add(new ModelList.Model(name, "cft")));
    return new ModelList(data);
  }

  @POST
  @Path("/completions")
  @Blocking
  public Response completions(CompletionRequest body) {
    return serve(COMPLETIONS, body, Reply::text);
  }

  @POST
  @Path("/chat/completions")
  @Blocking
  public Response chat(ChatCompletionRequest body) {
    return serve(CHAT_COMPLETIONS, body, Reply::chat);
  }

  /** Counts a serving request refused before its method ran; the stream it asked is unknown. */
  static void countRefusal(ServingMetrics metrics, String path, String type) {
    String endpoint = ENDPOINTS.get(path);
    if (endpoint != null) {
      metrics.call(endpoint, false).failed(type);
    }
  }

  /**
   * Counts a request's errors; its success is counted where the answer is complete.
   *
   * @param reply how the endpoint answers the model it serves
   */
  private Response serve(String endpoint, ServingRequest body, Function<String, Reply> reply) {
    ServingMetrics.Call call = metrics.call(endpoint, body != null && body.streamed());
    try {
      if (body == null) {
        throw OpenAiError.invalid(null, "the request body must be a JSON object");
      }
      String model = body.requiredModel();
      GenerationRequest request = limited(body.generation());
      return answer(call, model, request, body.streamed(), reply.apply(model));
    } catch (OpenAiError e) {
      call.failed(e.type());
      throw e;
    } catch (RuntimeException e) {
      call.failed(OpenAiError.type(500));
      throw e;
    }
  }

  /** The request within the configured limits. */
  private GenerationRequest limited(GenerationRequest request) {
    int max = config.limits().maxTokens();
    if (request.maxTokens() > max) {
      throw OpenAiError.invalid(
          "max_tokens",
          "max_tokens is " + request.maxTokens() + ", over this server's limit of " + max);
    }
    return request;
  }

  private Response answer(
      ServingMetrics.Call call,
      String model,
      GenerationRequest request,
      boolean stream,
      Reply reply) {
    ServedModels.Lease lease =
        models.lease(model).orElseThrow(() -> OpenAiError.modelNotFound(model));
    call.model(model);
    int[] prompt;
    try {
      prompt = checkPrompt(lease, request);
    } catch (OpenAiError e) {
      lease.close();
      throw e;
    }
    if (!stream) {
      try (lease) {
        GenerationResult result = generate(lease, prompt, request, text -> call.generated());
        call.succeeded(result.tokens().length);
        return Response.ok(reply.whole(result)).build();
      }
    }
    StreamingOutput events = out -> stream(out, call, lease, prompt, request, reply);
    return Response.ok(events, "text/event-stream").header("Cache-Control", "no-cache").build();
  }

  /**
   * Sends the answer as it is generated. Once the stream has begun its status cannot change: an
   * error is the last event instead, in OpenAI's shape.
   */
  private void stream(
      OutputStream out,
      ServingMetrics.Call call,
      ServedModels.Lease lease,
      int[] prompt,
      GenerationRequest request,
      Reply reply)
      throws IOException {
    try (lease) {
      Object opening = reply.opening();
      if (opening != null) {
        send(out, opening);
      }
      GenerationResult result =
          generate(
              lease,
              prompt,
              request,
              piece -> {
                call.generated();
                send(out, reply.piece(piece));
              });
      send(out, reply.closing(result));
      out.write(DONE);
      out.flush();
      call.succeeded(result.tokens().length);
    } catch (OpenAiError e) {
      call.failed(e.type());
      out.write(event(e.body()));
      out.flush();
    } catch (UncheckedIOException | IOException e) {
      call.failed("client_closed");
      throw e;
    } catch (RuntimeException e) {
      call.failed(OpenAiError.type(500));
      throw e;
    }
  }

  /**
   * The prompt's tokens; a prompt over the configured limit, or over the model's context, is the
   * caller's error.
   */
  private int[] checkPrompt(ServedModels.Lease lease, GenerationRequest request) {
    // A prompt is read after an end-of-text token (as every example was trained), and leaves room
    // for one token of answer.
    int context = lease.served().model().config().nPositions() - 2;
    int limit = config.limits().maxPromptTokens();
    int max = limit > 0 ? Math.min(limit, context) : context;
    int[] prompt = lease.served().tokenizer().encode(request.prompt());
    int tokens = prompt.length;
    if (tokens > max) {
      throw new OpenAiError(
          400,
          "The prompt is "
              + tokens
              + " tokens, over the limit of "
              + max
              + (max == context
                  ? " (the model's context length, less its start token and one to answer)"
                  : ""),
          "prompt",
          "context_length_exceeded");
    }
    return prompt;
  }

  private static GenerationResult generate(
      ServedModels.Lease lease, int[] prompt, GenerationRequest request, Consumer<String> onText) {
    try {
      return new Generator(lease.served().model(), lease.served().tokenizer())
          .generate(prompt, request, onText);
    } catch (IllegalArgumentException e) {
      throw OpenAiError.invalid(null, e.getMessage()); // e.g. a prompt longer than the context
    }
  }

  private void send(OutputStream out, Object data) {
    byte[] bytes = event(data);
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("the client went away", e);
    }
  }

  private byte[] event(Object data) {
    try {
      return ("data: " + json.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an answer that cannot be written: " + data, e);
    }
  }
}
