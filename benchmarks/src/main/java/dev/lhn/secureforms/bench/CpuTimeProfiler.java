package dev.lhn.secureforms.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Adds {@code cpu.time.norm}: CPU nanoseconds the JMH worker threads spent per operation. On a shared machine
 * wall-clock scores move with everybody else's load (a preempted worker's time still counts); CPU time does
 * not count the time another process held the core, so its ratios are steadier. It leaves out work done on
 * other threads (GC, JIT, a database server), so it complements the primary score and never replaces it.
 * Not reported for single-shot runs, whose per-iteration setup runs on the worker inside the window. In a
 * virtual machine the guest may still count time the hypervisor stole from the vCPU.
 *
 * <pre>java -jar benchmarks.jar CryptoBenchmark -prof dev.lhn.secureforms.bench.CpuTimeProfiler</pre>
 */
public final class CpuTimeProfiler implements InternalProfiler {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> before = new HashMap<>();

  public CpuTimeProfiler() {
    if (!THREADS.isThreadCpuTimeSupported()) {
      throw new IllegalStateException("this JVM cannot measure per-thread CPU time");
    }
    THREADS.setThreadCpuTimeEnabled(true);
  }

  @Override
  public String getDescription() {
    return "CPU time of the benchmark's worker threads per operation";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    before.clear();
    workers().forEach(before::put);
  }

  @Override
  @SuppressWarnings("rawtypes") // JMH's InternalProfiler declares the raw Result
  public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
      IterationParams iterationParams, IterationResult result) {
    if (benchmarkParams.getMode() == Mode.SingleShotTime) {
      return List.of(); // the worker runs the per-iteration setup inside this window: no per-op figure
    }
    long cpu = 0;
    for (Map.Entry<Long, Long> w : workers().entrySet()) {
      cpu += w.getValue() - before.getOrDefault(w.getKey(), 0L);
    }
    long ops = result.getMetadata().getAllOps();
    if (ops <= 0) {
      ops = result.getMetadata().getMeasuredOps();
    }
    double perOp = ops <= 0 ? Double.NaN : (double) cpu / ops;
    return List.of(new ScalarResult("cpu.time.norm", perOp, "ns/op", AggregationPolicy.AVG));
  }

  /** CPU time so far of every live JMH worker thread, by thread id. */
  private static Map<Long, Long> workers() {
    Map<Long, Long> out = new HashMap<>();
    for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (t != null && t.getThreadName().contains("-jmh-worker-")) {
        long ns = THREADS.getThreadCpuTime(t.getThreadId());
        if (ns >= 0) {
          out.put(t.getThreadId(), ns);
        }
      }
    }
    return out;
  }
}
