package dev.lhn.secureforms.jdbc;

import dev.lhn.secureforms.SubmissionId;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A separate JVM that races to claim submissions: {@code ClaimWorker <tablePrefix> <idsFile> <outFile>
 * <threads>}, the JDBC URL in {@code LSF_WORKER_URL}. Prints READY, waits for GO on stdin, claims every id
 * of the file (each thread in its own order), writes the ids it won to {@code outFile}, prints DONE.
 */
public final class ClaimWorker {
  private ClaimWorker() {}

  public static void main(String[] args) throws Exception {
    String prefix = args[0];
    List<SubmissionId> ids = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[1]))) {
      ids.add(SubmissionId.parse(line.strip()));
    }
    Path out = Path.of(args[2]);
    int threads = Integer.parseInt(args[3]);
    try (TestPool pool = new TestPool(new TestDatabase.UrlDataSource(System.getenv("LSF_WORKER_URL")), threads)) {
      JdbcSubmissionStore store = JdbcSubmissionStore.builder(pool).tablePrefix(prefix).build();
      Instant now = Instant.parse("2031-03-14T09:26:53.589Z");
      // warm up the connections and the code before the race
      for (int i = 0; i < threads * 4; i++) {
        store.find(ids.get(i % ids.size()), now);
      }
      System.out.println("READY " + ProcessHandle.current().pid());
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      if (!"GO".equals(in.readLine())) {
        System.out.println("ERROR no GO");
        System.exit(3);
      }
      Set<SubmissionId> won = ConcurrentHashMap.newKeySet();
      AtomicLong attempts = new AtomicLong();
      ExecutorService exec = Executors.newFixedThreadPool(threads);
      long start = System.nanoTime();
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long seed = ProcessHandle.current().pid() * 31 + t;
        futures.add(exec.submit(() -> {
          List<SubmissionId> order = new ArrayList<>(ids);
          Collections.shuffle(order, new Random(seed));
          for (SubmissionId id : order) {
            attempts.incrementAndGet();
            store.claim(id, now, claimed -> claimed.metadata().id()).ifPresent(got -> {
              if (!got.equals(id) || !won.add(id)) {
                throw new IllegalStateException("claimed " + id + " twice in one JVM");
              }
            });
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      exec.shutdown();
      List<String> lines = new ArrayList<>();
      won.forEach(id -> lines.add(id.toString()));
      Files.write(out, lines);
      System.out.println("DONE " + won.size() + " " + attempts.get() + " " + millis + " " + pool.violations());
    } catch (Throwable t) {
      System.out.println("ERROR " + t);
      System.exit(2);
    }
    System.exit(0);
  }
}
