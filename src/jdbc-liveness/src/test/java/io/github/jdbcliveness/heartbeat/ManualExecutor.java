package io.github.jdbcliveness.heartbeat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Probe threads the test runs by hand: nothing runs until {@link #runAll()}. A probe of a {@link FakeProbeable}
 * marked {@code silent} is kept queued forever: its answer never comes, as on a blackholed connection.
 */
final class ManualExecutor implements Executor {

    private record Task(FakeProbeable owner, Runnable run) {
    }

    private final Queue<Task> tasks = new ArrayDeque<>();
    /** The connection that just handed out a probe token: the heartbeat submits that probe next. */
    private FakeProbeable starting;

    void nextTaskIsFor(FakeProbeable p) {
        starting = p;
    }

    @Override
    public void execute(Runnable command) {
        tasks.add(new Task(starting, command));
        starting = null;
    }

    /** Tasks submitted and not run (including silent probes). */
    int pending() {
        return tasks.size();
    }

    /**
     * Runs every queued task except silent probes, on the calling thread. A silent probe is started (its deadline
     * runs from now) and then never answers.
     */
    int runAll() {
        int ran = 0;
        List<Task> held = new ArrayList<>();
        for (Task t = tasks.poll(); t != null; t = tasks.poll()) {
            if (t.owner() != null && t.owner().silent) {
                if (t.run() instanceof HeartbeatCore.ProbeTask probe && probe.startedNanos()
                        == HeartbeatCore.ProbeTask.NOT_STARTED) {
                    probe.begin();
                }
                held.add(t);
            } else {
                t.run().run();
                ran++;
            }
        }
        tasks.addAll(held);
        return ran;
    }
}
