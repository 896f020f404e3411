package dev.cft.deploy.rest.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.List;

/** {@code GET /v1/models}: the domains served and the versions served by name. */
@JsonTypeName("list")
public record ModelList(List<Model> data) implements OpenAiObject {
  /**
   * @param id a domain ({@code support}) or a version by name ({@code support:v7})
   * @param ownedBy {@code cft:<version>} for a domain (the version that answers it), {@code cft}
   *     for a version
   */
  @JsonTypeName("model")
  public record Model(String id, String ownedBy) implements OpenAiObject {
    /** OpenAI's creation time: 0, as a domain's model changes with every promotion. */
    @JsonProperty
    public long created() {
      return 0;
    }
  }
}
