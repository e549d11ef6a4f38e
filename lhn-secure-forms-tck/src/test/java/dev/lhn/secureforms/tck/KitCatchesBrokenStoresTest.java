package dev.lhn.secureforms.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.spi.SubmissionStore;
import dev.lhn.secureforms.tck.BuggyStore.Bug;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the kits against stores with one known bug each: every bug must fail its kit, in the group that
 * covers it. A kit that passed a broken store would prove nothing.
 */
class KitCatchesBrokenStoresTest {

  /** The nested group (class name) expected to catch each bug. */
  private static final Map<Bug, String> CAUGHT_BY = Map.ofEntries(
      Map.entry(Bug.FIND_CONSUMES_A_VIEW, "InsertAndFind"),
      Map.entry(Bug.CLAIM_NOT_ATOMIC, "ClaimConcurrency"),
      Map.entry(Bug.CLAIM_TAKES_VIEW_BEFORE_ACTION, "FailedClaim"),
      Map.entry(Bug.CLAIM_WRAPS_ACTION_EXCEPTION, "FailedClaim"),
      Map.entry(Bug.DUE_ONLY_AFTER_PURGE_AT, "Due"),
      Map.entry(Bug.PURGE_IGNORES_BATCH_SIZE, "PurgeDue"),
      Map.entry(Bug.PURGE_TOUCHES_NOT_YET_DUE, "PurgeDue"),
      Map.entry(Bug.PURGE_NOT_ATOMIC, "PurgeDue"),
      Map.entry(Bug.REPLACE_IGNORES_VERSION, "Replace"),
      Map.entry(Bug.REPLACE_INSERTS_ABSENT, "Replace"),
      Map.entry(Bug.CONVERSATION_MATCH_IGNORES_CASE, "Conversations"),
      Map.entry(Bug.DUPLICATE_OVERWRITES, "DuplicateId"),
      Map.entry(Bug.ENVELOPE_TRUNCATED_AT_64_KIB, "LargeEnvelopes"),
      Map.entry(Bug.COUNT_DOWN_IGNORES_REVEAL_WINDOW, "ViewLimits"),
      Map.entry(Bug.FIELD_PURGE_LISTS_DUE_SUBMISSIONS, "FieldPurgeDue"),
      Map.entry(Bug.PREVIEW_ORDER_LOST, "InsertAndFind"),
      Map.entry(Bug.NULL_OFFSET_STORED_AS_ZERO, "InsertAndFind"),
      Map.entry(Bug.DELETE_RETURNS_INSERTED_METADATA, "Delete"),
      Map.entry(Bug.CONVERSATION_LISTS_DELETED, "Conversations"),
      Map.entry(Bug.CONVERSATION_LISTS_LAST_VIEWED, "Conversations"),
      Map.entry(Bug.CONVERSATION_LISTS_PURGED, "Conversations"),
      Map.entry(Bug.END_KEEPS_LATEST, "EndedConversations"),
      Map.entry(Bug.ENDED_NEVER_FORGOTTEN, "EndedConversations"),
      Map.entry(Bug.CLAIM_WITHOUT_RECORD, "Journal"),
      Map.entry(Bug.VIEW_KEPT_WHEN_EVIDENCE_FAILS, "Journal"),
      Map.entry(Bug.CURSOR_SKIPS_ITS_OWN_DEADLINE, "PurgeDue"));

  /** The epoch key kit's group (class name) expected to catch each bug of {@link BuggyEpochKeyStore}. */
  private static final Map<BuggyEpochKeyStore.Bug, String> EPOCH_CAUGHT_BY = Map.ofEntries(
      Map.entry(BuggyEpochKeyStore.Bug.INSERT_OVERWRITES, "DuplicateId"),
      Map.entry(BuggyEpochKeyStore.Bug.INSERT_NOT_ATOMIC, "DuplicateId"),
      Map.entry(BuggyEpochKeyStore.Bug.WRAPPED_TRUNCATED_AT_256, "InsertAndFind"),
      Map.entry(BuggyEpochKeyStore.Bug.FIND_RETURNS_PAST_DESTROY_AT, "PastDestroyAt"),
      Map.entry(BuggyEpochKeyStore.Bug.DESTROY_IGNORES_BATCH_SIZE, "DestroyDue"),
      Map.entry(BuggyEpochKeyStore.Bug.DESTROY_TOUCHES_NOT_YET_DUE, "DestroyDue"),
      Map.entry(BuggyEpochKeyStore.Bug.DESTROY_NOT_ATOMIC, "DestroyDue"),
      Map.entry(BuggyEpochKeyStore.Bug.LIVE_IN_INSERTION_ORDER, "Live"),
      Map.entry(BuggyEpochKeyStore.Bug.LIVE_INCLUDES_AFTER, "Live"),
      Map.entry(BuggyEpochKeyStore.Bug.LIVE_RETURNS_PAST_DESTROY_AT, "PastDestroyAt"),
      Map.entry(BuggyEpochKeyStore.Bug.REWRAP_IGNORES_VERSION, "Rewrap"),
      Map.entry(BuggyEpochKeyStore.Bug.REWRAP_KEEPS_VERSION, "Rewrap"),
      Map.entry(BuggyEpochKeyStore.Bug.REWRAP_PAST_DESTROY_AT, "PastDestroyAt"));

