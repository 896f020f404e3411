package dev.cft.stack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cft.events.TrainingProgress;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LossChartTest {
  @Test
  void theCurveFallsFromTopLeftToBottomRightAndValidationPointsAreDrawn() {
    List<LossChart.Point> points = new ArrayList<>();
    for (int step = 1; step <= 100; step++) {
      points.add(new LossChart.Point(step, 5.0 / step, step % 25 == 0 ? 6.0 / step : Double.NaN));
    }
    BufferedImage image = LossChart.render("test", points, 600, 400);
    assertEquals(600, image.getWidth());
    int[] rows = rowsOf(image, LossChart.TRAIN);
    assertTrue(rows[0] >= 0, "the train curve is drawn");
    // The first columns of the curve sit high (small y), the last ones low.
    assertTrue(
        firstRowIn(image, LossChart.TRAIN, 72, 90) < firstRowIn(image, LossChart.TRAIN, 500, 575));
    assertTrue(rowsOf(image, LossChart.VAL)[0] >= 0, "validation points are drawn");
  }

  @Test
  void nothingToDrawIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> LossChart.render("t", List.of(), 300, 200));
  }

  @Test
  void aResumedJobsRepeatedStepsKeepTheirLastReport() {
    TestEvents chain = new TestEvents("c");
    List<TrainingProgress> events =
        List.of(
            chain.progress("job-1", 5, 15, 2.0, null),
            chain.progress("job-1", 10, 15, 1.5, 1.7),
            chain.progress("job-1", 10, 15, 1.4, 1.6),
            chain.progress("job-1", 15, 15, 1.2, null));
    List<LossChart.Point> points = LossCurveCommand.points(events);
    assertEquals(List.of(5L, 10L, 15L), points.stream().map(LossChart.Point::step).toList());
    assertEquals(1.4, points.get(1).trainLoss());
    assertEquals(1.6, points.get(1).valLoss());
    assertTrue(Double.isNaN(points.get(0).valLoss()));
  }

  @Test
  void jobsKeepTheOrderTheyFirstAppearedIn() {
    TestEvents chain = new TestEvents("c");
    Map<String, List<TrainingProgress>> jobs =
        LossCurveCommand.byJob(
            List.of(
                chain.progress("job-b", 1, 2, 2.0, null),
                chain.progress("job-a", 1, 2, 2.0, null),
                chain.progress("job-b", 2, 2, 1.0, null)));
    assertEquals(List.of("job-b", "job-a"), List.copyOf(jobs.keySet()));
    assertEquals(List.of(1L, 2L), jobs.get("job-b").stream().map(TrainingProgress::step).toList());
  }

  private static int[] rowsOf(BufferedImage image, Color color) {
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (image.getRGB(x, y) == color.getRGB()) {
          return new int[] {y, x};
        }
      }
    }
    return new int[] {-1, -1};
  }

  private static int firstRowIn(BufferedImage image, Color color, int fromX, int toX) {
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = fromX; x < toX; x++) {
        if (image.getRGB(x, y) == color.getRGB()) {
          return y;
        }
      }
    }
    return Integer.MAX_VALUE;
  }
}
