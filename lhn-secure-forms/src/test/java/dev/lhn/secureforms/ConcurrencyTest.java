package dev.lhn.secureforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.event.FormEvent;
import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.schema.RevealPolicy;
import dev.lhn.secureforms.spi.SubmissionStore;
import dev.lhn.secureforms.testing.ManualClock;
import dev.lhn.secureforms.testing.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Exactness of reveals under contention, on the in-memory store (the TCK repeats it for every store). */
class ConcurrencyTest {
  private static final int THREADS = 64;
  private static final int SUBMISSIONS = 1_000;

  private static FormSchema form(int views) {
    return FormSchema.builder("race").field(Field.text("secret"))
        .revealPolicy(RevealPolicy.views(views)).build();
  }

  private static void exactReveals(int views) throws Exception {
    ManualClock clock = ManualClock.at("2026-11-29T10:00:00Z");
    try (SecureForms forms = SecureForms.builder().keyEncryptionKey(TestKeys.freshKek())
        .store(SubmissionStore.inMemory()).clock(clock).retentionScheduler(RetentionScheduler.disabled()).build()) {
      FormSchema form = form(views);
      List<SubmissionId> ids = new ArrayList<>();
      for (int i = 0; i < SUBMISSIONS; i++) {
        ids.add(forms.submit(form, "c", Map.of("secret", "value-" + i)).id());
      }
      AtomicIntegerArray plaintexts = new AtomicIntegerArray(SUBMISSIONS);
      AtomicIntegerArray wrong = new AtomicIntegerArray(SUBMISSIONS);
      CyclicBarrier barrier = new CyclicBarrier(THREADS);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          done.add(pool.submit(() -> {
            for (int i = 0; i < SUBMISSIONS; i++) {
              barrier.await(30, TimeUnit.SECONDS);
              var r = forms.reveal(ids.get(i), Viewer.of("op"));
              if (r.isPresent()) {
                try (RevealedSubmission s = r.get()) {
                  plaintexts.incrementAndGet(i);
                  if (!s.value("secret").equals("value-" + i)) {
                    wrong.incrementAndGet(i);
                  }
                }
              }
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(120, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      for (int i = 0; i < SUBMISSIONS; i++) {
        assertEquals(views, plaintexts.get(i), "plaintexts of submission " + i);
        assertEquals(0, wrong.get(i));
      }
    }
  }

  @Test
  void sixtyFourThreads_viewOnce_exactlyOnePlaintextPerSubmission() throws Exception {
    exactReveals(1);
  }

  @Test
  void sixtyFourThreads_threeViews_exactlyThreePlaintextsPerSubmission() throws Exception {
    exactReveals(3);
  }

  @Test
  void revealRacingPurge_neverRevealsAfterTheDeadline_norMoreThanAllowed() throws Exception {
    ManualClock clock = ManualClock.at("2026-11-29T10:00:00Z");
    List<FormEvent> events = new CopyOnWriteArrayList<>();
    FormSchema form = FormSchema.builder("race").field(Field.text("secret"))
        .revealPolicy(RevealPolicy.views(2))
        .retention(RetentionPolicy.maxAge(Duration.ofMinutes(10))).build();
    try (SecureForms forms = SecureForms.builder().keyEncryptionKey(TestKeys.freshKek())
        .store(SubmissionStore.inMemory()).clock(clock).listener(events::add)
        .retentionScheduler(RetentionScheduler.disabled()).build()) {
      Map<SubmissionId, Instant> deadline = new ConcurrentHashMap<>();
      List<SubmissionId> ids = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        SubmissionReceipt r = forms.submit(form, "c", Map.of("secret", "v" + i));
        ids.add(r.id());
        deadline.put(r.id(), r.purgeAt());
        clock.advance(Duration.ofMillis(1_200)); // deadlines spread over 10 minutes
      }
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(10);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int offset = t;
        done.add(pool.submit(() -> {
          while (!stop.get()) {
            for (int i = 0; i < ids.size(); i++) {
              forms.reveal(ids.get((i + offset * 61) % ids.size()), Viewer.of("op")).ifPresent(RevealedSubmission::close);
            }
          }
          return null;
        }));
      }
      done.add(pool.submit(() -> {
        while (!stop.get()) {
          forms.purgeDue();
        }
        return null;
      }));
      for (int step = 0; step < 200; step++) {
        clock.advance(Duration.ofSeconds(3));
        Thread.onSpinWait();
        if (step % 20 == 0) {
          Thread.yield();
        }
      }
      stop.set(true);
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdownNow();
      forms.purgeDue();
      Map<SubmissionId, Integer> reveals = new ConcurrentHashMap<>();
      for (FormEvent e : events) {
        if (e instanceof FormEvent.Revealed r) {
          reveals.merge(r.submissionId(), 1, Integer::sum);
          assertTrue(r.at().isBefore(deadline.get(r.submissionId())),
              "revealed at " + r.at() + ", deadline " + deadline.get(r.submissionId()));
        }
      }
      reveals.values().forEach(n -> assertTrue(n <= 2, "at most 2 views, got " + n));
      for (SubmissionId id : ids) {
        assertTrue(forms.status(id).isEmpty(), "every submission ended revealed or purged");
      }
      long purged = events.stream().filter(e -> e instanceof FormEvent.Purged).count();
      assertEquals(ids.size(), purged, "each submission purged exactly once (by its last view or its deadline)");
    }
  }
}
