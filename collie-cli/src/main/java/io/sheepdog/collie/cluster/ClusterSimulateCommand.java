package io.sheepdog.collie.cluster;

import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.collie.JsonOutput;
import io.sheepdog.collie.OfflineCommand;
import io.sheepdog.collie.OutputOptions;
import io.sheepdog.collie.simulate.LoadHistogramPng;
import io.sheepdog.collie.simulate.PlacementSimulation;
import io.sheepdog.collie.simulate.PlacementSimulation.SimulatedCluster;
import io.sheepdog.collie.simulate.PlacementStats;
import io.sheepdog.collie.simulate.SimulationSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code collie cluster simulate}: places objects on synthetic clusters of several sizes with the daemon's own
 * consistent-hash ring, offline, and prints per size the balance (max and min load over the mean), the replicas
 * moved when one node joins or leaves against the ideal (that node's share), and the time of one lookup:
 * <pre>
 * Nodes Zones Copies Max/mean Min/mean   Join moved (ideal, ratio)   Leave moved (ideal, ratio)  ns/lookup
 *    10    10      3    1.032    0.965    9.11% ( 9.09%, 1.00x)      10.02% (10.00%, 1.00x)         350
 * </pre>
 */
@Command(name = "simulate", description = {
    "Simulates object placement offline (no daemon needed) with the ring the daemons use: balance, data moved when "
        + "a node joins or leaves, lookup time; optionally a PNG histogram of the load per node.",
    "Nodes have equal weight and are spread round-robin over the zones."})
public final class ClusterSimulateCommand extends OfflineCommand {

    @Option(names = "--objects", paramLabel = "N", defaultValue = "1000000",
            description = "Data objects to place (default: ${DEFAULT-VALUE}).")
    private long objects;

    @Option(names = "--nodes", paramLabel = "N[,N...]", split = ",", defaultValue = "10,100,1000",
            description = "Cluster sizes to simulate (default: ${DEFAULT-VALUE}).")
    private List<Integer> nodes;

    @Option(names = "--zones", paramLabel = "N", defaultValue = "10",
            description = "Failure zones; 0 puts every node in its own zone (default: ${DEFAULT-VALUE}).")
    private int zones;

    @Option(names = {"-c", "--copies"}, paramLabel = "N", defaultValue = "3",
            description = "Copies of each object (default: ${DEFAULT-VALUE}).")
    private int copies;

    @Option(names = "--vnodes", paramLabel = "N", defaultValue = "128",
            description = "Virtual nodes per node (default: ${DEFAULT-VALUE}).")
    private int vnodes;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed of the synthetic VDI ids and of the leaving node (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--png", paramLabel = "FILE",
            description = "Also write a histogram of the load per node, one panel per cluster size, to FILE.")
    private Path png;

    @Mixin
    private OutputOptions output;

    @Override
    protected int run(CollieIo io) throws Exception {
        OutputOptions.Format format = output.format();
        SimulationSettings settings;
        try {
            settings = new SimulationSettings(objects, copies, vnodes, zones, seed);
            for (int n : nodes) {
                settings.checkNodes(n);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter err = io.err();
        PlacementSimulation simulation = new PlacementSimulation(settings, step -> {
            err.println("simulate: " + step);
            err.flush();
        });
        List<SimulatedCluster> clusters = new ArrayList<>();
        for (int n : nodes) {
            clusters.add(simulation.run(n));
        }
        List<PlacementStats> stats = clusters.stream().map(SimulatedCluster::stats).toList();
        if (format == OutputOptions.Format.JSON) {
            JsonOutput.print(io.out(), stats);
        } else {
            print(settings, stats, format == OutputOptions.Format.RAW, io.out());
        }
        if (png != null) {
            LoadHistogramPng.write(clusters, png);
            err.println("simulate: wrote the load histogram to " + png);
        }
        return ExitCodes.SUCCESS;
    }

    static void print(SimulationSettings settings, List<PlacementStats> stats, boolean raw, PrintWriter out) {
        if (!raw) {
            out.printf(Locale.ROOT, "Placement of %d objects, %d copies, %d vnodes per node, %s (seed %d)%n%n",
                    settings.objects(), settings.copies(), settings.vnodes(),
                    settings.zones() == 0 ? "one zone per node" : settings.zones() + " zones", settings.seed());
            out.println("Nodes Zones Copies Max/mean Min/mean   Join moved (ideal, ratio)   "
                    + "Leave moved (ideal, ratio)  ns/lookup");
        }
        for (PlacementStats s : stats) {
            if (raw) {
                out.printf(Locale.ROOT, "%d %d %d %.4f %.4f %.6f %.6f %.6f %.6f %.0f%n", s.nodes(), s.zones(),
                        s.copies(), s.maxOverMean(), s.minOverMean(), s.joinMoved(), s.joinIdeal(), s.leaveMoved(),
                        s.leaveIdeal(), s.nanosPerLookup());
            } else {
                out.printf(Locale.ROOT, "%5d %5d %6d %8.3f %8.3f  %s     %s %10.0f%n", s.nodes(), s.zones(),
                        s.copies(), s.maxOverMean(), s.minOverMean(),
                        moved(s.joinMoved(), s.joinIdeal(), s.joinRatio()),
                        moved(s.leaveMoved(), s.leaveIdeal(), s.leaveRatio()), s.nanosPerLookup());
            }
        }
    }

    private static String moved(double fraction, double ideal, double ratio) {
        if (Double.isNaN(fraction)) {
            return String.format(Locale.ROOT, "%-23s", "   -");
        }
        return String.format(Locale.ROOT, "%6.2f%% (%5.2f%%, %.2fx)", fraction * 100, ideal * 100, ratio);
    }
}
