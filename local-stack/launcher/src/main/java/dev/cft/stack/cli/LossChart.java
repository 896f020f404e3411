package dev.cft.stack.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/** A training run's loss curve as a picture: train loss per step, validation loss as points. */
final class LossChart {
  static final Color TRAIN = new Color(31, 119, 180);
  static final Color VAL = new Color(214, 39, 40);
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 50;
  private static final int BOTTOM = 50;

  /** One reported step; {@code valLoss} is NaN when the step had no validation. */
  record Point(long step, double trainLoss, double valLoss) {}

  private LossChart() {}

  static BufferedImage render(String title, List<Point> points, int width, int height) {
    if (points.isEmpty()) {
      throw new IllegalArgumentException("no progress to draw");
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    long maxStep = points.stream().mapToLong(Point::step).max().orElse(1);
    double maxLoss = 0;
    double minLoss = Double.MAX_VALUE;
    for (Point p : points) {
      for (double v : new double[] {p.trainLoss(), p.valLoss()}) {
        if (Double.isFinite(v)) {
          maxLoss = Math.max(maxLoss, v);
          minLoss = Math.min(minLoss, v);
        }
      }
    }
    double low = Math.max(0, minLoss - 0.05 * (maxLoss - minLoss));
    double high = maxLoss + 0.05 * (maxLoss - minLoss) + 1e-9;
    int plotW = width - LEFT - RIGHT;
    int plotH = height - TOP - BOTTOM;
    Axis x = v -> LEFT + v / Math.max(1, maxStep) * plotW;
    Axis y = v -> TOP + plotH - (v - low) / (high - low) * plotH;

    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.setColor(new Color(230, 230, 230));
    for (int i = 0; i <= 5; i++) {
      double v = low + (high - low) * i / 5;
      int py = (int) y.at(v);
      g.drawLine(LEFT, py, LEFT + plotW, py);
      g.setColor(Color.DARK_GRAY);
      g.drawString(String.format(Locale.ROOT, "%.2f", v), 10, py + 4);
      g.setColor(new Color(230, 230, 230));
    }
    g.setColor(Color.DARK_GRAY);
    g.drawRect(LEFT, TOP, plotW, plotH);
    for (int i = 0; i <= 5; i++) {
      long step = maxStep * i / 5;
      g.drawString(Long.toString(step), (int) x.at(step) - 10, TOP + plotH + 18);
    }
    g.drawString("step", LEFT + plotW / 2 - 12, height - 12);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(title, LEFT, 22);

    Path2D.Double train = new Path2D.Double();
    boolean first = true;
    for (Point p : points) {
      if (first) {
        train.moveTo(x.at(p.step()), y.at(p.trainLoss()));
        first = false;
      } else {
        train.lineTo(x.at(p.step()), y.at(p.trainLoss()));
      }
    }
    g.setStroke(new BasicStroke(2f));
    g.setColor(TRAIN);
    g.draw(train);
    g.setColor(VAL);
    for (Point p : points) {
      if (Double.isFinite(p.valLoss())) {
        g.fillOval((int) x.at(p.step()) - 4, (int) y.at(p.valLoss()) - 4, 9, 9);
      }
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    int legend = LEFT + plotW - 170;
    g.setColor(TRAIN);
    g.fillRect(legend, TOP + 12, 18, 3);
    g.setColor(Color.DARK_GRAY);
    g.drawString("train loss", legend + 24, TOP + 17);
    g.setColor(VAL);
    g.fillOval(legend + 5, TOP + 26, 8, 8);
    g.setColor(Color.DARK_GRAY);
    g.drawString("validation loss", legend + 24, TOP + 35);
    g.dispose();
    return image;
  }

  private interface Axis {
    double at(double value);
  }
}
