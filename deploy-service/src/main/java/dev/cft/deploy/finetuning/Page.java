package dev.cft.deploy.finetuning;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/** A page of an OpenAI list: newest first, after the id {@code after}. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Page<T>(String object, List<T> data, boolean hasMore, String firstId, String lastId) {

  /**
   * @param oldestFirst ids in creation order, as the store lists them
   * @param after the last id of the previous page; null for the first page
   * @return the page's ids; {@code hasMore} through the returned page's own list size check
   */
  public static <T> Page<T> of(
      List<String> oldestFirst, String after, int limit, Function<String, T> load) {
    List<String> newestFirst = new ArrayList<>(oldestFirst);
    Collections.reverse(newestFirst);
    int from = 0;
    if (after != null) {
      int at = newestFirst.indexOf(after);
      // An id no longer listed (deleted): what is older than it by creation order.
      from =
          at >= 0
              ? at + 1
              : (int) newestFirst.stream().filter(id -> id.compareTo(after) > 0).count();
    }
    int to = Math.min(newestFirst.size(), from + limit);
    List<String> ids = newestFirst.subList(from, to);
    List<T> data = ids.stream().map(load).toList();
    return new Page<>(
        "list",
        data,
        to < newestFirst.size(),
        ids.isEmpty() ? null : ids.get(0),
        ids.isEmpty() ? null : ids.get(ids.size() - 1));
  }
}
