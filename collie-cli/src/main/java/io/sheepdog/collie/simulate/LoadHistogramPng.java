package io.sheepdog.collie.simulate;

import io.sheepdog.collie.simulate.PlacementSimulation.SimulatedCluster;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws the per-node load of simulated clusters as histograms, one panel per cluster size side by side: how many
 * nodes (y) carry a given load relative to the mean (x), with the mean and the 1.10 balance target marked. Plain
 * java.awt in headless mode, written with ImageIO: no display and no extra library.
 */
public final class LoadHistogramPng {
    /** Size of one panel in pixels; the image is {@code PANEL_WIDTH * clusters} wide. */
    public static final int PANEL_WIDTH = 480;
    public static final int PANEL_HEIGHT = 360;
    /** The balance target of docs/performance.md: no node above 1.10 times the mean. */
    static final double TARGET = 1.10;
    private static final int BINS = 40;
    private static final int LEFT = 56;
    private static final int RIGHT = 16;
    private static final int TOP = 40;
    private static final int BOTTOM = 48;

    private LoadHistogramPng() {
    }

    /** Writes the histograms of {@code clusters} to {@code file} as a PNG. */
    public static void write(List<SimulatedCluster> clusters, Path file) throws IOException {
        if (clusters.isEmpty()) {
            throw new IllegalArgumentException("nothing to draw");
        }
        BufferedImage image = render(clusters);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IOException("cannot write " + file + ": the directory " + parent + " does not exist");
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in this Java runtime");
        }
    }

    /** The image: one panel per cluster, left to right. */
    static BufferedImage render(List<SimulatedCluster> clusters) {
        // Before the first use of AWT: draw into memory, never open a display.
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(PANEL_WIDTH * clusters.size(), PANEL_HEIGHT,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (int i = 0; i < clusters.size(); i++) {
                Graphics2D panel = (Graphics2D) g.create(i * PANEL_WIDTH, 0, PANEL_WIDTH, PANEL_HEIGHT);
                try {
                    drawPanel(panel, clusters.get(i));
                } finally {
                    panel.dispose();
                }
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void drawPanel(Graphics2D g, SimulatedCluster cluster) {
        long[] loads = cluster.loads();
        double mean = 0;
        for (long l : loads) {
            mean += l;
        }
        mean /= loads.length;
        PlacementStats s = cluster.stats();
        // The x range always shows 0.8-1.2 and widens to take in every node.
        double lo = Math.min(0.8, Math.floor(s.minOverMean() * 20) / 20);
        double hi = Math.max(1.2, Math.ceil(s.maxOverMean() * 20) / 20);
        int[] bins = new int[BINS];
        for (long l : loads) {
            int b = (int) ((l / mean - lo) / (hi - lo) * BINS);
            bins[Math.max(0, Math.min(BINS - 1, b))]++;
        }
        int top = 1;
        for (int b : bins) {
            top = Math.max(top, b);
        }
        int plotW = PANEL_WIDTH - LEFT - RIGHT;
        int plotH = PANEL_HEIGHT - TOP - BOTTOM;
        int baseY = TOP + plotH;

        g.setColor(Color.BLACK);
        drawCentered(g, String.format(Locale.ROOT, "%d nodes, %d zones, %d copies: max/mean %.3f",
                s.nodes(), s.zones(), s.copies(), s.maxOverMean()), PANEL_WIDTH / 2, 20);
        g.setColor(new Color(0x4878CF));
        for (int b = 0; b < BINS; b++) {
            int h = (int) Math.round((double) bins[b] / top * plotH);
            int x0 = LEFT + b * plotW / BINS;
            int x1 = LEFT + (b + 1) * plotW / BINS;
            g.fillRect(x0 + 1, baseY - h, Math.max(1, x1 - x0 - 1), h);
        }
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {5, 4}, 0));
        g.setColor(Color.DARK_GRAY);
        int meanX = xOf(1.0, lo, hi, plotW);
        g.drawLine(meanX, TOP, meanX, baseY);
        g.setColor(new Color(0xC03030));
        int targetX = xOf(TARGET, lo, hi, plotW);
        g.drawLine(targetX, TOP, targetX, baseY);
        g.drawString(String.format(Locale.ROOT, "target %.2f", TARGET), targetX + 3, TOP + 12);

        g.setStroke(new BasicStroke(1));
        g.setColor(Color.BLACK);
        g.drawLine(LEFT, baseY, LEFT + plotW, baseY);
        g.drawLine(LEFT, TOP, LEFT, baseY);
        for (long tenth = Math.round(Math.ceil(lo * 10 - 1e-9)); tenth <= Math.round(Math.floor(hi * 10 + 1e-9));
                tenth++) {
            double t = tenth / 10.0;
            int x = xOf(t, lo, hi, plotW);
            g.drawLine(x, baseY, x, baseY + 4);
            drawCentered(g, String.format(Locale.ROOT, "%.1f", t), x, baseY + 17);
        }
        drawCentered(g, "load / mean load (replicas per node)", LEFT + plotW / 2, baseY + 36);
        for (int k = 0; k <= 4; k++) {
            int count = (int) Math.round(top * k / 4.0);
            int y = baseY - (int) Math.round((double) count / top * plotH);
            g.drawLine(LEFT - 4, y, LEFT, y);
            String label = Integer.toString(count);
            g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        Graphics2D rotated = (Graphics2D) g.create();
        try {
            rotated.rotate(-Math.PI / 2);
            drawCentered(rotated, "nodes", -(TOP + plotH / 2), 16);
        } finally {
            rotated.dispose();
        }
    }

    private static int xOf(double value, double lo, double hi, int plotW) {
        return LEFT + (int) Math.round((value - lo) / (hi - lo) * plotW);
    }

    private static void drawCentered(Graphics2D g, String text, int x, int y) {
        FontMetrics fm = g.getFontMetrics();
        g.drawString(text, x - fm.stringWidth(text) / 2, y);
    }
}
