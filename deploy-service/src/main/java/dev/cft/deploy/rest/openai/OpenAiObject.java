package dev.cft.deploy.rest.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * An object of OpenAI's API. Its {@code object} field says what kind it is ({@code
 * text_completion}, {@code chat.completion.chunk}, {@code list}...): a type name, written as
 * Jackson writes one, from each record's {@code @JsonTypeName}. Fields left null are left out (a
 * chunk's usage until the last one).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "object")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public interface OpenAiObject {}
