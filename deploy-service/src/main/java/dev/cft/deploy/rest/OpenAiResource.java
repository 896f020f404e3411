package dev.cft.deploy.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cft.deploy.config.DeployConfig;
import dev.cft.deploy.metrics.ServingMetrics;
import dev.cft.deploy.serving.ServedModels;
import dev.cft.lm.data.ChatTemplate;
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
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * OpenAI-compatible serving: {@code /v1/models}, {@code /v1/completions} and {@code
 * /v1/chat/completions}, with server-sent events when {@code stream} is true. The {@code model} is
 * a domain, answered by its production version, or a version by name ({@code <domain>:v<N>}).
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class OpenAiResource {
  static final int DEFAULT_COMPLETION_TOKENS = 16;
  static final int DEFAULT_CHAT_TOKENS = 256;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ServedModels models;

  private final ServingMetrics metrics;
  private final DeployConfig config;
  private final Admission admission;

  public OpenAiResource(
      ServedModels models, ServingMetrics metrics, DeployConfig config, Admission admission) {
    this.metrics = metrics;
    this.config = config;
    this.admission = admission;
    this.models = models;
  }

  @GET
  @Path("/models")
  public ObjectNode list() {
    admission.serving();
    ObjectNode root = JSON.createObjectNode().put("object", "list");
    ArrayNode data = root.putArray("data");
    models
        .versions()
        .forEach(
            (domain, version) ->
                data.addObject()
                    .put("id", domain)
                    .put("object", "model")
                    .put("created", 0)
                    .put("owned_by", "cft:" + version));
    for (String name : models.registeredVersions()) {
      data.addObject()
          .put("id", name)
          .put("object", "model")
          .put("created", 0)
          .put("owned_by", "cft");
    }
    return root;
  }

  @POST
  @Path("/completions")
  @Blocking
  public Response completions(JsonNode body) {
    return serve(body, false);
  }

  @POST
  @Path("/chat/completions")
  @Blocking
  public Response chat(JsonNode body) {
    return serve(body, true);
  }

  /** Counts a request's errors; its success is counted where the answer is complete. */
  private Response serve(JsonNode body, boolean chat) {
    ServingMetrics.Call call =
        metrics.call(
            chat ? "chat_completions" : "completions",
            body != null && body.path("stream").asBoolean(false));
    try {
      admission.serving();
      String model = OpenAiRequests.model(body);
      GenerationRequest request =
          chat
              ? OpenAiRequests.generation(
                  body, OpenAiRequests.chatPrompt(body), DEFAULT_CHAT_TOKENS, ChatTemplate.END)
              : OpenAiRequests.generation(
                  body, OpenAiRequests.prompt(body), DEFAULT_COMPLETION_TOKENS, null);
      return answer(call, model, limited(request), OpenAiRequests.stream(body), chat);
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
      boolean chat) {
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
    String id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
    long created = Instant.now().getEpochSecond();
    if (!stream) {
      try (lease) {
        GenerationResult result = generate(lease, prompt, request, text -> call.generated());
        call.succeeded(result.tokens().length);
        ObjectNode reply = envelope(id, created, model, chat, false);
        ObjectNode choice = reply.putArray("choices").addObject().put("index", 0);
        if (chat) {
          choice.putObject("message").put("role", "assistant").put("content", result.text());
        } else {
          choice.put("text", result.text());
        }
        choice.putNull("logprobs").put("finish_reason", result.finishReason());
        usage(reply, result);
        return Response.ok(reply).build();
      }
    }
    StreamingOutput events =
        out -> {
          try (lease) {
            if (chat) {
              ObjectNode first = chunk(id, created, model, true);
              choice(first).putObject("delta").put("role", "assistant").put("content", "");
              send(out, first);
            }
            GenerationResult result =
                generate(
                    lease,
                    prompt,
                    request,
                    piece -> {
                      call.generated();
                      ObjectNode chunk = chunk(id, created, model, chat);
                      ObjectNode choice = choice(chunk);
                      if (chat) {
                        choice.putObject("delta").put("content", piece);
                      } else {
                        choice.put("text", piece);
                      }
                      send(out, chunk);
                    });
            ObjectNode last = chunk(id, created, model, chat);
            ObjectNode choice = choice(last);
            if (chat) {
              choice.putObject("delta");
            } else {
              choice.put("text", "");
            }
            choice.put("finish_reason", result.finishReason());
            usage(last, result);
            send(out, last);
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            call.succeeded(result.tokens().length);
          } catch (OpenAiError e) {
            call.failed(e.type());
            ObjectNode error = OpenAiError.body(JSON, e.status, e.getMessage(), e.param, e.code);
            out.write(("data: " + error + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
          } catch (UncheckedIOException | IOException e) {
            call.failed("client_closed");
            throw e;
          } catch (RuntimeException e) {
            call.failed(OpenAiError.type(500));
            throw e;
          }
        };
    return Response.ok(events, "text/event-stream").header("Cache-Control", "no-cache").build();
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

  private static ObjectNode envelope(
      String id, long created, String model, boolean chat, boolean chunk) {
    ObjectNode node = JSON.createObjectNode().put("id", id);
    node.put(
        "object", chat ? (chunk ? "chat.completion.chunk" : "chat.completion") : "text_completion");
    return node.put("created", created).put("model", model);
  }

  private static ObjectNode chunk(String id, long created, String model, boolean chat) {
    ObjectNode node = envelope(id, created, model, chat, true);
    ObjectNode choice = node.putArray("choices").addObject().put("index", 0);
    choice.putNull("logprobs");
    choice.putNull("finish_reason");
    return node;
  }

  private static ObjectNode choice(ObjectNode chunk) {
    return (ObjectNode) chunk.get("choices").get(0);
  }

  private static void usage(ObjectNode reply, GenerationResult result) {
    int completion = result.tokens().length;
    reply
        .putObject("usage")
        .put("prompt_tokens", result.promptTokens())
        .put("completion_tokens", completion)
        .put("total_tokens", result.promptTokens() + completion);
  }

  private static void send(OutputStream out, JsonNode event) {
    try {
      out.write(("data: " + event + "\n\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("the client went away", e);
    }
  }
}