  private static volatile Bug current = Bug.NONE;
  private static volatile BuggyEpochKeyStore.Bug currentEpoch = BuggyEpochKeyStore.Bug.NONE;

  /** The kit over a {@link BuggyStore} with the bug under test; run only through the launcher below. */
  static class BuggyStoreKit extends SubmissionStoreCompatibilityKit {
    @Override
    protected SubmissionStore createStore() {
      return new BuggyStore(current);
    }
  }

  /** The epoch key kit over a {@link BuggyEpochKeyStore} with the bug under test; run only through the launcher. */
  static class BuggyEpochKeyStoreKit extends EpochKeyStoreCompatibilityKit {
    @Override
    protected EpochKeyStore createStore() {
      return new BuggyEpochKeyStore(currentEpoch);
    }
  }

  @Test
  void correctStore_passesEveryTest() {
    TestExecutionSummary summary = runKit(Bug.NONE);
    assertEquals(List.of(), failedGroups(summary).stream().collect(Collectors.toList()), "failures of a correct store");
    assertTrue(summary.getTestsSucceededCount() >= 45, "tests run: " + summary.getTestsSucceededCount());
  }

  @ParameterizedTest
  @EnumSource(value = Bug.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void everyBug_failsTheKit_inItsGroup(Bug bug) {
    TestExecutionSummary summary = runKit(bug);
    Set<String> groups = failedGroups(summary);
    assertFalse(groups.isEmpty(), bug + " passed the whole kit");
    assertTrue(groups.contains(CAUGHT_BY.get(bug)), bug + " must fail " + CAUGHT_BY.get(bug) + ", failed " + groups);
  }

  @Test
  void correctEpochKeyStore_passesEveryTest() {
    TestExecutionSummary summary = runEpochKit(BuggyEpochKeyStore.Bug.NONE);
    assertEquals(List.of(), failedGroups(summary).stream().collect(Collectors.toList()), "failures of a correct store");
    assertTrue(summary.getTestsSucceededCount() >= 29, "tests run: " + summary.getTestsSucceededCount());
  }

  @ParameterizedTest
  @EnumSource(value = BuggyEpochKeyStore.Bug.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void everyEpochKeyStoreBug_failsTheKit_inItsGroup(BuggyEpochKeyStore.Bug bug) {
    Set<String> groups = failedGroups(runEpochKit(bug));
    assertFalse(groups.isEmpty(), bug + " passed the whole epoch key kit");
    assertTrue(groups.contains(EPOCH_CAUGHT_BY.get(bug)),
        bug + " must fail " + EPOCH_CAUGHT_BY.get(bug) + ", failed " + groups);
  }

  private static TestExecutionSummary runKit(Bug bug) {
    current = bug;
    return launch(BuggyStoreKit.class);
  }

  private static TestExecutionSummary runEpochKit(BuggyEpochKeyStore.Bug bug) {
    currentEpoch = bug;
    return launch(BuggyEpochKeyStoreKit.class);
  }

  private static TestExecutionSummary launch(Class<?> kit) {
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(kit)).build(), listener);
    return listener.getSummary();
  }

  private static Set<String> failedGroups(TestExecutionSummary summary) {
    Set<String> groups = new TreeSet<>();
    for (TestExecutionSummary.Failure f : summary.getFailures()) {
      String uid = f.getTestIdentifier().getUniqueId();
      int at = uid.lastIndexOf("[nested-class:");
      groups.add(at < 0 ? uid : uid.substring(at + 14, uid.indexOf(']', at)));
    }
    return groups;
  }
}
