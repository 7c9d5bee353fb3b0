package io.sheepdog.collie.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sheepdog.collie.simulate.PlacementSimulation.SimulatedCluster;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadHistogramPngTest {

    @TempDir
    Path dir;

    @Test
    void writesAPngWithOnePanelPerCluster() throws IOException {
        PlacementSimulation simulation = new PlacementSimulation(new SimulationSettings(5_000, 3, 16, 0, 3),
                step -> { });
        List<SimulatedCluster> clusters = List.of(simulation.run(4), simulation.run(12));
        Path file = dir.resolve("load.png");

        LoadHistogramPng.write(clusters, file);

        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(2 * LoadHistogramPng.PANEL_WIDTH);
        assertThat(image.getHeight()).isEqualTo(LoadHistogramPng.PANEL_HEIGHT);
        // Each panel has bars (and axes): not all white.
        assertThat(nonWhite(image, 0)).isGreaterThan(1000);
        assertThat(nonWhite(image, LoadHistogramPng.PANEL_WIDTH)).isGreaterThan(1000);
    }

    @Test
    void aMissingDirectoryIsAClearError() {
        PlacementSimulation simulation = new PlacementSimulation(new SimulationSettings(100, 1, 4, 0, 3),
                step -> { });
        Path file = dir.resolve("no/such/dir/load.png");
        assertThatThrownBy(() -> LoadHistogramPng.write(List.of(simulation.run(2)), file))
                .isInstanceOf(IOException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> LoadHistogramPng.write(List.of(), dir.resolve("x.png")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static int nonWhite(BufferedImage image, int x0) {
        int count = 0;
        for (int x = x0; x < x0 + LoadHistogramPng.PANEL_WIDTH; x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                if ((image.getRGB(x, y) & 0xffffff) != 0xffffff) {
                    count++;
                }
            }
        }
        return count;
    }
}
